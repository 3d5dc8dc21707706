// tessera/features/detail/shifted_moments.hpp — the fast (simd / par) fit of
// standard_scaler and the simple_imputer's mean: per-column count, mean and M2
// of one chunk of rows in ONE read, at memory speed.
//
// Per chunk and column, a shift K (the column's first finite value in the
// chunk) is subtracted in double and the sums S = sum(x - K), Q = sum((x - K)^2)
// and the count n are accumulated; then mean = K + S / n and M2 = Q - S^2 / n.
// Because K is one of the chunk's values, (K - mean)^2 <= M2, so Q <= (n + 1) M2
// and the cancellation in Q - S^2/n costs at most a factor n + 1 in the worst
// case (about 2 in practice: K is typically within a standard deviation of the
// mean). The sums are two-level (blocks of about 64 rows, then the chunk), so
// the summation error is about (64 + blocks) eps relative. Chunks are then
// Chan-merged in chunk order by the caller.
//
// The chunk is read as a flat array: with L lanes of double, the columns repeat
// every P = lcm(cols, L) elements, so every vector is full and position j of a
// period always belongs to column j % cols; per position there is one
// accumulator lane. A block is summed without NaN checks (cvt, sub, add, fma
// per element); if its sums come out non-finite it is summed again with a
// mask and per-position counts, so NaN (skipped) and infinity (propagated, as
// in exec::seq) are handled exactly like the reference at a cost paid only by
// blocks that hold them. The loop asks for the data 16 KiB ahead
// (kernels/detail/stream_store.hpp's prefetch_ahead): with the hardware
// prefetcher alone the read ran at ~60% of the read-only bandwidth, because
// the arithmetic keeps too few cache misses in flight.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <type_traits>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <tessera/kernels/detail/stream_store.hpp>

namespace tessera::features::detail {

#if defined(__AVX512F__)
inline constexpr std::size_t wide_lanes = 8;
#else
inline constexpr std::size_t wide_lanes = 4;
#endif
using wide_d = double __attribute__((vector_size(wide_lanes * sizeof(double))));
using wide_l = std::int64_t __attribute__((vector_size(wide_lanes * sizeof(double))));
using wide_f = float __attribute__((vector_size(wide_lanes * sizeof(float))));

// L values of T at p (any alignment) widened to double. Vectors travel by
// reference only, so no function has a vector in its ABI.
template <class T>
inline void load_wide(const T* p, wide_d& out) noexcept {
    if constexpr (std::is_same_v<T, double>) {
        std::memcpy(&out, p, sizeof out);
    } else {
#if defined(__AVX512F__)
        // One vcvtps2pd zmm, m256 (GCC lowers the generic conversion to two
        // halves plus an extract and an insert: a third more shuffle-port work).
        // The all-ones maskz form compiles to the same instruction without
        // _mm512_cvtps_pd's undefined operand (GCC 12's false -Wmaybe-uninitialized).
        out = reinterpret_cast<wide_d>(_mm512_maskz_cvtps_pd(__mmask8(0xFF), _mm256_loadu_ps(p)));
#else
        wide_f f;
        std::memcpy(&f, p, sizeof f);
        out = __builtin_convertvector(f, wide_d);
#endif
    }
}

// Sums over `periods` periods (stride P elements) of the K vectors at x:
// s[k] += sum(d), q[k] += sum(d * d), with d = x - shift[k]; Masked also skips
// NaN and counts the rest in c[k]. Returns false when a sum is not finite.
template <std::size_t K, bool Masked, class T>
bool group_sums(const T* x, std::size_t periods, std::size_t P, const double* shift, double* s,
                double* q, double* c) noexcept {
    constexpr std::size_t L = wide_lanes;
    wide_d sh[K], as[K], aq[K], ac[K];
    const wide_d zero = {}, one = zero + 1.0;
    // The k loops are unrolled whatever the optimisation level, so the 3K
    // accumulators live in registers (at -O2, g++ 12 kept them in memory: a
    // load-add-store chain per vector, 1.5x the arithmetic time).
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k) {
        std::memcpy(&sh[k], shift + k * L, sizeof(wide_d));
        as[k] = aq[k] = ac[k] = zero;
    }
    for (std::size_t p = 0; p < periods; ++p) {
        const T* row = x + p * P;
        kernels::detail::prefetch_range_ahead(row, K * L * sizeof(T));
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) {
            wide_d v;
            load_wide(row + k * L, v);
            wide_d d = v - sh[k];
            if constexpr (Masked) {
                const wide_l ok = v == v;  // all ones except at NaN
                d = reinterpret_cast<wide_d>(reinterpret_cast<wide_l>(d) & ok);
                ac[k] += reinterpret_cast<wide_d>(reinterpret_cast<wide_l>(one) & ok);
            }
            as[k] += d;
            aq[k] += d * d;
        }
    }
    wide_d check = zero;  // NaN in a lane iff some sum there is NaN or infinite
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k) {
        check += as[k] * 0.0 + aq[k] * 0.0;
        std::memcpy(s + k * L, &as[k], sizeof(wide_d));
        std::memcpy(q + k * L, &aq[k], sizeof(wide_d));
        if constexpr (Masked) std::memcpy(c + k * L, &ac[k], sizeof(wide_d));
    }
    bool finite = true;
    for (std::size_t l = 0; l < L; ++l) finite = finite && check[l] == 0.0;
    return finite;
}

