// Tests of learners::linear_regression and learners::logistic_regression.
//
// References: exact recovery on noise-free data; an independent least-squares
// solve by modified Gram-Schmidt QR in long double (ridge as least squares on
// rows augmented with sqrt(l2) I); scikit-learn's LogisticRegression(tol=1e-10)
// coefficients stored in tests/data/logistic_golden_*.txt by
// tests/data/make_logistic_golden.py; exec::seq for the simd/par paths.
#define BOOST_TEST_MODULE linear
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/learners/linear.hpp>

using namespace tessera;
using learners::linear_regression;
using learners::logistic_regression;

static_assert(learner<linear_regression>);
static_assert(learner<linear_regression, matrix<double>, vector<double>>);
static_assert(predictor<linear_regression::fitted>);
static_assert(predictor<linear_regression::fitted, matrix<double>>);
static_assert(serializable<linear_regression::fitted>);
static_assert(learner<logistic_regression, matrix<float>, vector<std::int32_t>>);
static_assert(learner<logistic_regression, matrix<double>, vector<std::int32_t>>);
static_assert(probabilistic_predictor<logistic_regression::fitted>);
static_assert(serializable<logistic_regression::fitted>);

namespace {

// splitmix64 + Box-Muller: the same numbers on every platform.
struct rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double normal() {
        const double u = uniform() + 0x1.0p-54, v = uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    }
};

template <class T>
matrix<T> random_matrix(std::size_t n, std::size_t d, std::uint64_t seed, double offset = 0.0) {
    rng r{seed};
    matrix<T> X = xt::empty<T>({n, d});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j)
            X(i, j) = static_cast<T>(r.normal() + offset * static_cast<double>(j));
    return X;
}

template <class T>
vector<double> linear_target(const matrix<T>& X, const std::vector<double>& w, double b,
                             double noise, std::uint64_t seed) {
    rng r{seed};
    vector<double> y = xt::empty<double>({X.shape()[0]});
    for (std::size_t i = 0; i < X.shape()[0]; ++i) {
        double s = b;
        for (std::size_t j = 0; j < X.shape()[1]; ++j) s += static_cast<double>(X(i, j)) * w[j];
        y(i) = s + noise * r.normal();
    }
    return y;
}

// Least squares min |A x - y| by modified Gram-Schmidt QR in long double; A is
// m x p row-major. Independent of the normal equations the library solves.
std::vector<long double> qr_lstsq(std::vector<long double> A, std::vector<long double> y,
                                  std::size_t m, std::size_t p) {
    std::vector<long double> R(p * p, 0.0L);
    for (std::size_t k = 0; k < p; ++k) {
        long double nrm = 0;
        for (std::size_t i = 0; i < m; ++i) nrm += A[i * p + k] * A[i * p + k];
        nrm = std::sqrt(nrm);
        R[k * p + k] = nrm;
        for (std::size_t i = 0; i < m; ++i) A[i * p + k] /= nrm;
        for (std::size_t j = k + 1; j < p; ++j) {
            long double dot = 0;
            for (std::size_t i = 0; i < m; ++i) dot += A[i * p + k] * A[i * p + j];
            R[k * p + j] = dot;
            for (std::size_t i = 0; i < m; ++i) A[i * p + j] -= dot * A[i * p + k];
        }
    }
    std::vector<long double> qty(p, 0.0L), x(p);
    for (std::size_t k = 0; k < p; ++k) {
        for (std::size_t i = 0; i < m; ++i) qty[k] += A[i * p + k] * y[i];
        // MGS applied to y as well (re-orthogonalise the residual)
        for (std::size_t i = 0; i < m; ++i) y[i] -= qty[k] * A[i * p + k];
    }
    for (std::size_t k = p; k-- > 0;) {
        long double s = qty[k];
        for (std::size_t j = k + 1; j < p; ++j) s -= R[k * p + j] * x[j];
        x[k] = s / R[k * p + k];
    }
    return x;
}

