// tessera/learners/gbdt/estimators.hpp — gbdt::classifier and gbdt::regressor:
// `fit(policy, X, y[, options])` returns a gbdt::model. X is a float or double
// matrix (binned on the fly) or a prebuilt gbdt::dataset (binned once, reused).
//
//   gbdt::classifier clf{{.rounds = 200, .learning_rate = 0.1, .max_leaves = 63}};
//   gbdt::model m = clf.fit(exec::par{.threads = 2}, X, y);   // y: int32 classes 0..K-1
//   gbdt::regressor reg{{.objective = gbdt::objective_kind::huber}};
//   gbdt::model r = reg.fit(exec::par, X, y_float, opt);      // opt: eval set, callback, ...
//   gbdt::model c = reg.fit(exec::par, X, y_float, my_objective{}, opt);  // custom objective
//
// Policies: exec::seq runs the reference paths (plain histogram loop, one
// thread); exec::simd the fast kernels on one thread; exec::par the fast
// kernels on the pool. All give bitwise-identical models (integer histograms).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/trainer.hpp>
#include <tessera/learners/gbdt/model.hpp>
#include <tessera/learners/gbdt/objective.hpp>
#include <tessera/learners/gbdt/params.hpp>

namespace tessera::gbdt {

namespace detail {

template <class P>
constexpr bool is_reference_policy = exec::sequential_policy<P>;

template <class P, class T>
dataset as_dataset(const P& policy, const matrix<T>& X, const params& p) {
    static_assert(std::is_floating_point_v<T>, "gbdt fit: X must hold float or double");
    if constexpr (exec::device_policy<P>) return dataset::build(exec::par, X, p);  // binning on the host
    else return dataset::build(policy, X, p);
}

// exec::cuda training: <tessera/cuda/gbdt.cuh> (nvcc) declares the overload for
// exec::cuda_t, found by argument-dependent lookup; host code sees only this.
template <class P>
model train_on_device(const P&, const dataset&, const fit_labels&, std::size_t, const grad_source&,
                      std::vector<double>, const std::vector<double>&, const params&, const fit_options&) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    throw error("unreachable");
}

template <class P>
model run_train(const P& policy, const dataset& d, const fit_labels& lab, std::size_t K, const grad_source& src,
                std::vector<double> base, const std::vector<double>& w, const params& p, const fit_options& opt) {
    if constexpr (exec::device_policy<P>) {
        return train_on_device(policy, d, lab, K, src, std::move(base), w, p, opt);
    } else {
        return train(exec::select_backend(policy), is_reference_policy<P>, d, lab, K, src, std::move(base), w, p, opt);
    }
}

inline void check_rows(std::string_view where, std::size_t rows, std::size_t labels) {
    if (rows != labels) throw errors::size_mismatch(tessera::detail::concat(where, ": labels vs rows of X"), rows, labels);
}

}  // namespace detail

class classifier {
public:
    params config{};

    classifier() = default;
    explicit classifier(const params& p) : config(p) {}

    template <exec::execution_policy P>
    model fit(const P& policy, const dataset& d, const vector<std::int32_t>& y, const fit_options& opt = {}) const {
        constexpr std::string_view where = "gbdt::classifier::fit";
        detail::check_params(config, "gbdt::classifier");
        detail::check_rows(where, d.rows(), y.size());
        const std::size_t n = y.size();
        std::int32_t top = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (y(i) < 0 || y(i) > 1 << 20)
                throw data_error(tessera::detail::concat(where, ": label ", y(i), " at row ", i,
                                                         " is not a class index 0..K-1"),
                                 "y", i);
            top = std::max(top, y(i));
        }
        const std::size_t C = static_cast<std::size_t>(top) + 1;
        if (C < 2) throw data_error(tessera::detail::concat(where, ": y holds a single class; at least two are needed"), "y");
        if (!config.class_weight.empty() && config.class_weight.size() != C)
            throw errors::out_of_range("gbdt::classifier", "class_weight", config.class_weight.size(),
                                       tessera::detail::concat("empty or one weight per class (", C, ")"));
        const bool binary = C == 2;
        const std::size_t K = binary ? 1 : C;
        std::vector<double> w;
        if (!config.class_weight.empty() || (binary && config.scale_pos_weight != 1.0)) {
            w.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                const auto c = static_cast<std::size_t>(y(i));
                w[i] = (config.class_weight.empty() ? 1.0 : config.class_weight[c]) *
                       (binary && c == 1 ? config.scale_pos_weight : 1.0);
            }
        }
        std::vector<double> cw(C, 0.0);
        double tw = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double wi = w.empty() ? 1.0 : w[i];
            cw[static_cast<std::size_t>(y(i))] += wi;
            tw += wi;
        }
        std::vector<double> base(K, 0.0);
        if (config.boost_from_average) {
            if (binary) {
                const double pr = std::clamp(cw[1] / tw, 1e-15, 1.0 - 1e-15);
                base[0] = std::log(pr / (1.0 - pr));
            } else {
                for (std::size_t k = 0; k < K; ++k) base[k] = std::log(std::max(cw[k] / tw, 1e-15));
            }
        }
        detail::grad_source src;
        src.task = binary ? task_kind::binary : task_kind::multiclass;
        src.obj = binary ? objective_kind::binary_logloss : objective_kind::multiclass_softmax;
        detail::fit_labels lab;
        lab.cls = std::span<const std::int32_t>(y.data(), n);
        return detail::run_train(policy, d, lab, K, src, std::move(base), w, config, opt);
    }

    template <exec::execution_policy P, class T>
    model fit(const P& policy, const matrix<T>& X, const vector<std::int32_t>& y, const fit_options& opt = {}) const {
        detail::check_params(config, "gbdt::classifier");
        detail::check_rows("gbdt::classifier::fit", X.shape()[0], y.size());
        return fit(policy, detail::as_dataset(policy, X, config), y, opt);
    }
    template <class T>
    model fit(const matrix<T>& X, const vector<std::int32_t>& y, const fit_options& opt = {}) const {
        return fit(exec::par, X, y, opt);
    }
};

