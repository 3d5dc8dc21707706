// tessera/kernels/detail/gemm_driver.hpp — the fast SGEMM behind exec::simd and
// exec::par: GotoBLAS/BLIS structure (Goto & van de Geijn 2008; Van Zee & van
// de Geijn 2015), written over the xsimd architecture tag.
//
//   1. op(B) (K x N) is packed into column panels of NR = 2 vectors, K x NR each,
//      zero-padded past N; op(A) (M x K) into row panels of MR rows, K x MR each,
//      zero-padded past M. The transposed variants differ only in the packing.
//   2. C is cut into blocks of whole panels: row blocks of at most MC rows
//      (times column blocks only when there are fewer row blocks than
//      threads). One parallel region packs op(B) into a shared buffer, then
//      each block packs its own op(A) rows (into L2, just before it uses
//      them) and walks K in blocks of KC; for each K block, each TN-wide
//      column block and each MR-row micro-panel of A (kept in L1), it streams
//      the NR-column micro-panels of B (the KC x TN block stays in L2) through
//      the MR x NR register-blocked micro-kernel.
//   3. The micro-kernel keeps MR x 2 vector accumulators, adds
//      sum_k a[i,k] * b[k,j] in k order with one FMA per step, and writes the
//      tile once per K block: c = alpha*acc + beta*c on the first block,
//      c = alpha*acc + c on the others, and the epilogue act(c + bias[j]) on
//      the last. Edge tiles run the same (non-inlined) micro-kernel with rows
//      skipped and lanes masked (AVX-512) or on a padded copy of the C tile,
//      so every element of C is computed by the same sequence of operations
//      wherever it sits and whatever thread runs it: results are bitwise
//      identical for any thread count and any blocking of M and N.
//   4. M == 1 or N == 1 is a matrix-vector product: dot products along
//      contiguous rows, or FMAs along contiguous columns, never a padded panel.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <thread>
#include <type_traits>

#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/gemm_activation.hpp>
#include <tessera/kernels/detail/gemm_pack.hpp>
#include <tessera/kernels/detail/simd.hpp>

// GCC 12 reports the _mm512_undefined_* operands inside xsimd 8.1's AVX-512
// exp/erf/tanh/hadd as (maybe-)uninitialized (GCC bug 105593, a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace tessera::kernels::detail::gemm {

// ---- blocking ------------------------------------------------------------------

template <class Arch>
struct blocking {
    static constexpr std::size_t W = xsimd::batch<float, Arch>::size;
    static constexpr std::size_t NR = 2 * W;
    // MR x 2 accumulators + 2 B vectors + 1 broadcast must fit the register file:
    // 24 of 32 zmm on AVX-512, 12 of 16 ymm/xmm on AVX2/SSE.
    static constexpr std::size_t MR = W >= 16 ? 12 : 6;
    // A K block: an MR x KC micro-panel of A (KC*MR*4 bytes) lives in L1 while
    // the KC x TN block of B (at most KC*NC*4 bytes) lives in L2.
    static constexpr std::size_t KC = 384;
    static constexpr std::size_t NC = W >= 16 ? 512 : 256;
    static constexpr std::size_t MC = 16 * MR;
};

// Below these sizes exec::par stays on the calling thread (for the whole call,
// or for the packing); only where work runs changes, never a result.
inline constexpr std::size_t serial_macs = std::size_t{1} << 17;
inline constexpr std::size_t serial_pack = std::size_t{1} << 16;

constexpr std::size_t round_up(std::size_t x, std::size_t m) noexcept {
    return (x + m - 1) / m * m;
}
constexpr std::size_t div_up(std::size_t x, std::size_t m) noexcept { return (x + m - 1) / m; }

// ---- scratch memory: one growing, 64-byte aligned buffer per thread and slot ---

struct aligned_free {
    void operator()(float* p) const noexcept { std::free(p); }
};

