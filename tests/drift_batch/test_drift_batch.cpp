// Batch drift tests: scipy golden cases (tests/data/drift_golden.py), hand
// cases with closed forms, NaN/inf handling, bad input, policies against seq.
#define BOOST_TEST_MODULE test_drift_batch
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/drift/chi_squared.hpp>
#include <tessera/drift/jensen_shannon.hpp>
#include <tessera/drift/ks.hpp>
#include <tessera/drift/psi.hpp>
#include <tessera/drift/wasserstein.hpp>
#include <tessera/drift/z_test.hpp>

using namespace tessera;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// splitmix64 samples, the generator of tests/data/drift_golden.py (`sample`).
struct golden_spec {
    std::uint64_t seed = 0;
    std::size_t n = 0;
    std::uint64_t range = 1;
    std::uint64_t offset = 0;
    int shape = 0;
};

std::vector<double> golden_sample(const golden_spec& s) {
    std::uint64_t state = s.seed;
    auto next = [&state] {
        state += 0x9E3779B97F4A7C15ull;
        std::uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    std::vector<double> out(s.n);
    for (auto& v : out) {
        switch (s.shape) {
            case 0: v = static_cast<double>(next() % s.range + s.offset) / 256.0; break;
            case 1: {
                const std::uint64_t a = next() % s.range;
                const std::uint64_t b = next() % s.range;
                v = static_cast<double>(a + b + s.offset) / 256.0;
                break;
            }
            case 2: {
                const std::uint64_t a = next() % s.range;
                const std::uint64_t b = next() % s.range;
                v = static_cast<double>(std::min(a, b) + s.offset);
                break;
            }
            default: v = next() % 1000 < s.range ? 1.0 : 0.0;
        }
    }
    return out;
}

struct golden_case {
    std::string test, variant, param;
    golden_spec a, b;
    std::vector<std::string> expected;
    std::string line;
};

std::istream& operator>>(std::istream& is, golden_spec& s) {
    return is >> s.seed >> s.n >> s.range >> s.offset >> s.shape;
}

std::vector<golden_case> golden_cases(const std::string& test) {
    std::ifstream in(std::string(TESSERA_TEST_DATA_DIR) + "/drift_golden.txt");
    BOOST_REQUIRE_MESSAGE(in, "tests/data/drift_golden.txt is missing");
    std::vector<golden_case> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream is(line);
        golden_case c;
        is >> c.test >> c.variant >> c.param >> c.a >> c.b;
        if (c.test != test) continue;
        std::string e;
        while (is >> e) c.expected.push_back(e);
        c.line = line;
        out.push_back(std::move(c));
    }
    BOOST_REQUIRE(!out.empty());
    return out;
}

double num(const std::string& s) {
    if (s == "inf") return inf;
    if (s == "nan") return nan;
    return std::strtod(s.c_str(), nullptr);
}

// |a - b| <= rel * |b|, with inf == inf and NaN == NaN.
bool close_rel(double a, double b, double rel) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (std::isinf(a) || std::isinf(b)) return a == b;
    return std::abs(a - b) <= rel * std::abs(b) + 1e-300;
}
bool close_abs(double a, double b, double tol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= tol;
}

template <class F>
void for_each_policy(F&& f) {
    f(exec::seq);
    f(exec::simd);
    f(exec::par_t{.threads = 1, .grain = 64});
    f(exec::par_t{.threads = 2, .grain = 64});
    f(exec::par_t{.threads = 7, .grain = 64});
    f(exec::par);
}

drift::ks_alternative parse_alt(const std::string& s) {
    if (s == "less") return drift::ks_alternative::less;
    if (s == "greater") return drift::ks_alternative::greater;
    return drift::ks_alternative::two_sided;
}
drift::ks_method parse_method(const std::string& s) {
    if (s == "exact") return drift::ks_method::exact;
    if (s == "asymp") return drift::ks_method::asymp;
    return drift::ks_method::automatic;
}

std::vector<double> random_normal(std::size_t n, std::uint64_t seed, double loc, double nan_frac = 0.0) {
    rng g(seed);
    std::vector<double> v(n);
    for (auto& x : v) {
        const double u = g.uniform<double>();
        x = u < nan_frac ? nan : loc + g.normal<double>();
    }
    return v;
}

}  // namespace

