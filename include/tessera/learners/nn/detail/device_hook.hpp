// tessera/learners/nn/detail/device_hook.hpp — how nn::mlp's exec::cuda
// overloads reach their CUDA bodies without CUDA leaking into host code (as
// features/detail/device_hook.hpp): fit and decision_function call these
// unqualified, so argument-dependent lookup also sees the more specialized
// overloads <tessera/cuda/nn.cuh> declares (nvcc only). Host code sees only
// these fallbacks: a static_assert that says how to get the CUDA path.
#pragma once

#include <tessera/core/errors.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::nn {

template <class R, class P, class E, class M, class Y, class O>
R fit_on_device(const P&, const E&, const M&, const Y&, const O&) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    throw error("unreachable");
}

template <class P, class F, class M>
matrix<float> decision_on_device(const P&, const F&, const M&) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    throw error("unreachable");
}

}  // namespace tessera::nn
