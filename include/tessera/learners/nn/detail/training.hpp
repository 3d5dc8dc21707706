// tessera/learners/nn/detail/training.hpp — the parts of nn::mlp::fit that do
// not depend on where the arithmetic runs: checking the data and deriving the
// targets, row weights, loss and validation rows (`prepare`), and the epoch
// loop (`run_epochs`: shuffling, batching, schedule, validation loss,
// history, early stopping, callback). The arithmetic of one batch is an
// engine's: `cpu_engine` here (layer code + kernels::sgemm), the CUDA engine in
// <tessera/cuda/nn.cuh>. An engine offers
//   double train_batch(rows, nb, targets, weights, wsum, lr, t)  // rows of X; returns the batch loss
//   double eval_batch(rows, nb, targets, weights, wsum)         // rows of the validation matrix
//   void keep_best(); void restore_best();
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/learners/nn/detail/network.hpp>
#include <tessera/learners/nn/params.hpp>

namespace tessera::nn::detail {

inline constexpr std::string_view fit_where = "nn::mlp.fit";

template <class T>
void check_X(const matrix<T>& X, std::string_view what) {
    static_assert(std::is_floating_point_v<T>, "nn::mlp: X must hold float or double");
    const std::size_t d = X.shape()[1];
    if (X.shape()[0] == 0 || d == 0)
        throw errors::empty_input(tessera::detail::concat(fit_where, " (", what, ")"));
    for (std::size_t k = 0; k < X.size(); ++k)
        if (!std::isfinite(X.data()[k]))
            throw errors::non_finite(fit_where, tessera::detail::concat(what, "[:, ", k % d, "]"), k / d);
}

// Targets as floats (class index, or value); K grows to the largest class + 1.
template <bool C, class Y>
std::vector<float> targets(const Y& y, std::size_t n_rows, std::size_t& K, std::string_view what) {
    if (y.size() != n_rows)
        throw errors::size_mismatch(tessera::detail::concat(fit_where, " (", what, ")"), n_rows, y.size());
    std::vector<float> t(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
        if constexpr (C) {
            if (y(i) < 0 || y(i) >= (1 << 24))
                throw data_error(tessera::detail::concat(fit_where, ": label ", y(i), " at row ", i, " of ", what,
                                                         " is not a class index 0..K-1"),
                                 std::string(what), i);
            K = std::max(K, static_cast<std::size_t>(y(i)) + 1);
        } else {
            if (!std::isfinite(y(i))) throw errors::non_finite(fit_where, what, i);
        }
        t[i] = static_cast<float>(y(i));
    }
    return t;
}

// Everything fit derives from the parameters and the data before the first step.
template <class T>
struct prepared {
    const matrix<T>* X = nullptr;
    const matrix<T>* Xv = nullptr;  // validation rows come from here (X itself for a held-out split)
    std::size_t d = 0, K = 0, m = 1, batch = 1;
    loss_kind loss = loss_kind::mse;
    std::vector<float> t_all, w_all;           // per row of X (w_all empty: unweighted)
    std::vector<std::size_t> train_rows;       // rows of X
    std::vector<std::size_t> valid_rows;       // rows of *Xv
    std::vector<float> t_valid, w_valid;       // per entry of valid_rows
};

template <bool C, class T, class Y>
prepared<T> prepare(const mlp_params& p, const matrix<T>& X, const Y& y, const fit_options<Y, T>& opt) {
    prepared<T> r;
    r.X = &X;
    check_X(X, "X");
    r.d = X.shape()[1];
    r.t_all = targets<C>(y, X.shape()[0], r.K, "y");
    const std::size_t K = r.K;
    if (C) {
        std::vector<char> seen(K, 0);
        for (float v : r.t_all) seen[static_cast<std::size_t>(v)] = 1;
        for (std::size_t k = 0; k < K; ++k)
            if (!seen[k] || K < 2)
                throw data_error(tessera::detail::concat(fit_where, ": class ", k,
                                                         " has no rows; labels must be 0..K-1 with every class "
                                                         "present and K >= 2"),
                                 "y");
        if (!p.class_weight.empty() && p.class_weight.size() != K)
            throw config_error(tessera::detail::concat("nn::mlp: parameter 'class_weight' has ",
                                                       p.class_weight.size(), " entries for ", K, " classes"),
                               "class_weight");
    } else if (!p.class_weight.empty()) {
        throw config_error("nn::mlp: parameter 'class_weight' applies to classification only", "class_weight");
    }
    loss_kind loss = p.loss;
    if (loss == loss_kind::automatic)
        loss = C ? (K == 2 ? loss_kind::binary_cross_entropy : loss_kind::softmax_cross_entropy) : loss_kind::mse;
    const bool ce = loss == loss_kind::binary_cross_entropy || loss == loss_kind::softmax_cross_entropy;
    if (C != ce || (loss == loss_kind::binary_cross_entropy && K != 2))
        throw config_error(
            tessera::detail::concat("nn::mlp: parameter 'loss' = ", to_string(loss), " does not fit a ",
                                    C ? tessera::detail::concat(K, "-class classification") : std::string("regression"),
                                    " (regression: mse or huber; 2 classes: binary_cross_entropy or "
                                    "softmax_cross_entropy; more: softmax_cross_entropy)"),
            "loss");
    r.loss = loss;
    r.m = loss == loss_kind::softmax_cross_entropy ? K : 1;
    const auto weight_of = [&](float t) { return static_cast<float>(p.class_weight[static_cast<std::size_t>(t)]); };
    if (C && !p.class_weight.empty()) {
        r.w_all.resize(r.t_all.size());
        for (std::size_t i = 0; i < r.t_all.size(); ++i) r.w_all[i] = weight_of(r.t_all[i]);
    }

    r.train_rows.resize(X.shape()[0]);
    std::iota(r.train_rows.begin(), r.train_rows.end(), std::size_t{0});
    if ((opt.X_valid == nullptr) != (opt.y_valid == nullptr))
        throw config_error("nn::mlp.fit: fit_options needs both X_valid and y_valid, or neither", "X_valid");
    if (opt.X_valid) {
        r.Xv = opt.X_valid;
        check_X(*r.Xv, "X_valid");
        if (r.Xv->shape()[1] != r.d)
            throw errors::size_mismatch("nn::mlp.fit (X_valid columns)", r.d, r.Xv->shape()[1]);
        std::size_t Kv = 0;
        r.t_valid = targets<C>(*opt.y_valid, r.Xv->shape()[0], Kv, "y_valid");
        if (C && Kv > K)
            throw data_error(tessera::detail::concat(fit_where, ": y_valid holds class ", Kv - 1,
                                                     " which y does not have"),
                             "y_valid");
        r.valid_rows.resize(r.Xv->shape()[0]);
        std::iota(r.valid_rows.begin(), r.valid_rows.end(), std::size_t{0});
    } else if (p.early_stopping) {
        r.Xv = &X;
        rng(p.seed, std::uint64_t{3} << 40).shuffle(r.train_rows);
        const std::size_t n = r.train_rows.size();
        const auto nv = static_cast<std::size_t>(std::ceil(p.validation_fraction * static_cast<double>(n)));
        if (nv < 1 || nv >= n)
            throw config_error(tessera::detail::concat("nn::mlp: parameter 'validation_fraction' = ",
                                                       p.validation_fraction, " leaves ", nv, " of ", n,
                                                       " rows for validation; need 1 to n - 1"),
                               "validation_fraction");
        r.valid_rows.assign(r.train_rows.end() - static_cast<std::ptrdiff_t>(nv), r.train_rows.end());
        r.train_rows.resize(n - nv);
        std::sort(r.train_rows.begin(), r.train_rows.end());
        std::sort(r.valid_rows.begin(), r.valid_rows.end());
        r.t_valid.resize(nv);
        for (std::size_t i = 0; i < nv; ++i) r.t_valid[i] = r.t_all[r.valid_rows[i]];
    }
    if (C && !r.w_all.empty()) {
        r.w_valid.resize(r.t_valid.size());
        for (std::size_t i = 0; i < r.t_valid.size(); ++i) r.w_valid[i] = weight_of(r.t_valid[i]);
    }
    r.batch = std::min(r.train_rows.size(), static_cast<std::size_t>(p.batch_size));
    return r;
}

struct loop_result {
    std::vector<epoch_record> history;
    int best_epoch = -1;
    bool restore = false;  // the engine holds the best epoch's weights (early stopping)
};

// The epoch loop over any engine (see the top of this file).
template <class T, class Engine, class Y>
loop_result run_epochs(const mlp_params& p, const prepared<T>& prep, Engine& eng, const fit_options<Y, T>& opt) {
    const std::size_t n = prep.train_rows.size(), bs = prep.batch;
    const lr_schedule sched{p.schedule, p.learning_rate, p.step_size, p.gamma, p.min_learning_rate,
                            p.warmup_epochs, p.epochs};
    std::vector<std::size_t> order = prep.train_rows, vrows(bs);
    std::vector<float> tb(bs), wb(bs);
    double best_loss = std::numeric_limits<double>::infinity();
    int stall = 0;
    std::int64_t t_step = 0;
    loop_result res;
    // targets / weights of nb rows into tb / wb; returns the weight sum
    const auto gather = [&](const std::vector<float>& t, const std::vector<float>& w, const std::size_t* at,
                            std::size_t nb) {
        double s = 0.0;
        for (std::size_t i = 0; i < nb; ++i) {
            tb[i] = t[at[i]];
            wb[i] = w.empty() ? 1.0f : w[at[i]];
            s += wb[i];
        }
        return s;
    };
    const bool weighted = !prep.w_all.empty();
    for (int epoch = 0; epoch < p.epochs; ++epoch) {
        const double lr = sched.at(epoch);
        if (p.shuffle) {
            order = prep.train_rows;
            rng(p.seed, (std::uint64_t{2} << 40) + static_cast<std::uint64_t>(epoch)).shuffle(order);
        }
        double loss_sum = 0.0, weight_sum = 0.0;
        for (std::size_t b = 0; b < n; b += bs) {
            const std::size_t nb = std::min(bs, n - b);
            const double ws = gather(prep.t_all, prep.w_all, order.data() + b, nb);
            ++t_step;
            loss_sum += ws * eng.train_batch(order.data() + b, nb, tb.data(), weighted ? wb.data() : nullptr, ws,
                                             static_cast<float>(lr), t_step);
            weight_sum += ws;
        }
        epoch_record rec{epoch, lr, weight_sum > 0 ? loss_sum / weight_sum : 0.0,
                         std::numeric_limits<double>::quiet_NaN()};
        if (prep.Xv) {
            double vs = 0.0, vw = 0.0;
            const std::size_t nv = prep.valid_rows.size();
            for (std::size_t b = 0; b < nv; b += bs) {
                const std::size_t nb = std::min(bs, nv - b);
                for (std::size_t i = 0; i < nb; ++i) vrows[i] = b + i;
                const double ws = gather(prep.t_valid, prep.w_valid, vrows.data(), nb);
                vs += ws * eng.eval_batch(prep.valid_rows.data() + b, nb, tb.data(), weighted ? wb.data() : nullptr, ws);
                vw += ws;
            }
            rec.valid_loss = vw > 0 ? vs / vw : 0.0;
        }
        res.history.push_back(rec);
        bool stop = false;
        if (p.early_stopping && prep.Xv) {
            if (rec.valid_loss < best_loss - p.min_delta) {
                best_loss = rec.valid_loss;
                res.best_epoch = epoch;
                eng.keep_best();
                stall = 0;
            } else if (++stall >= p.patience) {
                stop = true;
            }
        }
        if (opt.on_epoch && !opt.on_epoch(rec)) stop = true;
        if (stop) break;
    }
    if (p.early_stopping && prep.Xv && res.best_epoch >= 0) {
        eng.restore_best();
        res.restore = true;
    } else {
        res.best_epoch = static_cast<int>(res.history.size()) - 1;
    }
    return res;
}

// One batch at a time on the CPU: the layer code, kernels::sgemm on the policy.
template <class P, class T, class... L>
class cpu_engine {
public:
    cpu_engine(const P& policy, const mlp_params& p, const prepared<T>& prep, const std::vector<std::size_t>& hidden)
        : policy_(policy), p_(p), prep_(prep) {
        net_.setup(prep.d, hidden, prep.m, prep.batch);
        theta.assign(net_.n_params(), 0.0f);
        grad_.assign(net_.n_params(), 0.0f);
        state.assign(net_.n_state(), 0.0f);
        net_.init(theta.data(), state.data(), p.seed, p.init);
        m1_.assign(theta.size(), 0.0f);
        if (p.optimizer != optimizer_kind::sgd) m2_.assign(theta.size(), 0.0f);
        xb_.assign(prep.batch * prep.d, 0.0f);
        ctx_.params = theta.data();
        ctx_.grads = grad_.data();
        ctx_.state = state.data();
        ctx_.leaky_slope = static_cast<float>(p.leaky_slope);
        ctx_.dropout = static_cast<float>(p.dropout);
        ctx_.bn_momentum = static_cast<float>(p.batch_norm_momentum);
        ctx_.norm_eps = static_cast<float>(p.norm_epsilon);
        ctx_.seed = p.seed;
    }

