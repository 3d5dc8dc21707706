// tessera/cuda/detail/histogram_kernel.hpp — the body of the raw fixed-point
// gradient/hessian histogram kernel, shared by the `__global__` kernel
// (<tessera/cuda/histogram.cuh>) and its host emulation (run by the OMP tests).
//
// Scheme (XGBoost gpu_hist's GradientQuantiser): each gradient g is stored as the
// 64-bit integer llrint(ldexp(g, k)), with k = 61 - e_n - e_g where
// n < 2^e_n and max|g| < 2^e_g: then n * max|g| * 2^k < 2^61 and no partial or
// total sum can overflow int64 (|sum| <= n (max|g| 2^k + 1/2) < 2^62), while
// 2^k >= 2^59 / (n max|g|) keeps the resolution within 2 bits of the best
// possible. Integer additions commute, so the histogram is bitwise identical
// whatever the block/thread schedule or atomic order. Back in double: ldexp(sum, -k). Error per bin versus the exact sum:
// at most count_bin / 2^(k+1) < count_bin * n * max|g| / 2^60 from rounding each
// term, plus one rounding of the int64 -> double conversion (<= 2^-53 relative).
//
// The kernel runs in three phases separated by __syncthreads(): zero the block's
// shared histogram, grid-stride accumulate rows into it, add it into the global
// histogram. When 3 * nbins * 8 bytes do not fit the shared-memory budget the
// accumulate phase targets the global histogram directly. The emulation runs the
// same phase functions over simulated blocks and threads, phase by phase.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tessera/cuda/detail/common.hpp>

namespace tessera::device_detail {

using ull = unsigned long long;

struct grad_hess_plan {
    unsigned grid = 1;
    unsigned block = 256;
    bool shared = true;          // accumulate in shared memory (else straight to global)
    std::size_t smem_bytes = 0;  // dynamic shared memory per block
};

// Launch shape. 48 KiB is the shared memory every CUDA device gives a block
// without an opt-in; grid capped so each thread loops over several rows.
inline grad_hess_plan plan_grad_hess(std::size_t n, std::size_t nbins, unsigned block = 256,
                                     unsigned max_grid = 1024,
                                     std::size_t smem_limit = 48 * 1024) {
    grad_hess_plan p;
    p.block = block;
    const std::size_t blocks = (n + block - 1) / block;
    p.grid = static_cast<unsigned>(blocks == 0 ? 1 : (blocks < max_grid ? blocks : max_grid));
    const std::size_t bytes = 3 * nbins * sizeof(ull);
    p.shared = bytes <= smem_limit;
    p.smem_bytes = p.shared ? bytes : 0;
    return p;
}

// Inputs of one launch. `hist` is the global histogram, 3 * nbins words laid out
// [grad sums | hess sums | counts]; gradients are int64 stored as two's complement.
template <class B, class G>
struct grad_hess_args {
    const B* bins;
    const G* grad;
    const G* hess;
    std::size_t n;
    std::size_t nbins;
    int grad_exp;  // k for gradients: q = llrint(ldexp(g, k))
    int hess_exp;
    ull* hist;
};

TESSERA_HD inline ull quantize(double g, int k) {
    return static_cast<ull>(llrint(ldexp(g, k)));
}

// k = 61 - e_n - e_max where n < 2^e_n and max_abs < 2^e_max, so
// n * max_abs * 2^k < 2^61 (0 when everything is zero). Taking the exponents
// apart keeps n * max_abs from overflowing to inf for huge gradients.
inline int fixed_point_exponent(std::size_t n, double max_abs) {
    if (n == 0 || max_abs == 0.0) return 0;
    int en = 0;
    int em = 0;
    std::frexp(static_cast<double>(n), &en);  // exact for n < 2^53; rounding up is harmless
    std::frexp(max_abs, &em);
    return 61 - en - em;
}

inline double from_fixed(ull sum, int k) {
    return std::ldexp(static_cast<double>(static_cast<long long>(sum)), -k);
}

// ---- the three phases; Atomic::add(ull*, ull) is atomicAdd on the device ---------

template <class Atomic>
TESSERA_HD void grad_hess_zero(unsigned tid, unsigned bdim, ull* smem, std::size_t nbins) {
    for (std::size_t i = tid; i < 3 * nbins; i += bdim) smem[i] = 0;
}

template <class Atomic, class B, class G>
TESSERA_HD void grad_hess_accumulate(unsigned bid, unsigned tid, unsigned bdim, unsigned gdim,
                                     const grad_hess_args<B, G>& a, ull* target) {
    const std::size_t stride = static_cast<std::size_t>(bdim) * gdim;
    for (std::size_t i = static_cast<std::size_t>(bid) * bdim + tid; i < a.n; i += stride) {
        const std::size_t b = static_cast<std::size_t>(a.bins[i]);
        Atomic::add(&target[b], quantize(static_cast<double>(a.grad[i]), a.grad_exp));
        Atomic::add(&target[a.nbins + b], quantize(static_cast<double>(a.hess[i]), a.hess_exp));
        Atomic::add(&target[2 * a.nbins + b], ull{1});
    }
}

template <class Atomic>
TESSERA_HD void grad_hess_flush(unsigned tid, unsigned bdim, const ull* smem, ull* hist,
                                std::size_t nbins) {
    for (std::size_t i = tid; i < 3 * nbins; i += bdim) {
        if (smem[i] != 0) Atomic::add(&hist[i], smem[i]);
    }
}

// ---- host emulation -------------------------------------------------------------

struct host_atomic {
    static void add(ull* p, ull v) { *p += v; }  // wraps mod 2^64, like atomicAdd
};

// Runs the kernel's phases block by block, thread by thread; each phase finishes
// for all threads of a block before the next starts, as __syncthreads() enforces.
template <class B, class G>
void emulate_grad_hess(const grad_hess_plan& plan, const grad_hess_args<B, G>& a) {
    std::vector<ull> smem(plan.shared ? 3 * a.nbins : 0);
    for (unsigned bid = 0; bid < plan.grid; ++bid) {
        if (plan.shared) {
            for (unsigned t = 0; t < plan.block; ++t)
                grad_hess_zero<host_atomic>(t, plan.block, smem.data(), a.nbins);
        }
        ull* target = plan.shared ? smem.data() : a.hist;
        for (unsigned t = 0; t < plan.block; ++t)
            grad_hess_accumulate<host_atomic>(bid, t, plan.block, plan.grid, a, target);
        if (plan.shared) {
            for (unsigned t = 0; t < plan.block; ++t)
                grad_hess_flush<host_atomic>(t, plan.block, smem.data(), a.hist, a.nbins);
        }
    }
}

#if THRUST_DEVICE_SYSTEM != THRUST_DEVICE_SYSTEM_CUDA
template <class Plan, class Args>
void omp_backend::launch_grad_hess(const Plan& plan, const Args& args) const {
    emulate_grad_hess(plan, args);
}
#endif

}  // namespace tessera::device_detail
