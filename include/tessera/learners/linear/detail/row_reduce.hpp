// tessera/learners/linear/detail/row_reduce.hpp — the policy plumbing of the
// linear learners: per-row double kernels (dot, axpy) and row-chunk loops.
//
// Every heavy pass of a linear model (X^T X, X^T r, X w, the logistic loss and
// its derivatives) is "for each row, add something into a small dense
// accumulator". `sum_rows` runs such a body on the backend a policy selects:
// seq = one plain loop over all rows (the reference), simd = one loop with the
// xsimd kernels, par = fixed row chunks (grain / n_features rows each, so the
// cut never depends on the thread count) with partial accumulators added in
// chunk order, which makes par{1}, par{2} and par{7} bitwise identical.
//
// dot_fn / axpy_fn follow the kernel shape of kernels/ (functors over the xsimd
// arch, pointers + sizes in). They are local because kernels/dot.hpp did not
// exist yet when this was written; merge them into kernels/ once it does.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/simd.hpp>

namespace tessera::learners::detail {

struct dot_fn {
    template <class Arch>
    double operator()(Arch, const double* a, const double* b, std::size_t n) const {
        using B = simd::batch<double, Arch>;
        constexpr std::size_t w = B::size;
        B s0(0.0), s1(0.0), s2(0.0), s3(0.0);
        std::size_t i = 0;
        for (; i + 4 * w <= n; i += 4 * w) {
            s0 = xsimd::fma(B::load_unaligned(a + i), B::load_unaligned(b + i), s0);
            s1 = xsimd::fma(B::load_unaligned(a + i + w), B::load_unaligned(b + i + w), s1);
            s2 = xsimd::fma(B::load_unaligned(a + i + 2 * w), B::load_unaligned(b + i + 2 * w), s2);
            s3 = xsimd::fma(B::load_unaligned(a + i + 3 * w), B::load_unaligned(b + i + 3 * w), s3);
        }
        for (; i + w <= n; i += w)
            s0 = xsimd::fma(B::load_unaligned(a + i), B::load_unaligned(b + i), s0);
        // reduce_lanes, not reduce_add: xsimd 8.1's avx512 hadd trips GCC 12's
        // -Wmaybe-uninitialized inside _mm512_extractf64x4_pd.
        double s = simd::reduce_lanes((s0 + s1) + (s2 + s3), [](double u, double v) { return u + v; });
        for (; i < n; ++i) s += a[i] * b[i];
        return s;
    }
};

// y += a * x
struct axpy_fn {
    template <class Arch>
    void operator()(Arch, double a, const double* x, double* y, std::size_t n) const {
        using B = simd::batch<double, Arch>;
        constexpr std::size_t w = B::size;
        const B va(a);
        std::size_t i = 0;
        for (; i + w <= n; i += w)
            xsimd::fma(va, B::load_unaligned(x + i), B::load_unaligned(y + i)).store_unaligned(y + i);
        for (; i < n; ++i) y[i] += a * x[i];
    }
};

template <bool Vector>
inline double dot(const double* a, const double* b, std::size_t n) {
    if constexpr (Vector) {
        return dot_fn{}(simd::default_arch{}, a, b, n);
    } else {
        double s = 0.0;
        for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
        return s;
    }
}

template <bool Vector>
inline void axpy(double a, const double* x, double* y, std::size_t n) {
    if constexpr (Vector) {
        axpy_fn{}(simd::default_arch{}, a, x, y, n);
    } else {
        for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
    }
}

// Row r of a row-major n x d matrix of T, as doubles, minus `shift` when given.
template <class T>
inline void load_row(const T* X, std::size_t d, std::size_t r, const double* shift,
                     double* out) {
    const T* x = X + r * d;
    if (shift)
        for (std::size_t j = 0; j < d; ++j) out[j] = static_cast<double>(x[j]) - shift[j];
    else
        for (std::size_t j = 0; j < d; ++j) out[j] = static_cast<double>(x[j]);
}

// Rows per parallel chunk: the policy's grain counts elements.
inline std::size_t rows_per_chunk(std::size_t grain, std::size_t d) {
    return std::max<std::size_t>(1, grain / std::max<std::size_t>(1, d));
}

// body(begin, end, acc, std::bool_constant<Vector>) adds the contribution of
// rows [begin, end) into acc (size `out_size`, zero on entry). Returns the sum.
template <class Backend, class Body>
std::vector<double> sum_rows(const Backend& be, std::size_t n, std::size_t d,
                             std::size_t out_size, Body&& body) {
    if constexpr (std::is_same_v<Backend, exec::serial_tag<false>>) {
        std::vector<double> acc(out_size, 0.0);
        body(std::size_t{0}, n, acc, std::false_type{});
        return acc;
    } else if constexpr (std::is_same_v<Backend, exec::serial_tag<true>>) {
        std::vector<double> acc(out_size, 0.0);
        body(std::size_t{0}, n, acc, std::true_type{});
        return acc;
    } else {
        // parallel_reduce keeps one partial per chunk until the ordered fold;
        // cap their total at 2^24 doubles (128 MiB: the Hessian of a wide
        // multinomial model is large). The cut still depends only on n, d,
        // grain and out_size, never on the thread count.
        const std::size_t max_chunks = std::max<std::size_t>(1, (std::size_t{1} << 24) / std::max<std::size_t>(1, out_size));
        const std::size_t per = std::max(rows_per_chunk(be.grain, d), (n + max_chunks - 1) / max_chunks);
        const exec::pool_tag<true> rows{.threads = be.threads, .grain = per};
        return exec::parallel_reduce(
            rows, n, std::vector<double>(out_size, 0.0),
            [&](const exec::chunk& c) {
                std::vector<double> part(out_size, 0.0);
                body(c.begin, c.end, part, std::true_type{});
                return part;
            },
            [](std::vector<double> acc, const std::vector<double>& part) {
                for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += part[i];
                return acc;
            });
    }
}

// body(begin, end, std::bool_constant<Vector>) for independent per-row work
// (predictions): each row's result goes to its own slot.
template <class Backend, class Body>
void for_rows(const Backend& be, std::size_t n, std::size_t d, Body&& body) {
    if constexpr (std::is_same_v<Backend, exec::serial_tag<false>>) {
        body(std::size_t{0}, n, std::false_type{});
    } else if constexpr (std::is_same_v<Backend, exec::serial_tag<true>>) {
        body(std::size_t{0}, n, std::true_type{});
    } else {
        const exec::pool_tag<true> rows{.threads = be.threads,
                                        .grain = rows_per_chunk(be.grain, d)};
        exec::parallel_for(rows, n,
                           [&](const exec::chunk& c) { body(c.begin, c.end, std::true_type{}); });
    }
}

}  // namespace tessera::learners::detail
