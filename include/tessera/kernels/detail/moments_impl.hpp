// tessera/kernels/detail/moments_impl.hpp — `moment_stats` (count, mean, M2) and
// the xsimd functor that computes it.
//
// The functor cuts the input into cache-sized blocks; within a block it runs the
// corrected two-pass algorithm (mean first, then sum of squared deviations minus
// the squared sum of deviations / n; Chan, Golub & LeVeque 1983), reading the
// block from memory once and from L1 the second time; blocks, chunks and
// threads are combined with Chan et al.'s pairwise merge (1979). Everything runs
// on x - shift, with one shift (the first non-NaN value) for the whole array:
// block means of data at 1e9 + noise would otherwise carry the absolute
// rounding of 1e9 into every merge (a 1e-8 relative error in the variance, seen
// in the tests); shifted, the deviations are exact and the result matches a
// two-pass over the whole array, at the memory cost of one pass. The caller
// adds the shift back to the mean. Functor shape and ODR rules as in
// reduce_impl.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include <tessera/kernels/detail/reduce_impl.hpp>

namespace tessera::kernels {

namespace detail {
// Chan et al.'s merge; a template so that each per-ISA TU gets its own copy
// (see reduce_impl.hpp on weak symbols).
template <class Tag, class M>
constexpr M chan_merge(const M& a, const M& b) noexcept {
    if (a.count == 0) return b;
    if (b.count == 0) return a;
    const double na = static_cast<double>(a.count);
    const double nb = static_cast<double>(b.count);
    const double n = na + nb;
    const double delta = b.mean - a.mean;
    M r;
    r.count = a.count + b.count;
    r.mean = a.mean + delta * (nb / n);
    r.m2 = a.m2 + b.m2 + delta * delta * (na * nb / n);
    return r;
}
}  // namespace detail

// Count, mean and M2 = sum of squared deviations from the mean: a mergeable
// summary of a sample (the identity is {0, 0, 0}). `variance(ddof)` follows
// numpy: M2 / max(count - ddof, 0), which is NaN for an empty sample or
// ddof == count (numpy warns and returns nan) and inf when M2 > 0 and
// ddof >= count.
struct moment_stats {
    std::uint64_t count = 0;
    double mean = 0.0;
    double m2 = 0.0;

    double variance(int ddof = 0) const noexcept {
        const double dof = static_cast<double>(count) - static_cast<double>(ddof);
        return m2 / (dof > 0.0 ? dof : 0.0);
    }

    static constexpr moment_stats merge(const moment_stats& a, const moment_stats& b) noexcept {
        return detail::chan_merge<void>(a, b);
    }

    friend constexpr bool operator==(const moment_stats&, const moment_stats&) = default;
};

namespace detail {

// Elements per block: 2048 doubles (16 KiB) stay in L1 for the second pass.
inline constexpr std::size_t moments_block = 2048;

// Moments of x[0..n) - shift; n at most one block.
template <bool SkipNan, class Arch, class T>
moment_stats block_moments(const T* x, std::size_t n, double shift) noexcept {
    using D = simd::batch<double, Arch>;
    constexpr std::size_t W = D::size;
    const D zero(0.0), one(1.0), sh(shift);

    D s0 = zero, s1 = zero, c0 = zero, c1 = zero;
    std::size_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        const D v0 = load_as_double<Arch>(x + i) - sh;
        const D v1 = load_as_double<Arch>(x + i + W) - sh;
        if constexpr (SkipNan) {
            const auto k0 = not_nan<Arch>(v0), k1 = not_nan<Arch>(v1);
            s0 += xsimd::select(k0, v0, zero);
            s1 += xsimd::select(k1, v1, zero);
            c0 += xsimd::select(k0, one, zero);
            c1 += xsimd::select(k1, one, zero);
        } else {
            s0 += v0;
            s1 += v1;
        }
    }
    double sum = sum_lanes<Arch>(s0 + s1);
    double cnt = SkipNan ? sum_lanes<Arch>(c0 + c1) : static_cast<double>(n);
    for (std::size_t j = i; j < n; ++j) {
        const double v = static_cast<double>(x[j]) - shift;
        if (!SkipNan || v == v) {
            sum += v;
            if constexpr (SkipNan) cnt += 1.0;
        }
    }
    if (cnt == 0.0) return {};
    const double mean = sum / cnt;

    const D mv(mean);
    D q0 = zero, q1 = zero, d0 = zero, d1 = zero;  // squared and plain deviations
    i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        D e0 = (load_as_double<Arch>(x + i) - sh) - mv;
        D e1 = (load_as_double<Arch>(x + i + W) - sh) - mv;
        if constexpr (SkipNan) {  // NaN - mean is NaN: the same test finds them
            e0 = xsimd::select(not_nan<Arch>(e0), e0, zero);
            e1 = xsimd::select(not_nan<Arch>(e1), e1, zero);
        }
        q0 = xsimd::fma(e0, e0, q0);
        q1 = xsimd::fma(e1, e1, q1);
        d0 += e0;
        d1 += e1;
    }
    double q = sum_lanes<Arch>(q0 + q1);
    double d = sum_lanes<Arch>(d0 + d1);
    for (std::size_t j = i; j < n; ++j) {
        const double e = (static_cast<double>(x[j]) - shift) - mean;
        if (!SkipNan || e == e) {
            q += e * e;
            d += e;
        }
    }
    // Corrected two-pass: removes the first-order effect of rounding in `mean`.
    // Never below 0 in exact arithmetic; rounding could dip it for constant data.
    const double m2 = q - d * d / cnt;
    return {static_cast<std::uint64_t>(cnt), mean, m2 < 0.0 ? 0.0 : m2};
}

template <bool SkipNan>
struct moments_fn_t {
    // Moments of x - shift: the caller adds `shift` to the mean.
    template <class Arch, class T>
    moment_stats operator()(Arch, const T* x, std::size_t n, double shift) const;
};
using moments_fn = moments_fn_t<false>;
using nanmoments_fn = moments_fn_t<true>;

template <bool SkipNan>
template <class Arch, class T>
moment_stats moments_fn_t<SkipNan>::operator()(Arch, const T* x, std::size_t n,
                                               double shift) const {
    moment_stats acc{};
    for (std::size_t b = 0; b < n; b += moments_block) {
        const std::size_t m = n - b < moments_block ? n - b : moments_block;
        acc = chan_merge<Arch>(acc, block_moments<SkipNan, Arch>(x + b, m, shift));
    }
    return acc;
}

// The shift: the first non-NaN value (0 when there is none), so that it is close
// to the data and the same whatever the chunking.
template <class T>
double moments_shift(const T* x, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        if (x[i] == x[i]) return static_cast<double>(x[i]);
    return 0.0;
}

}  // namespace detail
}  // namespace tessera::kernels
