// tessera/learners/nn/mlp.hpp — nn::mlp<Layers...>: a multilayer perceptron
// whose layer stack is fixed at compile time and whose widths are set at run
// time (mlp_params::hidden), trained by mini-batch gradient descent.
//
//   using net = nn::mlp<nn::dense<nn::relu>, nn::dropout, nn::dense<nn::relu>, nn::dense<>>;
//   auto model = net{{.hidden = {256, 256}, .epochs = 5}}.fit(exec::par, X, y);   // y int32: classifier
//   auto p = model.predict_proba(exec::par, X_test);
//
// fit(policy, X, y int32 class indices) returns mlp_model<true, L...> (a
// classifier: predict, predict_proba, decision_function); fit(policy, X,
// y float) returns mlp_model<false, L...> (a regressor). Training follows
// PyTorch's loop: per epoch the rows are shuffled (Philox stream 2^41 + epoch,
// Fisher–Yates as core/random.hpp), cut into batches of batch_size (the last
// may be shorter), and each batch runs forward (train mode), loss, backward,
// optional global-norm clipping and one optimizer step; the learning rate
// follows the schedule per epoch. Every reduction is serial and in a fixed
// order and the matrix products are thread-count invariant, so the same seed
// and data give bitwise-identical weights for any number of threads.
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
#include <utility>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include <tessera/core/errors.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/nn/detail/network.hpp>
#include <tessera/learners/nn/params.hpp>

namespace tessera::nn {

namespace detail {

// Rows of X as float, in blocks of `rows` (X itself when it holds float).
template <class T>
const float* rows_as_float(const matrix<T>& X, std::size_t b, std::size_t n, std::vector<float>& buf) {
    const std::size_t d = X.shape()[1];
    if constexpr (std::is_same_v<T, float>) {
        (void)n;
        (void)buf;
        return X.data() + b * d;
    } else {
        buf.resize(n * d);
        for (std::size_t k = 0; k < n * d; ++k) buf[k] = static_cast<float>(X.data()[b * d + k]);
        return buf.data();
    }
}

inline constexpr std::size_t predict_block = 2048;

}  // namespace detail

// The fitted network: immutable, thread-safe to score from many threads.
template <bool Classifier, class... L>
class mlp_model {
public:
    using network_type = detail::network<L...>;
    static constexpr std::string_view type_tag =
        Classifier ? std::string_view{"tessera.nn.mlp_classifier"} : std::string_view{"tessera.nn.mlp_regressor"};

    struct contents {
        std::size_t n_features = 0;
        std::vector<std::uint64_t> hidden;
        std::size_t n_outputs = 0;
        std::size_t n_classes = 0;  // 0 for a regressor
        loss_kind loss = loss_kind::mse;
        float leaky_slope = 0.01f;
        float norm_epsilon = 1e-5f;
        std::vector<float> params, state;
        std::vector<epoch_record> history;
        int best_epoch = -1;  // the epoch whose weights were kept (early stopping), else the last
    };

    explicit mlp_model(contents c) : c_(std::move(c)) {
        network_type net;
        net.setup(c_.n_features, hidden_sizes(), c_.n_outputs, 1);
        if (net.n_params() != c_.params.size() || net.n_state() != c_.state.size())
            throw shape_error(tessera::detail::concat(
                "nn::mlp_model: ", c_.params.size(), " parameters and ", c_.state.size(),
                " state values do not fit the layer stack ", network_type::signature(), " (needs ",
                net.n_params(), " and ", net.n_state(), ")"));
    }

    std::size_t n_features() const noexcept { return c_.n_features; }
    std::size_t n_outputs() const noexcept { return c_.n_outputs; }
    std::size_t n_classes() const noexcept { return c_.n_classes; }
    loss_kind loss() const noexcept { return c_.loss; }
    const std::vector<float>& parameters() const noexcept { return c_.params; }
    const std::vector<float>& buffers() const noexcept { return c_.state; }
    const std::vector<epoch_record>& history() const noexcept { return c_.history; }
    int best_epoch() const noexcept { return c_.best_epoch; }
    std::vector<std::size_t> hidden_sizes() const {
        return {c_.hidden.begin(), c_.hidden.end()};
    }

