// tessera/cuda/moments.cuh — exec::cuda overloads of kernels/moments.hpp:
// moments, nanmoments (moment_stats by a Chan-merge reduction), mean, nanmean,
// variance, nanvariance; same semantics (empty -> {0,0,0} or shape_error).
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <span>

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/moments.hpp>
#include <tessera/cuda/reduce.cuh>
#include <tessera/kernels/moments.hpp>

namespace tessera::kernels {

template <class T>
moment_stats moments(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(moments, x);
}
template <class T>
moment_stats nanmoments(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(nanmoments, x);
}
template <class T>
double mean(const exec::cuda_t& policy, std::span<const T> x) { TESSERA_CUDA_FORWARD(mean, x); }
template <class T>
double nanmean(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_FORWARD(nanmean, x);
}
template <class T>
double variance(const exec::cuda_t& policy, std::span<const T> x, int ddof = 0) {
    TESSERA_CUDA_FORWARD(variance, x, ddof);
}
template <class T>
double nanvariance(const exec::cuda_t& policy, std::span<const T> x, int ddof = 0) {
    TESSERA_CUDA_FORWARD(nanvariance, x, ddof);
}

}  // namespace tessera::kernels
