// tessera/learners/nn/layers.hpp — the layers an nn::mlp stacks: dense (with a
// fused activation), dropout, batch normalization and layer normalization.
//
// Each layer owns its output buffer (and what its backward pass needs), sized
// once for the largest batch and reused for every batch. Trainable parameters
// live in one flat float array shared by the whole network (offsets fixed by
// `setup`), gradients in an array of the same layout, non-trainable buffers
// (batch-norm running statistics) in a third. Forward and backward are written
// by hand per layer; every reduction runs serially in a fixed order, so results
// do not depend on the thread count. Matrix products go through kernels::sgemm
// (which is thread-count invariant).
//
// Semantics follow PyTorch:
//   dense<Act>   torch.nn.Linear + activation; W is stored in x out (y = x W + b)
//   dropout      torch.nn.Dropout(p): training keeps each element with
//                probability 1 - p and scales it by 1 / (1 - p); identity in eval.
//                Masks come from Philox (seed, stream 2^40 + layer, counter
//                step * 2^32 + element / 4), four elements per block
//   batch_norm   torch.nn.BatchNorm1d(eps, momentum): batch mean and biased
//                variance in training; running mean / unbiased variance updated
//                with `momentum`; eval uses the running statistics
//   layer_norm   torch.nn.LayerNorm(width, eps): per-row mean and biased variance
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/kernels/gemm.hpp>
#include <tessera/learners/nn/activations.hpp>

namespace tessera::nn {

// uniform: U(-a, a); normal: N(0, s^2). He: a = sqrt(6 / fan_in), s = sqrt(2 / fan_in);
// Xavier (Glorot): a = sqrt(6 / (fan_in + fan_out)), s = sqrt(2 / (fan_in + fan_out)).
// automatic: He uniform before ReLU, leaky ReLU and GELU, Xavier uniform otherwise.
// torch_linear: PyTorch's nn.Linear default (kaiming_uniform_ with a = sqrt(5), i.e.
// W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias from the same range).
enum class init_kind : std::uint8_t { automatic, he_uniform, he_normal, xavier_uniform, xavier_normal, torch_linear };

// What every layer's forward/backward reads besides its input.
struct layer_context {
    float* params = nullptr;  // trainable parameters of the whole network
    float* grads = nullptr;   // their gradients (same layout)
    float* state = nullptr;   // non-trainable buffers
    float leaky_slope = 0.01f;
    float dropout = 0.0f;
    float bn_momentum = 0.1f;
    float norm_eps = 1e-5f;
    std::uint64_t seed = 0;
    std::uint64_t step = 0;  // training step; keys the dropout masks
};

namespace detail {
inline constexpr kernels::transpose no_t = kernels::transpose::no;
inline constexpr kernels::transpose tr_t = kernels::transpose::yes;

}  // namespace detail

template <class Act = identity>
struct dense {
    using activation = Act;
    static constexpr bool is_dense = true;
    // GELU's derivative reads the pre-activation z = x W + b; the others read y.
    static constexpr bool keeps_z = kernels::grad_source_of(Act::ep) == kernels::grad_source::pre_activation;
    static std::string name() { return "dense<" + std::string(Act::name) + ">"; }

    std::size_t in = 0, out = 0, w_off = 0, b_off = 0, index = 0;
    std::vector<float> y, z, zero_bias;  // z, zero_bias: only when keeps_z

    void setup(std::size_t in_, std::size_t out_, std::size_t& poff, std::size_t&,
               std::size_t rows, std::size_t idx) {
        in = in_;
        out = out_;
        index = idx;
        w_off = poff;
        b_off = poff + in * out;
        poff = b_off + out;
        y.assign(rows * out, 0.0f);
        if (keeps_z) {
            z.assign(rows * out, 0.0f);
            zero_bias.assign(out, 0.0f);
        }
    }
    std::size_t width() const noexcept { return out; }

