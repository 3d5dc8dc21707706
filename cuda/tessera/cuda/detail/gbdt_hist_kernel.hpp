// tessera/cuda/detail/gbdt_hist_kernel.hpp — the body of the raw node-histogram
// kernel of GBDT training on the device, shared by the `__global__` kernel
// (<tessera/cuda/gbdt.cuh>) and its host emulation (run by the OMP tests).
//
// Input: the row indices of one tree node, the row-major uint8 bin matrix
// (rows x features), per-feature offsets into one flat histogram (feature f
// owns bins [offsets[f], offsets[f + 1])), and per-row gradient/hessian pairs
// already quantized to 64-bit fixed point (the rule of
// detail/histogram_kernel.hpp), gbdt::detail::gh_pair. Output: 4 words per flat bin, {grad sum,
// hess sum, count, 0} (the CPU trainer's gbdt::detail::hist_cell, so a download
// is a plain copy), all integers, so the result does not depend on the order of
// the atomic additions: bitwise identical for any launch shape. The shared
// histogram of a block keeps 3 words per bin (no padding) to fit more bins.
//
// Launch: a 2-D grid. blockIdx.y picks a feature group (consecutive features
// whose bins fit the shared-memory budget together), blockIdx.x a slice of the
// node's (row, feature) pairs, walked grid-stride with the feature fastest, so
// neighbouring threads read neighbouring bytes of one row. Three phases,
// separated by __syncthreads(): zero the block's shared histogram of the
// group, accumulate with shared atomics, add it into the global histogram.
// When even one feature's bins do not fit (plan.shared == false) there is one
// group of all features and the accumulate phase targets global memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <tessera/cuda/detail/histogram_kernel.hpp>  // ull, host_atomic
#include <tessera/learners/gbdt/detail/histogram.hpp>  // gh_pair

