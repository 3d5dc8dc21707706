// tessera/drift/hddm_a.hpp — HDDM_A, drift detection with Hoeffding's bounds on
// moving averages (Frías-Blanco, del Campo-Ávila, Ramos-Jiménez, Morales-Bueno,
// Ortiz-Díaz & Caballero-Mota, "Online and non-parametric drift detection
// methods based on Hoeffding's bounds", IEEE TKDE 2015, the A-test), as River's
// drift.binary.HDDM_A (River 0.26.1, river/drift/binary/hddm_a.py).
//
// Defaults are River's: drift_confidence = 0.001, warning_confidence = 0.005,
// two_sided_test = false (HDDM_A.__init__).
//
// Input is an error stream: update(true) for an error. z is the running mean of
// every value since the last reset; x_min and x_max are snapshots (mean, count)
// of z, both set by the first value. With eps(n) = sqrt(ln(1/drift_confidence) /
// (2n)): x_min is re-taken when mean(x_min) + eps(n_min) >= z + eps(n_z), x_max
// when mean(x_max) - eps(n_max) <= z - eps(n_z). The increase test at confidence c
// passes when n_min < n_z and z - mean(x_min) >= sqrt(m/2 ln(2/c)),
// m = (n_z - n_min) / n_min / n_z: drift at drift_confidence, else warning at
// warning_confidence, else both cleared. two_sided_test adds the mirrored
// decrease test, which can set drift or warning but never clears them. The next
// update after a drift starts afresh.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/detector_common.hpp>
#include <tessera/drift/detail/river_stats.hpp>

namespace tessera::drift {

class hddm_a : public detail::error_detector_state<hddm_a> {
    friend class detail::detector_state<hddm_a>;

public:
    using detail::error_detector_state<hddm_a>::update;  // the deleted non-bool overload

    struct params {
        double drift_confidence = 0.001;    // confidence of the drift test; (0, 1)
        double warning_confidence = 0.005;  // confidence of the warning test; (0, 1)
        bool two_sided_test = false;        // also detect decreases of the error rate
    };

    hddm_a() : hddm_a(params{}) {}
    explicit hddm_a(const params& p) : p_(p) {
        constexpr std::string_view o = "hddm_a";
        detail::check_open_unit(o, "drift_confidence", p.drift_confidence);
        detail::check_open_unit(o, "warning_confidence", p.warning_confidence);
        log_inv_drift_ = detail::libm_log(1.0 / p.drift_confidence);
        log2_drift_ = detail::libm_log(2.0 / p.drift_confidence);
        log2_warning_ = detail::libm_log(2.0 / p.warning_confidence);
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // error = true for a mistake; returns drift_detected().
    bool update(bool error) noexcept {
        begin_update();
        z_.update(error ? 1.0 : 0.0);
        if (x_min_.n == 0.0) x_min_ = z_;
        if (x_max_.n == 0.0) x_max_ = z_;
        const double eps_z = bound(z_.n);
        if (x_min_.mean + bound(x_min_.n) >= z_.mean + eps_z) x_min_ = z_;
        if (x_max_.mean - bound(x_max_.n) <= z_.mean - eps_z) x_max_ = z_;
        if (changed(x_min_, z_, log2_drift_)) {
            warning_ = false;
            drift_ = true;
        } else {
            warning_ = changed(x_min_, z_, log2_warning_);
            drift_ = false;
        }
        if (p_.two_sided_test) {
            if (changed(z_, x_max_, log2_drift_, x_max_.n))
                drift_ = true;
            else if (changed(z_, x_max_, log2_warning_, x_max_.n))
                warning_ = true;
        }
        return end_update();
    }

    // ---- diagnostics ----
    double error_rate() const noexcept { return z_.mean; }  // since the last reset
    std::uint64_t n_seen() const noexcept { return static_cast<std::uint64_t>(z_.n); }
    double cut_mean_increase() const noexcept { return x_min_.mean; }  // mean at the x_min cut
    double cut_mean_decrease() const noexcept { return x_max_.mean; }  // mean at the x_max cut
    std::uint64_t n_updates() const noexcept { return n_updates_; }

private:
    void restart() noexcept {
        drift_ = warning_ = false;
        z_ = x_min_ = x_max_ = {};
    }
    // River's _hoeffding_bound(n): sqrt(1 / (2n) * ln(1 / drift_confidence)).
    double bound(double n) const noexcept { return std::sqrt(1.0 / (2.0 * n) * log_inv_drift_); }
    // hi.mean - lo.mean >= sqrt(m / 2 * ln(2 / c)), m = (n_z - n_cut) / n_cut * (1 / n_z):
    // River's _mean_incr (lo = x_min, hi = z) and _mean_decr (lo = z, hi = x_max).
    bool changed(const detail::river_mean& lo, const detail::river_mean& hi, double log2c) const noexcept {
        return changed(lo, hi, log2c, lo.n);
    }
    bool changed(const detail::river_mean& lo, const detail::river_mean& hi, double log2c,
                 double n_cut) const noexcept {
        if (n_cut == z_.n) return false;
        const double m = (z_.n - n_cut) / n_cut * (1.0 / z_.n);
        return hi.mean - lo.mean >= std::sqrt(m / 2.0 * log2c);
    }

    params p_;
    double log_inv_drift_ = 0.0, log2_drift_ = 0.0, log2_warning_ = 0.0;
    detail::river_mean z_, x_min_, x_max_;
};

static_assert(drift_detector<hddm_a, bool> && !drift_detector<hddm_a, double>);

}  // namespace tessera::drift
