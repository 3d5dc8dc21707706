// tessera/eval/metrics.hpp — evaluation metrics with scikit-learn's definitions.
//
// Classification (accuracy; precision, recall, F-beta with binary / micro /
// macro / weighted / per-class averaging; confusion matrix; a classification
// report), ranking (binary ROC-AUC, one-vs-rest multiclass ROC-AUC, average
// precision), probabilistic (log loss) and regression (MSE, RMSE, MAE, R²)
// metrics, all with optional sample weights. Reference behaviour:
// scikit-learn ≥ 1.5 (sklearn/metrics/_classification.py, _ranking.py,
// _regression.py): F from counts, F = (1+β²)tp / ((1+β²)tp + β²fn + fp), with
// zero_division used only where a denominator is 0; averages skip NaN entries
// (sklearn's _nanaverage); log loss clips at the dtype's epsilon and rejects
// probability rows that do not sum to 1; R² with force_finite. Deviations from
// sklearn (empty input, negative weights, NaN/inf) are errors here and are
// listed in docs/eval.md.
//
// Class labels are int32 (tessera's class indices, but any values work);
// scores and targets are float or double; every result is a double computed in
// double. The ranking, log-loss, accuracy and regression metrics take an
// execution policy first; their par path is bitwise identical for any thread
// count (and to seq below one grain).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/eval/detail/metrics_impl.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::eval {

// ===================================================================================
// Options and result types
// ===================================================================================

// sklearn's `average`: binary = the pos_label class only; micro = pooled counts;
// macro = plain mean over labels; weighted = mean weighted by (weighted) support;
// none = per class (only through precision_recall_fscore_support).
enum class averaging { binary, micro, macro, weighted, none };

struct prf_options {
    averaging average = averaging::binary;
    std::int32_t pos_label = 1;            // only for averaging::binary
    std::vector<std::int32_t> labels = {}; // empty: sorted union of y_true and y_pred
    double zero_division = 0.0;            // 0, 1 or NaN: the value of x/0
    double beta = 1.0;                     // used by fbeta-style calls; f1_score forces 1
};

struct prf_scores {
    double precision;
    double recall;
    double fscore;
};

// Per-class results, in the order of `labels`; support = (weighted) true count.
struct per_class_scores {
    std::vector<std::int32_t> labels;
    std::vector<double> precision;
    std::vector<double> recall;
    std::vector<double> fscore;
    std::vector<double> support;
};

struct classification_summary {
    per_class_scores per_class;
    double accuracy;       // over all samples, as accuracy_score
    prf_scores micro_avg;  // equals accuracy when labels cover every class seen
    prf_scores macro_avg;
    prf_scores weighted_avg;
    double total_support;  // sum of per-class support

    // sklearn-style text table.
    std::string to_string(int digits = 2) const;
};

// sklearn's `normalize`: over_true = rows sum to 1 ("true"), over_pred = columns
// ("pred"), all = whole matrix. A zero row/column/total gives zeros.
enum class normalize_mode { none, over_true, over_pred, all };

struct confusion_options {
    std::vector<std::int32_t> labels = {};  // empty: sorted union; else this order
    normalize_mode normalize = normalize_mode::none;
};

// counts(i, j) = (weighted) number of samples of true class labels[i]
// predicted as labels[j].
struct confusion {
    std::vector<std::int32_t> labels;
    xt::xtensor<double, 2> counts;
};

struct binary_score_options {
    std::int32_t pos_label = 1;  // samples with y_true == pos_label are positive
};

struct ovr_options {
    averaging average = averaging::macro;   // macro or weighted
    std::vector<std::int32_t> labels = {};  // sorted, one per column; empty: from y_true
};

struct log_loss_options {
    std::vector<std::int32_t> labels = {};  // classes of the columns (sorted); empty: from y_true
    bool normalize = true;                  // false: weighted sum instead of mean
};

// ===================================================================================
// Implementation
// ===================================================================================

namespace detail {

template <class P, class F>
auto with_backend(const P& policy, F&& f) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return f(exec::serial_tag<false>{});
    } else {
        return f(exec::select_backend(policy));
    }
}

// seq: one pass; par: exec::parallel_reduce over fixed chunks. Both call the
// same map, so inputs of one chunk give bitwise-identical results.
template <class Tag, class R, class Map, class Combine>
R reduce_rows(const Tag& tag, std::size_t n, R init, Map&& map, Combine&& combine) {
    if constexpr (is_pool_tag<Tag>) {
        return exec::parallel_reduce(tag, n, std::move(init), map, combine);
    } else {
        (void)tag;
        return combine(std::move(init), map(exec::chunk{0, n, 0}));
    }
}

// Four running sums plus the first row that failed validation.
struct sums4 {
    double a = 0, b = 0, c = 0, d = 0;
    std::size_t bad = npos;
};
inline sums4 add(sums4 x, const sums4& y) {
    x.a += y.a;
    x.b += y.b;
    x.c += y.c;
    x.d += y.d;
    if (x.bad == npos) x.bad = y.bad;
    return x;
}

inline bool weight_ok(const weight_view& w, std::size_t i) {
    const double v = w[i];
    return std::isfinite(v) && v >= 0;
}