inline float* scratch(int slot, std::size_t n) {
    struct buffer {
        std::unique_ptr<float, aligned_free> p;
        std::size_t cap = 0;
    };
    thread_local buffer bufs[3];
    buffer& b = bufs[slot];
    if (b.cap < n) {
        const std::size_t bytes = round_up(n * sizeof(float), 64);
        auto* p = static_cast<float*>(std::aligned_alloc(64, bytes));
        if (p == nullptr) throw std::bad_alloc();
        b.p.reset(p);
        b.cap = bytes / sizeof(float);
    }
    return b.p.get();
}

// ---- the micro-kernel ----------------------------------------------------------

// How a tile leaves the registers.
struct tile_store {
    float alpha;
    float beta;
    bool first;   // first K block: c = alpha*acc + beta*c (beta == 0: C not read)
    bool last;    // last K block: apply the epilogue
    epilogue ep;
    float slope;
    const float* bias;  // padded to the panel width, offset to the tile's column
};

template <class V>
V fma_(V a, V b, V c) noexcept {
    return xsimd::fma(a, b, c);
}
inline float fma_(float a, float b, float c) noexcept { return std::fma(a, b, c); }

// How alpha * acc meets the old C: 0 = first K block with beta == 0 (C not
// read), 1 = first block with beta != 0, 2 = a later block (add to C).
template <int Mode, class V>
V combine(V acc, V c_old, V alpha, V beta) noexcept {
    if constexpr (Mode == 0) {
        return alpha * acc;
    } else if constexpr (Mode == 1) {
        return fma_(alpha, acc, beta * c_old);
    } else {
        return fma_(alpha, acc, c_old);
    }
}

inline int combine_mode(const tile_store& st) noexcept {
    return !st.first ? 2 : st.beta == 0.0f ? 0 : 1;
}

// The one formula that takes an accumulated product to its final value
// (the micro-kernel runs the same steps with the branches hoisted).
template <class V>
V finish(V acc, V c_old, const V& bias, const tile_store& st) noexcept {
    const V al(st.alpha), be(st.beta);
    const int mode = combine_mode(st);
    V r = mode == 0 ? combine<0>(acc, c_old, al, be)
                    : mode == 1 ? combine<1>(acc, c_old, al, be) : combine<2>(acc, c_old, al, be);
    if (st.last && st.ep != epilogue::none) r = activate(st.ep, r + bias, st.slope);
    return r;
}

// Calls f(std::integral_constant<epilogue, E>) for the run-time ep, so the
// activation is a constant inside f.
template <class F>
void with_epilogue(epilogue ep, F&& f) {
    using E = epilogue;
    switch (ep) {
        case E::none: return f(std::integral_constant<E, E::none>{});
        case E::bias: return f(std::integral_constant<E, E::bias>{});
        case E::bias_relu: return f(std::integral_constant<E, E::bias_relu>{});
        case E::bias_leaky_relu: return f(std::integral_constant<E, E::bias_leaky_relu>{});
        case E::bias_gelu: return f(std::integral_constant<E, E::bias_gelu>{});
        case E::bias_tanh: return f(std::integral_constant<E, E::bias_tanh>{});
        case E::bias_sigmoid: return f(std::integral_constant<E, E::bias_sigmoid>{});
    }
}