    void init(float* params, float*, std::uint64_t seed, init_kind kind) const {
        if (kind == init_kind::automatic)
            kind = Act::he_init ? init_kind::he_uniform : init_kind::xavier_uniform;
        if (kind == init_kind::torch_linear) {
            const rng r(seed, 0x100 + index);
            const auto a = static_cast<float>(1.0 / std::sqrt(static_cast<double>(in)));
            float* W = params + w_off;
            for (std::size_t k = 0; k < in * out; ++k) W[k] = a * (2.0f * r.uniform_at<float>(k) - 1.0f);
            float* b = params + b_off;
            for (std::size_t j = 0; j < out; ++j) b[j] = a * (2.0f * r.uniform_at<float>(in * out + j) - 1.0f);
            return;
        }
        const bool he = kind == init_kind::he_uniform || kind == init_kind::he_normal;
        const double fan = he ? static_cast<double>(in) : static_cast<double>(in + out);
        const rng r(seed, 0x100 + index);
        float* W = params + w_off;
        if (kind == init_kind::he_uniform || kind == init_kind::xavier_uniform) {
            const auto a = static_cast<float>(std::sqrt(6.0 / fan));
            for (std::size_t k = 0; k < in * out; ++k) W[k] = a * (2.0f * r.uniform_at<float>(k) - 1.0f);
        } else {
            const double s = std::sqrt(2.0 / fan);
            for (std::size_t k = 0; k < in * out; ++k) W[k] = static_cast<float>(s * r.normal_at<double>(k));
        }
        std::fill(params + b_off, params + b_off + out, 0.0f);
    }

    // y = act(x W + b): one sgemm with the fused epilogue (GELU: the product
    // with bias into z, then the activation into y).
    template <class P>
    const float* forward(const P& pol, layer_context& c, const float* x, std::size_t n, bool) {
        const float* W = c.params + w_off;
        const float* b = c.params + b_off;
        if constexpr (keeps_z) {
            kernels::sgemm(pol, detail::no_t, detail::no_t, n, out, in, 1.0f, x, in, W, out, 0.0f,
                           z.data(), out, kernels::epilogue::bias, b);
            kernels::apply_epilogue(pol, Act::ep, n, out, z.data(), out, zero_bias.data(), y.data(), out,
                                    c.leaky_slope);
        } else {
            kernels::sgemm(pol, detail::no_t, detail::no_t, n, out, in, 1.0f, x, in, W, out, 0.0f,
                           y.data(), out, Act::ep, b, c.leaky_slope);
        }
        return y.data();
    }

    // dy (n x out) is overwritten with dz = dy * act'; dx (n x in) receives the
    // input gradient unless null (first layer: that product is skipped).
    template <class P>
    float* backward(const P& pol, layer_context& c, const float* x, std::size_t n, float* dy,
                    float* dx) {
        // dz and db in one pass
        kernels::epilogue_backward(pol, Act::ep, n, out, dy, out, keeps_z ? z.data() : y.data(), out, dy,
                                   out, c.grads + b_off, c.leaky_slope);
        // dW = x^T dz  (in x out)
        kernels::sgemm(pol, detail::tr_t, detail::no_t, in, out, n, 1.0f, x, in, dy, out, 0.0f,
                       c.grads + w_off, out);
        if (!dx) return nullptr;
        // dx = dz W^T  (n x in)
        kernels::sgemm(pol, detail::no_t, detail::tr_t, n, in, out, 1.0f, dy, out,
                       c.params + w_off, out, 0.0f, dx, in);
        return dx;
    }
};

struct dropout {
    static constexpr bool is_dense = false;
    static std::string name() { return "dropout"; }

    std::size_t width_ = 0, index = 0;
    std::vector<float> y, mask;  // mask: 0 or 1 / (1 - p)
    bool active = false;         // the last forward dropped elements

    void setup(std::size_t in, std::size_t, std::size_t&, std::size_t&, std::size_t rows,
               std::size_t idx) {
        width_ = in;
        index = idx;
        y.assign(rows * in, 0.0f);
        mask.assign(rows * in, 0.0f);
    }
    std::size_t width() const noexcept { return width_; }
    void init(float*, float*, std::uint64_t, init_kind) const {}