inline void check_pair(std::string_view where, std::size_t n_true, std::size_t n_pred,
                       const weight_view& w) {
    check_nonempty(where, n_true);
    check_same_size(where, "y_pred", n_true, n_pred);
    if (w.present()) check_same_size(where, "sample_weight", n_true, w.size());
}

// ---- accuracy -----------------------------------------------------------------

// a = sum of w over correct rows, b = sum of w.
TESSERA_EVAL_ONE_COPY inline sums4 accuracy_chunk(const std::int32_t* y_true,
                                                  const std::int32_t* y_pred, const weight_view& w,
                                                  std::size_t begin, std::size_t end) {
    sums4 r;
    for (std::size_t i = begin; i < end; ++i) {
        if (!weight_ok(w, i)) {
            r.bad = i;
            break;
        }
        const double wi = w[i];
        r.a += y_true[i] == y_pred[i] ? wi : 0.0;
        r.b += wi;
    }
    return r;
}

template <class Tag>
double accuracy(const Tag& tag, std::span<const std::int32_t> y_true,
                std::span<const std::int32_t> y_pred, const weight_view& w) {
    constexpr std::string_view where = "accuracy_score";
    check_pair(where, y_true.size(), y_pred.size(), w);
    const sums4 s = reduce_rows(
        tag, y_true.size(), sums4{},
        [&](exec::chunk c) { return accuracy_chunk(y_true.data(), y_pred.data(), w, c.begin, c.end); },
        add);
    if (s.bad != npos) check_weights(where, w, y_true.size());
    if (s.b == 0.0) throw zero_weight_sum(where);
    return s.a / s.b;
}

// ---- precision / recall / F ---------------------------------------------------

inline double safe_div(double num, double den, double zero_division) {
    return den == 0.0 ? zero_division : num / den;
}

inline prf_scores prf_from_counts(double tp, double pred, double truth, double beta, double z) {
    const double p = safe_div(tp, pred, z);
    const double r = safe_div(tp, truth, z);
    double f;
    if (std::isinf(beta)) {
        f = r;
    } else if (beta == 0.0) {
        f = p;
    } else {
        const double b2 = beta * beta;
        f = safe_div((1 + b2) * tp, b2 * truth + pred, z);
    }
    return {p, r, f};
}

// sklearn's _nanaverage: NaN entries are skipped; all NaN (or none) gives NaN;
// weights that sum to zero over the kept entries fall back to the plain mean.
inline double nan_average(const std::vector<double>& a, const std::vector<double>* weights) {
    double s = 0, sw = 0, plain = 0;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(a[i])) continue;
        ++kept;
        plain += a[i];
        if (weights) {
            s += a[i] * (*weights)[i];
            sw += (*weights)[i];
        }
    }
    if (kept == 0) return std::numeric_limits<double>::quiet_NaN();
    if (weights && sw != 0.0) return s / sw;
    return plain / static_cast<double>(kept);
}

inline void check_prf_options(std::string_view where, const prf_options& o) {
    check_zero_division(where, o.zero_division);
    if (!(o.beta >= 0.0))
        throw errors::out_of_range(where, "beta", o.beta, "[0, inf]");
}

// The labels the per-class counts are taken over; for averaging::binary also
// sklearn's checks (at most two classes, pos_label one of them).
inline std::vector<std::int32_t> resolve_labels(std::string_view where,
                                                std::span<const std::int32_t> y_true,
                                                std::span<const std::int32_t> y_pred,
                                                const prf_options& o) {
    if (o.average == averaging::binary) {
        const auto present = sorted_union(y_true, y_pred);
        if (present.size() > 2)
            throw data_error(concat(where, ": target is multiclass (", present.size(),
                                    " classes: ", list_labels(present),
                                    ") but average is binary; use averaging::micro, macro, "
                                    "weighted or none"));
        if (present.size() == 2 && present[0] != o.pos_label && present[1] != o.pos_label)
            throw config_error(concat(where, ": pos_label = ", o.pos_label,
                                      " is not a valid label; it should be one of ",
                                      list_labels(present)),
                               "pos_label");
        return {o.pos_label};
    }
    if (!o.labels.empty()) return o.labels;
    return sorted_union(y_true, y_pred);
}

struct label_counts {
    std::vector<double> tp, pred, truth;
};

inline label_counts count_labels(std::string_view where, std::span<const std::int32_t> y_true,
                                 std::span<const std::int32_t> y_pred,
                                 std::span<const std::int32_t> labels, const weight_view& w) {
    const label_index index(where, labels);
    label_counts c{std::vector<double>(labels.size()), std::vector<double>(labels.size()),
                   std::vector<double>(labels.size())};
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const double wi = w[i];
        const std::size_t a = index(y_true[i]);
        const std::size_t b = index(y_pred[i]);
        if (a != npos) {
            c.truth[a] += wi;
            if (y_true[i] == y_pred[i]) c.tp[a] += wi;
        }
        if (b != npos) c.pred[b] += wi;
    }
    return c;
}

inline per_class_scores per_class(std::string_view where, std::span<const std::int32_t> y_true,
                                  std::span<const std::int32_t> y_pred,
                                  std::vector<std::int32_t> labels, const prf_options& o,
                                  const weight_view& w) {
    const label_counts c = count_labels(where, y_true, y_pred, labels, w);
    per_class_scores r;
    r.labels = std::move(labels);
    for (std::size_t k = 0; k < r.labels.size(); ++k) {
        const prf_scores s = prf_from_counts(c.tp[k], c.pred[k], c.truth[k], o.beta,
                                             o.zero_division);
        r.precision.push_back(s.precision);
        r.recall.push_back(s.recall);
        r.fscore.push_back(s.fscore);
        r.support.push_back(c.truth[k]);
    }
    return r;
}

