// features::standard_scaler: hand-computed case, scikit-learn golden values,
// simd / par against seq, bad input, options, save/load.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <tessera/features.hpp>

#include "helpers.hpp"

using namespace tessera;
using test_helpers::contains;
using test_helpers::message_of;
using test_helpers::random_matrix;
using test_helpers::same_bits;
using scaler = features::standard_scaler;

namespace {

using float_types = std::tuple<float, double>;

template <class F>
void for_each_policy(F&& f) {
    f(exec::seq);
    f(exec::simd);
    f(exec::par_t{.threads = 1, .grain = 64});
    f(exec::par_t{.threads = 2, .grain = 64});
    f(exec::par_t{.threads = 7, .grain = 64});
    f(exec::par);
}

bool both_nan_or_close(double a, double b, double tol) {
    if (std::isnan(b)) return std::isnan(a);
    return std::abs(a - b) <= tol;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(standard_scaler)

BOOST_AUTO_TEST_CASE(concepts_and_defaults) {
    static_assert(transformer<scaler, matrix<float>>);
    static_assert(transformer<scaler, matrix<double>>);
    static_assert(fitted_transformer<scaler::fitted, matrix<float>>);
    static_assert(serializable<scaler::fitted>);
    static_assert(!learner<scaler>);
    constexpr scaler s{};
    static_assert(s.get_params().with_mean && s.get_params().with_std);
    constexpr scaler t{{.with_mean = false, .with_std = true}};
    static_assert(!t.get_params().with_mean && t.get_params().with_std);
}

// X = [[1, 2], [3, NaN], [5, 6]]: column 0 has mean 3, population variance
// ((-2)^2 + 0 + 2^2) / 3 = 8/3; column 1 ignores the NaN: mean 4, variance 4.
BOOST_AUTO_TEST_CASE_TEMPLATE(hand_computed, T, float_types) {
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const matrix<T> X = {{1, 2}, {3, nan}, {5, 6}};
    for_each_policy([&](const auto& policy) {
        const auto f = scaler{}.fit(policy, X);
        BOOST_TEST(f.n_features_in() == 2u);
        BOOST_TEST(f.mean()(0) == 3.0);
        BOOST_TEST(f.mean()(1) == 4.0);
        BOOST_TEST(f.var()(0) == 8.0 / 3.0);
        BOOST_TEST(f.var()(1) == 4.0);
        BOOST_TEST(f.scale()(0) == std::sqrt(8.0 / 3.0));
        BOOST_TEST(f.scale()(1) == 2.0);
        BOOST_TEST(f.n_samples_seen()(0) == 3);
        BOOST_TEST(f.n_samples_seen()(1) == 2);
        const matrix<T> Y = f.transform(policy, X);
        const T s0 = static_cast<T>(std::sqrt(8.0 / 3.0));
        BOOST_TEST(Y(0, 0) == (T(1) - T(3)) / s0);
        BOOST_TEST(Y(1, 0) == T(0));
        BOOST_TEST(Y(2, 0) == (T(5) - T(3)) / s0);
        BOOST_TEST(Y(0, 1) == T(-1));
        BOOST_TEST(std::isnan(Y(1, 1)));
        BOOST_TEST(Y(2, 1) == T(1));
        const matrix<T> Z = f.inverse_transform(policy, Y);
        BOOST_TEST(std::abs(Z(0, 0) - T(1)) <= 4 * std::numeric_limits<T>::epsilon());
        BOOST_TEST(Z(0, 1) == T(2));
        BOOST_TEST(std::isnan(Z(1, 1)));
    });
}

BOOST_AUTO_TEST_CASE(doc_example) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // example-begin scaler
    const matrix<double> X = {{1.0, 2.0}, {3.0, nan}, {5.0, 6.0}};
    const auto scaler = features::standard_scaler{{.with_mean = true, .with_std = true}}
                            .fit(exec::par, X);
    // mean {3, 4}, var {8/3, 4} (ddof 0), n_samples_seen {3, 2}: the NaN is skipped
    const matrix<double> Z = scaler.transform(exec::simd, X);  // Z(1, 1) stays NaN
    const matrix<double> back = scaler.inverse_transform(exec::seq, Z);
    // example-end scaler
    BOOST_TEST(scaler.var()(0) == 8.0 / 3.0);
    BOOST_TEST(scaler.n_samples_seen()(1) == 2);
    BOOST_TEST(std::isnan(Z(1, 1)));
    BOOST_TEST(std::abs(back(2, 0) - 5.0) <= 1e-15);
}

// ---- scikit-learn golden values (tests/data/scaler_golden.txt) ----------------

namespace {

struct golden_case {
    std::string name, dtype;
    bool with_mean = true, with_std = true;
    std::size_t rows = 0, cols = 0;
    std::map<std::string, std::vector<double>> rows_of;
};

std::vector<golden_case> read_golden() {
    std::ifstream in(std::string(TESSERA_SHARED_TEST_DATA_DIR) + "/scaler_golden.txt");
    BOOST_REQUIRE_MESSAGE(in.good(), "cannot open scaler_golden.txt");
    std::vector<golden_case> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        if (key == "case") {
            golden_case c;
            int wm = 0, ws = 0;
            ls >> c.name >> c.dtype >> wm >> ws >> c.rows >> c.cols;
            c.with_mean = wm != 0;
            c.with_std = ws != 0;
            out.push_back(std::move(c));
        } else if (key != "end") {
            BOOST_REQUIRE(!out.empty());
            std::vector<double>& v = out.back().rows_of[key];
            std::string tok;
            while (ls >> tok)
                v.push_back(tok == "nan" ? std::numeric_limits<double>::quiet_NaN()
                                         : std::stod(tok));
        }
    }
    return out;
}

template <class T>
void check_golden(const golden_case& c) {
    const auto& g = c.rows_of;
    BOOST_TEST_CONTEXT("golden case " << c.name) {
        BOOST_REQUIRE(g.at("X").size() == c.rows * c.cols);
        matrix<T> X = matrix<T>::from_shape({c.rows, c.cols});
        for (std::size_t i = 0; i < X.size(); ++i) X.data()[i] = static_cast<T>(g.at("X")[i]);
        const scaler est{{.with_mean = c.with_mean, .with_std = c.with_std}};
        const double eps = std::numeric_limits<double>::epsilon();
        const double eps_t = std::numeric_limits<T>::epsilon();
        for_each_policy([&](const auto& policy) {
            const auto f = est.fit(policy, X);
            for (std::size_t j = 0; j < c.cols; ++j) {
                const double m = g.at("mean")[j], v = g.at("var")[j], s = g.at("scale")[j];
                const double n = static_cast<double>(g.at("n_seen")[j]);
                BOOST_TEST(f.n_samples_seen()(j) == static_cast<std::int64_t>(n));
                BOOST_TEST(both_nan_or_close(f.mean()(j), m, 1e-13 * (std::abs(m) + s)),
                           "mean[" << j << "] " << f.mean()(j) << " vs " << m);
                // The two-pass algorithm's own error bound (scikit-learn's
                // _is_constant_feature) plus a relative slack.
                const double var_tol = 1e-12 * v + n * eps * v + std::pow(n * m * eps, 2);
                BOOST_TEST(both_nan_or_close(f.var()(j), v, var_tol),
                           "var[" << j << "] " << f.var()(j) << " vs " << v);
                BOOST_TEST(both_nan_or_close(f.scale()(j), s, 1e-12 * s + std::sqrt(var_tol)),
                           "scale[" << j << "] " << f.scale()(j) << " vs " << s);
            }
            const matrix<T> Y = f.transform(policy, X);
            const matrix<T> Z = f.inverse_transform(policy, X);
            for (std::size_t i = 0; i < X.size(); ++i) {
                const std::size_t j = i % c.cols;
                const double m = g.at("mean")[j], s = g.at("scale")[j];
                const double y = g.at("transform")[i], z = g.at("inverse")[i];
                const double x = static_cast<double>(X.data()[i]);
                const double ty = 4 * eps_t * (1 + std::abs(y)) + 1e-12 * std::abs(m) / s;
                const double tz = 4 * eps_t * (std::abs(z) + std::abs(x * s) + std::abs(m)) +
                                  1e-12 * (std::abs(x * s) + std::abs(m));
                BOOST_TEST(both_nan_or_close(Y.data()[i], y, ty),
                           "transform[" << i << "] " << Y.data()[i] << " vs " << y);
                BOOST_TEST(both_nan_or_close(Z.data()[i], z, tz),
                           "inverse[" << i << "] " << Z.data()[i] << " vs " << z);
            }
        });
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(scikit_learn_golden) {
    const auto cases = read_golden();
    BOOST_TEST(cases.size() == 9u);
    for (const auto& c : cases) {
        if (c.dtype == "float32")
            check_golden<float>(c);
        else
            check_golden<double>(c);
    }
}

// ---- fast paths against seq --------------------------------------------------

BOOST_AUTO_TEST_CASE_TEMPLATE(policies_match_seq, T, float_types) {
    std::uint64_t seed = 1;
    for (std::size_t cols : {1u, 3u, 17u, 28u, 33u}) {
        for (std::size_t rows : {1u, 2u, 63u, 64u, 65u, 1000u}) {
            BOOST_TEST_CONTEXT("rows " << rows << " cols " << cols) {
                const auto X = random_matrix<T>(rows, cols, seed++, 0.1, 3.0, 2.0);
                const auto ref = scaler{}.fit(exec::seq, X);
                const auto Yref = ref.transform(exec::seq, X);
                const auto Zref = ref.inverse_transform(exec::seq, X);

                const auto check_close = [&](const scaler::fitted& f) {
                    BOOST_TEST(same_bits(f.n_samples_seen(), ref.n_samples_seen()));
                    for (std::size_t j = 0; j < cols; ++j) {
                        const double s = ref.scale()(j), m = ref.mean()(j), v = ref.var()(j);
                        BOOST_TEST(both_nan_or_close(f.mean()(j), m, 1e-14 * (std::abs(m) + s)));
                        BOOST_TEST(both_nan_or_close(f.var()(j), v, 1e-13 * v));
                        BOOST_TEST(both_nan_or_close(f.scale()(j), s, 1e-13 * s));
                    }
                };
                const auto simd_fit = scaler{}.fit(exec::simd, X);
                check_close(simd_fit);

                // par: bitwise identical for any thread count; close to seq.
                const auto p1 = scaler{}.fit(exec::par_t{.threads = 1, .grain = 64}, X);
                check_close(p1);
                for (unsigned threads : {2u, 7u}) {
                    const auto pt = scaler{}.fit(exec::par_t{.threads = threads, .grain = 64}, X);
                    BOOST_TEST(same_bits(pt.mean(), p1.mean()));
                    BOOST_TEST(same_bits(pt.var(), p1.var()));
                    BOOST_TEST(same_bits(pt.scale(), p1.scale()));
                    BOOST_TEST(same_bits(pt.n_samples_seen(), p1.n_samples_seen()));
                }

                // transform is element-wise with the same operations on every
                // path: bitwise identical to seq.
                BOOST_TEST(same_bits(ref.transform(exec::simd, X), Yref));
                for (unsigned threads : {1u, 2u, 7u})
                    BOOST_TEST(same_bits(
                        ref.transform(exec::par_t{.threads = threads, .grain = 64}, X), Yref));
                // inverse: x * scale + mean may be fused into an FMA on one path.
                const T eps = std::numeric_limits<T>::epsilon();
                for (const auto& Z : {ref.inverse_transform(exec::simd, X),
                                      ref.inverse_transform(exec::par_t{.threads = 2, .grain = 64}, X)}) {
                    for (std::size_t i = 0; i < Z.size(); ++i)
                        BOOST_TEST(both_nan_or_close(Z.data()[i], Zref.data()[i],
                                                     4 * eps * (1 + std::abs(Zref.data()[i]))));
                }
            }
        }
    }
}

// The one-read fit (simd / par: shifted sums per chunk, blocks without NaN summed
// unmasked, blocks with NaN or infinity summed again with a mask) against seq's
// Welford. No NaN (every block unmasked), sparse NaN (some blocks masked) and
// dense NaN. The tolerances: mean within 1e-14 (|mean| + std); M2 = Q - S^2/n with
// the shift a value of the chunk loses at most a factor ~2 typically to the
// cancellation, plus the two-level summation (64-row blocks, then the chunk): the
// bound is ~(64 + chunk/64) eps relative, well under 1e-12 for these sizes.
// simd runs par's default chunks in a loop: bitwise equal to par at the default
// grain, and par is bitwise equal for 1, 2 and 7 threads.
BOOST_AUTO_TEST_CASE_TEMPLATE(one_read_fit_matches_seq, T, float_types) {
    std::uint64_t seed = 500;
    for (const double nan_frac : {0.0, 0.0005, 0.2}) {
        for (std::size_t cols : {1u, 5u, 8u, 28u, 33u}) {
            const std::size_t rows = 9000 + cols;  // several default chunks, and a tail
            BOOST_TEST_CONTEXT("nan_frac " << nan_frac << " cols " << cols) {
                const auto X = random_matrix<T>(rows, cols, seed++, nan_frac, -2.0, 3.0);
                const auto ref = scaler{}.fit(exec::seq, X);
                const auto simd_fit = scaler{}.fit(exec::simd, X);
                const auto p1 = scaler{}.fit(exec::par_t{.threads = 1}, X);
                BOOST_TEST(same_bits(simd_fit.mean(), p1.mean()));
                BOOST_TEST(same_bits(simd_fit.var(), p1.var()));
                BOOST_TEST(same_bits(simd_fit.n_samples_seen(), ref.n_samples_seen()));
                for (unsigned threads : {2u, 7u}) {
                    const auto pt = scaler{}.fit(exec::par_t{.threads = threads}, X);
                    BOOST_TEST(same_bits(pt.mean(), p1.mean()));
                    BOOST_TEST(same_bits(pt.var(), p1.var()));
                }
                for (std::size_t j = 0; j < cols; ++j) {
                    const double m = ref.mean()(j), v = ref.var()(j), s = ref.scale()(j);
                    BOOST_TEST(std::abs(p1.mean()(j) - m) <= 1e-14 * (std::abs(m) + s));
                    BOOST_TEST(std::abs(p1.var()(j) - v) <= 1e-12 * v);
                }
                // transform: one element-wise op on every path (streaming stores
                // or not), so bitwise equal.
                BOOST_TEST(same_bits(p1.transform(exec::par_t{.threads = 2}, X),
                                     p1.transform(exec::seq, X)));
            }
        }
    }
}

// Infinity is a value, not a missing one: the column's mean is not finite (inf on
// the one-read paths, as scikit-learn's nanmean; seq's Welford turns it into NaN at
// the next value) and its variance is NaN (scikit-learn's too) on every path;
// the columns beside it are untouched by the masked re-summing of its block.
BOOST_AUTO_TEST_CASE(infinity_in_fit) {
    auto X = random_matrix<float>(3000, 4, 77, 0.0, 1.0, 2.0);
    X(1234, 1) = std::numeric_limits<float>::infinity();
    X(10, 2) = std::numeric_limits<float>::quiet_NaN();
    const auto ref = scaler{}.fit(exec::seq, X);
    for_each_policy([&](const auto& policy) {
        const auto f = scaler{}.fit(policy, X);
        BOOST_TEST(!std::isfinite(f.mean()(1)));
        BOOST_TEST(std::isnan(f.var()(1)));
        BOOST_TEST(std::isnan(f.scale()(1)));
        BOOST_TEST(f.n_samples_seen()(2) == 2999);
        for (std::size_t j : {0u, 2u, 3u}) {
            BOOST_TEST(std::abs(f.mean()(j) - ref.mean()(j)) <= 1e-14 * (1 + ref.scale()(j)));
            BOOST_TEST(std::abs(f.var()(j) - ref.var()(j)) <= 1e-12 * ref.var()(j));
        }
    });
}

// A transform large enough for streaming stores (>= 8 MiB); par's chunks start
// off the vector alignment (rows of 112 bytes), so the aligning prologue runs:
// equal to seq bit for bit.
BOOST_AUTO_TEST_CASE(streaming_transform_matches_seq) {
    const auto X = random_matrix<float>(80'000, 28, 5, 0.01, 3.0, 2.0);
    const auto f = scaler{}.fit(exec::seq, X);
    const auto Yref = f.transform(exec::seq, X);
    BOOST_TEST(same_bits(f.transform(exec::simd, X), Yref));
    for (unsigned threads : {1u, 2u, 7u})
        BOOST_TEST(same_bits(f.transform(exec::par_t{.threads = threads}, X), Yref));
    const auto Zref = f.inverse_transform(exec::seq, X);
    const auto Z = f.inverse_transform(exec::par_t{.threads = 2}, X);
    for (std::size_t i = 0; i < Z.size(); ++i)
        BOOST_TEST(both_nan_or_close(Z.data()[i], Zref.data()[i],
                                     4 * std::numeric_limits<float>::epsilon() * (1 + std::abs(Zref.data()[i]))));
}

// Several default-grain chunks (65536 elements each) on the default pool.
BOOST_AUTO_TEST_CASE(default_par_many_chunks) {
    const auto X = random_matrix<float>(5000, 33, 99, 0.05, -1.0, 4.0);
    const auto ref = scaler{}.fit(exec::seq, X);
    const auto a = scaler{}.fit(exec::par_t{.threads = 1}, X);
    const auto b = scaler{}.fit(exec::par_t{.threads = 2}, X);
    BOOST_TEST(same_bits(a.mean(), b.mean()));
    BOOST_TEST(same_bits(a.var(), b.var()));
    for (std::size_t j = 0; j < 33; ++j) {
        BOOST_TEST(std::abs(a.mean()(j) - ref.mean()(j)) <= 1e-13 * (1 + ref.scale()(j)));
        BOOST_TEST(std::abs(a.var()(j) - ref.var()(j)) <= 1e-12 * ref.var()(j));
    }
    BOOST_TEST(same_bits(ref.transform(exec::par_t{.threads = 2}, X), ref.transform(exec::seq, X)));
}

// Large offset: the variance of 1e6 + N(0, 1) must survive; reference is a
// two-pass sum in long double over the same values.
BOOST_AUTO_TEST_CASE_TEMPLATE(large_offset_is_stable, T, float_types) {
    const auto X = random_matrix<T>(2000, 3, 7, 0.0, 1e6, 1.0);
    for (std::size_t j = 0; j < 3; ++j) {
        long double s = 0, q = 0;
        for (std::size_t i = 0; i < 2000; ++i) s += X(i, j);
        const long double m = s / 2000;
        for (std::size_t i = 0; i < 2000; ++i) q += (X(i, j) - m) * (X(i, j) - m);
        const double var = static_cast<double>(q / 2000);
        for_each_policy([&](const auto& policy) {
            const auto f = scaler{}.fit(policy, X);
            BOOST_TEST(std::abs(f.var()(j) - var) <= 1e-9 * var);
            BOOST_TEST(std::abs(f.mean()(j) - static_cast<double>(m)) <= 1e-13 * 1e6);
        });
    }
}

// ---- options, special columns ---------------------------------------------------

BOOST_AUTO_TEST_CASE(options) {
    const auto X = random_matrix<double>(50, 5, 3, 0.1, 2.0, 3.0);
    const auto full = scaler{}.fit(exec::seq, X);
    const auto no_mean = scaler{{.with_mean = false}}.fit(exec::seq, X);
    const auto no_std = scaler{{.with_std = false}}.fit(exec::seq, X);
    const auto neither = scaler{{.with_mean = false, .with_std = false}}.fit(exec::seq, X);
    BOOST_TEST(!no_mean.with_mean());
    BOOST_TEST(no_mean.with_std());
    // Statistics are reported whatever the options.
    BOOST_TEST(same_bits(no_mean.mean(), full.mean()));
    BOOST_TEST(same_bits(neither.scale(), full.scale()));
    const auto a = no_mean.transform(exec::simd, X);
    const auto b = no_std.transform(exec::simd, X);
    for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t j = 0; j < 5; ++j) {
            if (std::isnan(X(i, j))) {
                BOOST_TEST((std::isnan(a(i, j)) && std::isnan(b(i, j))));
                continue;
            }
            BOOST_TEST(a(i, j) == X(i, j) / full.scale()(j));
            BOOST_TEST(b(i, j) == X(i, j) - full.mean()(j));
        }
    BOOST_TEST(same_bits(neither.transform(exec::par, X), X));
    BOOST_TEST(same_bits(neither.inverse_transform(exec::simd, X), X));
}

BOOST_AUTO_TEST_CASE(constant_and_all_nan_columns) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    matrix<double> X = matrix<double>::from_shape({70, 3});
    for (std::size_t i = 0; i < 70; ++i) {
        X(i, 0) = 0.1;
        X(i, 1) = nan;
        X(i, 2) = static_cast<double>(i);
    }
    for_each_policy([&](const auto& policy) {
        const auto f = scaler{}.fit(policy, X);
        BOOST_TEST(f.scale()(0) == 1.0);  // zero variance: scale 1
        BOOST_TEST(f.var()(0) <= 1e-30);
        BOOST_TEST(f.n_samples_seen()(1) == 0);
        BOOST_TEST((std::isnan(f.mean()(1)) && std::isnan(f.var()(1)) && std::isnan(f.scale()(1))));
        const auto Y = f.transform(policy, X);
        BOOST_TEST(std::abs(Y(5, 0)) <= 1e-15);
        BOOST_TEST(std::isnan(Y(5, 1)));
        BOOST_TEST(std::abs(Y(0, 2) + std::sqrt(3.0 * 69.0 / 71.0)) <= 1e-12);
    });
    // One row: variance 0, scale 1, transform 0.
    const matrix<float> one = {{2.5f, -1.0f, 7.0f}};
    for_each_policy([&](const auto& policy) {
        const auto f = scaler{}.fit(policy, one);
        for (std::size_t j = 0; j < 3; ++j) {
            BOOST_TEST(f.var()(j) == 0.0);
            BOOST_TEST(f.scale()(j) == 1.0);
            BOOST_TEST(f.n_samples_seen()(j) == 1);
        }
        BOOST_TEST(same_bits(f.transform(policy, one), matrix<float>(xt::zeros<float>({1, 3}))));
    });
}

// ---- bad input -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bad_input) {
    for_each_policy([&](const auto& policy) {
        const matrix<float> empty = matrix<float>::from_shape({0, 4});
        const auto m0 = message_of<shape_error>([&] { (void)scaler{}.fit(policy, empty); });
        BOOST_TEST(contains(m0, "standard_scaler::fit: X has 0 rows"), m0);
        const matrix<double> no_cols = matrix<double>::from_shape({5, 0});
        const auto m1 = message_of<shape_error>([&] { (void)scaler{}.fit(policy, no_cols); });
        BOOST_TEST(contains(m1, "X has 0 columns"), m1);

        const auto f = scaler{}.fit(policy, random_matrix<float>(10, 3, 5));
        const auto wide = random_matrix<float>(4, 5, 6);
        const auto m2 = message_of<shape_error>([&] { (void)f.transform(policy, wide); });
        BOOST_TEST(contains(m2, "standard_scaler::transform: X has 5 columns, but the scaler "
                                "was fitted on 3 columns"),
                   m2);
        const auto m3 = message_of<shape_error>([&] { (void)f.inverse_transform(policy, wide); });
        BOOST_TEST(contains(m3, "inverse_transform: X has 5 columns"), m3);
        // 0 rows at transform time is fine: an empty result of the right width.
        const auto none = f.transform(policy, matrix<float>::from_shape({0, 3}));
        BOOST_TEST(none.shape()[0] == 0u);
        BOOST_TEST(none.shape()[1] == 3u);
    });
}

// ---- save / load --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(save_load_payload) {
    const auto X = random_matrix<double>(40, 6, 11, 0.1);
    const auto f = scaler{{.with_mean = false}}.fit(exec::par, X);
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    const auto g = scaler::fitted::load(r);
    r.expect_end();
    BOOST_TEST(same_bits(g.mean(), f.mean()));
    BOOST_TEST(same_bits(g.var(), f.var()));
    BOOST_TEST(same_bits(g.scale(), f.scale()));
    BOOST_TEST(same_bits(g.n_samples_seen(), f.n_samples_seen()));
    BOOST_TEST(g.with_mean() == false);
    BOOST_TEST(same_bits(g.transform(exec::seq, X), f.transform(exec::seq, X)));

    // Corrupt fields: a flag that is not 0/1, an unknown payload version, a cut.
    std::string bad_flag = w.bytes();
    bad_flag[4] = 2;
    io::reader r1(bad_flag);
    const auto m1 = message_of<format_error>([&] { (void)scaler::fitted::load(r1); });
    BOOST_TEST(contains(m1, "'with_mean' is 2, expected 0 or 1"), m1);
    std::string bad_version = w.bytes();
    bad_version[0] = 9;
    io::reader r2(bad_version);
    const auto m2 = message_of<format_error>([&] { (void)scaler::fitted::load(r2); });
    BOOST_TEST(contains(m2, "payload version 9"), m2);
    io::reader r3(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
    BOOST_CHECK_THROW((void)scaler::fitted::load(r3), format_error);
}

BOOST_AUTO_TEST_SUITE_END()
