// tessera/drift/detail/river_stats.hpp — the running statistics River's drift
// detectors are built on, with River's arithmetic order, so that tessera's
// detectors reach the same floating-point values and hence the same detection
// indices (River 0.26.1: river/stats/mean.py, var.py; EWMean from the Rust core,
// rust_src/ewmean.rs).
//
// `rounded(a * b) + c` keeps a product from being fused into an FMA: GCC
// contracts a*b + c by default under -std=gnu++20 with -march=native
// (-ffp-contract=fast), which changes the last bit and, rarely, a detection
// index. __builtin_assoc_barrier (GCC >= 12) stops that without stopping
// inlining; clang contracts only within one expression, which the inline call
// already splits.
#pragma once

#include <cmath>
#include <cstdint>

namespace tessera::drift::detail {

[[nodiscard]] inline constexpr double rounded(double v) noexcept {
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
    return __builtin_assoc_barrier(v);
#else
    return v;
#endif
}

// Python calls the C library's pow and log at run time; so do these. The
// volatile operand keeps GCC from folding a call with constant arguments at
// compile time (MPFR, correctly rounded) or rewriting pow(x, 2.0) as x * x:
// glibc's pow and log are not correctly rounded (x ** 2 != x * x for about 1 in
// 1000 uniform x), so either rewrite could move the last bit.
inline double libm_pow(double x, double y) noexcept {
    volatile double v = y;
    return std::pow(x, v);
}
inline double libm_log(double x) noexcept {
    volatile double v = x;
    return std::log(v);
}

// river.stats.Mean with unit weights: n += 1; mean += (1 / n) * (x - mean).
struct river_mean {
    double n = 0.0;
    double mean = 0.0;

    constexpr void update(double x) noexcept {
        n += 1.0;
        mean += rounded((1.0 / n) * (x - mean));
    }
};

// river.stats.Var (ddof = 1): Welford's S += (x - mean_old) * (x - mean_new);
// get() is S / (n - 1) once n > 1, else 0.
struct river_var {
    river_mean m;
    double s = 0.0;

    constexpr void update(double x) noexcept {
        const double old = m.mean;
        m.update(x);
        s += rounded((x - old) * (x - m.mean));
    }
    constexpr double get() const noexcept { return m.n > 1.0 ? s / (m.n - 1.0) : 0.0; }
};

// River's EWMean (Rust core): the first value initialises the mean; after that
// mean = alpha * x + (1 - alpha) * mean. (The older Python EWMean treated a mean
// of exactly 0 as unset; semantics.md 1.7 pins the Rust behaviour.)
struct river_ewmean {
    double alpha = 0.5;
    double one_minus_alpha = 0.5;
    double mean = 0.0;
    bool initialized = false;

    constexpr river_ewmean() = default;
    constexpr explicit river_ewmean(double a) noexcept : alpha(a), one_minus_alpha(1.0 - a) {}

    constexpr void update(double x) noexcept {
        if (!initialized) {
            mean = x;
            initialized = true;
        } else {
            mean = rounded(alpha * x) + rounded(one_minus_alpha * mean);
        }
    }
};

}  // namespace tessera::drift::detail
