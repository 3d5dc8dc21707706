// tessera/features/pca.hpp — principal component analysis.
//
// Reference behaviour: scikit-learn 1.9 PCA. Components are the eigenvectors of
// the sample covariance (ddof 1) by decreasing eigenvalue, with sklearn's
// deterministic sign (svd_flip with u_based_decision=False, which PCA uses
// since 1.5: each component's entry of largest magnitude, the first one on a
// tie, is made positive), so they equal sklearn's up to rounding.
// explained_variance_ = eigenvalues, explained_variance_ratio_ = those over the
// total variance, singular_values_ = sqrt(explained_variance_ * (n - 1)),
// noise_variance_ = the mean of the variances left out (0 when none is).
//
// Solvers (pca_solver):
//   full        the covariance matrix X_c^T X_c / (n - 1) in double (seq / simd /
//               par; par bitwise identical for any thread count), then the
//               Householder + implicit-QL eigen-solver (detail/symmetric_eigen.hpp).
//               When n_samples < n_features the n x n Gram matrix X_c X_c^T is
//               decomposed instead and components are X_c^T u / s, so wide data
//               costs O(n^2 p + n^3), not O(p^3).
//   randomized  Halko et al. randomized SVD of the centred data
//               (detail/randomized_svd.hpp): n_oversamples extra columns,
//               iterated_power power iterations (-1 = sklearn's auto: 7 if
//               n_components < 0.1 * min(n, p), else 4), test matrix from Philox
//               with `seed`. Total variance from the data, as sklearn.
//   automatic   sklearn's rule: full if p <= 1000 and n >= 10 p (sklearn's
//               covariance_eigh) or max(n, p) <= 500 or a variance fraction is
//               asked for; randomized if 1 <= n_components < 0.8 min(n, p);
//               full otherwise. fitted::solver() says which ran.
//
// n_components: -1 (all: min(n, p)), an integer in [0, min(n, p)] ([1, ...] for
// randomized), or variance_fraction in (0, 1): the fewest components whose
// ratios sum past it (sklearn's float n_components). whiten divides the
// projections by sqrt(explained_variance_) (floored at double epsilon).
//
// NaN or ±inf anywhere in X: data_error naming the column and row, at fit and
// at transform (sklearn rejects them too). Fewer than 2 rows: shape_error
// (sklearn divides by n - 1 = 0). All statistics are computed in double
// whatever T is; transform returns T (sklearn computes float32 input in float32).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/covariance.hpp>
#include <tessera/features/detail/decomp_common.hpp>
#include <tessera/features/detail/randomized_svd.hpp>
#include <tessera/features/detail/symmetric_eigen.hpp>

