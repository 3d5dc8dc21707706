// Random inputs shared by the exec::cuda tests (OMP back end and device).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace cuda_test {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

// n values in [-10, 10); with `nan_every` > 0 every nan_every-th one is NaN.
// `round` > 0 rounds to multiples of 1/round to make ties.
template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed, std::size_t nan_every = 0,
                             double round = 0) {
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> u(-10.0, 10.0);
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        double d = u(g);
        if (round > 0) d = std::round(d * round) / round;
        v[i] = static_cast<T>(d);
        if (nan_every != 0 && i % nan_every == nan_every / 2) v[i] = static_cast<T>(qnan);
    }
    return v;
}

template <class B>
std::vector<B> random_bins(std::size_t n, std::size_t nbins, unsigned seed) {
    std::mt19937_64 g(seed);
    std::uniform_int_distribution<std::size_t> u(0, nbins - 1);
    std::vector<B> v(n);
    for (auto& b : v) b = static_cast<B>(u(g));
    return v;
}

// Same bits, or both NaN.
inline bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// |a - b| <= tol * (scale + 1), NaN only matching NaN.
inline bool close(double a, double b, double tol, double scale) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::fabs(a - b) <= tol * (scale + 1.0);
}

template <class T>
std::span<const T> cspan(const std::vector<T>& v, std::size_t off = 0) {
    return std::span<const T>(v).subspan(off);
}

}  // namespace cuda_test
