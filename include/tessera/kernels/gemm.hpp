// tessera/kernels/gemm.hpp — single-precision GEMM with fused epilogues, and the
// element-wise kernels of a dense layer's backward pass.
//
// Row-major throughout. sgemm computes
//
//     C (M x N, row stride ldc) = alpha * op(A) (M x K) * op(B) (K x N) + beta * C
//
// then, per element, the epilogue c = act(c + bias[j]) (bias of length N; may be
// nullptr when ep == epilogue::none). op(X) = X or X^T: with transpose::no, A is
// stored M x K (lda >= K), with transpose::yes it is stored K x M (lda >= M);
// likewise B (K x N, ldb >= N / N x K, ldb >= K). BLAS conventions: beta == 0
// means C is write-only (a NaN in C does not propagate); alpha == 0 or K == 0
// means A and B are not read (C = beta * C, then the epilogue).
//
// Backward pass of a layer Y = act(X W^T + b) (X batch x in, W out x in):
//     dZ  = dY * act'(S)           epilogue_backward (one pass; also writes db)
//     db  = column sums of dZ      (the same pass)
//     dW  = dZ^T X                 sgemm(yes, no, out, in, batch, ...)
//     dX  = dZ W                   sgemm(no, no, batch, in, out, ...)
// dZ feeds two GEMMs, so it is materialised once by a fused element-wise kernel
// rather than recomputed inside both GEMMs' packing. S is the saved tensor that
// grad_source_of(ep) names: the forward output Y for relu, leaky_relu, tanh and
// sigmoid (what the fused forward GEMM wrote), the pre-activation Z = X W^T + b for
// GELU (run the GEMM with epilogue::bias, keep Z, then apply_epilogue).
//
// Policies: exec::seq is the reference — a triple loop accumulating in float in
// k order, then alpha/beta, then the epilogue, with std:: maths. exec::simd and
// exec::par run the packed, register-blocked xsimd kernel of
// detail/gemm_driver.hpp: they differ from seq by the order of the summation
// (and by xsimd's erf/exp/tanh in the epilogues). exec::par cuts C into tiles
// whose sizes depend only on M, N and K, and every element is computed by the
// same operations wherever it falls, so par gives bitwise-identical results for
// any thread count (and equal to exec::simd). docs/kernels_gemm.md has the
// blocking parameters and measurements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <tessera/core/errors.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/gemm_activation.hpp>
#include <tessera/kernels/detail/gemm_driver.hpp>

