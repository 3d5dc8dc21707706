// tessera/cuda/nn.cuh — exec::cuda for nn::mlp: fit and decision_function (and
// so predict / predict_proba) on the GPU, host data in, the same fitted types
// out, so a network trained on a GPU scores on a CPU and back.
//
//   #include <tessera/cuda/nn.cuh>   // in a .cu file; link CUDA::cudart and CUDA::cublas
//   auto model = net{{.hidden = {256, 256}}}.fit(exec::cuda, X, y);
//   auto p = model.predict_proba(exec::cuda, X_test);
//
// The matrix products are cuBLAS sgemm calls (row-major through the usual
// transposition: C^T = op(B)^T op(A)^T in column-major); the element-wise work
// is the Thrust bodies of detail/nn_elementwise.hpp. Data preparation, the
// epoch loop (shuffling, schedule, validation, early stopping, callback) and
// the initial weights are the CPU path's (learners/nn/detail/training.hpp), so
// only the per-batch arithmetic differs: the same seed draws the same
// shuffles, initial weights and dropout masks, and results agree with the CPU
// path to rounding (cuBLAS sums in its own order).
//
// Layers: dense and dropout (a static_assert names the others: batch_norm and
// layer_norm train on exec::seq/simd/par). Everything a call does is ordered
// on cuda_t::stream.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <cublas_v2.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <thrust/copy.h>
#include <thrust/transform_reduce.h>

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/detail/nn_elementwise.hpp>
#include <tessera/learners/nn/mlp.hpp>

namespace tessera::device_detail::nn {

inline void check_cublas(cublasStatus_t s, std::string_view what) {
    if (s != CUBLAS_STATUS_SUCCESS)
        throw error(detail::concat("tessera (exec::cuda): ", what, " failed: cuBLAS status ", static_cast<int>(s)));
}

class cublas_handle {
public:
    explicit cublas_handle(cudaStream_t s) {
        check_cublas(cublasCreate(&h_), "cublasCreate");
        check_cublas(cublasSetStream(h_, s), "cublasSetStream");
    }
    cublas_handle(const cublas_handle&) = delete;
    cublas_handle& operator=(const cublas_handle&) = delete;
    ~cublas_handle() { cublasDestroy(h_); }
    cublasHandle_t get() const { return h_; }

private:
    cublasHandle_t h_ = nullptr;
};

// Row-major C (M x N) = op(A) op(B) + beta C, as kernels::sgemm without epilogue.
inline void gemm(cublasHandle_t h, kernels::transpose ta, kernels::transpose tb, std::size_t M, std::size_t N,
                 std::size_t K, const float* A, std::size_t lda, const float* B, std::size_t ldb, float beta,
                 float* C, std::size_t ldc) {
    const float alpha = 1.0f;
    const auto op = [](kernels::transpose t) { return t == kernels::transpose::no ? CUBLAS_OP_N : CUBLAS_OP_T; };
    check_cublas(cublasSgemm(h, op(tb), op(ta), static_cast<int>(N), static_cast<int>(M), static_cast<int>(K), &alpha,
                             B, static_cast<int>(ldb), A, static_cast<int>(lda), &beta, C, static_cast<int>(ldc)),
                 "cublasSgemm");
}

template <class B>
float* raw(const B& b) {
    return thrust::raw_pointer_cast(b.data());
}

// out = a * b element-wise (dropout backward: dy times the mask)
struct mul_fn {
    const float* a;
    const float* b;
    float* out;
    TESSERA_HD void operator()(std::size_t k) const { out[k] = a[k] * b[k]; }
};

// One layer of the stack as the device loop sees it.
struct dev_layer {
    bool dense = true;
    std::size_t in = 0, out = 0, w_off = 0, b_off = 0, index = 0;
    kernels::epilogue ep = kernels::epilogue::bias;
};

template <class Lyr>
inline constexpr bool device_layer_v = Lyr::is_dense || std::is_same_v<Lyr, tessera::nn::dropout>;

template <class... L, std::size_t... I>
std::vector<dev_layer> plan_of(tessera::nn::detail::network<L...>& net, std::index_sequence<I...>) {
    std::vector<dev_layer> out;
    (
        [&](auto& l) {
            using Lyr = std::remove_reference_t<decltype(l)>;
            if constexpr (Lyr::is_dense)
                out.push_back({true, l.in, l.out, l.w_off, l.b_off, 0, Lyr::activation::ep});
            else
                out.push_back({false, l.width(), l.width(), 0, 0, l.index, kernels::epilogue::none});
        }(net.template layer<I>()),
        ...);
    return out;
}

// Forward / backward of the stack on device buffers sized for `rows` rows.
template <class Be, class... L>
class device_net {
public:
    static_assert((device_layer_v<L> && ...),
                  "exec::cuda: nn::mlp on the GPU supports dense and dropout layers; batch_norm and layer_norm "
                  "train and predict on exec::seq, exec::simd or exec::par");

