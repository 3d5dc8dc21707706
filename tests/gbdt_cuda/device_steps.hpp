// The device steps run on any back end object (device_detail::omp_backend under
// g++, cuda_backend under nvcc) from host vectors: upload, run, download.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <tessera/cuda/detail/gbdt_histogram.hpp>
#include <tessera/cuda/detail/gbdt_partition.hpp>
#include <tessera/cuda/detail/gbdt_split.hpp>

#include "cases.hpp"

namespace gbdt_cuda_test {

namespace dd = tessera::device_detail;

template <class T>
std::span<const T> cs(const std::vector<T>& v) {
    return std::span<const T>(v);
}

template <class Backend, class Buffer>
auto download_all(const Backend& be, const Buffer& b) {
    std::vector<typename std::remove_cv_t<std::remove_reference_t<decltype(*thrust::raw_pointer_cast(b.data()))>>> h(b.size());
    if (!h.empty()) be.download(b.data(), h.size(), h.data());
    return h;
}

// The node histogram of `rows` (4 words per flat bin), by the raw kernel.
template <class Backend>
std::vector<unsigned long long> device_histogram(const Backend& be, const binned_case& c,
                                                 const std::vector<std::uint32_t>& rows,
                                                 const std::vector<long long>& qg,
                                                 const std::vector<long long>& qh,
                                                 const dd::node_hist_plan& plan) {
    auto bins = be.upload(cs(c.bins));
    auto offsets = be.upload(cs(c.offsets));
    auto groups = be.upload(cs(plan.groups));
    auto idx = be.upload(cs(rows));
    std::vector<tessera::gbdt::detail::gh_pair> pairs(qg.size());
    for (std::size_t i = 0; i < qg.size(); ++i) pairs[i] = {qg[i], qh[i]};
    auto gh = be.upload(cs(pairs));
    auto hist = be.upload(cs(std::vector<unsigned long long>(4 * c.total_bins(), 12345)));  // garbage
    const dd::node_hist_args args{thrust::raw_pointer_cast(idx.data()), rows.size(),
                                  thrust::raw_pointer_cast(bins.data()), c.n_features,
                                  thrust::raw_pointer_cast(offsets.data()),
                                  thrust::raw_pointer_cast(groups.data()),
                                  thrust::raw_pointer_cast(gh.data()),
                                  thrust::raw_pointer_cast(hist.data())};
    dd::build_node_histogram(be, plan, args, c.total_bins());
    return download_all(be, hist);
}

// Best split of a node from its histogram (4 words per bin), under `rules`.
template <class Backend, class Rules>
dd::split_candidate device_split(const Backend& be, const binned_case& c,
                                 const std::vector<unsigned long long>& hist,
                                 const std::vector<std::uint8_t>& allowed, dd::fixed_sums node,
                                 const Rules& rules) {
    const auto lay = c.layout_vectors();
    auto off = be.upload(cs(c.offsets));
    auto nanb = be.upload(cs(lay.nan_bin));
    auto bf = be.upload(cs(lay.bin_feature));
    auto al = be.upload(cs(allowed));
    auto dh = be.upload(cs(hist));
    auto scratch = be.template alloc<dd::fixed_sums>(c.total_bins());
    const dd::split_layout L{thrust::raw_pointer_cast(off.data()), thrust::raw_pointer_cast(nanb.data()),
                             thrust::raw_pointer_cast(bf.data()), thrust::raw_pointer_cast(al.data()),
                             c.n_features, c.total_bins()};
    return dd::find_best_split(be, thrust::raw_pointer_cast(dh.data()), L, node,
                               thrust::raw_pointer_cast(scratch.data()), rules);
}

// rows partitioned on the device by feature f: mode 0 numerical NaN right, 1 NaN
// left, 2 categorical (codes divisible by 3 left); threshold width / 2.
template <class Backend>
std::pair<std::vector<std::uint32_t>, std::size_t> device_partition(
    const Backend& be, const binned_case& c, const std::vector<std::uint32_t>& rows,
    std::uint32_t f, int mode) {
    auto bins = be.upload(cs(c.bins));
    std::vector<std::uint32_t> cat(8, 0);
    for (std::uint32_t x = 0; x < 256; x += 3) cat[x / 32] |= 1u << (x % 32);
    auto dcat = be.upload(cs(cat));
    auto d = be.upload(cs(rows));
    const dd::goes_left_fn pred{thrust::raw_pointer_cast(bins.data()) + f, c.n_features,
                                c.width(f) / 2, c.has_nan[f] ? c.nan_code(f) : 0xffffffffu,
                                mode == 1, mode == 2 ? thrust::raw_pointer_cast(dcat.data()) : nullptr};
    const std::size_t n_left = dd::partition_rows(be, thrust::raw_pointer_cast(d.data()), rows.size(), pred);
    return {download_all(be, d), n_left};
}

// The test's split rules: L2-regularised gain in double from the fixed-point sums,
// min count per side; every (bin, direction) with rows on both sides is legal.
struct l2_rules {
    int kg, kh;
    double lambda;
    long long min_count;
    TESSERA_HD double score(const dd::fixed_sums& s) const {
        const double g = ldexp(static_cast<double>(s.g), -kg);
        const double h = ldexp(static_cast<double>(s.h), -kh);
        return g * g / (h + lambda);
    }
    // The CPU finder's candidate set: NaN right with thresholds 0..V-2 (and V-1
    // when the node has NaN rows), NaN left with 0..V-2 only when it has some.
    TESSERA_HD double evaluate(const dd::split_candidate& s, const dd::candidate_context& ctx) const {
        const std::uint32_t last = s.nan_left ? ctx.n_value_bins - 1 : (ctx.nan_count > 0 ? ctx.n_value_bins : ctx.n_value_bins - 1);
        if (s.nan_left && ctx.nan_count == 0) return -INFINITY;
        if (ctx.n_value_bins == 0 || s.bin >= last) return -INFINITY;
        if (s.left.c < min_count || s.right.c < min_count) return -INFINITY;
        return score(s.left) + score(s.right) - score(s.left + s.right);
    }
};

struct brute_split {
    double gain = -INFINITY;
    std::uint32_t feature = 0, bin = 0, nan_left = 0;
    dd::fixed_sums left;
};

// Every (feature, threshold, NaN side) visited in the CPU split finder's order
// (features ascending; NaN right with thresholds ascending, then NaN left with
// thresholds descending), a candidate kept only when strictly better.
inline brute_split reference_split(const binned_case& c, const std::vector<unsigned long long>& hist,
                                   const std::vector<std::uint8_t>& allowed, const l2_rules& r) {
    auto cell = [&](std::size_t fb) {
        return dd::fixed_sums{static_cast<long long>(hist[4 * fb]), static_cast<long long>(hist[4 * fb + 1]),
                              static_cast<long long>(hist[4 * fb + 2])};
    };
    brute_split best;
    dd::fixed_sums node;
    for (std::size_t b = c.offsets[0]; b < c.offsets[1]; ++b) node = node + cell(b);
    for (std::uint32_t f = 0; f < c.n_features; ++f) {
        if (!allowed[f]) continue;
        const std::uint32_t V = c.has_nan[f] ? c.width(f) - 1 : c.width(f);
        for (std::uint32_t dir = 0; dir < 2; ++dir) {
            for (std::uint32_t i = 0; i < V; ++i) {
                const std::uint32_t b = dir == 0 ? i : V - 1 - i;
                dd::fixed_sums left;
                for (std::uint32_t x = 0; x <= b; ++x) left = left + cell(c.offsets[f] + x);
                if (dir == 1 && c.has_nan[f]) left = left + cell(c.offsets[f] + c.nan_code(f));
                dd::split_candidate s;
                s.left = left;
                s.right = node - left;
                s.nan_left = dir;
                s.bin = b;
                const long long nan_c = c.has_nan[f] ? cell(c.offsets[f] + c.nan_code(f)).c : 0;
                const double gain = r.evaluate(s, dd::candidate_context{V, nan_c});
                if (gain > best.gain) best = {gain, f, b, dir, left};
            }
        }
    }
    return best;
}

// The decision device_partition makes, on the host.
inline std::pair<std::vector<std::uint32_t>, std::size_t> reference_partition(
    const binned_case& c, std::vector<std::uint32_t> rows, std::uint32_t f, int mode) {
    const auto mid = std::stable_partition(rows.begin(), rows.end(), [&](std::uint32_t r) {
        const std::uint32_t x = c.bins[r * c.n_features + f];
        if (c.has_nan[f] && x == c.nan_code(f)) return mode == 1;
        if (mode == 2) return x % 3 == 0;
        return x <= c.width(f) / 2;
    });
    return {rows, static_cast<std::size_t>(mid - rows.begin())};
}

}  // namespace gbdt_cuda_test
