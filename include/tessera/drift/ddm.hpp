// tessera/drift/ddm.hpp — DDM, the drift detection method (Gama, Medas,
// Castillo & Rodrigues, "Learning with drift detection", SBIA 2004), as River's
// drift.binary.DDM (River 0.26.1, river/drift/binary/ddm.py).
//
// Defaults are River's: warm_start = 30, warning_threshold = 2.0,
// drift_threshold = 3.0 (DDM.__init__).
//
// Input is an error stream: update(true) for an error. With p the error rate
// since the last reset (k errors / n updates; River keeps a running mean, which
// is the same value up to a few ulps), n the count and s = sqrt(p(1-p)/n),
// once n > warm_start: (p_min, s_min) is replaced by (p, s) whenever p + s <= p_min
// + s_min (all start at +inf); warning while p + s > p_min + warning_threshold *
// s_min; drift when p + s > p_min + drift_threshold * s_min (the warning is then
// cleared). The next update starts afresh.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <limits>
#include <string_view>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/batch_update.hpp>
#include <tessera/drift/detail/detector_common.hpp>
#include <tessera/drift/detail/river_stats.hpp>

namespace tessera::drift {

class ddm : public detail::error_detector_state<ddm> {
    friend class detail::detector_state<ddm>;

public:
    using detail::error_detector_state<ddm>::update;  // the deleted non-bool overload

    struct params {
        int warm_start = 30;              // updates before the test starts; >= 0
        double warning_threshold = 2.0;   // warning at p_min + this * s_min; (0, inf)
        double drift_threshold = 3.0;     // drift at p_min + this * s_min; (0, inf)
    };

    ddm() : ddm(params{}) {}
    explicit ddm(const params& p) : p_(p) {
        constexpr std::string_view o = "ddm";
        detail::check_at_least(o, "warm_start", p.warm_start, 0);
        detail::check_positive(o, "warning_threshold", p.warning_threshold);
        detail::check_positive(o, "drift_threshold", p.drift_threshold);
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // error = true for a mistake; returns drift_detected(). Only bool: an error
    // stream of doubles is almost always a bug (a score passed for a 0/1 error).
    bool update(bool error) noexcept {
        begin_update();
        ++n_;
        k_ += error;
        if (n_ > warm_start_) test();
        return end_update();
    }

    // Block form: update(x) for each x of xs in order; appends to `at` the
    // positions in xs where drift was detected and returns how many
    // (detail/batch_update.hpp). Same indices and final state as the loop.
    std::size_t update(std::span<const bool> xs, std::vector<std::size_t>& at) {
        return detail::update_block(*this, xs, at);
    }

    // ---- diagnostics ----
    double error_rate() const noexcept {  // p since the last reset
        return n_ > 0 ? static_cast<double>(k_) * (1.0 / static_cast<double>(n_)) : 0.0;
    }
    double error_std() const noexcept {  // s = sqrt(p(1-p)/n)
        if (n_ == 0) return 0.0;
        const double p = error_rate();
        return std::sqrt(detail::rounded(p * (1.0 - p)) * (1.0 / static_cast<double>(n_)));
    }
    double p_min() const noexcept { return p_min_; }  // +inf until set
    double s_min() const noexcept { return s_min_; }
    std::uint64_t n_seen() const noexcept { return n_; }
    std::uint64_t n_updates() const noexcept { return n_updates_; }

private:
    // p = k / n (as k * (1 / n)), not River's running mean p += (x - p) / n: the
    // same value up to rounding (a few ulps), without the loop-carried division
    // chain; nothing is computed during the warm start. (A screen that skips the
    // square root when an rsqrt estimate is far from the three levels was
    // slower: its branches cost more than the root.)
    void test() noexcept {
        const double inv = 1.0 / static_cast<double>(n_);
        const double p = static_cast<double>(k_) * inv;
        const double v = detail::rounded(p * (1.0 - p)) * inv;  // s^2
        const double s = std::sqrt(v);
        const double ps = p + s;
        if (ps <= ps_min_) {
            p_min_ = p;
            s_min_ = s;
            ps_min_ = ps;
            warn_at_ = p_min_ + detail::rounded(p_.warning_threshold * s_min_);
            drift_at_ = p_min_ + detail::rounded(p_.drift_threshold * s_min_);
        }
        warning_ = ps > warn_at_;
        if (ps > drift_at_) {
            drift_ = true;
            warning_ = false;
        }
    }

    void restart() noexcept {
        drift_ = warning_ = false;
        n_ = k_ = 0;
        p_min_ = s_min_ = ps_min_ = warn_at_ = drift_at_ = std::numeric_limits<double>::infinity();
        warm_start_ = static_cast<std::uint64_t>(p_.warm_start);
    }

    params p_;
    std::uint64_t n_ = 0, k_ = 0;  // updates and errors since the last reset
    double p_min_ = 0.0, s_min_ = 0.0, ps_min_ = 0.0;
    double warn_at_ = 0.0, drift_at_ = 0.0;  // p_min + threshold * s_min
    std::uint64_t warm_start_ = 30;
};

static_assert(drift_detector<ddm, bool> && !drift_detector<ddm, double> && !drift_detector<ddm, int>);

}  // namespace tessera::drift
