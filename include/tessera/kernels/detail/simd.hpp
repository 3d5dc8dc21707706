// tessera/kernels/detail/simd.hpp — the one place that names xsimd.
//
// Kernels are functors `template <class Arch> R operator()(Arch, const T*, n)`
// written against these aliases, so they compile for any xsimd architecture
// (the build's default one, or the per-ISA translation units of the runtime
// dispatcher). This header also hides xsimd 8.1 vs 9+ renames (hadd vs
// reduce_add; no reduce_min/reduce_max in 8.1).
#pragma once

#include <cstddef>
#include <type_traits>

// GCC 12 flags the _mm512_undefined_* operands inside xsimd 8.1's out-of-line
// AVX-512 math (exp, erf) as uninitialized (GCC bug 105593, a false positive).
// The state in force where xsimd's templates are defined is what counts, so the
// two warnings are off for xsimd's own headers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace tessera::simd {

using default_arch = xsimd::default_arch;

template <class T, class Arch = default_arch>
using batch = xsimd::batch<T, Arch>;

template <class T, class Arch = default_arch>
using batch_bool = xsimd::batch_bool<T, Arch>;

template <class T, class Arch = default_arch>
inline constexpr std::size_t width = batch<T, Arch>::size;

template <class T, class A>
T reduce_add(const xsimd::batch<T, A>& b) noexcept {
#if XSIMD_VERSION_MAJOR < 9
    return xsimd::hadd(b);
#else
    return xsimd::reduce_add(b);
#endif
}

// Lane-wise reductions through a stack buffer: 8.1 has no reduce_min/max, and
// these run once per call, outside the hot loop.
template <class T, class A, class Op>
T reduce_lanes(const xsimd::batch<T, A>& b, Op op) noexcept {
    alignas(A::alignment()) T lanes[xsimd::batch<T, A>::size];
    b.store_aligned(lanes);
    T r = lanes[0];
    for (std::size_t i = 1; i < xsimd::batch<T, A>::size; ++i) r = op(r, lanes[i]);
    return r;
}

template <class T, class A>
T reduce_min(const xsimd::batch<T, A>& b) noexcept {
    return reduce_lanes(b, [](T x, T y) { return y < x ? y : x; });
}
template <class T, class A>
T reduce_max(const xsimd::batch<T, A>& b) noexcept {
    return reduce_lanes(b, [](T x, T y) { return x < y ? y : x; });
}

// The architecture a name was compiled for: "avx512bw", "fma3+avx2", "sse2"...
template <class Arch = default_arch>
constexpr const char* arch_name() noexcept {
    return Arch::name();
}

}  // namespace tessera::simd