    template <class P>
    const float* forward(const P&, layer_context& c, const float* x, std::size_t n, bool train) {
        active = train && c.dropout > 0.0f;
        if (!active) return x;
        const std::size_t total = n * width_;
        const rng r(c.seed, (std::uint64_t{1} << 40) + index);
        const float p = c.dropout, scale = 1.0f / (1.0f - p);
        const std::uint64_t base = c.step << 32;
        for (std::size_t k = 0; k < total; k += 4) {
            const auto blk = r.block_at(base + k / 4);
            const std::size_t e = std::min<std::size_t>(4, total - k);
            for (std::size_t j = 0; j < e; ++j) {
                const float u = static_cast<float>(blk.v[j] >> 8) * 0x1.0p-24f;
                mask[k + j] = u >= p ? scale : 0.0f;
            }
        }
        for (std::size_t k = 0; k < total; ++k) y[k] = x[k] * mask[k];
        return y.data();
    }

    template <class P>
    float* backward(const P&, layer_context&, const float*, std::size_t n, float* dy, float* dx) {
        if (!active || !dx) return dy;
        for (std::size_t k = 0; k < n * width_; ++k) dx[k] = dy[k] * mask[k];
        return dx;
    }
};

namespace detail {
// What batch_norm and layer_norm share: an affine y = gamma * xhat + beta over
// `width` features (gamma, beta trainable, initialised to 1 and 0), the
// normalised input xhat kept for backward, and the affine's gradients.
struct affine_norm {
    std::size_t width_ = 0, g_off = 0, b_off = 0;
    std::vector<float> y, xhat;

    void setup_affine(std::size_t in, std::size_t& poff, std::size_t rows) {
        width_ = in;
        g_off = poff;
        b_off = poff + in;
        poff += 2 * in;
        y.assign(rows * in, 0.0f);
        xhat.assign(rows * in, 0.0f);
    }
    std::size_t width() const noexcept { return width_; }
    void init_affine(float* params) const {
        std::fill(params + g_off, params + g_off + width_, 1.0f);
        std::fill(params + b_off, params + b_off + width_, 0.0f);
    }
    // dgamma = sum_i dy xhat, dbeta = sum_i dy (rows in order)
    void affine_grads(const float* dy, std::size_t n, layer_context& c) const {
        const std::size_t w = width_;
        float* dgamma = c.grads + g_off;
        float* dbeta = c.grads + b_off;
        std::fill(dgamma, dgamma + w, 0.0f);
        std::fill(dbeta, dbeta + w, 0.0f);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < w; ++j) {
                dgamma[j] += dy[i * w + j] * xhat[i * w + j];
                dbeta[j] += dy[i * w + j];
            }
    }
};
}  // namespace detail

struct batch_norm : detail::affine_norm {
    static constexpr bool is_dense = false;
    static std::string name() { return "batch_norm"; }

    std::size_t s_off = 0;  // state: running mean, running var
    std::vector<float> mean, invstd;
    std::vector<double> acc;  // column sums, then squared deviations

    void setup(std::size_t in, std::size_t, std::size_t& poff, std::size_t& soff,
               std::size_t rows, std::size_t) {
        setup_affine(in, poff, rows);
        s_off = soff;
        soff += 2 * in;
        mean.assign(in, 0.0f);
        invstd.assign(in, 0.0f);
        acc.assign(2 * in, 0.0);
    }
    void init(float* params, float* state, std::uint64_t, init_kind) const {
        init_affine(params);
        std::fill(state + s_off, state + s_off + width_, 0.0f);
        std::fill(state + s_off + width_, state + s_off + 2 * width_, 1.0f);
    }

