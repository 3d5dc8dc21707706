// Tests of the gbdt training core (binning, histograms, split finding, growth,
// objectives, training control, determinism, model files).
//
// References: brute force (bin search by linear scan, histograms by direct
// summation, every threshold and NaN direction enumerated from the rows,
// exhaustive best single split of the raw data), finite differences of the
// losses, closed-form learnable targets, the seq policy for simd/par.
#define BOOST_TEST_MODULE gbdt
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/random.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/gbdt.hpp>
#include <tessera/learners/gbdt/detail/backend.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/pipeline/pipeline.hpp>

using namespace tessera;
namespace gd = tessera::gbdt::detail;

static_assert(learner<gbdt::regressor>);
static_assert(learner<gbdt::classifier, matrix<float>, vector<std::int32_t>>);
static_assert(learner<gbdt::classifier, matrix<double>, vector<std::int32_t>>);
static_assert(probabilistic_predictor<gbdt::model>);
static_assert(serializable<gbdt::model>);

namespace {

matrix<float> normal_matrix(std::size_t n, std::size_t F, std::uint64_t seed, double nan_rate = 0.0) {
    rng r(seed, 1);
    matrix<float> X = xt::empty<float>({n, F});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t f = 0; f < F; ++f) {
            const std::size_t k = i * F + f;
            X(i, f) = r.uniform_at<double>(3 * k) < nan_rate ? std::numeric_limits<float>::quiet_NaN()
                                                             : static_cast<float>(r.normal_at<double>(3 * k + 1));
        }
    return X;
}

// values on a grid of 0.1 steps in [-2, 2] (41 distinct values: every cut is a bin boundary)
matrix<float> grid_matrix(std::size_t n, std::size_t F, std::uint64_t seed) {
    rng r(seed, 4);
    matrix<float> X = xt::empty<float>({n, F});
    for (std::size_t i = 0; i < n * F; ++i)
        X.data()[i] = static_cast<float>(r.uniform_int_at(i, -20, 20)) * 0.1f;
    return X;
}

vector<std::int32_t> binary_labels(const matrix<float>& X, std::uint64_t seed) {
    rng r(seed, 2);
    vector<std::int32_t> y = xt::empty<std::int32_t>({X.shape()[0]});
    for (std::size_t i = 0; i < X.shape()[0]; ++i) {
        const double x0 = std::isnan(X(i, 0)) ? 1.0 : X(i, 0);
        const double s = 1.5 * x0 - X(i, 1) * X(i, 2) + (X(i, 3) > 0.3f ? 1.0 : -1.0);
        y(i) = r.uniform_at<double>(i) < 1.0 / (1.0 + std::exp(-s)) ? 1 : 0;
    }
    return y;
}

std::vector<gd::gh_pair> random_gh(std::size_t n, std::uint64_t seed) {
    rng r(seed, 3);
    std::vector<gd::gh_pair> q(n);
    for (std::size_t i = 0; i < n; ++i)
        q[i] = {static_cast<std::int64_t>(r.normal_at<double>(2 * i) * 1e12),
                static_cast<std::int64_t>((1.0 + r.uniform_at<double>(2 * i + 1)) * 1e12)};
    return q;
}

std::vector<std::uint32_t> offsets_of(const gbdt::dataset& d) {
    std::vector<std::uint32_t> off(d.features() + 1, 0);
    for (std::size_t f = 0; f < d.features(); ++f) off[f + 1] = off[f] + d.mapper(f).n_bins();
    return off;
}

bool same_cells(const gd::hist_cell* a, const gd::hist_cell* b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (a[i].g != b[i].g || a[i].h != b[i].h || a[i].c != b[i].c) return false;
    return true;
}

}  // namespace

// ---- binning ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bin_mapper_few_distinct_values_cut_at_midpoints) {
    std::vector<float> v;
    for (int k = 0; k < 10; ++k)
        for (int r = 0; r < 5; ++r) v.push_back(static_cast<float>(k) * 0.5f);
    v.push_back(std::numeric_limits<float>::quiet_NaN());
    const auto m = gd::fit_bin_mapper(v, false, 255, 3);
    BOOST_TEST(m.n_value_bins == 10u);
    for (std::size_t b = 0; b + 1 < 10; ++b) {
        BOOST_TEST(m.upper[b] >= static_cast<float>(b) * 0.5f);
        BOOST_TEST(m.upper[b] < static_cast<float>(b + 1) * 0.5f);
    }
    for (int k = 0; k < 10; ++k) BOOST_TEST(m.bin(static_cast<float>(k) * 0.5f) == k);
    BOOST_TEST(m.bin(std::numeric_limits<float>::quiet_NaN()) == m.nan_bin());
    BOOST_TEST(m.bin(-1e30f) == 0);
    BOOST_TEST(m.bin(std::numeric_limits<float>::infinity()) == 9);
}