namespace tessera::kernels {

namespace detail::gemm {

inline shape_error bad_leading_dimension(std::string_view where, std::string_view name,
                                         std::size_t ld, std::size_t need) {
    return shape_error(tessera::detail::concat(where, ": leading dimension ", name, " = ", ld,
                                               " is too small; the stored matrix has ", need,
                                               " columns, so ", name, " must be >= ", need));
}

inline void check_ld(std::string_view where, std::string_view name, std::size_t ld,
                     std::size_t rows, std::size_t cols) {
    if (rows != 0 && ld < cols) throw bad_leading_dimension(where, name, ld, cols);
}

inline void check_pointer(std::string_view where, std::string_view name, const void* p,
                          std::size_t n) {
    if (p == nullptr && n != 0)
        throw shape_error(tessera::detail::concat(where, ": ", name, " is null but holds ", n,
                                                  " elements"));
}

inline void check_epilogue(std::string_view where, epilogue ep) {
    if (static_cast<std::uint8_t>(ep) > static_cast<std::uint8_t>(epilogue::bias_sigmoid))
        throw errors::out_of_range(where, "ep", static_cast<int>(ep), "epilogue::none .. bias_sigmoid");
}

inline void check_bias(std::string_view where, epilogue ep, const float* bias) {
    check_epilogue(where, ep);
    if (ep != epilogue::none && bias == nullptr)
        throw config_error(tessera::detail::concat(where,
                                                   ": parameter 'bias' is null; every "
                                                   "epilogue but epilogue::none adds a bias "
                                                   "of length N"),
                           "bias");
}

// Element-wise work over rows [0, M): one call on a serial back end, chunks of
// whole rows (sized from M and N only) on the pool.
template <class Tag, class F>
void for_row_chunks(const Tag& tag, std::size_t M, std::size_t N, F&& f) {
    const std::size_t rows = std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max<std::size_t>(N, 1));
    run_tasks(tag, div_up(M, rows), [&](std::size_t t) { f(t * rows, std::min(M, (t + 1) * rows)); });
}

// C = beta * C, then the epilogue (alpha == 0 or K == 0): scalar on every policy.
inline void scale_only(const problem& pr) {
    const tile_store st{0.0f, pr.beta, true, true, pr.ep, pr.slope, nullptr};
    for (std::size_t i = 0; i < pr.M; ++i) {
        float* c = pr.C + i * pr.ldc;
        for (std::size_t j = 0; j < pr.N; ++j)
            c[j] = finish(0.0f, pr.beta == 0.0f ? 0.0f : c[j], pr.bias ? pr.bias[j] : 0.0f, st);
    }
}

inline void sgemm_reference(const problem& pr) {
    for (std::size_t i = 0; i < pr.M; ++i) {
        for (std::size_t j = 0; j < pr.N; ++j) {
            float acc = 0.0f;
            for (std::size_t k = 0; k < pr.K; ++k) {
                const float a = pr.ta == transpose::no ? pr.A[i * pr.lda + k] : pr.A[k * pr.lda + i];
                const float b = pr.tb == transpose::no ? pr.B[k * pr.ldb + j] : pr.B[j * pr.ldb + k];
                acc += a * b;
            }
            float& c = pr.C[i * pr.ldc + j];
            float r = pr.alpha * acc;
            if (pr.beta != 0.0f) r += pr.beta * c;
            if (pr.ep != epilogue::none) r = activate(pr.ep, r + pr.bias[j], pr.slope);
            c = r;
        }
    }
}

// Y = act(Z + bias) over rows [r0, r1): the vector kernel pads each row's tail
// into a full vector, so every element goes through the same vector maths.
template <class Arch>
void epilogue_rows(epilogue ep, std::size_t r0, std::size_t r1, std::size_t N, const float* Z,
                   std::size_t ldz, const float* bias, float* Y, std::size_t ldy, float slope) {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t W = batch::size;
    const std::size_t nv = N / W * W;
    alignas(64) float zt[W], bt[W];
    for (std::size_t i = r0; i < r1; ++i) {
        const float* z = Z + i * ldz;
        float* y = Y + i * ldy;
        for (std::size_t j = 0; j < nv; j += W)
            activate(ep, batch::load_unaligned(z + j) + batch::load_unaligned(bias + j), slope)
                .store_unaligned(y + j);
        if (nv == N) continue;
        for (std::size_t j = 0; j < W; ++j) {
            zt[j] = nv + j < N ? z[nv + j] : 0.0f;
            bt[j] = nv + j < N ? bias[nv + j] : 0.0f;
        }
        activate(ep, batch::load_aligned(zt) + batch::load_aligned(bt), slope).store_aligned(zt);
        for (std::size_t j = nv; j < N; ++j) y[j] = zt[j - nv];
    }
}

// dZ = dY * act'(S) and db[j] = sum_i dZ[i, j] (rows in order) over columns
// [c0, c1), c0 a multiple of the vector width; tails padded as above.
template <class Arch>
void backward_cols(epilogue ep, std::size_t M, std::size_t c0, std::size_t c1, const float* dY,
                   std::size_t lddy, const float* S, std::size_t lds, float* dZ,
                   std::size_t lddz, float* db, float slope) {
    using batch = xsimd::batch<float, Arch>;
    constexpr std::size_t W = batch::size;
    alignas(64) float dyt[W], st[W], sum[W];
    for (std::size_t j = c0; j < c1; j += W) {
        const std::size_t n = std::min(W, c1 - j);
        batch s(0.0f);
        for (std::size_t i = 0; i < M; ++i) {
            const float* dy = dY + i * lddy + j;
            const float* sv = S ? S + i * lds + j : nullptr;
            batch g;
            if (n == W) {
                g = activate_grad(ep, batch::load_unaligned(dy), sv ? batch::load_unaligned(sv) : batch(0.0f), slope);
                if (dZ) g.store_unaligned(dZ + i * lddz + j);
            } else {
                for (std::size_t q = 0; q < W; ++q) {
                    dyt[q] = q < n ? dy[q] : 0.0f;
                    st[q] = (sv && q < n) ? sv[q] : 0.0f;
                }
                g = activate_grad(ep, batch::load_aligned(dyt), batch::load_aligned(st), slope);
                g.store_aligned(dyt);
                if (dZ)
                    for (std::size_t q = 0; q < n; ++q) dZ[i * lddz + j + q] = dyt[q];
            }
            s += g;
        }
        if (db) {
            s.store_aligned(sum);
            for (std::size_t q = 0; q < n; ++q) db[j + q] = sum[q];
        }
    }
}

}  // namespace detail::gemm

