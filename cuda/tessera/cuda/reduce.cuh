// tessera/cuda/reduce.cuh — exec::cuda overloads of the reductions of
// kernels/reduce.hpp (sum, nansum, dot, axpy, min, max, nanmin, nanmax, argmin,
// argmax, nanargmin, nanargmax), same names, parameters and numpy semantics.
// Host spans in, host results out; bodies in detail/reduce.hpp. sum and dot add
// in a device reduction tree, so they differ from exec::seq only by rounding.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <cstddef>
#include <span>

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/reduce.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/reduce.hpp>

namespace tessera::kernels {

// Each overload: the CPU path's element-type check, then the device body.
#define TESSERA_CUDA_FORWARD(fn, ...)     \
    detail::require_kernel_value<T>(); \
    TESSERA_CUDA_RUN(fn, __VA_ARGS__)

template <class T>
double sum(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(sum, x); }
template <class T>
double nansum(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(nansum, x); }
template <class T>
double dot(const exec::cuda_t& policy, std::span<const T> x, std::span<const T> y) {
    TESSERA_CUDA_FORWARD(dot, x, y);
}
template <class T>
void axpy(const exec::cuda_t& policy, T a, std::span<const T> x, std::span<T> y) {
    TESSERA_CUDA_FORWARD(axpy, a, x, y);
}
template <class T>
T min(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(min, x); }
template <class T>
T max(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(max, x); }
template <class T>
T nanmin(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(nanmin, x); }
template <class T>
T nanmax(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(nanmax, x); }
template <class T>
std::size_t argmin(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(argmin, x);
}
template <class T>
std::size_t argmax(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(argmax, x);
}
template <class T>
std::size_t nanargmin(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(nanargmin, x);
}
template <class T>
std::size_t nanargmax(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(nanargmax, x);
}

}  // namespace tessera::kernels