// C tile (m <= MR rows, n <= NR columns at c, row stride ldc) from kc steps of
// packed A (a) and B (b). Not inlined: every tile runs the same instructions.
template <class Arch>
[[gnu::noinline]] void micro_kernel(std::size_t kc, const float* __restrict a,
                                    const float* __restrict b, float* c, std::size_t ldc,
                                    std::size_t m, std::size_t n, const tile_store& st) {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t W = blocking<Arch>::W;
    constexpr std::size_t MR = blocking<Arch>::MR;
    constexpr std::size_t NR = blocking<Arch>::NR;
    batch acc0[MR];
    batch acc1[MR];
#pragma GCC unroll 16
    for (std::size_t i = 0; i < MR; ++i) {
        acc0[i] = batch(0.0f);
        acc1[i] = batch(0.0f);
        // The C tile is written after kc steps: fetch its lines meanwhile.
        if (i < m && kc >= 32) {
            __builtin_prefetch(c + i * ldc, 1);
            __builtin_prefetch(c + i * ldc + NR - 1, 1);
        }
    }
    for (std::size_t k = 0; k < kc; ++k) {
        // B streams from L2 (its micro-panel is as large as L1): fetch 16 steps ahead.
        __builtin_prefetch(b + 16 * NR);
        __builtin_prefetch(b + 16 * NR + W);
        const batch b0 = batch::load_aligned(b);
        const batch b1 = batch::load_aligned(b + W);
#pragma GCC unroll 16
        for (std::size_t i = 0; i < MR; ++i) {
            const batch ai(a[i]);
            acc0[i] = xsimd::fma(ai, b0, acc0[i]);
            acc1[i] = xsimd::fma(ai, b1, acc1[i]);
        }
        a += MR;
        b += NR;
    }

    // The tile leaves the registers in two passes over (L1-resident) memory:
    // alpha/beta with the branch hoisted, then the epilogue with the activation
    // a constant. Lanes and rows never mix, so a partial tile (m < MR or
    // n < NR) sees exactly the arithmetic of a full one: its rows past m are
    // skipped, and its columns past n masked off on AVX-512 (full-width tiles
    // keep plain stores: masked ones that cross a cache line cost more) or,
    // elsewhere, handled on a zero-padded local copy.
    const int mode = combine_mode(st);
    const batch al(st.alpha), be(st.beta);
    auto store_tile = [&](float* dst, std::size_t ld, std::size_t rows, auto load, auto store) {
        auto combine_all = [&](auto mode_c) {
            constexpr int Mode = decltype(mode_c)::value;
#pragma GCC unroll 16
            for (std::size_t i = 0; i < MR; ++i) {
                if (i == rows) break;
                float* d = dst + i * ld;
                const batch c0 = Mode == 0 ? batch(0.0f) : load(d, 0);
                const batch c1 = Mode == 0 ? batch(0.0f) : load(d + W, 1);
                store(d, 0, combine<Mode>(acc0[i], c0, al, be));
                store(d + W, 1, combine<Mode>(acc1[i], c1, al, be));
            }
        };
        switch (mode) {
            case 0: combine_all(std::integral_constant<int, 0>{}); break;
            case 1: combine_all(std::integral_constant<int, 1>{}); break;
            default: combine_all(std::integral_constant<int, 2>{}); break;
        }
        if (st.last && st.ep != epilogue::none) {
            const batch bias0 = batch::load_unaligned(st.bias);
            const batch bias1 = batch::load_unaligned(st.bias + W);
            with_epilogue(st.ep, [&](auto e) {
                for (std::size_t i = 0; i < rows; ++i) {
                    float* d = dst + i * ld;
                    store(d, 0, activate(e.value, load(d, 0) + bias0, st.slope));
                    store(d + W, 1, activate(e.value, load(d + W, 1) + bias1, st.slope));
                }
            });
        }
    };
    auto load = [](const float* d, int) { return batch::load_unaligned(d); };
    auto store = [](float* d, int, const batch& v) { v.store_unaligned(d); };
    if (n == NR) return store_tile(c, ldc, m, load, store);  // rows past m skipped
#if defined(__AVX512F__)
    if constexpr (W == 16 && std::is_base_of_v<xsimd::avx512f, Arch>) {
        auto lanes = [](std::size_t k) { return static_cast<__mmask16>(k >= 16 ? 0xFFFFu : (1u << k) - 1u); };
        const __mmask16 mk[2] = {lanes(n), lanes(n > W ? n - W : 0)};
        store_tile(
            c, ldc, m, [&](const float* d, int h) { return batch(_mm512_maskz_loadu_ps(mk[h], d)); },
            [&](float* d, int h, const batch& v) { _mm512_mask_storeu_ps(d, mk[h], v); });
        return;
    }
#endif
    alignas(64) float tile[MR * NR];
    if (mode != 0)
        for (std::size_t i = 0; i < MR; ++i)
            for (std::size_t j = 0; j < NR; ++j) tile[i * NR + j] = i < m && j < n ? c[i * ldc + j] : 0.0f;
    store_tile(tile, NR, MR, load, store);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = tile[i * NR + j];
}

// ---- the driver ----------------------------------------------------------------

