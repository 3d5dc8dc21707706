// tessera/drift/adwin.hpp — ADWIN, adaptive windowing (Bifet & Gavaldà,
// "Learning from time-changing data with adaptive windowing", SDM 2007), the
// ADWIN2 exponential-histogram version, behaving as River's drift.ADWIN
// (River 0.26.1, river/drift/adwin.py over the Rust core rust_src/adwin.rs).
//
// Defaults are River's: delta = 0.002, clock = 32, max_buckets = 5,
// min_window_length = 5, grace_period = 10 (ADWIN.__init__).
//
// The window is summarised by rows of buckets: row i holds up to max_buckets + 1
// summaries (sum, sum of squared deviations) of 2^i values each; an overfull row
// merges its two oldest summaries into row i + 1. Every `clock` updates, once
// the window holds more than `grace_period` values, every split of the window
// into an older part W0 and a newer part W1 at a bucket boundary is tested
// (oldest bucket first, every entry of every row: semantics.md 1.1): when both
// parts hold at least min_window_length values and
//   |mean(W0) - mean(W1)| > sqrt(2 m (V / W) d') + (2/3) d' m,
//   d' = ln(2 ln(W) / delta), m = 1/(n0 - mwl + 1) + 1/(n1 - mwl + 1),
// (V the sum of squared deviations of the whole window, W its width), the
// oldest bucket is dropped and the scan restarts. One or more drops in an
// update is one detection; the next update starts from an empty window
// (River >= 0.15). Buckets, total and the cut formula follow River's arithmetic;
// the window variance is kept as shifted sums (detail/adwin_histogram.hpp), the
// values between two tests are buffered and added to the buckets in bulk (the
// same buckets, bit for bit, as one at a time), and each split is first
// screened without divisions (detail/adwin_screen.hpp), which changes no decision:
// the detections are River's (tests/drift_stream, goldens from
// bench/compare/river_detectors.py).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/detector_common.hpp>
#include <tessera/drift/detail/adwin_histogram.hpp>
#include <tessera/drift/detail/adwin_screen.hpp>
#include <tessera/drift/detail/river_stats.hpp>

namespace tessera::drift {

class adwin : public detail::detector_state<adwin> {
    friend class detail::detector_state<adwin>;

public:
    struct params {
        double delta = 0.002;            // significance of the cut test; (0, 1)
        int clock = 32;                  // test for a cut every `clock` updates; >= 1
        int max_buckets = 5;             // summaries per row before two merge; >= 1
        int min_window_length = 5;       // each sub-window needs at least this many values; >= 1
        int grace_period = 10;           // no test until the window holds more values; >= 0
    };