inline void check_labels_input(std::string_view where, std::span<const std::int32_t> y_true,
                               std::span<const std::int32_t> y_pred, const weight_view& w) {
    check_pair(where, y_true.size(), y_pred.size(), w);
    check_weights(where, w, y_true.size());
}

inline prf_scores prf_averaged(std::string_view where, std::span<const std::int32_t> y_true,
                               std::span<const std::int32_t> y_pred, const prf_options& o,
                               const weight_view& w) {
    check_labels_input(where, y_true, y_pred, w);
    check_prf_options(where, o);
    if (o.average == averaging::none)
        throw config_error(concat(where, ": average = none gives one value per class; call "
                                         "precision_recall_fscore_support instead"),
                           "average");
    auto labels = resolve_labels(where, y_true, y_pred, o);
    if (o.average == averaging::micro) {
        const label_counts c = count_labels(where, y_true, y_pred, labels, w);
        double tp = 0, pred = 0, truth = 0;
        for (std::size_t k = 0; k < labels.size(); ++k) {
            tp += c.tp[k];
            pred += c.pred[k];
            truth += c.truth[k];
        }
        return prf_from_counts(tp, pred, truth, o.beta, o.zero_division);
    }
    const per_class_scores pc = per_class(where, y_true, y_pred, std::move(labels), o, w);
    if (o.average == averaging::binary) return {pc.precision[0], pc.recall[0], pc.fscore[0]};
    const std::vector<double>* weights = o.average == averaging::weighted ? &pc.support : nullptr;
    return {nan_average(pc.precision, weights), nan_average(pc.recall, weights),
            nan_average(pc.fscore, weights)};
}

// ---- confusion matrix -----------------------------------------------------------

inline confusion confusion_matrix(std::span<const std::int32_t> y_true,
                                  std::span<const std::int32_t> y_pred,
                                  const confusion_options& o, const weight_view& w) {
    constexpr std::string_view where = "confusion_matrix";
    check_labels_input(where, y_true, y_pred, w);
    confusion cm;
    if (o.labels.empty()) {
        cm.labels = sorted_union(y_true, y_pred);
    } else {
        cm.labels = o.labels;
        const label_index given(where, cm.labels);
        bool any = false;
        for (const auto v : y_true) {
            if (given(v) != npos) {
                any = true;
                break;
            }
        }
        if (!any)
            throw data_error(concat(where, ": none of the given labels (",
                                    list_labels(cm.labels), ") occurs in y_true"));
    }
    const std::size_t k = cm.labels.size();
    const label_index index(where, cm.labels);
    cm.counts = xt::zeros<double>({k, k});
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        const std::size_t a = index(y_true[i]);
        const std::size_t b = index(y_pred[i]);
        if (a != npos && b != npos) cm.counts(a, b) += w[i];
    }
    auto scale = [](double x, double total) { return total == 0.0 ? 0.0 : x / total; };
    switch (o.normalize) {
        case normalize_mode::none:
            break;
        case normalize_mode::over_true:
            for (std::size_t i = 0; i < k; ++i) {
                double t = 0;
                for (std::size_t j = 0; j < k; ++j) t += cm.counts(i, j);
                for (std::size_t j = 0; j < k; ++j) cm.counts(i, j) = scale(cm.counts(i, j), t);
            }
            break;
        case normalize_mode::over_pred:
            for (std::size_t j = 0; j < k; ++j) {
                double t = 0;
                for (std::size_t i = 0; i < k; ++i) t += cm.counts(i, j);
                for (std::size_t i = 0; i < k; ++i) cm.counts(i, j) = scale(cm.counts(i, j), t);
            }
            break;
        case normalize_mode::all: {
            double t = 0;
            for (std::size_t i = 0; i < k * k; ++i) t += cm.counts.data()[i];
            for (std::size_t i = 0; i < k * k; ++i)
                cm.counts.data()[i] = scale(cm.counts.data()[i], t);
            break;
        }
    }
    return cm;
}

// ---- ranking --------------------------------------------------------------------

// Checks shared by roc_auc and average_precision: y_true holds at most two
// classes, and pos_label is one of them when there are two.
inline std::vector<std::int32_t> binary_classes(std::string_view where,
                                                std::span<const std::int32_t> y_true,
                                                std::int32_t pos_label, const char* multiclass_hint) {
    std::vector<std::int32_t> seen;
    for (const auto v : y_true) {
        if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
        seen.push_back(v);
        if (seen.size() > 2) break;
    }
    std::sort(seen.begin(), seen.end());
    if (seen.size() > 2)
        throw data_error(concat(where, ": y_true holds more than two classes (",
                                list_labels(seen), ", ...); ", multiclass_hint));
    if (seen.size() == 2 && seen[0] != pos_label && seen[1] != pos_label)
        throw config_error(concat(where, ": pos_label = ", pos_label,
                                  " is not a valid label; it should be one of ",
                                  list_labels(seen)),
                           "pos_label");
    return seen;
}

