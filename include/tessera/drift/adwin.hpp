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
// the window variance is kept as shifted sums (insert) and each split is first
// screened without divisions (detail/adwin_screen.hpp), which changes no decision:
// the detections are River's (tests/drift_stream, goldens from
// bench/compare/river_detectors.py).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/batch_update.hpp>
#include <tessera/drift/detail/detector_common.hpp>
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
        cap_ = static_cast<std::size_t>(p.max_buckets) + 1;
        mwl_ = p.min_window_length;
        grace_ = p.grace_period;
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // Adds x; returns drift_detected(). Throws data_error on NaN or infinity.
    bool update(double x) {
        if (!std::isfinite(x)) detail::throw_non_finite("adwin", x, n_updates_);
        begin_update();
        insert(x);
        // River tests when its tick counter is a multiple of clock: a countdown, not a modulo.
        bool due = --until_check_ == 0;
        if (due) until_check_ = p_.clock;
        drift_ = due && width_ > grace_ && detect();
        return end_update();
    }

    // Block form: update(x) for each x of xs in order; appends to `at` the
    // positions in xs where drift was detected and returns how many
    // (detail/batch_update.hpp). Same indices and final state as the loop.
    std::size_t update(std::span<const double> xs, std::vector<std::size_t>& at) {
        return detail::update_block(*this, xs, at);
    }

    // ---- diagnostics (River's names) ----
    // Values in the adaptive window.
    std::uint64_t width() const noexcept { return static_cast<std::uint64_t>(width_); }
    // Sum of the window's values.
    double total() const noexcept { return total_; }
    // Sum of squared deviations from the window mean (River's `variance`: not
    // divided by the width; divide by width() for the population variance).
    // Kept as shifted sums (see insert); River's incremental value agrees to
    // ~1e-14 relative.
    double variance() const noexcept { return window_variance(); }
    // Mean of the window (River's `estimation`); 0 for an empty window.
    double estimation() const noexcept { return width_ == 0.0 ? 0.0 : total_ / width_; }
    // Bucket summaries currently held (memory is O(max_buckets log width)).
    std::size_t n_buckets() const noexcept {
        std::size_t s = 0;
        for (const auto& row : rows_) s += row.count;
        return s;
    }
    std::uint64_t n_updates() const noexcept { return n_updates_; }