namespace tessera::features {

enum class pca_solver : std::uint8_t { automatic = 0, full = 1, randomized = 2 };

namespace detail::pca_impl {

// svd_flip(u_based_decision=False): the largest-magnitude entry of each row positive.
inline void flip_signs(std::vector<double>& rows, std::size_t k, std::size_t p) {
    for (std::size_t c = 0; c < k; ++c) {
        double* v = rows.data() + c * p;
        std::size_t best = 0;
        for (std::size_t j = 1; j < p; ++j)
            if (std::abs(v[j]) > std::abs(v[best])) best = j;
        if (v[best] < 0)
            for (std::size_t j = 0; j < p; ++j) v[j] = -v[j];
    }
}

// The centred data in double, row-major.
template <class T>
std::vector<double> centred(const matrix<T>& X, const std::vector<double>& mean) {
    const std::size_t n = X.shape()[0], p = X.shape()[1];
    std::vector<double> xc(n * p);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < p; ++j) xc[r * p + j] = static_cast<double>(X(r, j)) - mean[j];
    return xc;
}

struct spectrum {
    std::vector<double> variance;    // min(n, p) eigenvalues, descending, >= 0
    std::vector<double> components;  // k x p rows
    std::size_t k = 0;
};

// Covariance (n >= p) or Gram (n < p) eigen-decomposition; choose_k(variance)
// says how many components to build (the Gram path pays n p per component).
template <class Tag, class T, class ChooseK>
spectrum full_spectrum(const Tag& tag, const matrix<T>& X, const std::vector<double>& mean,
                       ChooseK&& choose_k) {
    const std::size_t n = X.shape()[0], p = X.shape()[1];
    const double dof = static_cast<double>(n - 1);
    spectrum out;
    if (n >= p) {
        std::vector<double> C = covar::cross_products(tag, X.data(), n, p, mean.data());
        for (double& c : C) c /= dof;
        const eigen_result eig = symmetric_eigen(std::move(C), p);
        out.variance.resize(p);
        for (std::size_t c = 0; c < p; ++c) out.variance[c] = std::max(0.0, eig.values[p - 1 - c]);
        out.k = choose_k(out.variance);
        out.components.resize(out.k * p);
        for (std::size_t c = 0; c < out.k; ++c)
            std::copy_n(eig.vectors.data() + (p - 1 - c) * p, p, out.components.data() + c * p);
        return out;
    }
    // Wide: rows of Xc^T (p x n) are the "samples" of the Gram cross products.
    const std::vector<double> xc = centred(X, mean);
    const std::vector<double> xct = rsvd::transpose(xc, n, p);
    const std::vector<double> zero(n, 0.0);
    std::vector<double> G = covar::cross_products(tag, xct.data(), p, n, zero.data());
    for (double& g : G) g /= dof;
    const eigen_result eig = symmetric_eigen(std::move(G), n);
    out.variance.resize(n);
    for (std::size_t c = 0; c < n; ++c) out.variance[c] = std::max(0.0, eig.values[n - 1 - c]);
    out.k = choose_k(out.variance);
    out.components.assign(out.k * p, 0.0);
    for (std::size_t c = 0; c < out.k; ++c) {
        const std::size_t e = n - 1 - c;
        const double* u = eig.vectors.data() + e * n;
        double* v = out.components.data() + c * p;
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t j = 0; j < p; ++j) v[j] += u[r] * xc[r * p + j];
        // |Xc^T u| = s for a non-zero eigenvalue; normalising by the computed norm
        // also gives a unit vector for the (arbitrary) null-space directions.
        double norm = 0.0;
        for (std::size_t j = 0; j < p; ++j) norm += v[j] * v[j];
        norm = std::sqrt(norm);
        if (norm > 0.0)
            for (std::size_t j = 0; j < p; ++j) v[j] /= norm;
    }
    return out;
}

}  // namespace detail::pca_impl

