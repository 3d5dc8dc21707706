// tessera/cuda/detail/nn_elementwise.hpp — the element-wise parts of an nn::mlp
// training step as Thrust bodies: bias + activation, the activation's
// derivative, bias-gradient column sums, dropout masks, the loss gradients, and
// the SGD / Adam / AdamW updates. The matrix products are cuBLAS's
// (<tessera/cuda/nn.cuh>).
//
// Same source for nvcc (CUDA) and g++ under THRUST_DEVICE_SYSTEM=OMP, where
// tests/nn_cuda runs it against the CPU functions (kernels::apply_epilogue and
// epilogue_backward on exec::seq, nn::loss_value_and_grad, nn::sgd_step /
// adam_step, the dropout layer). Functors capture raw pointers (device
// pointers under CUDA, host pointers under OMP) and use only <math.h>
// functions that CUDA also provides in device code. Column sums run one column
// per thread over the rows in order, and dropout draws the same Philox words
// as the CPU layer, so those match the CPU bit for bit; the rest matches to
// rounding (different libm, FMA contraction).
#pragma once

#include <cstddef>
#include <cstdint>

#include <math.h>

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>

#include <tessera/core/random.hpp>
#include <tessera/cuda/detail/common.hpp>
#include <tessera/kernels/detail/gemm_activation.hpp>  // kernels::epilogue
#include <tessera/learners/nn/losses.hpp>              // nn::loss_kind

namespace tessera::device_detail::nn {

using kernels::epilogue;

// act(x) of the epilogue (identity for none and bias); as kernels::detail::gemm::activate.
TESSERA_HD inline float activate(epilogue ep, float x, float slope) {
    switch (ep) {
        case epilogue::bias_relu: return x < 0.0f ? 0.0f : x;
        case epilogue::bias_leaky_relu: return x < 0.0f ? slope * x : x;
        case epilogue::bias_gelu: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
        case epilogue::bias_tanh: return tanhf(x);
        case epilogue::bias_sigmoid: return 1.0f / (1.0f + expf(-x));
        default: return x;
    }
}

// dy * act'(s), s the saved output (or pre-activation for GELU); as activate_grad.
TESSERA_HD inline float activate_grad(epilogue ep, float dy, float s, float slope) {
    switch (ep) {
        case epilogue::bias_relu: return s > 0.0f ? dy : 0.0f;
        case epilogue::bias_leaky_relu: return s > 0.0f ? dy : slope * dy;
        case epilogue::bias_gelu: {
            const float cdf = 0.5f * (1.0f + erff(s * 0.70710678118654752f));
            const float pdf = 0.39894228040143268f * expf(-0.5f * s * s);
            return dy * (cdf + s * pdf);
        }
        case epilogue::bias_tanh: return dy * (1.0f - s * s);
        case epilogue::bias_sigmoid: return dy * (s * (1.0f - s));
        default: return dy;
    }
}

struct bias_activation_fn {
    epilogue ep;
    std::size_t w;
    float slope;
    const float* z;
    const float* b;
    float* y;
    TESSERA_HD void operator()(std::size_t k) const { y[k] = activate(ep, z[k] + b[k % w], slope); }
};

struct activation_grad_fn {
    epilogue ep;
    float slope;
    const float* dy;
    const float* s;
    float* dz;
    TESSERA_HD void operator()(std::size_t k) const { dz[k] = activate_grad(ep, dy[k], s ? s[k] : 0.0f, slope); }
};

struct column_sum_fn {
    std::size_t n, w;
    const float* a;
    float* out;
    TESSERA_HD void operator()(std::size_t j) const {
        float s = 0.0f;
        for (std::size_t i = 0; i < n; ++i) s += a[i * w + j];
        out[j] = s;
    }
};

struct dropout_fn {
    philox4x32_key key;
    std::uint64_t stream, base;
    float p, scale;
    const float* x;
    float* mask;
    float* y;
    TESSERA_HD void operator()(std::size_t k) const {
        const std::uint64_t idx = base + k / 4;
        const auto blk = philox4x32_10({{static_cast<std::uint32_t>(idx), static_cast<std::uint32_t>(idx >> 32),
                                         static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)}},
                                       key);
        const float u = static_cast<float>(blk.v[k % 4] >> 8) * 0x1.0p-24f;
        const float m = u >= p ? scale : 0.0f;
        mask[k] = m;
        y[k] = x[k] * m;
    }
};

