// tessera/learners/gbdt/detail/trainer.hpp — the boosting loop: gradients,
// quantization, one tree per output per round (grower.hpp over the CPU
// backend), leaf values, score updates, eval metrics, early stopping.
//
// Per round and output k: g, h in double (objective x row weight); then
// k_g = fixed_point_exponent(n, max|g|), k_h likewise, over all rows; each row's
// (g, h) is stored as int64 llrint(ldexp(v, k)). The root sums are integer
// sums of the bag's rows. Leaf values = learning_rate x -T(G)/(H + l2) from the
// leaf's integer sums (absolute error: the leaf's weighted median residual).
// Training scores are updated from the leaves' row ranges (in-bag rows) and by
// binned traversal (out-of-bag rows, eval sets binned once with the same mappers).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/random.hpp>
#include <tessera/eval/metrics.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/backend.hpp>
#include <tessera/learners/gbdt/detail/grower.hpp>
#include <tessera/learners/gbdt/model.hpp>
#include <tessera/learners/gbdt/objective.hpp>
#include <tessera/learners/gbdt/params.hpp>

namespace tessera::gbdt {

// An eval set: features plus regression targets or class labels.
struct eval_data {
    const matrix<float>* X = nullptr;
    const vector<float>* y = nullptr;            // regressor
    const vector<std::int32_t>* labels = nullptr;  // classifier
    eval_data() = default;
    eval_data(const matrix<float>* x, const vector<float>* target) : X(x), y(target) {}
    eval_data(const matrix<float>* x, const vector<std::int32_t>* l) : X(x), labels(l) {}
    bool present() const noexcept { return X != nullptr; }
};

// Passed to the progress callback after every round.
struct iteration_info {
    std::size_t round = 0;              // 0-based
    double train_metric = std::numeric_limits<double>::quiet_NaN();  // NaN unless record_train
    std::span<const double> eval_metrics;  // one per eval set
    metric_kind metric = metric_kind::automatic;
};

struct fit_options {
    eval_data eval;                       // the eval set early stopping watches
    std::vector<eval_data> extra_eval;    // more eval sets, recorded in the history
    metric_kind metric = metric_kind::automatic;
    bool record_train = false;            // also record the metric on the training rows
    std::function<bool(const iteration_info&)> callback;  // false = stop after this round
};

namespace detail {

inline std::uint64_t stream_id(std::uint64_t kind, std::uint64_t round, std::uint64_t k) {
    return (kind << 56) ^ (round << 16) ^ k;
}

// Labels of a fit, one of the two.
struct fit_labels {
    std::span<const float> y;
    std::span<const std::int32_t> cls;
};

template <class Tag>
constexpr unsigned threads_of(const Tag& tag) {
    if constexpr (requires { tag.threads; })
        return tag.threads == 0 ? exec::thread_pool::hardware_threads() : tag.threads;
    else
        return 1;
}

template <class Tag>
double compute_metric(const Tag& tag, metric_kind m, task_kind task, std::size_t K, const double* raw,
                      std::size_t n, const fit_labels& lab, const model& shape) {
    const exec::par_t* dummy = nullptr;
    (void)dummy;
    auto run = [&](auto policy) -> double {
        if (task == task_kind::regression) {
            std::vector<double> pred(n);
            for (std::size_t i = 0; i < n; ++i)
                pred[i] = shape.objective() == objective_kind::poisson && !shape.custom_objective() ? std::exp(raw[i]) : raw[i];
            std::span<const double> p(pred);
            switch (m) {
                case metric_kind::mse: return eval::mean_squared_error(policy, lab.y, p);
                case metric_kind::mae: return eval::mean_absolute_error(policy, lab.y, p);
                case metric_kind::r2: return eval::r2_score(policy, lab.y, p);
                default: return eval::root_mean_squared_error(policy, lab.y, p);
            }
        }
        const matrix<double> proba = shape.proba_from_raw(raw, n);
        const std::size_t C = proba.shape()[1];
        switch (m) {
            case metric_kind::auc:
                if (C == 2) {
                    std::vector<double> s(n);
                    for (std::size_t i = 0; i < n; ++i) s[i] = raw[i];
                    return eval::roc_auc_score(policy, lab.cls, std::span<const double>(s));
                }
                return eval::roc_auc_ovr_score(policy, lab.cls, std::span<const double>(proba.data(), proba.size()), C);
            case metric_kind::average_precision: {
                std::vector<double> s(n);
                for (std::size_t i = 0; i < n; ++i) s[i] = raw[i];
                return eval::average_precision_score(policy, lab.cls, std::span<const double>(s));
            }
            case metric_kind::accuracy:
            case metric_kind::error: {
                std::vector<std::int32_t> pred(n);
                for (std::size_t i = 0; i < n; ++i) {
                    const double* z = proba.data() + i * C;
                    pred[i] = static_cast<std::int32_t>(std::max_element(z, z + C) - z);
                }
                const double acc = eval::accuracy_score(policy, lab.cls, std::span<const std::int32_t>(pred));
                return m == metric_kind::error ? 1.0 - acc : acc;
            }
            default: {
                eval::log_loss_options o;
                for (std::size_t k = 0; k < C; ++k) o.labels.push_back(static_cast<std::int32_t>(k));
                return eval::log_loss(policy, lab.cls, std::span<const double>(proba.data(), proba.size()), C, o);
            }
        }
        (void)K;
    };
    if constexpr (requires { tag.threads; }) return run(exec::par_t{.threads = tag.threads, .grain = tag.grain});
    else return run(exec::seq);
}

// max |g| and max |h| over rows (the quantization scales).
struct grad_max {
    double g = 0, h = 0;
};
// Output k's maxima over rows [b, e) of row-major n x K arrays.
inline grad_max abs_max(const double* g, const double* h, std::size_t K, std::size_t k, std::size_t b,
                        std::size_t e) {
    grad_max m;
    for (std::size_t i = b; i < e; ++i) {
        m.g = std::max(m.g, std::abs(g[i * K + k]));
        m.h = std::max(m.h, std::abs(h[i * K + k]));
    }
    return m;
}
// f(b, e) -> grad_max on chunks of `grain` rows (the pool under par), maxima combined.
template <class Tag, class F>
grad_max reduce_chunks(const Tag& tag, std::size_t n, std::size_t grain, F&& f) {
    auto combine = [](grad_max a, grad_max b) { return grad_max{std::max(a.g, b.g), std::max(a.h, b.h)}; };
    if constexpr (requires { tag.threads; }) {
        auto t = tag;
        t.grain = grain;
        return exec::parallel_reduce(t, n, grad_max{}, [&](const exec::chunk& c) { return f(c.begin, c.end); },
                                     combine);
    } else {
        return f(std::size_t{0}, n);
    }
}

// The gradient source of a fit: a built-in objective or a user one.
struct grad_source {
    task_kind task = task_kind::regression;
    objective_kind obj = objective_kind::squared_error;
    double huber_delta = 1.0;
    std::function<void(std::span<const double> score, std::span<double> g, std::span<double> h)> custom;
};

// The split finder's settings from the user's parameters (one mapping, shared by
// the CPU trainer and the CUDA tests).
inline split_settings settings_of(const params& p) {
    split_settings st;
    st.c.lambda_l1 = p.lambda_l1;
    st.c.lambda_l2 = p.lambda_l2;
    st.c.min_child_weight = p.min_child_weight;
    st.c.min_data_in_leaf = p.min_data_in_leaf;
    st.c.min_split_gain = p.min_split_gain;
    st.max_cat_to_onehot = p.max_cat_to_onehot;
    st.max_cat_threshold = p.max_cat_threshold;
    st.cat_smooth = p.cat_smooth;
    st.cat_l2 = p.cat_l2;
    st.min_data_per_group = p.min_data_per_group;
    return st;
}

// The CPU backend as a factory: make(dataset, split_settings) -> backend. A
// device backend factory (<tessera/cuda/gbdt.cuh>) has the same call.
struct cpu_backend_factory {
    unsigned threads;
    bool reference;
    cpu_backend operator()(const dataset& d, const split_settings& st) const {
        return cpu_backend(d, st, threads, reference);
    }
};
#define TESSERA_GBDT_TRAIN_WITH_BACKEND 1  // train_with exists (<tessera/cuda/gbdt.cuh> tests it)

// The boosting loop over the backend that make_backend returns.
template <class Tag, class MakeBackend>
model train_with(const Tag& tag, const MakeBackend& make_backend, const dataset& d, const fit_labels& lab,
                 std::size_t K, const grad_source& src, std::vector<double> base, const std::vector<double>& w,
                 const params& p, const fit_options& opt) {
    const std::size_t n = d.rows(), F = d.features();
    const std::size_t grain = 65536;

    // eval sets, binned once
    std::vector<const eval_data*> evals;
    if (opt.eval.present()) evals.push_back(&opt.eval);
    for (const auto& e : opt.extra_eval)
        if (e.present()) evals.push_back(&e);
    std::vector<dataset> ebins;
    std::vector<std::vector<double>> escore;
    std::vector<fit_labels> elab;
    for (const eval_data* e : evals) {
        if (e->X->shape()[1] != F) throw errors::size_mismatch("gbdt fit: eval set columns", F, e->X->shape()[1]);
        const std::size_t ne = e->X->shape()[0];
        fit_labels l;
        if (src.task == task_kind::regression) {
            if (!e->y) throw config_error("gbdt fit: a regressor's eval set needs float targets (eval_data::y)", "eval");
            if (e->y->size() != ne) throw errors::size_mismatch("gbdt fit: eval set targets", ne, e->y->size());
            l.y = std::span<const float>(e->y->data(), ne);
        } else {
            if (!e->labels) throw config_error("gbdt fit: a classifier's eval set needs int32 labels (eval_data::labels)", "eval");
            if (e->labels->size() != ne) throw errors::size_mismatch("gbdt fit: eval set labels", ne, e->labels->size());
            for (std::size_t i = 0; i < ne; ++i)
                if ((*e->labels)(i) < 0 || static_cast<std::size_t>((*e->labels)(i)) >= (K == 1 ? 2 : K))
                    throw data_error(tessera::detail::concat("gbdt fit: eval label ", (*e->labels)(i), " at row ", i,
                                                             " is not a class of the training labels"),
                                     "eval.labels", i);
            l.cls = std::span<const std::int32_t>(e->labels->data(), ne);
        }
        elab.push_back(l);
        ebins.push_back(d.rebin(exec::seq, *e->X));
        escore.emplace_back(ne * K);
        for (std::size_t i = 0; i < ne; ++i)
            for (std::size_t k = 0; k < K; ++k) escore.back()[i * K + k] = base[k];
    }
    metric_kind metric = opt.metric;
    if (metric == metric_kind::automatic)
        metric = src.task == task_kind::regression ? metric_kind::rmse : metric_kind::logloss;
    const bool regression_metric = metric == metric_kind::rmse || metric == metric_kind::mse ||
                                   metric == metric_kind::mae || metric == metric_kind::r2;
    if ((src.task == task_kind::regression) != regression_metric)
        throw errors::out_of_range("gbdt fit", "metric", metric_name(metric),
                                   src.task == task_kind::regression ? "rmse, mse, mae or r2 for a regressor"
                                                                     : "logloss, auc, average_precision, accuracy or error for a classifier");
    if (metric == metric_kind::average_precision && src.task == task_kind::multiclass)
        throw errors::out_of_range("gbdt fit", "metric", "average_precision", "binary classifiers only");
    if (p.early_stopping_rounds > 0 && evals.empty())
        throw config_error("gbdt fit: early_stopping_rounds > 0 needs an eval set (fit_options::eval)",
                           "early_stopping_rounds");

    const split_settings st = settings_of(p);
    auto be = make_backend(d, st);
    grow_settings gs;
    gs.max_leaves = p.max_leaves;
    gs.max_depth = p.max_depth;
    gs.depth_wise = p.growth == growth_policy::depth_wise;
    gs.hist_cache = p.hist_cache;
    gs.colsample_bynode = p.colsample_bynode;
    gs.seed = p.seed;
    gs.min_data_in_leaf = p.min_data_in_leaf;
    grower<decltype(be)> gr(be, gs);

    std::vector<double> score(n * K);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < K; ++k) score[i * K + k] = base[k];
    std::vector<double> g(n * K), h(n * K);
    std::vector<gh_pair> q(n);
    std::vector<std::uint8_t> in_bag(p.subsample < 1.0 ? n : 0);
    std::vector<std::uint8_t> tree_mask;
    std::vector<tree> trees;
    learning_curve hist;
    hist.metric = metric;
    hist.eval.resize(evals.size());
    double best_value = 0.0;
    std::size_t best_round = 0;
    std::int64_t best_iteration = -1;
    std::vector<double> eval_now(evals.size());
    std::vector<double> gk, hk, sk;
    const bool refit_median = src.task == task_kind::regression && !src.custom && src.obj == objective_kind::absolute_error;

