// tessera/cuda/detail/rank.hpp — Thrust bodies of average ranks and of numpy
// 'linear' quantiles.
//
// rank: scipy.stats.rankdata(method='average') over the non-NaN values (1-based,
// tied values share the mean of their positions); a NaN keeps NaN as its rank
// (pandas' na_option='keep'). Done as stable sort_by_key (value -> original
// index) with NaN ordered last, reduce_by_key over runs of equal values to get
// each tie group's first and last position, and a scatter back.
// quantile: numpy.quantile(method='linear'): sort (-0.0 before +0.0, NaN last),
// virtual index (n - 1) q, numpy's _lerp (b - (b - a)(1 - g) when g >= 0.5, else
// a + (b - a) g). Any NaN makes quantile NaN; nanquantile drops NaN first and
// gives NaN when nothing is left. Empty input -> shape_error, q outside [0, 1] ->
// config_error naming its index: as kernels/rank.hpp.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <thrust/count.h>
#include <thrust/fill.h>
#include <thrust/functional.h>
#include <thrust/gather.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/reduce.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/scan.h>
#include <thrust/sequence.h>
#include <thrust/scatter.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include <tessera/cuda/detail/common.hpp>
#include <tessera/kernels/rank.hpp>  // linear_quantile, check_quantiles: shared with the CPU path

namespace tessera::device_detail {

// IEEE total order as the CPU path sorts (radix keys): -0.0 before +0.0, every
// NaN after every number, NaNs equivalent. 1/-0 = -inf < +inf = 1/+0 tells the
// zeros apart without signbit, which device code lacks under g++'s spelling.
struct nan_last_less {
    template <class T>
    TESSERA_HD bool operator()(T a, T b) const {
        if (is_nan(a)) return false;
        if (is_nan(b)) return true;
        if (a == T(0) && b == T(0)) return T(1) / a < T(1) / b;
        return a < b;
    }
};

struct is_nan_fn {
    template <class T>
    TESSERA_HD bool operator()(T v) const {
        return is_nan(v);
    }
};

// Tie group as the [first, last] sorted positions it covers.
struct position_span {
    std::size_t first;
    std::size_t last;
};
struct make_position_span {
    TESSERA_HD position_span operator()(std::size_t p) const { return {p, p}; }
};
struct merge_position_span {
    TESSERA_HD position_span operator()(const position_span& a, const position_span& b) const {
        return {a.first < b.first ? a.first : b.first, a.last > b.last ? a.last : b.last};
    }
};
// 1-based average of positions first..last.
struct average_rank {
    TESSERA_HD double operator()(const position_span& s) const {
        return (static_cast<double>(s.first) + static_cast<double>(s.last)) * 0.5 + 1.0;
    }
};
struct minus_one {
    TESSERA_HD std::size_t operator()(std::size_t g) const { return g - 1; }
};
// 1 where a new run of equal values starts.
template <class T>
struct run_head {
    const T* v;
    TESSERA_HD std::size_t operator()(std::size_t p) const {
        return (p == 0 || !(v[p] == v[p - 1])) ? 1 : 0;
    }
};

template <class Backend, class T>
std::vector<double> rank(const Backend& be, std::span<const T> x) {
    const std::size_t n = x.size();
    std::vector<double> out(n);
    if (n == 0) return out;
    auto v = be.upload(x);
    auto idx = be.template alloc<std::size_t>(n);
    thrust::sequence(be.policy(), idx.data(), idx.data() + n);
    thrust::stable_sort_by_key(be.policy(), v.data(), v.data() + n, idx.data(), nan_last_less{});
    const std::size_t nans = static_cast<std::size_t>(
        thrust::count_if(be.policy(), v.data(), v.data() + n, is_nan_fn{}));
    const std::size_t m = n - nans;  // sorted positions [0, m) hold numbers

    auto ranks = be.template alloc<double>(n);  // by sorted position
    thrust::fill(be.policy(), ranks.data() + m, ranks.data() + n,
                 std::numeric_limits<double>::quiet_NaN());
    if (m > 0) {
        // Groups of equal values -> their position spans -> average ranks.
        auto spans = be.template alloc<position_span>(m);
        auto keys = be.template alloc<T>(m);
        auto positions = thrust::make_transform_iterator(
            thrust::counting_iterator<std::size_t>(0), make_position_span{});
        const auto ends = thrust::reduce_by_key(be.policy(), v.data(), v.data() + m, positions,
                                                keys.data(), spans.data(),
                                                thrust::equal_to<T>{},
                                                merge_position_span{});
        const std::size_t groups = static_cast<std::size_t>(ends.second - spans.data());
        auto group_rank = be.template alloc<double>(groups);
        thrust::transform(be.policy(), spans.data(), spans.data() + groups, group_rank.data(),
                          average_rank{});
        // Group id of each sorted position: inclusive scan of run heads, minus one.
        auto gid = be.template alloc<std::size_t>(m);
        auto heads = thrust::make_transform_iterator(
            thrust::counting_iterator<std::size_t>(0),
            run_head<T>{thrust::raw_pointer_cast(v.data())});
        thrust::inclusive_scan(be.policy(), heads, heads + m, gid.data());
        thrust::transform(be.policy(), gid.data(), gid.data() + m, gid.data(), minus_one{});
        thrust::gather(be.policy(), gid.data(), gid.data() + m, group_rank.data(), ranks.data());
    }
    // Back to the original order.
    auto result = be.template alloc<double>(n);
    thrust::scatter(be.policy(), ranks.data(), ranks.data() + n, idx.data(), result.data());
    be.download(result.data(), n, out.data());
    return out;
}

// One result per q; the interpolation is the CPU path's linear_quantile (numpy's
// virtual index and _lerp, float differences rounded to float), fed with the
// order statistics it asks for, fetched from the sorted device copy.
template <bool SkipNan, class Backend, class T>
std::vector<double> quantile_of(const Backend& be, std::span<const T> x,
                                std::span<const double> q, std::string_view fn) {
    const std::string w = where(fn);
    if (x.empty()) throw errors::empty_input(w);
    kernels::detail::check_quantiles(w, q);
    const std::size_t n = x.size();
    auto v = be.upload(x);
    const std::size_t nans = static_cast<std::size_t>(
        thrust::count_if(be.policy(), v.data(), v.data() + n, is_nan_fn{}));
    if (nans == n || (!SkipNan && nans > 0))
        return std::vector<double>(q.size(), std::numeric_limits<double>::quiet_NaN());
    thrust::sort(be.policy(), v.data(), v.data() + n, nan_last_less{});
    std::vector<double> out(q.size());
    for (std::size_t j = 0; j < q.size(); ++j) {
        out[j] = kernels::detail::linear_quantile<T>(
            n - nans, q[j], [&](std::size_t i) { return fetch(be, v.data() + i); });
    }
    return out;
}

template <class Backend, class T>
std::vector<double> quantile(const Backend& be, std::span<const T> x, std::span<const double> q) {
    return quantile_of<false>(be, x, q, "quantile");
}
template <class Backend, class T>
std::vector<double> nanquantile(const Backend& be, std::span<const T> x,
                                std::span<const double> q) {
    return quantile_of<true>(be, x, q, "nanquantile");
}

}  // namespace tessera::device_detail
