// tessera/kernels/rank.hpp — ranks with ties averaged and quantiles.
//
// rank: scipy.stats.rankdata(x, method='average'), 1-based; NaN gets rank NaN
// and is left out of the ranking of the others (scipy's nan_policy='omit').
// quantile / nanquantile: numpy.quantile / numpy.nanquantile with the default
// 'linear' method (Hyndman & Fan type 7), including numpy's _lerp rounding, so
// results are bitwise equal to numpy's for float64 data and float64 q.
//
// exec::seq sorts with std::stable_sort / std::sort; exec::simd and exec::par
// sort the order-preserving unsigned-integer images of the keys with an LSD
// radix sort (par: per-chunk digit histograms, chunk-order offsets, parallel
// scatter), or, for a few quantiles, use nth_element on those keys. Ranks and
// order statistics are unique, so every path returns bitwise the same result.
// Semantics, errors and examples: docs/kernels_histogram.md.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/histogram_impl.hpp>

namespace tessera::kernels {

template <class T>
concept rank_value = std::same_as<T, float> || std::same_as<T, double>;

namespace detail {

template <class T>
using radix_key_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// IEEE total order as unsigned integers: negatives reversed below positives,
// so -0.0 sorts just before +0.0. Every NaN maps to the largest key, which no
// number maps to, so NaNs sort last.
template <class T>
radix_key_t<T> radix_key(T v) noexcept {
    using K = radix_key_t<T>;
    constexpr K sign = K{1} << (8 * sizeof(K) - 1);
    if (std::isnan(v)) return ~K{0};
    const K bits = std::bit_cast<K>(v);
    return (bits & sign) ? ~bits : (bits | sign);
}

template <class T>
T from_radix_key(radix_key_t<T> k) noexcept {
    using K = radix_key_t<T>;
    constexpr K sign = K{1} << (8 * sizeof(K) - 1);
    return std::bit_cast<T>((k & sign) ? (k ^ sign) : ~k);
}

// The strict weak order seq sorts by for quantiles: that of radix_key, i.e. `<`
// with -0.0 before +0.0 (no NaN reaches it).
template <class T>
bool total_less(T a, T b) noexcept {
    return a < b || (a == b && std::signbit(a) && !std::signbit(b));
}

// Keeps the compiler from fusing a product into the next add or subtract
// (-ffp-contract=fast is GCC's default in GNU mode): numpy rounds both.
inline double no_fma(double v) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+m"(v));
#endif
    return v;
}

// ---- LSD radix sort -------------------------------------------------------------------

inline constexpr unsigned radix_bits = 8;
inline constexpr std::size_t radix_size = std::size_t{1} << radix_bits;

template <class K>
inline constexpr unsigned radix_passes = (8 * sizeof(K) + radix_bits - 1) / radix_bits;

template <class K>
std::size_t radix_digit(K k, unsigned pass) noexcept {
    return static_cast<std::size_t>(k >> (pass * radix_bits)) & (radix_size - 1);
}

// Sorts keys (and, if idx is non-null, the payload idx alongside, stably) in
// place, with tmp buffers of the same size. Chunks of the tag's grain (at least
// n / 64, to bound the per-chunk digit tables) count and scatter in parallel;
// serial tags use one chunk. The result does not depend on the thread count.
template <class Tag, class K>
void radix_sort(const Tag& tag, K* keys, K* keys_tmp, std::uint32_t* idx, std::uint32_t* idx_tmp,
                std::size_t n) {
    constexpr unsigned passes = radix_passes<K>;
    if (n < 2) return;
    std::size_t grain = n;
    if constexpr (pool_backend_v<Tag>) grain = std::max({tag.grain, (n + 63) / 64, std::size_t{1}});
    const std::size_t nc = exec::chunk_count(n, grain);
    auto for_chunks = [&](auto&& f) {
        if constexpr (pool_backend_v<Tag>) {
            Tag t = tag;
            t.grain = grain;
            exec::parallel_for(t, n, f);
        } else {
            f(exec::chunk{0, n, 0});
        }
    };
    using table = std::array<std::size_t, radix_size>;

    // Digit totals of every pass in one read: a pass whose digit is the same for
    // all keys (high bits of narrow-range data) is skipped.
    std::vector<std::array<table, passes>> all(nc);
    for_chunks([&](const exec::chunk& c) {
        auto& h = all[c.index];
        for (auto& t : h) t.fill(0);
        for (std::size_t i = c.begin; i < c.end; ++i)
            for (unsigned p = 0; p < passes; ++p) ++h[p][radix_digit(keys[i], p)];
    });
    std::vector<table> per_chunk(nc);
    K* src = keys;
    K* dst = keys_tmp;
    std::uint32_t* isrc = idx;
    std::uint32_t* idst = idx_tmp;
    for (unsigned p = 0; p < passes; ++p) {
        table total{};
        for (std::size_t c = 0; c < nc; ++c)
            for (std::size_t d = 0; d < radix_size; ++d) total[d] += all[c][p][d];
        if (total[radix_digit(src[0], p)] == n) continue;
        // Per-chunk counts of this digit in the current order (the first pass's
        // order is the input's, whose counts are known already).
        if (nc == 1) {
            per_chunk[0] = total;
        } else {
            for_chunks([&](const exec::chunk& c) {
                table& h = per_chunk[c.index];
                h.fill(0);
                for (std::size_t i = c.begin; i < c.end; ++i) ++h[radix_digit(src[i], p)];
            });
        }
        // Offsets: by digit, then by chunk, so equal digits keep their order.
        std::size_t run = 0;
        for (std::size_t d = 0; d < radix_size; ++d)
            for (std::size_t c = 0; c < nc; ++c) {
                const std::size_t cnt = per_chunk[c][d];
                per_chunk[c][d] = run;
                run += cnt;
            }
        for_chunks([&](const exec::chunk& c) {
            table& off = per_chunk[c.index];
            for (std::size_t i = c.begin; i < c.end; ++i) {
                const std::size_t pos = off[radix_digit(src[i], p)]++;
                dst[pos] = src[i];
                if (isrc) idst[pos] = isrc[i];
            }
        });
        std::swap(src, dst);
        std::swap(isrc, idst);
    }
    if (src != keys) {
        std::copy(src, src + n, keys);
        if (idx) std::copy(isrc, isrc + n, idx);
    }
}

// Keys of x in chunks; returns the number of NaNs. `ties` maps -0.0 to +0.0
// (ranks treat them as equal; quantiles keep them apart, as seq's sort does).
template <class Tag, class T>
std::size_t make_keys(const Tag& tag, std::span<const T> x, radix_key_t<T>* keys, bool ties) {
    auto fill = [&](std::size_t b, std::size_t e) {
        std::size_t nan = 0;
        for (std::size_t i = b; i < e; ++i) {
            const T v = ties ? x[i] + T(0) : x[i];  // -0 + 0 = +0; everything else unchanged
            keys[i] = radix_key(v);
            nan += std::isnan(v) ? 1 : 0;
        }
        return nan;
    };
    if constexpr (pool_backend_v<Tag>) {
        return exec::parallel_reduce(
            tag, x.size(), std::size_t{0},
            [&](const exec::chunk& c) { return fill(c.begin, c.end); },
            [](std::size_t a, std::size_t b) { return a + b; });
    } else {
        return fill(0, x.size());
    }
}

// ---- quantile -----------------------------------------------------------------------

// numpy's linear method on n sorted values, value(i) being the i-th smallest:
// virtual index (n-1)q, neighbours floor and floor+1, both n-1 at or past the
// end (where numpy computes gamma from index -1, hence vi + 1), then _lerp.
template <class T, class Value>
double linear_quantile(std::size_t n, double q, Value&& value) {
    const double vi = no_fma(static_cast<double>(n - 1) * q);
    std::size_t prev;
    std::size_t next;
    double gamma;
    if (vi >= static_cast<double>(n - 1)) {
        prev = next = n - 1;
        gamma = vi + 1.0;
    } else {
        const double f = std::floor(vi);
        prev = static_cast<std::size_t>(f);
        next = prev + 1;
        gamma = vi - f;
    }
    const T a = value(prev);
    const T b = value(next);
    const double diff = static_cast<double>(static_cast<T>(b - a));  // numpy subtracts in T
    if (gamma >= 0.5) return static_cast<double>(b) - no_fma(diff * (1.0 - gamma));
    return static_cast<double>(a) + no_fma(diff * gamma);
}

inline void check_quantiles(std::string_view where, std::span<const double> q) {
    for (std::size_t j = 0; j < q.size(); ++j)
        if (!(q[j] >= 0.0 && q[j] <= 1.0))
            throw config_error(tessera::detail::concat(where, ": q[", j, "] = ", q[j],
                                                       " is out of range; valid range: [0, 1]"),
                               "q");
}

// The sorted positions linear_quantile reads for q on n values.
inline void quantile_positions(std::size_t n, double q, std::vector<std::size_t>& out) {
    linear_quantile<double>(n, q, [&](std::size_t i) {
        out.push_back(i);
        return 0.0;
    });
}

template <class P, class T>
std::vector<double> quantile_impl(std::string_view where, const P& policy, std::span<const T> x,
                                  std::span<const double> q, bool skip_nan) {
    if (x.empty()) throw errors::empty_input(where);
    check_quantiles(where, q);
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const auto tag = exec::select_backend(policy);
    using tag_t = std::remove_cvref_t<decltype(tag)>;
    std::vector<double> out(q.size());
    if constexpr (!tag_t::vector) {
        std::vector<T> v;
        v.reserve(x.size());
        for (const T e : x) {
            if (std::isnan(e) && !skip_nan) return std::vector<double>(q.size(), nan);
            if (!std::isnan(e)) v.push_back(e);
        }
        if (v.empty()) return std::vector<double>(q.size(), nan);
        std::sort(v.begin(), v.end(), total_less<T>);
        for (std::size_t j = 0; j < q.size(); ++j)
            out[j] = linear_quantile<T>(v.size(), q[j], [&](std::size_t i) { return v[i]; });
        return out;
    } else {
        using K = radix_key_t<T>;
        const std::size_t n = x.size();
        std::vector<K> keys(n);
        const std::size_t nans = make_keys(tag, x, keys.data(), false);
        if ((nans > 0 && !skip_nan) || nans == n) return std::vector<double>(q.size(), nan);
        const std::size_t m = n - nans;  // NaN keys are the largest: valid ones rank first
        std::vector<std::size_t> pos;
        for (const double qj : q) quantile_positions(m, qj, pos);
        std::sort(pos.begin(), pos.end());
        pos.erase(std::unique(pos.begin(), pos.end()), pos.end());
        // nth_element costs about the length of what it scans, an LSD radix sort
        // about three times n on one thread (measured, 1M doubles): pick the
        // cheaper; par prefers the radix sort, whose passes run in parallel.
        std::size_t scan = 0;
        for (std::size_t k = 0; k < pos.size(); ++k) scan += n - (k == 0 ? 0 : pos[k - 1] + 1);
        std::size_t budget = 3 * n;
        if constexpr (pool_backend_v<tag_t>)
            if (exec::chunk_count(n, tag.grain) > 1) budget = 3 * n / 2;
        if (scan > budget) {
            std::vector<K> tmp(n);
            radix_sort(tag, keys.data(), tmp.data(), static_cast<std::uint32_t*>(nullptr),
                       static_cast<std::uint32_t*>(nullptr), n);
        } else {
            // A few order statistics: each nth_element works on what is right of
            // the previous one, which holds exactly the larger ranks.
            std::size_t lo = 0;
            for (const std::size_t p : pos) {
                std::nth_element(keys.begin() + static_cast<std::ptrdiff_t>(lo),
                                 keys.begin() + static_cast<std::ptrdiff_t>(p), keys.end());
                lo = p + 1;
            }
        }
        for (std::size_t j = 0; j < q.size(); ++j)
            out[j] = linear_quantile<T>(m, q[j], [&](std::size_t i) { return from_radix_key<T>(keys[i]); });
        return out;
    }
}

}  // namespace detail

