// tessera/core/random.hpp — Philox4x32-10, the counter-based generator behind
// every random choice in tessera (DESIGN.md, "Determinism").
//
// Philox4x32-10: Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy
// as 1, 2, 3", SC'11; constants, round function and key schedule as Random123's
// philox.h, checked against its published known-answer vectors (kat_vectors).
//
// Draw i of stream (seed, stream) is a pure function of one Philox block:
//   counter = {lo32(i), hi32(i), lo32(stream), hi32(stream)}, key = {lo32(seed), hi32(seed)}.
// Every draw method consumes exactly one counter (one block), so the value at
// (seed, stream, index) is computable directly (`*_at(index)`), a parallel loop
// that draws at fixed indices gets the same numbers for any thread count, and a
// CUDA kernel calling `philox4x32_10` draws the same bits as the host.
// Draw rules (also in docs/core.md):
//   bits      64 bits: word0 | word1 << 32
//   uniform   double: top 53 of those 64 bits × 2^-53; float: top 24 bits × 2^-24; in [0, 1)
//   normal    Box–Muller in double on u1 = 1 - uniform(word0,word1) in (0, 1] and
//             u2 = uniform(word2,word3); the cosine branch only, so a variate needs
//             no second block
//   uniform_int  Lemire's multiply-shift with rejection (unbiased); candidates are the
//             block's four 32-bit words (range < 2^32) or two 64-bit words; if all are
//             rejected the block is re-encrypted, philox(block, key), for more
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <numbers>
#include <ranges>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tessera/core/config.hpp>
#include <tessera/core/errors.hpp>

namespace tessera {

// Four 32-bit words: a Philox counter, and also its output block.
struct philox4x32_counter {
    std::uint32_t v[4];
    friend constexpr bool operator==(const philox4x32_counter&,
                                     const philox4x32_counter&) = default;
};
struct philox4x32_key {
    std::uint32_t v[2];
};

// The raw block function. Plain integer arithmetic only, so nvcc compiles it for
// the device from this same body.
TESSERA_HD constexpr philox4x32_counter philox4x32_10(philox4x32_counter c,
                                                      philox4x32_key k) noexcept {
    constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;  // multipliers
    constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;  // Weyl key bumps
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k.v[0] += w0;
            k.v[1] += w1;
        }
        const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * c.v[0];
        const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * c.v[2];
        c = philox4x32_counter{{static_cast<std::uint32_t>(p1 >> 32) ^ c.v[1] ^ k.v[0],
                                static_cast<std::uint32_t>(p1),
                                static_cast<std::uint32_t>(p0 >> 32) ^ c.v[3] ^ k.v[1],
                                static_cast<std::uint32_t>(p0)}};
    }
    return c;
}

// Uniform [0, 1) from the top bits of a 64-bit word: exact multiples of 2^-53
// (double) or 2^-24 (float), so 1.0 is never returned, whatever the rounding mode.
TESSERA_HD constexpr double uniform_double(std::uint64_t bits) noexcept {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}
TESSERA_HD constexpr float uniform_float(std::uint64_t bits) noexcept {
    return static_cast<float>(bits >> 40) * 0x1.0p-24f;
}

