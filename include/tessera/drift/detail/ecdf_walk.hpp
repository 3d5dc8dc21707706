// tessera/drift/detail/ecdf_walk.hpp — sort two samples and walk their
// empirical CDFs together in one merge pass: the KS statistics D+ and D- and
// the Wasserstein-1 area come out of the same walk.
//
// exec::seq copies the finite values, maps -0.0 to +0.0 and std::sorts them:
// the plainest correct code. exec::simd and exec::par sort the order-preserving
// unsigned images of the keys (kernels/rank.hpp's LSD radix sort; par: keys
// made, digits counted and scattered in fixed chunks on the pool) and find the
// finite range by binary search (-inf keys sort first, +inf and NaN last).
// Sorted keys are unique images of the values, so every path walks the same
// sequence and gives bitwise the same statistics.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include <tessera/exec/policy.hpp>
#include <tessera/kernels/rank.hpp>

namespace tessera::drift::detail {

// A sorted sample: keys[begin, end) are its finite values, ascending.
template <class E>
struct sorted_sample {
    std::vector<E> keys;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t size() const noexcept { return end - begin; }
    const E* data() const noexcept { return keys.data() + begin; }
};

inline double as_double(double v) noexcept { return v; }
inline double as_double(std::uint64_t k) noexcept { return kernels::detail::from_radix_key<double>(k); }

// seq: the finite values, -0.0 as +0.0, std::sort.
inline sorted_sample<double> sort_finite(const exec::serial_tag<false>&, std::span<const double> x) {
    sorted_sample<double> s;
    s.keys.reserve(x.size());
    for (const double v : x)
        if (std::isfinite(v)) s.keys.push_back(v + 0.0);  // -0 + 0 = +0
    std::sort(s.keys.begin(), s.keys.end());
    s.end = s.keys.size();
    return s;
}

// simd / par: radix keys of every value (ties: -0 -> +0), sorted, finite range found.
template <class Tag>
sorted_sample<std::uint64_t> sort_finite(const Tag& tag, std::span<const double> x) {
    namespace kd = kernels::detail;
    sorted_sample<std::uint64_t> s;
    const std::size_t n = x.size();
    s.keys.resize(n);
    kd::make_keys(tag, x, s.keys.data(), true);
    {
        std::vector<std::uint64_t> tmp(n);
        kd::radix_sort(tag, s.keys.data(), tmp.data(), static_cast<std::uint32_t*>(nullptr),
                       static_cast<std::uint32_t*>(nullptr), n);
    }
    const std::uint64_t lo = kd::radix_key(-std::numeric_limits<double>::infinity());
    const std::uint64_t hi = kd::radix_key(std::numeric_limits<double>::infinity());
    s.begin = static_cast<std::size_t>(std::upper_bound(s.keys.begin(), s.keys.end(), lo) - s.keys.begin());
    s.end = static_cast<std::size_t>(std::lower_bound(s.keys.begin(), s.keys.end(), hi) - s.keys.begin());
    if (s.end < s.begin) s.end = s.begin;
    return s;
}

// What one walk over the merged ECDFs yields.
struct ecdf_stats {
    double d_plus = 0.0;   // max(F1 - F2) over the pooled values (>= 0: it is 0 at the top)
    double d_minus = 0.0;  // max(F2 - F1), clipped at 0 as scipy does
    double w1 = 0.0;       // sum |F1 - F2| * (next value - value): scipy's wasserstein_distance
    std::size_t na = 0;    // finite values in each sample
    std::size_t nb = 0;
};

// Walks the distinct pooled values in order; at each, F1 = #(a <= v)/na and
// F2 = #(b <= v)/nb, exactly as scipy's searchsorted(side='right') / n.
template <bool WithW1, class E>
ecdf_stats ecdf_walk(const E* a, std::size_t na, const E* b, std::size_t nb) {
    ecdf_stats r;
    const double dna = static_cast<double>(na);
    const double dnb = static_cast<double>(nb);
    double dmax = -1.0;
    double dmin = 1.0;
    std::size_t i = 0;
    std::size_t j = 0;
    double w1 = 0.0;
    while (i < na || j < nb) {
        const E v = (j >= nb || (i < na && a[i] < b[j])) ? a[i] : b[j];
        while (i < na && a[i] == v) ++i;
        while (j < nb && b[j] == v) ++j;
        const double diff = static_cast<double>(i) / dna - static_cast<double>(j) / dnb;
        dmax = std::max(dmax, diff);
        dmin = std::min(dmin, diff);
        if constexpr (WithW1) {
            if (i < na || j < nb) {
                const E next = (j >= nb || (i < na && a[i] < b[j])) ? a[i] : b[j];
                w1 += std::abs(diff) * (as_double(next) - as_double(v));
            }
        }
    }
    r.d_plus = dmax;
    r.d_minus = std::clamp(-dmin, 0.0, 1.0);
    r.w1 = w1;
    r.na = na;
    r.nb = nb;
    return r;
}

// Sort both samples with the policy's backend and walk them. `empty_a` /
// `empty_b` are called (and must throw) when a sample has no finite values.
template <bool WithW1, class P, class OnEmpty>
ecdf_stats sorted_walk(const P& policy, std::span<const double> a, std::span<const double> b,
                       OnEmpty&& on_empty) {
    const auto tag = exec::select_backend(policy);
    auto sa = sort_finite(tag, a);
    if (sa.size() == 0) on_empty(0);
    auto sb = sort_finite(tag, b);
    if (sb.size() == 0) on_empty(1);
    return ecdf_walk<WithW1>(sa.data(), sa.size(), sb.data(), sb.size());
}

}  // namespace tessera::drift::detail