    // The network's raw outputs (logits for classifiers), n x n_outputs.
    template <exec::execution_policy P, class T>
    matrix<float> decision_function(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            const std::size_t n = X.shape()[0], m = c_.n_outputs;
            if (X.shape()[1] != c_.n_features)
                throw shape_error(tessera::detail::concat("nn::mlp_model::predict: X has ", X.shape()[1],
                                                          " columns, the model was fitted on ",
                                                          c_.n_features));
            matrix<float> out = xt::empty<float>({n, m});
            if (n == 0) return out;
            network_type net;
            net.setup(c_.n_features, hidden_sizes(), m, std::min(n, detail::predict_block));
            layer_context ctx = context();
            std::vector<float> buf;
            for (std::size_t b = 0; b < n; b += detail::predict_block) {
                const std::size_t nb = std::min(detail::predict_block, n - b);
                const float* o = net.forward(policy, ctx, detail::rows_as_float(X, b, nb, buf), nb, false);
                std::copy(o, o + nb * m, out.data() + b * m);
            }
            return out;
        }
    }

    // Classifier: n x K class probabilities ([1 - p, p] for a binary model).
    // Regressor: the predictions (n).
    template <exec::execution_policy P, class T>
    auto predict_proba(const P& policy, const matrix<T>& X) const
        requires Classifier
    {
        const matrix<float> z = decision_function(policy, X);
        const std::size_t n = z.shape()[0], K = c_.n_classes;
        matrix<float> p = xt::empty<float>({n, K});
        for (std::size_t i = 0; i < n; ++i) {
            if (c_.n_outputs == 1) {
                const float s = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(z(i, 0)))));
                p(i, 0) = 1.0f - s;
                p(i, 1) = s;
            } else {
                float zmax = z(i, 0);
                for (std::size_t k = 1; k < K; ++k) zmax = std::max(zmax, z(i, k));
                double s = 0.0;
                for (std::size_t k = 0; k < K; ++k) s += std::exp(static_cast<double>(z(i, k) - zmax));
                for (std::size_t k = 0; k < K; ++k)
                    p(i, k) = static_cast<float>(std::exp(static_cast<double>(z(i, k) - zmax)) / s);
            }
        }
        return p;
    }

    // Classifier: class index (logit > 0 for binary, first argmax otherwise).
    // Regressor: the single output.
    template <exec::execution_policy P, class T>
    auto predict(const P& policy, const matrix<T>& X) const {
        const matrix<float> z = decision_function(policy, X);
        const std::size_t n = z.shape()[0], m = c_.n_outputs;
        if constexpr (Classifier) {
            vector<std::int32_t> out = xt::empty<std::int32_t>({n});
            for (std::size_t i = 0; i < n; ++i) {
                if (m == 1) {
                    out(i) = z(i, 0) > 0.0f ? 1 : 0;
                } else {
                    const float* r = z.data() + i * m;
                    out(i) = static_cast<std::int32_t>(std::max_element(r, r + m) - r);
                }
            }
            return out;
        } else {
            vector<float> out = xt::empty<float>({n});
            for (std::size_t i = 0; i < n; ++i) out(i) = z(i, 0);
            return out;
        }
    }

    template <class T>
    matrix<float> decision_function(const matrix<T>& X) const {
        return decision_function(exec::par, X);
    }
    template <class T>
    auto predict_proba(const matrix<T>& X) const
        requires Classifier
    {
        return predict_proba(exec::par, X);
    }
    template <class T>
    auto predict(const matrix<T>& X) const {
        return predict(exec::par, X);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put(network_type::signature());
        w.put<std::uint64_t>(c_.n_features);
        w.put(c_.hidden);
        w.put<std::uint64_t>(c_.n_outputs);
        w.put<std::uint64_t>(c_.n_classes);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(c_.loss));
        w.put<float>(c_.leaky_slope);
        w.put<float>(c_.norm_epsilon);
        w.put(c_.params);
        w.put(c_.state);
        w.put<std::uint64_t>(c_.history.size());
        for (const auto& h : c_.history) {
            w.put<std::int32_t>(h.epoch);
            w.put<double>(h.learning_rate);
            w.put<double>(h.train_loss);
            w.put<double>(h.valid_loss);
        }
        w.put<std::int32_t>(c_.best_epoch);
    }

    static mlp_model load(io::reader& r) {
        constexpr std::string_view who = "nn::mlp_model";
        const auto v = r.get<std::uint32_t>("mlp.version");
        if (v != payload_version)
            throw format_error(tessera::detail::concat(who, ": payload version ", v,
                                                       ", this build reads ", payload_version));
        const std::string sig = r.get_string("mlp.layers");
        if (sig != network_type::signature())
            throw format_error(tessera::detail::concat(who, ": the file holds the layer stack '", sig,
                                                       "', this type is '", network_type::signature(), "'"));
        contents c;
        c.n_features = static_cast<std::size_t>(r.get<std::uint64_t>("mlp.n_features"));
        c.hidden = r.get_vector<std::uint64_t>("mlp.hidden");
        c.n_outputs = static_cast<std::size_t>(r.get<std::uint64_t>("mlp.n_outputs"));
        c.n_classes = static_cast<std::size_t>(r.get<std::uint64_t>("mlp.n_classes"));
        const auto loss = r.get<std::uint8_t>("mlp.loss");
        c.leaky_slope = r.get<float>("mlp.leaky_slope");
        c.norm_epsilon = r.get<float>("mlp.norm_epsilon");
        c.params = r.get_vector<float>("mlp.params");
        c.state = r.get_vector<float>("mlp.state");
        const auto nh = r.get<std::uint64_t>("mlp.history");
        if (nh > r.remaining() / 28) throw format_error(tessera::detail::concat(who, ": truncated history"));
        c.history.resize(static_cast<std::size_t>(nh));
        for (auto& h : c.history) {
            h.epoch = r.get<std::int32_t>("mlp.history.epoch");
            h.learning_rate = r.get<double>("mlp.history.learning_rate");
            h.train_loss = r.get<double>("mlp.history.train_loss");
            h.valid_loss = r.get<double>("mlp.history.valid_loss");
        }
        c.best_epoch = r.get<std::int32_t>("mlp.best_epoch");
        const bool ok_task = Classifier ? (c.n_classes >= 2 && (c.n_outputs == c.n_classes ||
                                                                (c.n_classes == 2 && c.n_outputs == 1)))
                                        : (c.n_classes == 0 && c.n_outputs == 1);
        bool ok_hidden = c.hidden.size() + 1 == network_type::n_dense && c.n_features >= 1 &&
                         c.n_features <= (std::uint64_t{1} << 24);
        for (auto h : c.hidden) ok_hidden = ok_hidden && h >= 1 && h <= (std::uint64_t{1} << 24);
        if (!ok_task || !ok_hidden || loss < 1 ||
            loss > static_cast<std::uint8_t>(loss_kind::softmax_cross_entropy) ||
            !(c.leaky_slope > 0.0f && c.leaky_slope < 1.0f) || !(c.norm_epsilon > 0.0f))
            throw format_error(tessera::detail::concat(who, ": inconsistent payload (n_features ", c.n_features,
                                                       ", ", c.hidden.size(), " hidden widths, n_outputs ",
                                                       c.n_outputs, ", n_classes ", c.n_classes, ")"));
        c.loss = static_cast<loss_kind>(loss);
        try {
            return mlp_model(std::move(c));
        } catch (const shape_error& e) {
            throw format_error(e.what());
        }
    }

