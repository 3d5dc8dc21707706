// tessera/learners/gbdt/detail/predict_simd.hpp — walks rows through the
// trees of a flat_forest in xsimd lanes.
//
// Persistent lanes: each of the L = G x W lanes (G = 4 groups of W = 16 lanes
// on AVX-512) owns one row and walks it through tree 0, 1, ..., n_trees - 1;
// when a lane reaches a leaf it adds the leaf value to its row's output and
// moves to the next tree's root, and after the last tree it takes the next
// unscored row. So no lane waits for the deepest row of a block (trees grown
// leaf-wise are far from balanced), and every row's sum runs in tree order in
// double: the bits of tree::predict_row summed in order.
//
// One step of a group (the G groups step together: G independent gather
// chains in flight, which hides gather latency): gather the node's meta word,
// threshold and left child (one 16-byte node), gather the row's feature, then
//   goes_left = (x <= t) | (default_left & !(x > t))   // NaN -> default_left
//   next      = left + 1 + goes_left                    // goes_left is -1 or 0
// and the parent's child-leaf bits say whether next is a leaf. Lanes at
// categorical nodes (in forests that have any) are redone by the scalar rule;
// the leaf events (about W / depth per step) are handled lane by lane.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <tessera/kernels/detail/simd.hpp>
#include <tessera/learners/gbdt/detail/predict_layout.hpp>

// GCC 12 reports the _mm512_undefined_* source operand of the AVX-512
// gathers as (maybe-)uninitialized (a false positive: every lane is gathered).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace tessera::gbdt::detail {

// Bit l set iff lane l of b is true.
template <class Arch>
std::uint32_t lane_bits(const xsimd::batch_bool<std::int32_t, Arch>& b) noexcept {
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
        using bb = xsimd::batch_bool<std::int32_t, Arch>;
        return static_cast<std::uint32_t>(static_cast<typename bb::register_type>(b));
    } else
#endif
    {
        constexpr std::size_t W = xsimd::batch<std::int32_t, Arch>::size;
        alignas(Arch::alignment()) std::int32_t v[W];
        xsimd::bitwise_cast(b).store_aligned(v);
        std::uint32_t bits = 0;
        for (std::size_t l = 0; l < W; ++l) bits |= (v[l] != 0 ? 1u : 0u) << l;
        return bits;
    }
}

// 32-bit gathers. xsimd 8.1's batch::gather reaches its generic element-wise
// fallback even on AVX-512 and AVX2, so call the gather instructions directly.
template <class T, class Arch>
xsimd::batch<T, Arch> gather32(const T* base, const xsimd::batch<std::int32_t, Arch>& index) noexcept {
    static_assert(sizeof(T) == 4);
    using ireg = typename xsimd::batch<std::int32_t, Arch>::register_type;
    const ireg i = index;
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
        if constexpr (std::is_same_v<T, float>) return _mm512_i32gather_ps(i, base, 4);
        else return _mm512_i32gather_epi32(i, base, 4);
    }
#endif
#if XSIMD_WITH_AVX2
    if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
        if constexpr (std::is_same_v<T, float>) return _mm256_i32gather_ps(base, i, 4);
        else return _mm256_i32gather_epi32(reinterpret_cast<const int*>(base), i, 4);
    }
#endif
    (void)i;
    return xsimd::batch<T, Arch>::gather(base, index);
}

template <class Arch>
struct predict_lanes_fn {
    using fb = simd::batch<float, Arch>;
    using ib = simd::batch<std::int32_t, Arch>;
    static constexpr std::size_t W = fb::size;
    static constexpr std::size_t G = 4;
    static constexpr std::size_t L = G * W;

    const flat_node* nodes;
    const std::uint32_t* cat_bits;
    const double* value;  // per node; the leaf value at leaves
    const flat_tree_info* info;
    std::int32_t park;  // the parking node
    bool categorical;   // any categorical node in the forest

