// Random binned data shared by the GBDT device tests (OMP back end and device).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace gbdt_cuda_test {

// A row-major uint8 bin matrix; feature f has width(f) codes, flat bins
// [offsets[f], offsets[f+1]); when has_nan[f] its last code is the NaN bin.
struct binned_case {
    std::size_t rows = 0;
    std::size_t n_features = 0;
    std::vector<std::uint8_t> bins;
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint8_t> has_nan;

    std::uint32_t width(std::size_t f) const { return offsets[f + 1] - offsets[f]; }
    std::uint32_t nan_code(std::size_t f) const { return width(f) - 1; }
    std::size_t total_bins() const { return offsets[n_features]; }

    struct layout {
        std::vector<std::uint32_t> nan_bin;      // flat, or 0xffffffff
        std::vector<std::uint32_t> bin_feature;  // per flat bin
    };
    layout layout_vectors() const {
        layout l;
        for (std::size_t f = 0; f < n_features; ++f) {
            l.nan_bin.push_back(has_nan[f] ? offsets[f] + nan_code(f) : 0xffffffffu);
            for (std::uint32_t b = 0; b < width(f); ++b) l.bin_feature.push_back(static_cast<std::uint32_t>(f));
        }
        return l;
    }
};

// Widths from 1 to 256 (2 to 6 with `narrow`, which makes equal gains likely);
// about a tenth of the codes of a NaN feature are NaN.
inline binned_case make_binned(std::size_t rows, std::size_t n_features, std::uint64_t seed,
                               bool narrow = false) {
    std::mt19937_64 g(seed);
    binned_case c;
    c.rows = rows;
    c.n_features = n_features;
    c.offsets.push_back(0);
    for (std::size_t f = 0; f < n_features; ++f) {
        std::uint32_t w = narrow ? 2 + static_cast<std::uint32_t>(g() % 5)
                                 : 1 + static_cast<std::uint32_t>(g() % 256);
        if (f == 0 && !narrow) w = 256;
        c.offsets.push_back(c.offsets.back() + w);
        c.has_nan.push_back(w >= 2 && g() % 2 == 0 ? 1 : 0);
    }
    c.bins.resize(rows * n_features);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t f = 0; f < n_features; ++f) {
            const std::uint32_t w = c.width(f);
            std::uint32_t x = static_cast<std::uint32_t>(g() % w);
            if (c.has_nan[f]) x = g() % 10 == 0 ? w - 1 : static_cast<std::uint32_t>(g() % (w - 1));
            c.bins[r * n_features + f] = static_cast<std::uint8_t>(x);
        }
    }
    return c;
}

// kind 0: gradients in [-3, 3); kind 1: hessians in (0, 1].
inline std::vector<float> random_gradients(std::size_t n, std::uint64_t seed, int kind) {
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<float> u(kind == 0 ? -3.0f : 0.0f, kind == 0 ? 3.0f : 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = kind == 0 ? u(g) : 1.0f - u(g);
    return v;
}

inline double max_abs(const std::vector<float>& v) {
    double m = 0;
    for (float x : v) m = std::max(m, std::fabs(static_cast<double>(x)));
    return m;
}

inline std::vector<std::uint32_t> all_rows(std::size_t n) {
    std::vector<std::uint32_t> r(n);
    for (std::size_t i = 0; i < n; ++i) r[i] = static_cast<std::uint32_t>(i);
    return r;
}

// An increasing random subset (about 40%) of 0..n-1.
inline std::vector<std::uint32_t> some_rows(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<std::uint32_t> r;
    for (std::size_t i = 0; i < n; ++i) {
        if (g() % 5 < 2) r.push_back(static_cast<std::uint32_t>(i));
    }
    return r;
}

// Brute force: {g, h, count, 0} per flat bin over the given rows.
inline std::vector<unsigned long long> reference_histogram(const binned_case& c, const std::vector<std::uint32_t>& rows,
                                         const std::vector<long long>& qg,
                                         const std::vector<long long>& qh) {
    std::vector<unsigned long long> h(4 * c.total_bins(), 0);
    for (std::uint32_t r : rows) {
        for (std::size_t f = 0; f < c.n_features; ++f) {
            const std::size_t b = c.offsets[f] + c.bins[r * c.n_features + f];
            h[4 * b] += static_cast<unsigned long long>(qg[r]);
            h[4 * b + 1] += static_cast<unsigned long long>(qh[r]);
            h[4 * b + 2] += 1;
        }
    }
    return h;
}

}  // namespace gbdt_cuda_test
