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

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
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
    if (s == "nan") return qnan;
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
        x = u < nan_frac ? qnan : loc + g.normal<double>();
    }
    return v;
}

}  // namespace

// ---- KS ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(ks_scipy_golden) {
    std::size_t n = 0;
    double worst_stat = 0.0, worst_p = 0.0;
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
        if (std::isfinite(stat) && stat != 0.0) worst_stat = std::max(worst_stat, std::abs(r.statistic - stat) / stat);
        if (std::isfinite(p)) worst_p = std::max(worst_p, std::abs(r.p_value - p));
        // the radix-sorted paths walk the same values: bitwise the same result
        const auto q = drift::ks_2samp(exec::par_t{.threads = 2}, x, y, parse_alt(c.variant), parse_method(c.param));
        BOOST_CHECK(q.statistic == r.statistic && (q.p_value == r.p_value || (std::isnan(q.p_value) && std::isnan(r.p_value))));
        ++n;
    }
    BOOST_TEST_MESSAGE("ks golden cases: " << n << "; worst relative statistic error " << worst_stat
                                             << ", worst absolute p-value error " << worst_p);
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

static drift::binning parse_binning(const std::string& s) {
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

// ---- hand cases -----------------------------------------------------------------------

// kstwo.sf(x, n) on a grid that reaches every algorithm scipy's _kolmogn picks
// (Ruben-Gambino ends, Durbin matrix, Pomeranz, Pelz-Good, 2 * smirnov).
BOOST_AUTO_TEST_CASE(kstwo_scipy_golden) {
    std::ifstream in(std::string(TESSERA_TEST_DATA_DIR) + "/drift_golden.txt");
    std::string line;
    std::size_t n_cases = 0;
    double worst = 0.0;
    while (std::getline(in, line)) {
        if (line.rfind("kstwo ", 0) != 0) continue;
        std::istringstream is(line);
        std::string test, variant, param, xs, ps;
        std::int64_t n = 0;
        is >> test >> variant >> param >> n >> xs >> ps;
        const double got = drift::detail::kolmogn_sf(n, num(xs));
        const double want = num(ps);
        worst = std::max(worst, std::abs(got - want));
        BOOST_CHECK_MESSAGE(close_abs(got, want, 1e-10), line << "\n  got " << got);
        ++n_cases;
    }
    BOOST_CHECK_GT(n_cases, 100u);
    BOOST_TEST_MESSAGE("kstwo cases: " << n_cases << ", worst absolute error " << worst);
}

BOOST_AUTO_TEST_CASE(ks_hand_cases) {
    const std::vector<double> x{1, 2, 3}, y{4, 5, 6};
    // every pooled value has F1 - F2 >= 0; D = 1; exact two-sided p = 2 / C(6, 3)
    auto r = drift::ks_2samp(exec::seq, x, y);
    BOOST_CHECK_EQUAL(r.statistic, 1.0);
    BOOST_CHECK_CLOSE(r.p_value, 0.1, 1e-12);
    BOOST_CHECK_EQUAL(r.sign, 1);
    r = drift::ks_2samp(exec::seq, x, y, drift::ks_alternative::greater);
    BOOST_CHECK_CLOSE(r.p_value, 0.05, 1e-12);  // 1 / C(6, 3)
    r = drift::ks_2samp(exec::seq, x, y, drift::ks_alternative::less);
    BOOST_CHECK_EQUAL(r.statistic, 0.0);
    BOOST_CHECK_EQUAL(r.p_value, 1.0);
    // ties: at 1, F1 = 2/3 and F2 = 1/3; at 2 both are 1
    r = drift::ks_2samp(exec::seq, std::vector<double>{1, 1, 2}, std::vector<double>{1, 2, 2});
    BOOST_CHECK_CLOSE(r.statistic, 1.0 / 3.0, 1e-12);
    // -0.0 and +0.0 are one value
    r = drift::ks_2samp(exec::simd, std::vector<double>{-0.0, 1}, std::vector<double>{0.0, 1});
    BOOST_CHECK_EQUAL(r.statistic, 0.0);
    // identical samples
    const auto z = random_normal(500, 1, 0.0);
    r = drift::ks_2samp(z, z);
    BOOST_CHECK_EQUAL(r.statistic, 0.0);
    BOOST_CHECK_EQUAL(r.p_value, 1.0);
}

BOOST_AUTO_TEST_CASE(ks_method_selection) {
    const auto a = random_normal(10001, 2, 0.0), b = random_normal(50, 3, 0.0);
    BOOST_CHECK(drift::ks_2samp(a, b).method == drift::ks_method::asymp);  // max(n) > 10000
    const auto c = random_normal(10000, 4, 0.0);
    BOOST_CHECK(drift::ks_2samp(c, b).method == drift::ks_method::exact);
    // 30 vs 30 with D = 1/30: the exact series gives 1.0000000000000004, outside
    // [0, 1], so scipy (and we) fall back to asymp, which gives p = 1
    std::vector<double> s30(30), t30(30);
    for (int i = 0; i < 30; ++i) {
        s30[i] = i;
        t30[i] = i + 0.5;
    }
    const auto f = drift::ks_2samp(exec::seq, s30, t30);
    BOOST_CHECK(f.method == drift::ks_method::asymp);
    BOOST_CHECK_EQUAL(f.statistic, 1.0 / 30.0);
    BOOST_CHECK_EQUAL(f.p_value, 1.0);
    // one-sided 1000 vs 800: C(1800, 800) overflows, scipy falls back to asymp
    const auto d = random_normal(1000, 5, 0.0), e = random_normal(800, 6, 0.1);
    const auto r = drift::ks_2samp(exec::seq, d, e, drift::ks_alternative::greater, drift::ks_method::exact);
    BOOST_CHECK(r.method == drift::ks_method::asymp);
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_dropped) {
    auto x = random_normal(300, 7, 0.0), y = random_normal(200, 8, 0.3);
    auto xn = x, yn = y;
    xn.insert(xn.begin() + 5, qnan);
    xn.push_back(inf);
    yn.insert(yn.begin(), -inf);
    yn.push_back(qnan);
    const auto same = [](const drift::test_result& a, const drift::test_result& b) {
        return (a.statistic == b.statistic || (std::isnan(a.statistic) && std::isnan(b.statistic))) &&
               (a.p_value == b.p_value || (std::isnan(a.p_value) && std::isnan(b.p_value)));
    };
    BOOST_CHECK(same(drift::ks_test{}.compare(x, y), drift::ks_test{}.compare(xn, yn)));
    BOOST_CHECK(same(drift::wasserstein{}.compare(x, y), drift::wasserstein{}.compare(xn, yn)));
    BOOST_CHECK(same(drift::psi{}.compare(x, y), drift::psi{}.compare(xn, yn)));
    BOOST_CHECK(same(drift::jensen_shannon{}.compare(x, y), drift::jensen_shannon{}.compare(xn, yn)));
    const drift::psi ev({.bins = drift::binning::evidently});
    BOOST_CHECK(same(ev.compare(x, y), ev.compare(xn, yn)));
    const std::vector<double> c1{0, 1, 1, 2, qnan}, c2{inf, 2, 2, 1, 0};
    BOOST_CHECK(same(drift::chi_squared{}.compare(c1, c2),
                     drift::chi_squared{}.compare(std::vector<double>{0, 1, 1, 2}, std::vector<double>{2, 2, 1, 0})));
    BOOST_CHECK(same(drift::z_test{}.compare(std::vector<double>{0, 1, qnan}, std::vector<double>{1, 1, -inf}),
                     drift::z_test{}.compare(std::vector<double>{0, 1}, std::vector<double>{1, 1})));
}

template <class Test>
std::string empty_message(const Test& t, std::span<const double> a, std::span<const double> b) {
    try {
        (void)t.compare(a, b);
    } catch (const data_error& e) {
        return e.what();
    }
    return "<no data_error>";
}

BOOST_AUTO_TEST_CASE(empty_after_dropping_is_a_data_error) {
    const std::vector<double> ok{1, 2, 3}, bad{qnan, inf, -inf}, none{};
    for (const auto& m : {empty_message(drift::ks_test{}, bad, ok), empty_message(drift::wasserstein{}, bad, ok),
                          empty_message(drift::psi{}, bad, ok), empty_message(drift::jensen_shannon{}, bad, ok),
                          empty_message(drift::chi_squared{}, bad, ok), empty_message(drift::z_test{}, bad, ok)}) {
        BOOST_CHECK_MESSAGE(m.find("the reference sample has no finite values (3 values, all NaN or infinite)") !=
                                std::string::npos,
                            m);
    }
    for (const auto& m : {empty_message(drift::ks_test{}, ok, none), empty_message(drift::psi{}, ok, none),
                          empty_message(drift::chi_squared{}, ok, none)})
        BOOST_CHECK_MESSAGE(m.find("the current sample has no finite values (0 values)") != std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_config_errors) {
    BOOST_CHECK_THROW(drift::ks_test({.threshold = 1.5}), config_error);
    BOOST_CHECK_THROW(drift::ks_test({.threshold = qnan}), config_error);
    BOOST_CHECK_THROW(drift::wasserstein({.threshold = -0.1}), config_error);
    BOOST_CHECK_THROW(drift::wasserstein({.min_std = 0.0}), config_error);
    BOOST_CHECK_THROW(drift::psi({.n_bins = 1}), config_error);
    BOOST_CHECK_THROW(drift::psi({.eps = 0.0}), config_error);
    BOOST_CHECK_THROW(drift::jensen_shannon({.threshold = inf}), config_error);
    BOOST_CHECK_THROW(drift::chi_squared({.threshold = -1}), config_error);
    BOOST_CHECK_THROW(drift::z_test({.threshold = 2}), config_error);
    try {
        drift::psi({.n_bins = 1});
    } catch (const config_error& e) {
        BOOST_CHECK_EQUAL(e.field(), "n_bins");
        BOOST_CHECK(std::string(e.what()).find("[2, inf)") != std::string::npos);
    }
    const std::vector<double> x{1, 2, 3};
    BOOST_CHECK_THROW(drift::psi({.bins = drift::binning::evidently}).fit(x), config_error);
    BOOST_CHECK_THROW(drift::chi_squared{}.compare_counts(std::vector<double>{1, 2}, std::vector<double>{1}),
                      shape_error);
    BOOST_CHECK_THROW(drift::chi_squared{}.compare_counts(std::vector<double>{1, -2}, std::vector<double>{1, 1}),
                      data_error);
    BOOST_CHECK_THROW(drift::z_test{}.compare(std::vector<double>{0, 1, 2}, std::vector<double>{0}), data_error);
}

BOOST_AUTO_TEST_CASE(verdicts_follow_the_kind) {
    const auto a = random_normal(4000, 9, 0.0), b = random_normal(4000, 10, 1.0), c = random_normal(4000, 11, 0.0);
    const auto shifted = drift::ks_test{}.compare(a, b);
    BOOST_CHECK(shifted.drifted && shifted.kind == drift::score_kind::p_value && shifted.score == shifted.p_value);
    BOOST_CHECK_EQUAL(shifted.method, "ks");
    BOOST_CHECK_EQUAL(shifted.threshold, 0.05);
    BOOST_CHECK(!drift::ks_test{}.compare(a, c).drifted);
    const auto w = drift::wasserstein{}.compare(a, b);
    BOOST_CHECK(w.drifted && w.kind == drift::score_kind::distance && w.score == w.statistic && std::isnan(w.p_value));
    BOOST_CHECK(!drift::wasserstein{}.compare(a, c).drifted);
    BOOST_CHECK(drift::psi{}.compare(a, b).drifted);
    BOOST_CHECK(!drift::psi{}.compare(a, c).drifted);
    BOOST_CHECK(drift::jensen_shannon{}.compare(a, b).drifted);
    // the threshold in params is the one used and reported
    const auto t = drift::wasserstein({.threshold = 5.0}).compare(a, b);
    BOOST_CHECK(!t.drifted && t.threshold == 5.0);
    static_assert(drift::ks_test::kind == drift::score_kind::p_value && drift::psi::kind == drift::score_kind::distance);
    static_assert(drift::accepts(drift::chi_squared::accepts, drift::column_kinds::categorical));
    static_assert(!drift::accepts(drift::ks_test::accepts, drift::column_kinds::categorical));
}

BOOST_AUTO_TEST_CASE(wasserstein_closed_forms) {
    BOOST_CHECK_EQUAL(drift::wasserstein_distance(std::vector<double>{0}, std::vector<double>{1}), 1.0);
    // shift by 2: the area between the CDFs is 2
    BOOST_CHECK_CLOSE(drift::wasserstein_distance(std::vector<double>{0, 1, 3}, std::vector<double>{2, 3, 5}), 2.0,
                      1e-12);
    // a constant reference has std 0: divided by Evidently's floor 0.001
    const auto r = drift::wasserstein{}.compare(std::vector<double>{1, 1}, std::vector<double>{2});
    BOOST_CHECK_CLOSE(r.statistic, 1000.0, 1e-12);
    // normed by the population std: {0, 2} has std 1
    const auto s = drift::wasserstein{}.compare(std::vector<double>{0, 2}, std::vector<double>{1, 3});
    BOOST_CHECK_CLOSE(s.statistic, 1.0, 1e-12);
}

BOOST_AUTO_TEST_CASE(psi_frozen_bins_and_overflow) {
    std::vector<double> ref(100);
    for (std::size_t i = 0; i < ref.size(); ++i) ref[i] = static_cast<double>(i);
    const drift::psi t({.n_bins = 4});
    const auto frozen = t.fit(exec::seq, ref);
    BOOST_CHECK_EQUAL(frozen.bin_count(), 6u);  // below, 4 quantile bins, above
    const auto rp = frozen.reference_proportions();
    BOOST_CHECK_EQUAL(rp[0], 0.0);
    BOOST_CHECK_EQUAL(rp[5], 0.0);
    BOOST_CHECK_EQUAL(t.compare(frozen, ref).statistic, 0.0);
    // everything above the reference's maximum: the overflow bin has all the mass
    const std::vector<double> cur(10, 1000.0);
    const auto cp = frozen.proportions(cur);
    BOOST_CHECK_EQUAL(cp[5], 1.0);
    double expected = 0.0;  // shares floored at eps = 1e-4
    for (std::size_t i = 0; i < 6; ++i) {
        const double a = std::max(rp[i], 1e-4), b = std::max(cp[i], 1e-4);
        expected += (a - b) * std::log(a / b);
    }
    const auto r = t.compare(frozen, cur);
    BOOST_CHECK_CLOSE(r.statistic, expected, 1e-12);
    BOOST_CHECK(r.drifted);
    // the same through compare(reference, current)
    BOOST_CHECK_EQUAL(t.compare(exec::seq, ref, cur).statistic, r.statistic);
    // a constant reference still sees a shift
    const std::vector<double> k(50, 3.0), k2(50, 4.0);
    BOOST_CHECK(t.compare(k, k2).drifted);
    BOOST_CHECK_EQUAL(t.compare(k, k).statistic, 0.0);
}

BOOST_AUTO_TEST_CASE(categorical_binning_has_an_unseen_bin) {
    const std::vector<double> ref{0, 0, 1, 2}, cur{0, 1, 7, 7};
    const drift::jensen_shannon js({.bins = drift::binning::categorical});
    const auto frozen = js.fit(ref);
    BOOST_CHECK_EQUAL(frozen.bin_count(), 4u);
    const auto cp = frozen.proportions(cur);
    BOOST_CHECK_EQUAL(cp[3], 0.5);  // 7 is unseen
    // disjoint supports: JS distance 1; identical: 0
    BOOST_CHECK_CLOSE(js.compare(std::vector<double>{1, 1}, std::vector<double>{2, 2}).statistic, 1.0, 1e-12);
    BOOST_CHECK_EQUAL(js.compare(ref, ref).statistic, 0.0);
}

BOOST_AUTO_TEST_CASE(chi_squared_hand_cases) {
    // 2 x 2 table [[10, 20], [20, 10]]: margins 30/30, expected 15 everywhere;
    // Yates: |o - e| 5 -> 4.5, statistic 4 * 4.5^2 / 15 = 5.4, dof 1
    const drift::chi_squared h;
    auto r = h.test_counts(std::vector<double>{10, 20}, std::vector<double>{20, 10});
    BOOST_CHECK_CLOSE(r.statistic, 5.4, 1e-12);
    BOOST_CHECK_CLOSE(r.p_value, std::erfc(std::sqrt(5.4 / 2)), 1e-9);  // chi2(1).sf(x) = erfc(sqrt(x/2))
    const drift::chi_squared nc({.correction = false});
    BOOST_CHECK_CLOSE(nc.test_counts(std::vector<double>{10, 20}, std::vector<double>{20, 10}).statistic,
                      4 * 25.0 / 15, 1e-12);
    // chi2(2).sf(x) = exp(-x/2)
    const drift::chi_squared gof({.method = drift::chi_squared_method::goodness_of_fit});
    r = gof.test_counts(std::vector<double>{10, 10, 20}, std::vector<double>{5, 15, 20});
    BOOST_CHECK_CLOSE(r.statistic, 25.0 / 10 + 25.0 / 10, 1e-12);
    BOOST_CHECK_CLOSE(r.p_value, std::exp(-2.5), 1e-9);
    // a category the reference lacks: Evidently's statistic is inf, p 0
    r = gof.test_counts(std::vector<double>{10, 0}, std::vector<double>{5, 5});
    BOOST_CHECK(std::isinf(r.statistic) && r.p_value == 0.0);
    // one category: nothing to test
    r = h.test_counts(std::vector<double>{4}, std::vector<double>{9});
    BOOST_CHECK(r.statistic == 0.0 && r.p_value == 1.0);
}

BOOST_AUTO_TEST_CASE(z_test_hand_cases) {
    // p1 = 0.5 (n 4), p2 = 1 (n 4): P = 0.75, z = -0.5 / sqrt(0.1875 * 0.5)
    const auto r = drift::z_test{}.compare(std::vector<double>{0, 1, 0, 1}, std::vector<double>{1, 1, 1, 1});
    const double z = -0.5 / std::sqrt(0.75 * 0.25 * 0.5);
    BOOST_CHECK_CLOSE(r.statistic, z, 1e-12);
    BOOST_CHECK_CLOSE(r.p_value, std::erfc(std::abs(z) / std::sqrt(2.0)), 1e-12);
    // one value everywhere: p = 1
    const auto s = drift::z_test{}.compare(std::vector<double>{1, 1}, std::vector<double>{1});
    BOOST_CHECK(s.statistic == 0.0 && s.p_value == 1.0 && !s.drifted);
}

// ---- policies: simd and par against seq, bitwise, any thread count ----------------------

BOOST_AUTO_TEST_CASE(policies_match_seq_bitwise) {
    for (const std::size_t n : {1u, 2u, 63u, 64u, 65u, 1000u, 20011u}) {
        auto a = random_normal(n, 100 + n, 0.0, 0.05);
        auto b = random_normal(n / 2 + 3, 200 + n, 0.2, 0.05);
        a.push_back(1.0);
        b.push_back(1.0);  // a tie across the samples
        a.push_back(-0.0);
        b.push_back(0.0);
        const auto ks_ref = drift::ks_2samp(exec::seq, a, b);
        const auto w_ref = drift::wasserstein_distance(exec::seq, a, b);
        const auto psi_ref = drift::psi{}.compare(exec::seq, a, b).statistic;
        for_each_policy([&](const auto& pol) {
            const auto r = drift::ks_2samp(pol, a, b);
            BOOST_CHECK_EQUAL(r.statistic, ks_ref.statistic);
            BOOST_CHECK(r.p_value == ks_ref.p_value);
            BOOST_CHECK_EQUAL(drift::wasserstein_distance(pol, a, b), w_ref);
            BOOST_CHECK_EQUAL(drift::psi{}.compare(pol, a, b).statistic, psi_ref);
        });
    }
}

// ---- the example in docs/drift.md ----------------------------------------------------

BOOST_AUTO_TEST_CASE(doc_example) {
    const auto reference = random_normal(5000, 21, 0.0);
    const auto current = random_normal(5000, 22, 0.5);
    // example-begin drift-batch
    // KS: p-value test, drift when p < 0.05 (scipy.stats.ks_2samp semantics)
    const drift::test_result ks = drift::ks_test{}.compare(reference, current);
    // ks.method == "ks", ks.statistic == D, ks.score == ks.p_value, ks.drifted == true

    // Wasserstein normed by the reference's std (Evidently's default above 1000 rows)
    const auto w = drift::wasserstein{{.threshold = 0.1}}.compare(exec::par, reference, current);

    // PSI: freeze the reference's bins once, compare many batches against them
    const drift::psi psi{{.n_bins = 10}};
    const drift::binned_reference frozen = psi.fit(reference);
    const drift::test_result p = psi.compare(frozen, current);  // p.kind == score_kind::distance

    // categorical codes as doubles: chi-squared test of homogeneity
    const std::vector<double> ref_codes{0, 1, 1, 2, 2, 2}, cur_codes{0, 0, 0, 1, 2, 2};
    const auto chi = drift::chi_squared{}.compare(ref_codes, cur_codes);
    // example-end drift-batch
    BOOST_CHECK(ks.drifted && ks.method == "ks" && ks.score == ks.p_value);
    BOOST_CHECK(w.drifted && w.method == "wasserstein_normed");
    BOOST_CHECK(p.drifted && p.kind == drift::score_kind::distance);
    BOOST_CHECK(!chi.drifted && chi.p_value > 0.05);
}

// The radix sort's three regimes: the usual spread, a window that covers every
// varying bit (values a few ulps apart), and one huge bucket (concentrated
// values plus a far outlier), each against std::sort's seq path.
BOOST_AUTO_TEST_CASE(radix_regimes_match_seq) {
    rng g(77);
    std::vector<double> ulps(5000), concentrated(70000), ties(40000);
    for (auto& v : ulps) v = std::nextafter(1.0, 2.0) + static_cast<double>(g.uniform<double>() < 0.5) * 0x1p-52 * 17;
    for (std::size_t i = 0; i < ulps.size(); i += 3) ulps[i] = 1.0 + 0x1p-52 * static_cast<double>(i % 1000);
    for (auto& v : concentrated) v = 1.0 + 1e-9 * g.uniform<double>();
    concentrated[123] = 1e6;
    concentrated[456] = -1e6;
    for (auto& v : ties) v = std::floor(g.uniform<double>() * 7.0) - 3.0;
    const std::vector<std::vector<double>*> samples{&ulps, &concentrated, &ties};
    for (const auto* x : samples)
        for (const auto* y : samples) {
            const auto ref = drift::ks_2samp(exec::seq, *x, *y);
            const auto w = drift::wasserstein_distance(exec::seq, *x, *y);
            const auto p = drift::psi{}.compare(exec::seq, *x, *y).statistic;
            for_each_policy([&](const auto& pol) {
                const auto r = drift::ks_2samp(pol, *x, *y);
                BOOST_CHECK(r.statistic == ref.statistic && r.p_value == ref.p_value);
                BOOST_CHECK_EQUAL(drift::wasserstein_distance(pol, *x, *y), w);
                BOOST_CHECK_EQUAL(drift::psi{}.compare(pol, *x, *y).statistic, p);
            });
        }
}
