// tessera/learners/gbdt/detail/shap_treeshap.hpp — exact path-dependent
// TreeSHAP for one tree and one row (Lundberg, Erion & Lee, "Consistent
// individualized feature attribution for tree ensembles", 2018, Algorithm 2;
// the same recursion as XGBoost's and LightGBM's TreeShap).
//
// The game is v(S) = sum over leaves of value * product over the leaf's path of
// [x goes this way] for nodes whose feature is in S, and the cover fraction
// cover(child) / cover(node) for the others (the path-dependent conditional
// expectation). cover_fraction() below is the one rule for those fractions; a
// node with zero (or non-finite) cover sends half to each child. The bias
// (v of the empty set) is expected_value(): the same fractions, bottom up.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tessera/learners/gbdt/tree.hpp>

namespace tessera::gbdt::detail {

inline double child_cover(const tree& t, std::int32_t c) noexcept {
    return tree::is_leaf(c) ? t.leaf_cover[static_cast<std::size_t>(tree::leaf_of(c))]
                            : t.node_cover[static_cast<std::size_t>(c)];
}

// Share of internal node k's cover that child c (a child of k) carries.
inline double cover_fraction(const tree& t, std::size_t k, std::int32_t c) noexcept {
    const double parent = t.node_cover[k];
    if (!(parent > 0.0) || !std::isfinite(parent)) return 0.5;
    return child_cover(t, c) / parent;
}

// Expected value of every internal node (cover-weighted mean of its leaves'
// values with the fractions above); returns the root's (the tree's bias).
inline double expected_values(const tree& t, std::vector<double>& node_mean) {
    node_mean.assign(t.n_internal(), 0.0);
    if (t.n_internal() == 0) return t.leaf_value[0];
    // children are numbered after parents: a reverse sweep sees children first
    for (std::size_t k = t.n_internal(); k-- > 0;) {
        auto mean = [&](std::int32_t c) {
            return tree::is_leaf(c) ? t.leaf_value[static_cast<std::size_t>(tree::leaf_of(c))]
                                    : node_mean[static_cast<std::size_t>(c)];
        };
        node_mean[k] = cover_fraction(t, k, t.left[k]) * mean(t.left[k]) +
                       cover_fraction(t, k, t.right[k]) * mean(t.right[k]);
    }
    return node_mean[0];
}

// Depth of the deepest leaf (root = depth 0).
inline std::size_t tree_depth(const tree& t) {
    if (t.n_internal() == 0) return 0;
    std::vector<std::size_t> depth(t.n_internal(), 0);
    std::size_t deepest = 0;
    for (std::size_t k = 0; k < t.n_internal(); ++k)
        for (const std::int32_t c : {t.left[k], t.right[k]}) {
            if (tree::is_leaf(c)) deepest = std::max(deepest, depth[k] + 1);
            else depth[static_cast<std::size_t>(c)] = depth[k] + 1;
        }
    return deepest;
}

struct shap_path_element {
    std::int64_t feature;  // -1 for the root's dummy element
    double zero_fraction;
    double one_fraction;
    double pweight;
};

// Workspace of one TreeSHAP call: (depth + 2) (depth + 3) / 2 path elements.
inline std::size_t shap_workspace_size(std::size_t depth) { return (depth + 2) * (depth + 3) / 2; }

class tree_shap {
public:
    tree_shap(const tree& t, const float* x, double* phi, shap_path_element* work) noexcept
        : t_(t), x_(x), phi_(phi), work_(work) {}

    // Adds tree t's contributions for row x to phi[0, n_features).
    void run() {
        if (t_.n_internal() == 0) return;  // a constant tree: all in the bias
        recurse(0, 0, work_, 1.0, 1.0, -1);
    }

private:
    static void extend(shap_path_element* path, std::size_t d, double zero, double one, std::int64_t feature) {
        path[d] = {feature, zero, one, d == 0 ? 1.0 : 0.0};
        const double dd = static_cast<double>(d + 1);
        for (std::size_t i = d; i-- > 0;) {
            path[i + 1].pweight += one * path[i].pweight * static_cast<double>(i + 1) / dd;
            path[i].pweight = zero * path[i].pweight * static_cast<double>(d - i) / dd;
        }
    }

    static void unwind(shap_path_element* path, std::size_t d, std::size_t index) {
        const double one = path[index].one_fraction, zero = path[index].zero_fraction;
        const double dd = static_cast<double>(d + 1);
        double next = path[d].pweight;
        for (std::size_t i = d; i-- > 0;) {
            if (one != 0.0) {
                const double tmp = path[i].pweight;
                path[i].pweight = next * dd / (static_cast<double>(i + 1) * one);
                next = tmp - path[i].pweight * zero * static_cast<double>(d - i) / dd;
            } else {
                path[i].pweight = path[i].pweight * dd / (zero * static_cast<double>(d - i));
            }
        }
        for (std::size_t i = index; i < d; ++i) {
            path[i].feature = path[i + 1].feature;
            path[i].zero_fraction = path[i + 1].zero_fraction;
            path[i].one_fraction = path[i + 1].one_fraction;
        }
    }

    static double unwound_sum(const shap_path_element* path, std::size_t d, std::size_t index) {
        const double one = path[index].one_fraction, zero = path[index].zero_fraction;
        const double dd = static_cast<double>(d + 1);
        double next = path[d].pweight, total = 0.0;
        for (std::size_t i = d; i-- > 0;) {
            if (one != 0.0) {
                const double tmp = next * dd / (static_cast<double>(i + 1) * one);
                total += tmp;
                next = path[i].pweight - tmp * zero * (static_cast<double>(d - i) / dd);
            } else if (zero != 0.0) {
                total += (path[i].pweight / zero) / (static_cast<double>(d - i) / dd);
            }
        }
        return total;
    }

    void recurse(std::int32_t node, std::size_t d, shap_path_element* parent_path, double zero, double one,
                 std::int64_t feature) {
        shap_path_element* path = parent_path + d + 1;  // this level's copy
        for (std::size_t i = 0; i < d; ++i) path[i] = parent_path[i];
        extend(path, d, zero, one, feature);
        if (tree::is_leaf(node)) {
            const double v = t_.leaf_value[static_cast<std::size_t>(tree::leaf_of(node))];
            for (std::size_t i = 1; i <= d; ++i) {
                const double w = unwound_sum(path, d, i);
                phi_[path[i].feature] += w * (path[i].one_fraction - path[i].zero_fraction) * v;
            }
            return;
        }
        const auto k = static_cast<std::size_t>(node);
        const std::int64_t f = t_.split_feature[k];
        const bool left = t_.goes_left(k, x_[f]);
        const std::int32_t hot = left ? t_.left[k] : t_.right[k];
        const std::int32_t cold = left ? t_.right[k] : t_.left[k];
        const double hot_zero = cover_fraction(t_, k, hot), cold_zero = cover_fraction(t_, k, cold);
        double in_zero = 1.0, in_one = 1.0;
        std::size_t index = 0;
        while (index <= d && path[index].feature != f) ++index;
        if (index != d + 1) {  // this feature split before on the path: undo that split
            in_zero = path[index].zero_fraction;
            in_one = path[index].one_fraction;
            unwind(path, d, index);
            --d;
        }
        recurse(hot, d + 1, path, hot_zero * in_zero, in_one, f);
        recurse(cold, d + 1, path, cold_zero * in_zero, 0.0, f);
    }

    const tree& t_;
    const float* x_;
    double* phi_;
    shap_path_element* work_;
};

}  // namespace tessera::gbdt::detail
