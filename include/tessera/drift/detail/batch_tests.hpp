// tessera/drift/detail/batch_tests.hpp — the monitor's bridge to the batch
// tests: it runs them on what it froze (sorted reference values, category
// counts) instead of raw samples, through the same code the tests use:
// KS and Wasserstein-1 from drift/ks.hpp's ECDF walk, chi-squared from
// drift/chi_squared.hpp, Jensen-Shannon from drift/jensen_shannon.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <tessera/drift/detail/ecdf_walk.hpp>
#include <tessera/drift/chi_squared.hpp>
#include <tessera/drift/jensen_shannon.hpp>
#include <tessera/drift/ks.hpp>
#include <tessera/drift/test_result.hpp>

namespace tessera::drift::detail::monitor {

// The slots either side holds (a slot empty on both sides carries nothing).
inline void held_slots(std::span<const double> ref, std::span<const double> cur,
                       std::vector<double>& r, std::vector<double>& c) {
    for (std::size_t i = 0; i < ref.size(); ++i)
        if (ref[i] != 0 || cur[i] != 0) {
            r.push_back(ref[i]);
            c.push_back(cur[i]);
        }
}

// Evidently's chisquare_stattest (goodness of fit, f_exp = reference counts *
// n_cur / n_ref) over the slots either side holds: drift/chi_squared.hpp.
inline test_result chi_squared_gof(std::span<const double> ref, std::span<const double> cur) {
    std::vector<double> r, c;
    held_slots(ref, cur, r, c);
    const auto k =
        drift::detail::chi_squared_counts(r, c, chi_squared_method::goodness_of_fit, false);
    test_result out;
    out.statistic = k.statistic;
    out.p_value = k.p_value;
    return out;
}

// scipy.spatial.distance.jensenshannon(ref, cur, base=2) of two count vectors:
// drift/jensen_shannon.hpp.
inline double jensen_shannon_counts(std::span<const double> ref, std::span<const double> cur) {
    return drift::detail::js_distance(ref, cur);
}

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