    template <class P>
    const float* forward(const P&, layer_context& c, const float* x, std::size_t n, bool train) {
        const std::size_t w = width_;
        const float* gamma = c.params + g_off;
        const float* beta = c.params + b_off;
        float* rmean = c.state + s_off;
        float* rvar = rmean + w;
        if (train) {
            double* s = acc.data();
            double* ss = s + w;
            std::fill(s, s + 2 * w, 0.0);
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < w; ++j) s[j] += x[i * w + j];
            for (std::size_t j = 0; j < w; ++j) s[j] /= static_cast<double>(n);
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < w; ++j) {
                    const double d = x[i * w + j] - s[j];
                    ss[j] += d * d;
                }
            const double m = c.bn_momentum;
            for (std::size_t j = 0; j < w; ++j) {
                const double var = ss[j] / static_cast<double>(n);
                mean[j] = static_cast<float>(s[j]);
                invstd[j] = static_cast<float>(1.0 / std::sqrt(var + c.norm_eps));
                const double unbiased = n > 1 ? ss[j] / static_cast<double>(n - 1) : var;
                rmean[j] = static_cast<float>((1.0 - m) * rmean[j] + m * s[j]);
                rvar[j] = static_cast<float>((1.0 - m) * rvar[j] + m * unbiased);
            }
        } else {
            for (std::size_t j = 0; j < w; ++j) {
                mean[j] = rmean[j];
                invstd[j] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(rvar[j]) + c.norm_eps));
            }
        }
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < w; ++j) {
                const float h = (x[i * w + j] - mean[j]) * invstd[j];
                xhat[i * w + j] = h;
                y[i * w + j] = gamma[j] * h + beta[j];
            }
        return y.data();
    }

    // Training-mode backward (batch statistics):
    // dx = invstd (g dy - mean(g dy) - xhat mean(g dy xhat)) per column.
    template <class P>
    float* backward(const P&, layer_context& c, const float*, std::size_t n, float* dy, float* dx) {
        const std::size_t w = width_;
        const float* dgamma = c.grads + g_off;
        const float* dbeta = c.grads + b_off;
        const float* gamma = c.params + g_off;
        affine_grads(dy, n, c);
        if (!dx) return nullptr;
        const float inv_n = 1.0f / static_cast<float>(n);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < w; ++j)
                dx[i * w + j] = gamma[j] * invstd[j] *
                                (dy[i * w + j] - dbeta[j] * inv_n - xhat[i * w + j] * dgamma[j] * inv_n);
        return dx;
    }
};

struct layer_norm : detail::affine_norm {
    static constexpr bool is_dense = false;
    static std::string name() { return "layer_norm"; }

    std::vector<float> rstd;

    void setup(std::size_t in, std::size_t, std::size_t& poff, std::size_t&, std::size_t rows,
               std::size_t) {
        setup_affine(in, poff, rows);
        rstd.assign(rows, 0.0f);
    }
    void init(float* params, float*, std::uint64_t, init_kind) const { init_affine(params); }

    template <class P>
    const float* forward(const P&, layer_context& c, const float* x, std::size_t n, bool) {
        const std::size_t w = width_;
        const float* gamma = c.params + g_off;
        const float* beta = c.params + b_off;
        for (std::size_t i = 0; i < n; ++i) {
            const float* r = x + i * w;
            double s = 0.0;
            for (std::size_t j = 0; j < w; ++j) s += r[j];
            const double m = s / static_cast<double>(w);
            double ss = 0.0;
            for (std::size_t j = 0; j < w; ++j) ss += (r[j] - m) * (r[j] - m);
            const auto rs = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(w) + c.norm_eps));
            const auto mf = static_cast<float>(m);
            rstd[i] = rs;
            for (std::size_t j = 0; j < w; ++j) {
                const float h = (r[j] - mf) * rs;
                xhat[i * w + j] = h;
                y[i * w + j] = gamma[j] * h + beta[j];
            }
        }
        return y.data();
    }

    // dx = rstd (g dy - mean_row(g dy) - xhat mean_row(g dy xhat)).
    template <class P>
    float* backward(const P&, layer_context& c, const float*, std::size_t n, float* dy, float* dx) {
        const std::size_t w = width_;
        const float* gamma = c.params + g_off;
        affine_grads(dy, n, c);
        if (!dx) return nullptr;
        const float inv_w = 1.0f / static_cast<float>(w);
        for (std::size_t i = 0; i < n; ++i) {
            float a = 0.0f, b = 0.0f;
            for (std::size_t j = 0; j < w; ++j) {
                const float g = gamma[j] * dy[i * w + j];
                a += g;
                b += g * xhat[i * w + j];
            }
            a *= inv_w;
            b *= inv_w;
            for (std::size_t j = 0; j < w; ++j)
                dx[i * w + j] = rstd[i] * (gamma[j] * dy[i * w + j] - a - xhat[i * w + j] * b);
        }
        return dx;
    }
};

}  // namespace tessera::nn