// The fitted PCA. Immutable; safe to use from many threads.
class pca_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.pca";
    static constexpr std::uint32_t payload_version = 1;

    struct state {
        vector<double> mean;                      // p
        matrix<double> components;                // k x p
        vector<double> explained_variance;        // k
        vector<double> explained_variance_ratio;  // k
        vector<double> singular_values;           // k
        double noise_variance = 0.0;
        std::int64_t n_samples = 0;
        bool whiten = false;
        pca_solver solver = pca_solver::full;     // the one that ran
    };

    explicit pca_fitted(state s) : s_(std::move(s)) {
        const std::size_t k = s_.components.shape()[0], p = s_.components.shape()[1];
        if (s_.mean.size() != p || s_.explained_variance.size() != k ||
            s_.explained_variance_ratio.size() != k || s_.singular_values.size() != k)
            throw errors::size_mismatch("pca: fitted state vs components", k,
                                        s_.explained_variance.size());
        // transform multiplies by components^T; keep it p x k for contiguous rows.
        comp_t_.resize(p * k);
        for (std::size_t c = 0; c < k; ++c)
            for (std::size_t j = 0; j < p; ++j) comp_t_[j * k + c] = s_.components(c, j);
        scale_.assign(k, 1.0);
        if (s_.whiten)
            for (std::size_t c = 0; c < k; ++c)
                scale_[c] = std::max(std::sqrt(s_.explained_variance(c)),
                                     std::numeric_limits<double>::epsilon());
    }

    std::size_t n_features_in() const noexcept { return s_.mean.size(); }
    std::size_t n_components() const noexcept { return s_.components.shape()[0]; }
    const vector<double>& mean() const noexcept { return s_.mean; }
    const matrix<double>& components() const noexcept { return s_.components; }
    const vector<double>& explained_variance() const noexcept { return s_.explained_variance; }
    const vector<double>& explained_variance_ratio() const noexcept { return s_.explained_variance_ratio; }
    const vector<double>& singular_values() const noexcept { return s_.singular_values; }
    double noise_variance() const noexcept { return s_.noise_variance; }
    std::int64_t n_samples() const noexcept { return s_.n_samples; }
    bool whiten() const noexcept { return s_.whiten; }
    pca_solver solver() const noexcept { return s_.solver; }

    // sklearn's get_feature_names_out: pca0, pca1, ...
    std::vector<std::string> feature_names_out() const {
        std::vector<std::string> out;
        for (std::size_t c = 0; c < n_components(); ++c) out.push_back(tessera::detail::concat("pca", c));
        return out;
    }

    // (X - mean) components^T, divided by sqrt(explained_variance) if whiten.
    // Computed in double per row (seq and simd run the same loop; par splits the
    // rows), so every policy gives the same bits; returned in T.
    template <exec::execution_policy P, std::floating_point T>
    matrix<T> transform(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            constexpr std::string_view where = "pca::transform";
            const std::size_t n = X.shape()[0], p = X.shape()[1], k = n_components();
            if (p != n_features_in())
                throw shape_error(tessera::detail::concat(where, ": X has ", p,
                                                          " columns, but the PCA was fitted on ",
                                                          n_features_in(), " columns"));
            detail::decomp::reject_non_finite(where, X, true);
            matrix<T> Y = matrix<T>::from_shape({n, k});
            detail::decomp::for_row_chunks(exec::select_backend(policy), n, p * (k ? k : 1),
                                           [&](std::size_t r0, std::size_t r1) {
                std::vector<double> y(k);
                for (std::size_t r = r0; r < r1; ++r) {
                    std::fill(y.begin(), y.end(), 0.0);
                    for (std::size_t j = 0; j < p; ++j) {
                        const double d = static_cast<double>(X(r, j)) - s_.mean(j);
                        const double* ct = comp_t_.data() + j * k;
                        for (std::size_t c = 0; c < k; ++c) y[c] += d * ct[c];
                    }
                    for (std::size_t c = 0; c < k; ++c) Y(r, c) = static_cast<T>(y[c] / scale_[c]);
                }
            });
            return Y;
        }
    }
    template <std::floating_point T>
    matrix<T> transform(const matrix<T>& X) const {
        return transform(exec::par, X);
    }

    // Y components + mean (with whiten: Y diag(sqrt(explained_variance)) components + mean).
    template <exec::execution_policy P, std::floating_point T>
    matrix<T> inverse_transform(const P& policy, const matrix<T>& Y) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            const std::size_t n = Y.shape()[0], k = n_components(), p = n_features_in();
            if (Y.shape()[1] != k)
                throw shape_error(tessera::detail::concat("pca::inverse_transform: Y has ",
                                                          Y.shape()[1], " columns, expected ", k));
            matrix<T> X = matrix<T>::from_shape({n, p});
            detail::decomp::for_row_chunks(exec::select_backend(policy), n, p * (k ? k : 1),
                                           [&](std::size_t r0, std::size_t r1) {
                std::vector<double> x(p);
                for (std::size_t r = r0; r < r1; ++r) {
                    for (std::size_t j = 0; j < p; ++j) x[j] = s_.mean(j);
                    for (std::size_t c = 0; c < k; ++c) {
                        const double a = static_cast<double>(Y(r, c)) * scale_[c];
                        for (std::size_t j = 0; j < p; ++j) x[j] += a * s_.components(c, j);
                    }
                    for (std::size_t j = 0; j < p; ++j) X(r, j) = static_cast<T>(x[j]);
                }
            });
            return X;
        }
    }
    template <std::floating_point T>
    matrix<T> inverse_transform(const matrix<T>& Y) const {
        return inverse_transform(exec::par, Y);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(s_.whiten ? 1 : 0);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(s_.solver));
        w.put<std::int64_t>(s_.n_samples);
        w.put<double>(s_.noise_variance);
        w.put(s_.mean);
        w.put(s_.components);
        w.put(s_.explained_variance);
        w.put(s_.explained_variance_ratio);
        w.put(s_.singular_values);
    }

    static pca_fitted load(io::reader& r) {
        detail::decomp::check_version(r, "pca", payload_version);
        state s;
        s.whiten = detail::get_enum(r, "pca", "whiten", std::uint8_t{1}) == 1;
        s.solver = detail::get_enum(r, "pca", "solver", pca_solver::randomized);
        s.n_samples = r.get<std::int64_t>("n_samples");
        s.noise_variance = r.get<double>("noise_variance");
        s.mean = r.get_tensor<double, 1>("mean");
        s.components = r.get_tensor<double, 2>("components");
        s.explained_variance = r.get_tensor<double, 1>("explained_variance");
        s.explained_variance_ratio = r.get_tensor<double, 1>("explained_variance_ratio");
        s.singular_values = r.get_tensor<double, 1>("singular_values");
        const std::size_t k = s.components.shape()[0];
        if (s.mean.size() != s.components.shape()[1] || s.explained_variance.size() != k ||
            s.explained_variance_ratio.size() != k || s.singular_values.size() != k)
            throw format_error(tessera::detail::concat(
                "pca: components are ", k, " x ", s.components.shape()[1], " but mean has ",
                s.mean.size(), " and the per-component vectors ", s.explained_variance.size(),
                ", ", s.explained_variance_ratio.size(), ", ", s.singular_values.size(),
                " entries"));
        return pca_fitted(std::move(s));
    }