private:
    static constexpr std::uint32_t payload_version = 1;

    layer_context context() const {
        layer_context ctx;
        // Eval-mode forward reads params and state and writes neither.
        ctx.params = const_cast<float*>(c_.params.data());
        ctx.state = const_cast<float*>(c_.state.data());
        ctx.leaky_slope = c_.leaky_slope;
        ctx.norm_eps = c_.norm_epsilon;
        return ctx;
    }

    contents c_;
};

template <class... L>
struct mlp {
    using params = mlp_params;
    using network_type = detail::network<L...>;
    using classifier_model = mlp_model<true, L...>;
    using regressor_model = mlp_model<false, L...>;

    params config{};

    mlp() = default;
    explicit mlp(params p) : config(std::move(p)) {}

    void check_params() const { detail::check_params(config, network_type::n_dense); }

    // Classification: y holds class indices 0..K-1, every class present.
    template <exec::execution_policy P, class T>
    classifier_model fit(const P& policy, const matrix<T>& X, const vector<std::int32_t>& y,
                         const fit_options<vector<std::int32_t>, T>& opt = {}) const {
        return train<true>(policy, X, y, opt);
    }
    // Regression: y holds finite targets.
    template <exec::execution_policy P, class T>
    regressor_model fit(const P& policy, const matrix<T>& X, const vector<float>& y,
                        const fit_options<vector<float>, T>& opt = {}) const {
        return train<false>(policy, X, y, opt);
    }
    template <class T>
    classifier_model fit(const matrix<T>& X, const vector<std::int32_t>& y,
                         const fit_options<vector<std::int32_t>, T>& opt = {}) const {
        return fit(exec::par, X, y, opt);
    }
    template <class T>
    regressor_model fit(const matrix<T>& X, const vector<float>& y,
                        const fit_options<vector<float>, T>& opt = {}) const {
        return fit(exec::par, X, y, opt);
    }

private:
    static constexpr std::string_view where = "nn::mlp.fit";

