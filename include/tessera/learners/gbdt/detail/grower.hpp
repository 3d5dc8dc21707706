// tessera/learners/gbdt/detail/grower.hpp — grows one tree over a backend
// (backend.hpp): leaf-wise best-first (LightGBM: split the leaf with the
// largest gain until max_leaves) or depth-wise (XGBoost's DepthWise order:
// shallower leaves first, then creation order, up to max_depth). One driver,
// two orders of the open leaves.
//
// Histograms: after a split only the smaller child's histogram is built; the
// larger child's is parent - smaller, computed in the parent's buffer. Buffers
// come from a bounded cache (hist_cache); when it is full the histogram of the
// open leaf with the fewest rows is dropped, and a leaf split without its
// histogram builds both children directly. Leaves that can no longer split
// (depth limit, too few rows, leaf budget spent) get no histogram at all.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/learners/gbdt/detail/backend.hpp>
#include <tessera/learners/gbdt/tree.hpp>

namespace tessera::gbdt::detail {

struct grow_settings {
    int max_leaves = 31;      // 0 = no cap
    int max_depth = -1;       // <= 0 = no cap
    bool depth_wise = false;
    int hist_cache = 0;       // 0 = max_leaves (at least 3)
    double colsample_bynode = 1.0;
    std::uint64_t seed = 0;
    std::uint64_t stream = 0; // per tree
    std::int64_t min_data_in_leaf = 20;
};

// The result besides the tree: each leaf's row range in backend.rows(), the
// integer sums of each leaf, and each internal node's go-left table over bins
// (binned traversal for out-of-bag and eval rows).
struct grown_tree {
    tree t;
    std::vector<std::uint32_t> leaf_begin, leaf_end;
    std::vector<node_sums> leaf_sums;
    std::vector<std::array<std::uint8_t, 256>> node_lut;

    template <class BinAt>
    std::int32_t leaf_of_binned(BinAt&& bin_at) const {
        if (t.n_internal() == 0) return 0;
        std::int32_t node = 0;
        for (;;) {
            const auto k = static_cast<std::size_t>(node);
            const std::int32_t next =
                node_lut[k][bin_at(static_cast<std::size_t>(t.split_feature[k]))] ? t.left[k] : t.right[k];
            if (tree::is_leaf(next)) return tree::leaf_of(next);
            node = next;
        }
    }
};

template <class Backend>
class grower {
public:
    grower(Backend& be, const grow_settings& gs) : be_(be), gs_(gs) {
        const std::size_t cap_leaves = gs.max_leaves > 0 ? static_cast<std::size_t>(gs.max_leaves) : std::size_t{1} << 20;
        std::size_t cache = gs.hist_cache > 0 ? static_cast<std::size_t>(gs.hist_cache) : cap_leaves + 1;
        const std::size_t bytes = be.total_bins() * sizeof(hist_cell);
        if (gs.hist_cache == 0) cache = std::min(cache, std::max<std::size_t>(3, (std::size_t{128} << 20) / std::max<std::size_t>(1, bytes)));
        cache_cap_ = std::max<std::size_t>(cache, 3);
    }

    // feature_mask: per-tree allowed features (nullptr = all).
    // root_sums: integer sums over the root rows.
    grown_tree grow(std::uint32_t n_root, const node_sums& root_sums, const std::uint8_t* tree_mask,
                    std::size_t n_features) {
        grown_tree out;
        leaves_.clear();
        free_.clear();
        for (std::size_t s = 0; s < pool_.size(); ++s) free_.push_back(s);
        n_features_ = n_features;
        tree_mask_ = tree_mask;
        node_seq_ = 0;

        leaf root;
        root.begin = 0;
        root.end = n_root;
        root.depth = 0;
        root.parent = -1;
        root.seq = 0;
        leaves_.push_back(root);
        const int leaf_cap = gs_.max_leaves > 0 ? gs_.max_leaves : (1 << 20);
        leaves_[0].sums = root_sums;
        if (can_split(leaves_[0], 1, leaf_cap)) {
            leaves_[0].hist = acquire(0);
            be_.build_histogram(0, n_root, hist(leaves_[0].hist));
            evaluate(0);
        }

        tree& t = out.t;
        while (static_cast<int>(leaves_.size()) < leaf_cap) {
            const int l = pick();
            if (l < 0) break;
            split_leaf(out, l, leaf_cap);
        }
        const std::size_t L = leaves_.size();
        t.leaf_value.assign(L, 0.0);
        t.leaf_cover.resize(L);
        t.leaf_count.resize(L);
        out.leaf_begin.resize(L);
        out.leaf_end.resize(L);
        out.leaf_sums.resize(L);
        for (std::size_t l = 0; l < L; ++l) {
            out.leaf_begin[l] = leaves_[l].begin;
            out.leaf_end[l] = leaves_[l].end;
            out.leaf_sums[l] = leaves_[l].sums;
            t.leaf_cover[l] = dequantize(leaves_[l].sums.h, be_.scale().sh);
            t.leaf_count[l] = leaves_[l].sums.c;
        }
        for (auto& lf : leaves_) release(lf);
        return out;
    }

private:
    struct leaf {
        std::uint32_t begin = 0, end = 0;
        node_sums sums;
        int depth = 0;
        std::int32_t parent = -1;  // internal node pointing at this leaf
        bool is_left = false;
        std::int64_t hist = -1;    // pool slot or -1
        split_info best;
        bool evaluated = false;
        std::uint64_t seq = 0;
    };

