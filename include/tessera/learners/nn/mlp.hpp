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
#include <tessera/learners/nn/detail/device_hook.hpp>
#include <tessera/learners/nn/detail/network.hpp>
#include <tessera/learners/nn/detail/training.hpp>
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
    float leaky_slope() const noexcept { return c_.leaky_slope; }
    float norm_epsilon() const noexcept { return c_.norm_epsilon; }
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
            return decision_on_device(policy, *this, X);  // <tessera/cuda/nn.cuh>
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
    template <bool C, class P, class T, class Y>
    mlp_model<C, L...> train(const P& policy, const matrix<T>& X, const Y& y,
                             const fit_options<Y, T>& opt) const {
        check_params();
        if constexpr (exec::device_policy<P>) {
            // <tessera/cuda/nn.cuh> (nvcc) provides the overload; host code gets a static_assert
            return fit_on_device<mlp_model<C, L...>>(policy, *this, X, y, opt);
        } else {
            const auto prep = detail::prepare<C>(config, X, y, opt);
            detail::cpu_engine<P, T, L...> eng(policy, config, prep, config.hidden);
            auto res = detail::run_epochs(config, prep, eng, opt);
            return make_model<C>(prep, std::move(res), std::move(eng.theta), std::move(eng.state));
        }
    }

public:
    // The fitted model from a finished run (used by every engine).
    template <bool C, class T>
    mlp_model<C, L...> make_model(const detail::prepared<T>& prep, detail::loop_result res, std::vector<float> theta,
                                  std::vector<float> state) const {
        typename mlp_model<C, L...>::contents c;
        c.n_features = prep.d;
        c.hidden.assign(config.hidden.begin(), config.hidden.end());
        c.n_outputs = prep.m;
        c.n_classes = C ? prep.K : 0;
        c.loss = prep.loss;
        c.leaky_slope = static_cast<float>(config.leaky_slope);
        c.norm_epsilon = static_cast<float>(config.norm_epsilon);
        c.params = std::move(theta);
        c.state = std::move(state);
        c.history = std::move(res.history);
        c.best_epoch = res.best_epoch;
        return mlp_model<C, L...>(std::move(c));
    }
};

}  // namespace tessera::nn
