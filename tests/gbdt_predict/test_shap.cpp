// Tests of gbdt::shap_values (learners/gbdt/shap.hpp).
//
// References: brute-force Shapley values, enumerating every feature subset S
// with v(S) = the path-dependent conditional expectation (at a node whose
// feature is in S follow the row, otherwise average the children weighted by
// cover), on small random trees (up to 8 features, categorical nodes, NaN
// default directions, repeated features on a path); local accuracy
// (contributions + bias = raw prediction = base_score + summed
// tree::predict_row, 1e-9 relative); seq for simd and par (bitwise, 1, 2, 7
// threads).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/shap.hpp>

#include "random_trees.hpp"

using namespace tessera;
using gbdt_test::draws;
using gbdt_test::shape;

namespace {

// Path-dependent conditional expectation of tree t for row x given the
// features in mask `known` (independent of the library: follows tree.hpp's
// documented layout and the cover rule of shap.hpp).
double cond_exp(const gbdt::tree& t, std::int32_t node, const float* x, unsigned known) {
    if (gbdt::tree::is_leaf(node)) return t.leaf_value[static_cast<std::size_t>(gbdt::tree::leaf_of(node))];
    const auto k = static_cast<std::size_t>(node);
    const auto f = static_cast<unsigned>(t.split_feature[k]);
    if (known & (1u << f)) return cond_exp(t, t.goes_left(k, x[f]) ? t.left[k] : t.right[k], x, known);
    auto cover = [&](std::int32_t c) {
        return gbdt::tree::is_leaf(c) ? t.leaf_cover[static_cast<std::size_t>(gbdt::tree::leaf_of(c))]
                                      : t.node_cover[static_cast<std::size_t>(c)];
    };
    const double w = t.node_cover[k];
    return cover(t.left[k]) / w * cond_exp(t, t.left[k], x, known) +
           cover(t.right[k]) / w * cond_exp(t, t.right[k], x, known);
}

double tree_v(const gbdt::tree& t, const float* x, unsigned known) {
    return t.n_internal() == 0 ? t.leaf_value[0] : cond_exp(t, 0, x, known);
}

// Shapley values of v over nf players: phi_j = sum_S |S|!(n-|S|-1)!/n! (v(S+j) - v(S)).
std::vector<double> brute_force(const std::vector<gbdt::tree>& trees, std::size_t nf, const float* x) {
    std::vector<double> phi(nf + 1, 0.0);
    std::vector<double> fact(nf + 1, 1.0);
    for (std::size_t i = 1; i <= nf; ++i) fact[i] = fact[i - 1] * static_cast<double>(i);
    for (const auto& t : trees) {
        std::vector<double> v(std::size_t{1} << nf);
        for (unsigned s = 0; s < v.size(); ++s) v[s] = tree_v(t, x, s);
        for (std::size_t j = 0; j < nf; ++j)
            for (unsigned s = 0; s < v.size(); ++s) {
                if (s & (1u << j)) continue;
                const auto size = static_cast<std::size_t>(__builtin_popcount(s));
                phi[j] += fact[size] * fact[nf - size - 1] / fact[nf] * (v[s | (1u << j)] - v[s]);
            }
        phi[nf] += v[0];
    }
    return phi;
}

std::vector<gbdt::tree> small_forest(draws& r, std::size_t n_trees, std::size_t nf, std::size_t max_leaves) {
    std::vector<gbdt::tree> trees;
    for (std::size_t t = 0; t < n_trees; ++t) {
        gbdt_test::tree_options o;
        o.n_features = nf;
        o.n_leaves = 1 + r.below(max_leaves);
        o.form = t % 3 == 1 ? shape::chain : shape::random;
        o.p_categorical = 0.25;
        trees.push_back(gbdt_test::random_tree(r, o));
    }
    return trees;
}

bool same_bits(const xt::xtensor<double, 3>& a, const xt::xtensor<double, 3>& b) {
    return a.shape() == b.shape() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

xt::xtensor<float, 2> as_matrix(const std::vector<float>& v, std::size_t rows, std::size_t nf) {
    xt::xtensor<float, 2> X = xt::zeros<float>({rows, nf});
    if (!v.empty()) std::memcpy(X.data(), v.data(), v.size() * sizeof(float));
    return X;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shap)

BOOST_AUTO_TEST_CASE(equals_brute_force_shapley_values) {
    draws r{11u};
    for (const std::size_t nf : {1u, 2u, 5u, 8u}) {
        for (int rep = 0; rep < 6; ++rep) {
            const auto trees = small_forest(r, 1 + r.below(4), nf, 24);
            const std::vector<double> base{0.25};
            const std::size_t rows = 20;
            const auto X = as_matrix(gbdt_test::random_rows(r, rows, nf, 0.2), rows, nf);
            const auto phi = gbdt::shap_values(exec::seq, trees, 1, nf, base, X);
            BOOST_TEST(phi.shape(0) == rows);
            BOOST_TEST(phi.shape(1) == 1u);
            BOOST_TEST(phi.shape(2) == nf + 1);
            for (std::size_t i = 0; i < rows; ++i) {
                auto ref = brute_force(trees, nf, &X(i, 0));
                ref[nf] += base[0];
                for (std::size_t j = 0; j <= nf; ++j)
                    BOOST_TEST(phi(i, 0, j) == ref[j], boost::test_tools::tolerance(1e-9));
                // absolute check too: tolerance() is relative, and zeros must be zeros
                for (std::size_t j = 0; j <= nf; ++j) BOOST_TEST(std::abs(phi(i, 0, j) - ref[j]) <= 1e-12);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(contributions_plus_bias_equal_raw_prediction_multi_output) {
    draws r{12u};
    const std::size_t nf = 28, n_out = 3, rows = 157;
    std::vector<gbdt::tree> trees;
    for (std::size_t t = 0; t < 30; ++t) {
        gbdt_test::tree_options o;
        o.n_features = nf;
        o.n_leaves = 1 + r.below(63);
        o.form = t % 4 == 1 ? shape::chain : shape::random;
        o.p_categorical = 0.15;
        trees.push_back(gbdt_test::random_tree(r, o));
    }
    const std::vector<double> base{0.5, -1.0, 2.0};
    const auto Xv = gbdt_test::random_rows(r, rows, nf);
    const auto X = as_matrix(Xv, rows, nf);
    const auto phi = gbdt::shap_values(exec::seq, trees, n_out, nf, base, X);
    for (std::size_t i = 0; i < rows; ++i) {
        std::vector<double> raw(base);
        for (std::size_t t = 0; t < trees.size(); ++t) raw[t % n_out] += trees[t].predict_row(&X(i, 0));
        for (std::size_t k = 0; k < n_out; ++k) {
            double s = 0.0, scale = 0.0;
            for (std::size_t j = 0; j <= nf; ++j) {
                s += phi(i, k, j);
                scale += std::abs(phi(i, k, j));
            }
            BOOST_TEST(std::abs(s - raw[k]) <= 1e-9 * std::max(1.0, scale));
        }
    }
}

BOOST_AUTO_TEST_CASE(policies_and_thread_counts_bitwise_equal) {
    draws r{13u};
    const std::size_t nf = 6, n_out = 2;
    const auto trees = small_forest(r, 17, nf, 40);
    const std::vector<double> base{0.0, 1.5};
    for (const std::size_t rows : {0u, 1u, 63u, 65u, 300u}) {
        const auto X = as_matrix(gbdt_test::random_rows(r, rows, nf), rows, nf);
        const auto s = gbdt::shap_values(exec::seq, trees, n_out, nf, base, X);
        BOOST_TEST(same_bits(gbdt::shap_values(exec::simd, trees, n_out, nf, base, X), s));
        for (const unsigned th : {1u, 2u, 7u})
            BOOST_TEST(same_bits(gbdt::shap_values(exec::par_t{.threads = th}, trees, n_out, nf, base, X), s));
    }
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_field) {
    draws r{14u};
    const auto trees = small_forest(r, 3, 4, 8);
    const auto X = as_matrix(gbdt_test::random_rows(r, 5, 4), 5, 4);
    const std::vector<double> one{0.0}, two{0.0, 0.0};
    auto message = [&](auto&& f) -> std::string {
        try {
            f();
        } catch (const shape_error& e) {
            return e.what();
        }
        return "no shape_error";
    };
    BOOST_TEST(message([&] { (void)gbdt::shap_values(exec::seq, trees, 1, 4, two, X); }).find("base_score") !=
               std::string::npos);
    BOOST_TEST(message([&] { (void)gbdt::shap_values(exec::seq, trees, 0, 4, std::span<const double>{}, X); })
                   .find("n_outputs") != std::string::npos);
    const auto X3 = as_matrix(gbdt_test::random_rows(r, 5, 3), 5, 3);
    BOOST_TEST(message([&] { (void)gbdt::shap_values(exec::seq, trees, 1, 4, one, X3); }).find("'X'") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
