// features::polynomial_features: scikit-learn goldens (tests/data/make_poly_golden.py),
// compared bitwise on every policy; names; NaN propagation; save/load; bad input.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <tessera/features/polynomial_features.hpp>

#include "golden.hpp"
#include "helpers.hpp"

using namespace tessera;
using namespace decomp_test;
using features::polynomial_features;

namespace {

template <class T>
void check_golden(const golden::record& rec) {
    const std::size_t rows = std::stoul(rec.header.at(2)), cols = std::stoul(rec.header.at(3));
    const polynomial_features pf{{.degree = std::stoul(rec.header.at(4)),
                                  .interaction_only = rec.header.at(5) == "1",
                                  .include_bias = rec.header.at(6) == "1"}};
    const matrix<T> X = from_values<T>(rec.at("X"), rows, cols);
    const auto& want = rec.at("out");
    const auto f = pf.fit(X);
    const auto pw = f.powers();
    const auto& want_pw = rec.at("powers");
    BOOST_TEST_CONTEXT(rec.name()) {
        BOOST_REQUIRE(f.n_features_out() * cols == want_pw.size());
        for (std::size_t o = 0; o < pw.size(); ++o)
            for (std::size_t j = 0; j < cols; ++j)
                BOOST_TEST(pw[o][j] == static_cast<std::size_t>(want_pw[o * cols + j]));
        for_each_policy([&](const auto& policy) {
            const matrix<T> Y = f.transform(policy, X);
            BOOST_REQUIRE(Y.size() == want.size());
            for (std::size_t i = 0; i < want.size(); ++i)
                BOOST_TEST(static_cast<double>(Y.data()[i]) == want[i]);  // bitwise: same products
        });
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(polynomial)

BOOST_AUTO_TEST_CASE(sklearn_goldens) {
    const auto recs = golden::read("poly_golden.txt");
    BOOST_TEST(recs.size() == 10u);
    for (const auto& rec : recs) {
        if (rec.header.at(1) == "float32")
            check_golden<float>(rec);
        else
            check_golden<double>(rec);
    }
}

// Names as sklearn 1.9 prints them (copied from get_feature_names_out).
BOOST_AUTO_TEST_CASE(feature_names) {
    const auto X3 = random_matrix<double>(2, 3, 1);
    BOOST_TEST(polynomial_features{}.fit(X3).feature_names_out() ==
                   (std::vector<std::string>{"1", "x0", "x1", "x2", "x0^2", "x0 x1", "x0 x2", "x1^2",
                                             "x1 x2", "x2^2"}),
               boost::test_tools::per_element());
    const std::vector<std::string> abc = {"a", "b", "c"};
    const polynomial_features inter{{.degree = 3, .interaction_only = true, .include_bias = false}};
    BOOST_TEST(inter.fit(X3).feature_names_out(abc) ==
                   (std::vector<std::string>{"a", "b", "c", "a b", "a c", "b c", "a b c"}),
               boost::test_tools::per_element());
    const polynomial_features cubic{{.degree = 3}};
    BOOST_TEST(cubic.fit(random_matrix<double>(2, 2, 1)).feature_names_out() ==
                   (std::vector<std::string>{"1", "x0", "x1", "x0^2", "x0 x1", "x1^2", "x0^3", "x0^2 x1",
                                             "x0 x1^2", "x1^3"}),
               boost::test_tools::per_element());
    BOOST_CHECK_THROW((void)polynomial_features{}.fit(X3).feature_names_out(std::vector<std::string>{"a"}),
                      shape_error);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(nan_propagates_and_policies_agree, T, float_types) {
    const matrix<T> X = random_matrix<T>(301, 6, 21, 0.1);
    const auto f = polynomial_features{{.degree = 3}}.fit(X);
    const matrix<T> ref = f.transform(exec::seq, X);
    for_each_policy([&](const auto& policy) { BOOST_TEST(same_bits(f.transform(policy, X), ref)); });
    const auto pw = f.powers();
    for (std::size_t r = 0; r < 301; ++r)
        for (std::size_t o = 0; o < pw.size(); ++o) {
            bool touches_nan = false;
            for (std::size_t j = 0; j < 6; ++j) touches_nan |= pw[o][j] > 0 && std::isnan(X(r, j));
            BOOST_TEST(std::isnan(ref(r, o)) == touches_nan);
        }
}

BOOST_AUTO_TEST_CASE(save_load_and_bad_input) {
    const auto X = random_matrix<double>(10, 4, 2);
    const auto f = polynomial_features{{.degree = 2, .interaction_only = true, .include_bias = false}}.fit(X);
    const auto g = round_trip(f);
    BOOST_TEST(g.n_features_in() == 4u);
    BOOST_TEST(g.n_features_out() == 10u);
    BOOST_TEST(same_bits(g.transform(X), f.transform(X)));
    BOOST_TEST(field_of([&] { (void)polynomial_features{{.degree = 9}}.fit(X); }) == "degree");
    const polynomial_features empty{{.degree = 0, .include_bias = false}};
    BOOST_TEST(field_of([&] { (void)empty.fit(X); }) == "degree");
    BOOST_CHECK_THROW((void)f.transform(random_matrix<double>(3, 5, 1)), shape_error);
    BOOST_CHECK_THROW((void)polynomial_features{}.fit(matrix<double>::from_shape({0, 4})), shape_error);
    io::writer w;
    f.save(w);
    std::string bad = w.bytes();
    bad[12] = 100;  // degree
    io::reader r(bad);
    BOOST_CHECK_THROW((void)features::polynomial_features_fitted::load(r), format_error);
}

BOOST_AUTO_TEST_SUITE_END()
