// tessera/learners/linear/detail/cholesky.hpp — a small dense Cholesky
// factorisation and solve (row-major, lower factor), our own so the library
// needs no LAPACK. Sizes here are n_features (+1) or n_classes x that, so the
// plain O(p^3 / 3) loop is fine and runs on one thread.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace tessera::learners::detail {

// Factors the symmetric p x p matrix A (row-major; only the lower triangle,
// j <= i, is read) in place into L with A = L L^T. A pivot j is rejected when
// it is <= floor[j] (floor may be null: then only pivots <= 0 are rejected).
// Returns p on success, else the index of the first rejected pivot; in the
// linear least-squares use that is the first column that is (numerically) a
// linear combination of the columns before it.
inline std::size_t cholesky_factor(std::vector<double>& A, std::size_t p,
                                   const double* floor = nullptr) {
    for (std::size_t j = 0; j < p; ++j) {
        double djj = A[j * p + j];
        for (std::size_t k = 0; k < j; ++k) djj -= A[j * p + k] * A[j * p + k];
        const double lim = floor ? floor[j] : 0.0;
        if (!(djj > lim) || !std::isfinite(djj)) return j;
        const double ljj = std::sqrt(djj);
        A[j * p + j] = ljj;
        for (std::size_t i = j + 1; i < p; ++i) {
            double s = A[i * p + j];
            for (std::size_t k = 0; k < j; ++k) s -= A[i * p + k] * A[j * p + k];
            A[i * p + j] = s / ljj;
        }
    }
    return p;
}

// Solves L L^T x = b in place (b becomes x) with the factor from cholesky_factor.
inline void cholesky_solve(const std::vector<double>& L, std::size_t p, double* b) {
    for (std::size_t i = 0; i < p; ++i) {
        double s = b[i];
        for (std::size_t k = 0; k < i; ++k) s -= L[i * p + k] * b[k];
        b[i] = s / L[i * p + i];
    }
    for (std::size_t i = p; i-- > 0;) {
        double s = b[i];
        for (std::size_t k = i + 1; k < p; ++k) s -= L[k * p + i] * b[k];
        b[i] = s / L[i * p + i];
    }
}

}  // namespace tessera::learners::detail