// C = alpha * op(A) op(B) + beta * C, then the epilogue (see the top of this file).
template <exec::execution_policy P>
void sgemm(const P& policy, transpose ta, transpose tb, std::size_t M, std::size_t N,
           std::size_t K, float alpha, const float* A, std::size_t lda, const float* B,
           std::size_t ldb, float beta, float* C, std::size_t ldc,
           epilogue ep = epilogue::none, const float* bias = nullptr,
           float leaky_slope = 0.01f) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        namespace g = detail::gemm;
        constexpr std::string_view where = "kernels::sgemm";
        const bool an = ta == transpose::no, bn = tb == transpose::no;
        g::check_ld(where, "lda", lda, an ? M : K, an ? K : M);
        g::check_ld(where, "ldb", ldb, bn ? K : N, bn ? N : K);
        g::check_ld(where, "ldc", ldc, M, N);
        g::check_bias(where, ep, bias);
        if (M == 0 || N == 0) return;
        g::check_pointer(where, "C", C, M * N);
        const bool product = K != 0 && alpha != 0.0f;
        if (product) {
            g::check_pointer(where, "A", A, M * K);
            g::check_pointer(where, "B", B, K * N);
        }
        const g::problem pr{ta,   tb, M,   N, K,  alpha, A,    lda,        B,
                            ldb,  beta, C, ldc, ep, ep == epilogue::none ? nullptr : bias,
                            leaky_slope};
        if (!product) return g::scale_only(pr);
        const auto be = exec::select_backend(policy);
        if constexpr (!decltype(be)::vector) {
            g::sgemm_reference(pr);
        } else {
            g::sgemm_fast<simd::default_arch>(be, pr);
        }
    }
}

// Y (M x N) = act(Z + bias[j]) for the epilogue's activation: the forward
// epilogue on its own (GELU layers keep Z). Y may be Z (then ldy == ldz).
template <exec::execution_policy P>
void apply_epilogue(const P& policy, epilogue ep, std::size_t M, std::size_t N, const float* Z,
                    std::size_t ldz, const float* bias, float* Y, std::size_t ldy,
                    float leaky_slope = 0.01f) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        namespace g = detail::gemm;
        constexpr std::string_view where = "kernels::apply_epilogue";
        g::check_ld(where, "ldz", ldz, M, N);
        g::check_ld(where, "ldy", ldy, M, N);
        g::check_bias(where, ep, bias);
        if (M == 0 || N == 0) return;
        g::check_pointer(where, "Z", Z, M * N);
        g::check_pointer(where, "Y", Y, M * N);
        const auto be = exec::select_backend(policy);
        if constexpr (!decltype(be)::vector) {
            for (std::size_t i = 0; i < M; ++i)
                for (std::size_t j = 0; j < N; ++j) {
                    const float z = Z[i * ldz + j];
                    Y[i * ldy + j] = ep == epilogue::none ? z : g::activate(ep, z + bias[j], leaky_slope);
                }
        } else {
            if (ep == epilogue::none) {
                g::for_row_chunks(be, M, N, [&](std::size_t r0, std::size_t r1) {
                    for (std::size_t i = r0; i < r1; ++i)
                        for (std::size_t j = 0; j < N; ++j) Y[i * ldy + j] = Z[i * ldz + j];
                });
                return;
            }
            g::for_row_chunks(be, M, N, [&](std::size_t r0, std::size_t r1) {
                g::epilogue_rows<simd::default_arch>(ep, r0, r1, N, Z, ldz, bias, Y, ldy, leaky_slope);
            });
        }
    }
}