template <class Tag, class T>
std::vector<score_group> ranked_groups(const Tag& tag, std::span<const T> score,
                                       std::span<const std::int32_t> y_true,
                                       std::int32_t pos_label, const weight_view& w) {
    const auto sorted = sort_by_score(tag, score);
    return group_by_score(
        sorted, [&](std::size_t i) { return y_true[i] == pos_label; }, w);
}

template <class T>
void check_ranking_input(std::string_view where, std::span<const std::int32_t> y_true,
                         std::span<const T> score, const weight_view& w) {
    check_nonempty(where, y_true.size());
    check_same_size(where, "y_score", y_true.size(), score.size());
    check_finite(where, "y_score", score);
    check_weights(where, w, y_true.size());
}

inline double auc_ratio(std::string_view where, const std::vector<score_group>& groups,
                        std::string_view context) {
    double pos = 0, neg = 0;
    const double num = auc_from_groups(groups, pos, neg);
    if (pos == 0.0 || neg == 0.0)
        throw data_error(concat(where, ": ", context, "the ", pos == 0.0 ? "positive" : "negative",
                                " class has zero total sample weight; ROC AUC is not defined"));
    return num / (pos * neg);
}

template <class Tag, class T>
double roc_auc(const Tag& tag, std::span<const std::int32_t> y_true, std::span<const T> score,
               const binary_score_options& o, const weight_view& w) {
    constexpr std::string_view where = "roc_auc_score";
    check_ranking_input(where, y_true, score, w);
    const auto classes =
        binary_classes(where, y_true, o.pos_label,
                       "for multiclass use roc_auc_ovr_score with a probability matrix");
    if (classes.size() < 2 || (classes[0] != o.pos_label && classes[1] != o.pos_label))
        throw data_error(concat(where, ": only one class (", classes[0],
                                ") present in y_true; ROC AUC is not defined in that case"));
    return auc_ratio(where, ranked_groups(tag, score, y_true, o.pos_label, w), "");
}

template <class Tag, class T>
double average_precision(const Tag& tag, std::span<const std::int32_t> y_true,
                         std::span<const T> score, const binary_score_options& o,
                         const weight_view& w) {
    constexpr std::string_view where = "average_precision_score";
    check_ranking_input(where, y_true, score, w);
    binary_classes(where, y_true, o.pos_label, "average precision here is binary only");
    return average_precision_from_groups(ranked_groups(tag, score, y_true, o.pos_label, w));
}

// allclose(1, s) as numpy: |1 - s| <= 1e-8 + 1e-5 |s|.
inline bool sums_to_one_loose(double s) { return std::abs(1.0 - s) <= 1e-8 + 1e-5 * std::abs(s); }

// The classes of the K columns: `given` (must be unique and sorted), else the
// sorted distinct values of y_true; every y_true must be one of them.
inline std::vector<std::int32_t> column_classes(std::string_view where,
                                                std::span<const std::int32_t> y_true,
                                                const std::vector<std::int32_t>& given,
                                                std::size_t k, std::string_view proba_name) {
    std::vector<std::int32_t> classes;
    if (!given.empty()) {
        for (std::size_t i = 1; i < given.size(); ++i)
            if (!(given[i - 1] < given[i]))
                throw config_error(concat(where, ": parameter 'labels' must be sorted ascending "
                                                 "and unique (found ",
                                          given[i - 1], " before ", given[i], ")"),
                                   "labels");
        if (given.size() != k)
            throw config_error(concat(where, ": ", given.size(), " labels given but ",
                                      proba_name, " has ", k, " columns"),
                               "labels");
        classes = given;
        for (std::size_t i = 0; i < y_true.size(); ++i)
            if (!std::binary_search(classes.begin(), classes.end(), y_true[i]))
                throw data_error(concat(where, ": y_true[", i, "] = ", y_true[i],
                                        " is not one of the given labels (",
                                        list_labels(classes), ")"),
                                 "y_true", i);
    } else {
        classes = sorted_union(y_true);
        if (classes.size() != k)
            throw data_error(concat(where, ": y_true holds ", classes.size(), " classes (",
                                    list_labels(classes), ") but ", proba_name, " has ", k,
                                    " columns; pass the column classes in options.labels"),
                             "y_true");
    }
    return classes;
}

template <class Tag, class T>
double roc_auc_ovr(const Tag& tag, std::span<const std::int32_t> y_true, std::span<const T> proba,
                   std::size_t k, const ovr_options& o, const weight_view& w) {
    constexpr std::string_view where = "roc_auc_ovr_score";
    const std::size_t n = y_true.size();
    check_nonempty(where, n);
    if (k < 2) throw errors::out_of_range(where, "n_classes", k, ">= 2");
    check_same_size(where, "y_score (n_samples x n_classes)", n * k, proba.size());
    check_finite(where, "y_score", proba);
    check_weights(where, w, n);
    if (o.average != averaging::macro && o.average != averaging::weighted)
        throw config_error(concat(where, ": average must be macro or weighted"), "average");
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < k; ++j) s += proba[i * k + j];
        if (!sums_to_one_loose(s))
            throw data_error(concat(where, ": y_score row ", i, " sums to ", s,
                                    "; multiclass ROC AUC needs probabilities that sum to 1"),
                             "y_score", i);
    }
    const auto classes = column_classes(where, y_true, o.labels, k, "y_score");
    std::vector<T> col(n);
    std::vector<double> auc(k), support(k);
    for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t i = 0; i < n; ++i) col[i] = proba[i * k + c];
        const auto groups = ranked_groups(tag, std::span<const T>(col), y_true, classes[c], w);
        for (const auto& g : groups) support[c] += g.pos;
        auc[c] = auc_ratio(where, groups, concat("class ", classes[c], " vs rest: "));
    }
    return nan_average(auc, o.average == averaging::weighted ? &support : nullptr);
}