// All NV vectors of a period, in groups of up to 8 (accumulators stay in registers).
template <bool Masked, class T>
bool period_sums(const T* x, std::size_t periods, std::size_t P, const double* shift, double* s,
                 double* q, double* c) noexcept {
    constexpr std::size_t L = wide_lanes;
    const std::size_t nv = P / L;
    bool finite = true;
    for (std::size_t g = 0; g < nv; g += 8) {
        const std::size_t o = g * L;
        const auto run = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
            return group_sums<K, Masked>(x + o, periods, P, shift + o, s + o, q + o,
                                         Masked ? c + o : nullptr);
        };
        using std::integral_constant;
        bool ok = true;
        switch (std::min<std::size_t>(nv - g, 8)) {
            case 1: ok = run(integral_constant<std::size_t, 1>{}); break;
            case 2: ok = run(integral_constant<std::size_t, 2>{}); break;
            case 3: ok = run(integral_constant<std::size_t, 3>{}); break;
            case 4: ok = run(integral_constant<std::size_t, 4>{}); break;
            case 5: ok = run(integral_constant<std::size_t, 5>{}); break;
            case 6: ok = run(integral_constant<std::size_t, 6>{}); break;
            case 7: ok = run(integral_constant<std::size_t, 7>{}); break;
            default: ok = run(integral_constant<std::size_t, 8>{}); break;
        }
        finite = finite && ok;
    }
    return finite;
}

// Count, mean and M2 per column of the rows x cols row-major chunk at x
// (leading dimension cols); columns with no non-NaN value get count 0.
template <class T>
void shifted_chunk_moments(const T* x, std::size_t rows, std::size_t cols, double* count,
                           double* mean, double* m2) {
    constexpr std::size_t L = wide_lanes;
    const std::size_t P = std::lcm(cols, L);
    // One zeroed allocation per chunk for every work array (a chunk is ~64 K
    // values, so a dozen separate vectors cost a few percent of the fit).
    std::vector<double> work(5 * cols + 7 * P, 0.0);
    double* const shift = work.data();  // per column: first finite value (0 if none)
    double* const found = shift + cols;
    double* const n = found + cols;
    double* const S = n + cols;
    double* const Q = S + cols;
    {
        std::size_t missing = cols;
        for (std::size_t r = 0; r < rows && missing > 0; ++r)
            for (std::size_t c = 0; c < cols; ++c) {
                const double v = static_cast<double>(x[r * cols + c]);
                if (found[c] == 0.0 && std::isfinite(v)) {
                    shift[c] = v;
                    found[c] = 1.0;
                    --missing;
                }
            }
    }
    const std::size_t rows_per_period = P / cols;
    const std::size_t periods = rows / rows_per_period;
    if (periods > 0) {
        // Per position of a period: the tiled shift, the chunk's sums and counts,
        // one block's sums and counts.
        double* const tile = Q + cols;
        double* const acc_s = tile + P;
        double* const acc_q = acc_s + P;
        double* const acc_c = acc_q + P;
        double* const bs = acc_c + P;
        double* const bq = bs + P;
        double* const bc = bq + P;
        for (std::size_t j = 0; j < P; ++j) tile[j] = shift[j % cols];
        const std::size_t block = std::max<std::size_t>(1, 64 / rows_per_period);
        double clean = 0.0;  // periods summed without a mask: every position counts them
        for (std::size_t b0 = 0; b0 < periods; b0 += block) {
            const std::size_t nb = std::min(block, periods - b0);
            const T* blk = x + b0 * P;
            if (period_sums<false>(blk, nb, P, tile, bs, bq, nullptr)) {
                clean += static_cast<double>(nb);
            } else {
                period_sums<true>(blk, nb, P, tile, bs, bq, bc);
                for (std::size_t j = 0; j < P; ++j) acc_c[j] += bc[j];
            }
            for (std::size_t j = 0; j < P; ++j) {
                acc_s[j] += bs[j];
                acc_q[j] += bq[j];
            }
        }
        for (std::size_t j = 0; j < P; ++j) {
            const std::size_t c = j % cols;
            n[c] += acc_c[j] + clean;
            S[c] += acc_s[j];
            Q[c] += acc_q[j];
        }
    }
    // The rows after the last whole period.
    for (std::size_t r = periods * rows_per_period; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            const double v = static_cast<double>(x[r * cols + c]);
            if (v != v) continue;
            const double d = v - shift[c];
            n[c] += 1.0;
            S[c] += d;
            Q[c] += d * d;
        }
    for (std::size_t c = 0; c < cols; ++c) {
        count[c] = n[c];
        mean[c] = n[c] > 0.0 ? shift[c] + S[c] / n[c] : 0.0;
        m2[c] = n[c] > 0.0 ? Q[c] - S[c] * (S[c] / n[c]) : 0.0;
    }
}

}  // namespace tessera::features::detail
