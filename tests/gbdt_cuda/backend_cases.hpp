// The device GBDT backend against gbdt-core's CPU backend on the same binned
// data and quantized gradients: histograms, splits, partitions and whole grown
// trees, compared bit for bit. Shared by the OMP test (g++) and the device test
// (nvcc); `make(dataset, settings, launch_shape)` builds the backend under test.
// Include <boost/test/unit_test.hpp> first.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <random>
#include <string>
#include <vector>

#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/backend.hpp>
#include <tessera/learners/gbdt/detail/grower.hpp>

#include "cases.hpp"

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

using gd::settings_of;  // the trainer's own params -> split_settings mapping

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

// Launch shapes of the device backend: 48 KiB shared (one or few feature
// groups), a budget that forces many groups, global atomics only.
struct launch_shape {
    unsigned block;
    std::size_t smem;
};
inline const launch_shape shapes[] = {{256, 48 * 1024}, {32, 24 * 70}, {64, 24}};

// One node step by step on both backends: root histogram (of a subsampled
// root), split with and without a feature mask, partition, left child's
// histogram, right child's by subtraction, and its split.
template <class Make>
void check_steps_against_cpu(std::vector<std::size_t> sizes, std::vector<std::size_t> widths, Make make) {
    for (std::size_t n : sizes) {
        for (std::size_t F : widths) {
            const data_case c = make_data(n, F, 17 * n + F);
            const dataset d = dataset::build(tessera::exec::seq, c.X, c.p);
            const gd::split_settings st = settings_of(c.p);
            // gradients and their fixed point, by gbdt-core's rule
            std::vector<gd::gh_pair> q(n);
            const auto g = random_gradients(n, n + 1, 0), h = random_gradients(n, n + 2, 1);
            const gd::fixed_scale sc = gd::make_scale(gd::fixed_point_exponent(n, max_abs(g)),
                                                      gd::fixed_point_exponent(n, max_abs(h)));
            for (std::size_t i = 0; i < n; ++i) q[i] = {gd::quantize(g[i], sc.kg), gd::quantize(h[i], sc.kh)};
            const auto bag = n > 2 ? some_rows(n, n) : all_rows(n);  // a subsampled root
            for (const auto& shape : shapes) {
                gd::cpu_backend cpu(d, st, 1, true);
                auto dev = make(d, st, shape);
                BOOST_TEST(dev.total_bins() == cpu.total_bins());
                std::copy(bag.begin(), bag.end(), cpu.rows());
                std::copy(bag.begin(), bag.end(), dev.rows());
                const auto nr = static_cast<std::uint32_t>(bag.size());
                cpu.begin_tree(q.data(), sc, nr);
                dev.begin_tree(q.data(), sc, nr);
                gd::hist_buffer hc(cpu.total_bins()), hd(cpu.total_bins()), lc(cpu.total_bins()), ld(cpu.total_bins());
                cpu.build_histogram(0, nr, hc.data());
                dev.build_histogram(0, nr, hd.data());
                BOOST_TEST_CONTEXT("n " << n << " F " << F << " block " << shape.block << " smem " << shape.smem) {
                    BOOST_TEST(bytes_of(hc.data(), cpu.total_bins()) == bytes_of(hd.data(), cpu.total_bins()));
                    gd::node_sums root;
                    for (std::uint32_t r : bag) root = {root.g + q[r].g, root.h + q[r].h, root.c + 1};
                    std::vector<std::uint8_t> mask(F, 1);
                    if (F > 3) mask[F - 1] = 0;
                    for (const std::uint8_t* m : {static_cast<const std::uint8_t*>(nullptr),
                                                  static_cast<const std::uint8_t*>(mask.data())}) {
                        const gd::split_info sc_cpu = cpu.find_split(hc.data(), root, m);
                        const gd::split_info sc_dev = dev.find_split(hd.data(), root, m);
                        BOOST_TEST(same_split(sc_cpu, sc_dev));
                        if (!sc_cpu.valid()) continue;
                        const std::uint32_t nl_cpu = cpu.partition(0, nr, sc_cpu);
                        const std::uint32_t nl_dev = dev.partition(0, nr, sc_dev);
                        BOOST_TEST(nl_cpu == nl_dev);
                        BOOST_TEST(std::equal(cpu.rows(), cpu.rows() + nr, dev.rows()));
                        // left child built, right = parent - left
                        cpu.build_histogram(0, nl_cpu, lc.data());
                        dev.build_histogram(0, nl_dev, ld.data());
                        BOOST_TEST(bytes_of(lc.data(), cpu.total_bins()) == bytes_of(ld.data(), cpu.total_bins()));
                        cpu.subtract(hc.data(), lc.data());
                        dev.subtract(hd.data(), ld.data());
                        BOOST_TEST(bytes_of(hc.data(), cpu.total_bins()) == bytes_of(hd.data(), cpu.total_bins()));
                        const gd::node_sums right{root.g - sc_cpu.left.g, root.h - sc_cpu.left.h, root.c - sc_cpu.left.c};
                        BOOST_TEST(same_split(cpu.find_split(hc.data(), right, m), dev.find_split(hd.data(), right, m)));
                        break;
                    }
                }
            }
        }
    }
}

