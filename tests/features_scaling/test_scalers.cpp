// features::minmax_scaler, robust_scaler, maxabs_scaler: scikit-learn golden
// values (tests/data/features_scaling_golden.py), hand-computed cases, simd/par
// against seq on random data of odd sizes (par bitwise for 1, 2, 7 threads),
// save/load round trips, bad input.
#define BOOST_TEST_MODULE features_scaling
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <tessera/core/serialize.hpp>
#include <tessera/features/maxabs_scaler.hpp>
#include <tessera/features/minmax_scaler.hpp>
#include <tessera/features/robust_scaler.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace scaling_test;
using float_types = std::tuple<float, double>;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

template <class T>
double tol() {
    return std::is_same_v<T, float> ? 2e-6 : 1e-14;
}
template <class T>
std::string suffix() {
    return std::is_same_v<T, float> ? "_f32" : "";
}

template <class V>
void check_gold(const V& got, const std::string& c, const std::string& k, double t) {
    const auto& want = gold(c, k);
    BOOST_TEST_REQUIRE(got.size() == want.size(), c << "/" << k);
    for (std::size_t i = 0; i < want.size(); ++i)
        BOOST_TEST(close(static_cast<double>(got.data()[i]), want[i], t),
                   c << "/" << k << "[" << i << "] = " << got.data()[i] << ", sklearn "
                     << want[i]);
}

// Fits est on seq, simd and par; each fast path's fitted result and outputs equal
// seq's bit for bit (all three scalers compute exact order statistics/extrema).
template <class Est, class T, class Check>
void on_every_policy(const Est& est, const matrix<T>& X, const matrix<T>& Xn, Check&& check) {
    const auto ref = est.fit(exec::seq, X);
    check(ref);
    const auto ref_t = ref.transform(exec::seq, Xn);
    const auto ref_i = ref.inverse_transform(exec::seq, Xn);
    for_fast_policies([&](const auto& p) {
        const auto f = est.fit(p, X);
        BOOST_TEST(same_bits(f.transform(p, Xn), ref_t));
        BOOST_TEST(same_bits(f.inverse_transform(p, Xn), ref_i));
    });
}