struct problem {
    transpose ta, tb;
    std::size_t M, N, K;
    float alpha;
    const float* A;
    std::size_t lda;
    const float* B;
    std::size_t ldb;
    float beta;
    float* C;
    std::size_t ldc;
    epilogue ep;
    const float* bias;
    float slope;
};

// Runs f(i) for i in [0, n) inline or on the pool; f writes disjoint outputs.
template <class Tag, class F>
void run_tasks(const Tag& tag, std::size_t n, F&& f) {
    if constexpr (requires { tag.threads; }) {
        exec::thread_pool::instance().run(tag.threads, n, f);
    } else {
        for (std::size_t i = 0; i < n; ++i) f(i);
    }
}

// C[r0:r1, c0:c1] (r0 a multiple of MR, c0 of NR) over all of K, from the
// packed panels of op(A) rows [r0, r1) at Ap (panel i at Ap + i K MR) and all
// of op(B) at Bp. Per TN-wide column block and K block, each MR-row micro-panel
// of A (L1) streams the block's NR-column micro-panels of B (L2).
template <class Arch>
void compute_block(const problem& pr, const float* Ap, const float* Bp, const float* bias_pad,
                   std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1) {
    using blk = blocking<Arch>;
    constexpr std::size_t MR = blk::MR;
    constexpr std::size_t NR = blk::NR;
    const std::size_t K = pr.K;
    const std::size_t nkb = div_up(K, blk::KC);
    const std::size_t kcb = div_up(K, nkb);  // equal K blocks, from K alone
    for (std::size_t cb = c0; cb < c1; cb += blk::NC) {
        const std::size_t ce = std::min(c1, cb + blk::NC);
        for (std::size_t pc = 0; pc < K; pc += kcb) {
            const std::size_t kc = std::min(kcb, K - pc);
            tile_store st{pr.alpha, pr.beta, pc == 0, pc + kc == K, pr.ep, pr.slope, nullptr};
            for (std::size_t ir = r0; ir < r1; ir += MR) {
                const float* a = Ap + ((ir - r0) / MR) * K * MR + pc * MR;
                const std::size_t m = std::min(MR, pr.M - ir);
                for (std::size_t jr = cb; jr < ce; jr += NR) {
                    const float* b = Bp + (jr / NR) * K * NR + pc * NR;
                    const std::size_t n = std::min(NR, pr.N - jr);
                    st.bias = bias_pad ? bias_pad + jr : nullptr;
                    micro_kernel<Arch>(kc, a, b, pr.C + ir * pr.ldc + jr, pr.ldc, m, n, st);
                }
            }
        }
    }
}

// ---- matrix-vector products (M == 1 or N == 1) ---------------------------------

// y[i * incy] for i in [0, L): alpha * sum_k X(i, k) v[k] + beta * y, then the
// epilogue with bias[i * bias_inc]. X(i, k) = X[i * ldx + k] when `dot`
// (rows contiguous along k), X[k * ldx + i] otherwise (columns contiguous).
struct gemv_problem {
    bool dot;
    std::size_t L, K;
    float alpha;
    const float* X;
    std::size_t ldx;
    const float* v;  // K floats, contiguous
    float beta;
    float* y;
    std::size_t incy;
    epilogue ep;
    const float* bias;
    std::size_t bias_inc;
    float slope;
};

// Writes output i from its accumulated product. `plain` (beta == 0, no
// epilogue: what finish() reduces to, alpha * acc) skips the general path.
inline void gemv_put(const gemv_problem& g, bool plain, std::size_t i, float acc) {
    float* yi = g.y + i * g.incy;
    if (plain) {
        *yi = g.alpha * acc;
        return;
    }
    tile_store st{g.alpha, g.beta, true, true, g.ep, g.slope, nullptr};
    const float b = g.bias ? g.bias[i * g.bias_inc] : 0.0f;
    *yi = finish(acc, g.beta == 0.0f ? 0.0f : *yi, b, st);
}

// Rows per group of the dot-product gemv (8 ran as fast; 4, with 4
// accumulators each, 12% slower).
inline constexpr std::size_t gemv_dot_rows = 16;