// Short boosting runs (regression and binary; leaf-wise, depth-wise, bagged with
// a 3-histogram cache and per-node column sampling) on both backends.
template <class Make>
void check_boosting_against_cpu(std::vector<std::size_t> sizes, std::vector<std::size_t> widths, Make make) {
    struct variant {
        const char* name;
        boost_setup b;
    };
    std::vector<variant> variants;
    for (bool binary : {false, true}) {
        boost_setup b;
        b.binary = binary;
        b.gs.max_leaves = 15;
        b.gs.min_data_in_leaf = 3;
        variants.push_back({binary ? "binary leaf-wise" : "regression leaf-wise", b});
        b.gs.depth_wise = true;
        b.gs.max_depth = 4;
        b.gs.max_leaves = 0;
        variants.push_back({binary ? "binary depth-wise" : "regression depth-wise", b});
        b = boost_setup{};
        b.binary = binary;
        b.subsample = 0.7;
        b.gs.max_leaves = 31;
        b.gs.min_data_in_leaf = 3;
        b.gs.hist_cache = 3;  // evictions: children built without the parent
        b.gs.colsample_bynode = 0.6;
        b.gs.seed = 5;
        variants.push_back({binary ? "binary bagged, cache 3, colsample" : "regression bagged, cache 3, colsample", b});
    }
    for (std::size_t n : sizes) {
        for (std::size_t F : widths) {
            data_case c = make_data(n, F, 3 * n + F, F == 11 ? 9 : 3);
            c.p.lambda_l2 = 0.5;
            const dataset d = dataset::build(tessera::exec::seq, c.X, c.p);
            const gd::split_settings st = settings_of(c.p);
            for (const variant& v : variants) {
                gd::cpu_backend cpu(d, st, 1, true);
                const boost_trace want = run_boosting(cpu, d, c, st, v.b);
                for (const auto& shape : shapes) {
                    auto dev = make(d, st, shape);
                    BOOST_TEST_CONTEXT("n " << n << " F " << F << " " << v.name << " block " << shape.block) {
                        const boost_trace got = run_boosting(dev, d, c, st, v.b);
                        BOOST_TEST(got.trees == want.trees);
                        BOOST_TEST(got.ranges == want.ranges);
                        BOOST_TEST(got.sums == want.sums);
                        BOOST_TEST(got.rows == want.rows);
                    }
                }
                // not vacuous: the larger cases grow real trees with categorical
                // splits and NaN-left defaults
                if (n > 1000) {
                    BOOST_TEST(want.trees.front().size() > 200u);
                    BOOST_TEST(want.categorical_splits > 0u);
                    BOOST_TEST(want.nan_left_splits > 0u);
                }
            }
        }
    }
}

