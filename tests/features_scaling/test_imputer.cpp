// features::simple_imputer: scikit-learn golden values for every strategy with
// and without indicators / keep_empty_features, hand cases, simd/par against
// seq, save/load, bad input.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <tuple>

#include <tessera/core/serialize.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/features/frame_imputer.hpp>
#include <tessera/features/simple_imputer.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace scaling_test;
using features::impute;
using float_types = std::tuple<float, double>;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr impute strategies[] = {impute::mean, impute::median, impute::most_frequent,
                                 impute::constant};

}  // namespace

BOOST_AUTO_TEST_SUITE(simple_imputer)

BOOST_AUTO_TEST_CASE_TEMPLATE(matches_sklearn, T, float_types) {
    const auto X = gold_matrix<T>("X_fit");
    const auto Xn = gold_matrix<T>("X_new");
    // sklearn's mean is np.ma.mean (pairwise in T for float32): a looser match.
    const double tol = std::is_same_v<T, float> ? 2e-6 : 1e-13;
    for (const impute s : strategies)
        for (const bool ind : {false, true})
            for (const bool keep : {false, true}) {
                const std::string c = "impute_" + std::string(features::impute_name(s)) + "_" +
                                      std::to_string(ind) + std::to_string(keep) +
                                      (std::is_same_v<T, float> ? "_f32" : "");
                BOOST_TEST_CONTEXT(c) {
                    const features::simple_imputer est{{.strategy = s,
                                                        .fill_value = 7.5,
                                                        .add_indicator = ind,
                                                        .keep_empty_features = keep}};
                    const auto f = est.fit(exec::seq, X);
                    const auto& st = gold(c, "statistics");
                    for (std::size_t j = 0; j < st.size(); ++j) {
                        // sklearn reports the dropped feature's statistic as NaN,
                        // except constant with keep_empty (the fill value).
                        BOOST_TEST(close(f.statistics()(j), st[j], tol), "statistic " << j);
                    }
                    const auto Y = f.transform(exec::seq, Xn);
                    const auto& shape = gold(c, "transform_shape");
                    BOOST_TEST(Y.shape()[1] == static_cast<std::size_t>(shape[1]));
                    const auto& want = gold(c, "transform");
                    BOOST_TEST_REQUIRE(Y.size() == want.size());
                    for (std::size_t i = 0; i < want.size(); ++i)
                        BOOST_TEST(close(Y.data()[i], want[i], tol), "output " << i);
                    for_fast_policies([&](const auto& p) {
                        const auto g = est.fit(p, X);
                        BOOST_TEST(all_close(g.statistics(), f.statistics(), 1e-13));
                        BOOST_TEST(all_close(g.transform(p, Xn), Y, 1e-13));
                    });
                }
            }
}

BOOST_AUTO_TEST_CASE(doc_example) {
    // example-begin imputer
    const matrix<float> X = {{1.0f, NAN, NAN}, {NAN, 3.0f, NAN}, {5.0f, 3.0f, NAN}};
    const auto imp = features::simple_imputer{{.strategy = features::impute::median,
                                               .add_indicator = true}}
                         .fit(exec::par, X);
    // statistics {3, 3, NaN}: the all-NaN feature 2 is dropped (keep_empty_features = false)
    const matrix<float> Y = imp.transform(exec::simd, X);
    // Y is 3 x 5: features 0 and 1 imputed, then indicators for features 0, 1, 2
    // example-end imputer
    BOOST_TEST(Y.shape()[1] == 5u);
    BOOST_TEST(Y(1, 0) == 3.0f);
    BOOST_TEST(Y(0, 1) == 3.0f);
    BOOST_TEST(Y(1, 2) == 1.0f);
    BOOST_TEST(Y(0, 4) == 1.0f);
}