BOOST_AUTO_TEST_CASE(bin_mapper_equal_frequency_and_heavy_value_against_brute_force) {
    rng r(7, 0);
    std::vector<float> v;
    for (int i = 0; i < 20000; ++i) v.push_back(static_cast<float>(r.normal_at<double>(static_cast<std::uint64_t>(i))));
    for (int i = 0; i < 3000; ++i) v.push_back(0.25f);  // a heavy value: its own bin
    const auto m = gd::fit_bin_mapper(v, false, 63, 3);
    BOOST_TEST(m.n_value_bins <= 63u);
    BOOST_TEST(m.n_value_bins >= 60u);
    // bin(x) = number of upper bounds below x (linear scan); x <= upper[b] <=> bin(x) <= b
    std::vector<std::size_t> count(m.n_bins(), 0);
    for (float x : v) {
        std::uint32_t brute = 0;
        while (brute < m.upper.size() && m.upper[brute] < x) ++brute;
        BOOST_TEST_REQUIRE(m.bin(x) == brute);
        ++count[m.bin(x)];
    }
    const std::uint8_t hb = m.bin(0.25f);
    BOOST_TEST(count[hb] >= 3000u);
    BOOST_TEST(count[hb] <= 3000u + 20000u / 62u);  // at most part of a mean bin shares it
    const double mean = 20000.0 / 62.0;
    for (std::size_t b = 0; b < m.n_value_bins; ++b)
        if (b != hb) BOOST_TEST(static_cast<double>(count[b]) < 2.5 * mean);
    for (std::size_t b = 1; b < m.upper.size(); ++b) BOOST_TEST(m.upper[b - 1] < m.upper[b]);
}

BOOST_AUTO_TEST_CASE(float_threshold_equals_binned_decision) {
    const matrix<float> X = normal_matrix(3000, 3, 11, 0.05);
    gbdt::params p;
    p.max_bin = 31;
    const auto d = gbdt::dataset::build(exec::seq, X, p);
    for (std::size_t f = 0; f < 3; ++f) {
        const auto& m = d.mapper(f);
        for (std::size_t i = 0; i < 3000; ++i) BOOST_TEST_REQUIRE(d.bin(i, f) == m.bin(X(i, f)));  // fast binning
        for (std::uint32_t b = 0; b + 1 < m.n_value_bins; ++b)
            for (std::size_t i = 0; i < 3000; ++i) {
                if (std::isnan(X(i, f))) continue;
                BOOST_TEST_REQUIRE((X(i, f) <= m.threshold(b)) == (d.bin(i, f) <= b));
            }
    }
}

BOOST_AUTO_TEST_CASE(categorical_codes_are_bins) {
    matrix<float> X = xt::empty<float>({std::size_t{6}, std::size_t{1}});
    const float vals[] = {0, 3, 2, -1, 2.5f, std::numeric_limits<float>::quiet_NaN()};
    for (std::size_t i = 0; i < 6; ++i) X(i, 0) = vals[i];
    gbdt::params p;
    p.categorical_features = {0};
    const auto d = gbdt::dataset::build(exec::seq, X, p);
    BOOST_TEST(d.mapper(0).categorical);
    BOOST_TEST(d.mapper(0).n_value_bins == 4u);
    BOOST_TEST(d.bin(0, 0) == 0);
    BOOST_TEST(d.bin(1, 0) == 3);
    BOOST_TEST(d.bin(2, 0) == 2);
    for (std::size_t i = 3; i < 6; ++i) BOOST_TEST(d.bin(i, 0) == 4);  // other / NaN bin
}