// Reference (coef..., intercept) by QR: an unpenalised intercept column when
// fit_intercept, and sqrt(l2) rows for ridge.
template <class T, class U>
std::vector<long double> reference_fit(const matrix<T>& X, const vector<U>& y, bool fi, double l2) {
    const std::size_t n = X.shape()[0], d = X.shape()[1], p = d + (fi ? 1 : 0);
    const std::size_t extra = l2 > 0 ? d : 0, m = n + extra;
    std::vector<long double> A(m * p, 0.0L), yy(m, 0.0L);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) A[i * p + j] = static_cast<long double>(X(i, j));
        if (fi) A[i * p + d] = 1.0L;
        yy[i] = static_cast<long double>(y(i));
    }
    for (std::size_t j = 0; j < extra; ++j) A[(n + j) * p + j] = std::sqrt(static_cast<long double>(l2));
    auto x = qr_lstsq(A, yy, m, p);
    if (!fi) x.push_back(0.0L);
    return x;
}

double max_rel(const linear_regression::fitted& f, const std::vector<long double>& ref) {
    const std::size_t d = f.n_features();
    long double scale = 0, diff = 0;
    for (std::size_t j = 0; j <= d; ++j) {
        const long double got = j < d ? f.coef()(j) : f.intercept();
        scale = std::max(scale, std::abs(ref[j]));
        diff = std::max(diff, std::abs(got - ref[j]));
    }
    return static_cast<double>(diff / scale);
}

template <class E>
bool same_bytes(const E& a, const E& b) {
    return a.size() == b.size() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(typename E::value_type)) == 0;
}

template <class F>
std::string error_message(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "<no exception>";
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

using float_types = std::tuple<float, double>;

}  // namespace

// ---------------------------------------------------------------- linear regression

BOOST_AUTO_TEST_SUITE(linear_regression_suite)

BOOST_AUTO_TEST_CASE_TEMPLATE(noise_free_recovers_coefficients, T, float_types) {
    const std::vector<double> w = {1.5, -2.0, 0.25, 3.0, -0.75};
    const auto X = random_matrix<T>(200, 5, 11, 0.5);
    const auto y = linear_target(X, w, 4.25, 0.0, 0);
    const auto f = linear_regression{}.fit(exec::seq, X, y);
    for (std::size_t j = 0; j < w.size(); ++j) BOOST_TEST(std::abs(f.coef()(j) - w[j]) < 1e-10);
    BOOST_TEST(std::abs(f.intercept() - 4.25) < 1e-10);
    BOOST_TEST(f.converged());
    BOOST_TEST(f.n_iter() == 1u);
    const auto pred = f.predict(exec::seq, X);
    for (std::size_t i = 0; i < y.size(); ++i) BOOST_TEST(std::abs(pred(i) - y(i)) < 1e-9);

    // Without an intercept, on data that has none.
    const auto y0 = linear_target(X, w, 0.0, 0.0, 0);
    const auto f0 = linear_regression{{.fit_intercept = false}}.fit(exec::seq, X, y0);
    for (std::size_t j = 0; j < w.size(); ++j) BOOST_TEST(std::abs(f0.coef()(j) - w[j]) < 1e-10);
    BOOST_TEST(f0.intercept() == 0.0);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(noisy_matches_qr_reference, T, float_types) {
    const std::vector<double> w = {0.5, -1.0, 2.0, 0.0, 1.25, -0.3};
    const auto X = random_matrix<T>(300, 6, 21, 1.0);
    const auto yd = linear_target(X, w, -2.0, 0.7, 22);
    vector<float> y = xt::empty<float>({yd.size()});  // float targets, as DESIGN.md's labels
    for (std::size_t i = 0; i < yd.size(); ++i) y(i) = static_cast<float>(yd(i));
    for (bool fi : {true, false}) {
        for (double l2 : {0.0, 0.1, 25.0}) {
            const auto f = linear_regression{{.fit_intercept = fi, .l2 = l2}}.fit(exec::seq, X, y);
            const double rel = max_rel(f, reference_fit(X, y, fi, l2));
            BOOST_TEST_INFO("fit_intercept " << fi << " l2 " << l2 << " rel " << rel);
            BOOST_TEST(rel < 1e-9);
            // The same through the fast paths.
            const auto fp = linear_regression{{.fit_intercept = fi, .l2 = l2}}.fit(exec::par, X, y);
            BOOST_TEST(max_rel(fp, reference_fit(X, y, fi, l2)) < 1e-9);
        }
    }
}

BOOST_AUTO_TEST_CASE(sample_weights_equal_repeated_rows) {
    const auto X = random_matrix<double>(60, 3, 31);
    const auto y = linear_target(X, {1.0, 2.0, -1.0}, 0.5, 0.5, 32);
    vector<double> sw = xt::empty<double>({60});
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < 60; ++i) {
        sw(i) = static_cast<double>(i % 3);  // 0, 1, 2 copies
        for (std::size_t c = 0; c < i % 3; ++c) rows.push_back(i);
    }
    matrix<double> Xr = xt::empty<double>({rows.size(), std::size_t{3}});
    vector<double> yr = xt::empty<double>({rows.size()});
    for (std::size_t k = 0; k < rows.size(); ++k) {
        for (std::size_t j = 0; j < 3; ++j) Xr(k, j) = X(rows[k], j);
        yr(k) = y(rows[k]);
    }
    for (double l2 : {0.0, 3.0}) {
        const auto a = linear_regression{{.l2 = l2}}.fit(exec::seq, X, y, sw);
        const auto b = linear_regression{{.l2 = l2}}.fit(exec::seq, Xr, yr);
        for (std::size_t j = 0; j < 3; ++j)
            BOOST_TEST(std::abs(a.coef()(j) - b.coef()(j)) < 1e-12 * (1 + std::abs(b.coef()(j))));
        BOOST_TEST(std::abs(a.intercept() - b.intercept()) < 1e-12 * (1 + std::abs(b.intercept())));
    }
}

