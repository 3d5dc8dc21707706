// tessera/learners/linear/logistic_regression.hpp — L2-regularised logistic
// regression, binary and multinomial (softmax).
//
// Reference behaviour: scikit-learn's LogisticRegression(penalty='l2') (>= 1.5:
// multinomial for K > 2 classes). Objective
//     C * sum_i w_i * logloss_i + 0.5 * |W|_F^2        (intercepts unpenalised)
// with w_i = sample_weight_i * class_weight[y_i]. Binary problems have one
// coefficient row (class 1 vs class 0), K > 2 classes one row per class.
// Internally the objective is divided by S = sum_i w_i, exactly as
// scikit-learn's solvers do, so `tol` means the same thing: stop when
// max |gradient of (mean loss + |W|^2 / (2 C S))| <= tol. All arithmetic is in
// double whatever X holds; the passes over the rows (scores, loss, gradient,
// Hessian) go through the execution policy (learners/linear/detail/row_reduce.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/linear/detail/check.hpp>
#include <tessera/learners/linear/detail/optimize.hpp>
#include <tessera/learners/linear/detail/row_reduce.hpp>

namespace tessera::learners {

// newton_cholesky: Newton steps with a Cholesky solve of the full Hessian,
//   O(n (m q)^2) per iteration for m coefficient rows of q entries; quadratic
//   convergence, so tol = 1e-10 is reached in a handful of iterations. The
//   default, as scikit-learn advises for n_samples >> n_features.
// lbfgs: O(n m q) per iteration, for wide data or many classes; needs more
//   iterations (raise max_iter) to reach a tight tol.
enum class logistic_solver : std::uint8_t { newton_cholesky, lbfgs };

// none: every row weighs its sample_weight; balanced: class k weighs
// n_samples / (K * count_k), as scikit-learn's class_weight='balanced'.
enum class class_weight_mode : std::uint8_t { none, balanced };

struct logistic_regression {
    struct params {
        double C = 1.0;               // inverse L2 strength; finite, > 0
        bool fit_intercept = true;    // unpenalised intercept per coefficient row
        int max_iter = 100;           // solver iterations; >= 1
        double tol = 1e-10;           // max |scaled gradient| at convergence; finite, > 0
        logistic_solver solver = logistic_solver::newton_cholesky;
        class_weight_mode class_weight = class_weight_mode::none;
    };
    params config{};

    // The fitted model: immutable, thread-safe to score from many threads.
    class fitted {
    public:
        static constexpr std::string_view type_tag = "tessera.learners.logistic_regression";

        // coef: m x d with m = 1 for 2 classes, m = n_classes otherwise;
        // intercept: m entries (zeros when fitted without one).
        fitted(matrix<double> coef, vector<double> intercept, std::size_t n_classes,
               std::size_t n_iter, bool converged)
            : coef_(std::move(coef)),
              intercept_(std::move(intercept)),
              n_classes_(n_classes),
              n_iter_(n_iter),
              converged_(converged) {
            if (n_classes_ < 2 || coef_.shape()[0] != (n_classes_ == 2 ? 1 : n_classes_) ||
                intercept_.size() != coef_.shape()[0])
                throw shape_error(tessera::detail::concat(
                    "logistic_regression::fitted: coef is ", coef_.shape()[0], " x ",
                    coef_.shape()[1], " and intercept has ", intercept_.size(),
                    " entries, which does not fit ", n_classes_, " classes"));
        }

        const matrix<double>& coef() const noexcept { return coef_; }
        const vector<double>& intercept() const noexcept { return intercept_; }
        std::size_t n_classes() const noexcept { return n_classes_; }
        std::size_t n_features() const noexcept { return coef_.shape()[1]; }
        std::size_t n_iter() const noexcept { return n_iter_; }
        bool converged() const noexcept { return converged_; }

