// tessera/kernels/detail/reduce_impl.hpp — the xsimd functors behind reduce.hpp.
//
// Each kernel is a functor `template <class Arch, class T> R operator()(Arch,
// const T*, std::size_t, ...) const`: raw pointers in, a value out, so that the
// same body is compiled for the build's own ISA (exec::simd / exec::par) and,
// through explicit instantiations in per-ISA translation units, for the runtime
// dispatcher (kernels/dispatch.hpp). The operators are defined out of class and
// not `inline`: an `extern template` declaration then really stops a TU that
// lacks the ISA's flags from instantiating (and failing to compile) the body.
//
// Every helper a body calls is a template on `Arch`, so a per-ISA TU emits no
// ISA-independent weak symbol that the linker could pick for the whole program
// (the classic -m-flags ODR trap: an AVX-512 copy of a shared inline function).
//
// float inputs are summed in double inside the loop (numpy sums float32 in
// float32 with pairwise blocks; we widen instead, which is both simpler and
// more accurate). Loops keep several independent accumulators, unaligned loads
// and a scalar tail, so any start address and length is valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <tessera/kernels/detail/simd.hpp>

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#include <immintrin.h>
#define TESSERA_KERNELS_X86 1
#else
#define TESSERA_KERNELS_X86 0
#endif

namespace tessera::kernels::detail {

// Result of nansum_fn: the sum and the number of non-NaN values it contains.
struct nan_sum {
    double sum = 0.0;
    std::uint64_t count = 0;
};

// Result of extremum_fn: the min (or max) over the non-NaN values, whether a
// NaN was seen and whether any non-NaN value exists. `value` is +inf (-inf for
// max) when there is no non-NaN value.
template <class T>
struct extremum {
    T value;
    bool any_nan;
    bool any_valid;
};

template <class T, bool IsMax>
constexpr T extremum_identity() noexcept {
    return IsMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
}

// Loads simd::width<double, A> consecutive values from p, converted to double.
// xsimd 8.1's converting load goes through a stack buffer; the intrinsics below
// are one cvtps2pd. GCC and Clang declare every intrinsic whatever the -m flags,
// and a branch is instantiated only for an arch that has the instructions.
template <class A, class T>
simd::batch<double, A> load_as_double(const T* p) noexcept {
    if constexpr (std::is_same_v<T, double>) {
        return simd::batch<double, A>::load_unaligned(p);
#if TESSERA_KERNELS_X86
    } else if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        // maskz: the plain form passes _mm512_undefined_pd(), which GCC 12.2
        // reports as uninitialized (GCC bug 105593) in every including TU.
        return _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p));
    } else if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        return _mm256_cvtps_pd(_mm_loadu_ps(p));
    } else if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        return _mm_cvtps_pd(
            _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
#endif
    } else {
        return simd::batch<double, A>::load_unaligned(p);
    }
}

// Sum of the lanes, through memory: xsimd 8.1's hadd on AVX-512 trips the same
// GCC 12.2 warning, and this runs once per call, outside the hot loop.
template <class A>
double sum_lanes(const simd::batch<double, A>& b) noexcept {
    constexpr std::size_t W = simd::batch<double, A>::size;
    alignas(A::alignment()) double lanes[W];
    b.store_aligned(lanes);
    for (std::size_t step = 1; step < W; step *= 2)
        for (std::size_t i = 0; i + step < W; i += 2 * step) lanes[i] += lanes[i + step];
    return lanes[0];
}

// Lanes that are not NaN (x == x is false only for NaN). Never test NaN with a
// batch `v != v`: xsimd 8.1 compiles it to an *ordered* compare on AVX and
// AVX-512 (_CMP_NEQ_OQ), which is false for NaN, while SSE2's is true. Use
// xsimd::isnan for NaN lanes.
template <class A, class V>
auto not_nan(const V& v) noexcept {
    return v == v;
}

// ---- sum / nansum ----------------------------------------------------------------

