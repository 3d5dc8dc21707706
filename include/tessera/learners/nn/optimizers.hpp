// tessera/learners/nn/optimizers.hpp — parameter updates, learning-rate
// schedules and gradient clipping, with PyTorch's semantics:
//
//   sgd    torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov):
//            g <- g + wd p;  b <- g (first step) or mu b + g;
//            g <- g + mu b (nesterov) or b;  p <- p - lr g
//   adam   torch.optim.Adam(lr, betas, eps, weight_decay) (L2 added to the gradient):
//            g <- g + wd p;  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
//            p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
//   adamw  torch.optim.AdamW (decoupled decay, Loshchilov & Hutter 2019):
//            p <- p (1 - lr wd), then the Adam step without the L2 term
//   clip   torch.nn.utils.clip_grad_norm_(max_norm): total = ||g||_2 over every
//            parameter; if total > max_norm, g <- g max_norm / (total + 1e-6)
//   schedules (per epoch e, as calling scheduler.step() once per epoch):
//            warm-up  e < W: lr0 (e + 1) / W          (LinearLR(1/W, 1, W - 1))
//            then with k = e - W:
//            constant lr0
//            step     lr0 gamma^floor(k / step_size)  (StepLR)
//            cosine   eta_min + (lr0 - eta_min) (1 + cos(pi k / T)) / 2, T = epochs - W
//                                                       (CosineAnnealingLR(T_max = T))
// The update loops are xsimd-vectorised; element i depends only on element i,
// and the clipping norm is summed in double in index order, so the result
// does not depend on the thread count.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

#include <tessera/kernels/detail/simd.hpp>

// GCC 12 reports the _mm512_undefined_* operands inside xsimd 8.1's AVX-512
// sqrt as uninitialized where adam_step inlines it (GCC bug 105593, a false
// positive); silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace tessera::nn {

enum class optimizer_kind : std::uint8_t { sgd, adam, adamw };
enum class schedule_kind : std::uint8_t { constant, step, cosine };

// The learning rate of epoch `epoch` (0-based) for a run of `epochs` epochs.
struct lr_schedule {
    schedule_kind kind = schedule_kind::constant;
    double base = 1e-3;
    int step_size = 10;
    double gamma = 0.1;
    double eta_min = 0.0;
    int warmup_epochs = 0;
    int epochs = 1;

    double at(int epoch) const noexcept {
        if (epoch < warmup_epochs) return base * (epoch + 1) / warmup_epochs;
        const int k = epoch - warmup_epochs;
        switch (kind) {
            case schedule_kind::constant: return base;
            case schedule_kind::step: return base * std::pow(gamma, k / step_size);
            case schedule_kind::cosine: {
                const int T = epochs - warmup_epochs;
                if (T <= 0) return base;
                return eta_min +
                       (base - eta_min) * (1.0 + std::cos(std::numbers::pi * k / T)) / 2.0;
            }
        }
        return base;
    }
};

// SGD with momentum (buf holds the momentum buffer; `first` = its first use).
inline void sgd_step(float* p, const float* g, float* buf, std::size_t n, float lr,
                     float momentum, float weight_decay, bool nesterov, bool first) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        float d = g[i] + weight_decay * p[i];
        if (momentum != 0.0f) {
            buf[i] = first ? d : momentum * buf[i] + d;
            d = nesterov ? d + momentum * buf[i] : buf[i];
        }
        p[i] -= lr * d;
    }
}

// Adam (decoupled = false) or AdamW (decoupled = true) step number t >= 1.
inline void adam_step(float* p, const float* g, float* m, float* v, std::size_t n, float lr,
                      float beta1, float beta2, float eps, float weight_decay, bool decoupled,
                      std::int64_t t) noexcept {
    const double bc1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(t));
    const float step = static_cast<float>(lr / bc1);
    const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
    const float decay = decoupled ? 1.0f - lr * weight_decay : 1.0f;
    const float l2 = decoupled ? 0.0f : weight_decay;
    const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    using B = simd::batch<float>;
    constexpr std::size_t W = B::size;
    std::size_t i = 0;
    const B vb1(beta1), vb2(beta2), vc1(c1), vc2(c2), vl2(l2), vdecay(decay), vstep(step),
        vbc(inv_sqrt_bc2), veps(eps);
    for (; i + W <= n; i += W) {
        B pi = B::load_unaligned(p + i);
        const B gi = B::load_unaligned(g + i) + vl2 * pi;
        const B mi = vb1 * B::load_unaligned(m + i) + vc1 * gi;
        const B vi = vb2 * B::load_unaligned(v + i) + vc2 * gi * gi;
        mi.store_unaligned(m + i);
        vi.store_unaligned(v + i);
        pi = pi * vdecay;
        pi = pi - vstep * mi / (xsimd::sqrt(vi) * vbc + veps);
        pi.store_unaligned(p + i);
    }
    for (; i < n; ++i) {
        const float gi = g[i] + l2 * p[i];
        m[i] = beta1 * m[i] + c1 * gi;
        v[i] = beta2 * v[i] + c2 * gi * gi;
        p[i] = p[i] * decay - step * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
    }
}

// L2 norm of g (double, index order); scales g down to max_norm if above it.
// max_norm <= 0 only measures. Returns the norm before clipping.
inline double clip_grad_norm(float* g, std::size_t n, double max_norm) noexcept {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(g[i]) * g[i];
    const double total = std::sqrt(s);
    if (max_norm > 0.0 && total > max_norm) {
        const auto c = static_cast<float>(max_norm / (total + 1e-6));
        for (std::size_t i = 0; i < n; ++i) g[i] *= c;
    }
    return total;
}

}  // namespace tessera::nn

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