BOOST_AUTO_TEST_CASE(by_hand) {
    matrix<double> X = {{1.0, NaN, NaN, 2.0}, {NaN, 3.0, NaN, 2.0}, {5.0, 3.0, NaN, NaN},
                        {5.0, 4.0, NaN, 1.0}};
    const auto mf = features::simple_imputer{{.strategy = impute::most_frequent,
                                              .add_indicator = true}}
                        .fit(exec::seq, X);
    BOOST_TEST(mf.statistics()(0) == 5.0);
    BOOST_TEST(mf.statistics()(1) == 3.0);
    BOOST_TEST(std::isnan(mf.statistics()(2)));  // all NaN: dropped
    BOOST_TEST(mf.statistics()(3) == 2.0);       // 2 twice, 1 once
    BOOST_TEST(mf.n_features_out() == 3u + 4u);  // 3 kept + indicators for all 4
    const auto Y = mf.transform(exec::seq, X);
    const double row1[] = {5.0, 3.0, 2.0, 1.0, 0.0, 1.0, 0.0};
    for (std::size_t k = 0; k < 7; ++k) BOOST_TEST(Y(1, k) == row1[k]);
    // Ties: the smallest value.
    matrix<float> Z = {{2.0f}, {1.0f}, {1.0f}, {2.0f}, {NAN}};
    BOOST_TEST(features::simple_imputer{{.strategy = impute::most_frequent}}
                   .fit(exec::par, Z)
                   .statistics()(0) == 1.0);
    // Median of 1, 5, 5 -> 5; mean 11/3.
    const auto med = features::simple_imputer{{.strategy = impute::median}}.fit(exec::simd, X);
    BOOST_TEST(med.statistics()(0) == 5.0);
    BOOST_TEST(med.statistics()(1) == 3.0);
    const auto mean = features::simple_imputer{}.fit(exec::seq, X);
    BOOST_TEST(std::abs(mean.statistics()(0) - 11.0 / 3.0) < 1e-15);
    // keep_empty_features: the empty feature stays, filled with 0.
    const auto keep = features::simple_imputer{{.keep_empty_features = true}}.fit(X);
    BOOST_TEST(keep.n_features_out() == 4u);
    BOOST_TEST(keep.transform(X)(0, 2) == 0.0);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_match_seq, T, float_types) {
    const std::pair<std::size_t, std::size_t> shapes[] = {{1, 1}, {3, 17}, {131, 9}, {1001, 28}};
    std::uint64_t seed = 40;
    for (const auto& [rows, cols] : shapes)
        for (const impute s : strategies)
            for (const bool all_nan : {false, true}) {
                BOOST_TEST_CONTEXT(rows << " x " << cols << " " << features::impute_name(s)) {
                    const auto X = random_matrix<T>(rows, cols, ++seed, 0.15, all_nan);
                    const auto Xn = random_matrix<T>(rows + 3, cols, ++seed, 0.3);
                    const features::simple_imputer est{{.strategy = s, .add_indicator = true}};
                    const auto f = est.fit(exec::seq, X);
                    const auto Y = f.transform(exec::seq, Xn);
                    const auto par1 = est.fit(exec::par_t{.threads = 1, .grain = 64}, X);
                    for_fast_policies([&](const auto& p) {
                        const auto g = est.fit(p, X);
                        // mean: moments merged in blocks (simd, par) vs Welford (seq).
                        BOOST_TEST(all_close(g.statistics(), f.statistics(), 1e-12));
                        BOOST_TEST(g.kept_features() == f.kept_features());
                        BOOST_TEST(g.indicator_features() == f.indicator_features());
                        const auto Yp = g.transform(p, Xn);
                        BOOST_TEST(all_close(Yp, Y, std::is_same_v<T, float> ? 1e-6 : 1e-12));
                        if constexpr (std::is_same_v<std::decay_t<decltype(p)>, exec::par_t>)
                            if (p.grain == 64) BOOST_TEST(same_bits(g.statistics(), par1.statistics()));
                    });
                }
            }
}

BOOST_AUTO_TEST_CASE(save_load_round_trip) {
    const auto X = random_matrix<double>(40, 5, 9, 0.2, true);
    const auto f = features::simple_imputer{{.strategy = impute::constant,
                                             .fill_value = -1.5,
                                             .add_indicator = true}}
                       .fit(X);
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    const auto g = features::simple_imputer::fitted::load(r);
    BOOST_TEST(same_bits(g.transform(exec::seq, X), f.transform(exec::seq, X)));
    BOOST_TEST(g.fill_value() == -1.5);
    BOOST_TEST((g.strategy() == impute::constant));
    std::string bad = w.bytes();
    bad[4] = 7;  // strategy
    io::reader r2(bad);
    BOOST_TEST(contains(message_of<format_error>(
                            [&] { (void)features::simple_imputer::fitted::load(r2); }),
                        "strategy"));
}

