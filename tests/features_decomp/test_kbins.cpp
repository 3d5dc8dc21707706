// features::kbins_discretizer: scikit-learn goldens (tests/data/make_kbins_golden.py)
// on every policy, NaN options, feature names, output dtype, save/load, bad input.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <tessera/features/kbins_discretizer.hpp>

#include "golden.hpp"
#include "helpers.hpp"

using namespace tessera;
using namespace decomp_test;
using features::kbins_discretizer;
using features::kbins_encode;
using features::kbins_nan;
using features::kbins_strategy;

namespace {

template <class T>
void check_golden(const golden::record& rec) {
    const std::size_t rows = std::stoul(rec.header.at(4)), cols = std::stoul(rec.header.at(5)),
                      prows = std::stoul(rec.header.at(6));
    const matrix<T> X = from_values<T>(rec.at("X"), rows, cols);
    const matrix<T> P = from_values<T>(rec.at("P"), prows, cols);
    kbins_discretizer::params p;
    const std::string strategy = rec.header.at(2);
    p.strategy = strategy == "uniform"  ? kbins_strategy::uniform
                 : strategy == "kmeans" ? kbins_strategy::kmeans
                                        : kbins_strategy::quantile;
    p.encode = rec.header.at(3) == "ordinal" ? kbins_encode::ordinal : kbins_encode::onehot_dense;
    const auto& nb = rec.at("n_bins");
    if (nb.size() == 1)
        p.n_bins = static_cast<std::size_t>(nb[0]);
    else
        for (double v : nb) p.n_bins_per_feature.push_back(static_cast<std::size_t>(v));
    const auto& want = rec.at("out");
    for_each_policy([&](const auto& policy) {
        BOOST_TEST_CONTEXT(rec.name()) {
            const auto f = kbins_discretizer{p}.fit(policy, X);
            for (std::size_t j = 0; j < cols; ++j)
                BOOST_TEST(f.n_bins(j) == static_cast<std::size_t>(rec.at("n_bins_")[j]));
            const matrix<T> Y = f.transform(policy, P);
            BOOST_REQUIRE(Y.size() == want.size());
            BOOST_TEST(Y.shape()[1] == f.n_features_out());
            for (std::size_t i = 0; i < want.size(); ++i)
                BOOST_TEST(static_cast<double>(Y.data()[i]) == want[i]);
        }
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kbins)

BOOST_AUTO_TEST_CASE(sklearn_goldens) {
    const auto recs = golden::read("kbins_golden.txt");
    BOOST_TEST(recs.size() == 9u);
    for (const auto& rec : recs) {
        if (rec.header.at(1) == "float32")
            check_golden<float>(rec);
        else
            check_golden<double>(rec);
    }
}

// Column 0 = 0..7: uniform 4 bins have edges 0, 1.75, 3.5, 5.25, 7.
BOOST_AUTO_TEST_CASE(hand_computed_names_dtype) {
    matrix<double> X = matrix<double>::from_shape({8, 2});
    for (std::size_t r = 0; r < 8; ++r) {
        X(r, 0) = static_cast<double>(r);
        X(r, 1) = 1.0;  // constant: one bin
    }
    const auto f = kbins_discretizer{{.n_bins = 4, .strategy = kbins_strategy::uniform}}.fit(X);
    BOOST_TEST(f.bin_edges(0) == (std::vector<double>{0, 1.75, 3.5, 5.25, 7}),
               boost::test_tools::per_element());
    BOOST_TEST(f.n_bins(1) == 1u);
    BOOST_TEST(f.n_features_out() == 5u);
    const auto names = f.feature_names_out();
    BOOST_TEST(names == (std::vector<std::string>{"x0_0.0", "x0_1.0", "x0_2.0", "x0_3.0", "x1_0.0"}),
               boost::test_tools::per_element());
    const std::vector<std::string> in = {"age", "flag"};
    BOOST_TEST(f.feature_names_out(in)[4] == "flag_0.0");
    const matrix<float> Y = f.transform_as<float>(exec::seq, X);
    BOOST_TEST(Y(2, 1) == 1.0f);  // 2 is in [1.75, 3.5)
    BOOST_TEST(Y(7, 3) == 1.0f);
    BOOST_TEST(Y(7, 4) == 1.0f);
    const auto g = kbins_discretizer{{.n_bins = 4, .strategy = kbins_strategy::uniform,
                                      .encode = kbins_encode::ordinal}}.fit(X);
    BOOST_TEST(g.feature_names_out(in) == in, boost::test_tools::per_element());
    const matrix<double> inv = g.inverse_transform(g.transform(X));
    BOOST_TEST(inv(0, 0) == 0.875);
    BOOST_TEST(std::isnan(inv(0, 1)));  // (-inf + inf) / 2, as sklearn
}

BOOST_AUTO_TEST_CASE_TEMPLATE(nan_reject_and_keep, T, float_types) {
    const matrix<T> X = random_matrix<T>(200, 5, 11, 0.1);
    const auto m = message_of<data_error>([&] { (void)kbins_discretizer{}.fit(X); });
    BOOST_TEST(contains(m, "column 'x"), m);
    BOOST_TEST(contains(m, "at row"), m);
    try {
        (void)kbins_discretizer{}.fit(X);
    } catch (const data_error& e) {
        BOOST_TEST(std::isnan(X(e.row(), std::stoul(e.column().substr(1)))));
    }
    for (auto enc : {kbins_encode::ordinal, kbins_encode::onehot_dense}) {
        const kbins_discretizer k{{.n_bins = 6, .encode = enc, .nan = kbins_nan::keep}};
        const auto ref = k.fit(exec::seq, X);
        const matrix<T> Yref = ref.transform(exec::seq, X);
        for_each_policy([&](const auto& policy) {
            const auto f = k.fit(policy, X);
            for (std::size_t j = 0; j < 5; ++j)
                BOOST_TEST(f.bin_edges(j) == ref.bin_edges(j), boost::test_tools::per_element());
            BOOST_TEST(same_bits(f.transform(policy, X), Yref));
        });
        // The edges are those of the non-NaN values; NaN maps to NaN.
        for (std::size_t j = 0; j < 5; ++j) {
            std::vector<T> col;
            for (std::size_t r = 0; r < 200; ++r)
                if (!std::isnan(X(r, j))) col.push_back(X(r, j));
            BOOST_TEST(ref.bin_edges(j) == kernels::quantile_edges(std::span<const T>(col), 6),
                       boost::test_tools::per_element());
        }
        for (std::size_t r = 0; r < 200; ++r) {
            const bool missing = std::isnan(X(r, 0));
            BOOST_TEST(std::isnan(Yref(r, 0)) == missing);
        }
    }
    // Reject applies at transform too.
    const matrix<T> clean = random_matrix<T>(50, 5, 12);
    const auto f = kbins_discretizer{}.fit(clean);
    BOOST_CHECK_THROW((void)f.transform(X), data_error);
}

BOOST_AUTO_TEST_CASE(bad_params_and_shapes) {
    const matrix<double> X = random_matrix<double>(20, 3, 5);
    BOOST_TEST(field_of([&] { (void)kbins_discretizer{{.n_bins = 1}}.fit(X); }) == "n_bins");
    BOOST_TEST(field_of([&] {
                   (void)kbins_discretizer{{.n_bins_per_feature = {3, 3}}}.fit(X);
               }) == "n_bins_per_feature");
    BOOST_TEST(field_of([&] {
                   (void)kbins_discretizer{{.n_bins_per_feature = {3, 1, 3}}}.fit(X);
               }) == "n_bins_per_feature");
    BOOST_TEST(field_of([&] {
                   (void)kbins_discretizer{{.strategy = static_cast<kbins_strategy>(3)}}.fit(X);
               }) == "strategy");
    BOOST_CHECK_THROW((void)kbins_discretizer{}.fit(matrix<double>::from_shape({0, 3})), shape_error);
    const auto f = kbins_discretizer{}.fit(X);
    BOOST_CHECK_THROW((void)f.transform(random_matrix<double>(4, 2, 1)), shape_error);
    matrix<double> inf = X;
    inf(3, 1) = std::numeric_limits<double>::infinity();
    try {
        (void)kbins_discretizer{{.nan = kbins_nan::keep}}.fit(inf);
        BOOST_FAIL("no data_error");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 3u);
        BOOST_TEST(e.column() == "x1");
    }
    matrix<double> all_nan = X;
    for (std::size_t r = 0; r < 20; ++r) all_nan(r, 2) = std::numeric_limits<double>::quiet_NaN();
    BOOST_CHECK_THROW((void)kbins_discretizer{{.nan = kbins_nan::keep}}.fit(all_nan), data_error);
}

BOOST_AUTO_TEST_CASE(save_load) {
    const matrix<double> X = random_matrix<double>(64, 4, 9);
    const auto f = kbins_discretizer{{.n_bins_per_feature = {2, 3, 4, 5},
                                      .encode = kbins_encode::ordinal,
                                      .nan = kbins_nan::keep}}.fit(X);
    const auto g = round_trip(f);
    BOOST_TEST(g.n_features_in() == 4u);
    BOOST_TEST((g.encode() == kbins_encode::ordinal && g.nan_policy() == kbins_nan::keep));
    for (std::size_t j = 0; j < 4; ++j)
        BOOST_TEST(g.bin_edges(j) == f.bin_edges(j), boost::test_tools::per_element());
    BOOST_TEST(same_bits(g.transform(X), f.transform(X)));
    io::writer w;
    f.save(w);
    std::string bad = w.bytes();
    bad[4] = 9;  // encode byte
    io::reader r(bad);
    BOOST_CHECK_THROW((void)features::kbins_discretizer_fitted::load(r), format_error);
    io::reader cut(std::string_view(w.bytes()).substr(0, w.bytes().size() - 5));
    BOOST_CHECK_THROW((void)features::kbins_discretizer_fitted::load(cut), format_error);
}

BOOST_AUTO_TEST_SUITE_END()