    double train_batch(const std::size_t* rows, std::size_t nb, const float* t, const float* w, double,
                       float lr, std::int64_t step) {
        gather(*prep_.X, rows, nb);
        const float* out = net_.forward(policy_, ctx_, xb_.data(), nb, true);
        const double loss = loss_value_and_grad(prep_.loss, p_.huber_delta, out, nb, prep_.m, t, w, net_.output_grad());
        net_.backward(policy_, ctx_, nb);
        if (p_.clip_norm > 0.0) clip_grad_norm(grad_.data(), grad_.size(), p_.clip_norm);
        if (p_.optimizer == optimizer_kind::sgd)
            sgd_step(theta.data(), grad_.data(), m1_.data(), theta.size(), lr, static_cast<float>(p_.momentum),
                     static_cast<float>(p_.weight_decay), p_.nesterov, step == 1);
        else
            adam_step(theta.data(), grad_.data(), m1_.data(), m2_.data(), theta.size(), lr,
                      static_cast<float>(p_.beta1), static_cast<float>(p_.beta2), static_cast<float>(p_.epsilon),
                      static_cast<float>(p_.weight_decay), p_.optimizer == optimizer_kind::adamw, step);
        ++ctx_.step;
        return loss;
    }

    double eval_batch(const std::size_t* rows, std::size_t nb, const float* t, const float* w, double) {
        gather(*prep_.Xv, rows, nb);
        const float* out = net_.forward(policy_, ctx_, xb_.data(), nb, false);
        return loss_value_and_grad(prep_.loss, p_.huber_delta, out, nb, prep_.m, t, w, nullptr);
    }

    void keep_best() {
        best_theta_ = theta;
        best_state_ = state;
    }
    void restore_best() {
        theta = best_theta_;
        state = best_state_;
    }

    std::vector<float> theta, state;

private:
    void gather(const matrix<T>& src, const std::size_t* rows, std::size_t nb) {
        const std::size_t d = prep_.d;
        for (std::size_t i = 0; i < nb; ++i) {
            const T* s = src.data() + rows[i] * d;
            std::copy(s, s + d, xb_.data() + i * d);
        }
    }

    const P& policy_;
    const mlp_params& p_;
    const prepared<T>& prep_;
    network<L...> net_;
    std::vector<float> grad_, m1_, m2_, xb_, best_theta_, best_state_;
    layer_context ctx_;
};

}  // namespace tessera::nn::detail