// ---- log loss ------------------------------------------------------------------

// a = sum w (-ln p_true), b = sum w; p clipped to [eps, 1 - eps] of T.
template <class T>
TESSERA_EVAL_ONE_COPY sums4 log_loss_chunk(const std::int32_t* y_true, const T* proba,
                                           std::size_t k, const label_index& index,
                                           const weight_view& w, double tol, std::size_t begin,
                                           std::size_t end) {
    const T eps = std::numeric_limits<T>::epsilon();
    sums4 r;
    for (std::size_t i = begin; i < end; ++i) {
        const std::size_t cls = index(y_true[i]);
        T p;
        bool ok = cls != npos && weight_ok(w, i);
        if (k == 0) {
            const T v = proba[i];
            ok = ok && v >= T(0) && v <= T(1);
            p = cls == 1 ? v : T(1) - v;
        } else {
            double sum = 0;
            for (std::size_t j = 0; j < k; ++j) {
                const T v = proba[i * k + j];
                ok = ok && v >= T(0) && v <= T(1);
                sum += static_cast<double>(v);
            }
            ok = ok && std::abs(sum - 1.0) <= tol;
            p = ok ? proba[i * k + cls] : T(1);
        }
        if (!ok) {
            r.bad = i;
            break;
        }
        p = std::min(std::max(p, eps), T(1) - eps);
        const double wi = w[i];
        r.a += wi * -std::log(static_cast<double>(p));
        r.b += wi;
    }
    return r;
}

// k == 0: 1-D probabilities of the larger of the two classes.
template <class Tag, class T>
double log_loss(const Tag& tag, std::span<const std::int32_t> y_true, std::span<const T> proba,
                std::size_t k, const log_loss_options& o, const weight_view& w) {
    constexpr std::string_view where = "log_loss";
    const std::size_t n = y_true.size();
    check_nonempty(where, n);
    if (k == 0)
        check_same_size(where, "y_proba", n, proba.size());
    else
        check_same_size(where, "y_proba (n_samples x n_classes)", n * k, proba.size());
    if (w.present()) check_same_size(where, "sample_weight", n, w.size());

    // sklearn's LabelBinarizer: the column classes are the sorted distinct labels.
    const std::vector<std::int32_t> classes = sorted_union(o.labels.empty() ? y_true : std::span<const std::int32_t>(o.labels));
    if (classes.size() == 1)
        throw data_error(concat(where, ": y_true contains only one label (", classes[0],
                                "); pass every class label in options.labels"),
                         "y_true");
    const std::size_t cols = k == 0 ? 2 : k;
    if (classes.size() != cols)
        throw data_error(concat(where, ": there are ", classes.size(), " classes (",
                                list_labels(classes), ") but y_proba has ", cols,
                                k == 0 ? " columns (1-D y_proba is binary)" : " columns"),
                         "y_proba");
    const label_index index(where, classes);
    const T eps = std::numeric_limits<T>::epsilon();
    const double tol = 1e-8 + std::sqrt(static_cast<double>(eps));

    // Validation of row i, in the order the messages are reported.
    auto row_error = [&](std::size_t i) -> std::string {
        if (index(y_true[i]) == npos)
            return concat(where, ": y_true[", i, "] = ", y_true[i],
                          " is not one of the labels (", list_labels(classes), ")");
        const std::size_t width = k == 0 ? 1 : k;
        double s = 0;
        for (std::size_t j = 0; j < width; ++j) {
            const T v = proba[i * width + j];
            if (!std::isfinite(v))
                return concat(where, ": non-finite value in column 'y_proba' at row ", i);
            if (v < T(0) || v > T(1))
                return concat(where, ": y_proba at row ", i, " holds ", v,
                              ", outside [0, 1]");
            s += static_cast<double>(v);
        }
        if (k != 0 && !(std::abs(s - 1.0) <= tol))
            return concat(where, ": y_proba row ", i, " sums to ", s,
                          ", not 1 (tolerance ", tol, "); pass probabilities");
        if (!weight_ok(w, i)) return concat(where, ": invalid sample_weight at row ", i, " (", w[i], "); weights must be finite and >= 0");
        return {};
    };
    const sums4 s = reduce_rows(
        tag, n, sums4{},
        [&](exec::chunk c) {
            return log_loss_chunk(y_true.data(), proba.data(), k, index, w, tol, c.begin, c.end);
        },
        add);
    if (s.bad != npos) {
        const std::size_t i = s.bad;
        throw data_error(row_error(i), "y_proba", i);
    }
    if (!o.normalize) return s.a;
    if (s.b == 0.0) throw zero_weight_sum(where);
    return s.a / s.b;
}

// ---- regression ----------------------------------------------------------------

