// tessera/cuda/detail/gbdt_split.hpp — best numerical split of one node from its
// fixed-point histogram, on the device with Thrust primitives.
//
//   1. per flat bin, its {grad, hess, count} with the feature's NaN bin zeroed;
//   2. inclusive_scan_by_key over the bins, keyed by feature: the sums of the
//      value bins <= b of b's feature (integers: exact, identical to any scan
//      order, and the reverse scan is total - forward, exactly);
//   3. one candidate per (flat bin b, NaN direction d): left = prefix(b), plus
//      the feature's NaN bin when d says NaN goes left; right = node - left;
//      Rules::evaluate fills its gain (-inf or NaN: not a candidate);
//   4. reduce with best_split: the largest gain; equal gains go to the
//      candidate the CPU's split finder (learners/gbdt/detail/split_finder.hpp)
//      visits first — features ascending, the NaN-right scan before the
//      NaN-left one, the first with thresholds ascending, the second
//      descending — since it keeps a candidate only if strictly better. That is
//      a total order, so the reduction is deterministic whatever its shape.
//
// The Rules object decides which candidates are legal and their gain (it calls
// the CPU trainer's TESSERA_HD split math), so the device and the CPU rank the
// same numbers the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cmath>

#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/gbdt_hist_kernel.hpp>  // ull, cell_words

namespace tessera::device_detail {

// The gain of "not a candidate": -inf (HUGE_VAL is a builtin that nvcc also
// accepts in device code, unlike numeric_limits' host constexpr).
constexpr double no_gain = -HUGE_VAL;

// Integer sums of a set of rows: fixed-point gradient and hessian sums, count.
struct fixed_sums {
    long long g = 0;
    long long h = 0;
    long long c = 0;
};

TESSERA_HD inline fixed_sums operator+(const fixed_sums& a, const fixed_sums& b) {
    return {static_cast<long long>(static_cast<ull>(a.g) + static_cast<ull>(b.g)),
            static_cast<long long>(static_cast<ull>(a.h) + static_cast<ull>(b.h)), a.c + b.c};
}
TESSERA_HD inline fixed_sums operator-(const fixed_sums& a, const fixed_sums& b) {
    return {static_cast<long long>(static_cast<ull>(a.g) - static_cast<ull>(b.g)),
            static_cast<long long>(static_cast<ull>(a.h) - static_cast<ull>(b.h)), a.c - b.c};
}

// The sums of flat bin b of a global histogram (cell_words words per bin).
TESSERA_HD inline fixed_sums cell_sums(const ull* hist, std::size_t b) {
    const ull* c = hist + cell_words * b;
    return {static_cast<long long>(c[0]), static_cast<long long>(c[1]), static_cast<long long>(c[2])};
}

struct fixed_sums_plus {
    TESSERA_HD fixed_sums operator()(const fixed_sums& a, const fixed_sums& b) const { return a + b; }
};

// One split candidate: threshold bin `bin` of `feature` (left = value bins <= bin),
// NaN rows left when nan_left. `gain` = -inf: not a candidate.
struct split_candidate {
    double gain = no_gain;
    std::uint32_t feature = 0xffffffffu;
    std::uint32_t bin = 0xffffffffu;     // within the feature
    std::uint32_t nan_left = 0;
    fixed_sums left{};
    fixed_sums right{};
};

// Larger gain wins; equal gains: the one visited first in the CPU's order
// (above). NaN gains never get here (the evaluation turns them into -inf).
struct best_split {
    TESSERA_HD static bool better(const split_candidate& a, const split_candidate& b) {
        if (a.gain != b.gain) return a.gain > b.gain;
        if (a.feature != b.feature) return a.feature < b.feature;
        if (a.nan_left != b.nan_left) return a.nan_left < b.nan_left;
        return a.nan_left ? a.bin > b.bin : a.bin < b.bin;
    }
    TESSERA_HD split_candidate operator()(const split_candidate& a, const split_candidate& b) const {
        return better(b, a) ? b : a;
    }
};

// Device view of the bin layout: feature f owns flat bins [offsets[f], offsets[f+1]);
// nan_bin[f] is its NaN bin (flat index) or 0xffffffff when it has none;
// bin_feature[b] is the feature of flat bin b (the scan key); allowed[f] != 0
// when f may be split at this node (column sampling, categorical features out).
struct split_layout {
    const std::uint32_t* offsets;
    const std::uint32_t* nan_bin;
    const std::uint32_t* bin_feature;
    const std::uint8_t* allowed;
    std::size_t n_features;
    std::size_t total_bins;
};

struct value_sums_fn {
    const ull* hist;
    split_layout L;
    TESSERA_HD fixed_sums operator()(std::size_t b) const {
        if (L.nan_bin[L.bin_feature[b]] == b) return fixed_sums{};
        return cell_sums(hist, b);
    }
};

// What the rules see besides the candidate: the feature's value bins (its NaN
// bin excluded) and the node's NaN rows in it.
struct candidate_context {
    std::uint32_t n_value_bins;
    long long nan_count;
};

// Candidate i: flat bin i / 2, direction i % 2 (0: NaN right, 1: NaN left).
// Rules::evaluate(candidate, context) returns the gain, or no_gain (or NaN)
// when the candidate is not one.
template <class Rules>
struct candidate_fn {
    const ull* hist;
    const fixed_sums* prefix;
    split_layout L;
    fixed_sums node;
    Rules rules;
    TESSERA_HD split_candidate operator()(std::size_t i) const {
        split_candidate s;
        const std::size_t b = i / 2;
        const std::uint32_t f = L.bin_feature[b];
        const std::uint32_t nb = L.nan_bin[f];
        if (!L.allowed[f] || nb == b) return s;
        s.feature = f;
        s.bin = static_cast<std::uint32_t>(b - L.offsets[f]);
        s.nan_left = static_cast<std::uint32_t>(i % 2);
        s.left = prefix[b];
        if (s.nan_left && nb != 0xffffffffu) {
            s.left = s.left + cell_sums(hist, nb);
        }
        s.right = node - s.left;
        const std::uint32_t width = L.offsets[f + 1] - L.offsets[f];
        const candidate_context ctx{nb == 0xffffffffu ? width : width - 1,
                                    nb == 0xffffffffu ? 0 : static_cast<long long>(hist[cell_words * nb + 2])};
        const double gain = rules.evaluate(s, ctx);
        s.gain = gain == gain ? gain : no_gain;
        if (s.gain == no_gain) return split_candidate{};
        return s;
    }
};

// The best candidate of the node whose histogram is `hist` (cell_words per flat bin)
// and whose totals are `node`; `prefix` is scratch for total_bins fixed_sums.
// Returns a candidate with gain -inf when there is none.
template <class Backend, class Rules>
split_candidate find_best_split(const Backend& be, const ull* hist, const split_layout& L,
                                fixed_sums node, fixed_sums* prefix, const Rules& rules) {
    if (L.total_bins == 0) return split_candidate{};
    const thrust::counting_iterator<std::size_t> zero(0);
    const auto pre = thrust::device_pointer_cast(prefix);
    const auto keys = thrust::device_pointer_cast(L.bin_feature);
    thrust::inclusive_scan_by_key(be.policy(), keys, keys + L.total_bins,
                                  thrust::make_transform_iterator(zero, value_sums_fn{hist, L}),
                                  pre);
    return thrust::transform_reduce(be.policy(), zero, zero + 2 * L.total_bins,
                                    candidate_fn<Rules>{hist, prefix, L, node, rules},
                                    split_candidate{}, best_split{});
}

}  // namespace tessera::device_detail
