// tessera/learners/linear/linear_regression.hpp — ordinary least squares and
// ridge regression by the normal equations.
//
// Reference behaviour: scikit-learn's LinearRegression (l2 = 0) and Ridge
// (l2 = alpha): minimise sum_i w_i (y_i - x_i.coef - intercept)^2 + l2 |coef|^2,
// the intercept unpenalised and handled by centering X and y on their
// (weighted) means, as scikit-learn does. The centered Gram matrix
// X_c^T W X_c + l2 I is accumulated in double through the execution policy and
// solved with our own Cholesky. A singular X_c^T X_c (l2 = 0 and a constant or
// linearly dependent column) is a data_error naming the column; there is no
// pseudo-inverse fallback, because a silently chosen minimum-norm solution
// hides a modelling mistake.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
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
#include <tessera/learners/linear/detail/cholesky.hpp>
#include <tessera/learners/linear/detail/row_reduce.hpp>

namespace tessera::learners {

struct linear_regression {
    struct params {
        // Fit an unpenalised intercept (by centering X and y on their means).
        bool fit_intercept = true;
        // Ridge penalty on the coefficients (scikit-learn's Ridge `alpha`);
        // 0 is ordinary least squares. Valid: finite, >= 0.
        double l2 = 0.0;
    };
    params config{};

    // The fitted model: immutable, thread-safe to score from many threads.
    class fitted {
    public:
        static constexpr std::string_view type_tag = "tessera.learners.linear_regression";

        fitted(vector<double> coef, double intercept, bool fit_intercept)
            : coef_(std::move(coef)), intercept_(intercept), fit_intercept_(fit_intercept) {}

        const vector<double>& coef() const noexcept { return coef_; }
        double intercept() const noexcept { return intercept_; }
        std::size_t n_features() const noexcept { return coef_.size(); }
        bool fit_intercept() const noexcept { return fit_intercept_; }
        // A direct solve: one "iteration", always converged.
        std::size_t n_iter() const noexcept { return 1; }
        bool converged() const noexcept { return true; }

        // intercept + X coef, in double. X must be finite and have n_features columns.
        template <exec::execution_policy P, class T>
        vector<double> predict(const P& policy, const matrix<T>& X) const {
            if constexpr (exec::device_policy<P>) {
                TESSERA_CUDA_NOT_AVAILABLE(P);
            } else {
                detail::check_predict_input("linear_regression.predict", X, n_features());
                const std::size_t n = X.shape()[0], d = n_features();
                vector<double> out = xt::empty<double>({n});
                detail::for_rows(exec::select_backend(policy), n, d,
                                 [&](std::size_t b, std::size_t e, auto vec) {
                                     std::vector<double> buf(d);
                                     for (std::size_t i = b; i < e; ++i) {
                                         detail::load_row(X.data(), d, i, nullptr, buf.data());
                                         out(i) = intercept_ + detail::dot<decltype(vec)::value>(
                                                                   buf.data(), coef_.data(), d);
                                     }
                                 });
                return out;
            }
        }
        template <class T>
        vector<double> predict(const matrix<T>& X) const {
            return predict(exec::par, X);
        }

        void save(io::writer& w) const {
            w.put<std::uint32_t>(format_version);
            w.put<std::uint8_t>(fit_intercept_ ? 1 : 0);
            w.put<double>(intercept_);
            w.put(coef_);
        }
        static fitted load(io::reader& r) {
            const auto v = r.get<std::uint32_t>("linear_regression.version");
            if (v != format_version)
                throw format_error(tessera::detail::concat(
                    "linear_regression: payload version ", v, ", this build reads ", format_version));
            const auto fi = r.get<std::uint8_t>("linear_regression.fit_intercept");
            if (fi > 1) throw format_error("linear_regression: bad fit_intercept flag");
            const auto b = r.get<double>("linear_regression.intercept");
            auto coef = r.get_tensor<double, 1>("linear_regression.coef");
            return fitted(std::move(coef), b, fi == 1);
        }

    private:
        static constexpr std::uint32_t format_version = 1;
        vector<double> coef_;
        double intercept_;
        bool fit_intercept_;
    };

    void check_params() const {
        if (!std::isfinite(config.l2) || config.l2 < 0.0)
            throw errors::out_of_range("linear_regression", "l2", config.l2, "finite, >= 0");
    }