// The lane sums of the W vectors s[0 .. W) into out; row r's sum lands in
// out[lane[r]] (the returned table). On AVX-512 a transposed reduction (30
// shuffles and 15 adds for 16 rows) in place of 16 horizontal sums.
template <class Arch>
const std::size_t* reduce_rows(const xsimd::batch<float, Arch>* s, float* out) {
    constexpr std::size_t W = xsimd::batch<float, Arch>::size;
#if defined(__AVX512F__)
    if constexpr (W == 16 && std::is_base_of_v<xsimd::avx512f, Arch>) {
        // Halve 256-bit, 128-bit, 64-bit and 32-bit parts in turn, pairing rows
        // (r, r+8), (r, r+4), (r, r+2), (r, r+1): rows end in the lane order below.
        static constexpr std::size_t lane[16] = {0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15};
        __m512 u[8], w[4], x[2];
        for (int r = 0; r < 8; ++r)
            u[r] = _mm512_add_ps(_mm512_shuffle_f32x4(s[r], s[r + 8], 0x44), _mm512_shuffle_f32x4(s[r], s[r + 8], 0xEE));
        for (int r = 0; r < 4; ++r)
            w[r] = _mm512_add_ps(_mm512_shuffle_f32x4(u[r], u[r + 4], 0x88), _mm512_shuffle_f32x4(u[r], u[r + 4], 0xDD));
        for (int r = 0; r < 2; ++r)
            x[r] = _mm512_add_ps(_mm512_shuffle_ps(w[r], w[r + 2], 0x44), _mm512_shuffle_ps(w[r], w[r + 2], 0xEE));
        _mm512_storeu_ps(out, _mm512_add_ps(_mm512_shuffle_ps(x[0], x[1], 0x88), _mm512_shuffle_ps(x[0], x[1], 0xDD)));
        return lane;
    }
#endif
    static constexpr auto identity = [] {
        std::array<std::size_t, W> t{};
        for (std::size_t r = 0; r < W; ++r) t[r] = r;
        return t;
    }();
    for (std::size_t r = 0; r < W; ++r) out[r] = simd::reduce_add(s[r]);
    return identity.data();
}