    for (std::size_t round = 0; round < static_cast<std::size_t>(p.rounds); ++round) {
        // ---- gradients (all outputs) ----
        // With one output, the gradient pass also returns max |g| and max |h|
        // (exact in any order) for the quantization: no second pass over g, h.
        grad_max fused_max;
        const bool have_max = !src.custom && K == 1;
        if (src.custom) {
            src.custom(std::span<const double>(score), std::span<double>(g), std::span<double>(h));
        } else {
            fused_max = reduce_chunks(tag, n, grain, [&](std::size_t b, std::size_t e) {
                if (src.task == task_kind::multiclass) {
                    const double factor = static_cast<double>(K) / static_cast<double>(K - 1);
                    for (std::size_t i = b; i < e; ++i) {
                        const double* z = score.data() + i * K;
                        const double zmax = *std::max_element(z, z + K);
                        double s = 0.0;
                        for (std::size_t k = 0; k < K; ++k) s += std::exp(z[k] - zmax);
                        const auto yi = static_cast<std::size_t>(lab.cls[i]);
                        for (std::size_t k = 0; k < K; ++k) {
                            const double pk = std::exp(z[k] - zmax) / s;
                            g[i * K + k] = pk - (k == yi ? 1.0 : 0.0);
                            h[i * K + k] = std::max(factor * pk * (1.0 - pk), 1e-16);
                        }
                    }
                } else {
                    builtin_regression br{0, src.huber_delta};
                    switch (src.task == task_kind::binary ? objective_kind::binary_logloss : src.obj) {
                        case objective_kind::absolute_error: br.kind = 1; break;
                        case objective_kind::huber: br.kind = 2; break;
                        case objective_kind::poisson: br.kind = 3; break;
                        case objective_kind::binary_logloss: br.kind = 4; break;
                        default: br.kind = 0; break;
                    }
                    for (std::size_t i = b; i < e; ++i) {
                        const float yi = src.task == task_kind::binary ? static_cast<float>(lab.cls[i]) : lab.y[i];
                        br.row(yi, score[i], g[i], h[i]);
                    }
                }
                if (!w.empty())
                    for (std::size_t i = b; i < e; ++i)
                        for (std::size_t k = 0; k < K; ++k) {
                            g[i * K + k] *= w[i];
                            h[i * K + k] *= w[i];
                        }
                return K == 1 ? abs_max(g.data(), h.data(), 1, 0, b, e) : grad_max{};
            });
        }
        // ---- bagging, column sampling (one draw per round, shared by the K trees) ----
        std::uint32_t n_root = static_cast<std::uint32_t>(n);
        if (p.subsample < 1.0) {
            const rng r(p.seed, stream_id(1, round, 0));
            for_chunks(tag, n, grain, [&](std::size_t b, std::size_t e) {
                for (std::size_t i = b; i < e; ++i) in_bag[i] = r.uniform_at<double>(i) < p.subsample ? 1 : 0;
            });
        }
        const std::uint8_t* mask = nullptr;
        if (p.colsample_bytree < 1.0) {
            tree_mask.assign(F, 0);
            const auto kf = std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(F) * p.colsample_bytree + 0.5));
            rng r(p.seed, stream_id(2, round, 0));
            for (std::size_t f : r.sample_without_replacement(F, std::min(kf, F))) tree_mask[f] = 1;
            mask = tree_mask.data();
        }
        for (std::size_t k = 0; k < K; ++k) {
            // ---- quantize ----
            const grad_max m = have_max ? fused_max : reduce_chunks(tag, n, grain, [&](std::size_t b, std::size_t e) {
                return abs_max(g.data(), h.data(), K, k, b, e);
            });
            if (!std::isfinite(m.g) || !std::isfinite(m.h))
                throw data_error(tessera::detail::concat("gbdt fit: round ", round, " produced non-finite gradients "
                                                         "(check the labels and the objective)"),
                                 "gradients");
            const fixed_scale sc = make_scale(fixed_point_exponent(n, m.g), fixed_point_exponent(n, m.h));
            // v * 2^k is exactly ldexp(v, k) (a power-of-two scaling in range), and
            // nearbyint rounds half to even like llrint: the same integers as quantize()
            const double tg = std::ldexp(1.0, sc.kg), th = std::ldexp(1.0, sc.kh);
            std::uint32_t* rows = be.rows();
            const bool bagged = p.subsample < 1.0;
            // quantize, set the row list (all rows) and sum the root: integer sums,
            // so the chunked reduction is exact in any order
            auto quant = [&](std::size_t b, std::size_t e) {
                node_sums sm;
                for (std::size_t i = b; i < e; ++i) {
                    const gh_pair v{static_cast<std::int64_t>(std::nearbyint(g[i * K + k] * tg)),
                                    static_cast<std::int64_t>(std::nearbyint(h[i * K + k] * th))};
                    q[i] = v;
                    if (!bagged) rows[i] = static_cast<std::uint32_t>(i);
                    if (bagged && !in_bag[i]) continue;
                    sm.g += v.g;
                    sm.h += v.h;
                    sm.c += 1;
                }
                return sm;
            };
            node_sums root;
            if constexpr (requires { tag.threads; }) {
                auto t2 = tag;
                t2.grain = grain;
                root = exec::parallel_reduce(t2, n, node_sums{}, [&](const exec::chunk& c) { return quant(c.begin, c.end); },
                                             [](node_sums a, node_sums b) { return node_sums{a.g + b.g, a.h + b.h, a.c + b.c}; });
            } else {
                root = quant(0, n);
            }
            if (bagged) {
                std::uint32_t c = 0;
                for (std::size_t i = 0; i < n; ++i)
                    if (in_bag[i]) rows[c++] = static_cast<std::uint32_t>(i);
                n_root = c;
            }
            be.begin_tree(q.data(), sc, n_root);
            gs.stream = round * K + k;
            grown_tree gt = gr.grow(n_root, root, mask, F);
            // ---- leaf values ----
            tree& t = gt.t;
            const std::size_t L = t.n_leaves();
            for (std::size_t l = 0; l < L; ++l) {
                double v = node_output(gt.leaf_sums[l], sc, st.c);
                if (refit_median) {
                    std::vector<std::pair<double, double>> vw;
                    vw.reserve(gt.leaf_end[l] - gt.leaf_begin[l]);
                    for (std::uint32_t j = gt.leaf_begin[l]; j < gt.leaf_end[l]; ++j) {
                        const std::uint32_t i = rows[j];
                        vw.emplace_back(static_cast<double>(lab.y[i]) - score[i], w.empty() ? 1.0 : w[i]);
                    }
                    v = weighted_quantile(vw, 0.5);
                }
                t.leaf_value[l] = p.learning_rate * v;
            }
            // ---- scores ----
            // in-bag rows by leaf (disjoint row sets: leaves in parallel)
            auto by_leaf = [&](std::size_t lb, std::size_t le) {
                for (std::size_t l = lb; l < le; ++l) {
                    const double v = t.leaf_value[l];
                    for (std::uint32_t j = gt.leaf_begin[l]; j < gt.leaf_end[l]; ++j) score[rows[j] * K + k] += v;
                }
            };
            for_chunks(tag, L, 1, by_leaf);
            if (p.subsample < 1.0) {
                for_chunks(tag, n, grain, [&](std::size_t b, std::size_t e) {
                    for (std::size_t i = b; i < e; ++i) {
                        if (in_bag[i]) continue;
                        const std::uint8_t* rb = d.row_bins() + i * F;
                        score[i * K + k] += t.leaf_value[static_cast<std::size_t>(gt.leaf_of_binned([&](std::size_t f) { return rb[f]; }))];
                    }
                });
            }
            for (std::size_t s = 0; s < ebins.size(); ++s) {
                const dataset& ed = ebins[s];
                double* es = escore[s].data();
                for_chunks(tag, ed.rows(), 8192, [&](std::size_t b, std::size_t e) {
                    for (std::size_t i = b; i < e; ++i) {
                        const std::uint8_t* rb = ed.row_bins() + i * F;
                        es[i * K + k] += t.leaf_value[static_cast<std::size_t>(gt.leaf_of_binned([&](std::size_t f) { return rb[f]; }))];
                    }
                });
            }
            trees.push_back(std::move(gt.t));
        }
        // ---- metrics, history, callback, early stopping ----
        const model shape({}, base, F, src.task, src.obj, static_cast<bool>(src.custom), -1, {});
        double train_metric = std::numeric_limits<double>::quiet_NaN();
        if (opt.record_train) {
            train_metric = compute_metric(tag, metric, src.task, K, score.data(), n, lab, shape);
            hist.train.push_back(train_metric);
        }
        for (std::size_t s = 0; s < ebins.size(); ++s) {
            eval_now[s] = compute_metric(tag, metric, src.task, K, escore[s].data(), ebins[s].rows(), elab[s], shape);
            hist.eval[s].push_back(eval_now[s]);
        }
        bool stop = false;
        if (p.early_stopping_rounds > 0) {
            const double v = eval_now[0];
            const bool better = round == 0 || (higher_is_better(metric) ? v > best_value : v < best_value);
            if (better) {
                best_value = v;
                best_round = round;
            } else if (round - best_round >= static_cast<std::size_t>(p.early_stopping_rounds)) {
                stop = true;
            }
        }
        if (opt.callback) {
            iteration_info info;
            info.round = round;
            info.train_metric = train_metric;
            info.eval_metrics = std::span<const double>(eval_now);
            info.metric = metric;
            if (!opt.callback(info)) stop = true;
        }
        if (stop) break;
    }
    if (p.early_stopping_rounds > 0) {
        trees.resize((best_round + 1) * K);
        best_iteration = static_cast<std::int64_t>(best_round + 1);
    }
    return model(std::move(trees), std::move(base), F, src.task, src.obj, static_cast<bool>(src.custom),
                 best_iteration, std::move(hist));
}

template <class Tag>
model train(const Tag& tag, bool reference, const dataset& d, const fit_labels& lab, std::size_t K,
            const grad_source& src, std::vector<double> base, const std::vector<double>& w, const params& p,
            const fit_options& opt) {
    return train_with(tag, cpu_backend_factory{threads_of(tag), reference}, d, lab, K, src, std::move(base), w,
                      p, opt);
}

}  // namespace detail
}  // namespace tessera::gbdt
