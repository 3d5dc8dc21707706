// tessera/learners/gbdt/shap.hpp — exact TreeSHAP feature contributions of a
// gradient-boosted forest.
//
//   auto phi = gbdt::shap_values(exec::par{}, trees, n_outputs, n_features, base_score, X);
//   // phi(i, k, j): contribution of feature j to raw output k of row i;
//   // phi(i, k, n_features): the bias = base_score[k] + sum over output k's
//   // trees of their expected value (cover-weighted mean of the leaf values).
//
// Per tree, exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018,
// Algorithm 2, with node cover = hessian sum as XGBoost and LightGBM use it;
// detail/shap_treeshap.hpp), added over the trees in tree order; tree t
// belongs to output t % n_outputs. For each row and output, contributions plus
// the bias equal the raw score (base_score + leaf values) up to rounding.
// Tested against brute-force Shapley values of the same game.
//
// Policies: exec::seq and exec::simd run the rows in order on one thread
// (TreeSHAP is a scalar recursion; simd has no separate kernel); exec::par runs
// chunks of rows on the thread pool. Rows are independent and each row's sums
// run in the same order, so every policy and thread count gives the same bits.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/detail/shap_treeshap.hpp>
#include <tessera/learners/gbdt/tree.hpp>

namespace tessera::gbdt {

namespace detail {

// Per-forest precomputation: each tree's bias and depth.
class shap_forest {
public:
    shap_forest(std::span<const tree> trees, std::size_t n_outputs, std::size_t n_features,
                std::span<const double> base_score)
        : trees_(trees), n_outputs_(n_outputs), n_features_(n_features) {
        if (n_outputs == 0)
            throw shape_error("gbdt::shap_values: field 'n_outputs' = 0; a forest has at least one output");
        if (base_score.size() != n_outputs)
            throw shape_error(tessera::detail::concat("gbdt::shap_values: field 'base_score' has ", base_score.size(),
                                                      " values, expected n_outputs = ", n_outputs));
        bias_.assign(base_score.begin(), base_score.end());
        std::vector<double> mean;
        std::size_t depth = 0;
        for (std::size_t t = 0; t < trees.size(); ++t) {
            trees[t].validate(n_features, tessera::detail::concat("gbdt::shap_values: tree ", t));
            bias_[t % n_outputs] += expected_values(trees[t], mean);
            depth = std::max(depth, tree_depth(trees[t]));
        }
        work_size_ = shap_workspace_size(depth);
    }

    std::size_t work_size() const noexcept { return work_size_; }

    // Rows [0, rows) of X into out (rows x n_outputs x (n_features + 1)).
    // Not inlined, so every policy runs the same machine code for a row.
    [[gnu::noinline]] void rows(const float* X, std::size_t rows, double* out,
                                shap_path_element* work) const {
        const std::size_t stride = n_features_ + 1;
        std::fill_n(out, rows * n_outputs_ * stride, 0.0);
        for (std::size_t i = 0; i < rows; ++i) {
            const float* x = X + i * n_features_;
            double* o = out + i * n_outputs_ * stride;
            for (std::size_t t = 0; t < trees_.size(); ++t)
                tree_shap(trees_[t], x, o + (t % n_outputs_) * stride, work).run();
            for (std::size_t k = 0; k < n_outputs_; ++k) o[k * stride + n_features_] = bias_[k];
        }
    }

private:
    std::span<const tree> trees_;
    std::size_t n_outputs_;
    std::size_t n_features_;
    std::vector<double> bias_;
    std::size_t work_size_ = 0;
};

}  // namespace detail

// out[(i * n_outputs + k) * (n_features + 1) + j]; X is rows x n_features, row-major.
template <exec::execution_policy P>
void shap_values(const P& policy, std::span<const tree> trees, std::size_t n_outputs, std::size_t n_features,
                 std::span<const double> base_score, const float* X, std::size_t rows, double* out) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        const detail::shap_forest sf(trees, n_outputs, n_features, base_score);
        const std::size_t per_row = n_outputs * (n_features + 1);
        if constexpr (std::same_as<std::remove_cvref_t<P>, exec::par_t>) {
            // chunks of 64 rows: cheap next to TreeSHAP's work per row
            exec::par_t by_rows = policy;
            by_rows.grain = 64;
            exec::parallel_for(by_rows, rows, [&](const exec::chunk& c) {
                std::vector<detail::shap_path_element> work(sf.work_size());
                sf.rows(X + c.begin * n_features, c.size(), out + c.begin * per_row, work.data());
            });
        } else {
            std::vector<detail::shap_path_element> work(sf.work_size());
            sf.rows(X, rows, out, work.data());
        }
    }
}

// X: rows x n_features (shape_error naming "X" otherwise); returns rows x
// n_outputs x (n_features + 1).
template <exec::execution_policy P>
xt::xtensor<double, 3> shap_values(const P& policy, std::span<const tree> trees, std::size_t n_outputs,
                                   std::size_t n_features, std::span<const double> base_score,
                                   const xt::xtensor<float, 2>& X) {
    if (X.shape(1) != n_features)
        throw shape_error(tessera::detail::concat("gbdt::shap_values: field 'X' has ", X.shape(1),
                                                  " columns, the model has n_features = ", n_features));
    xt::xtensor<double, 3> out = xt::zeros<double>({X.shape(0), n_outputs, n_features + 1});
    shap_values(policy, trees, n_outputs, n_features, base_score, X.data(), X.shape(0), out.data());
    return out;
}

}  // namespace tessera::gbdt