    hist_cell* hist(std::int64_t slot) { return pool_[static_cast<std::size_t>(slot)].data(); }

    bool can_split(const leaf& lf, std::size_t n_leaves, int leaf_cap) const {
        if (static_cast<int>(n_leaves) >= leaf_cap) return false;
        if (gs_.max_depth > 0 && lf.depth >= gs_.max_depth) return false;
        return static_cast<std::int64_t>(lf.end - lf.begin) >= 2 * gs_.min_data_in_leaf;
    }

    std::int64_t acquire(std::size_t protect_leaf) {
        if (free_.empty() && pool_.size() < cache_cap_) {
            pool_.emplace_back(be_.total_bins());
            return static_cast<std::int64_t>(pool_.size() - 1);
        }
        if (free_.empty()) {  // evict the open leaf with the fewest rows
            std::size_t victim = leaves_.size();
            for (std::size_t l = 0; l < leaves_.size(); ++l) {
                if (l == protect_leaf || leaves_[l].hist < 0 || !leaves_[l].evaluated) continue;
                if (victim == leaves_.size() ||
                    leaves_[l].end - leaves_[l].begin < leaves_[victim].end - leaves_[victim].begin)
                    victim = l;
            }
            release(leaves_[victim]);
        }
        const std::size_t s = free_.back();
        free_.pop_back();
        return static_cast<std::int64_t>(s);
    }
    void release(leaf& lf) {
        if (lf.hist >= 0) free_.push_back(static_cast<std::size_t>(lf.hist));
        lf.hist = -1;
    }

    void evaluate(std::size_t l) {
        leaf& lf = leaves_[l];
        const std::uint8_t* mask = tree_mask_;
        if (gs_.colsample_bynode < 1.0) {
            node_mask_.assign(n_features_, 0);
            std::vector<std::size_t> allowed;
            for (std::size_t f = 0; f < n_features_; ++f)
                if (!tree_mask_ || tree_mask_[f]) allowed.push_back(f);
            const auto k = std::max<std::size_t>(
                1, static_cast<std::size_t>(static_cast<double>(allowed.size()) * gs_.colsample_bynode + 0.5));
            rng r(gs_.seed ^ 0x6e6f6465ULL, (gs_.stream << 20) + lf.seq);
            for (std::size_t i : r.sample_without_replacement(allowed.size(), std::min(k, allowed.size())))
                node_mask_[allowed[i]] = 1;
            mask = node_mask_.data();
        }
        lf.best = be_.find_split(hist(lf.hist), lf.sums, mask);
        lf.evaluated = true;
        if (!lf.best.valid()) release(lf);  // never split: its histogram is not needed
    }

    int pick() const {
        int best = -1;
        for (std::size_t l = 0; l < leaves_.size(); ++l) {
            const leaf& lf = leaves_[l];
            if (!lf.evaluated || !lf.best.valid()) continue;
            if (best < 0) {
                best = static_cast<int>(l);
                continue;
            }
            const leaf& b = leaves_[static_cast<std::size_t>(best)];
            if (gs_.depth_wise) {
                if (lf.depth < b.depth || (lf.depth == b.depth && lf.seq < b.seq)) best = static_cast<int>(l);
            } else if (lf.best.gain > b.best.gain) {
                best = static_cast<int>(l);
            }
        }
        return best;
    }