private:
    state s_;
    std::vector<double> comp_t_;  // p x k
    std::vector<double> scale_;   // k: whitening divisors, or 1
};

// The estimator:
//   features::pca{{.n_components = 3}}.fit(exec::par, X)
//   features::pca{{.variance_fraction = 0.95, .whiten = true}}.fit(X)
class pca {
public:
    struct params {
        std::int64_t n_components = -1;    // -1: all (min(n_samples, n_features)); else [0, min]
        double variance_fraction = 0.0;    // 0: off; in (0, 1): choose n_components by variance
        bool whiten = false;
        pca_solver solver = pca_solver::automatic;
        std::int64_t iterated_power = -1;  // randomized: power iterations; -1: auto (7 or 4)
        std::int64_t n_oversamples = 10;   // randomized: extra test vectors, >= 1
        std::uint64_t seed = 0;            // randomized: Philox seed of the test matrix
    };
    using fitted = pca_fitted;

    constexpr pca() = default;
    constexpr explicit pca(const params& p) : params_(p) {}
    constexpr const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return fitted({});
        } else {
            constexpr std::string_view where = "pca::fit";
            const std::size_t n = X.shape()[0], p = X.shape()[1];
            check_params();
            detail::decomp::require_nonempty(where, n, p);
            if (n < 2)
                throw shape_error(tessera::detail::concat(
                    where, ": X has 1 row; the sample covariance needs at least 2"));
            const std::size_t r = std::min(n, p);
            const bool by_fraction = params_.variance_fraction > 0.0;
            if (params_.n_components > static_cast<std::int64_t>(r))
                throw errors::out_of_range("pca", "n_components", params_.n_components,
                                           tessera::detail::concat("[-1, min(n_samples, n_features) = ", r,
                                                                   "]; -1 means all"));
            const std::size_t k_asked =
                params_.n_components < 0 ? r : static_cast<std::size_t>(params_.n_components);
            const pca_solver solver = resolve_solver(n, p, k_asked, by_fraction);
            if (solver == pca_solver::randomized) {
                if (by_fraction)
                    throw config_error("pca: parameter 'variance_fraction' needs the full solver; "
                                       "randomized takes an integer n_components",
                                       "variance_fraction");
                if (k_asked == 0)
                    throw errors::out_of_range("pca", "n_components", params_.n_components,
                                               "[1, min(n_samples, n_features)] for the randomized solver");
            }
            detail::decomp::reject_non_finite(where, X, true);
            const auto tag = exec::select_backend(policy);
            const std::vector<double> mean = detail::covar::column_means(tag, X.data(), n, p);
            const double dof = static_cast<double>(n - 1);

            pca_fitted::state s;
            s.n_samples = static_cast<std::int64_t>(n);
            s.whiten = params_.whiten;
            s.solver = solver;
            std::vector<double> var_kept, comps;
            std::size_t k = k_asked;
            if (solver == pca_solver::full) {
                std::vector<double> ratio;
                auto sp = detail::pca_impl::full_spectrum(tag, X, mean, [&](const std::vector<double>& var) {
                    double total = 0.0;
                    for (double v : var) total += v;
                    ratio.resize(r);
                    for (std::size_t c = 0; c < r; ++c) ratio[c] = var[c] / total;
                    if (!by_fraction) return k;
                    // searchsorted(cumsum(ratio), fraction, side='right') + 1, at most r.
                    double cum = 0.0;
                    std::size_t chosen = 0;
                    while (chosen < r) {
                        cum += ratio[chosen];
                        if (cum > params_.variance_fraction) break;
                        ++chosen;
                    }
                    return std::min(chosen + 1, r);
                });
                k = sp.k;
                double rest = 0.0;
                for (std::size_t c = k; c < r; ++c) rest += sp.variance[c];
                s.noise_variance = k < r ? rest / static_cast<double>(r - k) : 0.0;
                var_kept.assign(sp.variance.begin(), sp.variance.begin() + static_cast<std::ptrdiff_t>(k));
                comps = std::move(sp.components);
                s.explained_variance_ratio = vector<double>::from_shape({k});
                for (std::size_t c = 0; c < k; ++c) s.explained_variance_ratio(c) = ratio[c];
            } else {
                const std::vector<double> xc = detail::pca_impl::centred(X, mean);
                const std::vector<double> xct = detail::rsvd::transpose(xc, n, p);
                const std::size_t iters =
                    params_.iterated_power >= 0 ? static_cast<std::size_t>(params_.iterated_power)
                    : (static_cast<double>(k) < 0.1 * static_cast<double>(r) ? 7 : 4);
                auto svd = detail::rsvd::randomized_svd(tag, xc, xct, n, p, k,
                                                        static_cast<std::size_t>(params_.n_oversamples),
                                                        iters, params_.seed);
                double total = 0.0;
                for (double v : xc) total += v * v;
                total /= dof;
                var_kept.resize(k);
                double kept = 0.0;
                for (std::size_t c = 0; c < k; ++c) {
                    var_kept[c] = svd.s[c] * svd.s[c] / dof;
                    kept += var_kept[c];
                }
                s.noise_variance = k < r ? (total - kept) / static_cast<double>(r - k) : 0.0;
                comps = std::move(svd.vt);
                s.explained_variance_ratio = vector<double>::from_shape({k});
                for (std::size_t c = 0; c < k; ++c) s.explained_variance_ratio(c) = var_kept[c] / total;
            }
            detail::pca_impl::flip_signs(comps, k, p);
            s.mean = vector<double>::from_shape({p});
            for (std::size_t j = 0; j < p; ++j) s.mean(j) = mean[j];
            s.components = matrix<double>::from_shape({k, p});
            std::copy(comps.begin(), comps.end(), s.components.data());
            s.explained_variance = vector<double>::from_shape({k});
            s.singular_values = vector<double>::from_shape({k});
            for (std::size_t c = 0; c < k; ++c) {
                s.explained_variance(c) = var_kept[c];
                s.singular_values(c) = std::sqrt(var_kept[c] * dof);
            }
            return fitted(std::move(s));
        }
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    void check_params() const {
        constexpr std::string_view owner = "pca";
        if (params_.n_components < -1)
            throw errors::out_of_range(owner, "n_components", params_.n_components,
                                       "[-1, min(n_samples, n_features)]; -1 means all");
        const double f = params_.variance_fraction;
        if (!(f == 0.0 || (f > 0.0 && f < 1.0)))
            throw errors::out_of_range(owner, "variance_fraction", f, "0 (off) or (0, 1)");
        if (f > 0.0 && params_.n_components != -1)
            throw config_error("pca: parameter 'variance_fraction' is set, so 'n_components' "
                               "must stay -1 (choose one of the two)",
                               "variance_fraction");
        if (params_.solver != pca_solver::automatic && params_.solver != pca_solver::full &&
            params_.solver != pca_solver::randomized)
            throw errors::out_of_range(owner, "solver", static_cast<int>(params_.solver),
                                       "automatic (0), full (1) or randomized (2)");
        if (params_.iterated_power < -1)
            throw errors::out_of_range(owner, "iterated_power", params_.iterated_power,
                                       "[0, inf) or -1 (auto)");
        if (params_.n_oversamples < 1)
            throw errors::out_of_range(owner, "n_oversamples", params_.n_oversamples, "[1, inf)");
    }

    pca_solver resolve_solver(std::size_t n, std::size_t p, std::size_t k, bool by_fraction) const {
        if (params_.solver != pca_solver::automatic) return params_.solver;
        if (p <= 1000 && n >= 10 * p) return pca_solver::full;
        if (std::max(n, p) <= 500 || by_fraction) return pca_solver::full;
        if (k >= 1 && static_cast<double>(k) < 0.8 * static_cast<double>(std::min(n, p)))
            return pca_solver::randomized;
        return pca_solver::full;
    }

    params params_{};
};

static_assert(transformer<pca, matrix<float>> && transformer<pca, matrix<double>>);

}  // namespace tessera::features
