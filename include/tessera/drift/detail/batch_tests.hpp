// tessera/drift/detail/batch_tests.hpp — the monitor's bridge to the batch
// tests whose p-values need special functions: the two-sample KS test and the
// chi-squared survival function.
//
// KS and Wasserstein-1 come from drift/ks.hpp's ECDF walk. TEMPORARY: a local
// chi-squared tail until drift/chi_squared.hpp lands; then it forwards to it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include <tessera/drift/detail/ecdf_walk.hpp>
#include <tessera/drift/ks.hpp>
#include <tessera/drift/test_result.hpp>

namespace tessera::drift::detail::monitor {

// Regularized upper incomplete gamma Q(a, x) (Numerical Recipes' gammq).
inline double gamma_q(double a, double x) {
    if (x < 0 || a <= 0) return std::numeric_limits<double>::quiet_NaN();
    if (x == 0) return 1.0;
    if (std::isinf(x)) return 0.0;
    const double lg = std::lgamma(a);
    if (x < a + 1) {
        double ap = a, sum = 1.0 / a, del = sum;
        for (int i = 0; i < 1000; ++i) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (std::abs(del) < std::abs(sum) * 1e-16) break;
        }
        return 1.0 - sum * std::exp(-x + a * std::log(x) - lg);
    }
    double b = x + 1 - a, c = 1.0 / 1e-300, d = 1.0 / b, h = d;
    for (int i = 1; i < 1000; ++i) {
        const double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (std::abs(d) < 1e-300) d = 1e-300;
        c = b + an / c;
        if (std::abs(c) < 1e-300) c = 1e-300;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::abs(del - 1.0) < 1e-16) break;
    }
    return std::exp(-x + a * std::log(x) - lg) * h;
}

inline double chi2_sf(double x, double dof) { return gamma_q(dof / 2.0, x / 2.0); }

// scipy.stats.ks_2samp(ref, cur) (two-sided, method='auto') on two ascending
// finite samples: drift/ks.hpp's walk and p-value.
inline test_result ks_sorted(std::span<const double> ref, std::span<const double> cur) {
    const auto w = drift::detail::ecdf_walk<false>(ref.data(), ref.size(), cur.data(), cur.size());
    const auto k = drift::detail::ks_from_walk(w, ks_alternative::two_sided, ks_method::automatic);
    test_result r;
    r.statistic = k.statistic;
    r.p_value = k.p_value;
    return r;
}

// scipy.stats.wasserstein_distance of two ascending finite samples (the same walk).
inline double wasserstein1_sorted(std::span<const double> ref, std::span<const double> cur) {
    return drift::detail::ecdf_walk<true>(ref.data(), ref.size(), cur.data(), cur.size()).w1;
}

}  // namespace tessera::drift::detail::monitor