// ---- histograms --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(histogram_seq_fast_par_against_brute_force_and_subtraction_exact) {
    const std::size_t n = 50000, F = 9;
    const matrix<float> X = normal_matrix(n, F, 5, 0.1);
    gbdt::params p;
    const auto d = gbdt::dataset::build(exec::seq, X, p);
    const auto off = offsets_of(d);
    const auto q = random_gh(n, 9);
    std::vector<std::uint32_t> rows;
    rng r(3, 3);
    for (std::uint32_t i = 0; i < n; ++i)
        if (r.uniform_at<double>(i) < 0.6) rows.push_back(i);
    const std::size_t B = off[F];
    // brute force: per feature and bin, sum over the rows
    std::vector<gd::hist_cell> brute(B);
    for (std::uint32_t i : rows)
        for (std::size_t f = 0; f < F; ++f) {
            auto& c = brute[off[f] + d.bin(i, f)];
            c.g += q[i].g;
            c.h += q[i].h;
            c.c += 1;
        }
    std::vector<gd::hist_cell> seq(B), fast(B);
    gd::build_histogram_seq(d.row_bins(), F, off.data(), q.data(), rows.data(), rows.size(), seq.data());
    BOOST_TEST(same_cells(seq.data(), brute.data(), B));
    gd::build_histogram_block(d.row_bins(), F, off.data(), q.data(), rows.data(), rows.size(), fast.data());
    BOOST_TEST(same_cells(fast.data(), brute.data(), B));
    for (unsigned threads : {1u, 2u, 7u}) {
        gd::cpu_backend be(d, {}, threads, false);
        std::copy(rows.begin(), rows.end(), be.rows());
        be.begin_tree(q.data(), gd::make_scale(0, 0), static_cast<std::uint32_t>(rows.size()));
        std::vector<gd::hist_cell> par(B);
        be.build_histogram(0, static_cast<std::uint32_t>(rows.size()), par.data());
        BOOST_TEST(same_cells(par.data(), brute.data(), B));
        // partition on a feature, then parent - left == right exactly
        gd::split_info s;
        s.feature = 2;
        s.threshold_bin = d.mapper(2).n_value_bins / 2;
        s.default_left = true;
        const std::uint32_t nl = be.partition(0, static_cast<std::uint32_t>(rows.size()), s);
        std::vector<gd::hist_cell> left(B), right(B);
        be.build_histogram(0, nl, left.data());
        be.build_histogram(nl, static_cast<std::uint32_t>(rows.size()), right.data());
        std::vector<gd::hist_cell> parent = par, small(B);
        be.subtract(par.data(), left.data());
        BOOST_TEST(same_cells(par.data(), right.data(), B));
        // the fused form (the grower's): left built, parent - left in the parent's buffer
        be.build_and_subtract(0, nl, small.data(), parent.data());
        BOOST_TEST(same_cells(small.data(), left.data(), B));
        BOOST_TEST(same_cells(parent.data(), right.data(), B));
        // the split search over feature ranges (one per thread) = one scan over all features
        gd::node_sums tot;
        for (std::size_t b = off[0]; b < off[1]; ++b) tot = {tot.g + right[b].g, tot.h + right[b].h, tot.c + right[b].c};
        const auto one = gd::find_best_split(right.data(), d.mappers(), off.data(), nullptr, tot, be.scale(), gd::split_settings{});
        const auto mine = be.find_split(right.data(), tot, nullptr);
        BOOST_TEST(one.valid());
        BOOST_TEST(mine.feature == one.feature);
        BOOST_TEST(mine.threshold_bin == one.threshold_bin);
        BOOST_TEST(mine.default_left == one.default_left);
        BOOST_TEST(mine.gain == one.gain);
        for (std::uint32_t j = 0; j < rows.size(); ++j) {
            const std::uint32_t i = be.rows()[j];
            BOOST_TEST_REQUIRE(s.bin_left(d.bin(i, 2), d.mapper(2).nan_bin()) == (j < nl));
            if (j > 0 && j != nl) BOOST_TEST_REQUIRE(be.rows()[j - 1] < i);  // stable
        }
    }
}

// ---- split finding -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(split_finder_against_enumeration_of_thresholds_and_directions) {
    const std::size_t n = 400, F = 4;
    const matrix<float> X = normal_matrix(n, F, 21, 0.15);
    gbdt::params p;
    p.max_bin = 15;
    const auto d = gbdt::dataset::build(exec::seq, X, p);
    const auto off = offsets_of(d);
    const auto q = random_gh(n, 4);
    std::vector<std::uint32_t> rows(n);
    for (std::uint32_t i = 0; i < n; ++i) rows[i] = i;
    std::vector<gd::hist_cell> h(off[F]);
    gd::build_histogram_seq(d.row_bins(), F, off.data(), q.data(), rows.data(), n, h.data());
    gd::node_sums total;
    for (std::uint32_t i = 0; i < n; ++i) total = {total.g + q[i].g, total.h + q[i].h, total.c + 1};
    for (double l1 : {0.0, 2.0}) {
        gd::split_settings st;
        st.c.min_data_in_leaf = 15;
        st.c.lambda_l1 = l1;
        st.c.lambda_l2 = 3.0;
        st.c.min_child_weight = 1.0;
        const auto sc = gd::make_scale(40, 40);
        const auto best = gd::find_best_split(h.data(), d.mappers(), off.data(), nullptr, total, sc, st);
        // enumerate: every feature, every "bin <= t" cut, NaN left or right, sums from the rows
        double bgain = -1.0;
        int bf = -1;
        std::uint32_t bt = 0;
        bool bdl = false;
        const double pg = gd::node_gain(total, sc, st.c);
        for (std::size_t f = 0; f < F; ++f) {
            const auto& m = d.mapper(f);
            for (int dl = 0; dl < 2; ++dl)
                for (std::uint32_t t = 0; t < m.n_value_bins; ++t) {
                    gd::node_sums L;
                    for (std::uint32_t i = 0; i < n; ++i) {
                        const std::uint32_t b = d.bin(i, f);
                        if (b == m.nan_bin() ? dl == 1 : b <= t) L = {L.g + q[i].g, L.h + q[i].h, L.c + 1};
                    }
                    const double Hl = static_cast<double>(L.h) * sc.sh, Hr = static_cast<double>(total.h - L.h) * sc.sh;
                    if (L.c < 15 || total.c - L.c < 15 || Hl < 1.0 || Hr < 1.0) continue;
                    const double gain = gd::leaf_gain(static_cast<double>(L.g) * sc.sg, Hl, l1, 3.0) +
                                        gd::leaf_gain(static_cast<double>(total.g - L.g) * sc.sg, Hr, l1, 3.0) - pg;
                    if (gain > bgain + 1e-12) {
                        bgain = gain;
                        bf = static_cast<int>(f);
                        bt = t;
                        bdl = dl == 1;
                    }
                }
        }
        BOOST_TEST_REQUIRE(best.valid());
        BOOST_TEST(best.gain == bgain, boost::test_tools::tolerance(1e-9));
        BOOST_TEST(best.feature == bf);
        // the same partition of the rows (t = last value bin with NaN left is "all left")
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t b = d.bin(i, static_cast<std::size_t>(bf));
            const bool brute_left = b == d.mapper(static_cast<std::size_t>(bf)).nan_bin() ? bdl : b <= bt;
            BOOST_TEST_REQUIRE(best.bin_left(b, d.mapper(static_cast<std::size_t>(bf)).nan_bin()) == brute_left);
        }
    }
}

