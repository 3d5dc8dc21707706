// tessera/features/detail/covariance.hpp — column means and centred cross
// products sum_r (x_r - c)(x_r - c)^T of a row-major block, in double.
//
// exec::seq is the textbook loop: one rank-1 update of the upper triangle per
// row. exec::simd centres blocks of 64 rows into a double buffer (columns padded
// with zeros to whole batches) and adds their cross products with xsimd batches
// along each row of the triangle (a rank-64 update, accumulated in registers). exec::par runs the simd kernel on fixed
// row chunks (at least grain / cols rows each, and at most 64 chunks, fewer
// when cols is large, so the per-chunk p x p partials stay under 64 MiB) and
// adds the partials in chunk order: bitwise identical for any thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/simd.hpp>

namespace tessera::features::detail::covar {

inline constexpr std::size_t block_rows = 64;

// Rows per chunk on the pool: depends on the shape and the grain only.
inline std::size_t chunk_rows(std::size_t grain, std::size_t rows, std::size_t cols) {
    const std::size_t by_grain = std::max<std::size_t>(1, grain / std::max<std::size_t>(1, cols));
    const std::size_t max_chunks =
        std::clamp<std::size_t>((std::size_t{1} << 23) / std::max<std::size_t>(1, cols * cols), 1, 64);
    return std::max(by_grain, (rows + max_chunks - 1) / max_chunks);
}

template <class T>
void add_sums(const T* x, std::size_t r0, std::size_t r1, std::size_t cols, double* sums) {
    for (std::size_t r = r0; r < r1; ++r)
        for (std::size_t c = 0; c < cols; ++c) sums[c] += static_cast<double>(x[r * cols + c]);
}

// Column means of rows x cols (rows > 0).
template <class Tag, class T>
std::vector<double> column_means(const Tag& tag, const T* x, std::size_t rows, std::size_t cols) {
    std::vector<double> sums(cols, 0.0);
    if constexpr (std::is_same_v<Tag, exec::pool_tag<true>>) {
        auto by_rows = tag;
        by_rows.grain = chunk_rows(tag.grain, rows, cols);
        sums = exec::parallel_reduce(
            by_rows, rows, std::move(sums),
            [&](const exec::chunk& ch) {
                std::vector<double> s(cols, 0.0);
                add_sums(x, ch.begin, ch.end, cols, s.data());
                return s;
            },
            [](std::vector<double> a, const std::vector<double>& b) {
                for (std::size_t c = 0; c < a.size(); ++c) a[c] += b[c];
                return a;
            });
    } else {
        add_sums(x, 0, rows, cols, sums.data());
    }
    for (double& s : sums) s /= static_cast<double>(rows);
    return sums;
}

// Upper triangle of rows [r0, r1) into C (ld x ld, ld = cols rounded up to the
// batch width): the centred rows go through a buffer of 64 rows whose padding
// columns are 0, so every triangle row is whole batches; for each triangle row
// i, columns j >= i in groups of up to 4 batches accumulate in registers over
// the block.
struct cross_fn {
    template <class Arch>
    static constexpr std::size_t padded(std::size_t cols) {
        constexpr std::size_t W = simd::batch<double, Arch>::size;
        return (cols + W - 1) / W * W;
    }

    template <class Arch, class T>
    void operator()(Arch, const T* x, std::size_t r0, std::size_t r1, std::size_t cols,
                    const double* center, double* C) const {
        using B = simd::batch<double, Arch>;
        constexpr std::size_t W = B::size;
        const std::size_t ld = padded<Arch>(cols);
        std::vector<double> buf(block_rows * ld, 0.0);
        for (std::size_t b0 = r0; b0 < r1; b0 += block_rows) {
            const std::size_t nr = std::min(block_rows, r1 - b0);
            for (std::size_t k = 0; k < nr; ++k)
                for (std::size_t c = 0; c < cols; ++c)
                    buf[k * ld + c] = static_cast<double>(x[(b0 + k) * cols + c]) - center[c];
            const double* D = buf.data();
            for (std::size_t i = 0; i < cols; ++i) {
                double* ci = C + i * ld;
                std::size_t j = i - i % W;
                for (; j + 4 * W <= ld; j += 4 * W) group<4>(Arch{}, D, nr, ld, i, j, ci);
                switch ((ld - j) / W) {
                    case 3: group<3>(Arch{}, D, nr, ld, i, j, ci); break;
                    case 2: group<2>(Arch{}, D, nr, ld, i, j, ci); break;
                    case 1: group<1>(Arch{}, D, nr, ld, i, j, ci); break;
                    default: break;
                }
            }
        }
    }

