// tessera/learners/gbdt/predict.hpp — scoring a forest of gbdt::tree.
//
//   gbdt::flat_forest ff(trees, n_outputs, n_features);   // built once, immutable
//   ff.predict_raw(exec::par{.threads = 2}, X, rows, out);  // out: rows x n_outputs
//   ff.predict_row(x, out);                                 // one row, no allocation
//
// out[i * n_outputs + k] = sum over trees t < n_trees with t % n_outputs == k of
// tree t's leaf value for row i, added in tree order in double starting from
// 0.0 (no base score). Every policy gives exactly the bits of summing
// tree::predict_row in that order (tested).
//
// Layout: all trees in one array of 16-byte nodes (detail/predict_layout.hpp),
// children adjacent, leaves inline as absorbing nodes.
//   exec::seq   row by row, tree by tree, the scalar walk (the reference);
//   exec::simd  rows walk the trees in xsimd lanes (detail/predict_simd.hpp):
//               64 persistent lanes on AVX-512, each taking one output of one
//               row through that output's trees in order (sums, tree counters
//               and next roots kept in vector registers); gathered node fields
//               and feature values, compare, child select; categorical lanes
//               by the scalar rule. Other ISAs: the same walk, leaf events
//               handled lane by lane;
//   predict_row with native gathers (AVX2, AVX-512) and at least 8 trees:
//               lanes across trees (64 trees at a time walk the one row), then
//               the leaf values are added in tree order; otherwise the scalar walk;
//   exec::par   the simd kernel on chunks of rows across the thread pool. Rows
//               are independent, so any chunking gives the same bits; chunks
//               are max(256, grain / 16) rows (4096 by default).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/detail/predict_layout.hpp>
#include <tessera/learners/gbdt/detail/predict_simd.hpp>
#include <tessera/learners/gbdt/tree.hpp>

namespace tessera::gbdt {

class flat_forest {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    flat_forest() = default;

    // Trees are checked with tree::validate (format_error on a broken tree);
    // n_outputs must be at least 1 (shape_error naming "n_outputs").
    flat_forest(std::span<const tree> trees, std::size_t n_outputs, std::size_t n_features)
        : n_outputs_(n_outputs), n_features_(n_features) {
        if (n_outputs == 0)
            throw shape_error("gbdt::flat_forest: field 'n_outputs' = 0; a forest has at least one output");
        if (n_features > detail::flat_node::feature_mask)
            throw shape_error(tessera::detail::concat("gbdt::flat_forest: field 'n_features' = ", n_features,
                                                      " exceeds the supported ", detail::flat_node::feature_mask));
        info_.reserve(trees.size());
        for (std::size_t t = 0; t < trees.size(); ++t) {
            trees[t].validate(n_features, tessera::detail::concat("gbdt::flat_forest: tree ", t));
            add_tree(trees[t], static_cast<std::uint32_t>(t % n_outputs));
        }
        // The parking node for idle SIMD lanes: loops to itself, no leaf bits.
        park_ = static_cast<std::int32_t>(nodes_.size());
        nodes_.push_back({detail::flat_node::default_left_bit, std::numeric_limits<float>::quiet_NaN(), park_, 0});
        value_.push_back(0.0);
        for (const auto& ti : info_) categorical_ = categorical_ || ti.categorical;
        // The vector walk addresses nodes as 32-bit word offsets (4 per node)
        // and rows as 32-bit float offsets within a run of rows.
        vector_ok_ = n_features > 0 && nodes_.size() <= (std::size_t{1} << 29);
    }

    std::size_t n_trees() const noexcept { return info_.size(); }
    std::size_t n_outputs() const noexcept { return n_outputs_; }
    std::size_t n_features() const noexcept { return n_features_; }
    std::size_t n_nodes() const noexcept { return nodes_.size(); }

    // out[i * n_outputs + k], i < rows (X is rows x n_features, row-major).
    template <exec::execution_policy P>
    void predict_raw(const P& policy, const float* X, std::size_t rows, double* out,
                     std::size_t n_trees = npos) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            const std::size_t nt = trees_used(n_trees);
            predict_raw_impl(exec::select_backend(policy), X, rows, out, nt);
        }
    }

    // One row: out[k], k < n_outputs. No allocation, no thread pool.
    void predict_row(const float* x, double* out, std::size_t n_trees = npos) const {
        const std::size_t nt = trees_used(n_trees);
        std::fill_n(out, n_outputs_, 0.0);
        using lanes = detail::predict_lanes_fn<simd::default_arch>;
        if constexpr (lanes::native_gather) {
            if (vector_ok_ && nt >= 8) {  // lanes across trees
                lanes{nodes_.data(), cat_bits_.data(), value_.data(), info_.data(), park_, categorical_}.row(x, nt, out);
                return;
            }
        }
        scalar_row(x, out, nt);
    }