BOOST_AUTO_TEST_CASE(single_tree_root_split_is_the_exhaustive_best) {
    // few distinct values per feature (every threshold is a bin boundary)
    const std::size_t n = 600, F = 3;
    rng r(99, 0);
    matrix<float> X = xt::empty<float>({n, F});
    vector<float> y = xt::empty<float>({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t f = 0; f < F; ++f) X(i, f) = static_cast<float>(r.uniform_int(0, 30)) * 0.1f;
        y(i) = static_cast<float>(std::sin(3.0 * X(i, 0)) + X(i, 1) * X(i, 2) + 0.3 * r.normal_at<double>(1000 + i));
    }
    gbdt::params p{.rounds = 1, .learning_rate = 1.0, .max_leaves = 2};
    p.min_data_in_leaf = 1;
    p.min_child_weight = 0.0;
    const auto m = gbdt::regressor{p}.fit(exec::seq, X, y);
    const auto& t = m.trees()[0];
    BOOST_TEST_REQUIRE(t.n_internal() == 1u);
    // brute force: SSE reduction of every split "x_f <= v" over distinct values v
    double best = -1;
    int bf = -1;
    float bv = 0;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += y(i);
    for (std::size_t f = 0; f < F; ++f) {
        std::set<float> vals;
        for (std::size_t i = 0; i < n; ++i) vals.insert(X(i, f));
        for (float v : vals) {
            double sl = 0;
            std::size_t nl = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (X(i, f) <= v) {
                    sl += y(i);
                    ++nl;
                }
            if (nl == 0 || nl == n) continue;
            const double gain = sl * sl / nl + (sum - sl) * (sum - sl) / (n - nl) - sum * sum / n;
            if (gain > best) {
                best = gain;
                bf = static_cast<int>(f);
                bv = v;
            }
        }
    }
    BOOST_TEST(t.split_feature[0] == bf);
    BOOST_TEST(t.threshold[0] >= bv);
    for (std::size_t i = 0; i < n; ++i)
        BOOST_TEST_REQUIRE((X(i, static_cast<std::size_t>(bf)) <= t.threshold[0]) == (X(i, static_cast<std::size_t>(bf)) <= bv));
    BOOST_TEST(t.gain[0] == best, boost::test_tools::tolerance(1e-6));
    // leaf values: the mean of y in each side (base = mean, lr = 1)
    double sl = 0;
    std::size_t nl = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (X(i, static_cast<std::size_t>(bf)) <= bv) {
            sl += y(i);
            ++nl;
        }
    const auto raw = m.predict_raw(exec::seq, X);
    for (std::size_t i = 0; i < n; ++i) {
        const bool left = X(i, static_cast<std::size_t>(bf)) <= bv;
        const double expect = left ? sl / nl : (sum - sl) / (n - nl);
        BOOST_TEST_REQUIRE(raw(i, 0) == expect, boost::test_tools::tolerance(1e-6));
    }
}

