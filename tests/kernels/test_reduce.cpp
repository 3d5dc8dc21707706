#define BOOST_TEST_MODULE kernels
#include <boost/test/unit_test.hpp>

#include <boost/mpl/list.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <tessera/kernels/moments.hpp>
#include <tessera/kernels/reduce.hpp>

#include "kernel_checks.hpp"

using namespace tessera;
using kernel_checks::random_data;
using value_types = boost::mpl::list<float, double>;

namespace {

template <class T>
std::span<const T> cs(const std::vector<T>& v) {
    return std::span<const T>(v);
}

// Policies with a small grain so that 1000 and 100003 elements make several chunks.
constexpr exec::par_t par1{.threads = 1, .grain = 1000};
constexpr exec::par_t par2{.threads = 2, .grain = 1000};
constexpr exec::par_t par7{.threads = 7, .grain = 1000};

template <class T>
std::vector<T> iota_data(std::size_t n, double first, double step) {
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<T>(first + step * static_cast<double>(i));
    return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(policy_equivalence)

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_match_seq, T, value_types) {
    kernel_checks::for_each_input<T>([](std::span<const T> x, std::span<const T> y, const std::string& label) {
        const auto want = kernel_checks::run_all(exec::seq, x, y);
        kernel_checks::check_close(kernel_checks::run_all(exec::simd, x, y), want, x, y, label + " simd");
        const auto p1 = kernel_checks::run_all(par1, x, y);
        kernel_checks::check_close(p1, want, x, y, label + " par");
        kernel_checks::check_close(kernel_checks::run_all(exec::par, x, y), want, x, y, label + " par default");
        BOOST_TEST_CONTEXT(label) {
            BOOST_TEST(kernel_checks::bitwise_equal(p1, kernel_checks::run_all(par2, x, y)));
            BOOST_TEST(kernel_checks::bitwise_equal(p1, kernel_checks::run_all(par7, x, y)));
        }
    });
}

BOOST_AUTO_TEST_CASE_TEMPLATE(no_policy_overloads_use_par, T, value_types) {
    const auto xv = random_data<T>(5000, 7, 0.01);
    const auto yv = random_data<T>(5000, 8, 0.0);
    const auto x = cs(xv), y = cs(yv);
    auto same = [](double a, double b) { return kernel_checks::same_bits(a, b); };
    BOOST_TEST(same(kernels::sum(x), kernels::sum(exec::par, x)));
    BOOST_TEST(same(kernels::nansum(x), kernels::nansum(exec::par, x)));
    BOOST_TEST(same(kernels::dot(x, y), kernels::dot(exec::par, x, y)));
    BOOST_TEST(kernel_checks::same_bits(kernels::nanmin(x), kernels::nanmin(exec::par, x)));
    BOOST_TEST(kernel_checks::same_bits(kernels::nanmax(x), kernels::nanmax(exec::par, x)));
    BOOST_TEST(std::isnan(kernels::min(x)));
    BOOST_TEST(std::isnan(kernels::max(x)));
    BOOST_TEST(kernels::argmin(x) == kernels::argmin(exec::par, x));
    BOOST_TEST(kernels::argmax(x) == kernels::argmax(exec::par, x));
    BOOST_TEST(kernels::nanargmin(x) == kernels::nanargmin(exec::par, x));
    BOOST_TEST(kernels::nanargmax(x) == kernels::nanargmax(exec::par, x));
    BOOST_TEST(same(kernels::nanmean(x), kernels::nanmean(exec::par, x)));
    BOOST_TEST(same(kernels::nanvariance(x, 1), kernels::nanvariance(exec::par, x, 1)));
    BOOST_TEST(same(kernels::mean(y), kernels::mean(exec::par, y)));
    BOOST_TEST(same(kernels::variance(y), kernels::variance(exec::par, y)));
    BOOST_TEST((kernels::moments(y) == kernels::moments(exec::par, y)));
    BOOST_TEST((kernels::nanmoments(x) == kernels::nanmoments(exec::par, x)));
    std::vector<T> a(yv), b(yv);
    kernels::axpy(T(2), x, std::span<T>(a));
    kernels::axpy(exec::par, T(2), x, std::span<T>(b));
    BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(closed_forms)

// 1..n: sums, dot and their means are integers below 2^53, so exact in double
// whatever the summation order.
BOOST_AUTO_TEST_CASE_TEMPLATE(arithmetic_progression, T, value_types) {
    const std::size_t n = 100003;
    const auto v = iota_data<T>(n, 1.0, 1.0);
    const double dn = static_cast<double>(n);
    auto check = [&](const auto& policy, const char* name) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(kernels::sum(policy, cs(v)) == dn * (dn + 1) / 2);
            BOOST_TEST(kernels::nansum(policy, cs(v)) == dn * (dn + 1) / 2);
            BOOST_TEST(kernels::dot(policy, cs(v), cs(v)) == dn * (dn + 1) * (2 * dn + 1) / 6);
            BOOST_TEST(kernels::mean(policy, cs(v)) == (dn + 1) / 2);
            // population variance of 1..n is (n^2 - 1) / 12; ddof = 1 gives n (n + 1) / 12
            BOOST_TEST(kernels::variance(policy, cs(v)) == (dn * dn - 1) / 12,
                       boost::test_tools::tolerance(1e-12));
            BOOST_TEST(kernels::variance(policy, cs(v), 1) == dn * (dn + 1) / 12,
                       boost::test_tools::tolerance(1e-12));
            BOOST_TEST(kernels::min(policy, cs(v)) == T(1));
            BOOST_TEST(kernels::max(policy, cs(v)) == T(n));
            BOOST_TEST(kernels::argmin(policy, cs(v)) == 0u);
            BOOST_TEST(kernels::argmax(policy, cs(v)) == n - 1);
        }
    };
    check(exec::seq, "seq");
    check(exec::simd, "simd");
    check(par2, "par");
}

