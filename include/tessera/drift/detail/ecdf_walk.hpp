// tessera/drift/detail/ecdf_walk.hpp — sort two samples and walk their
// empirical CDFs together in one merge pass: the KS statistics D+ and D- and
// the Wasserstein-1 area come out of the same walk.
//
// exec::seq copies the finite values, maps -0.0 to +0.0 and std::sorts them:
// the plainest correct code. exec::simd and exec::par radix-sort the
// order-preserving unsigned images of the finite values
// (drift/detail/radix_sort.hpp); par sorts reference and current at the same
// time, one pool task each. Keys are unique images of the values, so every
// path walks the same sequence and gives bitwise the same statistics.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include <tessera/drift/detail/radix_sort.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/exec/thread_pool.hpp>

namespace tessera::drift::detail {

// seq: the finite values, -0.0 as +0.0, std::sort.
struct sorted_values {
    std::vector<double> values;
    const double* data() const noexcept { return values.data(); }
    std::size_t size() const noexcept { return values.size(); }
};

inline sorted_values sort_finite_seq(std::span<const double> x) {
    sorted_values s;
    s.values.reserve(x.size());
    for (const double v : x)
        if (std::isfinite(v)) s.values.push_back(v + 0.0);  // -0 + 0 = +0
    std::sort(s.values.begin(), s.values.end());
    return s;
}

inline double as_double(double v) noexcept { return v; }
inline double as_double(std::uint64_t k) noexcept { return from_order_key(k); }

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

// Sort both samples with the policy's backend and walk them; `on_empty(0 or 1)`
// is called (and must throw) when the reference (0) or current (1) sample has
// no finite value. par sorts the two samples at once, one task each, so the
// result does not depend on the thread count.
template <bool WithW1, class P, class OnEmpty>
ecdf_stats sorted_walk(const P& policy, std::span<const double> a, std::span<const double> b,
                       OnEmpty&& on_empty) {
    const auto tag = exec::select_backend(policy);
    using tag_t = std::remove_cvref_t<decltype(tag)>;
    constexpr std::size_t radix_max = std::numeric_limits<std::uint32_t>::max();
    if constexpr (!tag_t::vector) {
        const auto sa = sort_finite_seq(a);
        if (sa.size() == 0) on_empty(0);
        const auto sb = sort_finite_seq(b);
        if (sb.size() == 0) on_empty(1);
        return ecdf_walk<WithW1>(sa.data(), sa.size(), sb.data(), sb.size());
    } else {
        if (a.size() > radix_max || b.size() > radix_max)  // 32-bit digit counts: sort the plain way
            return sorted_walk<WithW1>(exec::seq, a, b, std::forward<OnEmpty>(on_empty));
        sorted_keys sa, sb;
        if constexpr (!std::is_same_v<tag_t, exec::serial_tag<true>>) {  // pool_tag: par
            exec::thread_pool::instance().run(tag.threads, 2, [&](std::size_t i) {
                (i == 0 ? sa : sb) = radix_sort_finite(i == 0 ? a : b);
            });
        } else {
            sa = radix_sort_finite(a);
            sb = radix_sort_finite(b);
        }
        if (sa.size() == 0) on_empty(0);
        if (sb.size() == 0) on_empty(1);
        return ecdf_walk<WithW1>(sa.data(), sa.size(), sb.data(), sb.size());
    }
}

}  // namespace tessera::drift::detail