// ---- objectives ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(objective_gradients_against_finite_differences) {
    auto loss = [](int kind, double y, double s) {
        switch (kind) {
            case 0: return 0.5 * (s - y) * (s - y);
            case 1: return std::abs(s - y);
            case 2: return std::abs(s - y) <= 1.5 ? 0.5 * (s - y) * (s - y) : 1.5 * (std::abs(s - y) - 0.75);
            case 3: return std::exp(s) - y * s;
            default: return -(y * s - std::log1p(std::exp(s)));
        }
    };
    const double eps = 1e-5;
    for (int kind = 0; kind < 5; ++kind)
        for (double y : {0.0, 1.0, 2.5})
            for (double s : {-1.3, 0.2, 0.9, 3.1}) {
                if (kind == 4 && y > 1.0) continue;
                gd::builtin_regression br{kind, 1.5};
                double g = 0, h = 0;
                br.row(static_cast<float>(y), s, g, h);
                const double fd = (loss(kind, y, s + eps) - loss(kind, y, s - eps)) / (2 * eps);
                BOOST_TEST(g == fd, boost::test_tools::tolerance(1e-6));
                if (kind == 0 || kind == 4) {
                    const double fd2 = (loss(kind, y, s + eps) - 2 * loss(kind, y, s) + loss(kind, y, s - eps)) / (eps * eps);
                    BOOST_TEST(h == fd2, boost::test_tools::tolerance(1e-3));
                }
            }
}

BOOST_AUTO_TEST_CASE(squared_error_learns_a_step_function_exactly) {
    const std::size_t n = 4000;
    const matrix<float> X = grid_matrix(n, 4, 31);
    vector<float> y = xt::empty<float>({n});
    for (std::size_t i = 0; i < n; ++i) y(i) = (X(i, 0) > 0.5f ? 2.0f : -1.0f) + (X(i, 1) <= -0.2f ? 0.5f : 0.0f);
    gbdt::params p{.rounds = 60, .learning_rate = 0.3, .max_leaves = 4};
    const auto m = gbdt::regressor{p}.fit(exec::par, X, y);
    const auto pred = m.predict(exec::par, X);
    double mse = 0;
    for (std::size_t i = 0; i < n; ++i) mse += (pred(i) - y(i)) * (pred(i) - y(i));
    BOOST_TEST(mse / n < 1e-6);
    const auto imp = m.feature_importance(gbdt::importance::gain);
    BOOST_TEST(imp[0] > imp[1]);
    BOOST_TEST(imp[2] == 0.0);
}