template <class F>
F round_trip(const F& f) {
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    return F::load(r);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(golden_sklearn)

BOOST_AUTO_TEST_CASE_TEMPLATE(minmax_matches_sklearn, T, float_types) {
    const auto X = gold_matrix<T>("X_fit");
    const auto Xn = gold_matrix<T>("X_new");
    const std::pair<std::string, features::minmax_scaler::params> cases[] = {
        {"minmax", {}}, {"minmax_m1_2_clip", {.feature_range = {-1.0, 2.0}, .clip = true}}};
    for (const auto& [name, p] : cases) {
        const std::string c = name + suffix<T>();
        on_every_policy(features::minmax_scaler{p}, X, Xn, [&](const auto& f) {
            check_gold(f.data_min(), c, "data_min", tol<T>());
            check_gold(f.data_max(), c, "data_max", tol<T>());
            check_gold(f.scale(), c, "scale", tol<T>());
            check_gold(f.min(), c, "min", tol<T>());
            check_gold(f.transform(exec::seq, Xn), c, "transform", tol<T>());
            check_gold(f.inverse_transform(exec::seq, Xn), c, "inverse", tol<T>());
        });
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(robust_matches_sklearn, T, float_types) {
    const auto X = gold_matrix<T>("X_fit");
    const auto Xn = gold_matrix<T>("X_new");
    const std::pair<std::string, features::robust_scaler::params> cases[] = {
        {"robust", {}},
        {"robust_10_90_unit", {.quantile_range = {10.0, 90.0}, .unit_variance = true}},
        {"robust_nocenter", {.with_centering = false, .quantile_range = {0.0, 33.3}}}};
    for (const auto& [name, p] : cases) {
        const std::string c = name + suffix<T>();
        on_every_policy(features::robust_scaler{p}, X, Xn, [&](const auto& f) {
            if (p.with_centering) check_gold(f.center(), c, "center", tol<T>());
            check_gold(f.scale(), c, "scale", tol<T>());
            check_gold(f.transform(exec::seq, Xn), c, "transform", tol<T>());
            check_gold(f.inverse_transform(exec::seq, Xn), c, "inverse", tol<T>());
        });
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(maxabs_matches_sklearn, T, float_types) {
    const auto X = gold_matrix<T>("X_fit");
    const auto Xn = gold_matrix<T>("X_new");
    const std::string c = "maxabs" + suffix<T>();
    on_every_policy(features::maxabs_scaler{}, X, Xn, [&](const auto& f) {
        check_gold(f.max_abs(), c, "max_abs", tol<T>());
        check_gold(f.scale(), c, "scale", tol<T>());
        check_gold(f.transform(exec::seq, Xn), c, "transform", tol<T>());
        check_gold(f.inverse_transform(exec::seq, Xn), c, "inverse", tol<T>());
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hand_cases)

BOOST_AUTO_TEST_CASE(doc_example) {
    // example-begin scaling
    const matrix<double> X = {{1.0, -4.0}, {3.0, NaN}, {5.0, 2.0}, {9.0, 0.0}};
    const auto mm = features::minmax_scaler{{.feature_range = {-1.0, 1.0}, .clip = true}}
                        .fit(exec::par, X);             // data_min {1, -4}, data_max {9, 2}
    const matrix<double> A = mm.transform(exec::simd, X);  // A(1, 1) stays NaN
    const auto rs = features::robust_scaler{{.quantile_range = {25.0, 75.0}}}.fit(X);
    // center = median {4, 0}; scale = q75 - q25 {3.5, 3} (numpy 'linear' quantiles)
    const auto ma = features::maxabs_scaler{}.fit(exec::seq, X);  // scale {9, 4}
    const matrix<double> back = ma.inverse_transform(ma.transform(X));
    // example-end scaling
    BOOST_TEST(A(0, 0) == -1.0);
    BOOST_TEST(std::isnan(A(1, 1)));
    BOOST_TEST(rs.center()(0) == 4.0);
    BOOST_TEST(rs.center()(1) == 0.0);
    BOOST_TEST(rs.scale()(0) == 3.5);
    BOOST_TEST(rs.scale()(1) == 3.0);
    BOOST_TEST(ma.scale()(1) == 4.0);
    BOOST_TEST(back(3, 0) == 9.0);
}

BOOST_AUTO_TEST_CASE(minmax_by_hand) {
    // Column 0: min 1, max 5 -> scale 0.25, min -0.25. Column 1: constant -> scale 1.
    matrix<double> X = {{1.0, 7.0}, {NaN, 7.0}, {5.0, NaN}, {3.0, 7.0}};
    const auto f = features::minmax_scaler{}.fit(exec::seq, X);
    BOOST_TEST(f.scale()(0) == 0.25);
    BOOST_TEST(f.min()(0) == -0.25);
    BOOST_TEST(f.scale()(1) == 1.0);
    BOOST_TEST(f.min()(1) == -7.0);
    BOOST_TEST(f.n_samples_seen() == 4);
    const auto Y = f.transform(exec::seq, X);
    BOOST_TEST(Y(0, 0) == 0.0);
    BOOST_TEST(std::isnan(Y(1, 0)));
    BOOST_TEST(Y(2, 0) == 1.0);
    BOOST_TEST(Y(3, 0) == 0.5);
    BOOST_TEST(Y(0, 1) == 0.0);
    // clip: 9 -> 2.0 would be outside [0, 1].
    const auto g = features::minmax_scaler{{.clip = true}}.fit(exec::seq, X);
    matrix<double> Z = {{9.0, NaN}, {-3.0, 7.5}};
    const auto Yc = g.transform(exec::seq, Z);
    BOOST_TEST(Yc(0, 0) == 1.0);
    BOOST_TEST(Yc(1, 0) == 0.0);
    BOOST_TEST(std::isnan(Yc(0, 1)));
    BOOST_TEST(Yc(1, 1) == 0.5);
}

BOOST_AUTO_TEST_CASE(robust_by_hand) {
    // 1..5 (one NaN ignored): median 3, q25 = 2, q75 = 4 -> scale 2.
    matrix<double> X = {{1.0}, {2.0}, {NaN}, {3.0}, {4.0}, {5.0}};
    const auto f = features::robust_scaler{}.fit(exec::seq, X);
    BOOST_TEST(f.center()(0) == 3.0);
    BOOST_TEST(f.scale()(0) == 2.0);
    const auto Y = f.transform(exec::seq, X);
    BOOST_TEST(Y(0, 0) == -1.0);
    BOOST_TEST(std::isnan(Y(2, 0)));
    // Even count: median is the mean of the two middle values; q in (0, 100)
    // interpolates linearly. 1, 2, 4, 10: median 3, q10 = 1.3, q90 = 8.2.
    matrix<double> E = {{1.0}, {10.0}, {4.0}, {2.0}};
    const auto g = features::robust_scaler{{.quantile_range = {10.0, 90.0}}}.fit(exec::seq, E);
    BOOST_TEST(g.center()(0) == 3.0);
    BOOST_TEST(std::abs(g.scale()(0) - 6.9) < 1e-14);
    // unit_variance with (25, 75): adjust = 2 * 0.6744897501960817.
    const auto u = features::robust_scaler{{.unit_variance = true}}.fit(exec::seq, X);
    BOOST_TEST(std::abs(u.scale()(0) - 2.0 / (2 * 0.6744897501960817)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(normal_ppf_matches_scipy) {
    // scipy.stats.norm.ppf at these points (repr of scipy 1.x's ndtri).
    const std::pair<double, double> pts[] = {{0.75, 0.6744897501960817},
                                             {0.9, 1.2815515655446004},
                                             {0.999, 3.090232306167813},
                                             {0.01, -2.3263478740408408},
                                             {0.5, 0.0},
                                             {1e-10, -6.361340902404056}};
    for (const auto& [p, want] : pts)
        BOOST_TEST(std::abs(features::detail::normal_ppf(p) - want) <= 2e-15 * std::abs(want),
                   "ppf(" << p << ")");
}

BOOST_AUTO_TEST_CASE(maxabs_by_hand) {
    matrix<float> X = {{-4.0f, 0.0f}, {2.0f, 0.0f}, {NAN, 0.0f}};
    const auto f = features::maxabs_scaler{}.fit(exec::seq, X);
    BOOST_TEST(f.max_abs()(0) == 4.0);
    BOOST_TEST(f.scale()(1) == 1.0);  // all zero: scale 1
    const auto Y = f.transform(exec::seq, X);
    BOOST_TEST(Y(0, 0) == -1.0f);
    BOOST_TEST(Y(1, 0) == 0.5f);
    BOOST_TEST(std::isnan(Y(2, 0)));
}

BOOST_AUTO_TEST_CASE(all_nan_feature_gives_nan_statistics) {
    matrix<double> X = {{NaN, 1.0}, {NaN, 2.0}};
    BOOST_TEST(std::isnan(features::minmax_scaler{}.fit(exec::simd, X).scale()(0)));
    BOOST_TEST(std::isnan(features::robust_scaler{}.fit(exec::par, X).center()(0)));
    BOOST_TEST(std::isnan(features::maxabs_scaler{}.fit(exec::simd, X).scale()(0)));
    BOOST_TEST(std::isnan(features::maxabs_scaler{}.fit(exec::seq, X).max_abs()(0)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fast_paths_vs_seq)

BOOST_AUTO_TEST_CASE_TEMPLATE(random_odd_sizes, T, float_types) {
    const std::pair<std::size_t, std::size_t> shapes[] = {{1, 1},  {2, 3},   {3, 17},
                                                          {67, 5}, {131, 9}, {1001, 28},
                                                          {257, 33}};
    std::uint64_t seed = 7;
    for (const auto& [rows, cols] : shapes) {
        BOOST_TEST_CONTEXT("shape " << rows << " x " << cols) {
            const auto X = random_matrix<T>(rows, cols, ++seed, 0.1, true);
            const auto Xn = random_matrix<T>(rows + 2, cols, ++seed, 0.2);
            const auto none = [](const auto&) {};
            on_every_policy(features::minmax_scaler{{.feature_range = {-2.0, 3.0}, .clip = true}},
                            X, Xn, none);
            on_every_policy(features::robust_scaler{{.quantile_range = {5.0, 60.0},
                                                     .unit_variance = true}},
                            X, Xn, none);
            on_every_policy(features::maxabs_scaler{}, X, Xn, none);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(save_load)

BOOST_AUTO_TEST_CASE(round_trips_transform_identically) {
    const auto X = random_matrix<double>(50, 6, 11, 0.1, true);
    const auto a = features::minmax_scaler{{.feature_range = {-1.0, 1.0}, .clip = true}}.fit(X);
    const auto b = features::robust_scaler{{.with_scaling = false}}.fit(X);
    const auto c = features::maxabs_scaler{}.fit(X);
    BOOST_TEST(same_bits(round_trip(a).transform(exec::seq, X), a.transform(exec::seq, X)));
    BOOST_TEST(round_trip(a).clip());
    BOOST_TEST(round_trip(a).feature_range().first == -1.0);
    BOOST_TEST(same_bits(round_trip(b).transform(exec::seq, X), b.transform(exec::seq, X)));
    BOOST_TEST(!round_trip(b).with_scaling());
    BOOST_TEST(same_bits(round_trip(c).transform(exec::seq, X), c.transform(exec::seq, X)));
    BOOST_TEST(round_trip(c).n_samples_seen() == 50);
}

BOOST_AUTO_TEST_CASE(corrupt_payloads_are_format_errors) {
    const auto X = random_matrix<double>(5, 2, 3, 0.0);
    io::writer w;
    features::robust_scaler{}.fit(X).save(w);
    std::string bad = w.bytes();
    bad[0] = 9;  // payload version
    io::reader r1(bad);
    BOOST_TEST(contains(message_of<format_error>(
                            [&] { (void)features::robust_scaler::fitted::load(r1); }),
                        "payload version 9"));
    bad = w.bytes();
    bad[4] = 2;  // with_centering flag
    io::reader r2(bad);
    BOOST_TEST(contains(message_of<format_error>(
                            [&] { (void)features::robust_scaler::fitted::load(r2); }),
                        "with_centering"));
    io::reader r3(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
    BOOST_CHECK_THROW((void)features::robust_scaler::fitted::load(r3), format_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(parameters_are_config_errors_naming_the_field) {
    const auto X = random_matrix<double>(5, 2, 3, 0.0);
    for (const std::pair<double, double>& r : {std::pair{1.0, 1.0}, {2.0, 1.0}, {0.0, NaN}}) {
        try {
            (void)features::minmax_scaler{{.feature_range = r}}.fit(X);
            BOOST_ERROR("no config_error");
        } catch (const config_error& e) {
            BOOST_TEST(contains(e.what(), "feature_range"));
        }
    }
    for (const std::pair<double, double>& q : {std::pair{-1.0, 50.0}, {60.0, 40.0}, {0.0, 101.0}}) {
        try {
            (void)features::robust_scaler{{.quantile_range = q}}.fit(X);
            BOOST_ERROR("no config_error");
        } catch (const config_error& e) {
            BOOST_TEST(contains(e.what(), "quantile_range"));
        }
    }
}

BOOST_AUTO_TEST_CASE(infinity_is_a_data_error_naming_column_and_row) {
    // scikit-learn: "Input X contains infinity"; NaN is fine, ±inf is not.
    for (const double inf : {std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()}) {
        matrix<double> X = {{1.0, 2.0}, {NaN, 3.0}, {4.0, inf}, {5.0, 6.0}};
        const auto expect = [&](auto&& fit) {
            try {
                fit();
                BOOST_ERROR("no data_error");
            } catch (const data_error& e) {
                BOOST_TEST(contains(e.what(), "'x1'"));
                BOOST_TEST(contains(e.what(), "row 2"));
            }
        };
        expect([&] { (void)features::minmax_scaler{}.fit(exec::simd, X); });
        expect([&] { (void)features::maxabs_scaler{}.fit(exec::par, X); });
        expect([&] { (void)features::robust_scaler{}.fit(exec::seq, X); });
    }
}

BOOST_AUTO_TEST_CASE(shapes) {
    const auto empty = matrix<double>::from_shape({0, 3});
    BOOST_TEST(contains(message_of<shape_error>([&] { (void)features::minmax_scaler{}.fit(empty); }),
                        "0 rows"));
    BOOST_TEST(contains(message_of<shape_error>([&] { (void)features::robust_scaler{}.fit(empty); }),
                        "0 rows"));
    const auto nocols = matrix<float>::from_shape({4, 0});
    BOOST_TEST(contains(message_of<shape_error>([&] { (void)features::maxabs_scaler{}.fit(nocols); }),
                        "0 columns"));
    const auto X = random_matrix<double>(5, 3, 3, 0.0);
    const auto W = random_matrix<double>(5, 4, 3, 0.0);
    const auto f = features::minmax_scaler{}.fit(X);
    const auto m = message_of<shape_error>([&] { (void)f.transform(W); });
    BOOST_TEST(contains(m, "4 columns"));
    BOOST_TEST(contains(m, "fitted on 3"));
    BOOST_CHECK_THROW((void)features::robust_scaler{}.fit(X).inverse_transform(W), shape_error);
    BOOST_CHECK_THROW((void)features::maxabs_scaler{}.fit(X).transform(exec::simd, W), shape_error);
}

BOOST_AUTO_TEST_SUITE_END()
