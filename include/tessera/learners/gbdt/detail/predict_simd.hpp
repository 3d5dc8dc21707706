// tessera/learners/gbdt/detail/predict_simd.hpp — walks a block of rows
// through the trees of a flat_forest in xsimd lanes.
//
// A block is `block_rows` (64) consecutive rows, G = 64 / W groups of W lanes
// (W = 16 floats on AVX-512). For each tree, in tree order, all groups step
// together (G independent gather chains in flight, which hides gather latency):
// per step and group, gather the node's meta word, threshold and left child
// (one 16-byte node, one cache line), gather the row's feature value, and
//   goes_left = (x <= t) | (default_left & !(x > t))
// which is x <= t for numbers and default_left for NaN; next = left + 1 +
// goes_left (goes_left is -1 or 0). Leaves absorb (see predict_layout.hpp), so
// the first min_depth steps of a tree run without any check and the rest stop
// when no lane moved. Lanes at categorical nodes (only in trees that have any)
// are redone by the scalar rule. Leaf values are added per row in tree order in
// double, so the sums are bitwise those of tree::predict_row.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <tessera/kernels/detail/simd.hpp>
#include <tessera/learners/gbdt/detail/predict_layout.hpp>

// GCC 12 reports the _mm512_undefined_* source operand of xsimd's AVX-512
// gathers as maybe-uninitialized (a false positive: every lane is gathered).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace tessera::gbdt::detail {

inline constexpr std::size_t predict_block_rows = 64;

template <class Arch>
struct predict_block_fn {
    using fb = simd::batch<float, Arch>;
    using ib = simd::batch<std::int32_t, Arch>;
    static constexpr std::size_t W = fb::size;
    static constexpr std::size_t G = predict_block_rows / W > 0 ? predict_block_rows / W : 1;
    static constexpr std::size_t B = G * W;

    const flat_node* nodes;
    const std::uint32_t* cat_bits;
    const double* value;  // per node; leaf value at leaves
    const flat_tree_info* info;

    // Rows [0, rows) of X (rows <= B) with n_features columns; adds into
    // out[r * n_out + output] for trees [0, n_trees). out must hold zeros or
    // partial sums of earlier trees.
    void operator()(const float* X, std::size_t rows, std::size_t n_features, std::size_t n_trees,
                    std::size_t n_out, double* out) const {
        const auto* ni = reinterpret_cast<const std::int32_t*>(nodes);
        const auto* nf = reinterpret_cast<const float*>(nodes);
        ib rowoff[G];
        alignas(Arch::alignment()) std::int32_t lanes[W];
        for (std::size_t g = 0; g < G; ++g) {
            for (std::size_t l = 0; l < W; ++l) {
                const std::size_t r = std::min(g * W + l, rows - 1);  // tail lanes repeat the last row
                lanes[l] = static_cast<std::int32_t>(r * n_features);
            }
            rowoff[g] = ib::load_aligned(lanes);
        }
        for (std::size_t t = 0; t < n_trees; ++t) {
            const flat_tree_info& ti = info[t];
            ib idx[G];
            for (std::size_t g = 0; g < G; ++g) idx[g] = ib(ti.root);
            if (ti.categorical)
                walk<true>(ti, ni, nf, X, rowoff, idx);
            else
                walk<false>(ti, ni, nf, X, rowoff, idx);
            for (std::size_t g = 0; g < G && g * W < rows; ++g) {
                idx[g].store_aligned(lanes);
                const std::size_t nl = std::min(W, rows - g * W);
                double* o = out + g * W * n_out + ti.output;
                for (std::size_t l = 0; l < nl; ++l) o[l * n_out] += value[lanes[l]];
            }
        }
    }

private:
    template <bool Cat>
    ib step(const std::int32_t* ni, const float* nf, const float* X, const ib& rowoff,
            const ib& idx) const {
        const ib q = idx << 2;
        const ib meta = ib::gather(ni, q);
        const fb thr = fb::gather(nf, q + ib(1));
        const ib left = ib::gather(ni, q + ib(2));
        const fb x = fb::gather(X, rowoff + (meta & ib(static_cast<std::int32_t>(flat_node::feature_mask))));
        const ib le = xsimd::bitwise_cast<ib>(xsimd::bitwise_cast(x <= thr));
        const ib gt = xsimd::bitwise_cast<ib>(xsimd::bitwise_cast(x > thr));
        const ib dl = (meta << 1) >> 31;  // default_left_bit (bit 30) as -1 / 0
        ib next = left + ib(1) + (le | (dl & ~gt));  // not bitwise_andnot: its operand order differs across xsimd versions
        if constexpr (Cat) {
            if (xsimd::any(meta < ib(0))) next = categorical_lanes(X, rowoff, idx, x, next);
        }
        return next;
    }

    // Redoes the lanes that sit at categorical nodes with the scalar rule.
    ib categorical_lanes(const float*, const ib&, const ib& idx, const fb& x, const ib& next) const {
        alignas(Arch::alignment()) std::int32_t id[W], nx[W];
        alignas(Arch::alignment()) float xv[W];
        idx.store_aligned(id);
        next.store_aligned(nx);
        x.store_aligned(xv);
        for (std::size_t l = 0; l < W; ++l) {
            const flat_node& n = nodes[id[l]];
            if (n.meta & flat_node::categorical_bit)
                nx[l] = n.left + (flat_goes_left(n, xv[l], cat_bits) ? 0 : 1);
        }
        return ib::load_aligned(nx);
    }

    template <bool Cat>
    void walk(const flat_tree_info& ti, const std::int32_t* ni, const float* nf, const float* X,
              const ib* rowoff, ib* idx) const {
        std::uint32_t d = 0;
        for (; d < ti.min_depth; ++d)
            for (std::size_t g = 0; g < G; ++g) idx[g] = step<Cat>(ni, nf, X, rowoff[g], idx[g]);
        for (; d < ti.max_depth; ++d) {
            bool moved = false;
            for (std::size_t g = 0; g < G; ++g) {
                const ib next = step<Cat>(ni, nf, X, rowoff[g], idx[g]);
                moved |= xsimd::any(next != idx[g]);
                idx[g] = next;
            }
            if (!moved) break;
        }
    }
};

}  // namespace tessera::gbdt::detail

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