BOOST_AUTO_TEST_CASE(custom_objective_matches_builtin_squared_error) {
    const matrix<float> X = normal_matrix(2000, 3, 41);
    vector<float> y = xt::empty<float>({2000});
    for (std::size_t i = 0; i < 2000; ++i) y(i) = X(i, 0) * 2.0f - X(i, 1);
    gbdt::params p{.rounds = 10};
    const auto a = gbdt::regressor{p}.fit(exec::seq, X, y);
    const auto b = gbdt::regressor{p}.fit(exec::seq, X, y, gbdt::squared_error_objective{});
    BOOST_TEST(a.trees() == b.trees());
    BOOST_TEST(a.base_score()[0] == b.base_score()[0], boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(absolute_error_poisson_huber_and_multiclass_fit) {
    const std::size_t n = 3000;
    const matrix<float> X = normal_matrix(n, 3, 51);
    vector<float> y = xt::empty<float>({n});
    vector<float> cnt = xt::empty<float>({n});
    vector<std::int32_t> cls = xt::empty<std::int32_t>({n});
    rng r(5, 5);
    for (std::size_t i = 0; i < n; ++i) {
        y(i) = X(i, 0) + (r.uniform_at<double>(i) < 0.1 ? 50.0f : 0.0f);  // outliers
        cnt(i) = static_cast<float>(std::floor(std::exp(0.5 * X(i, 1)) * 3.0 * r.uniform_at<double>(n + i) * 2.0));
        cls(i) = X(i, 0) > 0.5f ? 2 : (X(i, 1) > 0.0f ? 1 : 0);
    }
    gbdt::params p{.rounds = 40, .learning_rate = 0.2, .max_leaves = 8};
    p.objective = gbdt::objective_kind::absolute_error;
    const auto l1 = gbdt::regressor{p}.fit(exec::par, X, y);
    BOOST_TEST(std::abs(l1.base_score()[0]) < 0.2);  // median, not the outlier-pulled mean (~5)
    const auto pl1 = l1.predict(exec::par, X);
    double mae = 0;
    for (std::size_t i = 0; i < n; ++i) mae += std::abs(pl1(i) - X(i, 0));
    BOOST_TEST(mae / n < 0.15);  // robust to the outliers
    p.objective = gbdt::objective_kind::poisson;
    const auto po = gbdt::regressor{p}.fit(exec::par, X, cnt);
    for (double v : po.predict(exec::par, X)) BOOST_TEST_REQUIRE(v > 0.0);
    p.objective = gbdt::objective_kind::huber;
    const auto hu = gbdt::regressor{p}.fit(exec::par, X, y);
    BOOST_TEST(hu.trees().size() == 40u);
    const auto mc = gbdt::classifier{p}.fit(exec::par, X, cls);
    BOOST_TEST(mc.n_outputs() == 3u);
    BOOST_TEST(mc.trees().size() == 120u);
    const auto pc = mc.predict(exec::par, X);
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += pc(i) == cls(i);
    BOOST_TEST(ok > n * 95 / 100);
    const auto pr = mc.predict_proba(exec::par, X);
    BOOST_TEST(pr.shape()[1] == 3u);
    BOOST_TEST(pr(0, 0) + pr(0, 1) + pr(0, 2) == 1.0, boost::test_tools::tolerance(1e-12));
}

// ---- categorical, NaN ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(categorical_split_recovers_the_rule) {
    const std::size_t n = 3000;
    matrix<float> X = xt::empty<float>({n, std::size_t{2}});
    vector<float> y = xt::empty<float>({n});
    rng r(8, 8);
    for (std::size_t i = 0; i < n; ++i) {
        const int c = r.uniform_int(0, 11);
        X(i, 0) = static_cast<float>(c);
        X(i, 1) = static_cast<float>(r.normal_at<double>(i));
        y(i) = (c == 1 || c == 3 || c == 7 || c == 10) ? 3.0f : 0.0f;
    }
    gbdt::params p{.rounds = 1, .learning_rate = 1.0, .max_leaves = 2};
    p.categorical_features = {0};
    const auto m = gbdt::regressor{p}.fit(exec::seq, X, y);
    const auto& t = m.trees()[0];
    BOOST_TEST_REQUIRE(t.n_internal() == 1u);
    BOOST_TEST(t.categorical(0));
    std::set<int> left;
    for (int c = 0; c < 12; ++c)
        if (t.goes_left(0, static_cast<float>(c))) left.insert(c);
    const std::set<int> rule{1, 3, 7, 10};
    std::set<int> rest;
    for (int c = 0; c < 12; ++c)
        if (!rule.count(c)) rest.insert(c);
    BOOST_TEST((left == rule || left == rest));
    const auto pred = m.predict(exec::seq, X);
    for (std::size_t i = 0; i < n; ++i) BOOST_TEST_REQUIRE(pred(i) == y(i), boost::test_tools::tolerance(1e-6));
    // one-vs-rest below max_cat_to_onehot
    for (std::size_t i = 0; i < n; ++i) {
        X(i, 0) = static_cast<float>(i % 3);
        y(i) = i % 3 == 1 ? 1.0f : 0.0f;
    }
    const auto m2 = gbdt::regressor{p}.fit(exec::seq, X, y);
    const auto& t2 = m2.trees()[0];
    BOOST_TEST(t2.categorical(0));
    BOOST_TEST((t2.goes_left(0, 1.0f) != t2.goes_left(0, 0.0f)));
    BOOST_TEST((t2.goes_left(0, 0.0f) == t2.goes_left(0, 2.0f)));
}

BOOST_AUTO_TEST_CASE(nan_direction_is_learned) {
    const std::size_t n = 2000;
    matrix<float> X = grid_matrix(n, 2, 61);
    vector<float> y = xt::empty<float>({n});
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 5 == 0) X(i, 0) = std::numeric_limits<float>::quiet_NaN();
        // NaN behaves like large x: y high
        y(i) = (std::isnan(X(i, 0)) || X(i, 0) > 0.0f) ? 1.0f : -1.0f;
    }
    gbdt::params p{.rounds = 1, .learning_rate = 1.0, .max_leaves = 2};
    const auto m = gbdt::regressor{p}.fit(exec::seq, X, y);
    const auto& t = m.trees()[0];
    BOOST_TEST(t.split_feature[0] == 0);
    BOOST_TEST(!t.default_left(0));  // NaN goes with the large values (right)
    for (std::size_t i = 0; i < n; ++i) BOOST_TEST_REQUIRE(m.predict(exec::seq, X)(i) == y(i), boost::test_tools::tolerance(1e-6));
    for (std::size_t i = 0; i < n; ++i) y(i) = -y(i) * (std::isnan(X(i, 0)) ? -1.0f : 1.0f);  // NaN now like small x
    const auto m2 = gbdt::regressor{p}.fit(exec::seq, X, y);
    BOOST_TEST(m2.trees()[0].default_left(0));
}

