// tessera/kernels/detail/gemm_pack.hpp — packing op(A) and op(B) into the panels
// the SGEMM micro-kernel reads (see gemm_driver.hpp).
//
// Two of the four packings copy contiguous runs (op(A) = A^T, op(B) = B); the
// other two transpose: op(A) = A interleaves MR rows by k, op(B) = B^T
// interleaves NR rows of the stored N x K matrix. On AVX-512 those run as 16 x 16
// register transposes (the classic unpack / shuffle / 128-bit-lane shuffle
// network, 64 shuffles per 256 floats); elsewhere, and for partial panels and
// the last K % 16 columns, as scalar loops. Packing only moves values, so the
// path taken never changes a result.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include <tessera/kernels/detail/gemm_activation.hpp>
#include <tessera/kernels/detail/simd.hpp>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

// GCC 12 reports the _mm512_undefined_* operands inside xsimd 8.1's AVX-512
// exp/erf/tanh/hadd as (maybe-)uninitialized (GCC bug 105593, a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace tessera::kernels::detail::gemm {

template <class Arch>
inline constexpr bool has_avx512_transpose =
#if defined(__AVX512F__)
    std::is_base_of_v<xsimd::avx512f, Arch>;
#else
    false;
#endif

#if defined(__AVX512F__)
// Transposes the 16 x 16 block whose row r starts at src[r] (rows with
// src[r] == nullptr read as zeros), k0 .. k0+15 of each row, and hands row q
// of the transpose (column k0+q) to put(q, vector).
template <class Put>
[[gnu::always_inline]] inline void transpose16(const float* const* src, std::size_t k0, Put&& put) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = src[i] ? _mm512_loadu_ps(src[i] + k0) : _mm512_setzero_ps();
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int h = 0; h < 16; h += 8)
        for (int i = 0; i < 4; ++i) {
            t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xDD);
        }
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
    }
    for (int q = 0; q < 16; ++q) put(q, r[q]);
}
#endif

// K rows of R floats from rows of `count` contiguous floats, ld apart: the two
// packings that need no transpose. Zero past count.
template <std::size_t R>
void copy_panel(std::size_t K, const float* src, std::size_t ld, std::size_t count, float* dst) {
    for (std::size_t k = 0; k < K; ++k) {
        const float* s = src + k * ld;
        float* d = dst + k * R;
        if (count == R) {  // constant size: inlined vector moves (copy_n was a memmove call)
            std::memcpy(d, s, R * sizeof(float));
            continue;
        }
        for (std::size_t j = 0; j < count; ++j) d[j] = s[j];
        for (std::size_t j = count; j < R; ++j) d[j] = 0.0f;
    }
}

// Column panels [p0, p1) of op(B): panel p holds columns [p*NR, p*NR + NR) as K
// rows of NR floats, zero past N.
template <class Arch, std::size_t NR>
void pack_b(transpose tb, std::size_t K, std::size_t N, const float* B, std::size_t ldb,
            std::size_t p0, std::size_t p1, float* Bp) {
    for (std::size_t p = p0; p < p1; ++p) {
        const std::size_t j0 = p * NR;
        const std::size_t nj = std::min(NR, N - j0);
        float* dst = Bp + p * K * NR;
        if (tb == transpose::no) {
            copy_panel<NR>(K, B + j0, ldb, nj, dst);
            continue;
        }
        std::size_t k_done = 0;
#if defined(__AVX512F__)
        if constexpr (has_avx512_transpose<Arch> && NR % 16 == 0) {
            k_done = K / 16 * 16;
            for (std::size_t jb = 0; jb < NR; jb += 16) {
                const float* rows[16];
                for (std::size_t j = 0; j < 16; ++j)
                    rows[j] = jb + j < nj ? B + (j0 + jb + j) * ldb : nullptr;
                for (std::size_t kb = 0; kb < k_done; kb += 16)
                    transpose16(rows, kb, [&](int q, __m512 v) {
                        _mm512_store_ps(dst + (kb + static_cast<std::size_t>(q)) * NR + jb, v);
                    });
            }
        }
#endif
        for (std::size_t j = 0; j < NR; ++j) {
            const float* src = B + (j0 + j) * ldb;
            for (std::size_t k = k_done; k < K; ++k) dst[k * NR + j] = j < nj ? src[k] : 0.0f;
        }
    }
}

// Row panels [p0, p1) of op(A): panel p holds rows [p*MR, p*MR + MR) as K
// columns of MR floats, zero past M, at Ap + (p - p0) K MR.
template <class Arch, std::size_t MR>
void pack_a(transpose ta, std::size_t M, std::size_t K, const float* A, std::size_t lda,
            std::size_t p0, std::size_t p1, float* Ap) {
    for (std::size_t p = p0; p < p1; ++p) {
        const std::size_t i0 = p * MR;
        const std::size_t mi = std::min(MR, M - i0);
        float* dst = Ap + (p - p0) * K * MR;
        if (ta == transpose::yes) {
            copy_panel<MR>(K, A + i0, lda, mi, dst);
            continue;
        }
        std::size_t k_done = 0;
#if defined(__AVX512F__)
        if constexpr (has_avx512_transpose<Arch> && MR <= 16) {
            k_done = K / 16 * 16;
            const float* rows[16];
            for (std::size_t i = 0; i < 16; ++i) rows[i] = i < mi ? A + (i0 + i) * lda : nullptr;
            constexpr __mmask16 keep = static_cast<__mmask16>((1u << MR) - 1u);
            for (std::size_t kb = 0; kb < k_done; kb += 16)
                transpose16(rows, kb, [&](int q, __m512 v) {
                    _mm512_mask_storeu_ps(dst + (kb + static_cast<std::size_t>(q)) * MR, keep, v);
                });
        }
#endif
        for (std::size_t k = k_done; k < K; ++k) {
            float* d = dst + k * MR;
            for (std::size_t i = 0; i < MR; ++i) d[i] = i < mi ? A[(i0 + i) * lda + k] : 0.0f;
        }
    }
}

}  // namespace tessera::kernels::detail::gemm

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
