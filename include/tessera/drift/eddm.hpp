// tessera/drift/eddm.hpp — EDDM, the early drift detection method
// (Baena-García, del Campo-Ávila, Fidalgo, Bifet, Gavaldà & Morales-Bueno,
// "Early drift detection method", 2006), as River's drift.binary.EDDM
// (River 0.26.1, river/drift/binary/eddm.py).
//
// Defaults are River's: warm_start = 30, alpha = 0.95, beta = 0.9 (EDDM.__init__).
//
// Input is an error stream: update(true) for an error. Only errors move the
// state: the distance (in updates) since the previous error, 1-based for the
// first, feeds a mean and sample variance (River's stats.Var, ddof 1; here
// from exact integer sums, which River's running Welford matches up to rounding);
// once more than warm_start updates are in, p2s = mean + 2 sqrt(var). A new
// maximum of p2s is recorded and tested no further; otherwise, once more than
// warm_start errors are in, level = p2s / p2s_max: drift if level < beta, else
// warning if level < alpha, else the warning is cleared. Correct predictions
// leave the warning as it was. The next update after a drift starts afresh.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/batch_update.hpp>
#include <tessera/drift/detail/detector_common.hpp>

namespace tessera::drift {

class eddm : public detail::error_detector_state<eddm> {
    friend class detail::detector_state<eddm>;

public:
    using detail::error_detector_state<eddm>::update;  // the deleted non-bool overload

    struct params {
        int warm_start = 30;  // updates, and errors, before a level is tested; >= 0
        double alpha = 0.95;  // warning when p2s / p2s_max < alpha; (0, 1], >= beta
        double beta = 0.9;    // drift when p2s / p2s_max < beta; (0, 1]
    };

    eddm() : eddm(params{}) {}
    explicit eddm(const params& p) : p_(p) {
        constexpr std::string_view o = "eddm";
        detail::check_at_least(o, "warm_start", p.warm_start, 0);
        detail::check_unit_open_left(o, "alpha", p.alpha);
        detail::check_unit_open_left(o, "beta", p.beta);
        if (p.alpha < p.beta)
            throw errors::out_of_range(o, "beta", p.beta, tessera::detail::concat("(0, alpha = ", p.alpha, "]"));
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // error = true for a mistake; returns drift_detected().
    bool update(bool error) noexcept {
        begin_update();
        ++n_;
        if (error) on_error();
        return end_update();
    }

    // Block form: update(x) for each x of xs in order; appends to `at` the
    // positions in xs where drift was detected and returns how many
    // (detail/batch_update.hpp). Same indices and final state as the loop.
    std::size_t update(std::span<const bool> xs, std::vector<std::size_t>& at) {
        return detail::update_block(*this, xs, at);
    }

    // ---- diagnostics ----
    // Mean and sample standard deviation (ddof 1) of the distances between errors,
    // from exact integer sums: the distances add up to the position of the last
    // error, so mean = last / errors and var = (errors * sumsq - last^2) /
    // (errors (errors - 1)). River keeps a running mean and Welford variance
    // (stats.Var) of the same values, which agree up to rounding.
    double mean_distance() const noexcept {
        return n_errors_ > 0 ? static_cast<double>(last_error_) / static_cast<double>(n_errors_) : 0.0;
    }
    double std_distance() const noexcept {
        if (n_errors_ < 2) return 0.0;
        const double k = static_cast<double>(n_errors_);
        return std::sqrt(distance_ss() / (k * (k - 1.0)));
    }
    double p2s_max() const noexcept { return p2s_max_; }  // -1 until the first is recorded
    double level() const noexcept { return level_p2s_ / level_max_; }  // last p2s / p2s_max tested; 1 before
    std::uint64_t n_errors() const noexcept { return n_errors_; }
    std::uint64_t n_seen() const noexcept { return n_; }
    std::uint64_t n_updates() const noexcept { return n_updates_; }

private:
    // The per-error work. One division per error: 1/k, and 1/(k - 1) is the
    // previous error's. The level test p2s / p2s_max < beta is made as
    // p2s < beta * p2s_max (equal but at rounding ties); level() divides on demand.
    void on_error() noexcept {
        ++n_errors_;
        const std::uint64_t d = n_ - last_error_;
        sumsq_ += d * d;
        last_error_ = n_;
        const double inv_prev = inv_k_;  // 1 / (k - 1)
        inv_k_ = 1.0 / static_cast<double>(n_errors_);
        if (n_ <= warm_start_) return;
        const double mean = static_cast<double>(last_error_) * inv_k_;
        const double var = n_errors_ > 1 ? distance_ss() * inv_k_ * inv_prev : 0.0;
        const double p2s = mean + 2.0 * std::sqrt(var);
        if (p2s > p2s_max_) {
            p2s_max_ = p2s;
        } else if (n_errors_ > warm_start_) {
            level_p2s_ = p2s;
            level_max_ = p2s_max_;
            if (p2s < p_.beta * p2s_max_)
                drift_ = true;
            else
                warning_ = p2s < p_.alpha * p2s_max_;
        }
    }

    // k * sum(d^2) - (sum d)^2 = k (k - 1) * sample variance, exactly.
    double distance_ss() const noexcept {
        const std::uint64_t k = n_errors_, s = last_error_;
        if (s < (std::uint64_t{1} << 20))  // k * sumsq <= s^3 < 2^60: exact in 64 bits
            return static_cast<double>(k * static_cast<std::uint64_t>(sumsq_) - s * s);
        // exact up to s = 2^42 updates since the last reset
        return static_cast<double>(static_cast<u128>(k) * sumsq_ - static_cast<u128>(s) * s);
    }

    void restart() noexcept {
        drift_ = warning_ = false;
        n_ = last_error_ = n_errors_ = 0;
        sumsq_ = 0;
        p2s_max_ = -1.0;
        level_p2s_ = level_max_ = 1.0;
        inv_k_ = 0.0;
        warm_start_ = static_cast<std::uint64_t>(p_.warm_start);
    }

    params p_;
    // Since the last reset: updates, position of the last error (= the sum of
    // the distances), errors, and the sum of squared distances.
    __extension__ using u128 = unsigned __int128;
    std::uint64_t n_ = 0, last_error_ = 0, n_errors_ = 0, warm_start_ = 30;
    u128 sumsq_ = 0;
    double p2s_max_ = -1.0, level_p2s_ = 1.0, level_max_ = 1.0, inv_k_ = 0.0;
};

static_assert(drift_detector<eddm, bool> && !drift_detector<eddm, double>);

}  // namespace tessera::drift
