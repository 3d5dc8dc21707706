// tessera/drift/detail/ks_equal_n.hpp — the two-sided two-sample
// Kolmogorov-Smirnov test for two sorted samples of the same size n, as
// scipy.stats.ks_2samp(method="auto") computes it for n <= 10000 (scipy 1.17,
// scipy/stats/_stats_py.py): D = max |ECDF_a - ECDF_b| over all values (ties
// handled as searchsorted(side="right")), h = n D, the exact p-value
// `_compute_prob_outside_square(n, h)`, and, where that sum rounds outside [0, 1]
// (a few small h, e.g. n = 30, h = 1 gives 1.0000000000000004), scipy's fallback
// kstwo.sf(D, round(n / 2)). The p-value routines are drift-batch's
// (detail/ks_exact.hpp, detail/kolmogorov.hpp, used by drift/ks.hpp); this file
// adds only the allocation-free walk over two sorted spans, which is all KSWIN
// needs per update (drift::ks_2samp would copy, filter and sort both samples).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <tessera/drift/detail/kolmogorov.hpp>
#include <tessera/drift/detail/ks_exact.hpp>

namespace tessera::drift::detail {

struct ks_equal_n_result {
    double statistic = 0.0;  // D = h / n
    double p_value = 1.0;
};

// h = n * D for two sorted spans of equal size n (finite values).
inline std::size_t ks_equal_n_h(std::span<const double> a, std::span<const double> b) noexcept {
    const std::size_t n = a.size();
    std::size_t i = 0, j = 0, h = 0;
    while (i < n && j < n) {
        const double v = a[i] < b[j] ? a[i] : b[j];
        while (i < n && a[i] <= v) ++i;
        while (j < n && b[j] <= v) ++j;
        const std::size_t d = i > j ? i - j : j - i;
        if (d > h) h = d;
    }
    return h;
}

// Two sorted spans of equal, non-zero size.
inline ks_equal_n_result ks_equal_n(std::span<const double> a, std::span<const double> b) {
    const std::size_t n = a.size();
    const std::size_t h = ks_equal_n_h(a, b);
    ks_equal_n_result r;
    r.statistic = static_cast<double>(h) / static_cast<double>(n);
    if (h == 0) return r;
    const double p = prob_outside_square(static_cast<std::int64_t>(n), static_cast<std::int64_t>(h));
    if (p >= 0.0 && p <= 1.0) {
        r.p_value = p;
    } else {  // scipy: "Exact calculation unsuccessful", asymptotic with en = n * n / (2n)
        const auto en = static_cast<std::int64_t>(std::nearbyint(static_cast<double>(n) / 2.0));
        r.p_value = clip_prob(kolmogn_sf(en, r.statistic));
    }
    return r;
}

}  // namespace tessera::drift::detail