// The fused backward pass of an epilogue, in one walk over dY:
//   dZ[i, j] = dY[i, j] * act'(S[i, j])   (written when dZ != nullptr; dZ may be dY)
//   dbias[j] = sum_i dZ[i, j]             (overwritten when dbias != nullptr; rows in order)
// S is the saved tensor grad_source_of(ep) names (Y, or Z for bias_gelu); it is
// not read for epilogue::none and epilogue::bias (may be nullptr). The leaky
// slope must be the forward one (and >= 0 when S is the output). relu passes no
// gradient through an inactive unit (S <= 0), not even a NaN, as PyTorch's
// threshold_backward; every other case propagates NaN.
template <exec::execution_policy P>
void epilogue_backward(const P& policy, epilogue ep, std::size_t M, std::size_t N,
                       const float* dY, std::size_t lddy, const float* S, std::size_t lds,
                       float* dZ, std::size_t lddz, float* dbias, float leaky_slope = 0.01f) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        namespace g = detail::gemm;
        constexpr std::string_view where = "kernels::epilogue_backward";
        const bool needs_s = ep != epilogue::none && ep != epilogue::bias;
        g::check_ld(where, "lddy", lddy, M, N);
        if (needs_s) g::check_ld(where, "lds", lds, M, N);
        if (dZ) g::check_ld(where, "lddz", lddz, M, N);
        g::check_epilogue(where, ep);
        if (N == 0) return;
        if (M == 0) {
            if (dbias)
                for (std::size_t j = 0; j < N; ++j) dbias[j] = 0.0f;
            return;
        }
        g::check_pointer(where, "dY", dY, M * N);
        if (needs_s) g::check_pointer(where, "S", S, M * N);
        const float* s = needs_s ? S : nullptr;
        const auto be = exec::select_backend(policy);
        if constexpr (!decltype(be)::vector) {
            for (std::size_t j = 0; j < N; ++j) {
                float sum = 0.0f;
                for (std::size_t i = 0; i < M; ++i) {
                    const float gz = g::activate_grad(ep, dY[i * lddy + j], s ? s[i * lds + j] : 0.0f, leaky_slope);
                    if (dZ) dZ[i * lddz + j] = gz;
                    sum += gz;
                }
                if (dbias) dbias[j] = sum;
            }
        } else {
            using arch = simd::default_arch;
            // Column strips of a fixed width (from N alone): each strip's sums run
            // over all rows in order, whatever thread runs it.
            constexpr std::size_t strip = 4 * xsimd::batch<float, arch>::size;
            g::run_tasks(be, g::div_up(N, strip), [&](std::size_t t) {
                g::backward_cols<arch>(ep, M, t * strip, std::min(N, (t + 1) * strip), dY, lddy, s,
                                       lds, dZ, lddz, dbias, leaky_slope);
            });
        }
    }
}

// out[j] = sum_i X[i, j] (rows in order): the bias gradient of a linear layer.
template <exec::execution_policy P>
void column_sums(const P& policy, std::size_t M, std::size_t N, const float* X, std::size_t ldx,
                 float* out) {
    epilogue_backward(policy, epilogue::none, M, N, X, ldx, nullptr, 0, nullptr, 0, out);
}

}  // namespace tessera::kernels
