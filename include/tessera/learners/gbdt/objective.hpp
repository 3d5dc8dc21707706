// tessera/learners/gbdt/objective.hpp — training objectives.
//
// A custom objective is any type satisfying gbdt::objective: for a batch of
// rows it writes the gradient and hessian of the loss with respect to the raw
// score, and it gives the initial (base) score. gradients() must be
// element-wise (row i depends on row i only): the trainer may call it on
// blocks of rows in parallel. Built-in objectives (LightGBM's definitions):
//   squared_error   g = s - y,                       h = 1,         base = mean(y)
//   absolute_error  g = sign(s - y),                 h = 1,         base = median(y);
//                   leaf values refit to the median residual y - s of the leaf
//   huber           g = r if |r| <= delta else delta sign(r) (r = s - y), h = 1, base = mean(y)
//   poisson         g = exp(s) - y,  h = exp(s + 0.7) (LightGBM's poisson_max_delta_step),
//                   base = log(mean(y)), labels >= 0 with a positive mean
//   binary_logloss  p = sigmoid(s), g = p - y, h = p (1 - p), base = log(p / (1 - p))
//   multiclass      p = softmax(s), g_k = p_k - [y = k], h_k = K / (K - 1) p_k (1 - p_k),
//                   base_k = log(class frequency k)
// Weights (class_weight, scale_pos_weight) multiply g and h; base scores are
// the optimal constants of the weighted loss.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tessera::gbdt {

template <class O>
concept objective = requires(const O& o, std::span<const float> y, std::span<const double> score,
                             std::span<double> grad, std::span<double> hess) {
    { o.gradients(y, score, grad, hess) };
    { o.initial_score(y) } -> std::convertible_to<double>;
};

namespace detail {

inline double sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
}

// Weighted quantile (LightGBM's PercentileFun with weights, alpha = 0.5 gives
// the weighted median): sorts (value, weight) pairs by value and returns the
// first value where the cumulative weight reaches alpha * total.
inline double weighted_quantile(std::vector<std::pair<double, double>>& vw, double alpha) {
    if (vw.empty()) return 0.0;
    std::sort(vw.begin(), vw.end());
    double total = 0.0;
    for (const auto& p : vw) total += p.second;
    const double target = alpha * total;
    double acc = 0.0;
    for (std::size_t i = 0; i < vw.size(); ++i) {
        acc += vw[i].second;
        if (acc >= target) {
            // exact half: average with the next distinct value (plain median for unit weights)
            if (acc == target && i + 1 < vw.size()) return (vw[i].first + vw[i + 1].first) / 2.0;
            return vw[i].first;
        }
    }
    return vw.back().first;
}

// The built-in single-output objectives, row by row.
struct builtin_regression {
    int kind = 0;  // 0 squared, 1 absolute, 2 huber, 3 poisson, 4 binary
    double delta = 1.0;

    void row(float yf, double s, double& g, double& h) const {
        const double y = yf;
        switch (kind) {
            case 0: g = s - y; h = 1.0; break;
            case 1: g = s > y ? 1.0 : (s < y ? -1.0 : 0.0); h = 1.0; break;
            case 2: {
                const double r = s - y;
                g = std::abs(r) <= delta ? r : (r > 0 ? delta : -delta);
                h = 1.0;
                break;
            }
            case 3: g = std::exp(s) - y; h = std::exp(s + 0.7); break;
            default: {
                const double p = sigmoid(s);
                g = p - y;
                h = std::max(p * (1.0 - p), 1e-16);
                break;
            }
        }
    }
};

}  // namespace detail

// The built-in objectives as gbdt::objective types (usable as custom ones too).
struct squared_error_objective {
    void gradients(std::span<const float> y, std::span<const double> s, std::span<double> g,
                   std::span<double> h) const {
        for (std::size_t i = 0; i < y.size(); ++i) detail::builtin_regression{0}.row(y[i], s[i], g[i], h[i]);
    }
    double initial_score(std::span<const float> y) const {
        double m = 0.0;
        for (float v : y) m += v;
        return y.empty() ? 0.0 : m / static_cast<double>(y.size());
    }
};

}  // namespace tessera::gbdt
