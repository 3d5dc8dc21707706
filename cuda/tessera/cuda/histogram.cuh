// tessera/cuda/histogram.cuh — exec::cuda overloads of kernels/histogram.hpp:
// histogram_counts, histogram_sums, histogram_grad_hess, bin_index, histogram.
// histogram_grad_hess runs the raw shared-memory kernel (backend.cuh) in 64-bit
// fixed point, so it is bitwise deterministic; its sums differ from exec::seq
// by at most the quantization bound of detail/histogram_kernel.hpp. Everything
// else is exact or differs by the order of additions only.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/histogram.hpp>
#include <tessera/kernels/histogram.hpp>

namespace tessera::kernels {

template <bin_code B>
std::vector<std::uint64_t> histogram_counts(const exec::cuda_t& policy, std::span<const B> bins,
                                            std::size_t nbins) {
    TESSERA_CUDA_RUN(histogram_counts, bins, nbins);
}
template <bin_code B, bin_value W>
std::vector<double> histogram_sums(const exec::cuda_t& policy, std::span<const B> bins,
                                   std::span<const W> weights, std::size_t nbins) {
    TESSERA_CUDA_RUN(histogram_sums, bins, weights, nbins);
}
template <bin_code B>
std::vector<grad_hess_bin> histogram_grad_hess(const exec::cuda_t& policy, std::span<const B> bins,
                                               std::span<const float> grad,
                                               std::span<const float> hess, std::size_t nbins) {
    TESSERA_CUDA_RUN(histogram_grad_hess, bins, grad, hess, nbins);
}
template <bin_value T>
std::vector<std::uint32_t> bin_index(const exec::cuda_t& policy, std::span<const T> x,
                                     std::span<const double> edges) {
    TESSERA_CUDA_RUN(bin_index, x, edges);
}
template <bin_value T>
std::vector<std::uint64_t> histogram(const exec::cuda_t& policy, std::span<const T> x,
                                     std::span<const double> edges) {
    TESSERA_CUDA_RUN(histogram, x, edges);
}

}  // namespace tessera::kernels