    // Rows [0, rows) of X (rows * n_features < 2^31) into out[r * n_out + k],
    // trees [0, n_trees) (n_trees >= 1).
    void operator()(const float* X, std::size_t rows, std::size_t n_features, std::size_t n_trees,
                    std::size_t n_out, double* out) const {
#if XSIMD_WITH_AVX512F
        if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
            if (categorical)
                run_tasks<true>(X, rows, n_features, n_trees, n_out, out);
            else
                run_tasks<false>(X, rows, n_features, n_trees, n_out, out);
            return;
        }
#endif
        if (categorical)
            run<true>(X, rows, n_features, n_trees, n_out, out);
        else
            run<false>(X, rows, n_features, n_trees, n_out, out);
    }

    // One row, lanes across trees: lane l of a block walks tree t0 + l (up to
    // L trees per block) until no lane moves (leaves and the parking node loop
    // to themselves), then the leaf values are added in tree order. No
    // allocation. Used by predict_row where gathers are native.
    void row(const float* x, std::size_t n_trees, double* out) const {
        const auto* ni = reinterpret_cast<const std::int32_t*>(nodes);
        const auto* nf = reinterpret_cast<const float*>(nodes);
        alignas(Arch::alignment()) std::int32_t idx_l[L];
        const ib off(0);
        for (std::size_t t0 = 0; t0 < n_trees; t0 += L) {
            const std::size_t nl = std::min(L, n_trees - t0);
            for (std::size_t l = 0; l < L; ++l) idx_l[l] = l < nl ? info[t0 + l].root : park;
            ib idx[G];
            for (std::size_t g = 0; g < G; ++g) idx[g] = ib::load_aligned(idx_l + g * W);
            bool moved = true;
            while (moved) {
                moved = false;
                std::uint32_t reached;
                for (std::size_t g = 0; g < G; ++g) {
                    const ib next = categorical ? step<true>(ni, nf, x, off, idx[g], reached)
                                                : step<false>(ni, nf, x, off, idx[g], reached);
                    moved |= xsimd::any(next != idx[g]);
                    idx[g] = next;
                }
            }
            for (std::size_t g = 0; g < G; ++g) idx[g].store_aligned(idx_l + g * W);
            for (std::size_t l = 0; l < nl; ++l) out[info[t0 + l].output] += value[idx_l[l]];
        }
    }

    static constexpr bool native_gather =
#if XSIMD_WITH_AVX512F
        std::is_base_of_v<xsimd::avx512f, Arch> ||
#endif
#if XSIMD_WITH_AVX2
        std::is_base_of_v<xsimd::avx2, Arch> ||
#endif
        false;

private:
    struct lanes_state {
        std::size_t row[L];
        std::size_t tree[L];
        alignas(Arch::alignment()) std::int32_t rowoff[L];
        std::size_t next_row = 0;
        std::size_t active = 0;
    };

    // Lane l has finished tree st.tree[l] - 1 (or starts): adds constant trees,
    // moves to the next row when its row is done; returns the node to walk.
    std::int32_t start(lanes_state& st, std::size_t l, std::size_t rows, std::size_t n_features,
                       std::size_t n_trees, std::size_t n_out, double* out) const {
        while (true) {
            std::size_t t = st.tree[l];
            double* o = out + st.row[l] * n_out;
            while (t < n_trees && info[t].root_leaf) {
                o[info[t].output] += value[info[t].root];
                ++t;
            }
            st.tree[l] = t;
            if (t < n_trees) return info[t].root;
            if (st.next_row < rows) {
                st.row[l] = st.next_row++;
                st.tree[l] = 0;
                st.rowoff[l] = static_cast<std::int32_t>(st.row[l] * n_features);
                continue;
            }
            --st.active;
            return park;
        }
    }

    template <bool Cat>
    void run(const float* X, std::size_t rows, std::size_t n_features, std::size_t n_trees, std::size_t n_out,
             double* out) const {
        const auto* ni = reinterpret_cast<const std::int32_t*>(nodes);
        const auto* nf = reinterpret_cast<const float*>(nodes);
        lanes_state st;
        alignas(Arch::alignment()) std::int32_t idx_l[L];
        for (std::size_t l = 0; l < L; ++l) {
            st.rowoff[l] = 0;
            if (st.next_row < rows) {
                st.row[l] = st.next_row++;
                st.tree[l] = 0;
                st.rowoff[l] = static_cast<std::int32_t>(st.row[l] * n_features);
                ++st.active;
                idx_l[l] = start(st, l, rows, n_features, n_trees, n_out, out);
            } else {
                idx_l[l] = park;
            }
        }
        ib idx[G], off[G];
        for (std::size_t g = 0; g < G; ++g) {
            idx[g] = ib::load_aligned(idx_l + g * W);
            off[g] = ib::load_aligned(st.rowoff + g * W);
        }
        while (st.active > 0) {
            std::uint32_t reached[G];
            for (std::size_t g = 0; g < G; ++g) idx[g] = step<Cat>(ni, nf, X, off[g], idx[g], reached[g]);
            for (std::size_t g = 0; g < G; ++g) {
                if (reached[g] == 0) continue;
                idx[g].store_aligned(idx_l + g * W);
                const std::int32_t* before = st.rowoff + g * W;
                bool moved_row = false;
                for (std::uint32_t bits = reached[g]; bits != 0; bits &= bits - 1) {
                    const std::size_t l = g * W + static_cast<std::size_t>(__builtin_ctz(bits));
                    const std::size_t t = st.tree[l];
                    out[st.row[l] * n_out + info[t].output] += value[idx_l[l]];
                    st.tree[l] = t + 1;
                    const std::int32_t old = before[l - g * W];
                    idx_l[l] = start(st, l, rows, n_features, n_trees, n_out, out);
                    moved_row |= st.rowoff[l] != old;
                }
                idx[g] = ib::load_aligned(idx_l + g * W);
                if (moved_row) off[g] = ib::load_aligned(st.rowoff + g * W);
            }
        }
    }