BOOST_AUTO_TEST_CASE(policies_agree_and_par_is_bitwise_stable) {
    const auto X = random_matrix<float>(1003, 7, 41, 0.3);
    const auto y = linear_target(X, {1, -1, 2, -2, 0.5, 0, 3}, 1.0, 0.2, 42);
    const linear_regression est{{.l2 = 0.5}};
    const auto s = est.fit(exec::seq, X, y);
    const auto v = est.fit(exec::simd, X, y);
    const auto p1 = est.fit(exec::par_t{.threads = 1, .grain = 64}, X, y);
    const auto p2 = est.fit(exec::par_t{.threads = 2, .grain = 64}, X, y);
    const auto p7 = est.fit(exec::par_t{.threads = 7, .grain = 64}, X, y);
    for (const auto* f : {&v, &p1}) {
        for (std::size_t j = 0; j < 7; ++j)
            BOOST_TEST(std::abs(f->coef()(j) - s.coef()(j)) < 1e-12 * (1 + std::abs(s.coef()(j))));
        BOOST_TEST(std::abs(f->intercept() - s.intercept()) < 1e-12 * (1 + std::abs(s.intercept())));
    }
    BOOST_TEST(same_bytes(p1.coef(), p2.coef()));
    BOOST_TEST(same_bytes(p1.coef(), p7.coef()));
    const double b1 = p1.intercept(), b7 = p7.intercept();
    BOOST_TEST(std::memcmp(&b1, &b7, sizeof(double)) == 0);
    const auto ys = s.predict(exec::seq, X);
    const auto y1 = s.predict(exec::par_t{.threads = 1, .grain = 64}, X);
    const auto y7 = s.predict(exec::par_t{.threads = 7, .grain = 64}, X);
    BOOST_TEST(same_bytes(y1, y7));
    for (std::size_t i = 0; i < ys.size(); ++i) BOOST_TEST(std::abs(ys(i) - y1(i)) < 1e-12 * (1 + std::abs(ys(i))));
}

BOOST_AUTO_TEST_CASE(rank_deficient_is_a_data_error_naming_the_column) {
    auto X = random_matrix<double>(50, 4, 51);
    for (std::size_t i = 0; i < 50; ++i) X(i, 2) = 2.0 * X(i, 0) - X(i, 1);
    const auto y = linear_target(X, {1, 2, 3, 4}, 0, 0.1, 52);
    try {
        (void)linear_regression{}.fit(exec::seq, X, y);
        BOOST_FAIL("no exception");
    } catch (const data_error& e) {
        BOOST_TEST(e.column() == "2");
        BOOST_TEST(contains(e.what(), "column 2"));
        BOOST_TEST(contains(e.what(), "l2 > 0"));
    }
    // Ridge makes it solvable.
    BOOST_CHECK_NO_THROW((void)linear_regression{{.l2 = 1e-3}}.fit(exec::seq, X, y));
    // A constant column is dependent on the intercept, not on its own.
    auto Xc = random_matrix<double>(50, 3, 53);
    for (std::size_t i = 0; i < 50; ++i) Xc(i, 1) = 0.1;
    const auto yc = linear_target(Xc, {1, 2, 3}, 0, 0.1, 54);
    BOOST_CHECK_THROW((void)linear_regression{}.fit(exec::seq, Xc, yc), data_error);
    BOOST_CHECK_NO_THROW((void)linear_regression{{.fit_intercept = false}}.fit(exec::seq, Xc, yc));
}