    template <class T>
    static void check_X(const matrix<T>& X, std::string_view what) {
        static_assert(std::is_floating_point_v<T>, "nn::mlp: X must hold float or double");
        const std::size_t d = X.shape()[1];
        if (X.shape()[0] == 0 || d == 0) throw errors::empty_input(tessera::detail::concat(where, " (", what, ")"));
        for (std::size_t k = 0; k < X.size(); ++k)
            if (!std::isfinite(X.data()[k]))
                throw errors::non_finite(where, tessera::detail::concat(what, "[:, ", k % d, "]"), k / d);
    }

    // Targets as floats (class index, or value) and the number of classes.
    template <bool C, class Y>
    static std::vector<float> targets(const Y& y, std::size_t n_rows, std::size_t& K, std::string_view what) {
        if (y.size() != n_rows) throw errors::size_mismatch(tessera::detail::concat(where, " (", what, ")"), n_rows, y.size());
        std::vector<float> t(y.size());
        for (std::size_t i = 0; i < y.size(); ++i) {
            if constexpr (C) {
                if (y(i) < 0 || y(i) >= (1 << 24))
                    throw data_error(tessera::detail::concat(where, ": label ", y(i), " at row ", i, " of ", what,
                                                             " is not a class index 0..K-1"),
                                     std::string(what), i);
                K = std::max(K, static_cast<std::size_t>(y(i)) + 1);
            } else {
                if (!std::isfinite(y(i))) throw errors::non_finite(where, what, i);
            }
            t[i] = static_cast<float>(y(i));
        }
        return t;
    }

