// tessera/learners/gbdt/tree.hpp — one regression tree of a gradient-boosted
// model, stored flat (structure of arrays), the exchange format between the
// grower (CPU and CUDA), the scorers, TreeSHAP and the model file.
//
// Layout (LightGBM's convention): internal nodes are numbered 0..n_internal-1,
// node 0 is the root; a child index c >= 0 is an internal node, c < 0 is leaf
// ~c (= -c - 1). A tree with a single leaf has no internal nodes and one leaf.
//
// Decision at internal node k for a float feature value x = row[split_feature[k]]:
//   - x is NaN                      -> left if default_left(k), else right;
//   - numerical:  x <= threshold[k] -> left, else right;
//   - categorical: c = (int)x; left iff 0 <= c < 32 * cat_words(k) and bit c of
//     the node's bitset is set (negative, too large or non-integral codes go right).
// Thresholds are float values (features are float32; the bin mapper rounds a
// bin's upper bound down to a float, so x <= t in float is exactly the binned
// decision). Leaf values already include the learning rate.
// `cover` is the sum of hessians of the training rows that reached a node or
// leaf (XGBoost's cover), used by TreeSHAP; `count` the number of those rows.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>

namespace tessera::gbdt {

struct tree {
    static constexpr std::uint8_t flag_default_left = 1;
    static constexpr std::uint8_t flag_categorical = 2;

    // internal nodes
    std::vector<std::int32_t> split_feature;
    std::vector<float> threshold;          // numerical nodes (unused for categorical)
    std::vector<std::int32_t> left;        // child: >= 0 internal node, < 0 leaf ~c
    std::vector<std::int32_t> right;
    std::vector<std::uint8_t> flags;       // flag_default_left | flag_categorical
    std::vector<std::uint32_t> cat_begin;  // categorical: first word in cat_bits
    std::vector<std::uint32_t> cat_size;   // categorical: number of 32-bit words
    std::vector<double> gain;              // split gain (loss reduction)
    std::vector<double> node_cover;        // hessian sum at the node
    std::vector<std::int64_t> node_count;  // training rows at the node
    std::vector<std::uint32_t> cat_bits;   // all categorical bitsets, concatenated

    // leaves
    std::vector<double> leaf_value;
    std::vector<double> leaf_cover;
    std::vector<std::int64_t> leaf_count;

    std::size_t n_internal() const noexcept { return split_feature.size(); }
    std::size_t n_leaves() const noexcept { return leaf_value.size(); }

    static constexpr bool is_leaf(std::int32_t child) noexcept { return child < 0; }
    static constexpr std::int32_t leaf_of(std::int32_t child) noexcept { return ~child; }
    static constexpr std::int32_t as_child(std::int32_t leaf) noexcept { return ~leaf; }

    bool default_left(std::size_t k) const noexcept { return (flags[k] & flag_default_left) != 0; }
    bool categorical(std::size_t k) const noexcept { return (flags[k] & flag_categorical) != 0; }

    // Whether value x goes to the left child of internal node k (the reference
    // decision every scorer must reproduce).
    bool goes_left(std::size_t k, float x) const noexcept {
        if (std::isnan(x)) return default_left(k);
        if (!categorical(k)) return x <= threshold[k];
        if (!(x >= 0.0f) || x >= 4294967296.0f) return false;
        const auto c = static_cast<std::uint64_t>(x);
        if (static_cast<float>(c) != x) return false;
        if (c >= 32ull * cat_size[k]) return false;
        return ((cat_bits[cat_begin[k] + c / 32] >> (c % 32)) & 1u) != 0;
    }

    // Leaf reached by a row of n_features floats (reference path).
    std::int32_t leaf_index(const float* row) const noexcept {
        if (n_internal() == 0) return 0;
        std::int32_t node = 0;
        while (true) {
            const auto k = static_cast<std::size_t>(node);
            const std::int32_t next = goes_left(k, row[split_feature[k]]) ? left[k] : right[k];
            if (is_leaf(next)) return leaf_of(next);
            node = next;
        }
    }
    double predict_row(const float* row) const noexcept {
        return leaf_value[static_cast<std::size_t>(leaf_index(row))];
    }

