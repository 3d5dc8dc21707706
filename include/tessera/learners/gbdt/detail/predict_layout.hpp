// tessera/learners/gbdt/detail/predict_layout.hpp — the packed node array of
// flat_forest and the scalar decision on it.
//
// Every tree becomes a run of 16-byte nodes in one array shared by the forest.
// The two children of a node sit next to each other (right = left + 1), laid
// out breadth first from the root, so the top levels of a tree share cache
// lines and a SIMD step needs one child index per lane. Leaves are nodes too
// (their value in a parallel array): a leaf has the leaf and default-left bits
// set, a NaN threshold and itself as left child, so the decision
// `left + (goes left ? 0 : 1)` keeps a walk that reached a leaf where it is.
// An internal node also says whether each child is a leaf, so the vector walk
// learns that it reached a leaf in the same step. One extra "parking" node at
// the end of the array loops to itself without any leaf bit (idle SIMD lanes).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace tessera::gbdt::detail {

struct flat_node {
    static constexpr std::uint32_t feature_mask = (std::uint32_t{1} << 27) - 1;
    static constexpr std::uint32_t right_leaf_bit = std::uint32_t{1} << 27;  // right child is a leaf
    static constexpr std::uint32_t left_leaf_bit = std::uint32_t{1} << 28;   // left child is a leaf
    static constexpr std::uint32_t leaf_bit = std::uint32_t{1} << 29;
    static constexpr std::uint32_t default_left_bit = std::uint32_t{1} << 30;
    static constexpr std::uint32_t categorical_bit = std::uint32_t{1} << 31;

    std::uint32_t meta;  // feature | child leaf bits | leaf_bit | default_left_bit | categorical_bit
    float threshold;     // numerical: x <= threshold goes left; categorical: bit
                         // pattern of the bitset's word count; leaf: NaN
    std::int32_t left;   // index of the left child in the forest array; leaf: itself
    std::int32_t aux;    // categorical: first word of the bitset; otherwise 0

    bool is_leaf() const noexcept { return (meta & leaf_bit) != 0; }
    std::uint32_t feature() const noexcept { return meta & feature_mask; }
};
static_assert(sizeof(flat_node) == 16, "flat_node must pack into 16 bytes");

// tree::goes_left on a packed node (the same rules, bit for bit).
inline bool flat_goes_left(const flat_node& n, float x, const std::uint32_t* cat_bits) noexcept {
    if (std::isnan(x)) return (n.meta & flat_node::default_left_bit) != 0;
    if ((n.meta & flat_node::categorical_bit) == 0) return x <= n.threshold;
    if (!(x >= 0.0f) || x >= 4294967296.0f) return false;
    const auto c = static_cast<std::uint64_t>(x);
    if (static_cast<float>(c) != x) return false;
    if (c >= 32ull * std::bit_cast<std::uint32_t>(n.threshold)) return false;
    return ((cat_bits[static_cast<std::uint32_t>(n.aux) + c / 32] >> (c % 32)) & 1u) != 0;
}

// Index of the leaf node a row reaches from `root` (scalar walk; the child
// leaf bits end it without a visit to the leaf).
inline std::int32_t flat_leaf(const flat_node* nodes, const std::uint32_t* cat_bits,
                              std::int32_t root, const float* row) noexcept {
    if (nodes[root].is_leaf()) return root;
    std::int32_t i = root;
    while (true) {
        const flat_node& n = nodes[i];
        const bool left = flat_goes_left(n, row[n.feature()], cat_bits);
        i = n.left + (left ? 0 : 1);
        if (n.meta & (left ? flat_node::left_leaf_bit : flat_node::right_leaf_bit)) return i;
    }
}

// Per tree: where its root is, which output it adds to, whether the root is a
// leaf (a constant tree) and whether the tree has categorical nodes.
struct flat_tree_info {
    std::int32_t root = 0;
    std::uint32_t output = 0;
    bool root_leaf = false;
    bool categorical = false;
};

}  // namespace tessera::gbdt::detail
