// tests/kernels_hist: rank (scipy rankdata 'average', NaN omitted) and
// quantile / nanquantile (numpy 'linear'). References: the O(n^2) closed form
// of the average rank, hand-computed cases, numpy golden values
// (tests/data/quantile_golden.txt, made by make_quantile_golden.py), and
// exec::seq, which every simd/par path must match bitwise.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <span>
#include <string>
#include <vector>

#include <boost/mpl/list.hpp>

#include <tessera/kernels/rank.hpp>

#include "common.hpp"

using namespace tessera;
using namespace tessera::kernels;
using khtest::rng;

namespace {

using value_types = boost::mpl::list<float, double>;

template <class T>
constexpr T tnan = std::numeric_limits<T>::quiet_NaN();

// Data with many ties, signed zeros, infinities and NaN.
template <class T>
std::vector<T> tricky(std::size_t n, int kind) {
    std::normal_distribution<double> d(0.0, 1.0);
    std::uniform_int_distribution<int> small(-5, 5);
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        switch (kind) {
            case 0: v[i] = static_cast<T>(d(rng())); break;
            case 1: v[i] = static_cast<T>(small(rng())); break;                  // heavy ties
            case 2: v[i] = static_cast<T>(1000.0 + std::floor(d(rng()) * 4)); break;  // narrow range
            default: v[i] = static_cast<T>(d(rng()) * 1e30);
        }
        if (i % 13 == 5) v[i] = tnan<T>;
        if (i % 29 == 7) v[i] = (i % 2) ? T(-0.0) : T(0.0);
        if (i % 97 == 11) v[i] = (i % 2) ? std::numeric_limits<T>::infinity()
                                         : -std::numeric_limits<T>::infinity();
    }
    return v;
}

template <class T>
std::vector<double> brute_rank(const std::vector<T>& x) {
    std::vector<double> r(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isnan(x[i])) {
            r[i] = std::numeric_limits<double>::quiet_NaN();
            continue;
        }
        std::size_t less = 0, equal = 0;
        for (const T y : x) {
            less += y < x[i] ? 1 : 0;
            equal += y == x[i] ? 1 : 0;
        }
        r[i] = static_cast<double>(less) + (static_cast<double>(equal) + 1.0) / 2.0;
    }
    return r;
}

bool all_identical(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!khtest::identical(a[i], b[i])) return false;
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ranks)

