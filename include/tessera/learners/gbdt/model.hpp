// tessera/learners/gbdt/model.hpp — a fitted gradient-boosted tree model:
// immutable, thread-safe to score from many threads, saved through the model
// file container (io::save / io::load, type tag "tessera.gbdt.model").
//
// Raw score of output k = base_score[k] + sum of the leaf values of trees
// k, k + K, k + 2K, ... (K = n_outputs: 1 for regression and binary, the
// number of classes for multiclass). Trees are summed in tree order in double
// starting from 0.0, then the base score is added.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/objective.hpp>
#include <tessera/learners/gbdt/params.hpp>
#include <tessera/learners/gbdt/predict.hpp>
#include <tessera/learners/gbdt/shap.hpp>
#include <tessera/learners/gbdt/tree.hpp>

namespace tessera::gbdt {

// Metrics for eval sets / history (computed with eval/metrics.hpp).
enum class metric_kind : std::uint8_t {
    automatic,          // logloss for classifiers, rmse for regressors
    logloss,            // eval::log_loss (binary or multiclass)
    auc,                // eval::roc_auc_score (binary) / roc_auc_ovr_score (multiclass)
    average_precision,  // eval::average_precision_score (binary)
    accuracy,           // eval::accuracy_score
    error,              // 1 - accuracy
    rmse,               // eval::root_mean_squared_error
    mse,                // eval::mean_squared_error
    mae,                // eval::mean_absolute_error
    r2,                 // eval::r2_score
};

inline std::string_view metric_name(metric_kind m) {
    constexpr std::string_view names[] = {"automatic", "logloss", "auc", "average_precision", "accuracy",
                                          "error", "rmse", "mse", "mae", "r2"};
    const auto i = static_cast<std::size_t>(m);
    return i < std::size(names) ? names[i] : std::string_view("unknown");
}
inline bool higher_is_better(metric_kind m) {
    return m == metric_kind::auc || m == metric_kind::average_precision || m == metric_kind::accuracy ||
           m == metric_kind::r2;
}

// The learning curve: one value per boosting round.
struct learning_curve {
    metric_kind metric = metric_kind::automatic;
    std::vector<double> train;              // empty unless fit_options::record_train
    std::vector<std::vector<double>> eval;  // eval[s][round] for eval set s
    friend bool operator==(const learning_curve&, const learning_curve&) = default;
};

// What a model's outputs mean.
enum class task_kind : std::uint8_t { regression, binary, multiclass };

class model {
public:
    static constexpr std::string_view type_tag = "tessera.gbdt.model";
    static constexpr std::uint32_t payload_version = 1;

    model() = default;
    model(std::vector<tree> trees, std::vector<double> base_score, std::size_t n_features, task_kind task,
          objective_kind obj, bool custom_objective, std::int64_t best_iteration, learning_curve history)
        : trees_(std::move(trees)),
          base_(std::move(base_score)),
          n_features_(n_features),
          task_(task),
          objective_(obj),
          custom_(custom_objective),
          best_iteration_(best_iteration),
          history_(std::move(history)) {
        if (base_.empty() || (task_ != task_kind::multiclass && base_.size() != 1) ||
            trees_.size() % base_.size() != 0)
            throw shape_error(tessera::detail::concat("gbdt::model: ", trees_.size(), " trees and ",
                                                      base_.size(), " outputs do not fit together"));
        forest_ = flat_forest(std::span<const tree>(trees_), base_.size(), n_features_);
    }

    const std::vector<tree>& trees() const noexcept { return trees_; }
    std::size_t n_outputs() const noexcept { return base_.size(); }
    std::size_t n_features() const noexcept { return n_features_; }
    std::size_t n_classes() const noexcept {
        return task_ == task_kind::regression ? 0 : (task_ == task_kind::binary ? 2 : base_.size());
    }
    std::size_t n_rounds() const noexcept { return trees_.size() / base_.size(); }
    const std::vector<double>& base_score() const noexcept { return base_; }
    task_kind task() const noexcept { return task_; }
    objective_kind objective() const noexcept { return objective_; }
    bool custom_objective() const noexcept { return custom_; }
    // Rounds kept after early stopping (the best round, 1-based), -1 without early stopping.
    std::int64_t best_iteration() const noexcept { return best_iteration_; }
    const learning_curve& history() const noexcept { return history_; }