    device_net(const Be& be, cublasHandle_t h, std::size_t d, const std::vector<std::size_t>& hidden, std::size_t m,
               std::size_t rows)
        : be_(be), h_(h), rows_(rows), layers_(plan(d, hidden, m)),
          ga_(be.template alloc<float>(rows * widest(d))), gb_(be.template alloc<float>(rows * widest(d))) {
        for (const auto& l : layers_) {
            out_.push_back(be.template alloc<float>(rows * l.out));
            const bool keep_z = l.dense && l.ep == kernels::epilogue::bias_gelu;
            aux_.push_back(be.template alloc<float>(keep_z || !l.dense ? rows * l.out : 0));
        }
        inputs_.resize(layers_.size() + 1);
    }

    // returns the outputs (n x m) of the stack on x (n x d)
    const float* forward(const float* params, const float* x, std::size_t n, bool train, float slope, float p,
                         std::uint64_t seed, std::uint64_t step) {
        inputs_[0] = x;
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            const auto& l = layers_[i];
            float* y = raw(out_[i]);
            if (l.dense) {
                const bool keep_z = l.ep == kernels::epilogue::bias_gelu;
                float* z = keep_z ? raw(aux_[i]) : y;
                gemm(h_, kernels::transpose::no, kernels::transpose::no, n, l.out, l.in, inputs_[i], l.in,
                     params + l.w_off, l.out, 0.0f, z, l.out);
                bias_activation(be_, l.ep, n, l.out, z, params + l.b_off, y, slope);
                // GELU keeps z + b (the derivative's argument): add the bias in place
                if (keep_z) bias_activation(be_, kernels::epilogue::bias, n, l.out, z, params + l.b_off, z, slope);
                inputs_[i + 1] = y;
            } else if (train && p > 0.0f) {
                dropout_forward(be_, seed, l.index, step, p, n * l.out, inputs_[i], raw(aux_[i]), y);
                inputs_[i + 1] = y;
            } else {
                inputs_[i + 1] = inputs_[i];
            }
        }
        dropped_ = train && p > 0.0f;
        return inputs_.back();
    }

    float* output_grad() { return raw(ga_); }

    void backward(const float* params, float* grads, std::size_t n, float slope) {
        float* dy = raw(ga_);
        for (std::size_t i = layers_.size(); i-- > 0;) {
            const auto& l = layers_[i];
            float* dx = dy == raw(ga_) ? raw(gb_) : raw(ga_);
            if (l.dense) {
                const float* s = l.ep == kernels::epilogue::bias_gelu ? raw(aux_[i]) : raw(out_[i]);
                activation_backward(be_, l.ep, n, l.out, dy, s, dy, grads + l.b_off, slope);
                gemm(h_, kernels::transpose::yes, kernels::transpose::no, l.in, l.out, n, inputs_[i], l.in, dy,
                     l.out, 0.0f, grads + l.w_off, l.out);
                if (i == 0) break;
                gemm(h_, kernels::transpose::no, kernels::transpose::yes, n, l.in, l.out, dy, l.out,
                     params + l.w_off, l.out, 0.0f, dx, l.in);
                dy = dx;
            } else if (dropped_) {
                multiply(n * l.out, dy, raw(aux_[i]), dx);
                dy = dx;
            }
        }
    }

private:
    static std::vector<dev_layer> plan(std::size_t d, const std::vector<std::size_t>& hidden, std::size_t m) {
        tessera::nn::detail::network<L...> host;
        host.setup(d, hidden, m, 1);
        return plan_of(host, std::index_sequence_for<L...>{});
    }
    std::size_t widest(std::size_t d) const {
        std::size_t w = d;
        for (const auto& l : layers_) w = std::max(w, l.out);
        return w;
    }

    void multiply(std::size_t count, const float* a, const float* b, float* out) {
        for_n(be_, count, mul_fn{a, b, out});
    }

    const Be& be_;
    cublasHandle_t h_;
    std::size_t rows_;
    std::vector<dev_layer> layers_;
    typename Be::template buffer<float> ga_, gb_;
    std::vector<typename Be::template buffer<float>> out_, aux_;
    std::vector<const float*> inputs_;
    bool dropped_ = false;
};

struct square_fn {
    TESSERA_HD double operator()(float v) const { return static_cast<double>(v) * v; }
};
struct scale_fn {
    float c;
    float* g;
    TESSERA_HD void operator()(std::size_t i) const { g[i] *= c; }
};