struct regression_sums {
    double sw, mse, mae, r2;
};

// a = sum w, b = sum w y, c = sum w e², d = sum w |e|, e = y - p.
template <class A, class B>
TESSERA_EVAL_ONE_COPY sums4 regression_chunk(const A* y_true, const B* y_pred,
                                             const weight_view& w, std::size_t begin,
                                             std::size_t end) {
    sums4 r;
    for (std::size_t i = begin; i < end; ++i) {
        if (!(std::isfinite(y_true[i]) && std::isfinite(y_pred[i]) && weight_ok(w, i))) {
            r.bad = i;
            break;
        }
        const double wi = w[i];
        const double y = static_cast<double>(y_true[i]);
        const double e = y - static_cast<double>(y_pred[i]);
        r.a += wi;
        r.b += wi * y;
        r.c += wi * e * e;
        r.d += wi * std::abs(e);
    }
    return r;
}

// a = sum w (y - mean)²
template <class A>
TESSERA_EVAL_ONE_COPY sums4 ss_tot_chunk(const A* y_true, double mean, const weight_view& w,
                                         std::size_t begin, std::size_t end) {
    sums4 r;
    for (std::size_t i = begin; i < end; ++i) {
        const double d = static_cast<double>(y_true[i]) - mean;
        r.a += w[i] * d * d;
    }
    return r;
}

template <class Tag, class A, class B>
regression_sums regression(const Tag& tag, std::string_view where, std::span<const A> y_true,
                           std::span<const B> y_pred, const weight_view& w, bool want_r2) {
    const std::size_t n = y_true.size();
    check_pair(where, n, y_pred.size(), w);
    // a = sum w, b = sum w y, c = sum w e^2, d = sum w |e|
    const sums4 s = reduce_rows(
        tag, n, sums4{},
        [&](exec::chunk ch) {
            return regression_chunk(y_true.data(), y_pred.data(), w, ch.begin, ch.end);
        },
        add);
    if (s.bad != npos) {
        const std::size_t i = s.bad;
        if (!std::isfinite(y_true[i])) throw errors::non_finite(where, "y_true", i);
        if (!std::isfinite(y_pred[i])) throw errors::non_finite(where, "y_pred", i);
        check_weights(where, w, n);
    }
    if (s.a == 0.0) throw zero_weight_sum(where);
    regression_sums out{s.a, s.c / s.a, s.d / s.a, std::numeric_limits<double>::quiet_NaN()};
    if (want_r2 && n >= 2) {
        const double mean = s.b / s.a;
        const sums4 t = reduce_rows(
            tag, n, sums4{},
            [&](exec::chunk ch) { return ss_tot_chunk(y_true.data(), mean, w, ch.begin, ch.end); },
            add);
        const double num = s.c, den = t.a;
        if (den == 0.0)
            out.r2 = num == 0.0 ? 1.0 : 0.0;  // sklearn's force_finite
        else
            out.r2 = 1.0 - num / den;
    }
    return out;
}

}  // namespace detail

// ===================================================================================
// Public API. Weights come last; `{}` (the default) means unweighted.
// ===================================================================================

// ---- accuracy -------------------------------------------------------------------

// Weighted fraction of samples with y_pred == y_true.
template <exec::execution_policy P, label_input A, label_input B>
double accuracy_score(const P& policy, const A& y_true, const B& y_pred, weight_view w = {}) {
    return detail::with_backend(policy, [&](const auto& tag) {
        return detail::accuracy(tag, detail::to_span(y_true), detail::to_span(y_pred), w);
    });
}
template <label_input A, label_input B>
double accuracy_score(const A& y_true, const B& y_pred, weight_view w = {}) {
    return accuracy_score(exec::par, y_true, y_pred, w);
}

// ---- precision / recall / F ------------------------------------------------------

// Averaged precision, recall and F-beta (beta = o.beta) in one pass.
template <label_input A, label_input B>
prf_scores precision_recall_fscore(const A& y_true, const B& y_pred, const prf_options& o = {},
                                   weight_view w = {}) {
    return detail::prf_averaged("precision_recall_fscore", detail::to_span(y_true),
                                detail::to_span(y_pred), o, w);
}

// tp / (tp + fp)
template <label_input A, label_input B>
double precision_score(const A& y_true, const B& y_pred, const prf_options& o = {},
                       weight_view w = {}) {
    return detail::prf_averaged("precision_score", detail::to_span(y_true),
                                detail::to_span(y_pred), o, w)
        .precision;
}

// tp / (tp + fn)
template <label_input A, label_input B>
double recall_score(const A& y_true, const B& y_pred, const prf_options& o = {},
                    weight_view w = {}) {
    return detail::prf_averaged("recall_score", detail::to_span(y_true), detail::to_span(y_pred),
                                o, w)
        .recall;
}

// (1 + beta²) tp / ((1 + beta²) tp + beta² fn + fp); beta = 0 → precision, inf → recall.
template <label_input A, label_input B>
double fbeta_score(const A& y_true, const B& y_pred, double beta, prf_options o = {},
                   weight_view w = {}) {
    o.beta = beta;
    return detail::prf_averaged("fbeta_score", detail::to_span(y_true), detail::to_span(y_pred),
                                o, w)
        .fscore;
}

