// tests/kernels/kernel_checks.hpp — runs every reduction and moments kernel
// under one policy and compares the outcome with exec::seq; shared by
// test_kernels (build-native ISA) and test_dispatch (runtime-dispatched ISAs).
#pragma once

#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <tessera/kernels/moments.hpp>
#include <tessera/kernels/reduce.hpp>

namespace kernel_checks {

using namespace tessera;

// Uniform values in [offset - scale, offset + scale), NaN with probability
// nan_fraction, deterministic for a seed.
template <class T>
std::vector<T> random_data(std::size_t n, std::uint64_t seed, double nan_fraction,
                           double offset = 0.0, double scale = 1.0) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::uniform_real_distribution<double> p(0.0, 1.0);
    std::vector<T> v(n);
    for (auto& x : v) {
        x = static_cast<T>(offset + scale * u(gen));
        if (p(gen) < nan_fraction) x = std::numeric_limits<T>::quiet_NaN();
    }
    return v;
}

// A kernel's value, or the fact that it threw a tessera::error (with its message).
template <class R>
struct outcome {
    std::optional<R> value;
    std::string error;
};

template <class F>
auto capture(F&& f) -> outcome<decltype(f())> {
    try {
        return {f(), {}};
    } catch (const tessera::shape_error& e) {
        return {std::nullopt, std::string("shape_error: ") + e.what()};
    }
}

template <class T>
struct results {
    outcome<double> sum, nansum, dot, mean, nanmean, var, nanvar1;
    outcome<T> min, max, nanmin, nanmax;
    outcome<std::size_t> argmin, argmax, nanargmin, nanargmax;
    kernels::moment_stats moments, nanmoments;
    std::vector<T> axpy;  // y after y += a x
};

template <class T, class P>
results<T> run_all(const P& policy, std::span<const T> x, std::span<const T> y) {
    results<T> r;
    r.sum = capture([&] { return kernels::sum(policy, x); });
    r.nansum = capture([&] { return kernels::nansum(policy, x); });
    r.dot = capture([&] { return kernels::dot(policy, x, y); });
    r.mean = capture([&] { return kernels::mean(policy, x); });
    r.nanmean = capture([&] { return kernels::nanmean(policy, x); });
    r.var = capture([&] { return kernels::variance(policy, x); });
    r.nanvar1 = capture([&] { return kernels::nanvariance(policy, x, 1); });
    r.min = capture([&] { return kernels::min(policy, x); });
    r.max = capture([&] { return kernels::max(policy, x); });
    r.nanmin = capture([&] { return kernels::nanmin(policy, x); });
    r.nanmax = capture([&] { return kernels::nanmax(policy, x); });
    r.argmin = capture([&] { return kernels::argmin(policy, x); });
    r.argmax = capture([&] { return kernels::argmax(policy, x); });
    r.nanargmin = capture([&] { return kernels::nanargmin(policy, x); });
    r.nanargmax = capture([&] { return kernels::nanargmax(policy, x); });
    r.moments = kernels::moments(policy, x);
    r.nanmoments = kernels::nanmoments(policy, x);
    r.axpy.assign(y.begin(), y.end());
    kernels::axpy(policy, T(0.75), x, std::span<T>(r.axpy));
    return r;
}

// ---- comparisons ------------------------------------------------------------------

inline bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}
inline bool same_bits(float a, float b) {
    return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}
inline bool same_bits(std::size_t a, std::size_t b) { return a == b; }

// Both NaN, or within tol of each other.
inline bool close(double a, double b, double tol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b || std::abs(a - b) <= tol;
}

template <class R, class Eq>
void check_outcome(const outcome<R>& got, const outcome<R>& want, Eq eq, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        BOOST_TEST(got.error == want.error);
        BOOST_TEST(got.value.has_value() == want.value.has_value());
        if (got.value && want.value) BOOST_TEST(eq(*got.value, *want.value));
    }
}

template <class T>
double sum_abs(std::span<const T> x) {
    double s = 0.0;
    for (const T v : x)
        if (!std::isnan(v)) s += std::abs(static_cast<double>(v));
    return s;
}