    // X: n x d (float or double), y: n targets. NaN/inf anywhere is a data_error.
    template <exec::execution_policy P, class T, class U>
    fitted fit(const P& policy, const matrix<T>& X, const vector<U>& y) const {
        return fit_checked(policy, X, y, nullptr);
    }
    // With per-row sample weights (finite, >= 0, positive sum).
    template <exec::execution_policy P, class T, class U>
    fitted fit(const P& policy, const matrix<T>& X, const vector<U>& y,
               const vector<double>& sample_weight) const {
        detail::check_sample_weight("linear_regression.fit", X, sample_weight);
        return fit_checked(policy, X, y, sample_weight.data());
    }
    template <class T, class U>
    fitted fit(const matrix<T>& X, const vector<U>& y) const {
        return fit(exec::par, X, y);
    }
    template <class T, class U>
    fitted fit(const matrix<T>& X, const vector<U>& y, const vector<double>& sample_weight) const {
        return fit(exec::par, X, y, sample_weight);
    }

private:
    template <class P, class T, class U>
    fitted fit_checked(const P& policy, const matrix<T>& X, const vector<U>& y,
                       const double* sw) const {
        static_assert(std::is_floating_point_v<T> && std::is_floating_point_v<U>,
                      "linear_regression::fit: X and y must hold float or double");
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            constexpr std::string_view where = "linear_regression.fit";
            check_params();
            detail::check_rows(where, X, y.size(), "y");
            detail::check_finite_matrix(where, X);
            detail::check_finite_vector(where, "y", y);
            return solve(exec::select_backend(policy), X, y, sw);
        }
    }

    template <class Backend, class T, class U>
    fitted solve(const Backend& be, const matrix<T>& X, const vector<U>& y,
                 const double* sw) const {
        const std::size_t n = X.shape()[0], d = X.shape()[1];
        const bool fi = config.fit_intercept;

        // Pass 1: weighted sums of x, x^2, y and w (means, and the column
        // scales the rank test is relative to).
        const auto m = detail::sum_rows(be, n, d, 2 * d + 2,
                                        [&](std::size_t b, std::size_t e, std::vector<double>& acc,
                                            auto vec) {
            std::vector<double> buf(d);
            for (std::size_t i = b; i < e; ++i) {
                const double w = sw ? sw[i] : 1.0;
                detail::load_row(X.data(), d, i, nullptr, buf.data());
                detail::axpy<decltype(vec)::value>(w, buf.data(), acc.data(), d);
                for (std::size_t j = 0; j < d; ++j) acc[d + j] += w * buf[j] * buf[j];
                acc[2 * d] += w * static_cast<double>(y(i));
                acc[2 * d + 1] += w;
            }
        });
        const double wsum = m[2 * d + 1];
        std::vector<double> x_mean(d, 0.0);
        double y_mean = 0.0;
        if (fi) {
            for (std::size_t j = 0; j < d; ++j) x_mean[j] = m[j] / wsum;
            y_mean = m[2 * d] / wsum;
        }

        // Pass 2: upper triangle of X_c^T W X_c, and X_c^T W y_c.
        const double* shift = fi ? x_mean.data() : nullptr;
        auto g = detail::sum_rows(be, n, d, d * d + d,
                                  [&](std::size_t b, std::size_t e, std::vector<double>& acc,
                                      auto vec) {
            constexpr bool V = decltype(vec)::value;
            std::vector<double> buf(d);
            for (std::size_t i = b; i < e; ++i) {
                const double w = sw ? sw[i] : 1.0;
                detail::load_row(X.data(), d, i, shift, buf.data());
                for (std::size_t k = 0; k < d; ++k)
                    detail::axpy<V>(w * buf[k], buf.data() + k, acc.data() + k * d + k, d - k);
                detail::axpy<V>(w * (static_cast<double>(y(i)) - y_mean), buf.data(),
                                acc.data() + d * d, d);
            }
        });

        std::vector<double> A(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(d * d));
        for (std::size_t i = 0; i < d; ++i) {
            for (std::size_t j = 0; j < i; ++j) A[i * d + j] = A[j * d + i];
            A[i * d + i] += config.l2;
        }
        // Without a penalty, a pivot below 64 eps of the column's raw sum of
        // squares means the column adds nothing the earlier ones (or the
        // intercept) do not already explain.
        std::vector<double> floor(d);
        for (std::size_t j = 0; j < d; ++j)
            floor[j] = config.l2 > 0.0 ? 0.0 : 64 * std::numeric_limits<double>::epsilon() * m[d + j];
        const std::size_t bad = detail::cholesky_factor(A, d, floor.data());
        if (bad < d)
            throw data_error(
                tessera::detail::concat(
                    "linear_regression.fit: X^T X is singular: column ", bad, " is ",
                    fi ? "constant or " : "all zero or ",
                    "a linear combination of the columns before it; drop it or set l2 > 0"),
                std::to_string(bad));

        vector<double> coef = xt::empty<double>({d});
        for (std::size_t j = 0; j < d; ++j) coef(j) = g[d * d + j];
        detail::cholesky_solve(A, d, coef.data());
        double intercept = 0.0;
        if (fi) {
            intercept = y_mean;
            for (std::size_t j = 0; j < d; ++j) intercept -= x_mean[j] * coef(j);
        }
        return fitted(std::move(coef), intercept, fi);
    }
};

}  // namespace tessera::learners