    adwin() : adwin(params{}) {}
    explicit adwin(const params& p) : p_(p) {
        constexpr std::string_view o = "adwin";
        detail::check_open_unit(o, "delta", p.delta);
        detail::check_at_least(o, "clock", p.clock, 1);
        detail::check_at_least(o, "max_buckets", p.max_buckets, 1);
        detail::check_at_least(o, "min_window_length", p.min_window_length, 1);
        detail::check_at_least(o, "grace_period", p.grace_period, 0);
        hist_ = detail::adwin_histogram(static_cast<std::size_t>(p.max_buckets) + 1);
        mwl_ = p.min_window_length;
        grace_ = p.grace_period;
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // Adds x; returns drift_detected(). Throws data_error on NaN or infinity.
    // The common case is inline and touches one counter: x goes to the buffer
    // unless it completes a clock period (River's test), fills the buffer, or
    // follows a detection (the fresh start); those go through update_slow.
    bool update(double x) {
        if (!std::isfinite(x)) detail::throw_non_finite("adwin", x, n_updates());
        if (pending_ < fast_end_) [[likely]] {
            buf_[pending_++] = x;
            return false;  // no test at this update: drift_ is false (fast_end_ is 0 after a detection)
        }
        return update_slow(x);
    }

    // Block form: update(x) for each x of xs in order; appends to `at` the
    // positions in xs where drift was detected and returns how many. Same
    // indices and final state as the loop; the values between two tests go
    // to the histogram in one push_bulk.
    std::size_t update(std::span<const double> xs, std::vector<std::size_t>& at) {
        std::size_t found = 0;
        for (std::size_t i = 0; i < xs.size();) {
            // A non-finite value: update(x) throws, with the state of the values before it.
            if (!std::isfinite(xs[i])) update(xs[i]);
            if (drift_) restart();  // as update_slow does after a detection
            std::size_t len = std::min({xs.size() - i, until_check_ - pending_, buffer_size - pending_});
            // Stop before a non-finite value (the next round throws on it); xs[i] is finite.
            for (std::size_t ok = 1; ok < len; ++ok)
                if (!std::isfinite(xs[i + ok])) len = ok;
            std::copy_n(xs.data() + i, len, buf_.data() + pending_);
            pending_ += len;
            i += len;
            if (pending_ == until_check_) {
                if (check()) {
                    at.push_back(i - 1);
                    ++found;
                }
            } else if (pending_ == buffer_size) {
                flush();
            }
        }
        return found;
    }

    // A fresh detector: state restarted, counters zero.
    void reset() {
        detail::detector_state<adwin>::reset();
        flushed_ = 0;
    }

    // ---- diagnostics (River's names) ----
    // The buffered values are added to the histogram first (the same state as
    // adding them one by one: detail/adwin_histogram.hpp). So these const
    // accessors write to the detector: calling them concurrently on one
    // detector from several threads is a data race (as for update).
    // Values in the adaptive window.
    std::uint64_t width() const { return static_cast<std::uint64_t>(window().width()); }
    // Sum of the window's values.
    double total() const { return window().total(); }
    // Sum of squared deviations from the window mean (River's `variance`: not
    // divided by the width; divide by width() for the population variance).
    // Kept as shifted sums (detail/adwin_histogram.hpp); River's incremental
    // value agrees to ~1e-14 relative.
    double variance() const { return window().window_variance(); }
    // Mean of the window (River's `estimation`); 0 for an empty window.
    double estimation() const {
        const auto& w = window();
        return w.width() == 0.0 ? 0.0 : w.total() / w.width();
    }
    // Bucket summaries currently held (memory is O(max_buckets log width)).
    std::size_t n_buckets() const { return window().n_buckets(); }
    std::uint64_t n_updates() const noexcept { return flushed_ + pending_; }
    // The bucket rows, with the buffered values added.
    const detail::adwin_histogram& histogram() const { return window(); }

private:
    // Values are buffered between two tests (or until the buffer is full) and
    // added in bulk.
    static constexpr std::size_t buffer_size = 64;

    void restart() {
        drift_ = false;
        until_check_ = static_cast<std::size_t>(p_.clock);
        pending_ = 0;
        hist_.clear();
        arm();
    }

    // The fast path of update(x) takes values while the buffer stays short of
    // the next test and of full; none after a detection (the next update restarts).
    void arm() const noexcept {
        fast_end_ = drift_ ? 0 : std::min(until_check_, buffer_size) - 1;
    }

    [[gnu::noinline]] bool update_slow(double x) {
        if (drift_) restart();
        buf_[pending_++] = x;
        if (pending_ == until_check_)
            check();
        else if (pending_ == buffer_size)
            flush();
        return drift_;
    }

    // The buffer into the histogram; until_check_ counts from the buffer's start.
    void flush() const {
        hist_.push_bulk(buf_.data(), pending_);
        flushed_ += pending_;
        until_check_ -= pending_;
        pending_ = 0;
        arm();
    }
    const detail::adwin_histogram& window() const {
        flush();
        return hist_;
    }

    // The test of an update where River tests (the buffer has reached
    // until_check_): the buffer in, then the scan once the window holds more
    // than grace_period values. Sets drift_ and counts a detection.
    bool check() {
        flush();
        until_check_ = static_cast<std::size_t>(p_.clock);
        drift_ = hist_.width() > grace_ && detect();
        n_detections_ += drift_;
        arm();
        return drift_;
    }

    // The splits in River's scan order (oldest bucket first, the newest never
    // alone in W1): n0, n1 and River's running u0 += t, u1 -= t, padded to whole
    // vectors with n0 = n1 = 0 (never tested).
    std::size_t build_scan() {
        const detail::adwin_histogram& h = hist_;
        const std::size_t total_buckets = h.n_buckets();
        const std::size_t n = total_buckets > 0 ? total_buckets - 1 : 0;
        const std::size_t padded = (n + detail::scan_lanes - 1) / detail::scan_lanes * detail::scan_lanes;
        if (scan_.n0.size() < padded) scan_.resize(padded);  // only grows: a resize up zero-fills
        double n0 = 0.0, n1 = h.width(), u0 = 0.0, u1 = h.total();
        std::size_t i = 0;
        double* s_n0 = scan_.n0.data();
        double* s_n1 = scan_.n1.data();
        double* s_u0 = scan_.u0.data();
        double* s_u1 = scan_.u1.data();
        for (std::size_t r = h.rows(); r-- > 0 && i < n;) {
            const double size = static_cast<double>(std::uint64_t{1} << r);
            const double* t = h.sums(r);
            const std::size_t len = std::min(h.count(r), n - i);
            for (std::size_t k = 0; k < len; ++k) {
                n0 += size;
                n1 -= size;
                u0 += t[k];
                u1 -= t[k];
                s_n0[i + k] = n0;
                s_n1[i + k] = n1;
                s_u0[i + k] = u0;
                s_u1[i + k] = u1;
            }
            i += len;
        }
        for (; i < padded; ++i) scan_.n0[i] = scan_.n1[i] = scan_.u0[i] = scan_.u1[i] = 0.0;
        return n;
    }

    // One or more cuts in this update. Each scan screens every split with the
    // division- and root-free test of detail::adwin_screen, and evaluates
    // River's formula (cut()) only where the screen cannot exclude a cut.
    bool detect() {
        bool change = false;
        for (bool again = true; again && hist_.width() > 0.0;) {
            again = false;
            // Constant within one scan: the window only changes when a cut restarts it.
            const double w = hist_.width();
            // The screen takes d' at a width w0 <= w within 25% of w (d' grows with
            // the width: a lower bound, which only lets more splits through), so
            // the two logarithms are recomputed only when the window has grown by
            // a quarter or shrunk; River's formula gets d' at w itself.
            if (!(w >= screen_w_ && w <= 1.25 * screen_w_)) {
                screen_w_ = w;
                screen_dprime_ = std::log(2.0 * std::log(w) / p_.delta);
            }
            double dprime = w == screen_w_ ? screen_dprime_ : -1.0;  // -1: not computed yet
            const double var_w = hist_.window_variance() / w;
            const double c1 = detail::rounded(2.0 / 3.0 * screen_dprime_), c2 = 2.0 * var_w * screen_dprime_;
            // Most tests end here: no split of the window can be a cut.
            if (!detail::adwin_any_candidate(hist_, mwl_, c1, c2)) break;
            const std::size_t n = build_scan();
            for (std::size_t i0 = 0; i0 < n && !again; i0 += detail::scan_lanes) {
                unsigned maybe = detail::adwin_screen(scan_, i0, mwl_, c1, c2);
                if (maybe != 0 && dprime < 0.0) dprime = std::log(2.0 * std::log(w) / p_.delta);
                for (; maybe != 0; maybe &= maybe - 1) {
                    const std::size_t i = i0 + static_cast<std::size_t>(__builtin_ctz(maybe));
                    const double n0 = scan_.n0[i], n1 = scan_.n1[i];
                    if (cut(n0, n1, scan_.u0[i] / n0 - scan_.u1[i] / n1, dprime, var_w)) {
                        change = again = true;
                        hist_.drop_oldest();
                        break;
                    }
                }
            }
        }
        return change;
    }

    bool cut(double n0, double n1, double delta_mean, double dprime, double var_w) const noexcept {
        using detail::rounded;
        const double m = 1.0 / (n0 - mwl_ + 1.0) + 1.0 / (n1 - mwl_ + 1.0);
        const double linear = rounded(rounded(2.0 / 3.0 * dprime) * m);
        const double d = std::fabs(delta_mean);
        if (d <= linear) return false;
        return d > std::sqrt(rounded(rounded(2.0 * m) * var_w) * dprime) + linear;
    }

    params p_;
    double mwl_ = 5.0;
    double grace_ = 10.0;
    // mutable: a query adds the buffered values (same state as before it).
    mutable detail::adwin_histogram hist_;
    mutable std::array<double, buffer_size> buf_{};
    mutable std::size_t pending_ = 0;  // values in buf_
    mutable std::size_t fast_end_ = 0;  // update(x) buffers inline while pending_ < fast_end_
    mutable std::size_t until_check_ = 32;  // from the buffer's start, updates up to the next test (>= 1)
    mutable std::uint64_t flushed_ = 0;  // updates into the histogram since construction or reset()
    detail::adwin_scan scan_;
    double screen_w_ = 0.0, screen_dprime_ = 0.0;  // the screen's width w0 and d' at w0
};

static_assert(drift_detector<adwin, double>);

}  // namespace tessera::drift