// ---- training control ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(early_stopping_history_and_callback) {
    const matrix<float> X = normal_matrix(3000, 5, 71);
    const auto y = binary_labels(X, 71);
    const matrix<float> Xv = normal_matrix(1000, 5, 72);
    const auto yv = binary_labels(Xv, 72);
    gbdt::params p{.rounds = 300, .learning_rate = 0.5, .max_leaves = 31};
    p.early_stopping_rounds = 5;
    p.min_data_in_leaf = 2;
    gbdt::fit_options opt;
    opt.eval = {&Xv, &yv};
    opt.record_train = true;
    const auto m = gbdt::classifier{p}.fit(exec::par, X, y, opt);
    const auto& h = m.history();
    BOOST_TEST((h.metric == gbdt::metric_kind::logloss));
    BOOST_TEST_REQUIRE(h.eval.size() == 1u);
    const std::size_t rounds_run = h.eval[0].size();
    BOOST_TEST(rounds_run < 300u);
    BOOST_TEST(h.train.size() == rounds_run);
    BOOST_TEST(m.best_iteration() >= 1);
    BOOST_TEST(m.trees().size() == static_cast<std::size_t>(m.best_iteration()));
    BOOST_TEST(rounds_run == static_cast<std::size_t>(m.best_iteration()) + 5u);
    const auto best = static_cast<std::size_t>(m.best_iteration() - 1);
    for (std::size_t r = 0; r < rounds_run; ++r) BOOST_TEST(h.eval[0][r] >= h.eval[0][best]);
    BOOST_TEST(h.train.back() < h.train.front());
    // the recorded eval metric is the model's: recompute at the best round
    const auto pr = m.predict_proba(exec::seq, Xv);
    double ll = 0;
    for (std::size_t i = 0; i < 1000; ++i) ll -= std::log(pr(i, static_cast<std::size_t>(yv(i))));
    BOOST_TEST(ll / 1000 == h.eval[0][best], boost::test_tools::tolerance(1e-9));
    // a callback stops training
    gbdt::fit_options o2;
    o2.eval = {&Xv, &yv};
    o2.metric = gbdt::metric_kind::auc;
    std::size_t calls = 0;
    o2.callback = [&](const gbdt::iteration_info& info) {
        ++calls;
        BOOST_TEST(info.eval_metrics.size() == 1u);
        return info.round < 6;
    };
    p.early_stopping_rounds = 0;
    const auto m2 = gbdt::classifier{p}.fit(exec::par, X, y, o2);
    BOOST_TEST(calls == 7u);  // rounds 0..6; round 6 returns false
    BOOST_TEST(m2.trees().size() == 7u);
    BOOST_TEST(m2.history().eval[0].back() > 0.7);
}

BOOST_AUTO_TEST_CASE(class_weight_and_scale_pos_weight_shift_the_base_score) {
    const matrix<float> X = normal_matrix(2000, 3, 81);
    const auto y = binary_labels(X, 81);
    gbdt::params p{.rounds = 2};
    const auto a = gbdt::classifier{p}.fit(exec::par, X, y);
    p.scale_pos_weight = 3.0;
    const auto b = gbdt::classifier{p}.fit(exec::par, X, y);
    BOOST_TEST(b.base_score()[0] == a.base_score()[0] + std::log(3.0), boost::test_tools::tolerance(1e-9));
    p.scale_pos_weight = 1.0;
    p.class_weight = {1.0, 3.0};
    const auto c = gbdt::classifier{p}.fit(exec::par, X, y);
    BOOST_TEST(c.trees() == b.trees());
}

// ---- determinism, policies, files, errors ------------------------------------------------

BOOST_AUTO_TEST_CASE(model_files_bitwise_identical_for_policies_threads_and_runs) {
    const matrix<float> X = normal_matrix(60000, 6, 91, 0.05);
    const auto y = binary_labels(X, 91);
    gbdt::params p{.rounds = 6, .learning_rate = 0.2, .max_leaves = 15};
    p.subsample = 0.8;
    p.colsample_bytree = 0.8;
    p.colsample_bynode = 0.7;
    p.seed = 5;
    p.hist_cache = 4;  // forces evictions
    const gbdt::classifier clf{p};
    const std::string ref = io::save_to_string(clf.fit(exec::seq, X, y));
    BOOST_TEST(io::save_to_string(clf.fit(exec::simd, X, y)) == ref);
    for (unsigned t : {1u, 2u, 7u}) BOOST_TEST(io::save_to_string(clf.fit(exec::par_t{.threads = t}, X, y)) == ref);
    BOOST_TEST(io::save_to_string(clf.fit(exec::par_t{.threads = 2}, X, y)) == ref);
    p.hist_cache = 0;
    BOOST_TEST(io::save_to_string(gbdt::classifier{p}.fit(exec::par, X, y)) == ref);  // cache size changes nothing
    p.seed = 6;
    BOOST_TEST(io::save_to_string(gbdt::classifier{p}.fit(exec::par, X, y)) != ref);
    // a prebuilt dataset gives the same model
    const auto d = gbdt::dataset::build(exec::par, X, p);
    p.seed = 5;
    const auto d5 = gbdt::dataset::build(exec::par, X, p);
    BOOST_TEST(io::save_to_string(clf.fit(exec::par, d5, y)) == ref);
    // depth-wise growth, deterministic too
    p.growth = gbdt::growth_policy::depth_wise;
    p.max_depth = 4;
    p.max_leaves = 0;
    const std::string dw = io::save_to_string(gbdt::classifier{p}.fit(exec::seq, X, y));
    BOOST_TEST(io::save_to_string(gbdt::classifier{p}.fit(exec::par_t{.threads = 2}, X, y)) == dw);
    const auto mdw = io::load_from_string<gbdt::model>(dw);
    for (const auto& t : mdw.trees()) {
        BOOST_TEST(t.n_leaves() <= 16u);
    }
}