// Outputs [i0, i1); each output's sum runs in the same order wherever it sits.
template <class Arch>
void gemv_range(const gemv_problem& g, std::size_t i0, std::size_t i1) {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t W = batch::size;
    const bool plain = g.beta == 0.0f && g.ep == epilogue::none;
    if (g.dot) {
        // R rows at a time, A = W / R accumulators each (A k-chunks of W in
        // flight per row): W independent FMA chains sharing the loads of v,
        // then one transposed reduction of the W accumulators and, per row, the
        // sum of its A lane sums in order. A row's place in its group is fixed
        // by its index (groups start at i0, a multiple of the chunk size), so
        // its sum runs in the same order whichever task computes it; rows past
        // i1 in a last, partial group repeat row i1 - 1 and are dropped.
        constexpr std::size_t R = gemv_dot_rows < W ? gemv_dot_rows : W, A = W / R;
        const std::size_t kv = g.K / (A * W) * (A * W);
        alignas(64) float sums[W];
        for (std::size_t i = i0; i < i1; i += R) {
            const float* x[R];
            batch s[W];  // s[r * A + a]: row r, chunks a, a + A, ...
            for (std::size_t r = 0; r < R; ++r) x[r] = g.X + std::min(i + r, i1 - 1) * g.ldx;
            for (std::size_t q = 0; q < W; ++q) s[q] = batch(0.0f);
            for (std::size_t k = 0; k < kv; k += A * W) {
#pragma GCC unroll 16
                for (std::size_t a = 0; a < A; ++a) {
                    const batch v = batch::load_unaligned(g.v + k + a * W);
#pragma GCC unroll 16
                    for (std::size_t r = 0; r < R; ++r)
                        s[r * A + a] = xsimd::fma(batch::load_unaligned(x[r] + k + a * W), v, s[r * A + a]);
                }
            }
            const std::size_t* lane = reduce_rows<Arch>(s, sums);
            for (std::size_t r = 0; r < std::min(R, i1 - i); ++r) {
                float acc = sums[lane[r * A]];
                for (std::size_t a = 1; a < A; ++a) acc += sums[lane[r * A + a]];
                for (std::size_t k = kv; k < g.K; ++k) acc = std::fma(x[r][k], g.v[k], acc);
                gemv_put(g, plain, i + r, acc);
            }
        }
        return;
    }
    // Strips of Q vectors, widest first: 16 reads whole 1 KiB rows of X in
    // order, 8 or more independent FMA chains cover the FMA latency (4) times
    // its 2 ports. Each output adds its K products in k order from zero, in
    // whichever strip width or in the scalar loop of the last < W outputs, so
    // its value does not depend on where it falls.
    alignas(64) float out[16 * W];
    auto strip = [&](auto q_c, std::size_t s0) {
        constexpr std::size_t Q = decltype(q_c)::value;
        batch a[Q];
        for (std::size_t q = 0; q < Q; ++q) a[q] = batch(0.0f);
        for (std::size_t k = 0; k < g.K; ++k) {
            const float* x = g.X + k * g.ldx + s0;
            const batch vk(g.v[k]);
#pragma GCC unroll 16
            for (std::size_t q = 0; q < Q; ++q) a[q] = xsimd::fma(batch::load_unaligned(x + q * W), vk, a[q]);
        }
        for (std::size_t q = 0; q < Q; ++q) a[q].store_aligned(out + q * W);
        for (std::size_t j = 0; j < Q * W; ++j) gemv_put(g, plain, s0 + j, out[j]);
        return s0 + Q * W;
    };
    std::size_t s0 = i0;
    while (i1 - s0 >= 16 * W) s0 = strip(std::integral_constant<std::size_t, 16>{}, s0);
    if (i1 - s0 >= 8 * W) s0 = strip(std::integral_constant<std::size_t, 8>{}, s0);
    while (i1 - s0 >= W) s0 = strip(std::integral_constant<std::size_t, 1>{}, s0);
    const std::size_t ns = i1 - s0;
    if (ns == 0) return;
    for (std::size_t j = 0; j < ns; ++j) out[j] = 0.0f;
    for (std::size_t k = 0; k < g.K; ++k) {
        const float* x = g.X + k * g.ldx + s0;
        for (std::size_t j = 0; j < ns; ++j) out[j] = std::fma(x[j], g.v[k], out[j]);
    }
    for (std::size_t j = 0; j < ns; ++j) gemv_put(g, plain, s0 + j, out[j]);
}

template <class Arch, class Tag>
void gemv(const Tag& tag, const gemv_problem& g) {
    // Chunks of outputs sized from L and K only; each output is one task's.
    constexpr std::size_t unit = 16 * xsimd::batch<float, Arch>::size;
    const std::size_t per = std::max<std::size_t>(unit, round_up(std::size_t{1} << 15, unit) / std::max<std::size_t>(g.K, 1) / unit * unit);
    const std::size_t n = div_up(g.L, per);
    run_tasks(tag, n, [&](std::size_t t) { gemv_range<Arch>(g, t * per, std::min(g.L, (t + 1) * per)); });
}

// ---- entry ---------------------------------------------------------------------

