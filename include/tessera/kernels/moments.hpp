// tessera/kernels/moments.hpp — mean and variance of float/double spans, and the
// mergeable summary behind them.
//
//   moments(policy, x) -> moment_stats {count, mean, m2}; nanmoments skips NaN
//   mean, nanmean, variance(policy, x, ddof = 0), nanvariance
//
// Semantics follow numpy.mean/var/nanmean/nanvar: variance = M2 / (n - ddof);
// NaN propagates through mean/variance and is skipped by the nan* variants
// (count excludes NaN; all-NaN gives NaN). Empty input: moments/nanmoments give
// the identity {0, 0, 0}; mean, variance and their nan variants throw
// shape_error (numpy returns nan with a warning). The vector paths combine
// blocks and chunks with Chan et al.'s merge (detail/moments_impl.hpp), which
// is as accurate as a two-pass algorithm. mean is sum / n, so it agrees with
// numpy for infinities too. Policy first; the overload without one uses exec::par.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include <tessera/core/errors.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/moments_impl.hpp>
#include <tessera/kernels/reduce.hpp>

namespace tessera::kernels {

namespace detail {
template <bool SkipNan, class P, class T>
moment_stats moments_of(const P& policy, std::span<const T> x) {
    return on_host(
        policy,
        [&] {  // two passes over the whole array: the reference
            moment_stats r;
            double s = 0.0;
            for (const T v : x) {
                if (SkipNan && std::isnan(v)) continue;
                s += static_cast<double>(v);
                ++r.count;
            }
            if (r.count == 0) return moment_stats{};
            r.mean = s / static_cast<double>(r.count);
            for (const T v : x) {
                if (SkipNan && std::isnan(v)) continue;
                const double d = static_cast<double>(v) - r.mean;
                r.m2 += d * d;
            }
            return r;
        },
        [&](const auto& be, const auto& isa) {
            const double shift = moments_shift(x.data(), x.size());
            moment_stats r = fold_chunks(
                be, x.size(), moment_stats{},
                [&](std::size_t b, std::size_t m) {
                    return isa(moments_fn_t<SkipNan>{}, x.data() + b, m, shift);
                },
                moment_stats::merge);
            if (r.count != 0) r.mean += shift;
            return r;
        });
}
}  // namespace detail

// Count, mean and M2 of x (NaN propagates into mean and m2).
template <class P, class T>
    requires exec::execution_policy<P>
moment_stats moments(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        return detail::moments_of<false>(policy, x);
    }
}

// Count, mean and M2 of the non-NaN values of x (count excludes NaN).
template <class P, class T>
    requires exec::execution_policy<P>
moment_stats nanmoments(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        return detail::moments_of<true>(policy, x);
    }
}

// Arithmetic mean, sum(x) / n; shape_error when empty.
template <class P, class T>
    requires exec::execution_policy<P>
double mean(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        if (x.empty()) throw errors::empty_input("kernels::mean");
        return kernels::sum(policy, x) / static_cast<double>(x.size());
    }
}

// Mean of the non-NaN values; NaN when all are NaN; shape_error when empty.
template <class P, class T>
    requires exec::execution_policy<P>
double nanmean(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        if (x.empty()) throw errors::empty_input("kernels::nanmean");
        const detail::nan_sum s = detail::nan_sum_of(policy, x);
        return s.count == 0 ? std::numeric_limits<double>::quiet_NaN()
                            : s.sum / static_cast<double>(s.count);
    }
}

// M2 / (n - ddof) (numpy.var; ddof = 1 gives the unbiased estimate); shape_error
// when empty; NaN or inf when ddof >= n, as numpy.
template <class P, class T>
    requires exec::execution_policy<P>
double variance(const P& policy, std::span<const T> x, int ddof = 0) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        if (x.empty()) throw errors::empty_input("kernels::variance");
        return kernels::moments(policy, x).variance(ddof);
    }
}

// Variance of the non-NaN values; NaN when all are NaN; shape_error when empty.
template <class P, class T>
    requires exec::execution_policy<P>
double nanvariance(const P& policy, std::span<const T> x, int ddof = 0) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        if (x.empty()) throw errors::empty_input("kernels::nanvariance");
        const moment_stats m = kernels::nanmoments(policy, x);
        return m.count == 0 ? std::numeric_limits<double>::quiet_NaN() : m.variance(ddof);
    }
}

// ---- without a policy: exec::par -------------------------------------------------------

template <class T>
moment_stats moments(std::span<const T> x) {
    return kernels::moments(exec::par, x);
}
template <class T>
moment_stats nanmoments(std::span<const T> x) {
    return kernels::nanmoments(exec::par, x);
}
template <class T>
double mean(std::span<const T> x) {
    return kernels::mean(exec::par, x);
}
template <class T>
double nanmean(std::span<const T> x) {
    return kernels::nanmean(exec::par, x);
}
template <class T>
double variance(std::span<const T> x, int ddof = 0) {
    return kernels::variance(exec::par, x, ddof);
}
template <class T>
double nanvariance(std::span<const T> x, int ddof = 0) {
    return kernels::nanvariance(exec::par, x, ddof);
}

}  // namespace tessera::kernels