    // Split count or total split gain per feature.
    std::vector<double> feature_importance(importance kind = importance::split) const {
        std::vector<double> imp(n_features_, 0.0);
        for (const tree& t : trees_)
            for (std::size_t k = 0; k < t.n_internal(); ++k)
                imp[static_cast<std::size_t>(t.split_feature[k])] += kind == importance::gain ? t.gain[k] : 1.0;
        return imp;
    }

    // out[i * K + k]: raw scores of rows X (row-major rows x n_features floats),
    // through gbdt-predict's flat_forest (bitwise the sum of tree::predict_row in
    // tree order from 0.0), plus the base score.
    template <exec::execution_policy P>
    void predict_raw_into(const P& policy, const float* X, std::size_t rows, double* out) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            const std::size_t K = n_outputs();
            forest_.predict_raw(policy, X, rows, out);
            for (std::size_t i = 0; i < rows; ++i)
                for (std::size_t k = 0; k < K; ++k) out[i * K + k] += base_[k];
        }
    }

    // TreeSHAP contributions (gbdt-predict's shap.hpp): rows x n_outputs x
    // (n_features + 1), the last column the bias; they sum to the raw score.
    template <exec::execution_policy P, class T>
    xt::xtensor<double, 3> shap(const P& policy, const matrix<T>& X) const {
        const std::size_t n = check_input("gbdt::model::shap", X);
        xt::xtensor<double, 3> out = xt::zeros<double>({n, n_outputs(), n_features_ + 1});
        with_float(X, [&](const float* x) {
            shap_values(policy, std::span<const tree>(trees_), n_outputs(), n_features_,
                        std::span<const double>(base_), x, n, out.data());
        });
        return out;
    }

    template <exec::execution_policy P, class T>
    matrix<double> predict_raw(const P& policy, const matrix<T>& X) const {
        const std::size_t n = check_input("gbdt::model::predict_raw", X);
        matrix<double> out = xt::empty<double>({n, n_outputs()});
        with_float(X, [&](const float* x) { predict_raw_into(policy, x, n, out.data()); });
        return out;
    }

    // Regression: the prediction (exp of the raw score for poisson); classifiers:
    // the class index (argmax, first on ties; binary: p > 0.5 is class 1).
    template <exec::execution_policy P, class T>
    vector<double> predict(const P& policy, const matrix<T>& X) const {
        const matrix<double> raw = predict_raw(policy, X);
        const std::size_t n = raw.shape()[0], K = n_outputs();
        vector<double> out = xt::empty<double>({n});
        for (std::size_t i = 0; i < n; ++i) {
            const double* z = raw.data() + i * K;
            if (task_ == task_kind::regression) out(i) = objective_ == objective_kind::poisson && !custom_ ? std::exp(z[0]) : z[0];
            else if (task_ == task_kind::binary) out(i) = z[0] > 0.0 ? 1.0 : 0.0;
            else out(i) = static_cast<double>(std::max_element(z, z + K) - z);
        }
        return out;
    }

    // Classifiers: rows x n_classes probabilities (binary: [1 - p, p]).
    template <exec::execution_policy P, class T>
    matrix<double> predict_proba(const P& policy, const matrix<T>& X) const {
        if (task_ == task_kind::regression)
            throw config_error("gbdt::model::predict_proba: the model is a regressor", "task");
        const matrix<double> raw = predict_raw(policy, X);
        return proba_from_raw(raw.data(), raw.shape()[0]);
    }

    template <class T>
    matrix<double> predict_raw(const matrix<T>& X) const { return predict_raw(exec::par, X); }
    template <class T>
    vector<double> predict(const matrix<T>& X) const { return predict(exec::par, X); }
    template <class T>
    matrix<double> predict_proba(const matrix<T>& X) const { return predict_proba(exec::par, X); }

    matrix<double> proba_from_raw(const double* raw, std::size_t n) const {
        const std::size_t K = n_outputs(), C = task_ == task_kind::binary ? 2 : K;
        matrix<double> out = xt::empty<double>({n, C});
        for (std::size_t i = 0; i < n; ++i) {
            const double* z = raw + i * K;
            if (task_ == task_kind::binary) {
                const double p = detail::sigmoid(z[0]);
                out(i, 0) = 1.0 - p;
                out(i, 1) = p;
            } else {
                const double zmax = *std::max_element(z, z + K);
                double s = 0.0;
                for (std::size_t k = 0; k < K; ++k) s += std::exp(z[k] - zmax);
                for (std::size_t k = 0; k < K; ++k) out(i, k) = std::exp(z[k] - zmax) / s;
            }
        }
        return out;
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint64_t>(n_features_);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(task_));
        w.put<std::uint8_t>(static_cast<std::uint8_t>(objective_));
        w.put<std::uint8_t>(custom_ ? 1 : 0);
        w.put<std::int64_t>(best_iteration_);
        w.put(base_);
        w.put<std::uint64_t>(trees_.size());
        for (const tree& t : trees_) t.save(w);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(history_.metric));
        w.put(history_.train);
        w.put<std::uint64_t>(history_.eval.size());
        for (const auto& e : history_.eval) w.put(e);
    }

    static model load(io::reader& r) {
        const auto v = r.get<std::uint32_t>("gbdt.version");
        if (v != payload_version)
            throw format_error(tessera::detail::concat("gbdt::model: payload version ", v, ", this build reads ",
                                                       payload_version));
        const auto F = r.get<std::uint64_t>("gbdt.n_features");
        const auto task = r.get<std::uint8_t>("gbdt.task");
        const auto obj = r.get<std::uint8_t>("gbdt.objective");
        const auto custom = r.get<std::uint8_t>("gbdt.custom");
        const auto best = r.get<std::int64_t>("gbdt.best_iteration");
        auto base = r.get_vector<double>("gbdt.base_score");
        const auto nt = r.get<std::uint64_t>("gbdt.n_trees");
        if (task > 2 || obj > static_cast<std::uint8_t>(objective_kind::multiclass_softmax) || custom > 1 ||
            F == 0 || F > (std::uint64_t{1} << 31) || base.empty() || nt > r.remaining())
            throw format_error("gbdt::model: inconsistent payload header");
        std::vector<tree> trees;
        trees.reserve(static_cast<std::size_t>(nt));
        for (std::uint64_t t = 0; t < nt; ++t) trees.push_back(tree::load(r, static_cast<std::size_t>(F)));
        learning_curve h;
        const auto m = r.get<std::uint8_t>("gbdt.history.metric");
        if (m > static_cast<std::uint8_t>(metric_kind::r2)) throw format_error("gbdt::model: unknown metric");
        h.metric = static_cast<metric_kind>(m);
        h.train = r.get_vector<double>("gbdt.history.train");
        const auto ne = r.get<std::uint64_t>("gbdt.history.n_eval");
        if (ne > r.remaining()) throw format_error("gbdt::model: bad history");
        for (std::uint64_t s = 0; s < ne; ++s) h.eval.push_back(r.get_vector<double>("gbdt.history.eval"));
        try {
            return model(std::move(trees), std::move(base), static_cast<std::size_t>(F), static_cast<task_kind>(task),
                         static_cast<objective_kind>(obj), custom == 1, best, std::move(h));
        } catch (const shape_error& e) {
            throw format_error(e.what());
        }
    }

    friend bool operator==(const model& a, const model& b) {
        return a.trees_ == b.trees_ && a.base_ == b.base_ && a.n_features_ == b.n_features_ && a.task_ == b.task_ &&
               a.objective_ == b.objective_ && a.custom_ == b.custom_ && a.best_iteration_ == b.best_iteration_ &&
               a.history_ == b.history_;
    }

private:
    template <class T>
    std::size_t check_input(std::string_view where, const matrix<T>& X) const {
        static_assert(std::is_floating_point_v<T>, "gbdt::model: X must hold float or double");
        if (X.shape()[1] != n_features_) throw errors::size_mismatch(where, n_features_, X.shape()[1]);
        return X.shape()[0];
    }
    template <class T, class F>
    static void with_float(const matrix<T>& X, F&& f) {
        if constexpr (std::is_same_v<T, float>) {
            f(X.data());
        } else {
            std::vector<float> tmp(X.size());
            for (std::size_t i = 0; i < X.size(); ++i) tmp[i] = static_cast<float>(X.data()[i]);
            f(tmp.data());
        }
    }

    std::vector<tree> trees_;
    std::vector<double> base_{0.0};
    std::size_t n_features_ = 0;
    task_kind task_ = task_kind::regression;
    objective_kind objective_ = objective_kind::squared_error;
    bool custom_ = false;
    std::int64_t best_iteration_ = -1;
    learning_curve history_;
    flat_forest forest_;
};

}  // namespace tessera::gbdt