#if XSIMD_WITH_AVX512F
    // AVX-512: the leaf events stay in the vector unit. A lane's task is one
    // output k of one row (task = row * n_out + k, the index of its result in
    // out): it walks trees k, k + n_out, k + 2 n_out, ... and keeps the sum in
    // a double lane (acc, two halves of 8) and its tree counter. A lane that
    // reaches a leaf adds the leaf value (masked gather, masked add: the same
    // additions in the same order as the scalar walk), steps the tree counter
    // by n_out and gathers the next tree's root from roots[] (-1 for a constant
    // tree and past the end), and only those -1 lanes go to the scalar code,
    // which adds constant trees, stores a finished task and takes the next.
    struct single_state {
        alignas(64) double acc[L];
        alignas(64) std::int32_t tree[L];
        alignas(64) std::int32_t node[L];
        alignas(64) std::int32_t rowoff[L];
        std::size_t task[L];
        std::size_t next_task = 0;
        std::size_t active = 0;
    };

    // Lane l is to start tree st.tree[l] (its sum so far in st.acc[l]).
    void advance_single(single_state& st, std::size_t l, const std::int32_t* roots, std::size_t tasks,
                        std::size_t n_features, std::size_t n_trees, std::size_t n_out, double* out) const {
        while (true) {
            auto t = static_cast<std::size_t>(st.tree[l]);
            while (t < n_trees && roots[t] < 0) {
                st.acc[l] += value[info[t].root];
                t += n_out;
            }
            st.tree[l] = static_cast<std::int32_t>(t);
            if (t < n_trees) {
                st.node[l] = roots[t];
                return;
            }
            if (st.task[l] != static_cast<std::size_t>(-1)) {
                out[st.task[l]] = st.acc[l];
                st.task[l] = static_cast<std::size_t>(-1);
                --st.active;
            }
            if (st.next_task < tasks) {
                const std::size_t task = st.next_task++;
                st.task[l] = task;
                ++st.active;
                st.acc[l] = 0.0;
                st.tree[l] = static_cast<std::int32_t>(task % n_out);
                st.rowoff[l] = static_cast<std::int32_t>(task / n_out * n_features);
                continue;
            }
            st.node[l] = park;
            return;
        }
    }

    template <bool Cat>
    void run_tasks(const float* X, std::size_t rows, std::size_t n_features, std::size_t n_trees,
                   std::size_t n_out, double* out) const {
        const auto* ni = reinterpret_cast<const std::int32_t*>(nodes);
        const auto* nf = reinterpret_cast<const float*>(nodes);
        const std::size_t tasks = rows * n_out;
        std::vector<std::int32_t> roots(n_trees + n_out, -1);
        for (std::size_t t = 0; t < n_trees; ++t)
            if (!info[t].root_leaf) roots[t] = info[t].root;
        single_state st;
        for (std::size_t l = 0; l < L; ++l) {
            st.acc[l] = 0.0;
            st.tree[l] = 0;
            st.rowoff[l] = 0;
            st.task[l] = static_cast<std::size_t>(-1);
            st.tree[l] = static_cast<std::int32_t>(n_trees);  // "done": takes a task if there is one
            advance_single(st, l, roots.data(), tasks, n_features, n_trees, n_out, out);
        }
        ib idx[G], off[G], tree[G];
        __m512d acc_lo[G], acc_hi[G];
        auto load = [&](std::size_t g) {
            idx[g] = ib::load_aligned(st.node + g * W);
            off[g] = ib::load_aligned(st.rowoff + g * W);
            tree[g] = ib::load_aligned(st.tree + g * W);
            acc_lo[g] = _mm512_load_pd(st.acc + g * W);
            acc_hi[g] = _mm512_load_pd(st.acc + g * W + 8);
        };
        for (std::size_t g = 0; g < G; ++g) load(g);
        const __m512i step_k = _mm512_set1_epi32(static_cast<std::int32_t>(n_out)), zero = _mm512_setzero_si512();
        while (st.active > 0) {
            std::uint32_t reached[G];
            for (std::size_t g = 0; g < G; ++g) idx[g] = step<Cat>(ni, nf, X, off[g], idx[g], reached[g]);
            for (std::size_t g = 0; g < G; ++g) {
                if (reached[g] == 0) continue;
                const auto m = static_cast<__mmask16>(reached[g]);
                const auto mlo = static_cast<__mmask8>(m), mhi = static_cast<__mmask8>(m >> 8);
                const __m512i nx = idx[g];
                const __m512d vlo = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), mlo, _mm512_castsi512_si256(nx), value, 8);
                const __m512d vhi = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), mhi, _mm512_extracti32x8_epi32(nx, 1), value, 8);
                acc_lo[g] = _mm512_mask_add_pd(acc_lo[g], mlo, acc_lo[g], vlo);
                acc_hi[g] = _mm512_mask_add_pd(acc_hi[g], mhi, acc_hi[g], vhi);
                const __m512i t = _mm512_mask_add_epi32(tree[g], m, tree[g], step_k);
                tree[g] = t;
                const __m512i r = _mm512_mask_i32gather_epi32(nx, m, t, roots.data(), 4);
                idx[g] = r;
                const __mmask16 ex = _mm512_mask_cmplt_epi32_mask(m, r, zero);
                if (ex == 0) continue;
                // constant trees, finished rows: the scalar code for those lanes
                idx[g].store_aligned(st.node + g * W);
                tree[g].store_aligned(st.tree + g * W);
                _mm512_store_pd(st.acc + g * W, acc_lo[g]);
                _mm512_store_pd(st.acc + g * W + 8, acc_hi[g]);
                for (std::uint32_t bits = ex; bits != 0; bits &= bits - 1)
                    advance_single(st, g * W + static_cast<std::size_t>(__builtin_ctz(bits)), roots.data(), tasks,
                                   n_features, n_trees, n_out, out);
                load(g);
            }
        }
    }