// ---- KS ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(ks_scipy_golden) {
    std::size_t n = 0;
    for (const auto& c : golden_cases("ks")) {
        const auto x = golden_sample(c.a);
        const auto y = golden_sample(c.b);
        const auto r = drift::ks_2samp(exec::seq, x, y, parse_alt(c.variant), parse_method(c.param));
        const double stat = num(c.expected[0]);
        const double p = num(c.expected[1]);
        const std::string used = r.method == drift::ks_method::exact ? "exact" : "asymp";
        BOOST_CHECK_MESSAGE(close_rel(r.statistic, stat, 1e-9),
                            c.line << "\n  statistic " << r.statistic << " vs " << stat);
        BOOST_CHECK_MESSAGE(close_abs(r.p_value, p, 1e-6),
                            c.line << "\n  p " << r.p_value << " vs " << p << " (" << used << ")");
        BOOST_CHECK_MESSAGE(used == c.expected[2], c.line << "\n  method " << used);
        ++n;
    }
    BOOST_TEST_MESSAGE("ks golden cases: " << n);
}

// ---- Wasserstein, PSI, Jensen-Shannon, chi-squared, Z: scipy / numpy / Evidently goldens

BOOST_AUTO_TEST_CASE(wasserstein_scipy_golden) {
    for (const auto& c : golden_cases("wasserstein")) {
        const auto x = golden_sample(c.a);
        const auto y = golden_sample(c.b);
        const drift::wasserstein t({.normed = c.variant == "normed"});
        const auto r = t.compare(exec::seq, x, y);
        BOOST_CHECK_MESSAGE(close_rel(r.statistic, num(c.expected[0]), 1e-9),
                            c.line << "\n  got " << r.statistic);
        BOOST_CHECK_EQUAL(r.method, c.variant == "normed" ? "wasserstein_normed" : "wasserstein");
    }
}

drift::binning parse_binning(const std::string& s) {
    if (s == "evidently") return drift::binning::evidently;
    if (s == "categorical") return drift::binning::categorical;
    return drift::binning::quantile;
}

BOOST_AUTO_TEST_CASE(psi_golden) {
    for (const auto& c : golden_cases("psi")) {
        const auto x = golden_sample(c.a);
        const auto y = golden_sample(c.b);
        const std::size_t nb = c.param == "0" ? 10 : std::stoul(c.param);
        const drift::psi t({.n_bins = nb, .bins = parse_binning(c.variant)});
        const auto r = t.compare(exec::seq, x, y);
        BOOST_CHECK_MESSAGE(close_rel(r.statistic, num(c.expected[0]), 1e-9), c.line << "\n  got " << r.statistic);
    }
}

BOOST_AUTO_TEST_CASE(jensen_shannon_golden) {
    for (const auto& c : golden_cases("js")) {
        const auto x = golden_sample(c.a);
        const auto y = golden_sample(c.b);
        const std::size_t nb = c.param == "0" ? 10 : std::stoul(c.param);
        const drift::jensen_shannon t({.n_bins = nb, .bins = parse_binning(c.variant)});
        const auto r = t.compare(exec::seq, x, y);
        // JS is a square root: near 0 its relative error is that of the divergence / 2
        BOOST_CHECK_MESSAGE(close_rel(r.statistic, num(c.expected[0]), 1e-9) ||
                                close_abs(r.statistic, num(c.expected[0]), 1e-12),
                            c.line << "\n  got " << r.statistic);
    }
}

BOOST_AUTO_TEST_CASE(chi_squared_scipy_golden) {
    for (const auto& c : golden_cases("chi2")) {
        const auto x = golden_sample(c.a);
        const auto y = golden_sample(c.b);
        const auto m = c.variant == "contingency" ? drift::chi_squared_method::homogeneity
                                                  : drift::chi_squared_method::goodness_of_fit;
        const drift::chi_squared t({.method = m});
        const auto r = t.compare(x, y);
        BOOST_CHECK_MESSAGE(close_rel(r.statistic, num(c.expected[0]), 1e-9), c.line << "\n  got " << r.statistic);
        BOOST_CHECK_MESSAGE(close_abs(r.p_value, num(c.expected[1]), 1e-6), c.line << "\n  got p " << r.p_value);
    }
}

BOOST_AUTO_TEST_CASE(z_test_golden) {
    for (const auto& c : golden_cases("z")) {
        const auto x = golden_sample(c.a);
        const auto y = golden_sample(c.b);
        const auto r = drift::z_test{}.compare(x, y);
        BOOST_CHECK_MESSAGE(close_rel(r.statistic, num(c.expected[0]), 1e-9) ||
                                close_abs(r.statistic, num(c.expected[0]), 1e-12),
                            c.line << "\n  got " << r.statistic);
        BOOST_CHECK_MESSAGE(close_abs(r.p_value, num(c.expected[1]), 1e-6), c.line << "\n  got p " << r.p_value);
    }
}