BOOST_AUTO_TEST_CASE(save_load_round_trip_and_corruption_rejected) {
    const matrix<float> X = normal_matrix(3000, 4, 101, 0.1);
    const auto y = binary_labels(X, 101);
    gbdt::params p{.rounds = 8};
    p.categorical_features = {};
    const auto m = gbdt::classifier{p}.fit(exec::par, X, y);
    const std::string bytes = io::save_to_string(m);
    const auto back = io::load_from_string<gbdt::model>(bytes);
    BOOST_TEST((back == m));
    const auto a = m.predict_raw(exec::seq, X), b = back.predict_raw(exec::seq, X);
    BOOST_TEST(std::equal(a.begin(), a.end(), b.begin()));
    std::string bad = bytes;
    bad[bad.size() / 2] ^= 0x20;
    BOOST_CHECK_THROW(io::load_from_string<gbdt::model>(bad), format_error);
    BOOST_CHECK_THROW(io::load_from_string<gbdt::model>(bytes.substr(0, bytes.size() - 9)), format_error);
    // a payload whose tree is structurally broken is rejected by tree::validate
    io::writer w;
    m.save(w);
    std::string payload = w.take();
    io::reader ok(payload);
    BOOST_CHECK_NO_THROW(gbdt::model::load(ok));
    payload[4] = 0;  // n_features = small: splits on feature >= n_features
    payload[5] = payload[6] = payload[7] = 0;
    io::reader r(payload);
    BOOST_CHECK_THROW(gbdt::model::load(r), format_error);
}

BOOST_AUTO_TEST_CASE(bad_parameters_throw_config_error_naming_the_field) {
    const matrix<float> X = normal_matrix(100, 2, 1);
    vector<float> y = xt::zeros<float>({100});
    auto field_of = [&](gbdt::params p) {
        try {
            (void)gbdt::regressor{p}.fit(exec::seq, X, y);
        } catch (const config_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    auto with = [](auto f) {
        gbdt::params p;
        f(p);
        return p;
    };
    BOOST_TEST(field_of(with([](auto& p) { p.rounds = 0; })).find("'rounds'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.learning_rate = -1; })).find("'learning_rate'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.max_bin = 256; })).find("'max_bin'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.max_leaves = 1; })).find("'max_leaves'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.subsample = 0; })).find("'subsample'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.lambda_l2 = -1; })).find("'lambda_l2'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.categorical_features = {5}; })).find("'categorical_features'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.growth = gbdt::growth_policy::depth_wise; })).find("'max_depth'") != std::string::npos);
    BOOST_TEST(field_of(with([](auto& p) { p.objective = gbdt::objective_kind::binary_logloss; })).find("'objective'") != std::string::npos);
    gbdt::params p;
    p.early_stopping_rounds = 3;
    BOOST_TEST(field_of(p).find("early_stopping_rounds") != std::string::npos);
    vector<std::int32_t> one = xt::zeros<std::int32_t>({100});
    BOOST_CHECK_THROW(gbdt::classifier{}.fit(exec::seq, X, one), data_error);
    vector<float> short_y = xt::zeros<float>({99});
    BOOST_CHECK_THROW(gbdt::regressor{}.fit(exec::seq, X, short_y), shape_error);
}

// ---- model: SHAP forwarding, pipelines ----------------------------------------------------

BOOST_AUTO_TEST_CASE(shap_contributions_sum_to_the_raw_score) {
    const matrix<float> X = normal_matrix(1500, 4, 111, 0.1);
    const auto y = binary_labels(X, 111);
    const auto m = gbdt::classifier{gbdt::params{.rounds = 5, .max_leaves = 8}}.fit(exec::par, X, y);
    const auto phi = m.shap(exec::par, X);
    const auto raw = m.predict_raw(exec::seq, X);
    BOOST_TEST_REQUIRE(phi.shape()[2] == 5u);
    for (std::size_t i = 0; i < 1500; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < 5; ++j) s += phi(i, 0, j);
        BOOST_TEST_REQUIRE(s == raw(i, 0), boost::test_tools::tolerance(1e-9));
    }
}

BOOST_AUTO_TEST_CASE(composes_in_a_pipeline_after_a_transformer) {
    const matrix<float> X = normal_matrix(2000, 4, 121);
    const auto y = binary_labels(X, 121);
    const gbdt::classifier clf{gbdt::params{.rounds = 10}};
    const auto pipe = features::standard_scaler{} | clf;
    const auto fitted = pipe.fit(exec::par, X, y);
    const auto proba = fitted.predict_proba(exec::par, X);
    BOOST_TEST(proba.shape()[1] == 2u);
    const auto back = io::load_from_string<std::remove_cvref_t<decltype(fitted)>>(io::save_to_string(fitted));
    const auto proba2 = back.predict_proba(exec::par, X);
    BOOST_TEST(std::equal(proba.begin(), proba.end(), proba2.begin()));
}
