// tessera/kernels/bin_edges.hpp — bin edges of one feature and the bin a value falls in.
//
// Reference behaviour: scikit-learn 1.9 KBinsDiscretizer.fit / transform, per
// feature, with the quantile method pinned to numpy's 'linear' (sklearn 1.9's
// default is 'averaged_inverted_cdf'; tessera always uses 'linear', the
// pre-1.9 default, which PSI binning also uses: reference/semantics.md §5).
//
//   uniform_edges(values, n_bins)   np.linspace(min, max, n_bins + 1) over the
//                                   non-NaN values, computed in T as numpy does
//                                   (float32 data -> float32 edges, stored exactly
//                                   in double)
//   quantile_edges(values, n_bins)  np.percentile(values, np.linspace(0, 100,
//                                   n_bins + 1), method='linear') over the non-NaN
//                                   values (kernels::nanquantile, bitwise numpy),
//                                   then sklearn's merge: an edge is kept when it
//                                   exceeds the previous edge (before merging) by
//                                   more than 1e-8 (np.ediff1d(e, to_begin=inf) > 1e-8)
//   kmeans_edges(values, n_bins)    sklearn's 'kmeans': 1-D Lloyd from the uniform
//                                   bin midpoints; edges = min, centre midpoints,
//                                   max, then the 1e-8 merge (equal to sklearn's
//                                   to rounding, not bitwise)
//   constant values (min == max)    all: the single bin [-inf, inf] (sklearn warns
//                                   "Feature is constant" and does the same)
//   bin_of(edges, x)                np.searchsorted(edges[1:-1], x, side='right'):
//                                   bins are closed on the left, the first bin takes
//                                   everything below edges[1] and the last everything
//                                   from edges[n-1] up (values outside the fitted
//                                   range are clipped into the end bins)
//
// NaN: the edge functions skip NaN (sklearn rejects it; numpy's nanpercentile
// skips it). bin_of(edges, NaN) returns bin_count(edges), one past the last bin:
// a separate "missing" bin the caller may count or reject (numpy's searchsorted
// would put NaN in the last bin, silently). ±inf in the values is rejected with
// a data_error naming the row (sklearn rejects non-finite input), all-NaN or
// empty values with a shape_error, n_bins < 2 with a config_error.
//
// Overflow bins (for PSI and friends): bin_of_with_overflow(edges, x) keeps
// out-of-range values apart instead of clipping them: 0 = below edges[0],
// 1..n = the n regular bins (the last closed on both sides, so the reference's
// maximum lands in bin n), n + 1 = above edges[n], n + 2 = NaN. Use it with
// bin_count(edges) + 3 counters.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/rank.hpp>

namespace tessera::kernels {

namespace detail {

// Keeps a product or sum from being fused or kept in wider registers: numpy
// rounds every linspace step in T.
template <class T>
T round_to(T v) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+m"(v));
#endif
    return v;
}

// np.linspace(start, stop, num) with endpoint=True in T (numpy >= 1.20), num >= 2:
// y[i] = i * step + start, step = (stop - start) / (num - 1), y[num-1] = stop;
// a step that underflows to 0 is applied as (i / div) * delta (numpy gh-5437).
template <class T>
std::vector<T> linspace(T start, T stop, std::size_t num) {
    std::vector<T> y(num);
    const T div = static_cast<T>(num - 1);
    const T delta = round_to<T>(stop - start);
    const T step = round_to<T>(delta / div);
    for (std::size_t i = 0; i < num; ++i) {
        const T fi = static_cast<T>(i);
        const T scaled = step == T(0) ? round_to<T>(round_to<T>(fi / div) * delta)
                                      : round_to<T>(fi * step);
        y[i] = round_to<T>(scaled + start);
    }
    y[num - 1] = stop;
    return y;
}

inline void check_n_bins(std::string_view where, std::size_t n_bins) {
    if (n_bins < 2)
        throw errors::out_of_range(where, "n_bins", n_bins, "[2, inf)");
}

// min and max of the non-NaN values; rejects ±inf, empty and all-NaN input.
template <class T>
std::pair<T, T> finite_range(std::string_view where, std::span<const T> x) {
    if (x.empty()) throw errors::empty_input(where);
    T lo = std::numeric_limits<T>::infinity();
    T hi = -lo;
    std::size_t seen = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T v = x[i];
        if (std::isnan(v)) continue;
        if (std::isinf(v)) throw errors::non_finite(where, "values", i);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++seen;
    }
    if (seen == 0) throw errors::all_nan(where, x.size());
    return {lo, hi};
}

inline std::vector<double> constant_edges() {
    constexpr double inf = std::numeric_limits<double>::infinity();
    return {-inf, inf};
}