// gather rows of X (uploaded, n x d) into xb
struct gather_fn {
    std::size_t d;
    const float* X;
    const std::size_t* rows;
    float* xb;
    TESSERA_HD void operator()(std::size_t k) const { xb[k] = X[rows[k / d] * d + k % d]; }
};

// The engine of learners/nn/detail/training.hpp on the GPU.
template <class Be, class T, class... L>
class device_engine {
public:
    using prepared = tessera::nn::detail::prepared<T>;

    device_engine(const Be& be, cublasHandle_t h, const tessera::nn::mlp_params& p, const prepared& prep,
                  std::vector<float> theta0, std::size_t n_state)
        : be_(be), p_(p), prep_(prep), net_(be, h, prep.d, p.hidden, prep.m, prep.batch),
          X_(upload_matrix(prep.X)),
          Xv_(upload_matrix(prep.Xv != prep.X ? prep.Xv : nullptr)),
          theta_(be.upload(std::span<const float>(theta0))),
          grad_(be.template alloc<float>(theta0.size())),
          m1_(zeros(theta0.size())),
          m2_(zeros(p.optimizer == tessera::nn::optimizer_kind::sgd ? 0 : theta0.size())),
          best_(be.template alloc<float>(theta0.size())),
          xb_(be.template alloc<float>(prep.batch * prep.d)),
          tb_(be.template alloc<float>(prep.batch)),
          wb_(be.template alloc<float>(prep.batch)),
          rows_(be.template alloc<std::size_t>(prep.batch)),
          row_loss_(be.template alloc<double>(prep.batch)),
          n_params_(theta0.size()) {
        if (n_state != 0) throw error("exec::cuda: nn::mlp: layers with buffers have no device path");
    }

    double train_batch(const std::size_t* rows, std::size_t nb, const float* t, const float* w, double wsum, float lr,
                       std::int64_t step) {
        const float* x = stage(raw(X_), rows, nb, t, w);
        const float* out = net_.forward(raw(theta_), x, nb, true, slope(), static_cast<float>(p_.dropout), p_.seed,
                                        step_);
        const double loss = loss_value_and_grad(be_, prep_.loss, p_.huber_delta, out, nb, prep_.m, raw(tb_),
                                                w ? raw(wb_) : nullptr, wsum, net_.output_grad(),
                                                thrust::raw_pointer_cast(row_loss_.data()));
        net_.backward(raw(theta_), raw(grad_), nb, slope());
        if (p_.clip_norm > 0.0) clip();
        if (p_.optimizer == tessera::nn::optimizer_kind::sgd)
            sgd_step(be_, raw(theta_), raw(grad_), raw(m1_), n_params_, lr, static_cast<float>(p_.momentum),
                     static_cast<float>(p_.weight_decay), p_.nesterov, step == 1);
        else
            adam_step(be_, raw(theta_), raw(grad_), raw(m1_), raw(m2_), n_params_, lr, static_cast<float>(p_.beta1),
                      static_cast<float>(p_.beta2), static_cast<float>(p_.epsilon),
                      static_cast<float>(p_.weight_decay), p_.optimizer == tessera::nn::optimizer_kind::adamw, step);
        ++step_;
        return loss;
    }

    double eval_batch(const std::size_t* rows, std::size_t nb, const float* t, const float* w, double wsum) {
        const float* x = stage(prep_.Xv == prep_.X ? raw(X_) : raw(Xv_), rows, nb, t, w);
        const float* out = net_.forward(raw(theta_), x, nb, false, slope(), 0.0f, p_.seed, step_);
        return loss_value_and_grad(be_, prep_.loss, p_.huber_delta, out, nb, prep_.m, raw(tb_),
                                   w ? raw(wb_) : nullptr, wsum, nullptr, thrust::raw_pointer_cast(row_loss_.data()));
    }

    void keep_best() { thrust::copy(be_.policy(), theta_.data(), theta_.data() + n_params_, best_.data()); }
    void restore_best() { thrust::copy(be_.policy(), best_.data(), best_.data() + n_params_, theta_.data()); }

    std::vector<float> parameters() const {
        std::vector<float> h(n_params_);
        be_.download(theta_.data(), n_params_, h.data());
        return h;
    }

private:
    float slope() const { return static_cast<float>(p_.leaky_slope); }

    typename Be::template buffer<float> zeros(std::size_t n) const {
        const std::vector<float> z(n, 0.0f);
        return be_.upload(std::span<const float>(z));
    }
    typename Be::template buffer<float> upload_matrix(const matrix<T>* M) const {
        std::vector<float> f;
        if (M) f.assign(M->data(), M->data() + M->size());
        return be_.upload(std::span<const float>(f));
    }

