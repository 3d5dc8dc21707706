// tessera/learners/gbdt/detail/split_finder.hpp — the best split of a node from
// its histogram (CPU; the per-candidate arithmetic is split_math.hpp).
//
// Numerical feature with value bins 0..V-1 and the NaN bin V:
//   forward scan  (NaN right): left = bins 0..t, t = 0..V-2, and t = V-1 (all
//                 values left, NaN right) when the node has NaN rows;
//   backward scan (NaN left, only when the node has NaN rows): left = NaN +
//                 bins 0..t, t = V-2 down to 0.
//   The winner's direction is the node's default_left (XGBoost/LightGBM).
// Categorical feature with C = V categories (the NaN/other bin always right):
//   C <= max_cat_to_onehot: one-vs-rest, left = {c};
//   otherwise LightGBM's sorted scan: categories with >= cat_smooth rows, sorted
//   by G / (H + cat_smooth), scanned from both ends taking up to
//   min(max_cat_threshold, (used + 1) / 2) categories, children regularised
//   with lambda_l2 + cat_l2, a candidate every min_data_per_group rows.
// Candidates are visited features ascending, forward before backward, t
// ascending; a candidate replaces the best only with a strictly larger gain.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/split_math.hpp>

namespace tessera::gbdt::detail {

struct split_info {
    double gain = -1.0;          // <= 0: no split
    std::int32_t feature = -1;   // -1: no split
    bool categorical = false;
    bool default_left = false;   // NaN rows go left
    std::uint32_t threshold_bin = 0;       // numerical: bins <= threshold_bin go left
    std::array<std::uint64_t, 4> cat_left{};  // categorical: set of bins going left
    node_sums left;              // sums of the left child

