// tessera/learners/nn/activations.hpp — the activations a dense layer fuses
// into its matrix product: identity, ReLU, leaky ReLU, GELU, tanh, sigmoid.
//
// Definitions as PyTorch's torch.nn modules: ReLU, LeakyReLU(negative_slope,
// default 0.01, mlp_params::leaky_slope), GELU(approximate='none'), i.e. the
// exact erf form x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), Tanh, Sigmoid. The
// maths itself is the sgemm epilogue's (kernels/detail/gemm_activation.hpp):
// the forward product applies bias + activation, and kernels::epilogue_backward
// applies the derivative and sums the bias gradient in one pass.
//
// Each activation is a tag type with
//   name      its spelling in model files ("relu")
//   ep        the sgemm epilogue (bias + activation)
//   he_init   true: He initialisation by default (ReLU family), false: Xavier
#pragma once

#include <string_view>

#include <tessera/kernels/gemm.hpp>

namespace tessera::nn {

struct identity {
    static constexpr std::string_view name = "identity";
    static constexpr kernels::epilogue ep = kernels::epilogue::bias;
    static constexpr bool he_init = false;
};

struct relu {
    static constexpr std::string_view name = "relu";
    static constexpr kernels::epilogue ep = kernels::epilogue::bias_relu;
    static constexpr bool he_init = true;
};

struct leaky_relu {
    static constexpr std::string_view name = "leaky_relu";
    static constexpr kernels::epilogue ep = kernels::epilogue::bias_leaky_relu;
    static constexpr bool he_init = true;
};

// GELU is not invertible: its backward reads the pre-activation, which the
// dense layer keeps (kernels::grad_source_of).
struct gelu {
    static constexpr std::string_view name = "gelu";
    static constexpr kernels::epilogue ep = kernels::epilogue::bias_gelu;
    static constexpr bool he_init = true;
};

struct tanh {
    static constexpr std::string_view name = "tanh";
    static constexpr kernels::epilogue ep = kernels::epilogue::bias_tanh;
    static constexpr bool he_init = false;
};

struct sigmoid {
    static constexpr std::string_view name = "sigmoid";
    static constexpr kernels::epilogue ep = kernels::epilogue::bias_sigmoid;
    static constexpr bool he_init = false;
};

}  // namespace tessera::nn