private:
    // The scalar walk, tree by tree (exec::seq's per-row body).
    void scalar_row(const float* x, double* out, std::size_t nt) const noexcept {
        std::fill_n(out, n_outputs_, 0.0);
        for (std::size_t t = 0; t < nt; ++t) {
            const auto& ti = info_[t];
            out[ti.output] += value_[static_cast<std::size_t>(
                detail::flat_leaf(nodes_.data(), cat_bits_.data(), ti.root, x))];
        }
    }

    std::size_t trees_used(std::size_t n_trees) const {
        if (n_trees == npos) return info_.size();
        if (n_trees > info_.size())
            throw shape_error(tessera::detail::concat("gbdt::flat_forest: field 'n_trees' = ", n_trees,
                                                      " but the forest has ", info_.size(), " trees"));
        return n_trees;
    }

    void add_tree(const tree& tr, std::uint32_t output) {
        detail::flat_tree_info ti;
        ti.root = static_cast<std::int32_t>(nodes_.size());
        ti.output = output;
        ti.root_leaf = tr.n_internal() == 0;
        // Breadth first: (child code of the source tree, slot in nodes_).
        std::vector<std::pair<std::int32_t, std::size_t>> queue;
        queue.emplace_back(tr.n_internal() == 0 ? tree::as_child(0) : 0, nodes_.size());
        nodes_.emplace_back();
        value_.push_back(0.0);
        for (std::size_t q = 0; q < queue.size(); ++q) {
            const auto [code, slot] = queue[q];
            if (tree::is_leaf(code)) {
                nodes_[slot] = {detail::flat_node::leaf_bit | detail::flat_node::default_left_bit,
                                std::numeric_limits<float>::quiet_NaN(), static_cast<std::int32_t>(slot), 0};
                value_[slot] = tr.leaf_value[static_cast<std::size_t>(tree::leaf_of(code))];
                continue;
            }
            const auto k = static_cast<std::size_t>(code);
            const std::size_t l = nodes_.size();
            auto meta = static_cast<std::uint32_t>(tr.split_feature[k]);
            if (tr.default_left(k)) meta |= detail::flat_node::default_left_bit;
            if (tree::is_leaf(tr.left[k])) meta |= detail::flat_node::left_leaf_bit;
            if (tree::is_leaf(tr.right[k])) meta |= detail::flat_node::right_leaf_bit;
            float thr = tr.threshold[k];
            std::int32_t aux = 0;
            if (tr.categorical(k)) {
                meta |= detail::flat_node::categorical_bit;
                thr = std::bit_cast<float>(tr.cat_size[k]);
                aux = static_cast<std::int32_t>(cat_bits_.size());
                cat_bits_.insert(cat_bits_.end(), tr.cat_bits.begin() + tr.cat_begin[k],
                                 tr.cat_bits.begin() + tr.cat_begin[k] + tr.cat_size[k]);
                ti.categorical = true;
            }
            nodes_[slot] = {meta, thr, static_cast<std::int32_t>(l), aux};
            nodes_.resize(l + 2);
            value_.resize(l + 2, 0.0);
            queue.emplace_back(tr.left[k], l);
            queue.emplace_back(tr.right[k], l + 1);
        }
        if (nodes_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            throw shape_error("gbdt::flat_forest: more than 2^31 nodes in the forest");
        info_.push_back(ti);
    }

    void predict_rows_scalar(const float* X, std::size_t rows, double* out, std::size_t nt) const {
        for (std::size_t i = 0; i < rows; ++i) scalar_row(X + i * n_features_, out + i * n_outputs_, nt);
    }

    void predict_rows_vector(const float* X, std::size_t rows, double* out, std::size_t nt) const {
        if (!vector_ok_) return predict_rows_scalar(X, rows, out, nt);
        std::fill_n(out, rows * n_outputs_, 0.0);
        if (nt == 0) return;
        const detail::predict_lanes_fn<simd::default_arch> fn{nodes_.data(), cat_bits_.data(), value_.data(),
                                                              info_.data(), park_, categorical_};
        // runs of rows whose float offsets fit in int32
        const std::size_t run = std::max<std::size_t>(
            1, std::min<std::size_t>(std::size_t{1} << 16,
                                     static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) / n_features_));
        for (std::size_t r = 0; r < rows; r += run) {
            const std::size_t n = std::min(run, rows - r);
            fn(X + r * n_features_, n, n_features_, nt, n_outputs_, out + r * n_outputs_);
        }
    }

    template <bool V>
    void predict_raw_impl(exec::serial_tag<V>, const float* X, std::size_t rows, double* out,
                          std::size_t nt) const {
        if constexpr (V)
            predict_rows_vector(X, rows, out, nt);
        else
            predict_rows_scalar(X, rows, out, nt);
    }

    template <bool V>
    void predict_raw_impl(const exec::pool_tag<V>& tag, const float* X, std::size_t rows, double* out,
                          std::size_t nt) const {
        const std::size_t chunk_rows = std::max<std::size_t>(256, tag.grain / 16);
        exec::pool_tag<V> by_rows = tag;
        by_rows.grain = chunk_rows;
        exec::parallel_for(by_rows, rows, [&](const exec::chunk& c) {
            const std::size_t off = c.begin;
            if constexpr (V)
                predict_rows_vector(X + off * n_features_, c.size(), out + off * n_outputs_, nt);
            else
                predict_rows_scalar(X + off * n_features_, c.size(), out + off * n_outputs_, nt);
        });
    }

    std::vector<detail::flat_node> nodes_;
    std::vector<double> value_;           // per node: the leaf value at leaves, 0 elsewhere
    std::vector<std::uint32_t> cat_bits_;  // categorical bitsets of all trees
    std::vector<detail::flat_tree_info> info_;
    std::size_t n_outputs_ = 1;
    std::size_t n_features_ = 0;
    std::int32_t park_ = 0;
    bool categorical_ = false;
    bool vector_ok_ = false;
};

}  // namespace tessera::gbdt
