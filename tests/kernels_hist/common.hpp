// tests/kernels_hist: helpers shared by the histogram and rank/quantile suites.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <vector>

#include <tessera/exec/policy.hpp>

namespace khtest {

inline constexpr std::size_t sizes[] = {0, 1, 3, 15, 17, 33, 1000, 100003};

// par with a small grain, so that inputs of a few thousand elements already
// span several chunks (the merge in chunk order is what is under test).
inline tessera::exec::par_t par(unsigned threads, std::size_t grain = 997) {
    return tessera::exec::par_t{.threads = threads, .grain = grain};
}

inline std::mt19937_64& rng() {
    static std::mt19937_64 g(0x5eed1234u);
    return g;
}

// A span that starts one element into its buffer (unaligned for SIMD loads).
template <class T>
struct unaligned {
    std::vector<T> buf;
    explicit unaligned(const std::vector<T>& v) : buf(v.size() + 1) {
        std::copy(v.begin(), v.end(), buf.begin() + 1);
    }
    std::span<const T> span() const { return {buf.data() + 1, buf.size() - 1}; }
};

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Equal as values, with NaN equal to NaN and the sign of zero significant.
inline bool identical(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

}  // namespace khtest