template <bool SkipNan>
struct sum_fn_t {
    using result_type = std::conditional_t<SkipNan, nan_sum, double>;
    template <class Arch, class T>
    result_type operator()(Arch, const T* x, std::size_t n) const;
};
using sum_fn = sum_fn_t<false>;
using nansum_fn = sum_fn_t<true>;

template <bool SkipNan>
template <class Arch, class T>
typename sum_fn_t<SkipNan>::result_type sum_fn_t<SkipNan>::operator()(Arch, const T* x,
                                                                     std::size_t n) const {
    using D = simd::batch<double, Arch>;
    constexpr std::size_t W = D::size;
    const D zero(0.0), one(1.0);
    D s[4] = {zero, zero, zero, zero};
    D c[4] = {zero, zero, zero, zero};  // non-NaN counts (exact in double below 2^53)
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        for (std::size_t k = 0; k < 4; ++k) {
            const D v = load_as_double<Arch>(x + i + k * W);
            if constexpr (SkipNan) {
                const auto ok = not_nan<Arch>(v);
                s[k] += xsimd::select(ok, v, zero);
                c[k] += xsimd::select(ok, one, zero);
            } else {
                s[k] += v;
            }
        }
    }
    for (; i + W <= n; i += W) {
        const D v = load_as_double<Arch>(x + i);
        if constexpr (SkipNan) {
            const auto ok = not_nan<Arch>(v);
            s[0] += xsimd::select(ok, v, zero);
            c[0] += xsimd::select(ok, one, zero);
        } else {
            s[0] += v;
        }
    }
    double total = sum_lanes<Arch>((s[0] + s[1]) + (s[2] + s[3]));
    if constexpr (SkipNan) {
        double cnt = sum_lanes<Arch>((c[0] + c[1]) + (c[2] + c[3]));
        for (; i < n; ++i) {
            const double v = static_cast<double>(x[i]);
            if (v == v) {
                total += v;
                cnt += 1.0;
            }
        }
        return {total, static_cast<std::uint64_t>(cnt)};
    } else {
        for (; i < n; ++i) total += static_cast<double>(x[i]);
        return total;
    }
}

// ---- dot ---------------------------------------------------------------------------

struct dot_fn {
    template <class Arch, class T>
    double operator()(Arch, const T* x, const T* y, std::size_t n) const;
};

template <class Arch, class T>
double dot_fn::operator()(Arch, const T* x, const T* y, std::size_t n) const {
    using D = simd::batch<double, Arch>;
    constexpr std::size_t W = D::size;
    D s[4] = {D(0.0), D(0.0), D(0.0), D(0.0)};
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t j = i + k * W;
            s[k] = xsimd::fma(load_as_double<Arch>(x + j), load_as_double<Arch>(y + j), s[k]);
        }
    }
    for (; i + W <= n; i += W)
        s[0] = xsimd::fma(load_as_double<Arch>(x + i), load_as_double<Arch>(y + i), s[0]);
    double total = sum_lanes<Arch>((s[0] + s[1]) + (s[2] + s[3]));
    for (; i < n; ++i) total += static_cast<double>(x[i]) * static_cast<double>(y[i]);
    return total;
}

// ---- axpy --------------------------------------------------------------------------

// y = a * x + y in T (BLAS saxpy/daxpy); fused where the ISA has FMA.
struct axpy_fn {
    template <class Arch, class T>
    void operator()(Arch, T a, const T* x, T* y, std::size_t n) const;
};

template <class Arch, class T>
void axpy_fn::operator()(Arch, T a, const T* x, T* y, std::size_t n) const {
    using B = simd::batch<T, Arch>;
    constexpr std::size_t W = B::size;
    const B av(a);
    std::size_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        const B r0 = xsimd::fma(av, B::load_unaligned(x + i), B::load_unaligned(y + i));
        const B r1 = xsimd::fma(av, B::load_unaligned(x + i + W), B::load_unaligned(y + i + W));
        r0.store_unaligned(y + i);
        r1.store_unaligned(y + i + W);
    }
    for (; i + W <= n; i += W)
        xsimd::fma(av, B::load_unaligned(x + i), B::load_unaligned(y + i)).store_unaligned(y + i);
    for (; i < n; ++i) y[i] = a * x[i] + y[i];
}