#endif

    template <bool Cat>
    ib step(const std::int32_t* ni, const float* nf, const float* X, const ib& off, const ib& idx,
            std::uint32_t& reached) const {
        const ib q = idx << 2;
        const ib meta = gather32<std::int32_t, Arch>(ni, q);
        const fb thr = gather32<float, Arch>(nf, q + ib(1));
        const ib left = gather32<std::int32_t, Arch>(ni, q + ib(2));
        const fb x =
            gather32<float, Arch>(X, off + (meta & ib(static_cast<std::int32_t>(flat_node::feature_mask))));
        const ib le = xsimd::bitwise_cast<ib>(xsimd::bitwise_cast(x <= thr));
        const ib gt = xsimd::bitwise_cast<ib>(xsimd::bitwise_cast(x > thr));
        const ib dl = (meta << 1) >> 31;  // default_left_bit (bit 30) as -1 / 0
        // not xsimd::bitwise_andnot: its operand order differs across xsimd versions
        ib go_left = le | (dl & ~gt);
        ib next = left + ib(1) + go_left;
        if constexpr (Cat) {
            if (xsimd::any(meta < ib(0))) {  // categorical_bit is the sign bit
                next = categorical_lanes(idx, x, next);
                go_left = xsimd::bitwise_cast(next == left);
            }
        }
        const ib left_leaf = (meta << 3) >> 31, right_leaf = (meta << 4) >> 31;
        reached = lane_bits<Arch>(((go_left & left_leaf) | (~go_left & right_leaf)) != ib(0));
        return next;
    }

    // Redoes the lanes that sit at categorical nodes with the scalar rule.
    ib categorical_lanes(const ib& idx, const fb& x, const ib& next) const {
        alignas(Arch::alignment()) std::int32_t id[W], nx[W];
        alignas(Arch::alignment()) float xv[W];
        idx.store_aligned(id);
        next.store_aligned(nx);
        x.store_aligned(xv);
        for (std::size_t l = 0; l < W; ++l) {
            const flat_node& n = nodes[id[l]];
            if (n.meta & flat_node::categorical_bit) nx[l] = n.left + (flat_goes_left(n, xv[l], cat_bits) ? 0 : 1);
        }
        return ib::load_aligned(nx);
    }
};

}  // namespace tessera::gbdt::detail

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
