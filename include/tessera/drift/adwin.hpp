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
// (River >= 0.15). The arithmetic follows River's order, so the detections are
// River's (tests/drift_stream, goldens from bench/compare/river_detectors.py).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/detector_common.hpp>
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

    // ---- diagnostics (River's names) ----
    // Values in the adaptive window.
    std::uint64_t width() const noexcept { return static_cast<std::uint64_t>(width_); }
    // Sum of the window's values.
    double total() const noexcept { return total_; }
    // Sum of squared deviations from the window mean (River's `variance`: not
    // divided by the width; divide by width() for the population variance).
    double variance() const noexcept { return variance_; }
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
    void restart() noexcept {
        drift_ = false;
        until_check_ = p_.clock;
        width_ = total_ = variance_ = 0.0;
        sum_.assign(cap_, 0.0);
        var_.assign(cap_, 0.0);
        rows_.assign(1, row_state{});
    }

    void insert(double x) {
        push_row0(x);
        width_ += 1.0;
        double inc = 0.0;
        if (width_ > 1.0) {
            const double d = x - total_ / (width_ - 1.0);
            inc = detail::rounded(detail::rounded((width_ - 1.0) * d) * d) / width_;
        }
        variance_ += inc;
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
            const double n = static_cast<double>(std::uint64_t{1} << r), inv_n = 1.0 / n;
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
    // the sum of squared deviations by the inverse merge.
    void delete_oldest() {
        const std::size_t last = rows_.size() - 1;
        const double n = static_cast<double>(std::uint64_t{1} << last);
        const double u = sum_[slot(last, 0)], v = var_[slot(last, 0)];
        const double mu = u * (1.0 / n);  // exact: n is a power of two
        width_ -= n;
        total_ -= u;
        const double mu_w = total_ / width_;
        variance_ -= v + detail::rounded(detail::rounded(detail::rounded(n * width_) * (mu - mu_w)) * (mu - mu_w)) /
                             (n + width_);
        drop_front(last, 1);
        if (rows_[last].count == 0 && last > 0) {
            rows_.pop_back();
            sum_.resize(last * cap_);
            var_.resize(last * cap_);
        }
    }

    // One or more cuts in this update.
    bool detect() {
        bool change = false;
        for (bool again = true; again;) {
            again = false;
            // Constant within one scan: the window only changes when a cut restarts it.
            const double dprime = std::log(2.0 * std::log(width_) / p_.delta);
            const double var_w = variance_ / width_;
            double n0 = 0.0, n1 = width_, u0 = 0.0, u1 = total_;
            for (std::size_t r = rows_.size(); r-- > 0 && !again;) {
                const double size = static_cast<double>(std::uint64_t{1} << r);
                const std::size_t cnt = rows_[r].count;
                for (std::size_t k = 0; k < cnt; ++k) {
                    n0 += size;
                    n1 -= size;
                    const double t = sum_[slot(r, k)];
                    u0 += t;
                    u1 -= t;
                    if (r == 0 && k + 1 == cnt) break;  // the newest summary never starts W1 alone
                    if (n1 >= mwl_ && n0 >= mwl_ && cut(n0, n1, u0 / n0 - u1 / n1, dprime, var_w)) {
                        change = again = true;
                        if (width_ > 0.0) delete_oldest();
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
        // eps = sqrt(...) + linear >= linear after rounding too (and a NaN sqrt fails the test
        // either way), so |delta_mean| <= linear decides "no cut" without the square root.
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
    double width_ = 0.0, total_ = 0.0, variance_ = 0.0;
    std::int64_t until_check_ = 32;  // updates until the next cut test
};

static_assert(drift_detector<adwin, double>);

}  // namespace tessera::drift