        // X coef^T + intercept: N x 1 for binary (positive means class 1), N x K otherwise.
        template <exec::execution_policy P, class T>
        matrix<double> decision_function(const P& policy, const matrix<T>& X) const {
            const std::size_t m = coef_.shape()[0];
            matrix<double> out = xt::empty<double>({X.shape()[0], m});
            score(policy, "logistic_regression.decision_function", X,
                  [&](std::size_t i, const double* z) {
                      for (std::size_t r = 0; r < m; ++r) out(i, r) = z[r];
                  });
            return out;
        }

        // N x n_classes probabilities (N x 2 for binary: [P(0), P(1)]); rows sum to 1.
        template <exec::execution_policy P, class T>
        matrix<double> predict_proba(const P& policy, const matrix<T>& X) const {
            const std::size_t K = n_classes_;
            matrix<double> out = xt::empty<double>({X.shape()[0], K});
            score(policy, "logistic_regression.predict_proba", X,
                  [&](std::size_t i, const double* z) {
                      if (K == 2) {
                          const double p1 = sigmoid(z[0]);
                          out(i, 0) = 1.0 - p1;
                          out(i, 1) = p1;
                      } else {
                          const double lse = log_sum_exp(z, K);
                          for (std::size_t k = 0; k < K; ++k) out(i, k) = std::exp(z[k] - lse);
                      }
                  });
            return out;
        }

        // Class index per row: decision > 0 for binary, argmax (first on ties) otherwise.
        template <exec::execution_policy P, class T>
        vector<std::int32_t> predict(const P& policy, const matrix<T>& X) const {
            const std::size_t m = coef_.shape()[0];
            vector<std::int32_t> out = xt::empty<std::int32_t>({X.shape()[0]});
            score(policy, "logistic_regression.predict", X, [&](std::size_t i, const double* z) {
                if (m == 1) {
                    out(i) = z[0] > 0.0 ? 1 : 0;
                } else {
                    out(i) = static_cast<std::int32_t>(std::max_element(z, z + m) - z);
                }
            });
            return out;
        }

        template <class T>
        matrix<double> decision_function(const matrix<T>& X) const {
            return decision_function(exec::par, X);
        }
        template <class T>
        matrix<double> predict_proba(const matrix<T>& X) const {
            return predict_proba(exec::par, X);
        }
        template <class T>
        vector<std::int32_t> predict(const matrix<T>& X) const {
            return predict(exec::par, X);
        }

        void save(io::writer& w) const {
            w.put<std::uint32_t>(format_version);
            w.put<std::uint64_t>(n_classes_);
            w.put<std::uint64_t>(n_iter_);
            w.put<std::uint8_t>(converged_ ? 1 : 0);
            w.put(coef_);
            w.put(intercept_);
        }
        static fitted load(io::reader& r) {
            const auto v = r.get<std::uint32_t>("logistic_regression.version");
            if (v != format_version)
                throw format_error(tessera::detail::concat("logistic_regression: payload version ",
                                                           v, ", this build reads ", format_version));
            const auto K = r.get<std::uint64_t>("logistic_regression.n_classes");
            const auto it = r.get<std::uint64_t>("logistic_regression.n_iter");
            const auto conv = r.get<std::uint8_t>("logistic_regression.converged");
            auto coef = r.get_tensor<double, 2>("logistic_regression.coef");
            auto b = r.get_tensor<double, 1>("logistic_regression.intercept");
            if (conv > 1 || K < 2 || coef.shape()[0] != (K == 2 ? 1 : K) ||
                b.size() != coef.shape()[0])
                throw format_error(tessera::detail::concat(
                    "logistic_regression: inconsistent payload (n_classes ", K, ", coef ",
                    coef.shape()[0], " x ", coef.shape()[1], ", intercept ", b.size(), ")"));
            return fitted(std::move(coef), std::move(b), static_cast<std::size_t>(K),
                          static_cast<std::size_t>(it), conv == 1);
        }

    private:
        static constexpr std::uint32_t format_version = 1;