namespace tessera::device_detail {

// One launch over one node. `gh` is indexed by the global row index.
struct node_hist_args {
    const std::uint32_t* rows;     // the node's rows, n of them
    std::size_t n;
    const std::uint8_t* bins;      // row-major, n_features bytes per row
    std::size_t n_features;
    const std::uint32_t* offsets;  // n_features + 1 flat-bin offsets
    const std::uint32_t* groups;   // n_groups + 1 feature indices: group g = [groups[g], groups[g+1])
    const gbdt::detail::gh_pair* gh;  // quantized (g, h) per row
    ull* hist;                     // 4 * offsets[n_features] words: {g, h, count, 0} per bin
};

constexpr std::size_t cell_words = 4;  // words per bin in the global histogram
constexpr std::size_t smem_words = 3;  // words per bin in a block's shared histogram

struct node_hist_plan {
    unsigned grid_x = 1;            // slices of the (row, feature) pairs
    unsigned block = 256;
    bool shared = true;             // accumulate in shared memory (else global)
    std::size_t smem_bytes = 0;     // dynamic shared memory per block (largest group)
    std::vector<std::uint32_t> groups;  // feature groups, as node_hist_args::groups
    unsigned n_groups() const { return static_cast<unsigned>(groups.size() - 1); }
};

// Feature groups: greedily the longest runs of consecutive features whose
// 24-byte bins fit `smem_limit` (48 KiB: what every device gives a block
// without an opt-in). If one feature alone does not fit, no shared memory.
inline node_hist_plan plan_node_hist(std::size_t n, const std::uint32_t* offsets,
                                     std::size_t n_features, unsigned block = 256,
                                     unsigned max_grid_x = 512,
                                     std::size_t smem_limit = 48 * 1024) {
    node_hist_plan p;
    p.block = block;
    const std::size_t bins_limit = smem_limit / (smem_words * sizeof(ull));
    p.groups.push_back(0);
    for (std::size_t f = 0; f < n_features; ++f) {
        if (offsets[f + 1] - offsets[f] > bins_limit) p.shared = false;
    }
    if (p.shared) {
        std::size_t largest = 0;
        for (std::size_t f = 0; f < n_features; ++f) {
            const std::size_t begin = offsets[p.groups.back()];
            if (offsets[f + 1] - begin > bins_limit) p.groups.push_back(static_cast<std::uint32_t>(f));
            const std::size_t size = offsets[f + 1] - offsets[p.groups.back()];
            largest = size > largest ? size : largest;
        }
        p.smem_bytes = smem_words * largest * sizeof(ull);
    }
    p.groups.push_back(static_cast<std::uint32_t>(n_features));
    if (n_features == 0) p.groups.assign({0, 0});
    // Slices: about 8 (row, feature) pairs per thread, at most max_grid_x.
    const std::size_t per_group = n * (n_features == 0 ? 1 : (n_features + p.n_groups() - 1) / p.n_groups());
    const std::size_t want = (per_group + 8 * std::size_t{block} - 1) / (8 * std::size_t{block});
    p.grid_x = static_cast<unsigned>(want == 0 ? 1 : (want < max_grid_x ? want : max_grid_x));
    return p;
}

// ---- the three phases; Atomic::add(ull*, ull) is atomicAdd on the device ---------

TESSERA_HD inline void node_hist_zero(unsigned tid, unsigned bdim, ull* smem, std::size_t words) {
    for (std::size_t i = tid; i < words; i += bdim) smem[i] = 0;
}

// Adds the block's share of group g into `target`, whose word 0 is flat bin
// `base`, `stride` words per bin.
template <class Atomic>
TESSERA_HD void node_hist_accumulate(unsigned bid, unsigned tid, unsigned bdim, unsigned gdim,
                                     unsigned g, const node_hist_args& a, ull* target,
                                     std::size_t base, std::size_t stride_words) {
    const std::size_t f0 = a.groups[g];
    const std::size_t nf = a.groups[g + 1] - f0;
    if (nf == 0) return;
    const std::size_t total = a.n * nf;
    const std::size_t stride = static_cast<std::size_t>(bdim) * gdim;
    for (std::size_t i = static_cast<std::size_t>(bid) * bdim + tid; i < total; i += stride) {
        const std::size_t row = a.rows[i / nf];
        const std::size_t f = f0 + i % nf;
        const std::size_t b = a.offsets[f] + a.bins[row * a.n_features + f] - base;
        Atomic::add(&target[stride_words * b], static_cast<ull>(a.gh[row].g));
        Atomic::add(&target[stride_words * b + 1], static_cast<ull>(a.gh[row].h));
        Atomic::add(&target[stride_words * b + 2], ull{1});
    }
}

// Shared word i (bin i / 3, field i % 3) into the global cell of that bin.
template <class Atomic>
TESSERA_HD void node_hist_flush(unsigned tid, unsigned bdim, const ull* smem, ull* hist,
                                std::size_t words) {
    for (std::size_t i = tid; i < words; i += bdim) {
        if (smem[i] != 0) Atomic::add(&hist[cell_words * (i / smem_words) + i % smem_words], smem[i]);
    }
}

// What one block (blockIdx.x = bid, blockIdx.y = g) does in phase `phase` (0 zero,
// 1 accumulate, 2 flush) for thread tid; the kernel calls the phases in order
// with barriers in between, the emulation loops phase by phase.
template <class Atomic>
TESSERA_HD void node_hist_phase(int phase, bool shared, unsigned bid, unsigned g, unsigned tid,
                                unsigned bdim, unsigned gdim, const node_hist_args& a, ull* smem) {
    const std::size_t base = shared ? a.offsets[a.groups[g]] : 0;
    const std::size_t words = shared ? smem_words * (a.offsets[a.groups[g + 1]] - base) : 0;
    if (!shared) {
        if (phase == 1) node_hist_accumulate<Atomic>(bid, tid, bdim, gdim, g, a, a.hist, 0, cell_words);
        return;
    }
    if (phase == 0) node_hist_zero(tid, bdim, smem, words);
    if (phase == 1) node_hist_accumulate<Atomic>(bid, tid, bdim, gdim, g, a, smem, base, smem_words);
    if (phase == 2) node_hist_flush<Atomic>(tid, bdim, smem, a.hist + cell_words * base, words);
}

// ---- host emulation -------------------------------------------------------------

// Runs the kernel's phases block by block, thread by thread; each phase finishes
// for all threads of a block before the next starts, as __syncthreads() enforces.
// (A template so that nvcc never instantiates the host atomic in HD code.)
template <class Atomic = host_atomic>
void emulate_node_hist(const node_hist_plan& plan, const node_hist_args& a) {
    std::vector<ull> smem(plan.smem_bytes / sizeof(ull));
    for (unsigned g = 0; g < plan.n_groups(); ++g) {
        for (unsigned bid = 0; bid < plan.grid_x; ++bid) {
            for (int phase = 0; phase < 3; ++phase) {
                for (unsigned t = 0; t < plan.block; ++t) {
                    node_hist_phase<Atomic>(phase, plan.shared, bid, g, t, plan.block,
                                                 plan.grid_x, a, smem.data());
                }
            }
        }
    }
}

}  // namespace tessera::device_detail
