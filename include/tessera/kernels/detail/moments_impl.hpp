// tessera/kernels/detail/moments_impl.hpp — `moment_stats` (count, mean, M2) and
// the xsimd functor that computes it.
//
// The functor cuts the input into blocks of 2048; within a block it sums
// deviations from the block's first value and their squares in one pass (the
// shifted-data algorithm, with a shift that bounds the cancellation; see
// block_moments), and blocks, chunks and threads are combined with Chan et al.'s
// pairwise merge (Chan, Golub & LeVeque 1979/1983). Block means are kept
// relative to one shift for the whole array (its first non-NaN value): means of
// data at 1e9 + noise would otherwise carry the absolute rounding of 1e9 into
// every merge (a 1e-8 relative error in the variance, seen in the tests). The
// result matches a two-pass over the whole array (long double reference) to
// ~1e-15 on such data, at the cost of one pass and 4 vector ops per element.
// A two-pass per block (mean, then squared deviations, from L1) was as exact
// but twice the arithmetic, which made float variance compute-bound. The
// caller adds the shift back to the mean. Functor shape and ODR rules as in
// reduce_impl.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include <tessera/kernels/detail/chan_merge.hpp>
#include <tessera/kernels/detail/reduce_impl.hpp>

namespace tessera::kernels {

namespace detail {
// Chan et al.'s merge; a template so that each per-ISA TU gets its own copy
// (see reduce_impl.hpp on weak symbols).
template <class Tag, class M>
constexpr M chan_merge(const M& a, const M& b) noexcept {
    M r = a;
    chan_fold<Tag>(r.count, r.mean, r.m2, b.count, b.mean, b.m2);
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

// Elements per block: bounds the cancellation in block_moments (n + 1) while
// keeping the per-block merge (two divisions) negligible.
inline constexpr std::size_t moments_block = 2048;

// Moments of x[0..n) - shift; n at most one block. One pass over the block
// with its first (non-NaN) value K as reference: S1 = sum (x - K), S2 = sum
// (x - K)^2, M2 = S2 - S1^2 / n. Because K is an element of the block,
// (mean - K)^2 <= M2, so S2 <= (n + 1) M2 and the subtraction loses at most
// log2(n + 1) = 11 bits in the worst case (one huge outlier first), none for
// ordinary data; x - K is exact for float input. The block mean is returned
// in the shifted space as (K - shift) + S1 / n, so that merging blocks of data
// at 1e9 carries no rounding of 1e9. Four accumulators per sum keep the add and
// FMA latency chains off the critical path.
template <bool SkipNan, class Arch, class T>
moment_stats block_moments(const T* x, std::size_t n, double shift) noexcept {
    using D = simd::batch<double, Arch>;
    constexpr std::size_t W = D::size;
    constexpr std::size_t U = 4;
    const D zero(0.0), one(1.0);

    std::size_t first = 0;
    if constexpr (SkipNan) {
        while (first < n && !(x[first] == x[first])) ++first;
        if (first == n) return {};
    }
    const double ref = static_cast<double>(x[first]);
    const D k(ref);

    D s1[U] = {zero, zero, zero, zero};
    D s2[U] = {zero, zero, zero, zero};
    D c[U] = {zero, zero, zero, zero};
    std::size_t i = first;
    for (; i + U * W <= n; i += U * W) {
        for (std::size_t u = 0; u < U; ++u) {
            D e = load_as_double<Arch>(x + i + u * W) - k;
            if constexpr (SkipNan) {
                const auto ok = not_nan<Arch>(e);  // NaN - K is NaN
                e = xsimd::select(ok, e, zero);
                c[u] += xsimd::select(ok, one, zero);
            }
            s1[u] += e;
            s2[u] = xsimd::fma(e, e, s2[u]);
        }
    }
    double sum1 = sum_lanes<Arch>((s1[0] + s1[1]) + (s1[2] + s1[3]));
    double sum2 = sum_lanes<Arch>((s2[0] + s2[1]) + (s2[2] + s2[3]));
    double cnt = SkipNan ? sum_lanes<Arch>((c[0] + c[1]) + (c[2] + c[3]))
                         : static_cast<double>(n);
    for (; i < n; ++i) {
        const double e = static_cast<double>(x[i]) - ref;
        if (!SkipNan || e == e) {
            sum1 += e;
            sum2 += e * e;
            if constexpr (SkipNan) cnt += 1.0;
        }
    }
    const double m2 = sum2 - sum1 * sum1 / cnt;  // >= 0 up to rounding
    return {static_cast<std::uint64_t>(cnt), (ref - shift) + sum1 / cnt, m2 < 0.0 ? 0.0 : m2};
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