// Step 0.5 from -3: variance d^2 (n^2 - 1) / 12 with d = 0.5.
BOOST_AUTO_TEST_CASE_TEMPLATE(variance_of_progression_with_step, T, value_types) {
    const std::size_t n = 1001;
    const auto v = iota_data<T>(n, -3.0, 0.5);
    const double dn = static_cast<double>(n);
    for (const auto& r : {kernels::moments(exec::seq, cs(v)), kernels::moments(exec::simd, cs(v)),
                          kernels::moments(par7, cs(v))}) {
        BOOST_TEST(r.count == n);
        BOOST_TEST(r.mean == -3.0 + 0.5 * (dn - 1) / 2, boost::test_tools::tolerance(1e-14));
        BOOST_TEST(r.variance() == 0.25 * (dn * dn - 1) / 12, boost::test_tools::tolerance(1e-13));
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(hand_computed_small_cases, T, value_types) {
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const std::vector<T> a{T(3), T(-1), T(4), T(-1), T(5)};
    const std::vector<T> b{T(2), T(0.5), T(-2), T(1), T(0)};
    const std::vector<T> with_nan{T(3), nan, T(-7), T(9), nan};
    auto check = [&](const auto& policy, const char* name) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(kernels::sum(policy, cs(a)) == 10.0);
            BOOST_TEST(kernels::dot(policy, cs(a), cs(b)) == 6 - 0.5 - 8 - 1 + 0);
            BOOST_TEST(kernels::argmin(policy, cs(a)) == 1u);  // first of the tie
            BOOST_TEST(kernels::argmax(policy, cs(a)) == 4u);
            BOOST_TEST(kernels::mean(policy, cs(a)) == 2.0);
            // deviations 1, -3, 2, -3, 3: M2 = 32
            BOOST_TEST(kernels::moments(policy, cs(a)).m2 == 32.0, boost::test_tools::tolerance(1e-14));
            BOOST_TEST(kernels::variance(policy, cs(a), 1) == 8.0, boost::test_tools::tolerance(1e-14));
            BOOST_TEST(std::isnan(kernels::min(policy, cs(with_nan))));
            BOOST_TEST(std::isnan(kernels::max(policy, cs(with_nan))));
            BOOST_TEST(std::isnan(kernels::sum(policy, cs(with_nan))));
            BOOST_TEST(std::isnan(kernels::mean(policy, cs(with_nan))));
            BOOST_TEST(std::isnan(kernels::variance(policy, cs(with_nan))));
            BOOST_TEST(kernels::argmin(policy, cs(with_nan)) == 1u);  // first NaN
            BOOST_TEST(kernels::argmax(policy, cs(with_nan)) == 1u);
            BOOST_TEST(kernels::nansum(policy, cs(with_nan)) == 5.0);
            BOOST_TEST(kernels::nanmin(policy, cs(with_nan)) == T(-7));
            BOOST_TEST(kernels::nanmax(policy, cs(with_nan)) == T(9));
            BOOST_TEST(kernels::nanargmin(policy, cs(with_nan)) == 2u);
            BOOST_TEST(kernels::nanargmax(policy, cs(with_nan)) == 3u);
            BOOST_TEST(kernels::nanmean(policy, cs(with_nan)) == 5.0 / 3);
            const auto m = kernels::nanmoments(policy, cs(with_nan));
            BOOST_TEST(m.count == 3u);
            // deviations 3 - 5/3, -7 - 5/3, 9 - 5/3: M2 = 5 * 5 + ... = 3 * var; var_pop = 392/9
            BOOST_TEST(m.m2 == 3 * 392.0 / 9, boost::test_tools::tolerance(1e-13));
            BOOST_TEST(kernels::nanvariance(policy, cs(with_nan), 1) == 392.0 / 6,
                       boost::test_tools::tolerance(1e-13));
            std::vector<T> y(b);
            kernels::axpy(policy, T(2), cs(a), std::span<T>(y));
            BOOST_TEST((y == std::vector<T>{T(8), T(-1.5), T(6), T(-1), T(10)}));
        }
    };
    check(exec::seq, "seq");
    check(exec::simd, "simd");
    check(par7, "par");
}

