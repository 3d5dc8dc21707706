// tessera/features/detail/device_hook.hpp — how a transformer's exec::cuda
// member overloads reach their CUDA bodies without CUDA leaking into host code.
//
// fit(exec::cuda, X) calls fit_on_device(policy, *this, X) unqualified, so
// argument-dependent lookup at instantiation also sees the overloads that
// <tessera/cuda/features.cuh> declares for each transformer (nvcc only). Those
// are more specialized than the fallbacks below, which are all host code sees:
// a static_assert that says how to get the CUDA path.
#pragma once

#include <tessera/core/errors.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::features {

template <class P, class E, class M>
typename E::fitted fit_on_device(const P&, const E&, const M&) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    throw error("unreachable");
}
template <class P, class F, class M>
M transform_on_device(const P&, const F&, const M&) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    throw error("unreachable");
}
template <class P, class F, class M>
M inverse_transform_on_device(const P&, const F&, const M&) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    throw error("unreachable");
}

}  // namespace tessera::features