BOOST_AUTO_TEST_CASE(bad_input) {
    auto X = random_matrix<double>(10, 3, 61);
    const auto y = linear_target(X, {1, 2, 3}, 0, 0.1, 62);
    X(5, 2) = std::numeric_limits<double>::quiet_NaN();
    try {
        (void)linear_regression{}.fit(exec::seq, X, y);
        BOOST_FAIL("no exception");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 5u);
        BOOST_TEST(e.column() == "2");
        BOOST_TEST(contains(e.what(), "row 5"));
    }
    X(5, 2) = 0.0;
    auto yb = y;
    yb(3) = std::numeric_limits<double>::infinity();
    BOOST_CHECK_THROW((void)linear_regression{}.fit(exec::seq, X, yb), data_error);
    const vector<double> short_y = xt::zeros<double>({9});
    BOOST_CHECK_THROW((void)linear_regression{}.fit(exec::seq, X, short_y), shape_error);
    BOOST_CHECK_THROW((void)linear_regression{}.fit(exec::seq, matrix<double>(xt::empty<double>({0, 3})),
                                                    vector<double>(xt::empty<double>({0}))),
                      shape_error);
    for (double bad : {-1.0, std::numeric_limits<double>::quiet_NaN()}) {
        try {
            (void)linear_regression{{.l2 = bad}}.fit(exec::seq, X, y);
            BOOST_FAIL("no exception");
        } catch (const config_error& e) {
            BOOST_TEST(e.field() == "l2");
            BOOST_TEST(contains(e.what(), "'l2'"));
        }
    }
    vector<double> sw = xt::ones<double>({10});
    sw(4) = -1;
    BOOST_CHECK_THROW((void)linear_regression{}.fit(exec::seq, X, y, sw), data_error);
    const auto f = linear_regression{}.fit(exec::seq, X, y);
    BOOST_CHECK_THROW((void)f.predict(exec::seq, random_matrix<double>(4, 2, 1)), shape_error);
    auto Xn = X;
    Xn(1, 0) = std::numeric_limits<double>::quiet_NaN();
    BOOST_CHECK_THROW((void)f.predict(exec::seq, Xn), data_error);
}

