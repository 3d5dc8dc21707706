// tests/gbdt_predict/random_trees.hpp — random valid gbdt::tree builders and
// random inputs for the scoring and TreeSHAP tests.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/learners/gbdt/tree.hpp>

namespace gbdt_test {

// Draws through tessera's Philox stream (core/random.hpp), seeds explicit.
struct draws {
    tessera::philox_engine e;
    explicit draws(std::uint64_t seed) : e(seed, 0) {}
    std::uint64_t next() { return e(); }
    double uniform() { return e.uniform(); }
    std::size_t below(std::size_t n) { return e.uniform_int<std::size_t>(0, n - 1); }
    bool chance(double p) { return uniform() < p; }
};

enum class shape { random, chain, balanced };

struct tree_options {
    std::size_t n_features = 4;
    std::size_t n_leaves = 8;
    shape form = shape::random;
    double p_categorical = 0.2;  // chance that a split is categorical
    double p_default_left = 0.5;
    std::size_t max_cat_words = 3;
};

// Threshold grid shared with the inputs so that equality (x == t) happens.
inline float grid_value(draws& r) { return static_cast<float>(static_cast<int>(r.below(41)) - 20) * 0.25f; }

// A random tree with exactly n_leaves leaves: start from one leaf and split a
// leaf (random one, the newest one for chains, the oldest for balanced) until
// there are n_leaves. Internal nodes are numbered in preorder (children after
// parents, as tree::validate requires). Leaf covers are random positive,
// internal covers the sum of their children's.
inline tessera::gbdt::tree random_tree(draws& r, const tree_options& o) {
    using tessera::gbdt::tree;
    struct tmp {
        std::int32_t feature = 0;
        float threshold = 0.0f;
        bool dl = false, cat = false;
        std::vector<std::uint32_t> bits;
        std::int32_t l = -1, rr = -1;  // temp children; -1: this is a leaf
        double value = 0.0, cover = 0.0;
        std::int64_t count = 0;
    };
    std::vector<tmp> nodes(1);
    std::vector<std::size_t> leaves{0};
    while (leaves.size() < o.n_leaves) {
        std::size_t pick;
        if (o.form == shape::chain) pick = leaves.size() - 1;
        else if (o.form == shape::balanced) pick = 0;  // FIFO: level by level
        else pick = r.below(leaves.size());
        const std::size_t id = leaves[pick];
        leaves.erase(leaves.begin() + static_cast<std::ptrdiff_t>(pick));
        tmp& n = nodes[id];
        n.feature = static_cast<std::int32_t>(r.below(o.n_features));
        n.dl = r.chance(o.p_default_left);
        n.cat = r.chance(o.p_categorical);
        if (n.cat) {
            const std::size_t words = 1 + r.below(o.max_cat_words);
            for (std::size_t w = 0; w < words; ++w)
                n.bits.push_back(static_cast<std::uint32_t>(r.next()) & static_cast<std::uint32_t>(r.next()));
        } else {
            n.threshold = grid_value(r);
        }
        n.l = static_cast<std::int32_t>(nodes.size());
        n.rr = static_cast<std::int32_t>(nodes.size() + 1);
        nodes.emplace_back();
        nodes.emplace_back();
        leaves.push_back(nodes.size() - 2);
        leaves.push_back(nodes.size() - 1);
    }
    tree t;
    // preorder numbering of internal nodes, leaves in order of visit
    struct emitter {
        std::vector<tmp>& nodes;
        tree& t;
        draws& r;
        std::int32_t emit(std::size_t id) {
            tmp& n = nodes[id];
            if (n.l < 0) {
                const auto leaf = static_cast<std::int32_t>(t.leaf_value.size());
                n.value = (r.uniform() - 0.5) * 2.0;
                n.cover = 0.25 + 4.0 * r.uniform();
                n.count = 1 + static_cast<std::int64_t>(r.below(100));
                t.leaf_value.push_back(n.value);
                t.leaf_cover.push_back(n.cover);
                t.leaf_count.push_back(n.count);
                return tree::as_child(leaf);
            }
            const std::size_t k = t.split_feature.size();
            t.split_feature.push_back(n.feature);
            t.threshold.push_back(n.cat ? 0.0f : n.threshold);
            t.left.push_back(0);
            t.right.push_back(0);
            t.flags.push_back(static_cast<std::uint8_t>((n.dl ? tree::flag_default_left : 0) |
                                                        (n.cat ? tree::flag_categorical : 0)));
            t.cat_begin.push_back(n.cat ? static_cast<std::uint32_t>(t.cat_bits.size()) : 0);
            t.cat_size.push_back(n.cat ? static_cast<std::uint32_t>(n.bits.size()) : 0);
            t.cat_bits.insert(t.cat_bits.end(), n.bits.begin(), n.bits.end());
            t.gain.push_back(r.uniform());
            t.node_cover.push_back(0.0);
            t.node_count.push_back(0);
            const std::int32_t lc = emit(static_cast<std::size_t>(n.l));
            const std::int32_t rc = emit(static_cast<std::size_t>(n.rr));
            t.left[k] = lc;
            t.right[k] = rc;
            auto cov = [&](std::int32_t c) { return tree::is_leaf(c) ? t.leaf_cover[static_cast<std::size_t>(tree::leaf_of(c))] : t.node_cover[static_cast<std::size_t>(c)]; };
            auto cnt = [&](std::int32_t c) { return tree::is_leaf(c) ? t.leaf_count[static_cast<std::size_t>(tree::leaf_of(c))] : t.node_count[static_cast<std::size_t>(c)]; };
            t.node_cover[k] = cov(lc) + cov(rc);
            t.node_count[k] = cnt(lc) + cnt(rc);
            return static_cast<std::int32_t>(k);
        }
    } e{nodes, t, r};
    e.emit(0);
    return t;
}

// rows x n_features floats: grid values (ties with thresholds), integer
// category codes (also negative, fractional, huge), NaN, +-inf.
inline std::vector<float> random_rows(draws& r, std::size_t rows, std::size_t n_features, double p_nan = 0.1) {
    std::vector<float> x(rows * n_features);
    for (float& v : x) {
        const double u = r.uniform();
        if (u < p_nan) v = std::numeric_limits<float>::quiet_NaN();
        else if (u < p_nan + 0.02) v = r.chance(0.5) ? INFINITY : -INFINITY;
        else if (u < p_nan + 0.35) v = static_cast<float>(r.below(100));       // category codes
        else if (u < p_nan + 0.38) v = static_cast<float>(r.below(100)) + 0.5f;  // non-integral
        else if (u < p_nan + 0.40) v = r.chance(0.5) ? 4294967296.0f : -1.0f;
        else v = grid_value(r) + (r.chance(0.5) ? 0.0f : 0.1f);
    }
    return x;
}

}  // namespace gbdt_test