// sklearn's np.ediff1d(e, to_begin=inf) > 1e-8 mask: an edge survives if it
// exceeds the previous computed edge (kept or not) by more than 1e-8. Fewer
// than two survivors -> one bin {-inf, inf}.
inline std::vector<double> merge_close_edges(const std::vector<double>& e) {
    std::vector<double> kept;
    kept.reserve(e.size());
    for (std::size_t i = 0; i < e.size(); ++i)
        if (i == 0 || e[i] - e[i - 1] > 1e-8) kept.push_back(e[i]);
    if (kept.size() < 2) return constant_edges();
    return kept;
}

}  // namespace detail

// Number of bins the edges define.
inline std::size_t bin_count(std::span<const double> edges) noexcept {
    return edges.empty() ? 0 : edges.size() - 1;
}

// np.linspace(min, max, n_bins + 1) over the non-NaN values, or {-inf, inf} when
// they are all equal. The policy is accepted for symmetry; the work is one pass.
template <exec::execution_policy P, rank_value T>
std::vector<double> uniform_edges(const P&, std::span<const T> values, std::size_t n_bins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "uniform_edges";
        detail::check_n_bins(where, n_bins);
        const auto [lo, hi] = detail::finite_range(where, values);
        if (lo == hi) return detail::constant_edges();
        const std::vector<T> e = detail::linspace<T>(lo, hi, n_bins + 1);
        return std::vector<double>(e.begin(), e.end());
    }
}

template <rank_value T>
std::vector<double> uniform_edges(std::span<const T> values, std::size_t n_bins) {
    return uniform_edges(exec::par, values, n_bins);
}

// Percentiles linspace(0, 100, n_bins + 1) of the non-NaN values (numpy 'linear',
// bitwise), edges within 1e-8 of their predecessor dropped as sklearn does, or
// {-inf, inf} when all values are equal. If the merge leaves fewer than two edges
// (a range of at most 1e-8 split into bins), the result is {-inf, inf} as well:
// sklearn would keep a single edge and report 0 bins, which no encoder can use.
template <exec::execution_policy P, rank_value T>
std::vector<double> quantile_edges(const P& policy, std::span<const T> values, std::size_t n_bins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "quantile_edges";
        detail::check_n_bins(where, n_bins);
        const auto [lo, hi] = detail::finite_range(where, values);
        if (lo == hi) return detail::constant_edges();
        // np.percentile divides the levels by 100 before np.quantile sees them.
        std::vector<double> q = detail::linspace<double>(0.0, 100.0, n_bins + 1);
        for (double& v : q) v = detail::round_to(v / 100.0);
        return detail::merge_close_edges(nanquantile(policy, values, std::span<const double>(q)));
    }
}

template <rank_value T>
std::vector<double> quantile_edges(std::span<const T> values, std::size_t n_bins) {
    return quantile_edges(exec::par, values, n_bins);
}

namespace detail {

// sklearn's _kmeans_single_lloyd on one centred column (x: the non-NaN values
// minus their mean; c: the initial centres minus the same mean). tol is
// absolute (sklearn: 1e-4 * var(x)). Returns the final centres.
inline std::vector<double> lloyd_1d(const std::vector<double>& x, std::vector<double> c, double tol,
                                    int max_iter = 300) {
    const std::size_t n = x.size(), k = c.size();
    std::vector<int> labels(n, -1), old(n, -1);
    std::vector<double> sums(k), counts(k), dist(n);
    // E-step: nearest centre by sklearn's ||c||^2 - 2 x.c (the first on a tie).
    auto assign = [&](const std::vector<double>& centres) {
        for (std::size_t i = 0; i < n; ++i) {
            int best = 0;
            double bd = centres[0] * centres[0] - 2.0 * x[i] * centres[0];
            for (std::size_t j = 1; j < k; ++j) {
                const double d = centres[j] * centres[j] - 2.0 * x[i] * centres[j];
                if (d < bd) {
                    bd = d;
                    best = static_cast<int>(j);
                }
            }
            labels[i] = best;
        }
    };
    bool strict = false;
    for (int it = 0; it < max_iter; ++it) {
        assign(c);
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(counts.begin(), counts.end(), 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            sums[static_cast<std::size_t>(labels[i])] += x[i];
            counts[static_cast<std::size_t>(labels[i])] += 1.0;
        }
        // Empty clusters take the points farthest from their centres (sklearn's
        // _relocate_empty_clusters_dense), farthest first, ties to the later
        // point. sklearn takes the last n_empty entries of np.argpartition,
        // whose order among themselves numpy leaves unspecified: with several
        // empty clusters the pairing (and so the local optimum) can differ.
        std::vector<std::size_t> empty;
        for (std::size_t j = 0; j < k; ++j)
            if (counts[j] == 0.0) empty.push_back(j);
        if (!empty.empty()) {
            for (std::size_t i = 0; i < n; ++i) {
                const double d = x[i] - c[static_cast<std::size_t>(labels[i])];
                dist[i] = d * d;
            }
            std::vector<std::size_t> order(n);
            for (std::size_t i = 0; i < n; ++i) order[i] = i;
            const std::size_t m = std::min(empty.size(), n);
            std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m), order.end(),
                              [&](std::size_t a, std::size_t b) {
                                  return dist[a] > dist[b] || (dist[a] == dist[b] && a > b);
                              });
            for (std::size_t e = 0; e < m; ++e) {
                const std::size_t far = order[e];
                const auto from = static_cast<std::size_t>(labels[far]);
                sums[from] -= x[far];
                counts[from] -= 1.0;
                sums[empty[e]] = x[far];
                counts[empty[e]] = 1.0;
            }
        }
        double shift = 0.0;
        std::vector<double> next(k);
        for (std::size_t j = 0; j < k; ++j) {
            next[j] = counts[j] > 0.0 ? sums[j] / counts[j] : c[j];
            shift += (next[j] - c[j]) * (next[j] - c[j]);
        }
        c = std::move(next);
        if (labels == old) {
            strict = true;
            break;
        }
        if (shift <= tol) break;
        old = labels;
    }
    (void)strict;  // sklearn re-runs the E-step for labels only; centres are final
    return c;
}

}  // namespace detail

