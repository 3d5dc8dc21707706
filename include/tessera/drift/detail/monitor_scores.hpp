// tessera/drift/detail/monitor_scores.hpp — the monitor's test per column, run
// on a frozen reference profile and a counted current column.
//
// Formulas follow Evidently's stattests (reference/semantics.md section 2):
// - Wasserstein normed: scipy's wasserstein_distance(ref, cur) / max(np.std(ref),
//   0.001), computed by one merge of the two sorted samples (scipy's
//   _cdf_distance with p = 1).
// - Jensen-Shannon: scipy.spatial.distance.jensenshannon(ref%, cur%, base=2) on
//   unfilled proportions (a distance: the square root of the divergence).
// - PSI: sum (ref% - cur%) ln(ref% / cur%), each side's empty bins filled with
//   min(non-zero) / 1e6 when that minimum is <= 1e-4, else with 1e-4; bins
//   empty on both sides are dropped.
// - chi-squared: scipy.stats.chisquare(f_obs = current counts, f_exp = reference
//   counts * n_cur / n_ref) over the categories either side holds.
// - Z-test for two proportions: z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)),
//   p = 2 (1 - Phi(|z|)); p = 1 when both sides hold the same single value.
// - KS: the two-sample test of drift/ks.hpp (scipy's ks_2samp, method='auto').
// Categories: the profile's labels (for a numerical column with at most 20
// distinct reference values, those values), else the frozen Sturges bins.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>
#include <string_view>
#include <vector>

#include <tessera/drift/detail/batch_tests.hpp>
#include <tessera/drift/detail/column_profile.hpp>
#include <tessera/drift/test_result.hpp>

namespace tessera::drift {

// The tests the monitor can run on a column. `automatic` picks one by
// Evidently's rules (see `select_method`).
enum class method : std::uint8_t {
    automatic = 0,
    ks = 1,
    chi_squared = 2,
    z = 3,
    wasserstein = 4,  // normed by the reference's standard deviation
    jensen_shannon = 5,
    psi = 6,
};

// The name a test_result carries ("wasserstein_normed" for the normed distance).
inline constexpr std::string_view method_name(method m) noexcept {
    switch (m) {
        case method::automatic: return "auto";
        case method::ks: return "ks";
        case method::chi_squared: return "chi_squared";
        case method::z: return "z";
        case method::wasserstein: return "wasserstein_normed";
        case method::jensen_shannon: return "jensen_shannon";
        case method::psi: return "psi";
    }
    return "unknown";
}

inline constexpr score_kind method_kind(method m) noexcept {
    return (m == method::ks || m == method::chi_squared || m == method::z) ? score_kind::p_value
                                                                            : score_kind::distance;
}

// Evidently's default thresholds: 0.05 for p-value tests, 0.1 for distances.
inline constexpr double default_threshold(method m) noexcept {
    return method_kind(m) == score_kind::p_value ? 0.05 : 0.1;
}

// Evidently's `_get_default_stattest`: by reference rows (non-null values
// counted), column kind and the distinct values of reference and current
// together.
//   rows <= small_rows: n_unique <= 2 -> z; numerical and n_unique > 5 -> ks;
//                       otherwise chi_squared
//   rows >  small_rows: numerical and n_unique > 5 -> wasserstein (normed);
//                       otherwise jensen_shannon
inline constexpr method select_method(feature_kind kind, std::size_t reference_rows,
                                      std::size_t n_unique,
                                      std::size_t small_rows = 1000) noexcept {
    const bool many = kind == feature_kind::numerical && n_unique > 5;
    if (reference_rows <= small_rows) {
        if (n_unique <= 2) return method::z;
        return many ? method::ks : method::chi_squared;
    }
    return many ? method::wasserstein : method::jensen_shannon;
}

namespace detail::monitor {

// Proportions of counts (count / total); all zero when total is 0.
inline std::vector<double> shares(std::span<const double> counts) {
    double total = 0.0;
    for (const double c : counts) total += c;
    std::vector<double> out(counts.size(), 0.0);
    if (total > 0)
        for (std::size_t i = 0; i < counts.size(); ++i) out[i] = counts[i] / total;
    return out;
}

// Evidently's `feel_zeroes`: each side's empty bins get min(non-zero)/1e6 when
// that minimum is <= 1e-4, else 1e-4.
inline void fill_zeroes(std::vector<double>& s) {
    double lo = std::numeric_limits<double>::infinity();
    for (const double v : s)
        if (v != 0) lo = std::min(lo, v);
    if (!std::isfinite(lo)) return;
    const double fill = lo <= 1e-4 ? lo / 1e6 : 1e-4;
    for (double& v : s)
        if (v == 0) v = fill;
}

// Slots empty on both sides are dropped first (Evidently would fill them too,
// which only happens for its interior bins; they carry no information).
inline double psi_counts(std::span<const double> ref, std::span<const double> cur) {
    std::vector<double> rk, ck;
    held_slots(ref, cur, rk, ck);
    auto p = shares(rk), q = shares(ck);
    fill_zeroes(p);
    fill_zeroes(q);
    double s = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) s += (p[i] - q[i]) * std::log(p[i] / q[i]);
    return s;
}

// Evidently's two-proportion Z-test; the "positive" slot is the last one
// either side holds (the larger value of a 0/1 or bool column, as
// drift/z_test.hpp picks; the sign of z is all that depends on it). With more
// than two slots: that slot against the rest.
inline test_result z_counts(std::span<const double> ref, std::span<const double> cur) {
    double nr = 0.0, nc = 0.0;
    std::size_t held_r = 0, held_c = 0, pos = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        nr += ref[i];
        nc += cur[i];
        held_r += ref[i] > 0;
        held_c += cur[i] > 0;
        if (ref[i] > 0 || cur[i] > 0) pos = i;
    }
    test_result r;
    if (held_r == 1 && held_c == 1 && ref[pos] > 0 && cur[pos] > 0) {
        r.statistic = 0.0;
        r.p_value = 1.0;
        return r;
    }
    const double p1 = ref[pos] / nr, p2 = cur[pos] / nc;
    const double P = (p1 * nr + p2 * nc) / (nr + nc);
    r.statistic = (p1 - p2) / std::sqrt(P * (1 - P) * (1.0 / nr + 1.0 / nc));
    r.p_value = std::erfc(std::abs(r.statistic) / std::numbers::sqrt2);
    return r;
}

