// tessera/kernels/histogram.hpp — histograms over pre-binned data and binning
// into frozen edges: the building blocks of histogram tree learners (gradient
// and hessian sums per bin, LightGBM's ConstructHistogram) and of PSI / KBins
// (counts of values in frozen bins, scikit-learn's KBinsDiscretizer.transform =
// numpy searchsorted(inner edges, side='right')).
//
// Policies: exec::seq is the plain left-to-right reference; exec::simd uses
// several partial histograms and SIMD range checks / bin searches (one thread);
// exec::par cuts the input into chunks of max(grain, 4 * nbins) elements, builds
// one partial histogram per chunk and adds them in chunk order, so results are
// bitwise identical for any thread count. Counts are exact on every path; sums
// of floating-point values differ from seq only by the order of additions.
// Semantics, errors and examples: docs/kernels_histogram.md.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/histogram_impl.hpp>
#include <tessera/kernels/detail/simd.hpp>

namespace tessera::kernels {

// Bin codes: what binning produces (uint8 for up to 256 bins, as LightGBM).
template <class B>
concept bin_code = std::same_as<B, std::uint8_t> || std::same_as<B, std::uint16_t> ||
                   std::same_as<B, std::uint32_t>;

template <class T>
concept bin_value = std::same_as<T, float> || std::same_as<T, double>;

namespace detail {

inline void hist_add(std::uint64_t& a, std::uint64_t b) noexcept { a += b; }
inline void hist_add(double& a, double b) noexcept { a += b; }
inline void hist_add(grad_hess_bin& a, const grad_hess_bin& b) noexcept {
    a.grad += b.grad;
    a.hess += b.hess;
    a.count += b.count;
}

// Per-chunk partial histograms of `nbins` cells, added in chunk order.
// fill(begin, end, Cell* partial) returns the offset of the first bad element
// relative to `begin`, or end - begin. Returns the first bad position or no_bad.
// The chunk is at least 4 * nbins long so that zeroing and merging partial
// histograms stays small next to the work (and memory stays O(n)).
template <bool V, class Cell, class Fill>
std::size_t chunked_histogram(const exec::pool_tag<V>& tag, std::size_t n, std::size_t nbins,
                              Cell* out, Fill&& fill) {
    struct partial {
        std::vector<Cell> h;
        std::size_t bad = no_bad;
    };
    exec::pool_tag<V> t = tag;
    t.grain = std::max({tag.grain, 4 * nbins, std::size_t{1}});
    partial total = exec::parallel_reduce(
        t, n, partial{},
        [&](const exec::chunk& c) {
            partial p{std::vector<Cell>(nbins, Cell{}), no_bad};
            const std::size_t off = fill(c.begin, c.end, p.h.data());
            if (off != c.size()) p.bad = c.begin + off;
            return p;
        },
        [](partial acc, partial r) {
            if (acc.bad != no_bad) return acc;
            if (r.bad != no_bad) return r;
            if (acc.h.empty()) return r;
            for (std::size_t b = 0; b < acc.h.size(); ++b) hist_add(acc.h[b], r.h[b]);
            return acc;
        });
    if (total.bad != no_bad) return total.bad;
    if (!total.h.empty()) std::copy(total.h.begin(), total.h.end(), out);
    return no_bad;
}

inline std::size_t as_bad(std::size_t off, std::size_t n) noexcept {
    return off == n ? no_bad : off;
}

// Checks edges (>= 2, finite, non-decreasing) and returns the inner ones.
inline std::span<const double> inner_edges(std::string_view where, std::span<const double> edges) {
    if (edges.size() < 2)
        throw config_error(tessera::detail::concat(where, ": edges must hold at least 2 values "
                                                          "(k + 1 edges for k bins), found ",
                                                   edges.size()),
                           "edges");
    for (std::size_t j = 0; j < edges.size(); ++j) {
        if (!std::isfinite(edges[j]))
            throw data_error(tessera::detail::concat(where, ": edges[", j, "] = ", edges[j],
                                                     " is not finite"),
                             "edges", j);
        if (j > 0 && edges[j] < edges[j - 1])
            throw config_error(tessera::detail::concat(where, ": edges must be non-decreasing, but "
                                                              "edges[", j, "] = ", edges[j],
                                                       " < edges[", j - 1, "] = ", edges[j - 1]),
                               "edges");
    }
    return edges.subspan(1, edges.size() - 2);
}

// The reference binning of one value: searchsorted(inner, v, side='right'), NaN -> k.
template <class T>
std::uint32_t bin_of(T v, std::span<const double> inner) noexcept {
    if (std::isnan(v)) return static_cast<std::uint32_t>(inner.size() + 1);
    return static_cast<std::uint32_t>(
        std::upper_bound(inner.begin(), inner.end(), static_cast<double>(v)) - inner.begin());
}

template <class T>
std::vector<T> edges_as(std::span<const double> inner) {
    std::vector<T> e(inner.size());
    for (std::size_t j = 0; j < inner.size(); ++j) e[j] = round_edge_up<T>(inner[j]);
    return e;
}

// bin_index_fn followed by counting, block by block (the codes stay in L1).
struct histogram_values_fn {
    template <class Arch, class T>
    void operator()(Arch, const T* x, std::size_t n, const T* inner, std::size_t m,
                    std::uint64_t* counts) const {
        std::uint32_t codes[hist_block];
        for (std::size_t b0 = 0; b0 < n; b0 += hist_block) {
            const std::size_t len = std::min(hist_block, n - b0);
            bin_index_fn{}(Arch{}, x + b0, len, inner, m, codes);
            histogram_counts_fn{}(Arch{}, codes, len, m + 2, counts);
        }
    }
};

}  // namespace detail

// ---- histogram_counts ----------------------------------------------------------

// counts[b] = #{i : bins[i] == b}, b < nbins. A bin >= nbins throws data_error
// naming the first such index and its value.
template <exec::execution_policy P, bin_code B>
std::vector<std::uint64_t> histogram_counts(const P& policy, std::span<const B> bins,
                                            std::size_t nbins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "histogram_counts";
        std::vector<std::uint64_t> counts(nbins, 0);
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        std::size_t bad = detail::no_bad;
        if constexpr (!tag_t::vector) {
            for (std::size_t i = 0; i < bins.size(); ++i) {
                if (bins[i] >= nbins) throw detail::bad_bin(where, "bins", i, bins[i], nbins);
                ++counts[bins[i]];
            }
        } else if constexpr (!detail::pool_backend_v<tag_t>) {
            bad = detail::as_bad(detail::histogram_counts_fn{}(simd::default_arch{}, bins.data(),
                                                               bins.size(), nbins, counts.data()),
                                 bins.size());
        } else {
            bad = detail::chunked_histogram(
                tag, bins.size(), nbins, counts.data(),
                [&](std::size_t b, std::size_t e, std::uint64_t* part) {
                    return detail::histogram_counts_fn{}(simd::default_arch{}, bins.data() + b,
                                                         e - b, nbins, part);
                });
        }
        if (bad != detail::no_bad) throw detail::bad_bin(where, "bins", bad, bins[bad], nbins);
        return counts;
    }
}