BOOST_AUTO_TEST_CASE(save_load_round_trip) {
    const auto X = random_matrix<float>(40, 4, 71);
    const auto y = linear_target(X, {1, 2, 3, 4}, 1, 0.1, 72);
    const auto f = linear_regression{{.l2 = 0.1}}.fit(exec::seq, X, y);
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    const auto g = linear_regression::fitted::load(r);
    r.expect_end();
    BOOST_TEST(same_bytes(f.predict(exec::seq, X), g.predict(exec::seq, X)));
    BOOST_TEST(g.fit_intercept());
    const std::string& bytes = w.bytes();
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        io::reader t(std::string_view(bytes).substr(0, len));
        BOOST_CHECK_THROW((void)linear_regression::fitted::load(t), format_error);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- logistic regression

namespace {

struct golden {
    std::string name;
    double C = 1;
    bool fit_intercept = true;
    bool balanced = false;
    std::size_t n = 0, d = 0, K = 0;
    matrix<double> X;
    vector<std::int32_t> y;
    vector<double> sw;
    matrix<double> coef;
    vector<double> intercept;
};

golden read_golden(const std::string& name) {
    std::ifstream in(std::string(TESSERA_TEST_DATA_DIR) + "/logistic_golden_" + name + ".txt");
    if (!in) throw std::runtime_error("cannot open golden file " + name);
    golden g;
    g.name = name;
    std::string line, key, cw;
    std::getline(in, line);  // comment
    int fi = 0, has_sw = 0;
    in >> key >> g.C >> key >> fi >> key >> cw >> key >> has_sw >> key >> g.n >> g.d >> g.K;
    g.fit_intercept = fi == 1;
    g.balanced = cw == "balanced";
    g.X = xt::empty<double>({g.n, g.d});
    for (std::size_t i = 0; i < g.n; ++i)
        for (std::size_t j = 0; j < g.d; ++j) in >> g.X(i, j);
    g.y = xt::empty<std::int32_t>({g.n});
    for (std::size_t i = 0; i < g.n; ++i) in >> g.y(i);
    if (has_sw) {
        g.sw = xt::empty<double>({g.n});
        for (std::size_t i = 0; i < g.n; ++i) in >> g.sw(i);
    }
    const std::size_t m = g.K == 2 ? 1 : g.K;
    g.coef = xt::empty<double>({m, g.d});
    for (std::size_t r = 0; r < m; ++r)
        for (std::size_t j = 0; j < g.d; ++j) in >> g.coef(r, j);
    g.intercept = xt::empty<double>({m});
    for (std::size_t r = 0; r < m; ++r) in >> g.intercept(r);
    if (!in) throw std::runtime_error("malformed golden file " + name);
    return g;
}

const std::vector<std::string> golden_names = {
    "well",     "correlated",   "imbalanced", "c001",   "c100",           "nointercept",
    "balanced", "sampleweight", "multi3",     "multi4_c10_noint", "multi3_c001"};

// max |got - want| over coef and intercept, relative to max |want|.
double golden_rel(const logistic_regression::fitted& f, const golden& g) {
    double diff = 0, scale = 0;
    for (std::size_t r = 0; r < g.coef.shape()[0]; ++r) {
        for (std::size_t j = 0; j < g.d; ++j) {
            diff = std::max(diff, std::abs(f.coef()(r, j) - g.coef(r, j)));
            scale = std::max(scale, std::abs(g.coef(r, j)));
        }
        diff = std::max(diff, std::abs(f.intercept()(r) - g.intercept(r)));
        scale = std::max(scale, std::abs(g.intercept(r)));
    }
    return diff / scale;
}

template <class P, class T>
logistic_regression::fitted fit_golden(const logistic_regression& est, const P& policy,
                                       const matrix<T>& X, const golden& g) {
    return g.sw.size() ? est.fit(policy, X, g.y, g.sw) : est.fit(policy, X, g.y);
}

logistic_regression estimator_for(const golden& g, learners::logistic_solver s) {
    return logistic_regression{{.C = g.C,
                                .fit_intercept = g.fit_intercept,
                                .max_iter = 10000,
                                .tol = 1e-10,
                                .solver = s,
                                .class_weight = g.balanced ? learners::class_weight_mode::balanced
                                                           : learners::class_weight_mode::none}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(logistic_regression_suite)

BOOST_AUTO_TEST_CASE(matches_scikit_learn_golden) {
    for (const auto& name : golden_names) {
        const golden g = read_golden(name);
        for (auto s : {learners::logistic_solver::newton_cholesky, learners::logistic_solver::lbfgs}) {
            const auto f = fit_golden(estimator_for(g, s), exec::seq, g.X, g);
            const double rel = golden_rel(f, g);
            BOOST_TEST_MESSAGE(name << ": solver " << static_cast<int>(s) << ", n_iter "
                                    << f.n_iter() << ", max rel diff to scikit-learn " << rel);
            BOOST_TEST_INFO(name << " solver " << static_cast<int>(s) << " n_iter " << f.n_iter()
                                 << " rel " << rel);
            BOOST_TEST(f.converged());
            BOOST_TEST(rel < 1e-5);
            BOOST_TEST(f.n_classes() == g.K);
            BOOST_TEST(f.coef().shape()[0] == (g.K == 2 ? 1u : g.K));
            // The fast path and float X land on the same optimum (float X is
            // the same 4-decimal data rounded to float).
            const auto fp = fit_golden(estimator_for(g, s), exec::par, g.X, g);
            BOOST_TEST(golden_rel(fp, g) < 1e-5);
        }
        matrix<float> Xf = xt::empty<float>(g.X.shape());
        for (std::size_t k = 0; k < g.X.size(); ++k) Xf.data()[k] = static_cast<float>(g.X.data()[k]);
        const auto ff = fit_golden(estimator_for(g, learners::logistic_solver::newton_cholesky),
                                   exec::simd, Xf, g);
        BOOST_TEST_MESSAGE(name << ": float X, max rel diff " << golden_rel(ff, g));
        BOOST_TEST(golden_rel(ff, g) < 1e-5);
    }
}

BOOST_AUTO_TEST_CASE(probabilities_and_decisions_are_consistent) {
    for (const auto* name : {"well", "multi3"}) {
        const golden g = read_golden(name);
        const auto f = fit_golden(estimator_for(g, learners::logistic_solver::newton_cholesky),
                                  exec::seq, g.X, g);
        const auto P = f.predict_proba(exec::seq, g.X);
        const auto Z = f.decision_function(exec::seq, g.X);
        const auto yhat = f.predict(exec::seq, g.X);
        BOOST_TEST(P.shape()[0] == g.n);
        BOOST_TEST(P.shape()[1] == g.K);
        BOOST_TEST(Z.shape()[1] == (g.K == 2 ? 1u : g.K));
        std::size_t correct = 0;
        for (std::size_t i = 0; i < g.n; ++i) {
            double s = 0;
            std::size_t arg = 0;
            for (std::size_t k = 0; k < g.K; ++k) {
                s += P(i, k);
                BOOST_TEST((P(i, k) >= 0.0 && P(i, k) <= 1.0));
                if (P(i, k) > P(i, arg)) arg = k;
            }
            BOOST_TEST(std::abs(s - 1.0) < 1e-12);
            if (g.K == 2) {
                BOOST_TEST(yhat(i) == (Z(i, 0) > 0 ? 1 : 0));
                BOOST_TEST(std::abs(P(i, 1) - 1.0 / (1.0 + std::exp(-Z(i, 0)))) < 1e-15);
            } else {
                BOOST_TEST(static_cast<std::size_t>(yhat(i)) == arg);
            }
            correct += yhat(i) == g.y(i);
        }
        BOOST_TEST(correct > g.n / 2);  // the generated labels are learnable
    }
}

BOOST_AUTO_TEST_CASE(policies_agree_and_par_is_bitwise_stable) {
    for (const auto* name : {"correlated", "multi3"}) {
        const golden g = read_golden(name);
        for (auto s : {learners::logistic_solver::newton_cholesky, learners::logistic_solver::lbfgs}) {
            const auto est = estimator_for(g, s);
            const auto fs = fit_golden(est, exec::seq, g.X, g);
            const auto fv = fit_golden(est, exec::simd, g.X, g);
            const auto f1 = fit_golden(est, exec::par_t{.threads = 1, .grain = 40}, g.X, g);
            const auto f2 = fit_golden(est, exec::par_t{.threads = 2, .grain = 40}, g.X, g);
            const auto f7 = fit_golden(est, exec::par_t{.threads = 7, .grain = 40}, g.X, g);
            for (const auto* f : {&fv, &f1}) {
                double diff = 0;
                for (std::size_t k = 0; k < fs.coef().size(); ++k)
                    diff = std::max(diff, std::abs(f->coef().data()[k] - fs.coef().data()[k]));
                for (std::size_t k = 0; k < fs.intercept().size(); ++k)
                    diff = std::max(diff, std::abs(f->intercept()(k) - fs.intercept()(k)));
                BOOST_TEST(diff < 1e-8);
            }
            BOOST_TEST(same_bytes(f1.coef(), f2.coef()));
            BOOST_TEST(same_bytes(f1.coef(), f7.coef()));
            BOOST_TEST(same_bytes(f1.intercept(), f7.intercept()));
            BOOST_TEST(f1.n_iter() == f7.n_iter());
            const auto p1 = fs.predict_proba(exec::par_t{.threads = 1, .grain = 40}, g.X);
            const auto p7 = fs.predict_proba(exec::par_t{.threads = 7, .grain = 40}, g.X);
            BOOST_TEST(same_bytes(p1, p7));
            const auto ps = fs.predict_proba(exec::seq, g.X);
            for (std::size_t k = 0; k < ps.size(); ++k)
                BOOST_TEST(std::abs(ps.data()[k] - p1.data()[k]) < 1e-13);
        }
    }
}

BOOST_AUTO_TEST_CASE(iteration_limit_reports_not_converged) {
    const golden g = read_golden("c100");
    for (auto s : {learners::logistic_solver::newton_cholesky, learners::logistic_solver::lbfgs}) {
        const auto f = logistic_regression{{.C = 100, .max_iter = 1, .solver = s}}.fit(exec::seq, g.X, g.y);
        BOOST_TEST(!f.converged());
        BOOST_TEST(f.n_iter() == 1u);
    }
}

BOOST_AUTO_TEST_CASE(bad_input) {
    const golden g = read_golden("multi3");
    const logistic_regression est{};
    auto X = g.X;
    X(7, 3) = std::numeric_limits<double>::infinity();
    try {
        (void)est.fit(exec::seq, X, g.y);
        BOOST_FAIL("no exception");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 7u);
        BOOST_TEST(e.column() == "3");
        BOOST_TEST(contains(e.what(), "column '3' at row 7"));
    }
    auto y = g.y;
    y(12) = -1;
    try {
        (void)est.fit(exec::seq, g.X, y);
        BOOST_FAIL("no exception");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 12u);
        BOOST_TEST(contains(e.what(), "row 12"));
    }
    // A gap: labels 0 and 2 but no 1.
    for (std::size_t i = 0; i < y.size(); ++i) y(i) = g.y(i) == 1 ? 2 : g.y(i);
    BOOST_TEST(contains(error_message([&] { (void)est.fit(exec::seq, g.X, y); }), "class 1 has no rows"));
    const vector<std::int32_t> one = xt::zeros<std::int32_t>({g.n});
    BOOST_TEST(contains(error_message([&] { (void)est.fit(exec::seq, g.X, one); }), "single class"));
    BOOST_CHECK_THROW((void)est.fit(exec::seq, g.X, one), data_error);
    const vector<std::int32_t> short_y = xt::zeros<std::int32_t>({g.n - 1});
    BOOST_CHECK_THROW((void)est.fit(exec::seq, g.X, short_y), shape_error);

    auto field_of = [&](const logistic_regression& e) -> std::string {
        try {
            (void)e.fit(exec::seq, g.X, g.y);
        } catch (const config_error& c) {
            BOOST_TEST(contains(c.what(), "'" + c.field() + "'"));
            return c.field();
        }
        return "<no exception>";
    };
    BOOST_TEST(field_of(logistic_regression{{.C = 0}}) == "C");
    BOOST_TEST(field_of(logistic_regression{{.C = -1}}) == "C");
    BOOST_TEST(field_of(logistic_regression{{.C = std::numeric_limits<double>::infinity()}}) == "C");
    BOOST_TEST(field_of(logistic_regression{{.max_iter = 0}}) == "max_iter");
    BOOST_TEST(field_of(logistic_regression{{.tol = 0}}) == "tol");
    BOOST_TEST(field_of(logistic_regression{{.tol = std::nan("")}}) == "tol");
    BOOST_TEST(field_of(logistic_regression{{.solver = static_cast<learners::logistic_solver>(9)}}) == "solver");

    const auto f = est.fit(exec::seq, g.X, g.y);
    BOOST_CHECK_THROW((void)f.predict(exec::seq, random_matrix<double>(3, g.d + 1, 1)), shape_error);
    BOOST_CHECK_THROW((void)f.predict_proba(exec::seq, X), data_error);
}

BOOST_AUTO_TEST_CASE(save_load_round_trip) {
    for (const auto* name : {"balanced", "multi4_c10_noint"}) {
        const golden g = read_golden(name);
        const auto f = fit_golden(estimator_for(g, learners::logistic_solver::newton_cholesky),
                                  exec::seq, g.X, g);
        io::writer w;
        f.save(w);
        io::reader r(w.bytes());
        const auto h = logistic_regression::fitted::load(r);
        r.expect_end();
        BOOST_TEST(same_bytes(f.coef(), h.coef()));
        BOOST_TEST(same_bytes(f.predict_proba(exec::seq, g.X), h.predict_proba(exec::seq, g.X)));
        BOOST_TEST(same_bytes(f.predict(exec::seq, g.X), h.predict(exec::seq, g.X)));
        BOOST_TEST(h.n_iter() == f.n_iter());
        BOOST_TEST(h.converged() == f.converged());
        BOOST_TEST(h.n_classes() == f.n_classes());
        const std::string& bytes = w.bytes();
        for (std::size_t len = 0; len < bytes.size(); len += 1 + len / 8) {
            io::reader t(std::string_view(bytes).substr(0, len));
            BOOST_CHECK_THROW((void)logistic_regression::fitted::load(t), format_error);
        }
        // A payload that claims the wrong number of classes is rejected.
        std::string bad = bytes;
        const std::uint64_t K = 7;
        std::memcpy(bad.data() + sizeof(std::uint32_t), &K, sizeof K);
        io::reader t(bad);
        BOOST_CHECK_THROW((void)logistic_regression::fitted::load(t), format_error);
    }
}

BOOST_AUTO_TEST_SUITE_END()