    template <bool C, class P, class T, class Y>
    mlp_model<C, L...> train(const P& policy, const matrix<T>& X, const Y& y,
                             const fit_options<Y, T>& opt) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            const params& p = config;
            check_params();
            check_X(X, "X");
            const std::size_t d = X.shape()[1];
            std::size_t K = 0;
            std::vector<float> t_all = targets<C>(y, X.shape()[0], K, "y");
            if (C) {
                std::vector<char> seen(K, 0);
                for (float v : t_all) seen[static_cast<std::size_t>(v)] = 1;
                for (std::size_t k = 0; k < K; ++k)
                    if (!seen[k] || K < 2)
                        throw data_error(tessera::detail::concat(where, ": class ", k,
                                                                 " has no rows; labels must be 0..K-1 with "
                                                                 "every class present and K >= 2"),
                                         "y");
                if (!p.class_weight.empty() && p.class_weight.size() != K)
                    throw config_error(tessera::detail::concat("nn::mlp: parameter 'class_weight' has ",
                                                               p.class_weight.size(), " entries for ", K, " classes"),
                                       "class_weight");
            } else if (!p.class_weight.empty()) {
                throw config_error("nn::mlp: parameter 'class_weight' applies to classification only",
                                   "class_weight");
            }
            // Loss and output width.
            loss_kind loss = p.loss;
            if (loss == loss_kind::automatic)
                loss = C ? (K == 2 ? loss_kind::binary_cross_entropy : loss_kind::softmax_cross_entropy)
                         : loss_kind::mse;
            const bool ce = loss == loss_kind::binary_cross_entropy || loss == loss_kind::softmax_cross_entropy;
            if (C != ce || (loss == loss_kind::binary_cross_entropy && K != 2))
                throw config_error(tessera::detail::concat("nn::mlp: parameter 'loss' = ", to_string(loss),
                                                           " does not fit a ",
                                                           C ? tessera::detail::concat(K, "-class classification")
                                                             : std::string("regression"),
                                                           " (regression: mse or huber; 2 classes: "
                                                           "binary_cross_entropy or softmax_cross_entropy; "
                                                           "more: softmax_cross_entropy)"),
                                   "loss");
            const std::size_t m = loss == loss_kind::softmax_cross_entropy ? K : 1;

            // Row weights from class weights.
            std::vector<float> w_all;
            if (C && !p.class_weight.empty()) {
                w_all.resize(t_all.size());
                for (std::size_t i = 0; i < t_all.size(); ++i)
                    w_all[i] = static_cast<float>(p.class_weight[static_cast<std::size_t>(t_all[i])]);
            }

            // Training and validation rows: an explicit validation set, or a
            // held-out share when early stopping has none.
            std::vector<std::size_t> train_rows(X.shape()[0]);
            std::iota(train_rows.begin(), train_rows.end(), std::size_t{0});
            std::vector<std::size_t> valid_rows;
            const matrix<T>* Xv = nullptr;
            std::vector<float> t_valid, w_valid;
            if ((opt.X_valid == nullptr) != (opt.y_valid == nullptr))
                throw config_error("nn::mlp.fit: fit_options needs both X_valid and y_valid, or neither",
                                   "X_valid");
            if (opt.X_valid) {
                Xv = opt.X_valid;
                check_X(*Xv, "X_valid");
                if (Xv->shape()[1] != d) throw errors::size_mismatch("nn::mlp.fit (X_valid columns)", d, Xv->shape()[1]);
                std::size_t Kv = 0;
                t_valid = targets<C>(*opt.y_valid, Xv->shape()[0], Kv, "y_valid");
                if (C && Kv > K)
                    throw data_error(tessera::detail::concat(where, ": y_valid holds class ", Kv - 1,
                                                             " which y does not have"),
                                     "y_valid");
                valid_rows.resize(Xv->shape()[0]);
                std::iota(valid_rows.begin(), valid_rows.end(), std::size_t{0});
            } else if (p.early_stopping) {
                Xv = &X;
                rng r(p.seed, std::uint64_t{3} << 40);
                r.shuffle(train_rows);
                const auto nv = static_cast<std::size_t>(std::ceil(p.validation_fraction * static_cast<double>(train_rows.size())));
                if (nv < 1 || nv >= train_rows.size())
                    throw config_error(tessera::detail::concat("nn::mlp: parameter 'validation_fraction' = ",
                                                               p.validation_fraction, " leaves ", nv, " of ",
                                                               train_rows.size(), " rows for validation; need 1 to n - 1"),
                                       "validation_fraction");
                valid_rows.assign(train_rows.end() - static_cast<std::ptrdiff_t>(nv), train_rows.end());
                train_rows.resize(train_rows.size() - nv);
                std::sort(train_rows.begin(), train_rows.end());
                std::sort(valid_rows.begin(), valid_rows.end());
                t_valid.resize(nv);
                for (std::size_t i = 0; i < nv; ++i) t_valid[i] = t_all[valid_rows[i]];
            }
            if (C && !w_all.empty() && !t_valid.empty()) {
                w_valid.resize(t_valid.size());
                for (std::size_t i = 0; i < t_valid.size(); ++i)
                    w_valid[i] = static_cast<float>(p.class_weight[static_cast<std::size_t>(t_valid[i])]);
            }