    // rows, targets, weights up; the rows of X gathered into xb
    const float* stage(const float* X, const std::size_t* rows, std::size_t nb, const float* t, const float* w) {
        copy_up(rows_, rows, nb);
        copy_up(tb_, t, nb);
        if (w) copy_up(wb_, w, nb);
        for_n(be_, nb * prep_.d, gather_fn{prep_.d, X, thrust::raw_pointer_cast(rows_.data()), raw(xb_)});
        return raw(xb_);
    }
    template <class B, class V>
    void copy_up(B& dst, const V* src, std::size_t n) {
        check_cuda(cudaMemcpyAsync(thrust::raw_pointer_cast(dst.data()), src, n * sizeof(V), cudaMemcpyHostToDevice,
                                   be_.stream),
                   "cudaMemcpyAsync (host to device)");
    }

    void clip() {
        const double s = thrust::transform_reduce(be_.policy(), grad_.data(), grad_.data() + n_params_, square_fn{},
                                                  0.0, thrust::plus<double>());
        const double total = std::sqrt(s);
        if (total > p_.clip_norm)
            for_n(be_, n_params_, scale_fn{static_cast<float>(p_.clip_norm / (total + 1e-6)), raw(grad_)});
    }

    const Be& be_;
    const tessera::nn::mlp_params& p_;
    const prepared& prep_;
    device_net<Be, L...> net_;
    typename Be::template buffer<float> X_, Xv_, theta_, grad_, m1_, m2_, best_, xb_, tb_, wb_;
    typename Be::template buffer<std::size_t> rows_;
    typename Be::template buffer<double> row_loss_;
    std::size_t n_params_;
    std::uint64_t step_ = 0;
};

}  // namespace tessera::device_detail::nn

namespace tessera::nn {

template <class R, class... L, class T, class Y>
R fit_on_device(const exec::cuda_t& policy, const mlp<L...>& est, const matrix<T>& X, const Y& y,
                const fit_options<Y, T>& opt) {
    return device_detail::run_on(policy, "nn::mlp.fit", [&](const auto& be) {
        using Be = std::remove_cvref_t<decltype(be)>;
        constexpr bool C = std::is_same_v<Y, vector<std::int32_t>>;
        const auto& p = est.config;
        const auto prep = detail::prepare<C>(p, X, y, opt);
        // initial weights exactly as the CPU path draws them
        detail::network<L...> host;
        host.setup(prep.d, p.hidden, prep.m, 1);
        std::vector<float> theta(host.n_params()), state(host.n_state());
        host.init(theta.data(), state.data(), p.seed, p.init);
        device_detail::nn::cublas_handle h(be.stream);
        device_detail::nn::device_engine<Be, T, L...> eng(be, h.get(), p, prep, std::move(theta), state.size());
        auto res = detail::run_epochs(p, prep, eng, opt);
        return est.template make_model<C>(prep, std::move(res), eng.parameters(), std::move(state));
    });
}

template <bool C, class... L, class T>
matrix<float> decision_on_device(const exec::cuda_t& policy, const mlp_model<C, L...>& model, const matrix<T>& X) {
    return device_detail::run_on(policy, "nn::mlp_model.decision_function", [&](const auto& be) {
        using Be = std::remove_cvref_t<decltype(be)>;
        const std::size_t n = X.shape()[0], d = model.n_features(), m = model.n_outputs();
        if (X.shape()[1] != d)
            throw shape_error(tessera::detail::concat("nn::mlp_model::predict: X has ", X.shape()[1],
                                                      " columns, the model was fitted on ", d));
        matrix<float> out = xt::empty<float>({n, m});
        if (n == 0) return out;
        device_detail::nn::cublas_handle h(be.stream);
        const std::size_t rows = std::min<std::size_t>(n, 8192);
        device_detail::nn::device_net<Be, L...> net(be, h.get(), d, model.hidden_sizes(), m, rows);
        const auto theta = be.upload(std::span<const float>(model.parameters()));
        std::vector<float> block;
        for (std::size_t b = 0; b < n; b += rows) {
            const std::size_t nb = std::min(rows, n - b);
            block.assign(X.data() + b * d, X.data() + (b + nb) * d);
            const auto xd = be.upload(std::span<const float>(block));
            const float* o = net.forward(device_detail::nn::raw(theta), device_detail::nn::raw(xd), nb, false,
                                         model.leaky_slope(), 0.0f, 0, 0);
            be.download(thrust::device_pointer_cast(o), nb * m, out.data() + b * m);
        }
        return out;
    });
}

}  // namespace tessera::nn
