// tessera/drift/ks.hpp — the two-sample Kolmogorov-Smirnov test.
//
// Reference behaviour: scipy.stats.ks_2samp (scipy/stats/_stats_py.py), with
// `data1` = reference and `data2` = current:
// - statistic over the pooled sample (ties handled): F1, F2 = the fractions of
//   each sample <= v at every pooled value v; D+ = max(F1 - F2),
//   D- = max(F2 - F1) >= 0; `greater` -> D+, `less` -> D-, `two_sided` -> the
//   larger, D+ on a tie;
// - method `automatic` (scipy's 'auto'): exact if max(n1, n2) <= 10000, else
//   asymptotic; `exact` switches to asymptotic when lcm(n1, n2) would not fit
//   in an int32; an exact computation that overflows or leaves [0, 1] falls
//   back to the asymptotic p-value, as scipy does (its RuntimeWarning has no
//   counterpart; `ks_2samp_result::method` says which was used). Exact methods:
//   drift/detail/ks_exact.hpp. Asymptotic two-sided: kstwo.sf(D, round(n1 n2 /
//   (n1 + n2))) (drift/detail/kolmogorov.hpp); one-sided: Hodges' eq. 5.3;
// - p clipped to [0, 1].
// Deviation, like every tessera drift test: NaN and +-inf are dropped first
// (Evidently's rule; scipy would keep infinities), and a sample with no finite
// value is a data_error.
//
// exec::seq sorts copies with std::sort; exec::simd / exec::par radix-sort the
// keys (par in fixed chunks on the pool), then one merge pass finds D+ and D-;
// all paths return bitwise the same result (drift/detail/ecdf_walk.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/ecdf_walk.hpp>
#include <tessera/drift/detail/kolmogorov.hpp>
#include <tessera/drift/detail/ks_exact.hpp>
#include <tessera/drift/detail/sample.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::drift {

enum class ks_alternative : std::uint8_t { two_sided, less, greater };
// `automatic` is scipy's method='auto'.
enum class ks_method : std::uint8_t { automatic, exact, asymp };

struct ks_2samp_result {
    double statistic = std::numeric_limits<double>::quiet_NaN();
    double p_value = std::numeric_limits<double>::quiet_NaN();
    int sign = 1;                         // +1: D+ (reference CDF above current), -1: D-
    ks_method method = ks_method::exact;  // the method the p-value came from: exact or asymp
    std::size_t n_reference = 0;          // finite values used
    std::size_t n_current = 0;
};

namespace detail {

// scipy's asymptotic p-values for a statistic d on samples of n1 and n2.
inline double ks_asymp_p(std::size_t n1, std::size_t n2, double d, ks_alternative alt) {
    const double m = static_cast<double>(std::max(n1, n2));
    const double n = static_cast<double>(std::min(n1, n2));
    const double en = m * n / (m + n);
    if (alt == ks_alternative::two_sided)
        return kolmogn_sf(static_cast<std::int64_t>(std::nearbyint(en)), d);
    const double z = std::sqrt(en) * d;
    const double expt = -2 * z * z - 2 * z * (m + 2 * n) / std::sqrt(m * n * (m + n)) / 3.0;
    return std::exp(expt);
}

// The statistic and p-value from a walk's D+ and D- (scipy's code after the sort).
inline ks_2samp_result ks_from_walk(const ecdf_stats& w, ks_alternative alt, ks_method method) {
    ks_2samp_result r;
    r.n_reference = w.na;
    r.n_current = w.nb;
    double d;
    if (alt == ks_alternative::less || (alt == ks_alternative::two_sided && w.d_minus > w.d_plus)) {
        d = w.d_minus;
        r.sign = -1;
    } else {
        d = w.d_plus;
        r.sign = 1;
    }
    const auto n1 = static_cast<std::int64_t>(w.na);
    const auto n2 = static_cast<std::int64_t>(w.nb);
    const std::int64_t g = std::gcd(n1, n2);
    if (method == ks_method::automatic) {
        method = std::max(n1, n2) <= 10000 ? ks_method::exact : ks_method::asymp;
    } else if (method == ks_method::exact) {
        if (static_cast<double>(n1 / g) >= static_cast<double>(std::numeric_limits<std::int32_t>::max()) /
                                                static_cast<double>(n2 / g))
            method = ks_method::asymp;
    }
    double p = std::numeric_limits<double>::quiet_NaN();
    if (method == ks_method::exact) {
        const exact_result e = attempt_exact(n1, n2, d, alt == ks_alternative::two_sided);
        d = e.d;
        if (e.ok)
            p = e.p;
        else
            method = ks_method::asymp;
    }
    if (method == ks_method::asymp) p = ks_asymp_p(w.na, w.nb, d, alt);
    r.statistic = d;
    r.p_value = std::isnan(p) ? p : clip_prob(p);
    r.method = method;
    return r;
}

}  // namespace detail

// scipy.stats.ks_2samp(reference, current, alternative, method) after dropping
// NaN and +-inf. Throws data_error when a sample has no finite value.
template <exec::host_policy P>
ks_2samp_result ks_2samp(const P& policy, std::span<const double> reference, std::span<const double> current,
                         ks_alternative alternative = ks_alternative::two_sided,
                         ks_method method = ks_method::automatic) {
    const auto w = detail::sorted_walk<false>(policy, reference, current, [&](int which) {
        throw detail::no_finite_values("drift::ks_2samp", which == 0 ? "reference" : "current",
                                       which == 0 ? reference.size() : current.size());
    });
    return detail::ks_from_walk(w, alternative, method);
}

template <class P>
    requires exec::device_policy<P>
ks_2samp_result ks_2samp(const P&, std::span<const double>, std::span<const double>,
                         ks_alternative = ks_alternative::two_sided, ks_method = ks_method::automatic) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    return {};
}

inline ks_2samp_result ks_2samp(std::span<const double> reference, std::span<const double> current,
                                ks_alternative alternative = ks_alternative::two_sided,
                                ks_method method = ks_method::automatic) {
    return ks_2samp(exec::par, reference, current, alternative, method);
}

// The KS drift test: drift when the p-value is below the threshold
// (Evidently's default 0.05; is_drift in test_result.hpp uses strict <).
class ks_test {
public:
    struct params {
        double threshold = 0.05;  // invariant: [0, 1]
        ks_alternative alternative = ks_alternative::two_sided;
        ks_method method = ks_method::automatic;
    };
    static constexpr std::string_view name = "ks";
    static constexpr score_kind kind = score_kind::p_value;
    static constexpr double default_threshold = 0.05;
    static constexpr column_kinds accepts = column_kinds::numeric;

    ks_test() = default;
    explicit ks_test(const params& p) : p_(p) { detail::check_threshold("drift::ks_test", kind, p.threshold); }

    const params& get_params() const noexcept { return p_; }

    // method "ks"; statistic = D; p_value = score.
    template <exec::host_policy P>
    test_result compare(const P& policy, std::span<const double> reference, std::span<const double> current) const {
        const auto r = ks_2samp(policy, reference, current, p_.alternative, p_.method);
        return detail::make_result(name, kind, r.statistic, r.p_value, p_.threshold);
    }
    test_result compare(std::span<const double> reference, std::span<const double> current) const {
        return compare(exec::par, reference, current);
    }

private:
    params p_{};
};

static_assert(drift_test<ks_test>);

}  // namespace tessera::drift
