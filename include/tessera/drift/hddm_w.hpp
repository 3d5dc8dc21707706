// tessera/drift/hddm_w.hpp — HDDM_W, drift detection with McDiarmid's bounds on
// exponentially weighted moving averages (Frías-Blanco et al., IEEE TKDE 2015,
// the W-test), as River's drift.binary.HDDM_W (River 0.26.1,
// river/drift/binary/hddm_w.py; its EWMA is the Rust core's EWMean).
//
// Defaults are River's: drift_confidence = 0.001, warning_confidence = 0.005,
// lambda_val = 0.05, two_sided_test = false (HDDM_W.__init__).
//
// Input is an error stream: update(true) for an error. A sample summary is an
// EWMA with weight lambda on the new value (the first value initialises it) and
// its independent bound condition ibc (starts at 1; ibc = lambda^2 + (1 -
// lambda)^2 ibc per value). bound(ibc, c) = sqrt(ibc ln(1/c) / 2). `total` sees
// every value. Increase side: when total.ewma + bound(total.ibc, drift_confidence)
// falls below the lowest such cut so far, s1 := total and s2 := empty; otherwise
// s2 takes the value. Drift when s2.ewma - s1.ewma > bound(s1.ibc + s2.ibc,
// drift_confidence) (both non-empty), else warning at warning_confidence, else
// both cleared. two_sided_test adds the mirrored decrease side, which can set
// drift or warning but never clears them. The next update after a drift starts
// afresh.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/drift/detail/detector_common.hpp>
#include <tessera/drift/detail/river_stats.hpp>

namespace tessera::drift {

class hddm_w : public detail::error_detector_state<hddm_w> {
    friend class detail::detector_state<hddm_w>;

public:
    using detail::error_detector_state<hddm_w>::update;  // the deleted non-bool overload

    struct params {
        double drift_confidence = 0.001;    // confidence of the drift test; (0, 1)
        double warning_confidence = 0.005;  // confidence of the warning test; (0, 1)
        double lambda_val = 0.05;           // EWMA weight of the newest value; (0, 1]
        bool two_sided_test = false;        // also detect decreases of the error rate
    };

    hddm_w() : hddm_w(params{}) {}
    explicit hddm_w(const params& p) : p_(p) {
        constexpr std::string_view o = "hddm_w";
        detail::check_open_unit(o, "drift_confidence", p.drift_confidence);
        detail::check_open_unit(o, "warning_confidence", p.warning_confidence);
        detail::check_unit_open_left(o, "lambda_val", p.lambda_val);
        log_drift_ = detail::libm_log(1.0 / p.drift_confidence);
        log_warning_ = detail::libm_log(1.0 / p.warning_confidence);
        lambda_sq_ = p.lambda_val * p.lambda_val;
        c_lambda_sq_ = detail::libm_pow(1.0 - p.lambda_val, 2.0);  // River: (1 - lambd) ** 2
        restart();
    }

    const params& get_params() const noexcept { return p_; }

    // error = true for a mistake; returns drift_detected().
    bool update(bool error) noexcept {
        begin_update();
        const double x = error ? 1.0 : 0.0;
        add(total_, x);
        const double eps = bound(total_.ibc, log_drift_);
        if (total_.ewma.mean + eps < incr_cut_) {
            incr_cut_ = total_.ewma.mean + eps;
            s1_incr_ = total_;
            s2_incr_ = fresh();
        } else {
            add(s2_incr_, x);
        }
        if (changed(s1_incr_, s2_incr_, log_drift_)) {
            warning_ = false;
            drift_ = true;
        } else {
            warning_ = changed(s1_incr_, s2_incr_, log_warning_);
            drift_ = false;
        }
        if (total_.ewma.mean - eps > decr_cut_) {
            decr_cut_ = total_.ewma.mean - eps;
            s1_decr_ = total_;
            s2_decr_ = fresh();
        } else {
            add(s2_decr_, x);
        }
        if (p_.two_sided_test) {
            if (changed(s2_decr_, s1_decr_, log_drift_))
                drift_ = true;
            else if (changed(s2_decr_, s1_decr_, log_warning_))
                warning_ = true;
        }
        return end_update();
    }

    // ---- diagnostics ----
    double ewma() const noexcept { return total_.ewma.mean; }  // EWMA of the error stream
    double ibc() const noexcept { return total_.ibc; }
    std::uint64_t n_updates() const noexcept { return n_updates_; }

private:
    struct sample_info {
        detail::river_ewmean ewma;
        double ibc = 1.0;
    };

    sample_info fresh() const noexcept { return {detail::river_ewmean(p_.lambda_val), 1.0}; }
    void add(sample_info& s, double x) const noexcept {
        s.ewma.update(x);
        s.ibc = lambda_sq_ + detail::rounded(c_lambda_sq_ * s.ibc);
    }
    // River's McDiarmid bound: sqrt(ibc * ln(1 / c) / 2).
    static double bound(double ibc, double log_inv_c) noexcept { return std::sqrt(ibc * log_inv_c / 2.0); }
    // River's _has_mean_changed(s1, s2, c): both initialised and s2 - s1 beyond the bound.
    static bool changed(const sample_info& s1, const sample_info& s2, double log_inv_c) noexcept {
        if (!(s1.ewma.initialized && s2.ewma.initialized)) return false;
        return s2.ewma.mean - s1.ewma.mean > bound(s1.ibc + s2.ibc, log_inv_c);
    }

    void restart() noexcept {
        drift_ = warning_ = false;
        total_ = s1_incr_ = s2_incr_ = s1_decr_ = s2_decr_ = fresh();
        incr_cut_ = std::numeric_limits<double>::infinity();
        decr_cut_ = -std::numeric_limits<double>::infinity();
    }

    params p_;
    double log_drift_ = 0.0, log_warning_ = 0.0, lambda_sq_ = 0.0, c_lambda_sq_ = 0.0;
    sample_info total_, s1_incr_, s2_incr_, s1_decr_, s2_decr_;
    double incr_cut_ = 0.0, decr_cut_ = 0.0;
};

static_assert(drift_detector<hddm_w, bool> && !drift_detector<hddm_w, double>);

}  // namespace tessera::drift
