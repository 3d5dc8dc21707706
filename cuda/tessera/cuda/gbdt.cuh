// tessera/cuda/gbdt.cuh — exec::cuda for GBDT training: the `__global__`
// node-histogram kernel (body in detail/gbdt_hist_kernel.hpp) and its launch on
// the CUDA back end. The Thrust bodies (quantization, split finding, partition)
// are in detail/gbdt_*.hpp, the same source the OMP tests run.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/gbdt_histogram.hpp>
#include <tessera/cuda/detail/gbdt_partition.hpp>
#include <tessera/cuda/detail/gbdt_quantize.hpp>
#include <tessera/cuda/detail/gbdt_split.hpp>

namespace tessera::device_detail {

// blockIdx.x: slice of the node's (row, feature) pairs; blockIdx.y: feature group.
// (A template only so that the header may be included by several TUs.)
template <int = 0>
__global__ void node_hist_kernel(bool shared, node_hist_args a) {
    extern __shared__ ull node_smem[];
    for (int phase = 0; phase < 3; ++phase) {
        node_hist_phase<device_atomic>(phase, shared, blockIdx.x, blockIdx.y, threadIdx.x,
                                       blockDim.x, gridDim.x, a, node_smem);
        __syncthreads();
    }
}

inline void launch_node_hist(const cuda_backend& be, const node_hist_plan& plan,
                             const node_hist_args& args) {
    const dim3 grid(plan.grid_x, plan.n_groups());
    node_hist_kernel<><<<grid, plan.block, plan.smem_bytes, be.stream>>>(plan.shared, args);
    check_cuda(cudaGetLastError(), "node_hist_kernel launch");
}

}  // namespace tessera::device_detail
