// A small, runnable tour of learners::linear: ridge regression on synthetic
// data (coefficients + R^2 on a held-out half) and a binary logistic regression
// (coefficients + accuracy and log loss), both trained with exec::par.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>

#include <xtensor/xview.hpp>

#include <tessera/learners/linear.hpp>

using namespace tessera;

int main() {
    // example-begin linear
    const std::size_t n = 2000, d = 4;
    std::mt19937_64 gen(42);
    std::normal_distribution<double> normal;
    matrix<float> X = xt::empty<float>({n, d});
    vector<float> y = xt::empty<float>({n});
    vector<std::int32_t> label = xt::empty<std::int32_t>({n});
    const double w[d] = {1.5, -2.0, 0.5, 0.0};
    for (std::size_t i = 0; i < n; ++i) {
        double s = 3.0;
        for (std::size_t j = 0; j < d; ++j) {
            X(i, j) = static_cast<float>(normal(gen));
            s += w[j] * X(i, j);
        }
        y(i) = static_cast<float>(s + 0.5 * normal(gen));
        label(i) = s - 3.0 + normal(gen) > 0 ? 1 : 0;
    }
    const std::size_t half = n / 2;
    const matrix<float> Xtr = xt::view(X, xt::range(0, half), xt::all());
    const matrix<float> Xte = xt::view(X, xt::range(half, n), xt::all());
    const vector<float> ytr = xt::view(y, xt::range(0, half));
    const vector<std::int32_t> ltr = xt::view(label, xt::range(0, half));

    // Ridge regression (l2 = 0 is ordinary least squares).
    const auto reg = learners::linear_regression{{.fit_intercept = true, .l2 = 1.0}}.fit(exec::par, Xtr, ytr);
    const auto pred = reg.predict(exec::par, Xte);

    // L2-regularised logistic regression (scikit-learn's objective and C).
    const auto clf = learners::logistic_regression{{.C = 1.0}}.fit(exec::par, Xtr, ltr);
    const auto proba = clf.predict_proba(exec::par, Xte);  // N x 2: [P(0), P(1)]
    const auto cls = clf.predict(exec::par, Xte);
    // example-end linear

    double mean = 0, ss_res = 0, ss_tot = 0;
    for (std::size_t i = half; i < n; ++i) mean += y(i);
    mean /= static_cast<double>(n - half);
    for (std::size_t i = half; i < n; ++i) {
        ss_res += (y(i) - pred(i - half)) * (y(i) - pred(i - half));
        ss_tot += (y(i) - mean) * (y(i) - mean);
    }
    std::printf("linear_regression: coef");
    for (std::size_t j = 0; j < d; ++j) std::printf(" %.4f", reg.coef()(j));
    std::printf(", intercept %.4f, held-out R^2 %.4f\n", reg.intercept(), 1 - ss_res / ss_tot);

    double correct = 0, logloss = 0;
    for (std::size_t i = half; i < n; ++i) {
        correct += cls(i - half) == label(i);
        logloss -= std::log(std::max(proba(i - half, static_cast<std::size_t>(label(i))), 1e-300));
    }
    std::printf("logistic_regression: coef");
    for (std::size_t j = 0; j < d; ++j) std::printf(" %.4f", clf.coef()(0, j));
    std::printf(", intercept %.4f, %zu Newton iterations (converged: %s)\n", clf.intercept()(0),
                clf.n_iter(), clf.converged() ? "yes" : "no");
    std::printf("  held-out accuracy %.4f, log loss %.4f\n", correct / static_cast<double>(n - half),
                logloss / static_cast<double>(n - half));
}