    template <std::size_t K, class Arch>
    static void group(Arch, const double* D, std::size_t nr, std::size_t cols, std::size_t i,
                      std::size_t j, double* ci) {
        using B = simd::batch<double, Arch>;
        constexpr std::size_t W = B::size;
        B acc[K];
        for (std::size_t g = 0; g < K; ++g) acc[g] = B(0.0);
        for (std::size_t k = 0; k < nr; ++k) {
            const B a(D[k * cols + i]);
            const double* row = D + k * cols + j;
            for (std::size_t g = 0; g < K; ++g) acc[g] += a * B::load_unaligned(row + g * W);
        }
        for (std::size_t g = 0; g < K; ++g)
            (B::load_unaligned(ci + j + g * W) + acc[g]).store_unaligned(ci + j + g * W);
    }
};

inline void mirror_upper(std::vector<double>& C, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < i; ++j) C[i * n + j] = C[j * n + i];
}

// Full symmetric cols x cols matrix of sum_r (x_r - center)(x_r - center)^T.
template <class T>
std::vector<double> cross_products(exec::serial_tag<false>, const T* x, std::size_t rows,
                                   std::size_t cols, const double* center) {
    std::vector<double> C(cols * cols, 0.0);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < cols; ++i) {
            const double di = static_cast<double>(x[r * cols + i]) - center[i];
            for (std::size_t j = i; j < cols; ++j)
                C[i * cols + j] += di * (static_cast<double>(x[r * cols + j]) - center[j]);
        }
    mirror_upper(C, cols);
    return C;
}

// ld x ld (padded) -> cols x cols, lower triangle mirrored from the upper.
inline std::vector<double> compact(const std::vector<double>& P, std::size_t cols) {
    const std::size_t ld = cross_fn::padded<simd::default_arch>(cols);
    std::vector<double> C(cols * cols);
    for (std::size_t i = 0; i < cols; ++i)
        for (std::size_t j = 0; j < cols; ++j) C[i * cols + j] = P[i * ld + j];
    mirror_upper(C, cols);
    return C;
}

template <class T>
std::vector<double> cross_products(exec::serial_tag<true>, const T* x, std::size_t rows,
                                   std::size_t cols, const double* center) {
    const std::size_t ld = cross_fn::padded<simd::default_arch>(cols);
    std::vector<double> P(ld * ld, 0.0);
    cross_fn{}(simd::default_arch{}, x, 0, rows, cols, center, P.data());
    return compact(P, cols);
}

template <class T>
std::vector<double> cross_products(const exec::pool_tag<true>& tag, const T* x, std::size_t rows,
                                   std::size_t cols, const double* center) {
    auto by_rows = tag;
    by_rows.grain = chunk_rows(tag.grain, rows, cols);
    const std::size_t ld = cross_fn::padded<simd::default_arch>(cols);
    std::vector<double> C = exec::parallel_reduce(
        by_rows, rows, std::vector<double>(ld * ld, 0.0),
        [&](const exec::chunk& ch) {
            std::vector<double> part(ld * ld, 0.0);
            cross_fn{}(simd::default_arch{}, x, ch.begin, ch.end, cols, center, part.data());
            return part;
        },
        [](std::vector<double> a, const std::vector<double>& b) {
            for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
            return a;
        });
    return compact(C, cols);
}

}  // namespace tessera::features::detail::covar