template <bin_code B>
std::vector<std::uint64_t> histogram_counts(std::span<const B> bins, std::size_t nbins) {
    return histogram_counts(exec::par, bins, nbins);
}

// ---- histogram_sums --------------------------------------------------------------

// sums[b] = sum of weights[i] over bins[i] == b, accumulated in double (NaN
// weights propagate into their bin). Size mismatch -> shape_error.
template <exec::execution_policy P, bin_code B, bin_value W>
std::vector<double> histogram_sums(const P& policy, std::span<const B> bins,
                                   std::span<const W> weights, std::size_t nbins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "histogram_sums";
        if (weights.size() != bins.size())
            throw errors::size_mismatch("histogram_sums: weights (one per bin code)", bins.size(),
                                        weights.size());
        std::vector<double> sums(nbins, 0.0);
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        std::size_t bad = detail::no_bad;
        if constexpr (!tag_t::vector) {
            for (std::size_t i = 0; i < bins.size(); ++i) {
                if (bins[i] >= nbins) throw detail::bad_bin(where, "bins", i, bins[i], nbins);
                sums[bins[i]] += static_cast<double>(weights[i]);
            }
        } else if constexpr (!detail::pool_backend_v<tag_t>) {
            bad = detail::as_bad(detail::histogram_sums_fn{}(simd::default_arch{}, bins.data(),
                                                             weights.data(), bins.size(), nbins,
                                                             sums.data()),
                                 bins.size());
        } else {
            bad = detail::chunked_histogram(
                tag, bins.size(), nbins, sums.data(), [&](std::size_t b, std::size_t e, double* part) {
                    return detail::histogram_sums_fn{}(simd::default_arch{}, bins.data() + b,
                                                       weights.data() + b, e - b, nbins, part);
                });
        }
        if (bad != detail::no_bad) throw detail::bad_bin(where, "bins", bad, bins[bad], nbins);
        return sums;
    }
}