namespace detail::philox {

TESSERA_HD constexpr std::uint64_t lo64(const philox4x32_counter& b) noexcept {
    return b.v[0] | (static_cast<std::uint64_t>(b.v[1]) << 32);
}
TESSERA_HD constexpr std::uint64_t hi64(const philox4x32_counter& b) noexcept {
    return b.v[2] | (static_cast<std::uint64_t>(b.v[3]) << 32);
}

// Lemire, "Fast random integer generation in an interval", ACM TOMACS 2019:
// offset in [0, s) from one L-bit candidate x, or false when x falls in the
// biased zone and must be rejected.
inline bool lemire32(std::uint32_t x, std::uint32_t s, std::uint64_t& out) noexcept {
    const std::uint64_t m = static_cast<std::uint64_t>(x) * s;
    const auto l = static_cast<std::uint32_t>(m);
    if (l < s && l < static_cast<std::uint32_t>(-s) % s) return false;
    out = m >> 32;
    return true;
}
inline bool lemire64(std::uint64_t x, std::uint64_t s, std::uint64_t& out) noexcept {
    __extension__ using u128 = unsigned __int128;
    const u128 m = static_cast<u128>(x) * s;
    const auto l = static_cast<std::uint64_t>(m);
    if (l < s && l < (0 - s) % s) return false;
    out = static_cast<std::uint64_t>(m >> 64);
    return true;
}

// Offset in [0, range] (inclusive) from the block at one counter.
inline std::uint64_t bounded(philox4x32_counter b, philox4x32_key key,
                             std::uint64_t range) noexcept {
    if (range == ~std::uint64_t{0}) return lo64(b);
    std::uint64_t out = 0;
    for (;;) {
        if (range < 0xFFFFFFFFull) {
            const auto s = static_cast<std::uint32_t>(range + 1);
            for (std::uint32_t w : b.v)
                if (lemire32(w, s, out)) return out;
        } else {
            if (lemire64(lo64(b), range + 1, out)) return out;
            if (lemire64(hi64(b), range + 1, out)) return out;
        }
        b = philox4x32_10(b, key);  // all candidates rejected: re-encrypt for more
    }
}

}  // namespace detail::philox