BOOST_AUTO_TEST_CASE_TEMPLATE(hand_computed, T, value_types) {
    // scipy.stats.rankdata([3, 1, 4, 1, 5]) = [3, 1.5, 4, 1.5, 5]
    const std::vector<T> x = {3, 1, 4, 1, 5};
    const std::vector<double> want = {3, 1.5, 4, 1.5, 5};
    // NaN omitted: rankdata([nan, 2, 1, 2, -0.0, 0.0], nan_policy='omit')
    const std::vector<T> y = {tnan<T>, 2, 1, 2, T(-0.0), T(0.0)};
    const std::vector<double> want_y = {std::nan(""), 4.5, 3, 4.5, 1.5, 1.5};
    for (auto r : {rank(exec::seq, std::span<const T>(x)), rank(exec::simd, std::span<const T>(x)),
                   rank(std::span<const T>(x))})
        BOOST_TEST(all_identical(r, want));
    for (auto r : {rank(exec::seq, std::span<const T>(y)), rank(exec::simd, std::span<const T>(y)),
                   rank(khtest::par(2, 1), std::span<const T>(y))})
        BOOST_TEST(all_identical(r, want_y));
    BOOST_TEST(rank(exec::simd, std::span<const T>{}).empty());
    const std::vector<T> all_nan(3, tnan<T>);
    for (const double r : rank(exec::simd, std::span<const T>(all_nan))) BOOST_TEST(std::isnan(r));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_equal_seq_and_brute_force, T, value_types) {
    for (int kind = 0; kind < 4; ++kind)
        for (const std::size_t n : khtest::sizes) {
            const std::vector<T> x = tricky<T>(n, kind);
            const khtest::unaligned<T> u(x);
            const auto s = u.span();
            const auto ref = rank(exec::seq, s);
            if (n <= 1000) BOOST_TEST(all_identical(ref, brute_rank(x)));
            BOOST_TEST(all_identical(rank(exec::simd, s), ref));
            BOOST_TEST(all_identical(rank(exec::par, s), ref));
            const auto p1 = rank(khtest::par(1), s);
            BOOST_TEST(all_identical(p1, ref));
            BOOST_TEST(khtest::same_bits(rank(khtest::par(2), s), p1));
            BOOST_TEST(khtest::same_bits(rank(khtest::par(7), s), p1));
        }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- quantile ---------------------------------------------------------------------

namespace {

struct golden_case {
    std::string name, type, func;
    std::vector<double> x, q, r;  // x as read by strtod/strtof, widened
};

std::vector<double> read_numbers(std::istringstream& in, bool as_float) {
    std::string tag;
    std::size_t n = 0;
    in >> tag >> n;
    std::vector<double> v(n);
    for (auto& e : v) {
        std::string tok;
        in >> tok;
        e = as_float ? static_cast<double>(std::strtof(tok.c_str(), nullptr))
                     : std::strtod(tok.c_str(), nullptr);
    }
    return v;
}

std::vector<golden_case> read_golden() {
    std::ifstream f(std::string(TESSERA_SHARED_TEST_DATA_DIR) + "/quantile_golden.txt");
    BOOST_REQUIRE_MESSAGE(f, "cannot open quantile_golden.txt");
    std::vector<golden_case> out;
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("case ", 0) != 0) continue;
        golden_case c;
        std::istringstream head(line.substr(5));
        head >> c.name >> c.type >> c.func;
        std::string lx, lq, lr;
        std::getline(f, lx);
        std::getline(f, lq);
        std::getline(f, lr);
        std::istringstream ix(lx), iq(lq), ir(lr);
        c.x = read_numbers(ix, c.type == "f32");
        c.q = read_numbers(iq, false);
        c.r = read_numbers(ir, false);
        out.push_back(std::move(c));
    }
    return out;
}

template <class T, class P>
std::vector<double> run_quantile(const P& policy, bool nan_variant, std::span<const T> x,
                                 std::span<const double> q) {
    return nan_variant ? nanquantile(policy, x, q) : quantile(policy, x, q);
}

