// tessera/learners/nn/losses.hpp — the training losses and their gradients
// with respect to the network's raw outputs.
//
// Definitions as PyTorch (reduction='mean', per-sample weights w_i giving the
// weighted mean sum_i w_i l_i / sum_i w_i, as CrossEntropyLoss(weight=...)):
//   mse                   MSELoss:   l = (o - y)^2
//   huber                 HuberLoss(delta): l = r^2 / 2 if |r| <= delta, else delta (|r| - delta / 2)
//   binary_cross_entropy  BCEWithLogitsLoss: l = max(o, 0) - o y + log(1 + exp(-|o|))
//   softmax_cross_entropy CrossEntropyLoss on logits: l = logsumexp(o) - o_y
// Targets arrive as floats: the value (mse, huber), 0/1 (binary) or the class
// index (softmax). The loss is summed in double, in row order (deterministic).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::nn {

enum class loss_kind : std::uint8_t {
    automatic,              // classification: binary_cross_entropy for 2 classes, else softmax; regression: mse
    mse,
    huber,
    binary_cross_entropy,   // on logits, one output
    softmax_cross_entropy,  // on logits, one output per class
};

constexpr std::string_view to_string(loss_kind k) noexcept {
    switch (k) {
        case loss_kind::automatic: return "automatic";
        case loss_kind::mse: return "mse";
        case loss_kind::huber: return "huber";
        case loss_kind::binary_cross_entropy: return "binary_cross_entropy";
        case loss_kind::softmax_cross_entropy: return "softmax_cross_entropy";
    }
    return "?";
}

// Weighted-mean loss of n rows of m raw outputs `out` (row-major) against
// `target`; `weight` may be null (all ones). If `grad` is not null it receives
// d loss / d out (n x m). Returns the loss (already divided by sum of weights).
inline double loss_value_and_grad(loss_kind kind, double huber_delta, const float* out,
                                  std::size_t n, std::size_t m, const float* target,
                                  const float* weight, float* grad) {
    double wsum = 0.0;
    if (weight) {
        for (std::size_t i = 0; i < n; ++i) wsum += weight[i];
    } else {
        wsum = static_cast<double>(n);
    }
    if (n == 0 || !(wsum > 0.0)) {
        if (grad) std::fill(grad, grad + n * m, 0.0f);
        return 0.0;
    }
    const double inv = 1.0 / wsum;
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double w = weight ? weight[i] : 1.0;
        const float* o = out + i * m;
        float* g = grad ? grad + i * m : nullptr;
        const float gs = static_cast<float>(w * inv);
        switch (kind) {
            case loss_kind::mse:
            case loss_kind::automatic: {
                for (std::size_t j = 0; j < m; ++j) {
                    const double r = static_cast<double>(o[j]) - target[i];
                    total += w * r * r;
                    if (g) g[j] = gs * static_cast<float>(2.0 * r);
                }
                break;
            }
            case loss_kind::huber: {
                const double d = huber_delta;
                for (std::size_t j = 0; j < m; ++j) {
                    const double r = static_cast<double>(o[j]) - target[i];
                    const double a = std::abs(r);
                    total += w * (a <= d ? 0.5 * r * r : d * (a - 0.5 * d));
                    if (g) g[j] = gs * static_cast<float>(a <= d ? r : (r > 0 ? d : -d));
                }
                break;
            }
            case loss_kind::binary_cross_entropy: {
                const double z = o[0], y = target[i];
                total += w * (std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::abs(z))));
                if (g) {
                    const double p = z >= 0 ? 1.0 / (1.0 + std::exp(-z))
                                            : std::exp(z) / (1.0 + std::exp(z));
                    g[0] = gs * static_cast<float>(p - y);
                }
                break;
            }
            case loss_kind::softmax_cross_entropy: {
                const auto y = static_cast<std::size_t>(target[i]);
                double zmax = o[0];
                for (std::size_t j = 1; j < m; ++j) zmax = std::max(zmax, static_cast<double>(o[j]));
                double s = 0.0;
                for (std::size_t j = 0; j < m; ++j) s += std::exp(o[j] - zmax);
                const double lse = zmax + std::log(s);
                total += w * (lse - o[y]);
                if (g)
                    for (std::size_t j = 0; j < m; ++j)
                        g[j] = gs * static_cast<float>(std::exp(o[j] - lse) - (j == y ? 1.0 : 0.0));
                break;
            }
        }
    }
    return total * inv;
}

}  // namespace tessera::nn
