// tessera/kernels/detail/gemm_activation.hpp — the activations of the GEMM
// epilogues and their derivatives, written once over a value type V that is
// either float (exec::seq, std:: maths) or an xsimd batch (exec::simd / par,
// xsimd maths). Comparisons go through `select` so that NaN propagates the same
// way in both: relu(NaN) = NaN (PyTorch), never max()'s operand-order rule.
#pragma once

#include <cmath>
#include <cstdint>

#include <tessera/kernels/detail/simd.hpp>

// GCC 12 reports the _mm512_undefined_* operands inside xsimd 8.1's AVX-512
// exp/erf/tanh/hadd as (maybe-)uninitialized (GCC bug 105593, a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace tessera::kernels {

// Row-major throughout; see gemm.hpp.
enum class transpose : std::uint8_t { no, yes };

// What the GEMM does to each element of C after alpha * op(A) op(B) + beta * C:
// c = act(c + bias[j]); `none` leaves c as it is and reads no bias.
enum class epilogue : std::uint8_t {
    none,
    bias,
    bias_relu,
    bias_leaky_relu,
    bias_gelu,
    bias_tanh,
    bias_sigmoid
};

// Which saved tensor the backward pass of an epilogue needs: the forward output
// Y = act(Z + b) for every activation but GELU, which is not invertible and
// needs the pre-activation Z + b (run the GEMM with epilogue::bias, keep Z, and
// produce Y with kernels::apply_epilogue).
enum class grad_source : std::uint8_t { output, pre_activation };

constexpr grad_source grad_source_of(epilogue ep) noexcept {
    return ep == epilogue::bias_gelu ? grad_source::pre_activation : grad_source::output;
}

namespace detail::gemm {

// ---- maths over float or batch<float> -----------------------------------------

inline float select(bool m, float a, float b) noexcept { return m ? a : b; }
template <class A>
xsimd::batch<float, A> select(const xsimd::batch_bool<float, A>& m,
                              const xsimd::batch<float, A>& a,
                              const xsimd::batch<float, A>& b) noexcept {
    return xsimd::select(m, a, b);
}

inline float erf_(float x) noexcept { return std::erf(x); }
inline float exp_(float x) noexcept { return std::exp(x); }
inline float tanh_(float x) noexcept { return std::tanh(x); }
template <class A>
xsimd::batch<float, A> erf_(const xsimd::batch<float, A>& x) noexcept {
    return xsimd::erf(x);
}
template <class A>
xsimd::batch<float, A> exp_(const xsimd::batch<float, A>& x) noexcept {
    return xsimd::exp(x);
}
template <class A>
xsimd::batch<float, A> tanh_(const xsimd::batch<float, A>& x) noexcept {
    return xsimd::tanh(x);
}

inline constexpr float inv_sqrt2 = 0.70710678118654752f;
inline constexpr float inv_sqrt_2pi = 0.39894228040143268f;

// act(x) for the epilogue's activation (identity for none and bias).
template <class V>
V activate(epilogue ep, V x, float slope) noexcept {
    const V zero(0.0f);
    const V half(0.5f);
    const V one(1.0f);
    switch (ep) {
        case epilogue::bias_relu: return select(x < zero, zero, x);
        case epilogue::bias_leaky_relu: return select(x < zero, V(slope) * x, x);
        case epilogue::bias_gelu: return half * x * (one + erf_(x * V(inv_sqrt2)));
        case epilogue::bias_tanh: return tanh_(x);
        case epilogue::bias_sigmoid: return one / (one + exp_(-x));
        case epilogue::none:
        case epilogue::bias: break;
    }
    return x;
}

// dY * act'(.) with the derivative taken from s, the saved value that
// grad_source_of(ep) names (Y, or Z for GELU).
template <class V>
V activate_grad(epilogue ep, V dy, V s, float slope) noexcept {
    const V zero(0.0f);
    const V half(0.5f);
    const V one(1.0f);
    switch (ep) {
        case epilogue::bias_relu: return select(s > zero, dy, zero);
        case epilogue::bias_leaky_relu: return select(s > zero, dy, V(slope) * dy);
        case epilogue::bias_gelu: {
            const V cdf = half * (one + erf_(s * V(inv_sqrt2)));
            const V pdf = V(inv_sqrt_2pi) * exp_(V(-0.5f) * s * s);
            return dy * (cdf + s * pdf);
        }
        case epilogue::bias_tanh: return dy * (one - s * s);
        case epilogue::bias_sigmoid: return dy * (s * (one - s));
        case epilogue::none:
        case epilogue::bias: break;
    }
    return dy;
}

}  // namespace detail::gemm
}  // namespace tessera::kernels

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