BOOST_AUTO_TEST_CASE(bad_input) {
    matrix<double> I = {{1.0, 2.0}, {NaN, std::numeric_limits<double>::infinity()}};
    for (const impute s : strategies)
        BOOST_TEST(contains(message_of<data_error>([&] {
                                (void)features::simple_imputer{{.strategy = s}}.fit(I);
                            }),
                            "'x1' at row 1"));
    const auto X = random_matrix<double>(5, 3, 3, 0.2);
    const auto m = message_of<config_error>([&] {
        (void)features::simple_imputer{{.strategy = impute::constant, .fill_value = NaN}}.fit(X);
    });
    BOOST_TEST(contains(m, "fill_value"));
    BOOST_TEST(contains(message_of<config_error>([&] {
                            (void)features::simple_imputer{{.strategy = static_cast<impute>(9)}}
                                .fit(X);
                        }),
                        "strategy"));
    BOOST_TEST(contains(message_of<shape_error>([&] {
                            (void)features::simple_imputer{}.fit(matrix<float>::from_shape({0, 2}));
                        }),
                        "0 rows"));
    const auto f = features::simple_imputer{}.fit(X);
    BOOST_TEST(contains(message_of<shape_error>(
                            [&] { (void)f.transform(random_matrix<double>(2, 2, 1)); }),
                        "fitted on 3"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- frame_imputer -------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(frame_imputer)

namespace {
frame mixed_frame() {
    return frame::from_columns({
        column::float64("x", {1.0, NaN, 4.0, 7.0}),
        column::int64("n", {5, 0, 5, 2}, {true, false, true, true}),
        column::categorical_from_labels("city", {"b", "a", "b", ""}, {true, true, true, false}),
        column::boolean("flag", {true, false, false, false}, {true, true, true, false}),
        column::float32("empty", {NAN, NAN, NAN, NAN}),
        column::timestamp("t", {1, 2, 3, 4}, {true, false, true, true}),
    });
}
}  // namespace

BOOST_AUTO_TEST_CASE(fills_each_dtype_as_documented) {
    const frame X = mixed_frame();
    const auto f = features::frame_imputer{{.numeric_strategy = impute::median,
                                            .add_indicator = true}}
                       .fit(exec::seq, X);
    const frame Y = f.transform(exec::seq, X);
    // "empty" (all null) dropped; timestamp untouched; indicators for x, n, city, flag, empty.
    const std::vector<std::string> want = {"x", "n", "city", "flag", "t",
                                           "missingindicator_x", "missingindicator_n",
                                           "missingindicator_city", "missingindicator_flag",
                                           "missingindicator_empty"};
    BOOST_TEST(Y.names() == want, boost::test_tools::per_element());
    BOOST_TEST(Y.column("x").values<double>()[1] == 4.0);  // median of 1, 4, 7
    BOOST_TEST((Y.column("n").type() == dtype::float64));
    BOOST_TEST(Y.column("n").values<double>()[1] == 5.0);  // median of 5, 5, 2
    const auto& city = Y.column("city");
    BOOST_TEST(city.null_count() == 0u);
    BOOST_TEST(city.dictionary()[static_cast<std::size_t>(city.values<std::int32_t>()[3])] == "b");
    BOOST_TEST(Y.column("flag").values<bool>()[3] == false);  // false twice, true once
    BOOST_TEST(Y.column("t").null_count() == 1u);
    BOOST_TEST(Y.column("missingindicator_x").values<bool>()[1]);
    BOOST_TEST(!Y.column("missingindicator_x").values<bool>()[0]);
    // Numeric statistics are simple_imputer's on the float64 columns.
    const auto g = features::simple_imputer{{.strategy = impute::median}}.fit(
        exec::seq, X.to_matrix<double>(std::vector<std::string>{"x", "n"}));
    BOOST_TEST(f.columns()[0].number == g.statistics()(0));
    BOOST_TEST(f.columns()[1].number == g.statistics()(1));
}

BOOST_AUTO_TEST_CASE(constant_keep_empty_and_round_trip) {
    const frame X = mixed_frame();
    const auto f = features::frame_imputer{{.numeric_strategy = impute::constant,
                                            .categorical_strategy = impute::constant,
                                            .fill_value = -1.0,
                                            .fill_label = "unknown",
                                            .keep_empty_features = true}}
                       .fit(X);
    const frame Y = f.transform(X);
    BOOST_TEST(Y.num_columns() == X.num_columns());
    BOOST_TEST(Y.column("x").values<double>()[1] == -1.0);
    BOOST_TEST(Y.column("empty").values<float>()[0] == -1.0f);
    const auto& city = Y.column("city");
    BOOST_TEST(city.dictionary().back() == "unknown");
    BOOST_TEST(city.values<std::int32_t>()[3] == 2);
    BOOST_TEST(Y.column("flag").values<bool>()[3] == true);  // fill_value != 0
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    const auto g = features::frame_imputer::fitted::load(r);
    BOOST_TEST(g.transform(X).fingerprint() == Y.fingerprint());
}

BOOST_AUTO_TEST_CASE(bad_input) {
    const frame X = mixed_frame();
    BOOST_TEST(contains(message_of<config_error>([&] {
                            (void)features::frame_imputer{{.categorical_strategy = impute::mean}}
                                .fit(X);
                        }),
                        "categorical_strategy"));
    BOOST_CHECK_THROW((void)features::frame_imputer{{.columns = {"nope"}}}.fit(X), data_error);
    BOOST_CHECK_THROW((void)features::frame_imputer{{.columns = {"t"}}}.fit(X), data_error);
    const auto f = features::frame_imputer{}.fit(X);
    const frame wrong = frame::from_columns({column::float32("x", {1.0f}), column::int64("n", {1}),
                                             column::categorical_from_labels("city", {"a"}),
                                             column::boolean("flag", {true}),
                                             column::float32("empty", {1.0f})});
    const auto m = message_of<data_error>([&] { (void)f.transform(wrong); });
    BOOST_TEST(contains(m, "'x'"));
    BOOST_TEST(contains(m, "float64"));
}

BOOST_AUTO_TEST_SUITE_END()
