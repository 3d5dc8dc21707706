// Tests of gbdt::flat_forest (learners/gbdt/predict.hpp).
//
// Reference: summing tree::predict_row (the tree format's own decision) over
// the trees of each output in tree order, in double from 0.0. Every policy
// (seq, simd, par with 1, 2 and 7 threads and small grains) and predict_row
// must give those bits exactly, on random trees (random, chain and balanced
// shapes, categorical bitsets, NaN default directions, single leaves) and
// random inputs (NaN, +-inf, category codes, ties with thresholds, odd row
// counts, zero rows).
#define BOOST_TEST_MODULE gbdt_predict
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/predict.hpp>

#include "random_trees.hpp"

using namespace tessera;
using gbdt_test::draws;
using gbdt_test::shape;

namespace {

std::vector<double> reference(const std::vector<gbdt::tree>& trees, std::size_t n_out, std::size_t nf,
                              const std::vector<float>& X, std::size_t rows, std::size_t n_trees) {
    std::vector<double> out(rows * n_out, 0.0);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t t = 0; t < n_trees; ++t)
            out[i * n_out + t % n_out] += trees[t].predict_row(X.data() + i * nf);
    return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::vector<gbdt::tree> random_forest(draws& r, std::size_t n_trees, std::size_t nf, std::size_t max_leaves,
                                      double p_cat) {
    std::vector<gbdt::tree> trees;
    for (std::size_t t = 0; t < n_trees; ++t) {
        gbdt_test::tree_options o;
        o.n_features = nf;
        o.n_leaves = 1 + r.below(max_leaves);
        if (t % 11 == 3) o.n_leaves = 1;  // single-leaf trees
        o.form = t % 5 == 1 ? shape::chain : t % 5 == 2 ? shape::balanced : shape::random;
        o.p_categorical = p_cat;
        trees.push_back(gbdt_test::random_tree(r, o));
    }
    return trees;
}

struct policy_results {
    std::vector<double> seq, simd, par1, par2, par7, par_default, row;
};

policy_results run_all(const gbdt::flat_forest& ff, const std::vector<float>& X, std::size_t rows,
                       std::size_t n_trees) {
    const std::size_t n_out = ff.n_outputs();
    policy_results p;
    for (auto* v : {&p.seq, &p.simd, &p.par1, &p.par2, &p.par7, &p.par_default, &p.row}) v->assign(rows * n_out, -7.0);
    ff.predict_raw(exec::seq, X.data(), rows, p.seq.data(), n_trees);
    ff.predict_raw(exec::simd, X.data(), rows, p.simd.data(), n_trees);
    // chunks of max(256, grain / 16) rows: grain 100 gives 256-row chunks, the default 4096
    ff.predict_raw(exec::par_t{.threads = 1, .grain = 100}, X.data(), rows, p.par1.data(), n_trees);
    ff.predict_raw(exec::par_t{.threads = 2, .grain = 100}, X.data(), rows, p.par2.data(), n_trees);
    ff.predict_raw(exec::par_t{.threads = 7, .grain = 100}, X.data(), rows, p.par7.data(), n_trees);
    ff.predict_raw(exec::par_t{.threads = 2}, X.data(), rows, p.par_default.data(), n_trees);
    for (std::size_t i = 0; i < rows; ++i)
        ff.predict_row(X.data() + i * ff.n_features(), p.row.data() + i * n_out, n_trees);
    return p;
}

void check_all(const gbdt::flat_forest& ff, const std::vector<gbdt::tree>& trees, const std::vector<float>& X,
               std::size_t rows, std::size_t n_trees) {
    const auto ref = reference(trees, ff.n_outputs(), ff.n_features(), X, rows, n_trees);
    const auto p = run_all(ff, X, rows, n_trees);
    BOOST_TEST(same_bits(p.seq, ref));
    BOOST_TEST(same_bits(p.simd, ref));
    BOOST_TEST(same_bits(p.par1, ref));
    BOOST_TEST(same_bits(p.par2, ref));
    BOOST_TEST(same_bits(p.par7, ref));
    BOOST_TEST(same_bits(p.par_default, ref));
    BOOST_TEST(same_bits(p.row, ref));
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_policy_equals_summed_tree_predict_row_bitwise) {
    draws r{42u};
    for (const std::size_t nf : {1u, 3u, 28u}) {
        for (const std::size_t n_out : {1u, 3u}) {
            for (const double p_cat : {0.0, 0.3}) {
                const auto trees = random_forest(r, 3 + r.below(40), nf, 64, p_cat);
                const gbdt::flat_forest ff(trees, n_out, nf);
                BOOST_TEST(ff.n_trees() == trees.size());
                for (const std::size_t rows : {0u, 1u, 7u, 63u, 64u, 65u, 129u, 1000u, 2500u}) {
                    const auto X = gbdt_test::random_rows(r, rows, nf);
                    BOOST_TEST_CONTEXT("nf " << nf << " outputs " << n_out << " p_cat " << p_cat << " rows " << rows)
                    check_all(ff, trees, X, rows, trees.size());
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(deep_chains_and_wide_balanced_trees) {
    draws r{7u};
    std::vector<gbdt::tree> trees;
    for (const shape s : {shape::chain, shape::balanced, shape::chain}) {
        gbdt_test::tree_options o;
        o.n_features = 5;
        o.n_leaves = s == shape::chain ? 300 : 255;
        o.form = s;
        o.p_categorical = 0.1;
        trees.push_back(gbdt_test::random_tree(r, o));
    }
    const gbdt::flat_forest ff(trees, 1, 5);
    const auto X = gbdt_test::random_rows(r, 777, 5, 0.3);
    check_all(ff, trees, X, 777, trees.size());
}

BOOST_AUTO_TEST_CASE(many_features) {
    draws r{9u};
    const std::size_t nf = 5000;
    const auto trees = random_forest(r, 20, nf, 63, 0.1);
    const gbdt::flat_forest ff(trees, 1, nf);
    const auto X = gbdt_test::random_rows(r, 200, nf);
    check_all(ff, trees, X, 200, trees.size());
}

BOOST_AUTO_TEST_CASE(prefix_of_trees) {
    draws r{3u};
    const auto trees = random_forest(r, 25, 6, 40, 0.2);
    const auto X = gbdt_test::random_rows(r, 300, 6);
    for (const std::size_t n_out : {1u, 2u}) {
        const gbdt::flat_forest ff(trees, n_out, 6);
        for (const std::size_t nt : {0u, 1u, 2u, 3u, 4u, 13u, 25u}) check_all(ff, trees, X, 300, nt);
    }
}

BOOST_AUTO_TEST_CASE(only_single_leaf_trees_and_no_features) {
    gbdt::tree t;
    t.leaf_value = {0.125};
    t.leaf_cover = {1.0};
    t.leaf_count = {1};
    const std::vector<gbdt::tree> trees{t, t, t};
    const gbdt::flat_forest ff(trees, 1, 0);
    std::vector<double> out(5, 0.0);
    ff.predict_raw(exec::simd, nullptr, 5, out.data());
    for (const double v : out) BOOST_TEST(v == 0.375);
    ff.predict_raw(exec::par, nullptr, 5, out.data());
    for (const double v : out) BOOST_TEST(v == 0.375);
}

BOOST_AUTO_TEST_CASE(default_constructed_forest_scores_zero) {
    const gbdt::flat_forest ff;
    std::vector<float> x(4, 1.0f);
    std::vector<double> out(4, 9.0);
    ff.predict_raw(exec::simd, x.data(), 4, out.data());
    for (const double v : out) BOOST_TEST(v == 0.0);
}

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_field) {
    draws r{5u};
    const auto trees = random_forest(r, 4, 3, 8, 0.0);
    try {
        gbdt::flat_forest ff(trees, 0, 3);
        BOOST_FAIL("expected shape_error");
    } catch (const shape_error& e) {
        BOOST_TEST(contains(e.what(), "n_outputs"));
    }
    const gbdt::flat_forest ff(trees, 1, 3);
    std::vector<float> x(3, 0.0f);
    std::vector<double> out(1);
    try {
        ff.predict_raw(exec::seq, x.data(), 1, out.data(), 5);
        BOOST_FAIL("expected shape_error");
    } catch (const shape_error& e) {
        BOOST_TEST(contains(e.what(), "n_trees"));
    }
    BOOST_CHECK_THROW(ff.predict_row(x.data(), out.data(), 99), shape_error);
    // a tree that splits on a feature the forest does not have
    BOOST_CHECK_THROW(gbdt::flat_forest(trees, 1, 0), format_error);
    auto broken = trees;
    broken[1].left.pop_back();
    BOOST_CHECK_THROW(gbdt::flat_forest(broken, 1, 3), format_error);
}
