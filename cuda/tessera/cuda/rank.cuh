// tessera/cuda/rank.cuh — exec::cuda overloads of kernels/rank.hpp: rank
// (average ranks via sort_by_key + reduce_by_key over ties, NaN -> NaN),
// quantile and nanquantile (device sort + numpy 'linear'). Ranks and order
// statistics are unique, so results equal exec::seq's bitwise.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <span>
#include <vector>

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/rank.hpp>
#include <tessera/cuda/histogram.cuh>
#include <tessera/kernels/rank.hpp>

namespace tessera::kernels {

template <rank_value T>
std::vector<double> rank(const exec::cuda_t& policy, std::span<const T> x) {
    TESSERA_CUDA_RUN(rank, x);
}
template <rank_value T>
std::vector<double> quantile(const exec::cuda_t& policy, std::span<const T> x,
                             std::span<const double> q) {
    TESSERA_CUDA_RUN(quantile, x, q);
}
template <rank_value T>
std::vector<double> nanquantile(const exec::cuda_t& policy, std::span<const T> x,
                                std::span<const double> q) {
    TESSERA_CUDA_RUN(nanquantile, x, q);
}

}  // namespace tessera::kernels
