// tessera/cuda/detail/histogram.hpp — Thrust bodies of the histograms over
// pre-binned data (counts, weighted sums, fixed-point grad/hess) and of binning
// a continuous feature against edges (numpy.searchsorted side='right').
//
// Counts: the dense-histogram idiom of Thrust's examples (sort, then a vectorized
// upper_bound of 0..nbins-1, then adjacent differences): integer, deterministic.
// Sums: stable_sort_by_key + reduce_by_key + scatter; a NaN weight makes its
// bin's sum NaN (numpy.histogram(weights=...)). Grad/hess: the raw kernel of
// histogram_kernel.hpp, launched through the backend. bin_index: k + 1 edges
// e0..ek, value -> searchsorted(e[1..k-1], v, side='right') in 0..k-1
// (scikit-learn's KBinsDiscretizer.transform), NaN -> k; as kernels/histogram.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <thrust/adjacent_difference.h>
#include <thrust/binary_search.h>
#include <thrust/fill.h>
#include <thrust/reduce.h>
#include <thrust/scatter.h>
#include <thrust/sort.h>
#include <thrust/transform_reduce.h>

#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/histogram_kernel.hpp>
#include <tessera/kernels/histogram.hpp>  // inner_edges, grad_hess_bin: shared with the CPU path

namespace tessera::device_detail {

// Counts of the values 0..nbins-1 in keys[0, n) (all known to be < nbins).
// Sorts `keys` in place.
template <class Backend, class Ptr>
std::vector<std::uint64_t> dense_counts(const Backend& be, Ptr keys, std::size_t n,
                                        std::size_t nbins) {
    std::vector<std::uint64_t> out(nbins, 0);
    if (n == 0 || nbins == 0) return out;
    thrust::sort(be.policy(), keys, keys + n);
    auto cum = be.template alloc<std::uint64_t>(nbins);
    thrust::upper_bound(be.policy(), keys, keys + n, thrust::counting_iterator<std::size_t>(0),
                        thrust::counting_iterator<std::size_t>(nbins), cum.data());
    thrust::adjacent_difference(be.policy(), cum.data(), cum.data() + nbins, cum.data());
    be.download(cum.data(), nbins, out.data());
    return out;
}

template <class Backend, class B>
std::vector<std::uint64_t> histogram_counts(const Backend& be, std::span<const B> bins,
                                            std::size_t nbins) {
    if (bins.empty()) return std::vector<std::uint64_t>(nbins, 0);
    auto d = be.upload(bins);
    check_bins(be, d.data(), bins.size(), nbins, "histogram_counts");
    return dense_counts(be, d.data(), bins.size(), nbins);
}

template <class Backend, class B, class W>
std::vector<double> histogram_sums(const Backend& be, std::span<const B> bins,
                                   std::span<const W> weights, std::size_t nbins) {
    check_same_size("histogram_sums", "weights", bins.size(), weights.size());
    std::vector<double> out(nbins, 0.0);
    const std::size_t n = bins.size();
    if (n == 0) return out;
    auto keys = be.upload(bins);
    check_bins(be, keys.data(), n, nbins, "histogram_sums");
    auto w = be.upload(weights);
    auto vals = be.template alloc<double>(n);
    thrust::transform(be.policy(), w.data(), w.data() + n, vals.data(), to_double{});
    thrust::stable_sort_by_key(be.policy(), keys.data(), keys.data() + n, vals.data());
    auto ukeys = be.template alloc<B>(n);
    auto usums = be.template alloc<double>(n);
    const auto ends = thrust::reduce_by_key(be.policy(), keys.data(), keys.data() + n,
                                            vals.data(), ukeys.data(), usums.data());
    const std::size_t m = static_cast<std::size_t>(ends.first - ukeys.data());
    auto dense = be.template alloc<double>(nbins);
    thrust::fill(be.policy(), dense.data(), dense.data() + nbins, 0.0);
    thrust::scatter(be.policy(), usums.data(), usums.data() + m, ukeys.data(), dense.data());
    be.download(dense.data(), nbins, out.data());
    return out;
}

struct abs_double {
    template <class T>
    TESSERA_HD double operator()(T v) const {
        const double d = static_cast<double>(v);
        return d < 0 ? -d : d;
    }
};

template <class Backend, class G>
int exponent_for(const Backend& be, thrust::device_ptr<G> g, std::size_t n,
                 std::string_view column) {
    const std::size_t bad = find_first(be, g, n, not_finite{});
    if (bad != n) throw errors::non_finite(where("histogram_grad_hess"), column, bad);
    const double max_abs = thrust::transform_reduce(be.policy(), g, g + n, abs_double{}, 0.0,
                                                    thrust::maximum<double>{});
    return fixed_point_exponent(n, max_abs);
}

template <class Backend, class B, class G>
std::vector<kernels::grad_hess_bin> histogram_grad_hess(const Backend& be, std::span<const B> bins,
                                                  std::span<const G> grad,
                                                  std::span<const G> hess, std::size_t nbins) {
    check_same_size("histogram_grad_hess", "grad", bins.size(), grad.size());
    check_same_size("histogram_grad_hess", "hess", bins.size(), hess.size());
    std::vector<kernels::grad_hess_bin> out(nbins, kernels::grad_hess_bin{});
    const std::size_t n = bins.size();
    if (n == 0) return out;
    auto db = be.upload(bins);
    check_bins(be, db.data(), n, nbins, "histogram_grad_hess");
    auto dg = be.upload(grad);
    auto dh = be.upload(hess);
    const int kg = exponent_for(be, dg.data(), n, "grad");
    const int kh = exponent_for(be, dh.data(), n, "hess");
    auto hist = be.template alloc<ull>(3 * nbins);
    thrust::fill(be.policy(), hist.data(), hist.data() + 3 * nbins, ull{0});
    const grad_hess_args<B, G> args{thrust::raw_pointer_cast(db.data()),
                                    thrust::raw_pointer_cast(dg.data()),
                                    thrust::raw_pointer_cast(dh.data()),
                                    n,
                                    nbins,
                                    kg,
                                    kh,
                                    thrust::raw_pointer_cast(hist.data())};
    be.launch_grad_hess(plan_grad_hess(n, nbins), args);
    std::vector<ull> h(3 * nbins);
    be.download(hist.data(), h.size(), h.data());
    for (std::size_t b = 0; b < nbins; ++b) {
        out[b] = {from_fixed(h[b], kg), from_fixed(h[nbins + b], kh),
                  static_cast<std::uint64_t>(h[2 * nbins + b])};
    }
    return out;
}

// ---- binning against edges ----------------------------------------------------------

// searchsorted(inner, v, side='right') by binary search; NaN -> m + 1 (bin k).
struct bin_of_fn {
    const double* inner;
    std::size_t m;
    template <class T>
    TESSERA_HD std::uint32_t operator()(T v) const {
        if (is_nan(v)) return static_cast<std::uint32_t>(m + 1);
        const double d = static_cast<double>(v);
        std::size_t lo = 0;
        std::size_t hi = m;
        while (lo < hi) {  // first inner edge > d
            const std::size_t mid = lo + (hi - lo) / 2;
            if (d < inner[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return static_cast<std::uint32_t>(lo);
    }
};

// Device bin indices of x; edges are checked by the CPU path's inner_edges (at
// least 2, finite, non-decreasing) so both paths reject the same input alike.
template <class Backend, class T>
auto bin_index_device(const Backend& be, std::span<const T> x, std::span<const double> edges,
                      std::string_view fn) {
    const std::span<const double> inner = kernels::detail::inner_edges(where(fn), edges);
    auto idx = be.template alloc<std::uint32_t>(x.size());
    if (x.empty()) return idx;
    auto dx = be.upload(x);
    auto de = be.upload(inner);
    thrust::transform(be.policy(), dx.data(), dx.data() + x.size(), idx.data(),
                      bin_of_fn{thrust::raw_pointer_cast(de.data()), inner.size()});
    return idx;
}

// k + 1 edges, k bins: values in 0..k-1 (below e0 / above ek clamp to the end
// bins), NaN in k.
template <class Backend, class T>
std::vector<std::uint32_t> bin_index(const Backend& be, std::span<const T> x,
                                     std::span<const double> edges) {
    auto idx = bin_index_device(be, x, edges, "bin_index");
    std::vector<std::uint32_t> out(x.size());
    if (!x.empty()) be.download(idx.data(), x.size(), out.data());
    return out;
}

// Counts per bin, size k + 1: the k bins, then the NaN count.
template <class Backend, class T>
std::vector<std::uint64_t> histogram(const Backend& be, std::span<const T> x,
                                     std::span<const double> edges) {
    auto idx = bin_index_device(be, x, edges, "histogram");
    return dense_counts(be, idx.data(), x.size(), edges.size());
}

}  // namespace tessera::device_detail
