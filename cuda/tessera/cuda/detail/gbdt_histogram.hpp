// tessera/cuda/detail/gbdt_histogram.hpp — node histograms of GBDT training on
// the device: launch the raw kernel of gbdt_hist_kernel.hpp over a node's rows,
// and the parent - child subtraction (wrapping int64 arithmetic: exact, so the
// larger child's histogram is the one the kernel would have built).
//
// launch_node_hist(be, plan, args) is found by overload on the backend type:
// the OMP back end's (below) runs the host emulation, the CUDA back end's lives
// in <tessera/cuda/gbdt.cuh> next to the `__global__` kernel.
#pragma once

#include <cstddef>
#include <cstdint>

#include <thrust/fill.h>
#include <thrust/functional.h>
#include <thrust/transform.h>

#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/gbdt_hist_kernel.hpp>

namespace tessera::device_detail {

#if THRUST_DEVICE_SYSTEM != THRUST_DEVICE_SYSTEM_CUDA
inline void launch_node_hist(const omp_backend&, const node_hist_plan& plan,
                             const node_hist_args& args) {
    emulate_node_hist(plan, args);
}
#endif

// Zeroes args.hist (4 * offsets[n_features] words) and accumulates the node's
// rows into it. `args.groups` must hold plan.groups on the device.
template <class Backend>
void build_node_histogram(const Backend& be, const node_hist_plan& plan, const node_hist_args& args,
                          std::size_t total_bins) {
    const auto hist = thrust::device_pointer_cast(args.hist);
    thrust::fill(be.policy(), hist, hist + cell_words * total_bins, ull{0});
    if (args.n == 0 || args.n_features == 0) return;
    launch_node_hist(be, plan, args);
}

// out = parent - child, word by word (out may alias either input).
template <class Backend>
void subtract_histogram(const Backend& be, const ull* parent, const ull* child, ull* out,
                        std::size_t total_bins) {
    const auto p = thrust::device_pointer_cast(parent);
    thrust::transform(be.policy(), p, p + cell_words * total_bins, thrust::device_pointer_cast(child),
                      thrust::device_pointer_cast(out), thrust::minus<ull>{});
}

}  // namespace tessera::device_detail
