// tessera/cuda/gbdt.cuh — exec::cuda for GBDT training: histogram building, split
// finding and row partitioning on the GPU, the same trees as the CPU path.
//
//   #include <tessera/cuda/gbdt.cuh>   // in a .cu file compiled by nvcc
//   gbdt::model m = gbdt::classifier{p}.fit(exec::cuda, X, y);
//   gbdt::model r = gbdt::regressor{p}.fit(exec::cuda_t{.device = 1, .stream = s}, X, y);
//
// Binning stays on the host (once per dataset); each tree's quantized gradients
// are uploaded, the grower (gbdt-core's) drives device_detail::gbdt_backend: node
// histograms by the raw kernel below, larger children by exact subtraction,
// numerical splits by a per-feature integer scan + deterministic arg-max, rows
// partitioned by a stable partition; categorical splits are scanned on the host
// from the downloaded histogram. Histograms are 64-bit fixed-point integers, so
// they, the splits and the model bytes equal the CPU backend's (docs/cuda.md).
//
// The fit overloads reach train_on_device below through gbdt-core's device hook
// (estimators.hpp), which runs the trainer's train_with with this backend.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/gbdt_backend.hpp>
#include <tessera/cuda/detail/gbdt_histogram.hpp>
#include <tessera/cuda/detail/gbdt_partition.hpp>
#include <tessera/cuda/detail/gbdt_quantize.hpp>
#include <tessera/cuda/detail/gbdt_split.hpp>
#include <tessera/learners/gbdt/estimators.hpp>

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

namespace tessera::gbdt::detail {

// classifier/regressor::fit(exec::cuda, ...) land here (argument-dependent
// lookup from estimators.hpp's run_train; this non-template overload beats the
// host fallback that static_asserts).
inline model train_on_device(const exec::cuda_t& policy, const dataset& d, const fit_labels& lab,
                             std::size_t K, const grad_source& src, std::vector<double> base,
                             const std::vector<double>& w, const params& p, const fit_options& opt) {
    return device_detail::run_on(policy, "gbdt::fit", [&](const device_detail::cuda_backend& be) {
        return device_detail::train_on(be, d, lab, K, src, std::move(base), w, p, opt);
    });
}

}  // namespace tessera::gbdt::detail
