// tessera/drift/detail/python_random.hpp — CPython's `random.Random` as far as
// KSWIN needs it: MT19937 seeded from an integer as `random.seed(int)` does,
// `getrandbits`, `_randbelow` and `random.sample(range(n), k)`. It exists only to
// replay River's KSWIN draws exactly (River samples with `random.Random(seed)`).
//
// Sources followed (CPython 3.11, read, not copied): Modules/_randommodule.c
// (init_genrand, init_by_array, genrand_uint32; `random_seed` splits |seed| into
// 32-bit words, least significant first, one word for 0; getrandbits(k <= 32)
// is genrand_uint32() >> (32 - k), wider requests fill 32-bit words from the
// least significant end), Lib/random.py (`_randbelow_with_getrandbits`:
// k = n.bit_length(), draw getrandbits(k) until < n; `sample`: a pool list when
// n <= setsize, setsize = 21 + (k > 5 ? 4^ceil(log(3k, 4)) : 0), else a set of
// taken indices with redraws). MT19937 itself: Matsumoto & Nishimura, 1998.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::drift::detail {

class python_mt19937 {
public:
    static constexpr int N = 624, M = 397;

    explicit python_mt19937(std::uint64_t seed = 0) { seed_int(seed); }

    // random.seed(seed) for a non-negative int seed.
    void seed_int(std::uint64_t seed) {
        std::uint32_t key[2] = {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
        init_by_array(key, (seed >> 32) != 0 ? 2 : 1);
    }

    std::uint32_t next_u32() {
        if (index_ >= N) twist();
        std::uint32_t y = mt_[index_++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    // getrandbits(k), 1 <= k <= 64.
    std::uint64_t getrandbits(int k) {
        if (k <= 32) return next_u32() >> (32 - k);
        const std::uint64_t lo = next_u32();
        const std::uint64_t hi = next_u32() >> (64 - k);
        return lo | (hi << 32);
    }

    // _randbelow_with_getrandbits(n), n > 0: uniform in [0, n).
    std::uint64_t randbelow(std::uint64_t n) {
        const int k = bit_length(n);
        std::uint64_t r = getrandbits(k);
        while (r >= n) r = getrandbits(k);
        return r;
    }

    // random.sample(range(n), out.size()) into out, in draw order; needs
    // out.size() <= n. `scratch` is reused storage for the pool or the taken set.
    void sample(std::size_t n, std::span<std::size_t> out, std::vector<std::size_t>& scratch) {
        const std::size_t k = out.size();
        std::size_t setsize = 21;
        if (k > 5)
            setsize += static_cast<std::size_t>(
                std::pow(4.0, std::ceil(std::log(static_cast<double>(k * 3)) / std::log(4.0))));
        if (n <= setsize) {
            scratch.resize(n);
            for (std::size_t i = 0; i < n; ++i) scratch[i] = i;
            for (std::size_t i = 0; i < k; ++i) {
                const std::size_t j = static_cast<std::size_t>(randbelow(n - i));
                out[i] = scratch[j];
                scratch[j] = scratch[n - i - 1];
            }
        } else {
            // The set of taken indices as a bitmap over [0, n): same draws as Python's set.
            scratch.assign((n + 63) / 64, 0);
            for (std::size_t i = 0; i < k; ++i) {
                std::size_t j = static_cast<std::size_t>(randbelow(n));
                while (scratch[j / 64] >> (j % 64) & 1u) j = static_cast<std::size_t>(randbelow(n));
                scratch[j / 64] |= std::size_t{1} << (j % 64);
                out[i] = j;
            }
        }
    }

private:
    static int bit_length(std::uint64_t n) noexcept {
        int b = 0;
        while (n != 0) {
            ++b;
            n >>= 1;
        }
        return b;
    }

    void init_genrand(std::uint32_t s) {
        mt_[0] = s;
        for (int i = 1; i < N; ++i)
            mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
        index_ = N;
    }

    void init_by_array(const std::uint32_t* key, int len) {
        init_genrand(19650218u);
        int i = 1, j = 0;
        for (int k = N > len ? N : len; k > 0; --k) {
            mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] +
                     static_cast<std::uint32_t>(j);
            ++i;
            ++j;
            if (i >= N) {
                mt_[0] = mt_[N - 1];
                i = 1;
            }
            if (j >= len) j = 0;
        }
        for (int k = N - 1; k > 0; --k) {
            mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) -
                     static_cast<std::uint32_t>(i);
            ++i;
            if (i >= N) {
                mt_[0] = mt_[N - 1];
                i = 1;
            }
        }
        mt_[0] = 0x80000000u;
        index_ = N;
    }

    void twist() {
        constexpr std::uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix_a = 0x9908b0dfu;
        for (int kk = 0; kk < N; ++kk) {
            const std::uint32_t y = (mt_[kk] & upper) | (mt_[(kk + 1) % N] & lower);
            mt_[kk] = mt_[(kk + M) % N] ^ (y >> 1) ^ ((y & 1u) ? matrix_a : 0u);
        }
        index_ = 0;
    }

    std::array<std::uint32_t, N> mt_{};
    int index_ = N;
};

}  // namespace tessera::drift::detail
