// tessera/drift/page_hinkley.hpp — the Page-Hinkley test (Page, "Continuous
// inspection schemes", Biometrika 1954), two-sided with a fading factor, as
// River's drift.PageHinkley (River 0.26.1, river/drift/page_hinkley.py).
//
// Defaults are River's: min_instances = 30, delta = 0.005, threshold = 50,
// alpha = 1 - 0.0001, mode = both (PageHinkley.__init__).
//
// With x̄ the running mean of every value since the last reset (x included):
//   S_up   = alpha * S_up   + (x - x̄) - delta,   m_up   = min(m_up, S_up)   (m_up starts at +inf)
//   S_down = alpha * S_down + (x - x̄) + delta,   M_down = max(M_down, S_down) (M_down starts at -1,
//            River's initial value, kept: semantics.md 1.2)
// Once min_instances values are in, drift when S_up - m_up > threshold (mode up),
// M_down - S_down > threshold (down), or either (both); strict '>'. alpha fades
// the cumulative sums, not the mean. The next update starts afresh.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/detector_common.hpp>
#include <tessera/drift/detail/river_stats.hpp>

namespace tessera::drift {

class page_hinkley : public detail::detector_state<page_hinkley> {
    friend class detail::detector_state<page_hinkley>;

public:
    enum class direction : std::uint8_t {
        up,    // increases of the mean
        down,  // decreases of the mean
        both,
    };

    struct params {
        int min_instances = 30;       // values before a drift can be reported; >= 1
        double delta = 0.005;         // magnitude of changes that are tolerated; [0, inf)
        double threshold = 50.0;      // lambda, the detection threshold; (0, inf)
        double alpha = 1.0 - 0.0001;  // fading factor of the cumulative sums; (0, 1]
        direction mode = direction::both;
    };

    page_hinkley() : page_hinkley(params{}) {}
    explicit page_hinkley(const params& p) : p_(p) {
        constexpr std::string_view o = "page_hinkley";
        detail::check_at_least(o, "min_instances", p.min_instances, 1);
        detail::check_non_negative(o, "delta", p.delta);
        detail::check_positive(o, "threshold", p.threshold);
        detail::check_unit_open_left(o, "alpha", p.alpha);
        if (p.mode != direction::up && p.mode != direction::down && p.mode != direction::both)
            throw errors::out_of_range(o, "mode", static_cast<int>(p.mode), "up, down or both");
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // Adds x; returns drift_detected(). Throws data_error on NaN or infinity.
    bool update(double x) {
        using detail::rounded;
        if (!std::isfinite(x)) detail::throw_non_finite("page_hinkley", x, n_updates_);
        begin_update();
        mean_.update(x);
        const double dev = x - mean_.mean;
        sum_up_ = rounded(p_.alpha * sum_up_) + dev - p_.delta;
        sum_down_ = rounded(p_.alpha * sum_down_) + dev + p_.delta;
        if (sum_up_ < min_up_) min_up_ = sum_up_;
        if (sum_down_ > max_down_) max_down_ = sum_down_;
        if (mean_.n >= min_instances_) {
            const bool up = statistic_up() > p_.threshold;
            const bool down = statistic_down() > p_.threshold;
            drift_ = p_.mode == direction::up ? up : p_.mode == direction::down ? down : (up || down);
        }
        return end_update();
    }

    // ---- diagnostics ----
    double mean() const noexcept { return mean_.mean; }  // running mean since the last reset
    std::uint64_t n_seen() const noexcept { return static_cast<std::uint64_t>(mean_.n); }
    double sum_up() const noexcept { return sum_up_; }
    double sum_down() const noexcept { return sum_down_; }
    // The two test statistics compared with the threshold.
    double statistic_up() const noexcept { return sum_up_ - min_up_; }
    double statistic_down() const noexcept { return max_down_ - sum_down_; }
    std::uint64_t n_updates() const noexcept { return n_updates_; }

private:
    void restart() noexcept {
        drift_ = false;
        mean_ = {};
        sum_up_ = sum_down_ = 0.0;
        min_up_ = std::numeric_limits<double>::infinity();
        max_down_ = -1.0;
        min_instances_ = static_cast<double>(p_.min_instances);
    }

    params p_;
    detail::river_mean mean_;
    double sum_up_ = 0.0, sum_down_ = 0.0, min_up_ = 0.0, max_down_ = -1.0;
    double min_instances_ = 30.0;
};

static_assert(drift_detector<page_hinkley, double>);

}  // namespace tessera::drift