private:
    // Row r is a ring of cap_ slots at [r * cap_, (r + 1) * cap_): its k-th oldest
    // summary is at slot(r, k). A ring, so dropping the oldest moves nothing.
    struct row_state {
        std::size_t start = 0, count = 0;
    };
    std::size_t slot(std::size_t r, std::size_t k) const noexcept {
        const std::size_t i = rows_[r].start + k;
        return r * cap_ + (i >= cap_ ? i - cap_ : i);
    }
    // 2^-r for a row index (r < 64), built from its IEEE 754 exponent bits.
    static double pow2_neg(std::size_t r) noexcept {
        return std::bit_cast<double>((std::uint64_t{1023} - r) << 52);
    }

    void restart() noexcept {
        drift_ = false;
        until_check_ = p_.clock;
        width_ = total_ = shift_ = sq_ = ys_ = 0.0;
        sum_.assign(cap_, 0.0);
        var_.assign(cap_, 0.0);
        rows_.assign(1, row_state{});
    }

    // River also updates its sum of squared deviations here, with two divisions
    // per update. tessera keeps sums of y = x - K instead (K the window's first
    // value): sq = sum y^2 and ys = sum y, so that the window's sum of squared
    // deviations is sq - ys^2 / W (window_variance). A bucket merge leaves
    // sum(bucket var + y_bucket^2 / size) unchanged (Chan's identity), so only
    // inserts and drops move sq; with K a value of the window there is no
    // cancellation worth the name. It agrees with River's to ~1e-14 relative.
    void insert(double x) {
        if (width_ == 0.0) shift_ = x;
        const double y = x - shift_;
        sq_ += y * y;
        ys_ += y;
        push_row0(x);
        width_ += 1.0;
        total_ += x;
        compress();
    }

    void push_row0(double x) noexcept {
        const std::size_t at = slot(0, rows_[0].count);
        sum_[at] = x;
        var_[at] = 0.0;
        ++rows_[0].count;
    }

    // Drop the k oldest summaries of row r.
    void drop_front(std::size_t r, std::size_t k) noexcept {
        row_state& row = rows_[r];
        row.start += k;
        if (row.start >= cap_) row.start -= cap_;
        row.count -= k;
    }

    void compress() {
        for (std::size_t r = 0; rows_[r].count == cap_; ++r) {
            // 2^r and 2^-r exactly, without a division (std::ldexp is a libm call).
            const double n = static_cast<double>(std::uint64_t{1} << r), inv_n = pow2_neg(r);
            const std::size_t i0 = slot(r, 0), i1 = slot(r, 1);
            const double t0 = sum_[i0], t1 = sum_[i1];
            // n is a power of two: t * (1 / n) is t / n exactly, without a division.
            const double mu0 = t0 * inv_n, mu1 = t1 * inv_n;
            const double merged_var = var_[i0] + var_[i1] +
                                      detail::rounded(detail::rounded(n * 0.5 * (mu0 - mu1)) * (mu0 - mu1));
            if (r + 1 == rows_.size()) {
                rows_.push_back(row_state{});
                sum_.resize(sum_.size() + cap_, 0.0);
                var_.resize(var_.size() + cap_, 0.0);
            }
            const std::size_t at = slot(r + 1, rows_[r + 1].count);
            sum_[at] = t0 + t1;
            var_[at] = merged_var;
            ++rows_[r + 1].count;
            drop_front(r, 2);
            if (rows_[r + 1].count <= cap_ - 1) break;
        }
    }

    // Remove the oldest summary (row last, entry 0), updating width, total and
    // the shifted sums.
    void delete_oldest() {
        const std::size_t last = rows_.size() - 1;
        const double n = static_cast<double>(std::uint64_t{1} << last);
        const double t = sum_[slot(last, 0)];
        const double y = t - n * shift_;
        sq_ -= var_[slot(last, 0)] + y * y * pow2_neg(last);
        ys_ -= y;
        width_ -= n;
        total_ -= t;
        drop_front(last, 1);
        if (rows_[last].count == 0 && last > 0) {
            rows_.pop_back();
            sum_.resize(last * cap_);
            var_.resize(last * cap_);
        }
    }

    // The window's sum of squared deviations from its mean.
    double window_variance() const noexcept {
        if (width_ == 0.0) return 0.0;
        const double v = sq_ - ys_ * (ys_ / width_);
        return v > 0.0 ? v : 0.0;
    }

    // The splits in River's scan order (oldest bucket first, the newest never
    // alone in W1): n0, n1 and River's running u0 += t, u1 -= t, padded to whole
    // vectors with n0 = n1 = 0 (never tested).
    std::size_t build_scan() {
        const std::size_t total_buckets = n_buckets();
        const std::size_t n = total_buckets > 0 ? total_buckets - 1 : 0;
        const std::size_t padded = (n + detail::scan_lanes - 1) / detail::scan_lanes * detail::scan_lanes;
        scan_.resize(padded);
        double n0 = 0.0, n1 = width_, u0 = 0.0, u1 = total_;
        std::size_t i = 0;
        for (std::size_t r = rows_.size(); r-- > 0 && i < n;) {
            const double size = static_cast<double>(std::uint64_t{1} << r);
            for (std::size_t k = 0; k < rows_[r].count && i < n; ++k, ++i) {
                const double t = sum_[slot(r, k)];
                n0 += size;
                n1 -= size;
                u0 += t;
                u1 -= t;
                scan_.n0[i] = n0;
                scan_.n1[i] = n1;
                scan_.u0[i] = u0;
                scan_.u1[i] = u1;
            }
        }
        for (; i < padded; ++i) scan_.n0[i] = scan_.n1[i] = scan_.u0[i] = scan_.u1[i] = 0.0;
        return n;
    }

    // One or more cuts in this update. Each scan screens every split with the
    // division- and root-free test of detail::adwin_screen, and evaluates
    // River's formula (cut()) only where the screen cannot exclude a cut.
    bool detect() {
        bool change = false;
        for (bool again = true; again && width_ > 0.0;) {
            again = false;
            // Constant within one scan: the window only changes when a cut restarts it.
            const double dprime = std::log(2.0 * std::log(width_) / p_.delta);
            const double var_w = window_variance() / width_;
            const std::size_t n = build_scan();
            const double c1 = detail::rounded(2.0 / 3.0 * dprime), c2 = 2.0 * var_w * dprime;
            for (std::size_t i0 = 0; i0 < n && !again; i0 += detail::scan_lanes) {
                unsigned maybe = detail::adwin_screen(scan_, i0, mwl_, c1, c2);
                for (; maybe != 0; maybe &= maybe - 1) {
                    const std::size_t i = i0 + static_cast<std::size_t>(__builtin_ctz(maybe));
                    const double n0 = scan_.n0[i], n1 = scan_.n1[i];
                    if (cut(n0, n1, scan_.u0[i] / n0 - scan_.u1[i] / n1, dprime, var_w)) {
                        change = again = true;
                        delete_oldest();
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
    std::size_t cap_ = 6;
    double mwl_ = 5.0;
    double grace_ = 10.0;
    std::vector<double> sum_, var_;
    std::vector<row_state> rows_;
    detail::adwin_scan scan_;
    double width_ = 0.0, total_ = 0.0;
    double shift_ = 0.0, sq_ = 0.0, ys_ = 0.0;  // K, sum (x - K)^2, sum (x - K)
    std::int64_t until_check_ = 32;  // updates until the next cut test
};

static_assert(drift_detector<adwin, double>);

}  // namespace tessera::drift