template <bin_code B, bin_value W>
std::vector<double> histogram_sums(std::span<const B> bins, std::span<const W> weights,
                                   std::size_t nbins) {
    return histogram_sums(exec::par, bins, weights, nbins);
}

// ---- histogram_grad_hess -----------------------------------------------------------

// grad and hess carry one value per row of `bins`.
namespace detail {
inline void check_grad_hess_sizes(std::size_t rows, std::size_t grad, std::size_t hess) {
    if (grad != rows)
        throw errors::size_mismatch("histogram_grad_hess: grad (one per row)", rows, grad);
    if (hess != rows)
        throw errors::size_mismatch("histogram_grad_hess: hess (one per row)", rows, hess);
}
}  // namespace detail

// Per bin: sum of grad, sum of hess (in double) and the number of rows, over
// all rows. grad and hess must have one value per bin code (shape_error).
template <exec::execution_policy P, bin_code B>
std::vector<grad_hess_bin> histogram_grad_hess(const P& policy, std::span<const B> bins,
                                               std::span<const float> grad,
                                               std::span<const float> hess, std::size_t nbins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "histogram_grad_hess";
        detail::check_grad_hess_sizes(bins.size(), grad.size(), hess.size());
        std::vector<grad_hess_bin> hist(nbins);
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        std::size_t bad = detail::no_bad;
        if constexpr (!tag_t::vector) {
            for (std::size_t i = 0; i < bins.size(); ++i) {
                if (bins[i] >= nbins) throw detail::bad_bin(where, "bins", i, bins[i], nbins);
                grad_hess_bin& h = hist[bins[i]];
                h.grad += static_cast<double>(grad[i]);
                h.hess += static_cast<double>(hess[i]);
                ++h.count;
            }
        } else if constexpr (!detail::pool_backend_v<tag_t>) {
            bad = detail::as_bad(
                detail::histogram_grad_hess_fn{}(simd::default_arch{}, bins.data(), grad.data(),
                                                 hess.data(), bins.size(), nbins, hist.data()),
                bins.size());
        } else {
            bad = detail::chunked_histogram(
                tag, bins.size(), nbins, hist.data(),
                [&](std::size_t b, std::size_t e, grad_hess_bin* part) {
                    return detail::histogram_grad_hess_fn{}(simd::default_arch{}, bins.data() + b,
                                                            grad.data() + b, hess.data() + b,
                                                            e - b, nbins, part);
                });
        }
        if (bad != detail::no_bad) throw detail::bad_bin(where, "bins", bad, bins[bad], nbins);
        return hist;
    }
}

// The same over the rows of one tree node: rows[j] indexes bins/grad/hess, in
// any order, repeats counted each time. A row index >= bins.size() throws
// data_error naming its position in `rows`.
template <exec::execution_policy P, bin_code B>
std::vector<grad_hess_bin> histogram_grad_hess(const P& policy, std::span<const B> bins,
                                               std::span<const float> grad,
                                               std::span<const float> hess,
                                               std::span<const std::uint32_t> rows,
                                               std::size_t nbins) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr std::string_view where = "histogram_grad_hess";
        detail::check_grad_hess_sizes(bins.size(), grad.size(), hess.size());
        std::vector<grad_hess_bin> hist(nbins);
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        auto bad_row = [&](std::size_t j) {
            return data_error(tessera::detail::concat(where, ": rows[", j, "] = ", rows[j],
                                                      " is out of range; valid rows: [0, ",
                                                      bins.size(), ")"),
                              "rows", j);
        };
        std::size_t bad = detail::no_bad;
        if constexpr (!tag_t::vector) {
            for (std::size_t j = 0; j < rows.size(); ++j) {
                const std::uint32_t r = rows[j];
                if (r >= bins.size()) throw bad_row(j);
                if (bins[r] >= nbins) throw detail::bad_bin(where, "bins", r, bins[r], nbins);
                grad_hess_bin& h = hist[bins[r]];
                h.grad += static_cast<double>(grad[r]);
                h.hess += static_cast<double>(hess[r]);
                ++h.count;
            }
        } else {
            const std::size_t row_bad =
                detail::first_bad_bin_fn{}(simd::default_arch{}, rows.data(), rows.size(), bins.size());
            if (row_bad != rows.size()) throw bad_row(row_bad);
            if constexpr (!detail::pool_backend_v<tag_t>) {
                bad = detail::as_bad(detail::histogram_grad_hess_fn{}(
                                         simd::default_arch{}, bins.data(), grad.data(),
                                         hess.data(), rows.data(), rows.size(), nbins, hist.data()),
                                     rows.size());
            } else {
                bad = detail::chunked_histogram(
                    tag, rows.size(), nbins, hist.data(),
                    [&](std::size_t b, std::size_t e, grad_hess_bin* part) {
                        return detail::histogram_grad_hess_fn{}(simd::default_arch{}, bins.data(),
                                                                grad.data(), hess.data(),
                                                                rows.data() + b, e - b, nbins, part);
                    });
            }
        }
        if (bad != detail::no_bad) {
            const std::uint32_t r = rows[bad];
            throw detail::bad_bin(where, "bins", r, bins[r], nbins);
        }
        return hist;
    }
}