// ---- rank ----------------------------------------------------------------------------

// 1-based ranks, ties get the mean of the ranks they span (scipy 'average');
// NaN -> NaN, and the other values are ranked as if the NaNs were absent.
// -0.0 and +0.0 tie. Empty input -> empty result.
template <exec::execution_policy P, rank_value T>
std::vector<double> rank(const P& policy, std::span<const T> x) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        const std::size_t n = x.size();
        std::vector<double> r(n, nan);
        const auto tag = exec::select_backend(policy);
        using tag_t = std::remove_cvref_t<decltype(tag)>;
        if constexpr (!tag_t::vector) {
            std::vector<std::size_t> order;
            order.reserve(n);
            for (std::size_t i = 0; i < n; ++i)
                if (!std::isnan(x[i])) order.push_back(i);
            std::stable_sort(order.begin(), order.end(),
                             [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
            for (std::size_t s = 0; s < order.size();) {
                std::size_t t = s + 1;
                while (t < order.size() && x[order[t]] == x[order[s]]) ++t;
                const double avg = static_cast<double>(s + 1 + t) / 2.0;
                for (std::size_t j = s; j < t; ++j) r[order[j]] = avg;
                s = t;
            }
            return r;
        } else {
            // Payload indices are 32-bit; larger inputs take the reference path.
            if (n > std::numeric_limits<std::uint32_t>::max()) return rank(exec::seq, x);
            using K = detail::radix_key_t<T>;
            std::vector<K> keys(n);
            std::vector<K> keys_tmp(n);
            std::vector<std::uint32_t> idx(n);
            std::vector<std::uint32_t> idx_tmp(n);
            std::iota(idx.begin(), idx.end(), std::uint32_t{0});
            const std::size_t m = n - detail::make_keys(tag, x, keys.data(), true);
            detail::radix_sort(tag, keys.data(), keys_tmp.data(), idx.data(), idx_tmp.data(), n);
            // Each chunk of sorted positions owns the tie groups that start in it.
            auto assign = [&](std::size_t b, std::size_t e) {
                std::size_t s = b;
                if (b > 0)
                    while (s < e && keys[s] == keys[b - 1]) ++s;
                while (s < e) {
                    std::size_t t = s + 1;
                    while (t < m && keys[t] == keys[s]) ++t;
                    const double avg = static_cast<double>(s + 1 + t) / 2.0;
                    for (std::size_t j = s; j < t; ++j) r[idx[j]] = avg;
                    s = t;
                }
            };
            if constexpr (detail::pool_backend_v<tag_t>) {
                exec::parallel_for(tag, m, [&](const exec::chunk& c) { assign(c.begin, c.end); });
            } else {
                assign(0, m);
            }
            return r;
        }
    }
}