    void split_leaf(grown_tree& out, int li, int leaf_cap) {
        tree& t = out.t;
        const auto l = static_cast<std::size_t>(li);
        const split_info s = leaves_[l].best;
        const bin_mapper& m = be_.data().mapper(static_cast<std::size_t>(s.feature));
        const auto k = static_cast<std::int32_t>(t.n_internal());
        // the new internal node replaces leaf l in its parent
        if (leaves_[l].parent >= 0) {
            auto& slot = leaves_[l].is_left ? t.left[static_cast<std::size_t>(leaves_[l].parent)]
                                            : t.right[static_cast<std::size_t>(leaves_[l].parent)];
            slot = k;
        }
        const auto new_leaf = static_cast<std::int32_t>(leaves_.size());
        t.split_feature.push_back(s.feature);
        t.left.push_back(tree::as_child(static_cast<std::int32_t>(l)));
        t.right.push_back(tree::as_child(new_leaf));
        std::uint8_t flags = s.default_left ? tree::flag_default_left : 0;
        std::array<std::uint8_t, 256> lut{};
        for (std::uint32_t b = 0; b < m.n_bins(); ++b) lut[b] = s.bin_left(b, m.nan_bin()) ? 1 : 0;
        out.node_lut.push_back(lut);
        if (s.categorical) {
            flags |= tree::flag_categorical;
            std::uint32_t top = 0;
            for (std::uint32_t b = 0; b < m.n_value_bins; ++b)
                if (lut[b]) top = b;
            const std::uint32_t words = top / 32 + 1;
            t.cat_begin.push_back(static_cast<std::uint32_t>(t.cat_bits.size()));
            t.cat_size.push_back(words);
            for (std::uint32_t w = 0; w < words; ++w) {
                std::uint32_t bits = 0;
                for (std::uint32_t b = 0; b < 32; ++b)
                    if (w * 32 + b < 256 && lut[w * 32 + b] && w * 32 + b < m.n_value_bins) bits |= 1u << b;
                t.cat_bits.push_back(bits);
            }
            t.threshold.push_back(0.0f);
        } else {
            t.cat_begin.push_back(0);
            t.cat_size.push_back(0);
            t.threshold.push_back(m.threshold(s.threshold_bin));
        }
        t.flags.push_back(flags);
        t.gain.push_back(s.gain);
        t.node_cover.push_back(dequantize(leaves_[l].sums.h, be_.scale().sh));
        t.node_count.push_back(leaves_[l].sums.c);

        const std::uint32_t b = leaves_[l].begin, e = leaves_[l].end;
        const std::uint32_t nl = be_.partition(b, e, s);
        leaf left = leaves_[l], right = leaves_[l];
        left.end = b + nl;
        right.begin = b + nl;
        left.sums = s.left;
        right.sums = node_sums{leaves_[l].sums.g - s.left.g, leaves_[l].sums.h - s.left.h, leaves_[l].sums.c - s.left.c};
        left.depth = right.depth = leaves_[l].depth + 1;
        left.parent = right.parent = k;
        left.is_left = true;
        right.is_left = false;
        left.seq = ++node_seq_;
        right.seq = ++node_seq_;
        left.evaluated = right.evaluated = false;
        left.best = right.best = split_info{};
        const std::int64_t parent_hist = leaves_[l].hist;
        left.hist = right.hist = -1;
        leaves_[l] = left;
        leaves_.push_back(right);
        const std::size_t li_left = l, li_right = leaves_.size() - 1;

        const std::size_t n_after = leaves_.size();
        const bool sl = can_split(leaves_[li_left], n_after, leaf_cap);
        const bool sr = can_split(leaves_[li_right], n_after, leaf_cap);
        if (!sl && !sr) {
            if (parent_hist >= 0) free_.push_back(static_cast<std::size_t>(parent_hist));
            return;
        }
        const bool left_smaller = nl <= (e - b) - nl;
        const std::size_t small = left_smaller ? li_left : li_right;
        const std::size_t large = left_smaller ? li_right : li_left;
        const bool need_large = left_smaller ? sr : sl;
        const bool need_small = left_smaller ? sl : sr;
        if (parent_hist >= 0 && need_large) {
            // parent's buffer becomes the larger child's: build small, subtract
            leaves_[large].hist = parent_hist;
            leaves_[small].hist = acquire(large);
            if constexpr (requires { be_.build_and_subtract(0u, 0u, hist(0), hist(0)); }) {
                be_.build_and_subtract(leaves_[small].begin, leaves_[small].end, hist(leaves_[small].hist),
                                       hist(parent_hist));
            } else {
                be_.build_histogram(leaves_[small].begin, leaves_[small].end, hist(leaves_[small].hist));
                be_.subtract(hist(parent_hist), hist(leaves_[small].hist));
            }
        } else {
            if (parent_hist >= 0) free_.push_back(static_cast<std::size_t>(parent_hist));
            for (std::size_t c : {small, large}) {
                if (!(c == small ? need_small : need_large)) continue;
                leaves_[c].hist = acquire(c);
                be_.build_histogram(leaves_[c].begin, leaves_[c].end, hist(leaves_[c].hist));
            }
        }
        if (need_small) evaluate(small);
        else release(leaves_[small]);
        if (need_large) evaluate(large);
        else release(leaves_[large]);
    }

    Backend& be_;
    grow_settings gs_;
    std::size_t cache_cap_ = 3;
    std::vector<hist_buffer> pool_;
    std::vector<std::size_t> free_;
    std::vector<leaf> leaves_;
    std::vector<std::uint8_t> node_mask_;
    const std::uint8_t* tree_mask_ = nullptr;
    std::size_t n_features_ = 0;
    std::uint64_t node_seq_ = 0;
};

}  // namespace tessera::gbdt::detail