// 2 tp / (2 tp + fn + fp); ignores o.beta.
template <label_input A, label_input B>
double f1_score(const A& y_true, const B& y_pred, prf_options o = {}, weight_view w = {}) {
    o.beta = 1.0;
    return detail::prf_averaged("f1_score", detail::to_span(y_true), detail::to_span(y_pred), o,
                                w)
        .fscore;
}

// One value per class (sklearn's average=None), over o.labels or the sorted
// union of y_true and y_pred; o.average and o.pos_label are not used.
template <label_input A, label_input B>
per_class_scores precision_recall_fscore_support(const A& y_true, const B& y_pred,
                                                 const prf_options& o = {}, weight_view w = {}) {
    constexpr std::string_view where = "precision_recall_fscore_support";
    const auto t = detail::to_span(y_true);
    const auto p = detail::to_span(y_pred);
    detail::check_labels_input(where, t, p, w);
    detail::check_prf_options(where, o);
    auto labels = o.labels.empty() ? detail::sorted_union(t, p) : o.labels;
    return detail::per_class(where, t, p, std::move(labels), o, w);
}

// Per-class table plus accuracy and micro / macro / weighted averages
// (F1; o.labels and o.zero_division are used, the rest ignored).
template <label_input A, label_input B>
classification_summary classification_report(const A& y_true, const B& y_pred,
                                              prf_options o = {}, weight_view w = {}) {
    o.beta = 1.0;
    classification_summary r;
    r.per_class = precision_recall_fscore_support(y_true, y_pred, o, w);
    r.accuracy = accuracy_score(exec::seq, y_true, y_pred, w);
    o.labels = r.per_class.labels;
    o.average = averaging::micro;
    r.micro_avg = precision_recall_fscore(y_true, y_pred, o, w);
    o.average = averaging::macro;
    r.macro_avg = precision_recall_fscore(y_true, y_pred, o, w);
    o.average = averaging::weighted;
    r.weighted_avg = precision_recall_fscore(y_true, y_pred, o, w);
    r.total_support = 0;
    for (const double s : r.per_class.support) r.total_support += s;
    return r;
}

inline std::string classification_summary::to_string(int digits) const {
    const int d = digits < 0 ? 0 : (digits > 10 ? 10 : digits);
    std::string out;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%12s %10s %10s %10s %10s\n", "", "precision", "recall",
                  "f1-score", "support");
    out += buf;
    auto row = [&](const std::string& name, double p, double r, double f, double s) {
        std::snprintf(buf, sizeof buf, "%12s %10.*f %10.*f %10.*f %10.6g\n", name.c_str(), d, p,
                      d, r, d, f, s);
        out += buf;
    };
    for (std::size_t k = 0; k < per_class.labels.size(); ++k)
        row(std::to_string(per_class.labels[k]), per_class.precision[k], per_class.recall[k],
            per_class.fscore[k], per_class.support[k]);
    out += "\n";
    std::snprintf(buf, sizeof buf, "%12s %10s %10s %10.*f %10.6g\n", "accuracy", "", "", d,
                  accuracy, total_support);
    out += buf;
    row("micro avg", micro_avg.precision, micro_avg.recall, micro_avg.fscore, total_support);
    row("macro avg", macro_avg.precision, macro_avg.recall, macro_avg.fscore, total_support);
    row("weighted avg", weighted_avg.precision, weighted_avg.recall, weighted_avg.fscore,
        total_support);
    return out;
}

// ---- confusion matrix ----------------------------------------------------------------

template <label_input A, label_input B>
confusion confusion_matrix(const A& y_true, const B& y_pred, const confusion_options& o = {},
                           weight_view w = {}) {
    return detail::confusion_matrix(detail::to_span(y_true), detail::to_span(y_pred), o, w);
}

// ---- ranking ---------------------------------------------------------------------

// Area under the ROC curve; ties count 1/2 (= Mann–Whitney U / (n_pos n_neg),
// weighted by the product of the pair's weights).
template <exec::execution_policy P, label_input A, value_input S>
double roc_auc_score(const P& policy, const A& y_true, const S& y_score,
                     const binary_score_options& o = {}, weight_view w = {}) {
    return detail::with_backend(policy, [&](const auto& tag) {
        return detail::roc_auc(tag, detail::to_span(y_true), detail::to_span(y_score), o, w);
    });
}
template <label_input A, value_input S>
double roc_auc_score(const A& y_true, const S& y_score, const binary_score_options& o = {},
                     weight_view w = {}) {
    return roc_auc_score(exec::par, y_true, y_score, o, w);
}

// One-vs-rest multiclass ROC AUC from an n x K probability matrix (row-major),
// macro or support-weighted average of the K binary AUCs.
template <exec::execution_policy P, label_input A, class T>
double roc_auc_ovr_score(const P& policy, const A& y_true, std::span<const T> proba,
                         std::size_t n_classes, const ovr_options& o = {}, weight_view w = {}) {
    return detail::with_backend(policy, [&](const auto& tag) {
        return detail::roc_auc_ovr(tag, detail::to_span(y_true), proba, n_classes, o, w);
    });
}
template <exec::execution_policy P, label_input A, class T>
double roc_auc_ovr_score(const P& policy, const A& y_true, const xt::xtensor<T, 2>& proba,
                         const ovr_options& o = {}, weight_view w = {}) {
    return roc_auc_ovr_score(policy, y_true, std::span<const T>(proba.data(), proba.size()),
                             proba.shape()[1], o, w);
}
template <label_input A, class T>
double roc_auc_ovr_score(const A& y_true, const xt::xtensor<T, 2>& proba,
                         const ovr_options& o = {}, weight_view w = {}) {
    return roc_auc_ovr_score(exec::par, y_true, proba, o, w);
}
template <label_input A, class T>
double roc_auc_ovr_score(const A& y_true, std::span<const T> proba, std::size_t n_classes,
                         const ovr_options& o = {}, weight_view w = {}) {
    return roc_auc_ovr_score(exec::par, y_true, proba, n_classes, o, w);
}