template <class T>
void check_golden(const golden_case& c) {
    std::vector<T> x(c.x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(c.x[i]);
    const std::span<const T> sx(x);
    const std::span<const double> sq(c.q);
    const bool nv = c.func == "nanquantile";
    auto check = [&](const std::vector<double>& got, const char* path) {
        BOOST_REQUIRE_EQUAL(got.size(), c.r.size());
        for (std::size_t j = 0; j < got.size(); ++j)
            BOOST_TEST(khtest::identical(got[j], c.r[j]),
                       c.name << " " << path << " q=" << c.q[j] << ": got " << got[j]
                              << ", numpy " << c.r[j]);
    };
    check(run_quantile(exec::seq, nv, sx, sq), "seq");
    check(run_quantile(exec::simd, nv, sx, sq), "simd");
    check(run_quantile(khtest::par(2, 64), nv, sx, sq), "par");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quantiles)

BOOST_AUTO_TEST_CASE(numpy_golden_values) {
    const auto cases = read_golden();
    BOOST_TEST(cases.size() >= 40u);
    for (const auto& c : cases) {
        if (c.type == "f32")
            check_golden<float>(c);
        else
            check_golden<double>(c);
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(hand_computed, T, value_types) {
    // np.quantile([1, 2, 3, 4], [0, 0.5, 1/3, 1]) = [1, 2.5, 2, 4]
    const std::vector<T> x = {4, 1, 3, 2};
    const std::vector<double> q = {0.0, 0.5, 1.0 / 3.0, 1.0};
    const std::vector<double> want = {1.0, 2.5, 2.0, 4.0};
    for (auto r : {quantile(exec::seq, std::span<const T>(x), std::span<const double>(q)),
                   quantile(exec::simd, std::span<const T>(x), std::span<const double>(q)),
                   quantile(std::span<const T>(x), std::span<const double>(q))})
        BOOST_TEST(all_identical(r, want));
    // NaN propagates; nanquantile skips it.
    const std::vector<T> y = {4, tnan<T>, 1, 3, 2};
    for (const double r : quantile(exec::simd, std::span<const T>(y), std::span<const double>(q)))
        BOOST_TEST(std::isnan(r));
    BOOST_TEST(all_identical(nanquantile(exec::seq, std::span<const T>(y), std::span<const double>(q)), want));
    BOOST_TEST(all_identical(nanquantile(std::span<const T>(y), std::span<const double>(q)), want));
    // No q: no results.
    BOOST_TEST(quantile(exec::simd, std::span<const T>(x), std::span<const double>{}).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_equal_seq, T, value_types) {
    std::vector<double> few = {0.5, 0.1, 0.9, 0.0, 1.0};
    std::vector<double> many;
    for (int j = 0; j <= 40; ++j) many.push_back(j / 40.0);
    for (int kind = 0; kind < 4; ++kind)
        for (const std::size_t n : khtest::sizes) {
            if (n == 0 || (n > 1000 && kind >= 2)) continue;  // keeps the run short
            std::vector<T> x = tricky<T>(n, kind);
            std::vector<T> clean;
            for (const T v : x)
                if (!std::isnan(v)) clean.push_back(v);
            for (const auto* qs : {&few, &many}) {
                const std::span<const double> sq(*qs);
                for (const auto* data : {&x, &clean}) {
                    if (data->empty()) continue;
                    const khtest::unaligned<T> u(*data);
                    const auto s = u.span();
                    for (const bool nv : {false, true}) {
                        const auto ref = run_quantile(exec::seq, nv, s, sq);
                        BOOST_TEST(all_identical(run_quantile(exec::simd, nv, s, sq), ref));
                        BOOST_TEST(all_identical(run_quantile(exec::par, nv, s, sq), ref));
                        const auto p1 = run_quantile(khtest::par(1), nv, s, sq);
                        BOOST_TEST(all_identical(p1, ref));
                        BOOST_TEST(khtest::same_bits(run_quantile(khtest::par(2), nv, s, sq), p1));
                        BOOST_TEST(khtest::same_bits(run_quantile(khtest::par(7), nv, s, sq), p1));
                    }
                }
            }
        }
}

BOOST_AUTO_TEST_CASE(errors) {
    const std::vector<double> x = {1.0, 2.0};
    const std::span<const double> sx(x);
    for (const double bad : {-0.1, 1.5, std::nan("")}) {
        const std::vector<double> q = {0.5, bad};
        for (int p = 0; p < 3; ++p) {
            try {
                if (p == 0) (void)quantile(exec::seq, sx, std::span<const double>(q));
                if (p == 1) (void)quantile(exec::simd, sx, std::span<const double>(q));
                if (p == 2) (void)nanquantile(exec::par, sx, std::span<const double>(q));
                BOOST_ERROR("no config_error for q = " << bad);
            } catch (const config_error& e) {
                BOOST_TEST(e.field() == "q");
                BOOST_TEST(std::string(e.what()).find("q[1]") != std::string::npos, e.what());
            }
        }
    }
    const std::vector<double> q = {0.5};
    BOOST_CHECK_THROW(quantile(exec::seq, std::span<const double>{}, std::span<const double>(q)),
                      shape_error);
    BOOST_CHECK_THROW(nanquantile(exec::simd, std::span<const float>{}, std::span<const double>(q)),
                      shape_error);
}

BOOST_AUTO_TEST_SUITE_END()
