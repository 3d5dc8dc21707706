// tessera/features/detail/randomized_svd.hpp — the leading singular triplets of a
// dense matrix by randomized range finding.
//
// Halko, Martinsson & Tropp, "Finding structure with randomness" (SIAM Review
// 53(2), 2011), Algorithms 4.3/4.4 with 5.1, as scikit-learn's randomized_svd:
// a Gaussian test matrix with k + n_oversamples columns, n_iter power
// iterations, each followed by re-orthonormalisation (QR here; sklearn's
// default normaliser is LU, which spans the same subspace), then the exact SVD
// of the small projected matrix B = Q^T A. The test matrix comes from Philox
// (core/random.hpp), stream 0 of the seed, entry (i, j) at counter i * l + j, so
// results are reproducible across runs, policies and thread counts. The small
// SVD uses B B^T and the symmetric eigen-solver (its top singular values carry
// a relative error of about eps * (s_1 / s_j)^2).
//
// Matrices are row-major std::vector<double>. Every product sums each output
// entry in the same order whatever the policy, so seq, simd and par (any thread
// count) give the same bits from the same centred data; par splits output
// columns over the pool.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/symmetric_eigen.hpp>

namespace tessera::features::detail::rsvd {

// C (m x n) = A (m x k) * B (k x n), all row-major. Output columns go in panels
// that keep an m x width block of C in cache while B streams through once;
// every C entry sums over t = 0..k-1 in order, so the panel width and the
// thread count never change a bit. par runs panels on the pool.
template <class Tag>
std::vector<double> matmul(const Tag& tag, const std::vector<double>& A, const std::vector<double>& B,
                           std::size_t m, std::size_t k, std::size_t n) {
    std::vector<double> C(m * n, 0.0);
    const std::size_t width = std::max<std::size_t>(64, ((std::size_t{1} << 15) / std::max<std::size_t>(1, m)) / 8 * 8);
    auto panel = [&](std::size_t j0, std::size_t j1) {
        for (std::size_t t = 0; t < k; ++t) {
            const double* bt = B.data() + t * n;
            for (std::size_t i = 0; i < m; ++i) {
                const double a = A[i * k + t];
                double* ci = C.data() + i * n;
                for (std::size_t j = j0; j < j1; ++j) ci[j] += a * bt[j];
            }
        }
    };
    if constexpr (std::is_same_v<Tag, exec::pool_tag<true>>) {
        auto by_cols = tag;
        by_cols.grain = width;
        exec::parallel_for(by_cols, n, [&](const exec::chunk& c) { panel(c.begin, c.end); });
    } else {
        for (std::size_t j0 = 0; j0 < n; j0 += width) panel(j0, std::min(n, j0 + width));
    }
    return C;
}

inline std::vector<double> transpose(const std::vector<double>& A, std::size_t m, std::size_t n) {
    std::vector<double> T(n * m);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) T[j * m + i] = A[i * n + j];
    return T;
}

// Orthonormalises the l rows (length n) of Q in place: classical Gram-Schmidt
// applied twice ("twice is enough", Giraud et al. 2005), which is as accurate
// as Householder QR for the basis. A row that vanishes (rank deficiency)
// becomes zero and stays out of later projections.
inline void orthonormalize_rows(std::vector<double>& Q, std::size_t l, std::size_t n) {
    std::vector<double> coef(l);
    std::vector<char> live(l, 0);
    for (std::size_t i = 0; i < l; ++i) {
        double* qi = Q.data() + i * n;
        double norm0 = 0.0;
        for (std::size_t t = 0; t < n; ++t) norm0 += qi[t] * qi[t];
        norm0 = std::sqrt(norm0);
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t j = 0; j < i; ++j) {
                coef[j] = 0.0;
                if (!live[j]) continue;
                const double* qj = Q.data() + j * n;
                for (std::size_t t = 0; t < n; ++t) coef[j] += qj[t] * qi[t];
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (!live[j]) continue;
                const double* qj = Q.data() + j * n;
                for (std::size_t t = 0; t < n; ++t) qi[t] -= coef[j] * qj[t];
            }
        }
        double norm = 0.0;
        for (std::size_t t = 0; t < n; ++t) norm += qi[t] * qi[t];
        norm = std::sqrt(norm);
        if (norm > 1e-13 * norm0 && norm > 0.0) {
            for (std::size_t t = 0; t < n; ++t) qi[t] /= norm;
            live[i] = 1;
        } else {
            std::fill(qi, qi + n, 0.0);
        }
    }
}

struct svd_result {
    std::vector<double> s;   // k singular values, descending
    std::vector<double> vt;  // k x n right singular vectors (rows)
};

// A: m x n row-major, At its transpose (n x m). k <= min(m, n).
template <class Tag>
svd_result randomized_svd(const Tag& tag, const std::vector<double>& A, const std::vector<double>& At,
                          std::size_t m, std::size_t n, std::size_t k, std::size_t n_oversamples,
                          std::size_t n_iter, std::uint64_t seed) {
    const std::size_t l = std::min(k + n_oversamples, std::min(m, n));
    // Omega^T: l x n standard normals.
    const philox_engine g(seed, 0);
    std::vector<double> omega_t(l * n);
    for (std::size_t i = 0; i < l * n; ++i) omega_t[i] = g.normal_at<double>(i);
    // Rows of Qt (l x m) span the range of A: Qt = orth((A Omega)^T) = orth(Omega^T A^T).
    std::vector<double> Qt = matmul(tag, omega_t, At, l, n, m);
    orthonormalize_rows(Qt, l, m);
    for (std::size_t it = 0; it < n_iter; ++it) {
        std::vector<double> Zt = matmul(tag, Qt, A, l, m, n);  // (A^T Q)^T
        orthonormalize_rows(Zt, l, n);
        Qt = matmul(tag, Zt, At, l, n, m);  // (A Z)^T
        orthonormalize_rows(Qt, l, m);
    }
    const std::vector<double> Bm = matmul(tag, Qt, A, l, m, n);  // B = Q^T A, l x n
    // B B^T = W diag(s^2) W^T; V^T = diag(1/s) W^T B.
    const std::vector<double> Bt = transpose(Bm, l, n);
    const eigen_result eig = symmetric_eigen(matmul(tag, Bm, Bt, l, n, l), l);
    svd_result out;
    out.s.resize(k);
    out.vt.assign(k * n, 0.0);
    for (std::size_t c = 0; c < k; ++c) {
        const std::size_t e = l - 1 - c;  // eigenvalues ascend
        const double s = std::sqrt(std::max(0.0, eig.values[e]));
        out.s[c] = s;
        if (s == 0.0) continue;
        const double* w = eig.vectors.data() + e * l;
        double* v = out.vt.data() + c * n;
        for (std::size_t t = 0; t < l; ++t) {
            const double* bt = Bm.data() + t * n;
            for (std::size_t j = 0; j < n; ++j) v[j] += w[t] * bt[j];
        }
        for (std::size_t j = 0; j < n; ++j) v[j] /= s;
    }
    return out;
}

}  // namespace tessera::features::detail::rsvd