// Fast path against seq: sums within a relative 1e-10 of sum |x| (rounding
// order differs), extrema and indices exactly, moments to 1e-10.
template <class T>
void check_close(const results<T>& got, const results<T>& want, std::span<const T> x,
                 std::span<const T> y, const std::string& label) {
    const double n = static_cast<double>(x.size());
    const double scale = sum_abs(x) + 1e-300;
    double dscale = 1e-300;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isnan(x[i]) && !std::isnan(y[i])) dscale += std::abs(double(x[i]) * double(y[i]));
    auto rel = [](double tol) { return [tol](double a, double b) { return close(a, b, tol); }; };
    auto exact = [](auto a, auto b) { return same_bits(a, b) || (a != a && b != b); };
    const double mscale = scale / (n > 0 ? n : 1.0);
    check_outcome(got.sum, want.sum, rel(1e-10 * scale), label + " sum");
    check_outcome(got.nansum, want.nansum, rel(1e-10 * scale), label + " nansum");
    check_outcome(got.dot, want.dot, rel(1e-10 * dscale), label + " dot");
    check_outcome(got.mean, want.mean, rel(1e-10 * mscale), label + " mean");
    check_outcome(got.nanmean, want.nanmean, rel(1e-10 * mscale), label + " nanmean");
    check_outcome(got.min, want.min, exact, label + " min");
    check_outcome(got.max, want.max, exact, label + " max");
    check_outcome(got.nanmin, want.nanmin, exact, label + " nanmin");
    check_outcome(got.nanmax, want.nanmax, exact, label + " nanmax");
    check_outcome(got.argmin, want.argmin, exact, label + " argmin");
    check_outcome(got.argmax, want.argmax, exact, label + " argmax");
    check_outcome(got.nanargmin, want.nanargmin, exact, label + " nanargmin");
    check_outcome(got.nanargmax, want.nanargmax, exact, label + " nanargmax");
    auto check_moments = [&](const kernels::moment_stats& g, const kernels::moment_stats& w,
                             const std::string& what, std::optional<double> var, std::optional<double> wvar) {
        BOOST_TEST_CONTEXT(label + " " + what) {
            BOOST_TEST(g.count == w.count);
            BOOST_TEST(close(g.mean, w.mean, 1e-10 * mscale));
            BOOST_TEST(close(g.m2, w.m2, 1e-10 * std::abs(w.m2) + 1e-300));
            BOOST_TEST(var.has_value() == wvar.has_value());
            if (var && wvar) BOOST_TEST(close(*var, *wvar, 1e-10 * std::abs(*wvar) + 1e-300));
        }
    };
    check_moments(got.moments, want.moments, "moments", got.var.value, want.var.value);
    check_moments(got.nanmoments, want.nanmoments, "nanmoments", got.nanvar1.value, want.nanvar1.value);
    BOOST_TEST(got.var.error == want.var.error);
    BOOST_TEST(got.nanvar1.error == want.nanvar1.error);
    BOOST_TEST_CONTEXT(label + " axpy") {
        BOOST_TEST_REQUIRE(got.axpy.size() == want.axpy.size());
        bool ok = true;
        for (std::size_t i = 0; i < got.axpy.size(); ++i) {
            // one rounding apart (fused or not): within 2 ulp of |a x| + |y|
            const double mag = 0.75 * std::abs(double(x[i])) + std::abs(double(y[i]));
            ok = ok && close(got.axpy[i], want.axpy[i],
                             2.0 * std::numeric_limits<T>::epsilon() * mag);
        }
        BOOST_TEST(ok);
    }
}

// Bitwise equality of everything (par with different thread counts).
template <class T>
bool bitwise_equal(const results<T>& a, const results<T>& b) {
    auto eq = [](const auto& p, const auto& q) {
        return p.error == q.error && p.value.has_value() == q.value.has_value() &&
               (!p.value || same_bits(*p.value, *q.value));
    };
    auto meq = [](const kernels::moment_stats& p, const kernels::moment_stats& q) {
        return p.count == q.count && same_bits(p.mean, q.mean) && same_bits(p.m2, q.m2);
    };
    return eq(a.sum, b.sum) && eq(a.nansum, b.nansum) && eq(a.dot, b.dot) && eq(a.mean, b.mean) &&
           eq(a.nanmean, b.nanmean) && eq(a.var, b.var) && eq(a.nanvar1, b.nanvar1) &&
           eq(a.min, b.min) && eq(a.max, b.max) && eq(a.nanmin, b.nanmin) &&
           eq(a.nanmax, b.nanmax) && eq(a.argmin, b.argmin) && eq(a.argmax, b.argmax) &&
           eq(a.nanargmin, b.nanargmin) && eq(a.nanargmax, b.nanargmax) &&
           meq(a.moments, b.moments) && meq(a.nanmoments, b.nanmoments) &&
           a.axpy.size() == b.axpy.size() &&
           std::memcmp(a.axpy.data(), b.axpy.data(), a.axpy.size() * sizeof(T)) == 0;
}

inline const std::vector<std::size_t>& sizes() {
    static const std::vector<std::size_t> s{0, 1, 3, 15, 16, 17, 31, 33, 1000, 100003};
    return s;
}

// The inputs every equivalence test runs: each size, with no NaN, a few NaN at
// random positions and (n > 0) only NaN; the spans start at element 1 of their
// buffer so they are never vector-aligned.
template <class T, class F>
void for_each_input(F&& f) {
    std::uint64_t seed = 1;
    for (const std::size_t n : sizes()) {
        for (const double nan_fraction : {0.0, 0.01, 1.0}) {
            if (nan_fraction == 1.0 && n == 0) continue;
            const auto xb = random_data<T>(n + 1, seed++, nan_fraction, 0.5, 2.0);
            const auto yb = random_data<T>(n + 1, seed++, nan_fraction / 2, -0.25, 1.0);
            const std::span<const T> x(xb.data() + 1, n), y(yb.data() + 1, n);
            f(x, y, "n=" + std::to_string(n) + " nan=" + std::to_string(nan_fraction));
        }
    }
}

}  // namespace kernel_checks
