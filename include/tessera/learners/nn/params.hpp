// tessera/learners/nn/params.hpp — the hyperparameters of nn::mlp, their valid
// ranges (checked at fit, config_error naming the field), the per-epoch
// history record and the fit options (validation set, progress callback).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/learners/nn/layers.hpp>
#include <tessera/learners/nn/losses.hpp>
#include <tessera/learners/nn/optimizers.hpp>

namespace tessera::nn {

struct mlp_params {
    // Widths of the dense layers except the last, in order (the last dense
    // layer has one output per class, or one). One entry per hidden dense layer; each >= 1.
    std::vector<std::size_t> hidden{};
    loss_kind loss = loss_kind::automatic;
    double huber_delta = 1.0;           // huber: finite, > 0
    optimizer_kind optimizer = optimizer_kind::adam;
    double learning_rate = 1e-3;        // finite, > 0
    double momentum = 0.9;              // sgd: [0, 1)
    bool nesterov = false;              // sgd: needs momentum > 0
    double beta1 = 0.9;                 // adam/adamw: [0, 1)
    double beta2 = 0.999;               // adam/adamw: [0, 1)
    double epsilon = 1e-8;              // adam/adamw: finite, > 0
    double weight_decay = 0.0;          // finite, >= 0; L2 for sgd/adam, decoupled for adamw
    schedule_kind schedule = schedule_kind::constant;
    int step_size = 10;                 // step schedule: epochs per decay, >= 1
    double gamma = 0.1;                 // step schedule: factor, (0, 1]
    double min_learning_rate = 0.0;     // cosine schedule: eta_min, [0, learning_rate]
    int warmup_epochs = 0;              // linear warm-up epochs, [0, epochs)
    double clip_norm = 0.0;             // max global gradient norm; 0 = no clipping; finite, >= 0
    int epochs = 20;                    // >= 1
    int batch_size = 256;               // >= 1
    double dropout = 0.1;               // rate of every dropout layer, [0, 1)
    double leaky_slope = 0.01;          // leaky_relu negative slope, (0, 1)
    double batch_norm_momentum = 0.1;   // running-statistics momentum, (0, 1]
    double norm_epsilon = 1e-5;         // batch/layer norm epsilon, finite, > 0
    init_kind init = init_kind::automatic;
    bool shuffle = true;                // reshuffle the rows every epoch
    bool early_stopping = false;        // stop when the validation loss stalls; restore the best weights
    int patience = 10;                  // early stopping: epochs without improvement, >= 1
    double min_delta = 0.0;             // early stopping: least improvement that counts, finite, >= 0
    double validation_fraction = 0.1;   // early stopping without a validation set: held-out share, (0, 1)
    std::vector<double> class_weight{}; // classification: empty, or one finite weight >= 0 per class
    std::uint64_t seed = 0;             // initialisation, shuffling, dropout, validation split
};

// One line of the learning curve.
struct epoch_record {
    int epoch = 0;               // 0-based
    double learning_rate = 0.0;  // used during this epoch
    double train_loss = 0.0;     // weighted mean of the batch losses (training mode)
    double valid_loss = 0.0;     // on the validation set in eval mode; NaN without one
};

// Y: the label vector type (vector<std::int32_t> or vector<float>); T: X's element type.
template <class Y, class T = float>
struct fit_options {
    const matrix<T>* X_valid = nullptr;  // validation set (both or neither)
    const Y* y_valid = nullptr;
    // Called after every epoch; return false to stop training.
    std::function<bool(const epoch_record&)> on_epoch{};
};

// Balanced class weights n / (K count_k), as scikit-learn's class_weight='balanced'.
inline std::vector<double> balanced_class_weight(const vector<std::int32_t>& y) {
    std::int32_t top = -1;
    for (std::size_t i = 0; i < y.size(); ++i) top = std::max(top, y(i));
    std::vector<double> count(static_cast<std::size_t>(top + 1), 0.0);
    for (std::size_t i = 0; i < y.size(); ++i)
        if (y(i) >= 0) count[static_cast<std::size_t>(y(i))] += 1.0;
    for (double& c : count)
        c = c > 0 ? static_cast<double>(y.size()) / (static_cast<double>(count.size()) * c) : 0.0;
    return count;
}

namespace detail {

inline void check_params(const mlp_params& p, std::size_t n_dense) {
    constexpr std::string_view who = "nn::mlp";
    using errors::out_of_range;
    const auto pos = [&](std::string_view f, double v) {
        if (!std::isfinite(v) || !(v > 0.0)) throw out_of_range(who, f, v, "finite, > 0");
    };
    const auto nonneg = [&](std::string_view f, double v) {
        if (!std::isfinite(v) || v < 0.0) throw out_of_range(who, f, v, "finite, >= 0");
    };
    const auto unit = [&](std::string_view f, double v) {
        if (!(v >= 0.0 && v < 1.0)) throw out_of_range(who, f, v, "[0, 1)");
    };
    if (p.hidden.size() + 1 != n_dense)
        throw config_error(tessera::detail::concat(
                               who, ": parameter 'hidden' has ", p.hidden.size(),
                               " widths but the layer stack has ", n_dense,
                               " dense layers; give one width per dense layer except the last"),
                           "hidden");
    for (std::size_t k = 0; k < p.hidden.size(); ++k)
        if (p.hidden[k] < 1 || p.hidden[k] > (std::size_t{1} << 24))
            throw out_of_range(who, "hidden", p.hidden[k], "every width in [1, 2^24]");
    if (static_cast<unsigned>(p.loss) > static_cast<unsigned>(loss_kind::softmax_cross_entropy))
        throw out_of_range(who, "loss", static_cast<int>(p.loss), "a loss_kind");
    pos("huber_delta", p.huber_delta);
    if (static_cast<unsigned>(p.optimizer) > static_cast<unsigned>(optimizer_kind::adamw))
        throw out_of_range(who, "optimizer", static_cast<int>(p.optimizer), "sgd, adam or adamw");
    pos("learning_rate", p.learning_rate);
    unit("momentum", p.momentum);
    if (p.nesterov && !(p.momentum > 0.0))
        throw out_of_range(who, "momentum", p.momentum, "> 0 when nesterov is set");
    unit("beta1", p.beta1);
    unit("beta2", p.beta2);
    pos("epsilon", p.epsilon);
    nonneg("weight_decay", p.weight_decay);
    if (static_cast<unsigned>(p.schedule) > static_cast<unsigned>(schedule_kind::cosine))
        throw out_of_range(who, "schedule", static_cast<int>(p.schedule), "constant, step or cosine");
    if (p.step_size < 1) throw out_of_range(who, "step_size", p.step_size, ">= 1");
    if (!(p.gamma > 0.0 && p.gamma <= 1.0)) throw out_of_range(who, "gamma", p.gamma, "(0, 1]");
    if (!(p.min_learning_rate >= 0.0 && p.min_learning_rate <= p.learning_rate))
        throw out_of_range(who, "min_learning_rate", p.min_learning_rate, "[0, learning_rate]");
    nonneg("clip_norm", p.clip_norm);
    if (p.epochs < 1) throw out_of_range(who, "epochs", p.epochs, ">= 1");
    if (p.warmup_epochs < 0 || p.warmup_epochs >= p.epochs)
        throw out_of_range(who, "warmup_epochs", p.warmup_epochs, "[0, epochs)");
    if (p.batch_size < 1) throw out_of_range(who, "batch_size", p.batch_size, ">= 1");
    unit("dropout", p.dropout);
    if (!(p.leaky_slope > 0.0 && p.leaky_slope < 1.0))
        throw out_of_range(who, "leaky_slope", p.leaky_slope, "(0, 1)");
    if (!(p.batch_norm_momentum > 0.0 && p.batch_norm_momentum <= 1.0))
        throw out_of_range(who, "batch_norm_momentum", p.batch_norm_momentum, "(0, 1]");
    pos("norm_epsilon", p.norm_epsilon);
    if (static_cast<unsigned>(p.init) > static_cast<unsigned>(init_kind::torch_linear))
        throw out_of_range(who, "init", static_cast<int>(p.init), "an init_kind");
    if (p.patience < 1) throw out_of_range(who, "patience", p.patience, ">= 1");
    nonneg("min_delta", p.min_delta);
    if (!(p.validation_fraction > 0.0 && p.validation_fraction < 1.0))
        throw out_of_range(who, "validation_fraction", p.validation_fraction, "(0, 1)");
    for (double w : p.class_weight) nonneg("class_weight", w);
}

}  // namespace detail
}  // namespace tessera::nn