// sklearn's 'kmeans' strategy: 1-D k-means (Lloyd, at most 300 iterations,
// tol 1e-4 * variance, one run) started from the midpoints of the uniform
// edges, on the centred non-NaN values as sklearn's KMeans centres them; the
// edges are col_min, the midpoints of the sorted centres, col_max, then the
// same 1e-8 merge as quantile_edges. Constant values -> {-inf, inf}. Centres
// agree with sklearn's to rounding (its sums run in another order), so an
// edge may differ from sklearn's in the last bits.
template <exec::execution_policy P, rank_value T>
std::vector<double> kmeans_edges(const P&, std::span<const T> values, std::size_t n_bins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "kmeans_edges";
        detail::check_n_bins(where, n_bins);
        const auto [lo, hi] = detail::finite_range(where, values);
        if (lo == hi) return detail::constant_edges();
        const std::vector<T> u = detail::linspace<T>(lo, hi, n_bins + 1);
        std::vector<double> x;
        x.reserve(values.size());
        double sum = 0.0;
        for (const T v : values)
            if (!std::isnan(v)) {
                x.push_back(static_cast<double>(v));
                sum += static_cast<double>(v);
            }
        const double mean = sum / static_cast<double>(x.size());
        double var = 0.0;
        for (double& v : x) {
            v -= mean;
            var += v * v;
        }
        var /= static_cast<double>(x.size());
        std::vector<double> init(n_bins);
        for (std::size_t j = 0; j < n_bins; ++j)
            init[j] = static_cast<double>(detail::round_to<T>(detail::round_to<T>(u[j + 1] + u[j]) * T(0.5))) - mean;
        std::vector<double> c = detail::lloyd_1d(x, std::move(init), 1e-4 * var);
        for (double& v : c) v += mean;
        std::sort(c.begin(), c.end());
        std::vector<double> e;
        e.reserve(n_bins + 1);
        e.push_back(static_cast<double>(lo));
        for (std::size_t j = 0; j + 1 < n_bins; ++j) e.push_back((c[j + 1] + c[j]) * 0.5);
        e.push_back(static_cast<double>(hi));
        return detail::merge_close_edges(e);
    }
}

template <rank_value T>
std::vector<double> kmeans_edges(std::span<const T> values, std::size_t n_bins) {
    return kmeans_edges(exec::par, values, n_bins);
}

// sklearn's transform: np.searchsorted(edges[1:-1], x, side='right'), i.e. the
// number of inner edges <= x. Below edges[1] -> 0, at or above edges[n-1] ->
// n - 1. NaN -> bin_count(edges) (one past the last bin). Edges must be sorted
// and at least two long (what the functions above return).
template <class T>
std::size_t bin_of(std::span<const double> edges, T x) noexcept {
    const std::size_t n = bin_count(edges);
    if (std::isnan(x)) return n;
    if (n < 2) return 0;
    const double v = static_cast<double>(x);
    if (n <= 32) {  // a branch-free count beats a binary search on few edges
        std::size_t k = 0;
        for (std::size_t i = 1; i < n; ++i) k += v >= edges[i] ? 1 : 0;
        return k;
    }
    return static_cast<std::size_t>(std::upper_bound(edges.begin() + 1, edges.end() - 1, v) -
                                    (edges.begin() + 1));
}

// Out-of-range values in bins of their own: 0 below edges[0], 1..n the regular
// bins (bin n closed on the right, so edges[n] itself is in range), n + 1 above
// edges[n], n + 2 for NaN. With edges {-inf, inf} every number is in bin 1.
template <class T>
std::size_t bin_of_with_overflow(std::span<const double> edges, T x) noexcept {
    const std::size_t n = bin_count(edges);
    if (std::isnan(x)) return n + 2;
    const double v = static_cast<double>(x);
    if (v < edges.front()) return 0;
    if (v > edges.back()) return n + 1;
    return 1 + bin_of(edges, v);
}

}  // namespace tessera::kernels