// A Philox4x32-10 stream keyed by (seed, stream), positioned at a counter.
// Satisfies std::uniform_random_bit_generator (64-bit results; checked in
// tests/core), so it plugs into <random> too; tessera's own draws use the methods below, whose values are
// defined by this header and so are the same on every platform.
class philox_engine {
public:
    using result_type = std::uint64_t;
    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return ~result_type{0}; }

    TESSERA_HD constexpr philox_engine() noexcept : philox_engine(0, 0) {}
    TESSERA_HD constexpr explicit philox_engine(std::uint64_t seed,
                                                std::uint64_t stream = 0) noexcept
        : seed_(seed), stream_(stream) {}

    TESSERA_HD constexpr std::uint64_t seed() const noexcept { return seed_; }
    TESSERA_HD constexpr std::uint64_t stream() const noexcept { return stream_; }
    // The counter the next draw uses; every draw advances it by exactly one.
    TESSERA_HD constexpr std::uint64_t position() const noexcept { return counter_; }
    TESSERA_HD constexpr void seek(std::uint64_t index) noexcept { counter_ = index; }
    TESSERA_HD constexpr void discard(std::uint64_t n) noexcept { counter_ += n; }

    TESSERA_HD constexpr philox4x32_key key() const noexcept {
        return {{static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)}};
    }
    TESSERA_HD constexpr philox4x32_counter block_at(std::uint64_t index) const noexcept {
        return philox4x32_10(
            {{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
              static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)}},
            key());
    }

    // ---- random access: the draw at counter `index`, position unchanged ----
    TESSERA_HD constexpr result_type bits_at(std::uint64_t index) const noexcept {
        return detail::philox::lo64(block_at(index));
    }
    template <std::floating_point T = double>
    TESSERA_HD constexpr T uniform_at(std::uint64_t index) const noexcept {
        if constexpr (std::same_as<T, float>)
            return uniform_float(bits_at(index));
        else
            return static_cast<T>(uniform_double(bits_at(index)));
    }
    // Standard normal (Box–Muller, cosine branch, computed in double).
    template <std::floating_point T = double>
    T normal_at(std::uint64_t index) const noexcept {
        const auto b = block_at(index);
        const double u1 = 1.0 - uniform_double(detail::philox::lo64(b));  // (0, 1]
        const double u2 = uniform_double(detail::philox::hi64(b));
        return static_cast<T>(std::sqrt(-2.0 * std::log(u1)) *
                              std::cos(2.0 * std::numbers::pi * u2));
    }
    // Uniform on the closed interval [lo, hi], unbiased.
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    T uniform_int_at(std::uint64_t index, T lo, T hi) const {
        if (hi < lo)
            throw errors::out_of_range("uniform_int", "hi", +hi,
                                       detail::concat(">= lo = ", +lo));
        const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
        const std::uint64_t off = detail::philox::bounded(block_at(index), key(), range);
        return static_cast<T>(static_cast<std::uint64_t>(lo) + off);
    }

    // ---- sequential draws: the `*_at` value at position(), then advance ----
    TESSERA_HD constexpr result_type operator()() noexcept { return bits_at(counter_++); }
    template <std::floating_point T = double>
    TESSERA_HD constexpr T uniform() noexcept {
        return uniform_at<T>(counter_++);
    }
    template <std::floating_point T = double>
    T normal() noexcept {
        return normal_at<T>(counter_++);
    }
    template <std::floating_point T = double>
    T normal(T mean, T stddev) noexcept {
        return mean + stddev * normal<T>();
    }
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    T uniform_int(T lo, T hi) {
        const T v = uniform_int_at(counter_, lo, hi);  // throws before advancing
        ++counter_;
        return v;
    }

    // Fisher–Yates from the back (as std::shuffle / numpy): element i swaps with a
    // uniform j in [0, i], for i = n-1 down to 1; consumes n-1 counters.
    template <std::ranges::random_access_range R>
        requires std::ranges::sized_range<R>
    void shuffle(R&& r) {
        const auto n = static_cast<std::size_t>(std::ranges::size(r));
        auto first = std::ranges::begin(r);
        for (std::size_t i = n; i-- > 1;) {
            const std::size_t j = uniform_int<std::size_t>(0, i);
            std::ranges::iter_swap(first + static_cast<std::ptrdiff_t>(i),
                                   first + static_cast<std::ptrdiff_t>(j));
        }
    }

    // k distinct indices from [0, n), in random order: the first k positions of a
    // Fisher–Yates pass from the front over 0..n-1 (position i swaps with a uniform
    // j in [i, n-1]); consumes k counters. Dense for k >= n/8, otherwise the
    // swapped entries live in a hash map (O(k) memory); both give the same result.
    std::vector<std::size_t> sample_without_replacement(std::size_t n, std::size_t k) {
        if (k > n)
            throw errors::out_of_range("sample_without_replacement", "k", k,
                                       detail::concat("[0, n] with n = ", n));
        return k >= n / 8 ? sample_dense(n, k) : sample_sparse(n, k);
    }

    // The two storages of sample_without_replacement, public for the test that
    // checks they agree; call sample_without_replacement.
    std::vector<std::size_t> sample_dense(std::size_t n, std::size_t k) {
        std::vector<std::size_t> a(n);
        for (std::size_t i = 0; i < n; ++i) a[i] = i;
        for (std::size_t i = 0; i < k; ++i) std::swap(a[i], a[uniform_int(i, n - 1)]);
        a.resize(k);
        return a;
    }
    std::vector<std::size_t> sample_sparse(std::size_t n, std::size_t k) {
        std::unordered_map<std::size_t, std::size_t> moved;  // position -> value if not identity
        moved.reserve(2 * k);
        const auto at = [&](std::size_t p) {
            const auto it = moved.find(p);
            return it == moved.end() ? p : it->second;
        };
        std::vector<std::size_t> out(k);
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t j = uniform_int(i, n - 1);
            const std::size_t vi = at(i), vj = at(j);
            out[i] = vj;
            moved[j] = vi;  // position i is never read again
        }
        return out;
    }

private:
    std::uint64_t seed_ = 0;
    std::uint64_t stream_ = 0;
    std::uint64_t counter_ = 0;
};

using rng = philox_engine;

}  // namespace tessera
