// features::pca and its eigen-solver: scikit-learn goldens
// (tests/data/make_pca_golden.py) for the full (covariance and Gram) and
// randomized solvers, residual checks of symmetric_eigen, policies against seq
// and across thread counts, save/load, bad input.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <tessera/features/pca.hpp>

#include "golden.hpp"
#include "helpers.hpp"

using namespace tessera;
using namespace decomp_test;
using features::pca;
using features::pca_solver;

namespace {

double max_abs_diff(const double* a, const std::vector<double>& b) {
    double m = 0.0;
    for (std::size_t i = 0; i < b.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}
double max_abs(const std::vector<double>& b) {
    double m = 0.0;
    for (double v : b) m = std::max(m, std::abs(v));
    return m;
}

template <class T>
void check_golden(const golden::record& rec) {
    const std::size_t n = std::stoul(rec.header.at(2)), p = std::stoul(rec.header.at(3));
    const double nc = std::stod(rec.header.at(4));
    const bool whiten = rec.header.at(5) == "1";
    const bool randomized = rec.name().rfind("randomized", 0) == 0;
    const matrix<T> X = from_values<T>(rec.at("X"), n, p);
    pca::params prm{.whiten = whiten,
                    .solver = randomized ? pca_solver::randomized : pca_solver::automatic};
    if (nc > 0 && nc < 1)
        prm.variance_fraction = nc;
    else
        prm.n_components = static_cast<std::int64_t>(nc);
    // float32 goldens were computed by sklearn in float32; tessera works in double.
    const double tol = std::is_same_v<T, float> ? 2e-4 : (randomized ? 1e-9 : 1e-11);
    const std::size_t k = static_cast<std::size_t>(rec.at("k")[0]);
    for_each_policy([&](const auto& policy) {
        BOOST_TEST_CONTEXT(rec.name()) {
            const auto f = pca{prm}.fit(policy, X);
            BOOST_TEST((f.solver() == (randomized ? pca_solver::randomized : pca_solver::full)));
            BOOST_REQUIRE(f.n_components() == k);
            BOOST_TEST(max_abs_diff(f.mean().data(), rec.at("mean")) <= tol * max_abs(rec.at("mean")));
            // Components equal sklearn's, signs included (svd_flip convention).
            BOOST_TEST(max_abs_diff(f.components().data(), rec.at("components")) <= tol);
            const auto& ev = rec.at("ev");
            BOOST_TEST(max_abs_diff(f.explained_variance().data(), ev) <= tol * ev[0]);
            BOOST_TEST(max_abs_diff(f.explained_variance_ratio().data(), rec.at("ratio")) <= tol);
            const auto& sv = rec.at("sv");
            BOOST_TEST(max_abs_diff(f.singular_values().data(), sv) <= tol * sv[0]);
            BOOST_TEST(std::abs(f.noise_variance() - rec.at("noise")[0]) <= tol * ev[0]);
            BOOST_TEST(f.n_samples() == static_cast<std::int64_t>(n));
            const matrix<T> Y = f.transform(policy, X);
            const auto& want_t = rec.at("T");
            const double scale_t = max_abs(want_t);
            std::vector<double> got(Y.begin(), Y.end());
            BOOST_TEST(max_abs_diff(got.data(), want_t) <= 10 * tol * scale_t);
            if (rec.fields.count("inv")) {
                const matrix<T> back = f.inverse_transform(policy, Y);
                std::vector<double> b(back.begin(), back.end());
                BOOST_TEST(max_abs_diff(b.data(), rec.at("inv")) <= 10 * tol * max_abs(rec.at("inv")));
            }
        }
    });
}

// A = Q diag(lambda) Q^T with a random orthogonal Q (Householder products).
std::vector<double> with_spectrum(const std::vector<double>& lambda, std::uint64_t seed) {
    const std::size_t n = lambda.size();
    std::vector<double> A(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) A[i * n + i] = lambda[i];
    rng g(seed);
    for (int h = 0; h < 3; ++h) {  // A <- H A H, H = I - 2 v v^T
        std::vector<double> v(n);
        double nn = 0.0;
        for (double& x : v) {
            x = g.normal<double>();
            nn += x * x;
        }
        for (double& x : v) x /= std::sqrt(nn);
        std::vector<double> Av(n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) Av[i] += A[i * n + j] * v[j];
        double vAv = 0.0;
        for (std::size_t i = 0; i < n; ++i) vAv += v[i] * Av[i];
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                A[i * n + j] += -2 * v[i] * Av[j] - 2 * Av[i] * v[j] + 4 * vAv * v[i] * v[j];
    }
    return A;
}

// max |A v - lambda v| and max |V V^T - I|.
std::pair<double, double> residuals(const std::vector<double>& A, const features::detail::eigen_result& e,
                                    std::size_t n) {
    double res = 0.0, orth = 0.0;
    for (std::size_t c = 0; c < n; ++c) {
        const double* v = e.vectors.data() + c * n;
        for (std::size_t i = 0; i < n; ++i) {
            double s = 0.0;
            for (std::size_t j = 0; j < n; ++j) s += A[i * n + j] * v[j];
            res = std::max(res, std::abs(s - e.values[c] * v[i]));
        }
        for (std::size_t d = 0; d < n; ++d) {
            double s = 0.0;
            for (std::size_t j = 0; j < n; ++j) s += v[j] * e.vectors[d * n + j];
            orth = std::max(orth, std::abs(s - (c == d ? 1.0 : 0.0)));
        }
    }
    return {res, orth};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pca_suite)

BOOST_AUTO_TEST_CASE(sklearn_goldens) {
    const auto recs = golden::read("pca_golden.txt");
    BOOST_TEST(recs.size() == 9u);
    for (const auto& rec : recs) {
        if (rec.header.at(1) == "float32")
            check_golden<float>(rec);
        else
            check_golden<double>(rec);
    }
}

BOOST_AUTO_TEST_CASE(eigen_solver_residuals) {
    // Known spectra, including repeated, zero and negative eigenvalues.
    const std::vector<std::vector<double>> spectra = {
        {3.0},
        {1.0, 2.0},
        {5.0, -1.0, 2.0, 2.0, 0.0, 7.5, 1e-3},
        std::vector<double>(9, 4.0),
        {1e6, 1.0, 1e-6, 3.0, 2.0, -4.0, 10.0, 11.0, 12.0, 0.5, 0.25, 8.0, 9.0},
    };
    std::uint64_t seed = 1;
    for (const auto& lam : spectra) {
        const std::size_t n = lam.size();
        const auto A = with_spectrum(lam, seed++);
        const auto e = features::detail::symmetric_eigen(A, n);
        auto sorted = lam;
        std::sort(sorted.begin(), sorted.end());
        const double norm = std::max(std::abs(sorted.front()), std::abs(sorted.back()));
        for (std::size_t i = 0; i < n; ++i)
            BOOST_TEST(std::abs(e.values[i] - sorted[i]) <= 50 * n * 2.3e-16 * norm);
        const auto [res, orth] = residuals(A, e, n);
        BOOST_TEST(res <= 50 * n * 2.3e-16 * norm);
        BOOST_TEST(orth <= 50 * n * 2.3e-16);
    }
    // A random 60 x 60 symmetric matrix, and the all-zero and 0 x 0 cases.
    rng g(5);
    const std::size_t n = 60;
    std::vector<double> A(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j <= i; ++j) A[i * n + j] = A[j * n + i] = g.normal<double>();
    const auto e = features::detail::symmetric_eigen(A, n);
    const auto [res, orth] = residuals(A, e, n);
    BOOST_TEST(res <= 1e-12);
    BOOST_TEST(orth <= 1e-13);
    BOOST_TEST(std::is_sorted(e.values.begin(), e.values.end()));
    const auto z = features::detail::symmetric_eigen(std::vector<double>(16, 0.0), 4);
    BOOST_TEST(z.values == std::vector<double>(4, 0.0), boost::test_tools::per_element());
    BOOST_TEST(features::detail::symmetric_eigen({}, 0).values.empty());
    std::vector<double> bad = A;
    bad[3 * n + 1] = std::numeric_limits<double>::quiet_NaN();
    BOOST_CHECK_THROW((void)features::detail::symmetric_eigen(bad, n), data_error);
}

// The covariance paths agree with seq; par is bitwise identical for 1, 2, 7 threads.
BOOST_AUTO_TEST_CASE_TEMPLATE(policies_against_seq, T, float_types) {
    for (const auto& [rows, cols] : {std::pair<std::size_t, std::size_t>{1000, 7},
                                    {333, 17}, {65, 3}, {20, 45}}) {
        const matrix<T> X = random_matrix<T>(rows, cols, 100 + rows, 0.0, 3.0, 2.0);
        const auto ref = pca{{.solver = pca_solver::full}}.fit(exec::seq, X);
        const auto p1 = pca{{.solver = pca_solver::full}}.fit(exec::par_t{.threads = 1, .grain = 256}, X);
        for (unsigned threads : {2u, 7u}) {
            const auto pt = pca{{.solver = pca_solver::full}}.fit(exec::par_t{.threads = threads, .grain = 256}, X);
            BOOST_TEST(same_bits(pt.components(), p1.components()));
            BOOST_TEST(same_bits(pt.explained_variance(), p1.explained_variance()));
            BOOST_TEST(same_bits(pt.mean(), p1.mean()));
        }
        for (const auto& f : {p1, pca{{.solver = pca_solver::full}}.fit(exec::simd, X)}) {
            const auto& ev = ref.explained_variance();
            for (std::size_t c = 0; c < ev.size(); ++c)
                BOOST_TEST(std::abs(f.explained_variance()(c) - ev(c)) <= 1e-12 * ev(0));
            // Components of the well-separated leading eigenvalues agree closely.
            for (std::size_t c = 0; c < std::min<std::size_t>(2, ev.size()); ++c)
                for (std::size_t j = 0; j < cols; ++j)
                    BOOST_TEST(std::abs(f.components()(c, j) - ref.components()(c, j)) <= 1e-8);
        }
    }
}

BOOST_AUTO_TEST_CASE(randomized_reproducible_and_close_to_full) {
    matrix<double> X = random_matrix<double>(400, 50, 3);
    for (std::size_t r = 0; r < 400; ++r)  // a strong rank-2 signal on top of the noise
        for (std::size_t j = 0; j < 50; ++j)
            X(r, j) += 20.0 * X(r, 0) * std::sin(double(j)) + 10.0 * X(r, 1) * std::cos(double(j));
    const pca::params prm{.n_components = 2, .solver = pca_solver::randomized, .seed = 7};
    const auto a = pca{prm}.fit(exec::par_t{.threads = 1, .grain = 128}, X);
    const auto b = pca{prm}.fit(exec::par_t{.threads = 7, .grain = 128}, X);
    BOOST_TEST(same_bits(a.components(), b.components()));
    BOOST_TEST(same_bits(a.singular_values(), b.singular_values()));
    // seq sums the mean in another order: the same up to rounding.
    const auto s = pca{prm}.fit(exec::seq, X);
    for (std::size_t i = 0; i < 2; ++i)
        BOOST_TEST(std::abs(s.singular_values()(i) / a.singular_values()(i) - 1) <= 1e-13);
    const auto full = pca{{.n_components = 2, .solver = pca_solver::full}}.fit(X);
    auto other = prm;
    other.seed = 8;
    const auto c = pca{other}.fit(X);
    for (std::size_t i = 0; i < 2; ++i) {
        BOOST_TEST(std::abs(a.explained_variance()(i) / full.explained_variance()(i) - 1) <= 1e-10);
        BOOST_TEST(std::abs(c.explained_variance()(i) / full.explained_variance()(i) - 1) <= 1e-10);
        for (std::size_t j = 0; j < 50; ++j)
            BOOST_TEST(std::abs(a.components()(i, j) - full.components()(i, j)) <= 1e-6);
    }
    BOOST_TEST(std::abs(a.noise_variance() / full.noise_variance() - 1) <= 1e-8);
}

BOOST_AUTO_TEST_CASE(automatic_solver_rule) {
    const auto tall = random_matrix<double>(1000, 20, 1);
    BOOST_TEST((pca{{.n_components = 2}}.fit(tall).solver() == pca_solver::full));
    const auto big = random_matrix<double>(600, 100, 2);  // n < 10 p, max > 500, k < 0.8 min
    BOOST_TEST((pca{{.n_components = 10}}.fit(big).solver() == pca_solver::randomized));
    BOOST_TEST((pca{{.n_components = 90}}.fit(big).solver() == pca_solver::full));
    BOOST_TEST((pca{{.variance_fraction = 0.5}}.fit(big).solver() == pca_solver::full));
    BOOST_TEST((pca{}.fit(big).solver() == pca_solver::full));
}

BOOST_AUTO_TEST_CASE(whiten_and_round_trip) {
    const auto X = random_matrix<double>(300, 6, 4, 0.0, 1.0, 3.0);
    const auto f = pca{{.whiten = true}}.fit(X);
    const auto Y = f.transform(exec::seq, X);
    // Whitened projections have unit sample variance; all components invert exactly.
    for (std::size_t c = 0; c < 6; ++c) {
        double ss = 0.0;
        for (std::size_t r = 0; r < 300; ++r) ss += Y(r, c) * Y(r, c);
        BOOST_TEST(std::abs(ss / 299.0 - 1.0) <= 1e-10);
    }
    const auto back = f.inverse_transform(exec::seq, Y);
    for (std::size_t i = 0; i < X.size(); ++i) BOOST_TEST(std::abs(back.data()[i] - X.data()[i]) <= 1e-11);
    BOOST_TEST((f.feature_names_out() == std::vector<std::string>{"pca0", "pca1", "pca2", "pca3", "pca4", "pca5"}),
               boost::test_tools::per_element());
    const auto g = round_trip(f);
    BOOST_TEST(same_bits(g.components(), f.components()));
    BOOST_TEST(g.whiten());
    BOOST_TEST(g.noise_variance() == f.noise_variance());
    BOOST_TEST(same_bits(g.transform(X), f.transform(X)));
    io::writer w;
    f.save(w);
    io::reader cut(std::string_view(w.bytes()).substr(0, w.bytes().size() - 9));
    BOOST_CHECK_THROW((void)features::pca_fitted::load(cut), format_error);
}

BOOST_AUTO_TEST_CASE(bad_input) {
    const auto X = random_matrix<double>(30, 5, 6);
    BOOST_TEST(field_of([&] { (void)pca{{.n_components = 6}}.fit(X); }) == "n_components");
    BOOST_TEST(field_of([&] { (void)pca{{.n_components = -2}}.fit(X); }) == "n_components");
    BOOST_TEST(field_of([&] { (void)pca{{.variance_fraction = 1.0}}.fit(X); }) == "variance_fraction");
    BOOST_TEST(field_of([&] { (void)pca{{.n_components = 2, .variance_fraction = 0.5}}.fit(X); }) ==
               "variance_fraction");
    BOOST_TEST(field_of([&] {
                   (void)pca{{.variance_fraction = 0.5, .solver = pca_solver::randomized}}.fit(X);
               }) == "variance_fraction");
    BOOST_TEST(field_of([&] {
                   (void)pca{{.n_components = 0, .solver = pca_solver::randomized}}.fit(X);
               }) == "n_components");
    BOOST_TEST(field_of([&] { (void)pca{{.n_oversamples = 0}}.fit(X); }) == "n_oversamples");
    BOOST_TEST(field_of([&] { (void)pca{{.iterated_power = -3}}.fit(X); }) == "iterated_power");
    BOOST_TEST(field_of([&] { (void)pca{{.solver = static_cast<pca_solver>(9)}}.fit(X); }) == "solver");
    BOOST_CHECK_THROW((void)pca{}.fit(random_matrix<double>(1, 5, 1)), shape_error);
    matrix<double> bad = X;
    bad(7, 2) = std::numeric_limits<double>::quiet_NaN();
    try {
        (void)pca{}.fit(bad);
        BOOST_FAIL("no data_error");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 7u);
        BOOST_TEST(e.column() == "x2");
    }
    const auto f = pca{{.n_components = 2}}.fit(X);
    BOOST_CHECK_THROW((void)f.transform(bad), data_error);
    BOOST_CHECK_THROW((void)f.transform(random_matrix<double>(3, 4, 1)), shape_error);
    BOOST_CHECK_THROW((void)f.inverse_transform(random_matrix<double>(3, 3, 1)), shape_error);
    // n_components = 0 is legal for the full solver (sklearn allows it): no output columns.
    const auto z = pca{{.n_components = 0}}.fit(X);
    BOOST_TEST(z.transform(X).shape()[1] == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