// Runs `m` (not automatic) on a profile and a counted column, both non-empty.
// Fills statistic, p_value and score; the caller sets threshold and verdict.
inline test_result run_test(method m, const profile& p, const counted& c) {
    const bool by_category = p.has_categories();
    const std::span<const double> ref =
        by_category ? std::span<const double>(p.counts) : std::span<const double>(p.bin_counts);
    // The category path carries one more slot (unseen) than the profile's labels.
    std::vector<double> ref_slots(ref.begin(), ref.end());
    if (by_category) ref_slots.push_back(0.0);
    const std::span<const double> cur = by_category ? std::span<const double>(c.cat_counts)
                                                    : std::span<const double>(c.bin_counts);
    test_result r;
    switch (m) {
        case method::ks: r = ks_sorted(p.sorted, c.values); break;
        case method::wasserstein:
            r.statistic = wasserstein1_sorted(p.sorted, c.values) / std::max(p.std_pop, 0.001);
            break;
        case method::jensen_shannon: r.statistic = jensen_shannon_counts(ref_slots, cur); break;
        case method::psi: r.statistic = psi_counts(ref_slots, cur); break;
        case method::chi_squared:
            r = chi_squared_gof(ref_slots, cur);
            break;
        case method::z: r = z_counts(ref_slots, cur); break;
        case method::automatic: break;
    }
    r.method = std::string(method_name(m));
    r.kind = method_kind(m);
    r.score = r.kind == score_kind::p_value ? r.p_value : r.statistic;
    return r;
}

// Whether `m` can run on a column of this kind: KS and Wasserstein need numbers.
inline constexpr bool applicable(method m, feature_kind k) noexcept {
    if (k == feature_kind::unsupported) return false;
    return k == feature_kind::numerical || (m != method::ks && m != method::wasserstein);
}

}  // namespace detail::monitor
}  // namespace tessera::drift
