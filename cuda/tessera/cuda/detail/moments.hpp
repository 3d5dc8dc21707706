// tessera/cuda/detail/moments.hpp — Thrust bodies of moments / nanmoments (count,
// mean, M2) by a Chan et al. (1979) pairwise-merge reduction, and of mean,
// nanmean, variance, nanvariance.
//
// Every element maps to a one-element summary {1, x, 0} (nanmoments maps NaN to
// the empty summary {0, 0, 0}); summaries merge with Chan's update
//   n = na + nb, d = mb - ma, mean = ma + d nb/n, M2 = M2a + M2b + d^2 na nb / n,
// which is stable in any reduction tree. Semantics as kernels/moments.hpp:
// NaN propagates into moments' mean and M2; empty input gives {0, 0, 0} from
// moments and shape_error from mean/variance; mean = sum / n; variance =
// M2 / (n - ddof) (NaN or inf when ddof >= n); all-NaN nan* results are NaN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include <thrust/count.h>
#include <thrust/transform_reduce.h>

#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/reduce.hpp>
#include <tessera/kernels/detail/chan_merge.hpp>
#include <tessera/kernels/moments.hpp>  // moment_stats: the CPU path's result type

namespace tessera::device_detail {

struct moments_acc {
    unsigned long long count;
    double mean;
    double m2;
};

template <bool SkipNan>
struct to_moments {
    template <class T>
    TESSERA_HD moments_acc operator()(T v) const {
        if (SkipNan && is_nan(v)) return {0, 0.0, 0.0};
        return {1, static_cast<double>(v), 0.0};
    }
};

struct chan_merge {
    TESSERA_HD moments_acc operator()(const moments_acc& a, const moments_acc& b) const {
        moments_acc r = a;
        kernels::detail::chan_fold(r.count, r.mean, r.m2, b.count, b.mean, b.m2);
        return r;
    }
};

template <bool SkipNan, class Backend, class T>
kernels::moment_stats moments_of(const Backend& be, std::span<const T> x) {
    if (x.empty()) return {};
    auto d = be.upload(x);
    const moments_acc m = thrust::transform_reduce(be.policy(), d.data(), d.data() + x.size(),
                                                   to_moments<SkipNan>{},
                                                   moments_acc{0, 0.0, 0.0}, chan_merge{});
    kernels::moment_stats r;
    r.count = m.count;
    r.mean = m.mean;
    r.m2 = m.m2;
    return r;
}

template <class Backend, class T>
kernels::moment_stats moments(const Backend& be, std::span<const T> x) {
    return moments_of<false>(be, x);
}
template <class Backend, class T>
kernels::moment_stats nanmoments(const Backend& be, std::span<const T> x) {
    return moments_of<true>(be, x);
}

template <class Backend, class T>
double mean(const Backend& be, std::span<const T> x) {
    if (x.empty()) throw errors::empty_input(where("mean"));
    return sum(be, x) / static_cast<double>(x.size());
}

struct not_nan_fn {
    template <class T>
    TESSERA_HD bool operator()(T v) const {
        return !is_nan(v);
    }
};

template <class Backend, class T>
double nanmean(const Backend& be, std::span<const T> x) {
    if (x.empty()) throw errors::empty_input(where("nanmean"));
    auto d = be.upload(x);
    const auto count = thrust::count_if(be.policy(), d.data(), d.data() + x.size(), not_nan_fn{});
    if (count == 0) return std::numeric_limits<double>::quiet_NaN();
    const double s = thrust::transform_reduce(be.policy(), d.data(), d.data() + x.size(),
                                              nan_to_zero{}, 0.0, thrust::plus<double>{});
    return s / static_cast<double>(count);
}

template <class Backend, class T>
double variance(const Backend& be, std::span<const T> x, int ddof) {
    if (x.empty()) throw errors::empty_input(where("variance"));
    return moments(be, x).variance(ddof);
}

template <class Backend, class T>
double nanvariance(const Backend& be, std::span<const T> x, int ddof) {
    if (x.empty()) throw errors::empty_input(where("nanvariance"));
    const kernels::moment_stats m = nanmoments(be, x);
    return m.count == 0 ? std::numeric_limits<double>::quiet_NaN() : m.variance(ddof);
}

}  // namespace tessera::device_detail
