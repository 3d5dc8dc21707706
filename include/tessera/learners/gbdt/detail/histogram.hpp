// tessera/learners/gbdt/detail/histogram.hpp — quantized gradient/hessian
// histograms over the binned matrix (CPU).
//
// A node's histogram is one array of hist_cell (32 bytes: int64 gradient sum,
// int64 hessian sum, int64 count, padding), feature f's bins at
// offset[f] .. offset[f] + n_bins(f). Sums are exact integers, so
//   - the larger child is parent - smaller, exactly (subtract_histogram);
//   - partial histograms of row blocks can be added in any order: the result
//     is bitwise the same for any number of threads (par cuts the rows into
//     one block per thread, which is allowed precisely because of that).
// Construction is row-wise: for each row of the node, its bins are one
// contiguous load of `features` bytes from the row-major matrix, and each
// feature adds (g, h, 1, 0) to one cell with a single 256-bit integer add
// (AVX2) — one load, one add, one store per (row, feature). The next rows'
// bins and gradients are prefetched (the row list of a node is ascending but
// sparse). Features are processed in blocks so that a block's histogram stays
// in L2 (matters for hundreds of features).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <tessera/learners/gbdt/detail/split_math.hpp>

namespace tessera::gbdt::detail {

// Quantized gradient and hessian of one row.
struct gh_pair {
    std::int64_t g;
    std::int64_t h;
};

inline void zero_histogram(hist_cell* h, std::size_t n) { std::memset(static_cast<void*>(h), 0, n * sizeof(hist_cell)); }

inline void add_histogram(hist_cell* dst, const hist_cell* src, std::size_t n) {
#if defined(__AVX2__)
    for (std::size_t i = 0; i < n; ++i) {
        auto* d = reinterpret_cast<__m256i*>(dst + i);
        const auto* s = reinterpret_cast<const __m256i*>(src + i);
        _mm256_store_si256(d, _mm256_add_epi64(_mm256_load_si256(d), _mm256_load_si256(s)));
    }
#else
    for (std::size_t i = 0; i < n; ++i) {
        dst[i].g += src[i].g;
        dst[i].h += src[i].h;
        dst[i].c += src[i].c;
    }
#endif
}

// larger := parent - smaller, in place in the parent's buffer.
inline void subtract_histogram(hist_cell* parent, const hist_cell* smaller, std::size_t n) {
#if defined(__AVX2__)
    for (std::size_t i = 0; i < n; ++i) {
        auto* d = reinterpret_cast<__m256i*>(parent + i);
        const auto* s = reinterpret_cast<const __m256i*>(smaller + i);
        _mm256_store_si256(d, _mm256_sub_epi64(_mm256_load_si256(d), _mm256_load_si256(s)));
    }
#else
    for (std::size_t i = 0; i < n; ++i) {
        parent[i].g -= smaller[i].g;
        parent[i].h -= smaller[i].h;
        parent[i].c -= smaller[i].c;
    }
#endif
}

// The reference: plain loops, one (row, feature) at a time.
inline void build_histogram_seq(const std::uint8_t* bins, std::size_t F, const std::uint32_t* offset,
                                const gh_pair* q, const std::uint32_t* rows, std::size_t n,
                                hist_cell* out) {
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t i = rows[j];
        for (std::size_t f = 0; f < F; ++f) {
            hist_cell& c = out[offset[f] + bins[i * F + f]];
            c.g += q[i].g;
            c.h += q[i].h;
            c.c += 1;
        }
    }
}

// Adds rows[0, n) (or rows 0..n-1 when rows == nullptr) on features [f0, f1).
template <bool Contiguous>
inline void accumulate_rows(const std::uint8_t* __restrict bins, std::size_t F, std::size_t f0,
                            std::size_t f1, const std::uint32_t* __restrict offset,
                            const gh_pair* __restrict q, const std::uint32_t* __restrict rows,
                            std::size_t n, hist_cell* __restrict out) {
    constexpr std::size_t ahead = 24;
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t i = Contiguous ? j : rows[j];
        if constexpr (!Contiguous) {
            if (j + ahead < n) {
                const std::size_t ia = rows[j + ahead];
                __builtin_prefetch(bins + ia * F + f0);
                __builtin_prefetch(bins + ia * F + f1 - 1);
                __builtin_prefetch(q + ia);
            }
        }
        const std::uint8_t* r = bins + i * F;
#if defined(__AVX2__)
        const __m256i v = _mm256_set_epi64x(0, 1, q[i].h, q[i].g);
        std::size_t f = f0;
        for (; f + 4 <= f1; f += 4) {
            std::uint32_t w;  // four bins in one load
            std::memcpy(&w, r + f, 4);
            auto* c0 = reinterpret_cast<__m256i*>(out + offset[f] + (w & 0xFF));
            _mm256_store_si256(c0, _mm256_add_epi64(_mm256_load_si256(c0), v));
            auto* c1 = reinterpret_cast<__m256i*>(out + offset[f + 1] + ((w >> 8) & 0xFF));
            _mm256_store_si256(c1, _mm256_add_epi64(_mm256_load_si256(c1), v));
            auto* c2 = reinterpret_cast<__m256i*>(out + offset[f + 2] + ((w >> 16) & 0xFF));
            _mm256_store_si256(c2, _mm256_add_epi64(_mm256_load_si256(c2), v));
            auto* c3 = reinterpret_cast<__m256i*>(out + offset[f + 3] + (w >> 24));
            _mm256_store_si256(c3, _mm256_add_epi64(_mm256_load_si256(c3), v));
        }
        for (; f < f1; ++f) {
            auto* c = reinterpret_cast<__m256i*>(out + offset[f] + r[f]);
            _mm256_store_si256(c, _mm256_add_epi64(_mm256_load_si256(c), v));
        }
#else
        const std::int64_t g = q[i].g, h = q[i].h;
        for (std::size_t f = f0; f < f1; ++f) {
            hist_cell& c = out[offset[f] + r[f]];
            c.g += g;
            c.h += h;
            c.c += 1;
        }
#endif
    }
}

// Feature blocks whose histogram fits in ~1 MiB (all features at once for 28).
inline std::size_t feature_block(const std::uint32_t* offset, std::size_t F, std::size_t f0) {
    constexpr std::size_t budget = (std::size_t{1} << 20) / sizeof(hist_cell);
    std::size_t f1 = f0 + 1;
    while (f1 < F && offset[f1 + 1] - offset[f0] <= budget) ++f1;
    return f1;
}

// Fast single-threaded build into `out` (zeroed here). rows == nullptr: rows 0..n-1.
inline void build_histogram_block(const std::uint8_t* bins, std::size_t F, const std::uint32_t* offset,
                                  const gh_pair* q, const std::uint32_t* rows, std::size_t n,
                                  hist_cell* out) {
    zero_histogram(out, offset[F]);
    for (std::size_t f0 = 0; f0 < F;) {
        const std::size_t f1 = feature_block(offset, F, f0);
        if (rows) accumulate_rows<false>(bins, F, f0, f1, offset, q, rows, n, out);
        else accumulate_rows<true>(bins, F, f0, f1, offset, q, rows, n, out);
        f0 = f1;
    }
}

}  // namespace tessera::gbdt::detail