            const std::size_t n = train_rows.size();
            const std::size_t bs = std::min(n, static_cast<std::size_t>(p.batch_size));
            network_type net;
            net.setup(d, p.hidden, m, bs);
            std::vector<float> theta(net.n_params()), grad(net.n_params()), state(net.n_state());
            net.init(theta.data(), state.data(), p.seed, p.init);

            layer_context ctx;
            ctx.params = theta.data();
            ctx.grads = grad.data();
            ctx.state = state.data();
            ctx.leaky_slope = static_cast<float>(p.leaky_slope);
            ctx.dropout = static_cast<float>(p.dropout);
            ctx.bn_momentum = static_cast<float>(p.batch_norm_momentum);
            ctx.norm_eps = static_cast<float>(p.norm_epsilon);
            ctx.seed = p.seed;

            // Optimizer state.
            std::vector<float> m1(theta.size(), 0.0f), m2;
            if (p.optimizer != optimizer_kind::sgd) m2.assign(theta.size(), 0.0f);
            const lr_schedule sched{p.schedule, p.learning_rate, p.step_size, p.gamma, p.min_learning_rate,
                                    p.warmup_epochs, p.epochs};

            // Batch buffers, reused.
            std::vector<float> xb(bs * d), tb(bs), wb(w_all.empty() ? 0 : bs), cvt;
            std::vector<std::size_t> order = train_rows;
            std::vector<float> best_theta, best_state;
            double best_loss = std::numeric_limits<double>::infinity();
            int best_epoch = -1, stall = 0;
            std::vector<epoch_record> history;
            std::int64_t t_step = 0;

            const auto gather = [&](const matrix<T>& src, const std::size_t* rows, std::size_t nb,
                                    const std::vector<float>& tsrc, const std::vector<float>& wsrc,
                                    const std::size_t* trows) {
                for (std::size_t i = 0; i < nb; ++i) {
                    const auto* s = src.data() + rows[i] * d;
                    std::copy(s, s + d, xb.data() + i * d);
                    tb[i] = tsrc[trows[i]];
                    if (!wsrc.empty()) wb[i] = wsrc[trows[i]];
                }
            };

