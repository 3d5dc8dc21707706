// tessera/learners/gbdt/params.hpp — hyperparameters of the histogram
// gradient-boosted trees (names follow LightGBM where that is not misleading:
// rounds = num_iterations, max_leaves = num_leaves, min_child_weight =
// min_sum_hessian_in_leaf, subsample = bagging_fraction with bagging_freq = 1).
// Every field is checked at fit time; a bad value throws config_error naming it.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>

namespace tessera::gbdt {

enum class objective_kind : std::uint8_t {
    squared_error,       // L2 regression
    absolute_error,      // L1 regression; leaves refit to the median residual
    huber,               // Huber loss with `huber_delta`
    poisson,             // log link; labels >= 0
    binary_logloss,      // classifier with 2 classes
    multiclass_softmax,  // classifier with K > 2 classes (K trees per round)
};

enum class growth_policy : std::uint8_t {
    leaf_wise,   // best-first: split the leaf with the largest gain (LightGBM)
    depth_wise,  // level by level up to max_depth (XGBoost's default)
};

enum class importance : std::uint8_t { split, gain };

struct params {
    int rounds = 100;                 // boosting rounds (LightGBM num_iterations); >= 1
    double learning_rate = 0.1;       // shrinkage; finite, > 0
    int max_leaves = 31;              // leaves per tree (num_leaves); >= 2 (0 = no cap, depth_wise only)
    int max_depth = -1;               // <= 0: unlimited (leaf_wise); depth_wise needs >= 1
    int max_bin = 255;                // value bins per feature, 2..255 (+ one NaN bin)
    int min_data_in_leaf = 20;        // rows per leaf; >= 1
    double min_child_weight = 1e-3;   // hessian sum per leaf (min_sum_hessian_in_leaf); >= 0
    double lambda_l1 = 0.0;           // L1 on leaf values; >= 0
    double lambda_l2 = 0.0;           // L2 on leaf values; >= 0
    double min_split_gain = 0.0;      // a split needs gain > this; >= 0
    double subsample = 1.0;           // row fraction per tree (bagging_fraction); (0, 1]
    double colsample_bytree = 1.0;    // feature fraction per tree; (0, 1]
    double colsample_bynode = 1.0;    // feature fraction per node (of the tree's); (0, 1]
    std::uint64_t seed = 0;           // every random choice (sampling, bin sample) derives from it
    int early_stopping_rounds = 0;    // 0 = off; needs an eval set
    double scale_pos_weight = 1.0;    // binary: weight of class 1 rows; > 0
    std::vector<double> class_weight{};  // per class weight (empty = all 1); each > 0
    std::vector<std::size_t> categorical_features{};  // columns holding category codes 0, 1, ...
    int max_cat_to_onehot = 4;        // categories <= this: one-vs-rest splits
    int max_cat_threshold = 32;       // most categories on the left of a sorted split
    double cat_smooth = 10.0;         // sorted split: ctr = G / (H + cat_smooth); categories
                                      // with fewer rows than cat_smooth are skipped
    double cat_l2 = 10.0;             // extra L2 in sorted categorical splits
    int min_data_per_group = 100;     // rows per group in sorted categorical splits
    growth_policy growth = growth_policy::leaf_wise;
    objective_kind objective = objective_kind::squared_error;  // regressor; classifier picks
    double huber_delta = 1.0;         // Huber transition point; > 0
    std::size_t bin_sample = 200000;  // rows sampled (seeded) to find the bin bounds; >= 1
    int min_data_in_bin = 3;          // LightGBM's min_data_in_bin; >= 1
    int hist_cache = 0;               // histograms kept per tree (0 = max_leaves + 1, within 128 MiB); >= 0
    bool boost_from_average = true;   // base score = optimal constant
};

namespace detail {

inline void check_params(const params& p, std::string_view who = "gbdt") {
    using errors::out_of_range;
    auto finite_ge0 = [&](double v, std::string_view f) {
        if (!std::isfinite(v) || v < 0.0) throw out_of_range(who, f, v, "finite, >= 0");
    };
    auto frac = [&](double v, std::string_view f) {
        if (!(v > 0.0 && v <= 1.0)) throw out_of_range(who, f, v, "(0, 1]");
    };
    if (p.rounds < 1) throw out_of_range(who, "rounds", p.rounds, ">= 1");
    if (!std::isfinite(p.learning_rate) || !(p.learning_rate > 0.0))
        throw out_of_range(who, "learning_rate", p.learning_rate, "finite, > 0");
    if (p.growth != growth_policy::leaf_wise && p.growth != growth_policy::depth_wise)
        throw out_of_range(who, "growth", static_cast<int>(p.growth), "leaf_wise or depth_wise");
    if (p.growth == growth_policy::leaf_wise && p.max_leaves < 2)
        throw out_of_range(who, "max_leaves", p.max_leaves, ">= 2 (leaf_wise growth)");
    if (p.max_leaves < 0 || p.max_leaves == 1 || p.max_leaves > (1 << 20))
        throw out_of_range(who, "max_leaves", p.max_leaves, "0 (depth_wise only) or 2..1048576");
    if (p.growth == growth_policy::depth_wise && (p.max_depth < 1 || p.max_depth > 30))
        throw out_of_range(who, "max_depth", p.max_depth, "1..30 for depth_wise growth");
    if (p.max_depth > 30) throw out_of_range(who, "max_depth", p.max_depth, "<= 30 (<= 0: unlimited)");
    if (p.max_bin < 2 || p.max_bin > 255) throw out_of_range(who, "max_bin", p.max_bin, "2..255");
    if (p.min_data_in_leaf < 1)
        throw out_of_range(who, "min_data_in_leaf", p.min_data_in_leaf, ">= 1");
    finite_ge0(p.min_child_weight, "min_child_weight");
    finite_ge0(p.lambda_l1, "lambda_l1");
    finite_ge0(p.lambda_l2, "lambda_l2");
    finite_ge0(p.min_split_gain, "min_split_gain");
    frac(p.subsample, "subsample");
    frac(p.colsample_bytree, "colsample_bytree");
    frac(p.colsample_bynode, "colsample_bynode");
    if (p.early_stopping_rounds < 0)
        throw out_of_range(who, "early_stopping_rounds", p.early_stopping_rounds, ">= 0 (0 = off)");
    if (!std::isfinite(p.scale_pos_weight) || !(p.scale_pos_weight > 0.0))
        throw out_of_range(who, "scale_pos_weight", p.scale_pos_weight, "finite, > 0");
    for (double w : p.class_weight)
        if (!std::isfinite(w) || !(w > 0.0)) throw out_of_range(who, "class_weight", w, "finite, > 0");
    if (p.max_cat_to_onehot < 1)
        throw out_of_range(who, "max_cat_to_onehot", p.max_cat_to_onehot, ">= 1");
    if (p.max_cat_threshold < 1)
        throw out_of_range(who, "max_cat_threshold", p.max_cat_threshold, ">= 1");
    finite_ge0(p.cat_smooth, "cat_smooth");
    finite_ge0(p.cat_l2, "cat_l2");
    if (p.min_data_per_group < 1)
        throw out_of_range(who, "min_data_per_group", p.min_data_per_group, ">= 1");
    if (static_cast<int>(p.objective) > static_cast<int>(objective_kind::multiclass_softmax))
        throw out_of_range(who, "objective", static_cast<int>(p.objective), "an objective_kind");
    if (!std::isfinite(p.huber_delta) || !(p.huber_delta > 0.0))
        throw out_of_range(who, "huber_delta", p.huber_delta, "finite, > 0");
    if (p.bin_sample < 1) throw out_of_range(who, "bin_sample", p.bin_sample, ">= 1");
    if (p.min_data_in_bin < 1) throw out_of_range(who, "min_data_in_bin", p.min_data_in_bin, ">= 1");
    if (p.hist_cache < 0) throw out_of_range(who, "hist_cache", p.hist_cache, ">= 0 (0 = max_leaves)");
}

}  // namespace detail
}  // namespace tessera::gbdt
