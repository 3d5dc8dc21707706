// The device GBDT backend against gbdt-core's CPU backend on the same binned
// data and quantized gradients: histograms, splits, partitions and whole grown
// trees, compared bit for bit. Shared by the OMP test (g++) and the device test
// (nvcc); `make` builds the backend under test from (dataset, settings).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/backend.hpp>
#include <tessera/learners/gbdt/detail/grower.hpp>

namespace gbdt_cuda_test {

namespace gd = tessera::gbdt::detail;
using tessera::gbdt::dataset;

// X: n x F floats; column 1 has ~15% NaN, column 2 is categorical (codes 0..c-1,
// some NaN and out-of-range), column 3 is constant, column 4 has 3 distinct
// values with NaN, the rest are uniform. y: a noisy function of the columns.
struct data_case {
    tessera::matrix<float> X;
    std::vector<float> y;       // regression target
    std::vector<float> label;   // 0/1
    tessera::gbdt::params p;
};

inline data_case make_data(std::size_t n, std::size_t F, std::uint64_t seed, int n_categories = 6) {
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<float> u(-2.0f, 2.0f);
    data_case c;
    c.X = tessera::matrix<float>::from_shape({n, F});
    c.y.resize(n);
    c.label.resize(n);
    const float nan = std::nanf("");
    for (std::size_t i = 0; i < n; ++i) {
        double t = 0;
        for (std::size_t f = 0; f < F; ++f) {
            float v = u(g);
            if (f == 1 && g() % 7 == 0) v = nan;
            if (f == 2) v = g() % 11 == 0 ? nan : static_cast<float>(g() % static_cast<unsigned>(n_categories + 1));
            if (f == 3) v = 1.5f;
            if (f == 4) v = g() % 5 == 0 ? nan : static_cast<float>(g() % 3);
            c.X(i, f) = v;
            if (!std::isnan(v)) t += (f % 2 == 0 ? 1.0 : -0.5) * v * (f == 2 ? 0.7 : 1.0);
        }
        c.y[i] = static_cast<float>(t + 0.3 * u(g));
        c.label[i] = t + 0.5 * u(g) > 0 ? 1.0f : 0.0f;
    }
    c.p.min_data_in_leaf = 3;
    c.p.min_data_in_bin = 1;
    c.p.max_bin = 63;
    if (F > 2) c.p.categorical_features = {2};
    return c;
}

inline gd::split_settings settings_of(const tessera::gbdt::params& p) {
    gd::split_settings st;
    st.c.lambda_l1 = p.lambda_l1;
    st.c.lambda_l2 = p.lambda_l2;
    st.c.min_child_weight = p.min_child_weight;
    st.c.min_data_in_leaf = p.min_data_in_leaf;
    st.c.min_split_gain = p.min_split_gain;
    st.max_cat_to_onehot = p.max_cat_to_onehot;
    st.max_cat_threshold = p.max_cat_threshold;
    st.cat_smooth = p.cat_smooth;
    st.cat_l2 = p.cat_l2;
    st.min_data_per_group = p.min_data_per_group;
    return st;
}

inline std::string bytes_of(const gd::hist_cell* h, std::size_t n) {
    return std::string(reinterpret_cast<const char*>(h), n * sizeof(gd::hist_cell));
}

// Every field that decides the split. cat_left only for categorical splits: the
// CPU finder leaves an earlier categorical candidate's set in place when a
// numerical one replaces it (unused: bin_left ignores it for numerical splits).
inline bool same_split(const gd::split_info& a, const gd::split_info& b) {
    return std::memcmp(&a.gain, &b.gain, sizeof a.gain) == 0 && a.feature == b.feature &&
           a.categorical == b.categorical && a.default_left == b.default_left &&
           a.threshold_bin == b.threshold_bin && (!a.categorical || a.cat_left == b.cat_left) &&
           a.left.g == b.left.g &&
           a.left.h == b.left.h && a.left.c == b.left.c;
}

// Everything one boosting run produces that must match: per tree its bytes
// (tree::save), leaf row ranges and leaf sums, and the final row order.
struct boost_trace {
    std::vector<std::string> trees;
    std::vector<std::vector<std::uint32_t>> ranges;
    std::vector<std::vector<std::int64_t>> sums;
    std::vector<std::uint32_t> rows;
    std::size_t categorical_splits = 0, nan_left_splits = 0;  // coverage of the cases
    bool operator==(const boost_trace&) const = default;
};

struct boost_setup {
    bool binary = false;
    int rounds = 4;
    double subsample = 1.0;
    double learning_rate = 0.3;
    gd::grow_settings gs;
};

// A small boosting loop over backend `be` (gbdt-core's trainer's steps: double
// gradients, the fixed-point rule over all rows, in-bag root rows, grower, leaf
// values, score updates from the leaf row ranges and binned traversal).
template <class Backend>
boost_trace run_boosting(Backend& be, const dataset& d, const data_case& c, const gd::split_settings& st,
                  const boost_setup& b) {
    const std::size_t n = d.rows(), F = d.features();
    std::vector<double> score(n, 0.0), g(n), h(n);
    std::vector<gd::gh_pair> q(n);
    boost_trace out;
    for (int round = 0; round < b.rounds; ++round) {
        double mg = 0, mh = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (b.binary) {
                const double pr = 1.0 / (1.0 + std::exp(-score[i]));
                g[i] = pr - c.label[i];
                h[i] = std::max(pr * (1.0 - pr), 1e-16);
            } else {
                g[i] = score[i] - c.y[i];
                h[i] = 1.0;
            }
            mg = std::max(mg, std::fabs(g[i]));
            mh = std::max(mh, std::fabs(h[i]));
        }
        const gd::fixed_scale sc = gd::make_scale(gd::fixed_point_exponent(n, mg), gd::fixed_point_exponent(n, mh));
        for (std::size_t i = 0; i < n; ++i) q[i] = {gd::quantize(g[i], sc.kg), gd::quantize(h[i], sc.kh)};
        std::uint32_t* rows = be.rows();
        std::mt19937_64 bag(1000 + static_cast<std::uint64_t>(round));
        std::vector<std::uint8_t> in_bag(n, 1);
        gd::node_sums root;
        std::uint32_t n_root = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (b.subsample < 1.0) in_bag[i] = (bag() % 1000) < b.subsample * 1000 ? 1 : 0;
            if (!in_bag[i]) continue;
            rows[n_root++] = static_cast<std::uint32_t>(i);
            root.g += q[i].g;
            root.h += q[i].h;
        }
        root.c = n_root;
        be.begin_tree(q.data(), sc, n_root);
        gd::grow_settings gs = b.gs;
        gs.stream = static_cast<std::uint64_t>(round);
        gd::grower<Backend> gr(be, gs);
        gd::grown_tree gt = gr.grow(n_root, root, nullptr, F);
        const std::size_t L = gt.t.n_leaves();
        for (std::size_t l = 0; l < L; ++l)
            gt.t.leaf_value[l] = b.learning_rate * gd::node_output(gt.leaf_sums[l], sc, st.c);
        for (std::size_t l = 0; l < L; ++l)
            for (std::uint32_t j = gt.leaf_begin[l]; j < gt.leaf_end[l]; ++j) score[rows[j]] += gt.t.leaf_value[l];
        for (std::size_t i = 0; i < n; ++i) {
            if (in_bag[i]) continue;
            const std::uint8_t* rb = d.row_bins() + i * F;
            score[i] += gt.t.leaf_value[static_cast<std::size_t>(gt.leaf_of_binned([&](std::size_t f) { return rb[f]; }))];
        }
        for (std::size_t k = 0; k < gt.t.n_internal(); ++k) {
            out.categorical_splits += gt.t.categorical(k) ? 1 : 0;
            out.nan_left_splits += !gt.t.categorical(k) && gt.t.default_left(k) ? 1 : 0;
        }
        tessera::io::writer w;
        gt.t.save(w);
        out.trees.push_back(w.bytes());
        std::vector<std::uint32_t> ranges;
        std::vector<std::int64_t> sums;
        for (std::size_t l = 0; l < L; ++l) {
            ranges.push_back(gt.leaf_begin[l]);
            ranges.push_back(gt.leaf_end[l]);
            sums.insert(sums.end(), {gt.leaf_sums[l].g, gt.leaf_sums[l].h, gt.leaf_sums[l].c});
        }
        out.ranges.push_back(ranges);
        out.sums.push_back(sums);
        out.rows.assign(rows, rows + n_root);
    }
    return out;
}

}  // namespace gbdt_cuda_test