            for (int epoch = 0; epoch < p.epochs; ++epoch) {
                const double lr = sched.at(epoch);
                if (p.shuffle) {
                    order = train_rows;
                    rng(p.seed, (std::uint64_t{2} << 40) + static_cast<std::uint64_t>(epoch)).shuffle(order);
                }
                double loss_sum = 0.0, weight_sum = 0.0;
                for (std::size_t b = 0; b < n; b += bs) {
                    const std::size_t nb = std::min(bs, n - b);
                    gather(X, order.data() + b, nb, t_all, w_all, order.data() + b);
                    const float* wptr = w_all.empty() ? nullptr : wb.data();
                    const float* out = net.forward(policy, ctx, xb.data(), nb, true);
                    const double bl =
                        loss_value_and_grad(loss, p.huber_delta, out, nb, m, tb.data(), wptr, net.output_grad());
                    double bw = static_cast<double>(nb);
                    if (wptr) {
                        bw = 0.0;
                        for (std::size_t i = 0; i < nb; ++i) bw += wptr[i];
                    }
                    loss_sum += bl * bw;
                    weight_sum += bw;
                    net.backward(policy, ctx, nb);
                    if (p.clip_norm > 0.0) clip_grad_norm(grad.data(), grad.size(), p.clip_norm);
                    ++t_step;
                    if (p.optimizer == optimizer_kind::sgd)
                        sgd_step(theta.data(), grad.data(), m1.data(), theta.size(), static_cast<float>(lr),
                                 static_cast<float>(p.momentum), static_cast<float>(p.weight_decay), p.nesterov,
                                 t_step == 1);
                    else
                        adam_step(theta.data(), grad.data(), m1.data(), m2.data(), theta.size(),
                                  static_cast<float>(lr), static_cast<float>(p.beta1), static_cast<float>(p.beta2),
                                  static_cast<float>(p.epsilon), static_cast<float>(p.weight_decay),
                                  p.optimizer == optimizer_kind::adamw, t_step);
                    ++ctx.step;
                }
                epoch_record rec{epoch, lr, weight_sum > 0 ? loss_sum / weight_sum : 0.0,
                                 std::numeric_limits<double>::quiet_NaN()};
                if (Xv) {
                    double vs = 0.0, vw = 0.0;
                    const std::size_t nv = valid_rows.size();
                    std::vector<std::size_t> seq_rows(bs);
                    for (std::size_t b = 0; b < nv; b += bs) {
                        const std::size_t nb = std::min(bs, nv - b);
                        for (std::size_t i = 0; i < nb; ++i) seq_rows[i] = b + i;
                        gather(*Xv, valid_rows.data() + b, nb, t_valid, w_valid, seq_rows.data());
                        const float* wptr = w_valid.empty() ? nullptr : wb.data();
                        const float* out = net.forward(policy, ctx, xb.data(), nb, false);
                        const double bl = loss_value_and_grad(loss, p.huber_delta, out, nb, m, tb.data(), wptr, nullptr);
                        double bw = static_cast<double>(nb);
                        if (wptr) {
                            bw = 0.0;
                            for (std::size_t i = 0; i < nb; ++i) bw += wptr[i];
                        }
                        vs += bl * bw;
                        vw += bw;
                    }
                    rec.valid_loss = vw > 0 ? vs / vw : 0.0;
                }
                history.push_back(rec);
                bool stop = false;
                if (p.early_stopping && Xv) {
                    if (rec.valid_loss < best_loss - p.min_delta) {
                        best_loss = rec.valid_loss;
                        best_epoch = epoch;
                        best_theta = theta;
                        best_state = state;
                        stall = 0;
                    } else if (++stall >= p.patience) {
                        stop = true;
                    }
                }
                if (opt.on_epoch && !opt.on_epoch(rec)) stop = true;
                if (stop) break;
            }
            if (p.early_stopping && Xv && best_epoch >= 0) {
                theta = std::move(best_theta);
                state = std::move(best_state);
            } else {
                best_epoch = static_cast<int>(history.size()) - 1;
            }
            typename mlp_model<C, L...>::contents c;
            c.n_features = d;
            c.hidden.assign(p.hidden.begin(), p.hidden.end());
            c.n_outputs = m;
            c.n_classes = C ? K : 0;
            c.loss = loss;
            c.leaky_slope = static_cast<float>(p.leaky_slope);
            c.norm_epsilon = static_cast<float>(p.norm_epsilon);
            c.params = std::move(theta);
            c.state = std::move(state);
            c.history = std::move(history);
            c.best_epoch = best_epoch;
            return mlp_model<C, L...>(std::move(c));
        }
    }
};

}  // namespace tessera::nn