// Ties and NaN placed in different chunks (grain 1000) and vector lanes:
// the first occurrence wins everywhere.
BOOST_AUTO_TEST_CASE_TEMPLATE(first_occurrence_across_chunks, T, value_types) {
    auto v = random_data<T>(100003, 11, 0.0);
    v[70000] = T(-5);
    v[1500] = T(-5);
    v[99999] = T(-5);
    v[2501] = T(7);
    v[2502] = T(7);
    v[65000] = T(7);
    for (const auto& name : {"seq", "simd", "par"}) {
        BOOST_TEST_CONTEXT(name) {
            auto run = [&](auto f) {
                const std::string s(name);
                return s == "seq" ? f(exec::seq) : s == "simd" ? f(exec::simd) : f(par2);
            };
            BOOST_TEST(run([&](const auto& p) { return kernels::argmin(p, cs(v)); }) == 1500u);
            BOOST_TEST(run([&](const auto& p) { return kernels::argmax(p, cs(v)); }) == 2501u);
            auto w = v;
            w[90001] = std::numeric_limits<T>::quiet_NaN();
            w[4242] = std::numeric_limits<T>::quiet_NaN();
            BOOST_TEST(run([&](const auto& p) { return kernels::argmin(p, cs(w)); }) == 4242u);
            BOOST_TEST(run([&](const auto& p) { return kernels::argmax(p, cs(w)); }) == 4242u);
            BOOST_TEST(run([&](const auto& p) { return kernels::nanargmin(p, cs(w)); }) == 1500u);
            BOOST_TEST(run([&](const auto& p) { return kernels::nanargmax(p, cs(w)); }) == 2501u);
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(infinities_are_values, T, value_types) {
    const T inf = std::numeric_limits<T>::infinity();
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const std::vector<T> v{nan, inf, nan, -inf, T(1)};
    const std::vector<T> only_inf{nan, inf, nan};
    for (const auto& r : {std::pair{kernels::nanmin(exec::simd, cs(v)), kernels::nanmax(par2, cs(v))},
                          std::pair{kernels::nanmin(exec::seq, cs(v)), kernels::nanmax(exec::seq, cs(v))}}) {
        BOOST_TEST(r.first == -inf);
        BOOST_TEST(r.second == inf);
    }
    BOOST_TEST(kernels::nanmin(exec::simd, cs(only_inf)) == inf);
    BOOST_TEST(kernels::nanargmin(exec::simd, cs(only_inf)) == 1u);
    BOOST_TEST(kernels::nanargmax(par2, cs(only_inf)) == 1u);
    BOOST_TEST(kernels::mean(exec::simd, cs(only_inf)) != kernels::mean(exec::simd, cs(only_inf)));
    BOOST_TEST(kernels::nanmean(exec::simd, cs(only_inf)) == double(inf));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stability)

// 1e9 + U(0, 1): a sum-of-squares formula loses every digit here (x^2 ~ 1e18,
// double keeps ~16 digits). Reference: two passes in long double. A two-pass in
// plain double is itself off by ~1e-10 here (its mean is off by ~3e-6), which is
// what exec::seq does; the vector paths shift by the first value and do better.
BOOST_AUTO_TEST_CASE(variance_with_huge_offset_double) {
    const auto v = random_data<double>(100003, 5, 0.0, 1e9 + 0.5, 0.5);
    long double mean = 0.0L;
    for (const double x : v) mean += x;
    mean /= static_cast<long double>(v.size());
    long double m2 = 0.0L;
    for (const double x : v) m2 += (x - mean) * (x - mean);
    const double ref = static_cast<double>(m2 / static_cast<long double>(v.size()));
    BOOST_TEST(ref > 0.08);  // ~1/12: the noise, not rounding
    BOOST_TEST(ref < 0.09);
    BOOST_TEST(kernels::variance(exec::seq, cs(v)) == ref, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(kernels::variance(exec::simd, cs(v)) == ref, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(kernels::variance(par2, cs(v)) == ref, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(kernels::variance(exec::par, cs(v)) == ref, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(kernels::nanvariance(exec::simd, cs(v)) == ref, boost::test_tools::tolerance(1e-12));
    // what the naive formula would give, to show the test has teeth
    double s = 0.0, s2 = 0.0;
    for (const double x : v) {
        s += x;
        s2 += x * x;
    }
    const double naive = s2 / double(v.size()) - (s / double(v.size())) * (s / double(v.size()));
    BOOST_TEST(std::abs(naive - ref) > 1e-3 * ref);
}

BOOST_AUTO_TEST_CASE(variance_with_offset_float) {
    const auto v = random_data<float>(100003, 6, 0.0, 1e4, 1.0);
    double mean = 0.0;
    for (const float x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double m2 = 0.0;
    for (const float x : v) m2 += (x - mean) * (x - mean);
    const double ref = m2 / static_cast<double>(v.size() - 1);
    BOOST_TEST(kernels::variance(exec::simd, cs(v), 1) == ref, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(kernels::variance(par7, cs(v), 1) == ref, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(merge_matches_whole) {
    const auto v = random_data<double>(30001, 9, 0.0, 3.0, 2.0);
    const std::span<const double> all(v);
    const auto whole = kernels::moments(exec::seq, all);
    const auto left = kernels::moments(exec::seq, all.first(12345));
    const auto right = kernels::moments(exec::seq, all.subspan(12345));
    const auto merged = kernels::moment_stats::merge(left, right);
    BOOST_TEST(merged.count == whole.count);
    BOOST_TEST(merged.mean == whole.mean, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(merged.m2 == whole.m2, boost::test_tools::tolerance(1e-12));
    const kernels::moment_stats none{};
    BOOST_TEST((kernels::moment_stats::merge(none, left) == left));
    BOOST_TEST((kernels::moment_stats::merge(left, none) == left));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

template <class F>
void expect_shape_error(F&& f, const std::string& fragment) {
    try {
        f();
        BOOST_ERROR("expected shape_error containing '" << fragment << "'");
    } catch (const tessera::shape_error& e) {
        BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(bad_input, T, value_types) {
    const std::vector<T> empty, three{T(1), T(2), T(3)}, two{T(1), T(2)};
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const std::vector<T> all_nan{nan, nan, nan};
    auto each_policy = [](auto&& f) {
        f(exec::seq);
        f(exec::simd);
        f(par2);
    };
    each_policy([&](const auto& p) {
        expect_shape_error([&] { kernels::dot(p, cs(three), cs(two)); }, "kernels::dot (y vs x): size mismatch: expected 3 elements, found 2");
        std::vector<T> y(two);
        expect_shape_error([&] { kernels::axpy(p, T(1), cs(three), std::span<T>(y)); }, "kernels::axpy (y vs x): size mismatch");
        expect_shape_error([&] { kernels::min(p, cs(empty)); }, "kernels::min: input is empty");
        expect_shape_error([&] { kernels::max(p, cs(empty)); }, "kernels::max: input is empty");
        expect_shape_error([&] { kernels::nanmin(p, cs(empty)); }, "kernels::nanmin: input is empty");
        expect_shape_error([&] { kernels::nanmax(p, cs(empty)); }, "kernels::nanmax: input is empty");
        expect_shape_error([&] { kernels::argmin(p, cs(empty)); }, "kernels::argmin: input is empty");
        expect_shape_error([&] { kernels::argmax(p, cs(empty)); }, "kernels::argmax: input is empty");
        expect_shape_error([&] { kernels::nanargmin(p, cs(empty)); }, "kernels::nanargmin: input is empty");
        expect_shape_error([&] { kernels::mean(p, cs(empty)); }, "kernels::mean: input is empty");
        expect_shape_error([&] { kernels::nanmean(p, cs(empty)); }, "kernels::nanmean: input is empty");
        expect_shape_error([&] { kernels::variance(p, cs(empty)); }, "kernels::variance: input is empty");
        expect_shape_error([&] { kernels::nanvariance(p, cs(empty)); }, "kernels::nanvariance: input is empty");
        expect_shape_error([&] { kernels::nanargmin(p, cs(all_nan)); }, "kernels::nanargmin: All-NaN slice encountered: all 3 values are NaN");
        expect_shape_error([&] { kernels::nanargmax(p, cs(all_nan)); }, "kernels::nanargmax: All-NaN slice encountered");
        // defined results
        BOOST_TEST(kernels::sum(p, cs(empty)) == 0.0);
        BOOST_TEST(kernels::nansum(p, cs(empty)) == 0.0);
        BOOST_TEST(kernels::dot(p, cs(empty), cs(empty)) == 0.0);
        BOOST_TEST((kernels::moments(p, cs(empty)) == kernels::moment_stats{}));
        BOOST_TEST(kernels::nansum(p, cs(all_nan)) == 0.0);
        BOOST_TEST(std::isnan(kernels::nanmin(p, cs(all_nan))));
        BOOST_TEST(std::isnan(kernels::nanmax(p, cs(all_nan))));
        BOOST_TEST(std::isnan(kernels::nanmean(p, cs(all_nan))));
        BOOST_TEST(std::isnan(kernels::nanvariance(p, cs(all_nan))));
        BOOST_TEST(kernels::nanmoments(p, cs(all_nan)).count == 0u);
        BOOST_TEST(kernels::argmin(p, cs(all_nan)) == 0u);
        // numpy: ddof >= n gives nan (M2 = 0) or inf (M2 > 0)
        BOOST_TEST(std::isnan(kernels::variance(p, cs(three).first(1), 1)));
        BOOST_TEST(std::isinf(kernels::variance(p, cs(three), 3)));
        BOOST_TEST(std::isinf(kernels::variance(p, cs(three), 4)));
    });
}

BOOST_AUTO_TEST_SUITE_END()

// The example in docs/kernels.md (kept between the markers; compiled and run here).
BOOST_AUTO_TEST_CASE(doc_example) {
    // example-begin kernels
    using namespace tessera;
    const std::vector<float> x{3.0f, -1.0f, 4.0f, NAN, 5.0f};
    const std::vector<float> w{1.0f, 2.0f, 0.5f, 0.0f, 1.0f};
    std::span<const float> xs(x), ws(w);

    double total = kernels::nansum(exec::simd, xs);                  // 11
    float lo = kernels::nanmin(exec::par_t{.threads = 2}, xs);       // -1
    std::size_t where = kernels::argmin(exec::seq, xs);              // 3: the NaN (numpy)
    kernels::moment_stats m = kernels::nanmoments(exec::par, xs);    // count 4, mean 2.75
    double var = m.variance(/*ddof=*/1);                             // 6.9166...
    // merging summaries of two parts gives the summary of the whole (Chan et al.)
    auto whole = kernels::moment_stats::merge(kernels::nanmoments(exec::simd, xs.first(2)),
                                              kernels::nanmoments(exec::simd, xs.subspan(2)));
    std::vector<float> y(5, 1.0f);
    kernels::axpy(exec::simd, 2.0f, ws, std::span<float>(y));        // y = 2 w + y
    // example-end kernels
    BOOST_TEST(total == 11.0);
    BOOST_TEST(lo == -1.0f);
    BOOST_TEST(where == 3u);
    BOOST_TEST(m.count == 4u);
    BOOST_TEST(m.mean == 2.75);
    BOOST_TEST(var == 20.75 / 3, boost::test_tools::tolerance(1e-12));  // squares .0625 14.0625 1.5625 5.0625
    BOOST_TEST(whole.count == 4u);
    BOOST_TEST(whole.variance(1) == var, boost::test_tools::tolerance(1e-12));
    BOOST_TEST((y == std::vector<float>{3.0f, 5.0f, 2.0f, 1.0f, 3.0f}));
}