template <class Arch, class Tag>
void sgemm_fast(const Tag& tag, const problem& pr) {
    using blk = blocking<Arch>;
    constexpr std::size_t MR = blk::MR;
    constexpr std::size_t NR = blk::NR;
    const std::size_t M = pr.M, N = pr.N, K = pr.K;
    if constexpr (requires { tag.threads; }) {
        // A few microseconds of work: waking the pool would cost more.
        if (M * N * K <= serial_macs) return sgemm_fast<Arch>(exec::serial_tag<true>{}, pr);
    }

    if (N == 1 || M == 1) {
        gemv_problem g{};
        const bool col = N == 1;  // outputs are C's column 0 (else its row 0)
        const transpose tx = col ? pr.ta : pr.tb;
        const transpose tv = col ? pr.tb : pr.ta;
        float* v = scratch(2, K);
        // v[k] = op(B)[k][0] (col) or op(A)[0][k] (row)
        const float* src = col ? pr.B : pr.A;
        const std::size_t ld = col ? pr.ldb : pr.lda;
        const bool strided = col ? tv == transpose::no : tv == transpose::yes;
        for (std::size_t k = 0; k < K; ++k) v[k] = strided ? src[k * ld] : src[k];
        g.dot = col ? tx == transpose::no : tx == transpose::yes;
        g.L = col ? M : N;
        g.K = K;
        g.alpha = pr.alpha;
        g.X = col ? pr.A : pr.B;
        g.ldx = col ? pr.lda : pr.ldb;
        g.v = v;
        g.beta = pr.beta;
        g.y = pr.C;
        g.incy = col ? pr.ldc : 1;
        g.ep = pr.ep;
        g.bias = pr.ep == epilogue::none ? nullptr : pr.bias;
        g.bias_inc = col ? 0 : 1;
        g.slope = pr.slope;
        gemv<Arch>(tag, g);
        return;
    }

    // One parallel region: tasks [0, nbt) pack groups of op(B)'s panels into a
    // shared buffer; each later task packs the op(A) panels of its row block
    // into its thread's own buffer (they stay in L2 for its products), waits
    // until op(B) is packed, then computes its block of C. The pool hands out
    // task indices in increasing order (and the inline paths run them in
    // order), so every packing task has been claimed by a running thread
    // before any task waits for it: the wait cannot deadlock. Which thread
    // runs which block never changes a result (K blocks depend on K alone).
    const std::size_t pa = div_up(M, MR), pb = div_up(N, NR);
    float* Bp = scratch(1, pb * K * NR + round_up(N, NR));
    float* bias_pad = nullptr;
    if (pr.ep != epilogue::none) {
        bias_pad = Bp + pb * K * NR;
        std::memcpy(bias_pad, pr.bias, N * sizeof(float));
        for (std::size_t j = N; j < pb * NR; ++j) bias_pad[j] = 0.0f;
    }
    // op(B) in groups of about 64 KiB of output; a small op(B) in one task.
    const std::size_t gb = K * (M + N) <= serial_pack ? pb : std::max<std::size_t>(1, (std::size_t{1} << 14) / (K * NR));
    const std::size_t nbt = div_up(pb, gb);

    // Blocks of C: R row blocks of whole MR-panels (at most MC rows, as equal
    // as the panels allow; with T threads at least 2T and a multiple of T)
    // times S column blocks of whole NR-panels. A row block's op(A) panels are
    // packed once per column block, so columns are split only when there are
    // fewer row blocks than threads.
    unsigned threads = 1;
    if constexpr (requires { tag.threads; })
        threads = tag.threads == 0 ? exec::thread_pool::hardware_threads() : tag.threads;
    constexpr std::size_t mc_panels = blk::MC / MR;
    std::size_t R = div_up(pa, mc_panels);
    if (threads > 1) R = std::min(pa, round_up(std::max<std::size_t>(R, 2 * threads), threads));
    const std::size_t S = R >= threads ? 1 : std::min(pb, div_up(threads, R));
    std::atomic<std::size_t> packed{0};
    auto task = [&](std::size_t t) {
        if (t < nbt) {
            pack_b<Arch, NR>(pr.tb, K, N, pr.B, pr.ldb, t * gb, std::min(pb, (t + 1) * gb), Bp);
            packed.fetch_add(1, std::memory_order_release);
            return;
        }
        t -= nbt;
        const std::size_t r = t / S, s = t % S;
        const std::size_t p0 = r * pa / R, p1 = (r + 1) * pa / R;  // A panels
        const std::size_t q0 = s * pb / S, q1 = (s + 1) * pb / S;  // B panels
        float* Ap = scratch(0, (p1 - p0) * K * MR);
        pack_a<Arch, MR>(pr.ta, M, K, pr.A, pr.lda, p0, p1, Ap);
        for (unsigned spins = 0; packed.load(std::memory_order_acquire) != nbt; ++spins) {
            if (spins < 4096) exec::detail::cpu_relax();
            else std::this_thread::yield();
        }
        compute_block<Arch>(pr, Ap, Bp, bias_pad, p0 * MR, std::min(M, p1 * MR), q0 * NR,
                            std::min(N, q1 * NR));
    };
    run_tasks(tag, nbt + R * S, task);
}

}  // namespace tessera::kernels::detail::gemm

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