        // out(i, z) with z the m decision values of row i.
        template <class P, class T, class Out>
        void score(const P& policy, std::string_view where, const matrix<T>& X, Out&& out) const {
            if constexpr (exec::device_policy<P>) {
                TESSERA_CUDA_NOT_AVAILABLE(P);
            } else {
                const std::size_t d = n_features(), m = coef_.shape()[0];
                detail::check_predict_input(where, X, d);
                detail::for_rows(exec::select_backend(policy), X.shape()[0], d,
                                 [&](std::size_t b, std::size_t e, auto vec) {
                                     std::vector<double> buf(d), z(m);
                                     for (std::size_t i = b; i < e; ++i) {
                                         detail::load_row(X.data(), d, i, nullptr, buf.data());
                                         for (std::size_t r = 0; r < m; ++r)
                                             z[r] = intercept_(r) +
                                                    detail::dot<decltype(vec)::value>(
                                                        buf.data(), coef_.data() + r * d, d);
                                         out(i, z.data());
                                     }
                                 });
            }
        }

        matrix<double> coef_;
        vector<double> intercept_;
        std::size_t n_classes_;
        std::size_t n_iter_;
        bool converged_;
    };

    void check_params() const {
        constexpr std::string_view who = "logistic_regression";
        if (!std::isfinite(config.C) || !(config.C > 0.0))
            throw errors::out_of_range(who, "C", config.C, "finite, > 0");
        if (config.max_iter < 1) throw errors::out_of_range(who, "max_iter", config.max_iter, ">= 1");
        if (!std::isfinite(config.tol) || !(config.tol > 0.0))
            throw errors::out_of_range(who, "tol", config.tol, "finite, > 0");
        if (config.solver != logistic_solver::newton_cholesky && config.solver != logistic_solver::lbfgs)
            throw errors::out_of_range(who, "solver", static_cast<int>(config.solver),
                                       "newton_cholesky or lbfgs");
        if (config.class_weight != class_weight_mode::none &&
            config.class_weight != class_weight_mode::balanced)
            throw errors::out_of_range(who, "class_weight", static_cast<int>(config.class_weight),
                                       "none or balanced");
    }

    // X: n x d (float or double), y: class indices 0..K-1 with every class present.
    template <exec::execution_policy P, class T>
    fitted fit(const P& policy, const matrix<T>& X, const vector<std::int32_t>& y) const {
        return fit_checked(policy, X, y, nullptr);
    }
    template <exec::execution_policy P, class T>
    fitted fit(const P& policy, const matrix<T>& X, const vector<std::int32_t>& y,
               const vector<double>& sample_weight) const {
        detail::check_sample_weight("logistic_regression.fit", X, sample_weight);
        return fit_checked(policy, X, y, sample_weight.data());
    }
    template <class T>
    fitted fit(const matrix<T>& X, const vector<std::int32_t>& y) const {
        return fit(exec::par, X, y);
    }
    template <class T>
    fitted fit(const matrix<T>& X, const vector<std::int32_t>& y,
               const vector<double>& sample_weight) const {
        return fit(exec::par, X, y, sample_weight);
    }

private:
    static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
        const double e = std::exp(z);
        return e / (1.0 + e);
    }
    static double log_sum_exp(const double* z, std::size_t K) {
        const double zmax = *std::max_element(z, z + K);
        double s = 0.0;
        for (std::size_t k = 0; k < K; ++k) s += std::exp(z[k] - zmax);
        return zmax + std::log(s);
    }