// ---- min / max ---------------------------------------------------------------------

// The min (IsMax = false) or max over the non-NaN values, plus NaN flags: one
// pass serves min, nanmin, argmin and nanargmin. A comparison with NaN is false,
// so `select(v < acc, v, acc)` skips NaN without a branch.
template <bool IsMax>
struct extremum_fn {
    template <class Arch, class T>
    extremum<T> operator()(Arch, const T* x, std::size_t n) const;
};
using min_fn = extremum_fn<false>;
using max_fn = extremum_fn<true>;

template <bool IsMax, class A, class V>
auto better(const V& candidate, const V& incumbent) noexcept {
    if constexpr (IsMax) {
        return candidate > incumbent;
    } else {
        return candidate < incumbent;
    }
}

template <bool IsMax>
template <class Arch, class T>
extremum<T> extremum_fn<IsMax>::operator()(Arch, const T* x, std::size_t n) const {
    using B = simd::batch<T, Arch>;
    using M = simd::batch_bool<T, Arch>;
    constexpr std::size_t W = B::size;
    constexpr T init = extremum_identity<T, IsMax>();
    B acc[4] = {B(init), B(init), B(init), B(init)};
    M nan[4] = {M(false), M(false), M(false), M(false)};
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        for (std::size_t k = 0; k < 4; ++k) {
            const B v = B::load_unaligned(x + i + k * W);
            acc[k] = xsimd::select(better<IsMax, Arch>(v, acc[k]), v, acc[k]);
            nan[k] = nan[k] | xsimd::isnan(v);
        }
    }
    for (; i + W <= n; i += W) {
        const B v = B::load_unaligned(x + i);
        acc[0] = xsimd::select(better<IsMax, Arch>(v, acc[0]), v, acc[0]);
        nan[0] = nan[0] | xsimd::isnan(v);
    }
    for (std::size_t k = 1; k < 4; ++k)
        acc[0] = xsimd::select(better<IsMax, Arch>(acc[k], acc[0]), acc[k], acc[0]);
    extremum<T> r{IsMax ? simd::reduce_max(acc[0]) : simd::reduce_min(acc[0]),
                  xsimd::any((nan[0] | nan[1]) | (nan[2] | nan[3])), false};
    for (; i < n; ++i) {
        const T v = x[i];
        if (v != v)
            r.any_nan = true;
        else if (better<IsMax, Arch>(v, r.value))
            r.value = v;
    }
    // `value` still at the identity means every value was NaN or +-inf; only
    // then is a second look needed to tell the two apart.
    r.any_valid = r.value != init;
    for (std::size_t j = 0; !r.any_valid && j < n; ++j) r.any_valid = x[j] == x[j];
    return r;
}

// ---- find ----------------------------------------------------------------------------

// Index of the first element equal to `value` (the first NaN when `value` is
// NaN), or n when there is none. Stops at the first hit.
struct find_fn {
    template <class Arch, class T>
    std::size_t operator()(Arch, const T* x, std::size_t n, T value) const;
};

template <class Arch, class B>
auto find_hits(const B& v, const B& target, bool want_nan) noexcept {
    return want_nan ? xsimd::isnan(v) : (v == target);
}

template <class Arch, class T>
std::size_t find_fn::operator()(Arch, const T* x, std::size_t n, T value) const {
    using B = simd::batch<T, Arch>;
    constexpr std::size_t W = B::size;
    const bool want_nan = value != value;
    const B target(value);
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        const auto hit = (find_hits<Arch>(B::load_unaligned(x + i), target, want_nan) |
                          find_hits<Arch>(B::load_unaligned(x + i + W), target, want_nan)) |
                         (find_hits<Arch>(B::load_unaligned(x + i + 2 * W), target, want_nan) |
                          find_hits<Arch>(B::load_unaligned(x + i + 3 * W), target, want_nan));
        if (xsimd::any(hit)) break;
    }
    for (; i < n; ++i)
        if (want_nan ? x[i] != x[i] : x[i] == value) return i;
    return n;
}

}  // namespace tessera::kernels::detail