inline std::string model_bytes(const tessera::gbdt::model& m) {
    tessera::io::writer w;
    m.save(w);
    return w.take();
}

// classifier (binary, 3 classes) and regressor (squared error, Huber) fitted
// with exec::cuda (whatever train_on_device the TU provides) against exec::seq
// and exec::par{2}: the model bytes must be equal. Variants: leaf-wise;
// depth-wise with bagging, tree and node column sampling, L1/L2 and a split
// gain floor; a 3-histogram cache with an eval set and early stopping.
inline void check_fit_against_cpu(std::vector<std::size_t> sizes, std::vector<std::size_t> widths) {
    namespace g = tessera::gbdt;
    namespace ex = tessera::exec;
    for (std::size_t n : sizes) {
        for (std::size_t F : widths) {
            const data_case c = make_data(n, F, 11 * n + F);
            const data_case e = make_data(97, F, 5 * n + F);
            tessera::vector<float> y = tessera::vector<float>::from_shape({n});
            tessera::vector<std::int32_t> bin = tessera::vector<std::int32_t>::from_shape({n}), multi = bin;
            tessera::vector<float> ey = tessera::vector<float>::from_shape({97});
            for (std::size_t i = 0; i < n; ++i) {
                y(i) = c.y[i];
                bin(i) = static_cast<std::int32_t>(c.label[i]);
                multi(i) = c.y[i] < -0.5f ? 0 : (c.y[i] < 0.5f ? 1 : 2);
            }
            if (n < 3) continue;
            bin(0) = 0, bin(1) = 1, multi(0) = 0, multi(1) = 1, multi(2) = 2;  // every class present
            for (std::size_t i = 0; i < 97; ++i) ey(i) = e.y[i];
            for (int variant = 0; variant < 3; ++variant) {
                g::params p = c.p;
                p.rounds = 5;
                p.max_leaves = 15;
                p.learning_rate = 0.3;
                g::fit_options opt;
                if (variant == 1) {
                    p.growth = g::growth_policy::depth_wise;
                    p.max_depth = 4;
                    p.subsample = 0.8;
                    p.colsample_bytree = 0.8;
                    p.colsample_bynode = 0.7;
                    p.lambda_l1 = 0.1;
                    p.lambda_l2 = 1.0;
                    p.min_split_gain = 0.01;
                    p.seed = 3;
                }
                if (variant == 2) {
                    p.hist_cache = 3;
                    p.rounds = 8;
                }
                BOOST_TEST_CONTEXT("n " << n << " F " << F << " variant " << variant) {
                    const g::classifier clf{p};
                    BOOST_TEST(model_bytes(clf.fit(ex::cuda, c.X, bin)) == model_bytes(clf.fit(ex::seq, c.X, bin)));
                    BOOST_TEST(model_bytes(clf.fit(ex::cuda, c.X, multi)) ==
                               model_bytes(clf.fit(ex::par_t{.threads = 2}, c.X, multi)));
                    g::regressor reg{p};
                    if (variant == 2) {
                        opt.eval = g::eval_data(&e.X, &ey);
                        reg.config.early_stopping_rounds = 2;
                    }
                    const auto want = model_bytes(reg.fit(ex::seq, c.X, y, opt));
                    BOOST_TEST(model_bytes(reg.fit(ex::cuda, c.X, y, opt)) == want);
                    reg.config.objective = g::objective_kind::huber;
                    reg.config.early_stopping_rounds = 0;
                    BOOST_TEST(model_bytes(reg.fit(ex::cuda, c.X, y)) == model_bytes(reg.fit(ex::seq, c.X, y)));
                }
            }
        }
    }
}

}  // namespace gbdt_cuda_test
