// tessera/drift/detail/radix_sort.hpp — the sort behind KS and Wasserstein's
// fast paths: the finite values of a sample as order-preserving 64-bit keys
// (kernels/rank.hpp's radix_key; -0.0 folded into +0.0, NaN and +-inf left
// out while the keys are made), then an LSD radix sort with 11-bit digits:
// 6 passes instead of 8-bit digits' 8, all six digit histograms counted in
// the pass that makes the keys, passes whose digit is the same for every key
// skipped, buffers left uninitialised. Measured on 1M N(0,1) doubles (one
// thread, loaded 2-core machine): see docs/drift.md.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <tessera/kernels/rank.hpp>

namespace tessera::drift::detail {

inline constexpr unsigned radix11_bits = 11;
inline constexpr std::size_t radix11_size = std::size_t{1} << radix11_bits;
inline constexpr unsigned radix11_passes = 6;  // 6 x 11 >= 64

// Sorted keys of the finite values of a sample. `data()` points into `storage`
// (two halves of n keys: the sort ping-pongs between them).
struct sorted_keys {
    std::unique_ptr<std::uint64_t[]> storage;
    const std::uint64_t* first = nullptr;
    std::size_t count = 0;
    const std::uint64_t* data() const noexcept { return first; }
    std::size_t size() const noexcept { return count; }
};

inline sorted_keys radix_sort_finite(std::span<const double> x) {
    const std::size_t n = x.size();
    sorted_keys s;
    s.storage.reset(new std::uint64_t[2 * n + 1]);  // default-initialised: no memset
    std::uint64_t* a = s.storage.get();
    std::uint64_t* b = a + n;
    std::array<std::array<std::uint32_t, radix11_size>, radix11_passes> hist{};
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = x[i];
        if (!std::isfinite(v)) continue;
        const std::uint64_t k = kernels::detail::radix_key(v + 0.0);  // -0 + 0 = +0
        a[m++] = k;
        for (unsigned p = 0; p < radix11_passes; ++p) ++hist[p][(k >> (p * radix11_bits)) & (radix11_size - 1)];
    }
    for (unsigned p = 0; p < radix11_passes && m > 1; ++p) {
        auto& h = hist[p];
        if (h[(a[0] >> (p * radix11_bits)) & (radix11_size - 1)] == m) continue;  // one digit: nothing moves
        std::uint32_t run = 0;
        for (auto& c : h) {
            const std::uint32_t cnt = c;
            c = run;
            run += cnt;
        }
        const unsigned shift = p * radix11_bits;
        for (std::size_t i = 0; i < m; ++i) {
            const std::uint64_t k = a[i];
            b[h[(k >> shift) & (radix11_size - 1)]++] = k;
        }
        std::swap(a, b);
    }
    s.first = a;
    s.count = m;
    return s;
}

}  // namespace tessera::drift::detail