// sklearn's step sum over distinct thresholds: sum (R_k - R_{k-1}) P_k, no
// interpolation. No positive sample (or zero positive weight) → 0.0.
template <exec::execution_policy P, label_input A, value_input S>
double average_precision_score(const P& policy, const A& y_true, const S& y_score,
                               const binary_score_options& o = {}, weight_view w = {}) {
    return detail::with_backend(policy, [&](const auto& tag) {
        return detail::average_precision(tag, detail::to_span(y_true), detail::to_span(y_score),
                                         o, w);
    });
}
template <label_input A, value_input S>
double average_precision_score(const A& y_true, const S& y_score,
                               const binary_score_options& o = {}, weight_view w = {}) {
    return average_precision_score(exec::par, y_true, y_score, o, w);
}

// ---- log loss --------------------------------------------------------------------

// Binary: y_proba[i] = probability of the larger of the two classes.
template <exec::execution_policy P, label_input A, value_input S>
double log_loss(const P& policy, const A& y_true, const S& y_proba,
                const log_loss_options& o = {}, weight_view w = {}) {
    return detail::with_backend(policy, [&](const auto& tag) {
        return detail::log_loss(tag, detail::to_span(y_true), detail::to_span(y_proba), 0, o, w);
    });
}
// Multiclass: n x K probabilities, column j = j-th smallest class.
template <exec::execution_policy P, label_input A, class T>
double log_loss(const P& policy, const A& y_true, std::span<const T> y_proba,
                std::size_t n_classes, const log_loss_options& o = {}, weight_view w = {}) {
    if (n_classes == 0) throw errors::out_of_range("log_loss", "n_classes", 0, ">= 2");
    return detail::with_backend(policy, [&](const auto& tag) {
        return detail::log_loss(tag, detail::to_span(y_true), y_proba, n_classes, o, w);
    });
}
template <exec::execution_policy P, label_input A, class T>
double log_loss(const P& policy, const A& y_true, const xt::xtensor<T, 2>& y_proba,
                const log_loss_options& o = {}, weight_view w = {}) {
    return log_loss(policy, y_true, std::span<const T>(y_proba.data(), y_proba.size()),
                    y_proba.shape()[1], o, w);
}
template <label_input A, value_input S>
double log_loss(const A& y_true, const S& y_proba, const log_loss_options& o = {},
                weight_view w = {}) {
    return log_loss(exec::par, y_true, y_proba, o, w);
}
template <label_input A, class T>
double log_loss(const A& y_true, std::span<const T> y_proba, std::size_t n_classes,
                const log_loss_options& o = {}, weight_view w = {}) {
    return log_loss(exec::par, y_true, y_proba, n_classes, o, w);
}
template <label_input A, class T>
double log_loss(const A& y_true, const xt::xtensor<T, 2>& y_proba, const log_loss_options& o = {},
                weight_view w = {}) {
    return log_loss(exec::par, y_true, y_proba, o, w);
}

// ---- regression ------------------------------------------------------------------

#define TESSERA_EVAL_REGRESSION_METRIC(NAME, EXPR)                                           \
    template <exec::execution_policy P, value_input A, value_input B>                        \
    double NAME(const P& policy, const A& y_true, const B& y_pred, weight_view w = {}) {     \
        return detail::with_backend(policy, [&](const auto& tag) {                           \
            const auto s = detail::regression(tag, #NAME, detail::to_span(y_true),           \
                                              detail::to_span(y_pred), w,                    \
                                              std::string_view(#NAME) == "r2_score");        \
            return EXPR;                                                                     \
        });                                                                                  \
    }                                                                                        \
    template <value_input A, value_input B>                                                  \
    double NAME(const A& y_true, const B& y_pred, weight_view w = {}) {                      \
        return NAME(exec::par, y_true, y_pred, w);                                           \
    }

// sum w (y - p)² / sum w
TESSERA_EVAL_REGRESSION_METRIC(mean_squared_error, s.mse)
// sqrt(MSE)
TESSERA_EVAL_REGRESSION_METRIC(root_mean_squared_error, std::sqrt(s.mse))
// sum w |y - p| / sum w
TESSERA_EVAL_REGRESSION_METRIC(mean_absolute_error, s.mae)
// 1 - SS_res / SS_tot around the weighted mean; SS_tot = 0: 1 if SS_res = 0
// else 0 (force_finite); fewer than 2 samples: NaN.
TESSERA_EVAL_REGRESSION_METRIC(r2_score, s.r2)

#undef TESSERA_EVAL_REGRESSION_METRIC

}  // namespace tessera::eval