    bool valid() const noexcept { return feature >= 0; }
    bool bin_left(std::uint32_t b, std::uint32_t nan_bin) const noexcept {
        if (categorical) return b < nan_bin && ((cat_left[b >> 6] >> (b & 63)) & 1u) != 0;
        if (b == nan_bin) return default_left;
        return b <= threshold_bin;
    }
};

struct split_settings {
    split_constraints c;
    int max_cat_to_onehot = 4;
    int max_cat_threshold = 32;
    double cat_smooth = 10.0;
    double cat_l2 = 10.0;
    std::int64_t min_data_per_group = 100;
};

inline void add_cell(node_sums& a, const hist_cell& b) noexcept {
    a.g += b.g;
    a.h += b.h;
    a.c += b.c;
}

inline void consider(split_info& best, double gain, double min_gain, std::int32_t f, const node_sums& left,
                     bool categorical, bool default_left, std::uint32_t tb) {
    if (gain > min_gain && gain > best.gain) {
        best.gain = gain;
        best.feature = f;
        best.categorical = categorical;
        best.default_left = default_left;
        best.threshold_bin = tb;
        best.left = left;
    }
}

inline void scan_numerical(split_info& best, const hist_cell* h, std::uint32_t V, std::int32_t f,
                           const node_sums& total, const fixed_scale& s, const split_settings& st,
                           double parent_gain) {
    const auto& c = st.c;
    const std::int64_t nan_c = h[V].c;
    const std::uint32_t last = nan_c > 0 ? V : V - 1;  // exclusive end of t
    node_sums acc;
    for (std::uint32_t t = 0; t < last; ++t) {
        add_cell(acc, h[t]);
        if (acc.c < c.min_data_in_leaf) continue;
        if (total.c - acc.c < c.min_data_in_leaf) break;
        const double gain = split_gain(total, acc, s, c, parent_gain, c.lambda_l2);
        consider(best, gain, c.min_split_gain, f, acc, false, false, t);
    }
    if (nan_c == 0 || V < 2) return;
    node_sums right;
    for (std::uint32_t t = V - 1; t >= 1; --t) {  // right = bins t..V-1, left = rest (with NaN)
        add_cell(right, h[t]);
        if (right.c < c.min_data_in_leaf) continue;
        const node_sums left{total.g - right.g, total.h - right.h, total.c - right.c};
        if (left.c < c.min_data_in_leaf) break;
        const double gain = split_gain(total, left, s, c, parent_gain, c.lambda_l2);
        consider(best, gain, c.min_split_gain, f, left, false, true, t - 1);
    }
}

inline void scan_categorical(split_info& best, const hist_cell* h, std::uint32_t V, std::int32_t f,
                             const node_sums& total, const fixed_scale& s, const split_settings& st,
                             double parent_gain) {
    const auto& c = st.c;
    auto take = [&](double gain, const node_sums& left, const std::uint32_t* cats, std::size_t k) {
        if (!(gain > c.min_split_gain && gain > best.gain)) return;
        consider(best, gain, c.min_split_gain, f, left, true, false, 0);
        best.cat_left = {};
        for (std::size_t i = 0; i < k; ++i) best.cat_left[cats[i] >> 6] |= std::uint64_t{1} << (cats[i] & 63);
    };
    if (V <= static_cast<std::uint32_t>(st.max_cat_to_onehot)) {
        for (std::uint32_t b = 0; b < V; ++b) {
            if (h[b].c == 0) continue;
            const node_sums left{h[b].g, h[b].h, h[b].c};
            take(split_gain(total, left, s, c, parent_gain, c.lambda_l2), left, &b, 1);
        }
        return;
    }
    std::uint32_t used[256];
    double ctr[256];
    std::size_t nu = 0;
    for (std::uint32_t b = 0; b < V; ++b)
        if (h[b].c > 0 && static_cast<double>(h[b].c) >= st.cat_smooth) {
            used[nu] = b;
            ctr[b] = dequantize(h[b].g, s.sg) / (dequantize(h[b].h, s.sh) + st.cat_smooth);
            ++nu;
        }
    if (nu < 2) return;
    std::stable_sort(used, used + nu, [&](std::uint32_t a, std::uint32_t b) { return ctr[a] < ctr[b]; });
    const std::size_t max_k = std::min<std::size_t>(static_cast<std::size_t>(st.max_cat_threshold), (nu + 1) / 2);
    const double l2c = c.lambda_l2 + st.cat_l2;
    std::uint32_t rev[256];
    for (std::size_t i = 0; i < nu; ++i) rev[i] = used[nu - 1 - i];
    for (const std::uint32_t* order : {static_cast<const std::uint32_t*>(used), static_cast<const std::uint32_t*>(rev)}) {
        node_sums left;
        std::int64_t group = 0;
        for (std::size_t i = 0; i < nu && i < max_k; ++i) {
            const hist_cell& cell = h[order[i]];
            add_cell(left, cell);
            group += cell.c;
            if (left.c < c.min_data_in_leaf || dequantize(left.h, s.sh) < c.min_child_weight) continue;
            const std::int64_t rc = total.c - left.c;
            if (rc < c.min_data_in_leaf || rc < st.min_data_per_group) break;
            if (dequantize(total.h - left.h, s.sh) < c.min_child_weight) break;
            if (group < st.min_data_per_group) continue;
            group = 0;
            take(split_gain(total, left, s, c, parent_gain, l2c), left, order, i + 1);
        }
    }
}

// Best split over the features f0 <= f < f1 with mask[f] != 0 (mask == nullptr:
// all); parent_gain = node_gain(total). The caller checks total.c >=
// 2 min_data_in_leaf.
inline split_info find_best_split_range(const hist_cell* h, const std::vector<bin_mapper>& mappers,
                                        const std::uint32_t* offset, const std::uint8_t* mask,
                                        const node_sums& total, const fixed_scale& s, const split_settings& st,
                                        double parent_gain, std::size_t f0, std::size_t f1) {
    split_info best;
    for (std::size_t f = f0; f < f1; ++f) {
        if (mask && !mask[f]) continue;
        const auto& m = mappers[f];
        const hist_cell* hf = h + offset[f];
        if (m.categorical) scan_categorical(best, hf, m.n_value_bins, static_cast<std::int32_t>(f), total, s, st, parent_gain);
        else if (m.n_value_bins >= 2 || hf[m.n_value_bins].c > 0)
            scan_numerical(best, hf, m.n_value_bins, static_cast<std::int32_t>(f), total, s, st, parent_gain);
    }
    return best;
}

// The best of two feature ranges' results, the earlier range first: the same
// split as one scan over both (a later candidate wins only with a strictly
// larger gain).
inline const split_info& better_split(const split_info& earlier, const split_info& later) noexcept {
    return later.gain > earlier.gain ? later : earlier;
}

// Best split over the features with mask[f] != 0 (mask == nullptr: all).
inline split_info find_best_split(const hist_cell* h, const std::vector<bin_mapper>& mappers,
                                  const std::uint32_t* offset, const std::uint8_t* mask,
                                  const node_sums& total, const fixed_scale& s, const split_settings& st) {
    if (total.c < 2 * st.c.min_data_in_leaf) return split_info{};
    return find_best_split_range(h, mappers, offset, mask, total, s, st, node_gain(total, s, st.c), 0, mappers.size());
}

}  // namespace tessera::gbdt::detail