class regressor {
public:
    params config{};

    regressor() = default;
    explicit regressor(const params& p) : config(p) {}

    // Built-in objective (config.objective: squared_error, absolute_error, huber, poisson).
    template <exec::execution_policy P>
    model fit(const P& policy, const dataset& d, const vector<float>& y, const fit_options& opt = {}) const {
        constexpr std::string_view where = "gbdt::regressor::fit";
        check(d, y);
        const auto o = config.objective;
        if (o == objective_kind::binary_logloss || o == objective_kind::multiclass_softmax)
            throw errors::out_of_range("gbdt::regressor", "objective", static_cast<int>(o),
                                       "squared_error, absolute_error, huber or poisson (use gbdt::classifier)");
        const std::size_t n = y.size();
        double mean = 0.0;
        for (std::size_t i = 0; i < n; ++i) mean += y(i);
        mean /= static_cast<double>(n);
        if (o == objective_kind::poisson) {
            for (std::size_t i = 0; i < n; ++i)
                if (y(i) < 0.0f)
                    throw data_error(tessera::detail::concat(where, ": poisson needs targets >= 0; y[", i, "] = ", y(i)), "y", i);
            if (!(mean > 0.0)) throw data_error(tessera::detail::concat(where, ": poisson needs a positive mean target"), "y");
        }
        std::vector<double> base{0.0};
        if (config.boost_from_average) {
            if (o == objective_kind::absolute_error) {
                std::vector<std::pair<double, double>> vw(n);
                for (std::size_t i = 0; i < n; ++i) vw[i] = {static_cast<double>(y(i)), 1.0};
                base[0] = detail::weighted_quantile(vw, 0.5);
            } else if (o == objective_kind::poisson) {
                base[0] = std::log(mean);
            } else {
                base[0] = mean;
            }
        }
        detail::grad_source src;
        src.task = task_kind::regression;
        src.obj = o;
        src.huber_delta = config.huber_delta;
        detail::fit_labels lab;
        lab.y = std::span<const float>(y.data(), n);
        return detail::run_train(policy, d, lab, 1, src, std::move(base), {}, config, opt);
    }

    // Custom objective (any gbdt::objective): gradients over all rows each round.
    template <exec::execution_policy P, objective O>
    model fit(const P& policy, const dataset& d, const vector<float>& y, const O& obj, const fit_options& opt = {}) const {
        check(d, y);
        const std::size_t n = y.size();
        std::span<const float> ys(y.data(), n);
        std::vector<double> base{config.boost_from_average ? static_cast<double>(obj.initial_score(ys)) : 0.0};
        detail::grad_source src;
        src.task = task_kind::regression;
        src.obj = objective_kind::squared_error;
        src.custom = [&obj, ys](std::span<const double> s, std::span<double> g, std::span<double> h) {
            obj.gradients(ys, s, g, h);
        };
        detail::fit_labels lab;
        lab.y = ys;
        return detail::run_train(policy, d, lab, 1, src, std::move(base), {}, config, opt);
    }

    template <exec::execution_policy P, class T>
    model fit(const P& policy, const matrix<T>& X, const vector<float>& y, const fit_options& opt = {}) const {
        detail::check_params(config, "gbdt::regressor");
        detail::check_rows("gbdt::regressor::fit", X.shape()[0], y.size());
        return fit(policy, detail::as_dataset(policy, X, config), y, opt);
    }
    template <exec::execution_policy P, class T, objective O>
    model fit(const P& policy, const matrix<T>& X, const vector<float>& y, const O& obj,
              const fit_options& opt = {}) const {
        detail::check_params(config, "gbdt::regressor");
        detail::check_rows("gbdt::regressor::fit", X.shape()[0], y.size());
        return fit(policy, detail::as_dataset(policy, X, config), y, obj, opt);
    }
    template <class T>
    model fit(const matrix<T>& X, const vector<float>& y, const fit_options& opt = {}) const {
        return fit(exec::par, X, y, opt);
    }

private:
    void check(const dataset& d, const vector<float>& y) const {
        constexpr std::string_view where = "gbdt::regressor::fit";
        detail::check_params(config, "gbdt::regressor");
        detail::check_rows(where, d.rows(), y.size());
        for (std::size_t i = 0; i < y.size(); ++i)
            if (!std::isfinite(y(i)))
                throw data_error(tessera::detail::concat(where, ": target y[", i, "] = ", y(i), " is not finite"), "y", i);
    }
};

}  // namespace tessera::gbdt
