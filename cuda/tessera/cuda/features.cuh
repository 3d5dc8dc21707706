// tessera/cuda/features.cuh — exec::cuda for the scalers (standard, min-max,
// robust, max-abs) and the simple imputer: fit and transform (and
// inverse_transform for the scalers) on the GPU, host data in, the same fitted
// types out, so a transformer fitted on a GPU transforms on a CPU and back.
//
//   #include <tessera/cuda/features.cuh>   // in a .cu file
//   auto f = features::robust_scaler{}.fit(exec::cuda, X);
//   auto Y = f.transform(exec::cuda, X);
//
// The member templates reach these overloads by argument-dependent lookup
// (features/detail/device_hook.hpp); bodies in detail/features.hpp.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/features.hpp>

namespace tessera::features {

namespace device_hooks {
template <class E>
concept device_estimator =
    std::same_as<E, standard_scaler> || std::same_as<E, minmax_scaler> ||
    std::same_as<E, robust_scaler> || std::same_as<E, maxabs_scaler> ||
    std::same_as<E, simple_imputer>;
}  // namespace device_hooks

template <class E, class T>
    requires device_hooks::device_estimator<E>
typename E::fitted fit_on_device(const exec::cuda_t& policy, const E& est, const matrix<T>& X) {
    return device_detail::run_on(policy, "features::fit", [&](const auto& be) {
        return device_detail::fit(be, est, X);
    });
}

template <class F, class T>
matrix<T> transform_on_device(const exec::cuda_t& policy, const F& f, const matrix<T>& X) {
    return device_detail::run_on(policy, "features::transform", [&](const auto& be) {
        return device_detail::transform<false>(be, f, X);
    });
}

template <class F, class T>
matrix<T> inverse_transform_on_device(const exec::cuda_t& policy, const F& f, const matrix<T>& X) {
    return device_detail::run_on(policy, "features::inverse_transform", [&](const auto& be) {
        return device_detail::transform<true>(be, f, X);
    });
}

}  // namespace tessera::features