template <bin_code B>
std::vector<grad_hess_bin> histogram_grad_hess(std::span<const B> bins, std::span<const float> grad,
                                               std::span<const float> hess, std::size_t nbins) {
    return histogram_grad_hess(exec::par, bins, grad, hess, nbins);
}

template <bin_code B>
std::vector<grad_hess_bin> histogram_grad_hess(std::span<const B> bins, std::span<const float> grad,
                                               std::span<const float> hess,
                                               std::span<const std::uint32_t> rows,
                                               std::size_t nbins) {
    return histogram_grad_hess(exec::par, bins, grad, hess, rows, nbins);
}

// ---- binning into frozen edges ---------------------------------------------------------

// k + 1 edges e0..ek (finite, non-decreasing) define k bins; value v goes to
// bin clamp(searchsorted(e[1..k-1], v, side='right'), 0, k-1) (scikit-learn's
// KBinsDiscretizer.transform: values below e0 / above ek land in the end bins),
// NaN goes to bin k. Errors: fewer than 2 edges or a decreasing edge ->
// config_error; a non-finite edge -> data_error (both name the index).
template <exec::execution_policy P, bin_value T>
std::vector<std::uint32_t> bin_index(const P& policy, std::span<const T> x,
                                     std::span<const double> edges) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        const std::span<const double> inner = detail::inner_edges("bin_index", edges);
        std::vector<std::uint32_t> out(x.size());
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        if constexpr (!tag_t::vector) {
            for (std::size_t i = 0; i < x.size(); ++i) out[i] = detail::bin_of(x[i], inner);
        } else {
            const std::vector<T> e = detail::edges_as<T>(inner);
            if constexpr (!detail::pool_backend_v<tag_t>) {
                detail::bin_index_fn{}(simd::default_arch{}, x.data(), x.size(), e.data(), e.size(),
                                       out.data());
            } else {
                exec::parallel_for(tag, x.size(), [&](const exec::chunk& c) {
                    detail::bin_index_fn{}(simd::default_arch{}, x.data() + c.begin, c.size(),
                                           e.data(), e.size(), out.data() + c.begin);
                });
            }
        }
        return out;
    }
}

template <bin_value T>
std::vector<std::uint32_t> bin_index(std::span<const T> x, std::span<const double> edges) {
    return bin_index(exec::par, x, edges);
}

// counts[b] = #{i : bin_index(x, edges)[i] == b}, size k + 1: k bins, then the
// NaN count.
template <exec::execution_policy P, bin_value T>
std::vector<std::uint64_t> histogram(const P& policy, std::span<const T> x,
                                     std::span<const double> edges) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        const std::span<const double> inner = detail::inner_edges("histogram", edges);
        const std::size_t nbins = inner.size() + 2;
        std::vector<std::uint64_t> counts(nbins, 0);
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        if constexpr (!tag_t::vector) {
            for (const T v : x) ++counts[detail::bin_of(v, inner)];
        } else {
            const std::vector<T> e = detail::edges_as<T>(inner);
            if constexpr (!detail::pool_backend_v<tag_t>) {
                detail::histogram_values_fn{}(simd::default_arch{}, x.data(), x.size(), e.data(),
                                              e.size(), counts.data());
            } else {
                detail::chunked_histogram(tag, x.size(), nbins, counts.data(),
                                          [&](std::size_t b, std::size_t end, std::uint64_t* part) {
                                              detail::histogram_values_fn{}(
                                                  simd::default_arch{}, x.data() + b, end - b,
                                                  e.data(), e.size(), part);
                                              return end - b;
                                          });
            }
        }
        return counts;
    }
}

template <bin_value T>
std::vector<std::uint64_t> histogram(std::span<const T> x, std::span<const double> edges) {
    return histogram(exec::par, x, edges);
}

}  // namespace tessera::kernels