    // Number of classes K = max label + 1; every class 0..K-1 must occur
    // (a class with no rows would send its unpenalised intercept to -inf).
    static std::size_t count_classes(const vector<std::int32_t>& y, std::vector<std::size_t>& counts) {
        constexpr std::string_view where = "logistic_regression.fit";
        const std::size_t n = y.size();
        std::int32_t top = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (y(i) < 0 || static_cast<std::size_t>(y(i)) >= n)
                throw data_error(tessera::detail::concat(
                                     where, ": label ", y(i), " at row ", i,
                                     " is not a class index; labels must be 0..K-1 with every "
                                     "class present (K <= n_samples = ", n, ")"),
                                 "y", i);
            top = std::max(top, y(i));
        }
        const std::size_t K = static_cast<std::size_t>(top) + 1;
        if (K < 2)
            throw data_error(tessera::detail::concat(
                                 where, ": y holds a single class (0); at least two are needed"),
                             "y");
        counts.assign(K, 0);
        for (std::size_t i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(y(i))];
        for (std::size_t k = 0; k < K; ++k)
            if (counts[k] == 0)
                throw data_error(tessera::detail::concat(
                                     where, ": class ", k, " has no rows but label ", top,
                                     " occurs; labels must be 0..K-1 with every class present"),
                                 "y");
        return K;
    }

    template <class P, class T>
    fitted fit_checked(const P& policy, const matrix<T>& X, const vector<std::int32_t>& y,
                       const double* sw) const {
        static_assert(std::is_floating_point_v<T>,
                      "logistic_regression::fit: X must hold float or double");
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            constexpr std::string_view where = "logistic_regression.fit";
            check_params();
            detail::check_rows(where, X, y.size(), "y");
            detail::check_finite_matrix(where, X);
            std::vector<std::size_t> counts;
            const std::size_t K = count_classes(y, counts);
            return solve(exec::select_backend(policy), X, y, sw, K, counts);
        }
    }

    template <class Backend, class T>
    fitted solve(const Backend& be, const matrix<T>& X, const vector<std::int32_t>& y,
                 const double* sw, std::size_t K, const std::vector<std::size_t>& counts) const {
        const std::size_t n = X.shape()[0], d = X.shape()[1];
        const bool fi = config.fit_intercept;
        const std::size_t m = K == 2 ? 1 : K;  // coefficient rows
        const std::size_t q = d + (fi ? 1 : 0);  // entries per row: coef, then intercept
        const std::size_t P = m * q;

        // Row weights w_i = sample_weight_i * class_weight[y_i]; empty = all ones.
        std::vector<double> w;
        if (sw || config.class_weight == class_weight_mode::balanced) {
            w.assign(n, 1.0);
            for (std::size_t i = 0; i < n; ++i) {
                if (sw) w[i] = sw[i];
                if (config.class_weight == class_weight_mode::balanced)
                    w[i] *= static_cast<double>(n) /
                            (static_cast<double>(K) * static_cast<double>(counts[static_cast<std::size_t>(y(i))]));
            }
        }
        double S = static_cast<double>(n);
        if (!w.empty()) {
            S = 0.0;
            for (double v : w) S += v;
        }
        const double lambda = 1.0 / (config.C * S);  // scaled L2 strength

        auto eval = [&](const std::vector<double>& theta, bool want_h) {
            const std::size_t hsize = want_h ? P * P : 0;
            auto acc = detail::sum_rows(
                be, n, d, 1 + P + hsize,
                [&](std::size_t b, std::size_t e, std::vector<double>& a, auto vec) {
                    constexpr bool V = decltype(vec)::value;
                    std::vector<double> buf(q), z(m);
                    double* g = a.data() + 1;
                    double* H = g + P;
                    for (std::size_t i = b; i < e; ++i) {
                        detail::load_row(X.data(), d, i, nullptr, buf.data());
                        if (fi) buf[d] = 1.0;
                        const double wi = w.empty() ? 1.0 : w[i];
                        const auto yi = static_cast<std::size_t>(y(i));
                        for (std::size_t r = 0; r < m; ++r)
                            z[r] = detail::dot<V>(buf.data(), theta.data() + r * q, q);
                        if (m == 1) {
                            const double zi = z[0], yv = static_cast<double>(yi);
                            a[0] += wi * (std::max(zi, 0.0) + std::log1p(std::exp(-std::abs(zi))) -
                                          yv * zi);
                            const double p1 = sigmoid(zi);
                            detail::axpy<V>(wi * (p1 - yv), buf.data(), g, q);
                            if (want_h) {  // upper triangle; mirrored after the reduction
                                const double h = wi * p1 * (1.0 - p1);
                                for (std::size_t j = 0; j < q; ++j)
                                    detail::axpy<V>(h * buf[j], buf.data() + j, H + j * P + j, q - j);
                            }
                        } else {
                            const double lse = log_sum_exp(z.data(), m);
                            a[0] += wi * (lse - z[yi]);
                            for (std::size_t k = 0; k < m; ++k) z[k] = std::exp(z[k] - lse);
                            for (std::size_t k = 0; k < m; ++k)
                                detail::axpy<V>(wi * (z[k] - (k == yi ? 1.0 : 0.0)), buf.data(),
                                                g + k * q, q);
                            if (want_h)
                                for (std::size_t ka = 0; ka < m; ++ka)
                                    for (std::size_t kb = ka; kb < m; ++kb) {
                                        const double c =
                                            wi * z[ka] * ((ka == kb ? 1.0 : 0.0) - z[kb]);
                                        // diagonal blocks: upper triangle only
                                        for (std::size_t j = 0; j < q; ++j) {
                                            const std::size_t j0 = ka == kb ? j : 0;
                                            detail::axpy<V>(c * buf[j], buf.data() + j0,
                                                            H + (ka * q + j) * P + kb * q + j0, q - j0);
                                        }
                                    }
                        }
                    }
                });
            detail::objective_value out;
            double pen = 0.0;
            for (std::size_t r = 0; r < m; ++r)
                for (std::size_t j = 0; j < d; ++j) pen += theta[r * q + j] * theta[r * q + j];
            out.f = acc[0] / S + 0.5 * lambda * pen;
            out.g.assign(acc.begin() + 1, acc.begin() + 1 + static_cast<std::ptrdiff_t>(P));
            for (double& v : out.g) v /= S;
            for (std::size_t r = 0; r < m; ++r)
                for (std::size_t j = 0; j < d; ++j) out.g[r * q + j] += lambda * theta[r * q + j];
            if (want_h) {
                out.H.assign(acc.begin() + 1 + static_cast<std::ptrdiff_t>(P), acc.end());
                for (double& v : out.H) v /= S;
                // Only blocks ka <= kb, and the upper triangle of diagonal
                // blocks, were accumulated; together that is the upper
                // triangle of H: mirror it.
                for (std::size_t i = 0; i < P; ++i)
                    for (std::size_t j = 0; j < i; ++j) out.H[i * P + j] = out.H[j * P + i];
                for (std::size_t r = 0; r < m; ++r)
                    for (std::size_t j = 0; j < d; ++j) out.H[(r * q + j) * P + r * q + j] += lambda;
                // Softmax intercepts are defined up to a common shift (H has the
                // all-ones intercept direction as a null vector and g is
                // orthogonal to it); a rank-one term along it makes H definite
                // without changing the step, which stays in sum(b) = 0.
                if (fi && m > 1)
                    for (std::size_t ka = 0; ka < m; ++ka)
                        for (std::size_t kb = 0; kb < m; ++kb)
                            out.H[(ka * q + d) * P + kb * q + d] += 1.0 / static_cast<double>(m);
            }
            return out;
        };

        const auto max_iter = static_cast<std::size_t>(config.max_iter);
        detail::solve_result res =
            config.solver == logistic_solver::lbfgs
                ? detail::lbfgs(eval, std::vector<double>(P, 0.0), max_iter, config.tol)
                : detail::newton(eval, std::vector<double>(P, 0.0), max_iter, config.tol);

        matrix<double> coef = xt::empty<double>({m, d});
        vector<double> intercept = xt::zeros<double>({m});
        for (std::size_t r = 0; r < m; ++r) {
            for (std::size_t j = 0; j < d; ++j) coef(r, j) = res.x[r * q + j];
            if (fi) intercept(r) = res.x[r * q + d];
        }
        if (fi && m > 1) {  // the representative with sum(b) = 0, as scikit-learn's
            double mean = 0.0;
            for (std::size_t r = 0; r < m; ++r) mean += intercept(r);
            mean /= static_cast<double>(m);
            for (std::size_t r = 0; r < m; ++r) intercept(r) -= mean;
        }
        return fitted(std::move(coef), std::move(intercept), K, res.n_iter, res.converged);
    }
};

}  // namespace tessera::learners