template <rank_value T>
std::vector<double> rank(std::span<const T> x) {
    return rank(exec::par, x);
}

// ---- quantile ---------------------------------------------------------------------------

// numpy.quantile(x, q) with method='linear': one result per q, q[j] in [0, 1]
// (otherwise config_error naming j). Any NaN in x makes every result NaN, as
// numpy propagates it. Empty x -> shape_error. Computed in double; for float
// data the neighbour difference is rounded to float first, as numpy does.
template <exec::execution_policy P, rank_value T>
std::vector<double> quantile(const P& policy, std::span<const T> x, std::span<const double> q) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        return detail::quantile_impl("quantile", policy, x, q, false);
    }
}

template <rank_value T>
std::vector<double> quantile(std::span<const T> x, std::span<const double> q) {
    return quantile(exec::par, x, q);
}

// numpy.nanquantile: as quantile over the non-NaN values; all NaN -> NaN results.
template <exec::execution_policy P, rank_value T>
std::vector<double> nanquantile(const P& policy, std::span<const T> x, std::span<const double> q) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return {};
    } else {
        return detail::quantile_impl("nanquantile", policy, x, q, true);
    }
}

template <rank_value T>
std::vector<double> nanquantile(std::span<const T> x, std::span<const double> q) {
    return nanquantile(exec::par, x, q);
}

}  // namespace tessera::kernels
