// tessera/features/detail/symmetric_eigen.hpp — eigenvalues and eigenvectors of a
// real symmetric matrix, in double.
//
// Householder reduction to tridiagonal form followed by the implicit QL method
// with Wilkinson-like shifts: EISPACK's tred2 / tql2 (Bowdler, Martin, Reinsch
// and Wilkinson, Numer. Math. 11, 1968; Handbook for Automatic Computation II),
// in the formulation of the public-domain JAMA library. Backward stable: every
// eigenvalue is exact for a matrix within about n * eps * ||A|| of the input,
// and eigenvectors are orthonormal to working precision; an eigenvector's
// error is about eps * ||A|| / (gap to the nearest other eigenvalue).
// Cost: about (4/3 + 6) n^3 flops for n x n (tql2 accumulates the rotations).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>

namespace tessera::features::detail {

struct eigen_result {
    std::vector<double> values;   // ascending
    std::vector<double> vectors;  // n x n row-major; ROW i is the unit eigenvector of values[i]
};

// A: n x n row-major, symmetric (only the lower triangle is read). Throws
// data_error on a non-finite entry and error if QL fails to converge (100
// iterations for one eigenvalue; it needs 1 to 3 on finite input).
inline eigen_result symmetric_eigen(std::vector<double> a, std::size_t n) {
    constexpr std::string_view where = "symmetric_eigen";
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j <= i; ++j)
            if (!std::isfinite(a[i * n + j]))
                throw data_error(tessera::detail::concat(where, ": entry (", i, ", ", j, ") is ",
                                                         a[i * n + j], "; need finite numbers"));
    eigen_result out;
    if (n == 0) return out;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) a[i * n + j] = a[j * n + i];
    std::vector<double>& V = a;  // becomes the eigenvectors (columns) in place
    auto v = [&](std::size_t i, std::size_t j) -> double& { return V[i * n + j]; };
    std::vector<double> d(n), e(n);

    // ---- tred2: Householder tridiagonalization, accumulating the transforms ----
    for (std::size_t j = 0; j < n; ++j) d[j] = v(n - 1, j);
    for (std::size_t i = n - 1; i > 0; --i) {
        double scale = 0.0, h = 0.0;
        for (std::size_t k = 0; k < i; ++k) scale += std::abs(d[k]);
        if (scale == 0.0) {
            e[i] = d[i - 1];
            for (std::size_t j = 0; j < i; ++j) {
                d[j] = v(i - 1, j);
                v(i, j) = 0.0;
                v(j, i) = 0.0;
            }
        } else {
            for (std::size_t k = 0; k < i; ++k) {
                d[k] /= scale;
                h += d[k] * d[k];
            }
            double f = d[i - 1];
            double g = std::sqrt(h);
            if (f > 0) g = -g;
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            for (std::size_t j = 0; j < i; ++j) e[j] = 0.0;
            for (std::size_t j = 0; j < i; ++j) {
                f = d[j];
                v(j, i) = f;
                g = e[j] + v(j, j) * f;
                for (std::size_t k = j + 1; k + 1 <= i; ++k) {
                    g += v(k, j) * d[k];
                    e[k] += v(k, j) * f;
                }
                e[j] = g;
            }
            f = 0.0;
            for (std::size_t j = 0; j < i; ++j) {
                e[j] /= h;
                f += e[j] * d[j];
            }
            const double hh = f / (h + h);
            for (std::size_t j = 0; j < i; ++j) e[j] -= hh * d[j];
            for (std::size_t j = 0; j < i; ++j) {
                f = d[j];
                g = e[j];
                for (std::size_t k = j; k + 1 <= i; ++k) v(k, j) -= (f * e[k] + g * d[k]);
                d[j] = v(i - 1, j);
                v(i, j) = 0.0;
            }
        }
        d[i] = h;
    }
    for (std::size_t i = 0; i + 1 < n; ++i) {
        v(n - 1, i) = v(i, i);
        v(i, i) = 1.0;
        const double h = d[i + 1];
        if (h != 0.0) {
            for (std::size_t k = 0; k <= i; ++k) d[k] = v(k, i + 1) / h;
            for (std::size_t j = 0; j <= i; ++j) {
                double g = 0.0;
                for (std::size_t k = 0; k <= i; ++k) g += v(k, i + 1) * v(k, j);
                for (std::size_t k = 0; k <= i; ++k) v(k, j) -= g * d[k];
            }
        }
        for (std::size_t k = 0; k <= i; ++k) v(k, i + 1) = 0.0;
    }
    for (std::size_t j = 0; j < n; ++j) {
        d[j] = v(n - 1, j);
        v(n - 1, j) = 0.0;
    }
    v(n - 1, n - 1) = 1.0;
    e[0] = 0.0;

    // ---- tql2: implicit QL on the tridiagonal matrix. The rotations act on
    // columns of V; they run on the rows of Z = V^T, which are contiguous.
    std::vector<double> z(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) z[j * n + i] = v(i, j);
    for (std::size_t i = 1; i < n; ++i) e[i - 1] = e[i];
    e[n - 1] = 0.0;
    double f = 0.0, tst1 = 0.0;
    constexpr double eps = 0x1p-52;
    for (std::size_t l = 0; l < n; ++l) {
        tst1 = std::max(tst1, std::abs(d[l]) + std::abs(e[l]));
        std::size_t m = l;
        while (m + 1 < n && !(std::abs(e[m]) <= eps * tst1)) ++m;  // e[n-1] == 0 stops it
        if (m > l) {
            int iter = 0;
            do {
                if (++iter > 100)
                    throw error(tessera::detail::concat(
                        where, ": the QL iteration did not converge for eigenvalue ", l));
                double g = d[l];
                double p = (d[l + 1] - g) / (2.0 * e[l]);
                double r = std::hypot(p, 1.0);
                if (p < 0) r = -r;
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                const double dl1 = d[l + 1];
                double h = g - d[l];
                for (std::size_t i = l + 2; i < n; ++i) d[i] -= h;
                f += h;
                p = d[m];
                double c = 1.0, c2 = c, c3 = c;
                const double el1 = e[l + 1];
                double s = 0.0, s2 = 0.0;
                for (std::size_t ii = m; ii-- > l;) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[ii];
                    h = c * p;
                    r = std::hypot(p, e[ii]);
                    e[ii + 1] = s * r;
                    s = e[ii] / r;
                    c = p / r;
                    p = c * d[ii] - s * g;
                    d[ii + 1] = h + s * (c * g + s * d[ii]);
                    double* zi = z.data() + ii * n;
                    double* zi1 = zi + n;
                    for (std::size_t k = 0; k < n; ++k) {
                        const double t = zi1[k];
                        zi1[k] = s * zi[k] + c * t;
                        zi[k] = c * zi[k] - s * t;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
            } while (std::abs(e[l]) > eps * tst1);
        }
        d[l] += f;
        e[l] = 0.0;
    }

    // Ascending order; ties keep their order (stable).
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return d[x] < d[y]; });
    out.values.resize(n);
    out.vectors.resize(n * n);
    for (std::size_t i = 0; i < n; ++i) {
        out.values[i] = d[order[i]];
        std::copy_n(z.data() + order[i] * n, n, out.vectors.data() + i * n);
    }
    return out;
}

}  // namespace tessera::features::detail