// Loss of row i (times its weight) into row_loss[i] and, if grad, the gradient row.
struct loss_row_fn {
    tessera::nn::loss_kind kind;
    double delta, inv_wsum;
    std::size_t m;
    const float* out;
    const float* target;
    const float* weight;
    float* grad;
    double* row_loss;
    TESSERA_HD void operator()(std::size_t i) const {
        using tessera::nn::loss_kind;
        const double w = weight ? weight[i] : 1.0;
        const float gs = static_cast<float>(w * inv_wsum);
        const float* o = out + i * m;
        float* g = grad ? grad + i * m : nullptr;
        double l = 0.0;
        if (kind == loss_kind::binary_cross_entropy) {
            const double z = o[0], y = target[i];
            l = (z > 0.0 ? z : 0.0) - z * y + log1p(exp(-fabs(z)));
            if (g) g[0] = gs * static_cast<float>(1.0 / (1.0 + exp(-z)) - y);
        } else if (kind == loss_kind::softmax_cross_entropy) {
            const auto y = static_cast<std::size_t>(target[i]);
            double zmax = o[0];
            for (std::size_t j = 1; j < m; ++j) zmax = o[j] > zmax ? o[j] : zmax;
            double s = 0.0;
            for (std::size_t j = 0; j < m; ++j) s += exp(o[j] - zmax);
            const double lse = zmax + log(s);
            l = lse - o[y];
            if (g)
                for (std::size_t j = 0; j < m; ++j) g[j] = gs * static_cast<float>(exp(o[j] - lse) - (j == y ? 1.0 : 0.0));
        } else {
            for (std::size_t j = 0; j < m; ++j) {
                const double r = static_cast<double>(o[j]) - target[i];
                const double a = fabs(r);
                if (kind == loss_kind::huber) {
                    l += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
                    if (g) g[j] = gs * static_cast<float>(a <= delta ? r : (r > 0 ? delta : -delta));
                } else {
                    l += r * r;
                    if (g) g[j] = gs * static_cast<float>(2.0 * r);
                }
            }
        }
        row_loss[i] = w * l;
    }
};

struct sgd_fn {
    float lr, momentum, weight_decay;
    bool nesterov, first;
    float* p;
    const float* g;
    float* buf;
    TESSERA_HD void operator()(std::size_t i) const {
        float d = g[i] + weight_decay * p[i];
        if (momentum != 0.0f) {
            buf[i] = first ? d : momentum * buf[i] + d;
            d = nesterov ? d + momentum * buf[i] : buf[i];
        }
        p[i] -= lr * d;
    }
};

struct adam_fn {
    float beta1, beta2, eps, step, inv_sqrt_bc2, decay, l2;
    float* p;
    const float* g;
    float* m;
    float* v;
    TESSERA_HD void operator()(std::size_t i) const {
        const float gi = g[i] + l2 * p[i];
        m[i] = beta1 * m[i] + (1.0f - beta1) * gi;
        v[i] = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        p[i] = p[i] * decay - step * m[i] / (sqrtf(v[i]) * inv_sqrt_bc2 + eps);
    }
};

template <class Be, class F>
void for_n(const Be& be, std::size_t n, const F& f) {
    thrust::for_each_n(be.policy(), thrust::counting_iterator<std::size_t>(0), n, f);
}

// y = act(z + b) over n x w (y may be z).
template <class Be>
void bias_activation(const Be& be, epilogue ep, std::size_t n, std::size_t w, const float* z, const float* b,
                     float* y, float slope) {
    for_n(be, n * w, bias_activation_fn{ep, w, slope, z, b, y});
}

// dz = dy * act'(s) (dz may be dy), then db = column sums of dz (if db).
template <class Be>
void activation_backward(const Be& be, epilogue ep, std::size_t n, std::size_t w, const float* dy, const float* s,
                         float* dz, float* db, float slope) {
    if (ep != epilogue::none && ep != epilogue::bias) for_n(be, n * w, activation_grad_fn{ep, slope, dy, s, dz});
    else if (dz != dy) for_n(be, n * w, activation_grad_fn{epilogue::none, slope, dy, nullptr, dz});
    if (db) for_n(be, w, column_sum_fn{n, w, dz, db});
}

// The dropout layer's mask and output for training step `step` of layer `layer`.
template <class Be>
void dropout_forward(const Be& be, std::uint64_t seed, std::size_t layer, std::uint64_t step, float p,
                     std::size_t count, const float* x, float* mask, float* y) {
    const rng r(seed, (std::uint64_t{1} << 40) + layer);
    for_n(be, count, dropout_fn{r.key(), r.stream(), step << 32, p, 1.0f / (1.0f - p), x, mask, y});
}

// Weighted-mean loss over n rows (gradient into grad if not null); row_loss: n doubles of scratch.
template <class Be>
double loss_value_and_grad(const Be& be, tessera::nn::loss_kind kind, double delta, const float* out,
                           std::size_t n, std::size_t m, const float* target, const float* weight,
                           double wsum, float* grad, double* row_loss) {
    if (n == 0 || !(wsum > 0.0)) return 0.0;
    for_n(be, n, loss_row_fn{kind, delta, 1.0 / wsum, m, out, target, weight, grad, row_loss});
    const auto ptr = thrust::device_pointer_cast(row_loss);
    return thrust::reduce(be.policy(), ptr, ptr + n, 0.0) / wsum;
}

template <class Be>
void sgd_step(const Be& be, float* p, const float* g, float* buf, std::size_t n, float lr, float momentum,
              float weight_decay, bool nesterov, bool first) {
    for_n(be, n, sgd_fn{lr, momentum, weight_decay, nesterov, first, p, g, buf});
}

template <class Be>
void adam_step(const Be& be, float* p, const float* g, float* m, float* v, std::size_t n, float lr, float beta1,
               float beta2, float eps, float weight_decay, bool decoupled, std::int64_t t) {
    const double bc1 = 1.0 - pow(static_cast<double>(beta1), static_cast<double>(t));
    const double bc2 = 1.0 - pow(static_cast<double>(beta2), static_cast<double>(t));
    for_n(be, n,
          adam_fn{beta1, beta2, eps, static_cast<float>(lr / bc1), static_cast<float>(1.0 / sqrt(bc2)),
                  decoupled ? 1.0f - lr * weight_decay : 1.0f, decoupled ? 0.0f : weight_decay, p, g, m, v});
}

}  // namespace tessera::device_detail::nn