    // Structural check (every loaded tree goes through it): array sizes agree,
    // each node and leaf is reached exactly once from the root, features are in
    // range, bitsets lie inside cat_bits. Throws format_error saying what.
    void validate(std::size_t n_features, std::string_view where = "gbdt tree") const {
        const std::size_t m = n_internal();
        auto bad = [&](auto&&... parts) {
            throw format_error(tessera::detail::concat(where, ": ", parts...));
        };
        if (threshold.size() != m || left.size() != m || right.size() != m || flags.size() != m ||
            cat_begin.size() != m || cat_size.size() != m || gain.size() != m ||
            node_cover.size() != m || node_count.size() != m)
            bad("internal-node arrays have different lengths");
        if (leaf_cover.size() != n_leaves() || leaf_count.size() != n_leaves())
            bad("leaf arrays have different lengths");
        if (n_leaves() != m + 1) bad(m, " internal nodes but ", n_leaves(), " leaves (expected ", m + 1, ")");
        std::vector<std::uint8_t> seen_node(m, 0), seen_leaf(n_leaves(), 0);
        if (m > 0) seen_node[0] = 1;
        else seen_leaf[0] = 1;  // a single-leaf tree: the root is leaf 0
        for (std::size_t k = 0; k < m; ++k) {
            if (split_feature[k] < 0 || static_cast<std::size_t>(split_feature[k]) >= n_features)
                bad("node ", k, " splits on feature ", split_feature[k], ", the model has ", n_features);
            if (flags[k] > (flag_default_left | flag_categorical)) bad("node ", k, " has unknown flags");
            if (categorical(k) && (std::uint64_t{cat_begin[k]} + cat_size[k] > cat_bits.size()))
                bad("node ", k, " categorical bitset lies outside the bit store");
            if (!categorical(k) && std::isnan(threshold[k])) bad("node ", k, " has a NaN threshold");
            for (const std::int32_t c : {left[k], right[k]}) {
                if (is_leaf(c)) {
                    const auto l = static_cast<std::size_t>(leaf_of(c));
                    if (l >= n_leaves() || seen_leaf[l]++) bad("node ", k, " has a bad leaf child ", l);
                } else {
                    const auto j = static_cast<std::size_t>(c);
                    // children are numbered after their parent, so there are no cycles
                    if (j >= m || j <= k || seen_node[j]++) bad("node ", k, " has a bad child ", j);
                }
            }
        }
        for (std::size_t k = 0; k < m; ++k)
            if (!seen_node[k]) bad("node ", k, " is unreachable");
        for (std::size_t l = 0; l < n_leaves(); ++l)
            if (!seen_leaf[l]) bad("leaf ", l, " is unreachable");
    }

    void save(io::writer& w) const {
        w.put(split_feature);
        w.put(threshold);
        w.put(left);
        w.put(right);
        w.put(flags);
        w.put(cat_begin);
        w.put(cat_size);
        w.put(gain);
        w.put(node_cover);
        w.put(node_count);
        w.put(cat_bits);
        w.put(leaf_value);
        w.put(leaf_cover);
        w.put(leaf_count);
    }
    static tree load(io::reader& r, std::size_t n_features) {
        tree t;
        t.split_feature = r.get_vector<std::int32_t>("tree.split_feature");
        t.threshold = r.get_vector<float>("tree.threshold");
        t.left = r.get_vector<std::int32_t>("tree.left");
        t.right = r.get_vector<std::int32_t>("tree.right");
        t.flags = r.get_vector<std::uint8_t>("tree.flags");
        t.cat_begin = r.get_vector<std::uint32_t>("tree.cat_begin");
        t.cat_size = r.get_vector<std::uint32_t>("tree.cat_size");
        t.gain = r.get_vector<double>("tree.gain");
        t.node_cover = r.get_vector<double>("tree.node_cover");
        t.node_count = r.get_vector<std::int64_t>("tree.node_count");
        t.cat_bits = r.get_vector<std::uint32_t>("tree.cat_bits");
        t.leaf_value = r.get_vector<double>("tree.leaf_value");
        t.leaf_cover = r.get_vector<double>("tree.leaf_cover");
        t.leaf_count = r.get_vector<std::int64_t>("tree.leaf_count");
        t.validate(n_features, "gbdt model file");
        return t;
    }

    friend bool operator==(const tree&, const tree&) = default;
};

}  // namespace tessera::gbdt
