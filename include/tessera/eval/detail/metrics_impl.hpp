// tessera/eval/detail/metrics_impl.hpp — the machinery under eval/metrics.hpp:
// input adaptation (contiguous ranges → spans, the sample-weight view), input
// checks with the catalogue's messages, the class-label index, and the
// deterministic (score, index) sort that the ranking metrics share.
//
// The sort orders by score and breaks ties by the original index: the order is
// then a total one, so the sequential std::sort and the parallel chunk-sort +
// merge produce the same permutation and every later sum runs in the same
// order — seq and par give bitwise-identical ranking metrics.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>

// Marks the per-chunk kernels and final folds: one compiled copy, never inlined
// or cloned, so every policy runs the same instructions (an inlined copy may be
// contracted to FMA differently, which would break bitwise determinism).
#if defined(__GNUC__) && !defined(__clang__)
#define TESSERA_EVAL_ONE_COPY [[gnu::noipa]]
#elif defined(__GNUC__)
#define TESSERA_EVAL_ONE_COPY [[gnu::noinline]]
#else
#define TESSERA_EVAL_ONE_COPY
#endif

namespace tessera::eval {

namespace detail {

template <class R>
using range_value_t = std::remove_cvref_t<decltype(*std::data(std::declval<const R&>()))>;

template <class R>
concept one_dimensional = !requires { std::remove_cvref_t<R>::rank; } ||
                          (std::remove_cvref_t<R>::rank == 1);

template <class R>
concept contiguous_1d = requires(const R& r) {
    std::data(r);
    std::size(r);
} && one_dimensional<R>;

}  // namespace detail

// Class labels: any contiguous 1-D range of int32 (std::span, std::vector,
// tessera::vector<std::int32_t>).
template <class R>
concept label_input =
    detail::contiguous_1d<R> && std::same_as<detail::range_value_t<R>, std::int32_t>;

// Scores, probabilities, regression targets: contiguous 1-D float or double.
template <class R>
concept value_input =
    detail::contiguous_1d<R> && std::floating_point<detail::range_value_t<R>>;

// Optional sample weights, float or double. Default-constructed = no weights
// (every sample weighs 1); constructed from a range = weights, which must then
// match the sample count, be finite and be >= 0.
class weight_view {
public:
    weight_view() = default;
    weight_view(std::span<const double> w) noexcept : d_(w.data()), n_(w.size()), present_(true) {}
    weight_view(std::span<const float> w) noexcept : f_(w.data()), n_(w.size()), present_(true) {}
    template <value_input R>
        requires(!std::same_as<std::remove_cvref_t<R>, weight_view>)
    weight_view(const R& r) noexcept  // NOLINT: implicit by design
        : weight_view(std::span<const detail::range_value_t<R>>(std::data(r), std::size(r))) {}

    bool present() const noexcept { return present_; }
    std::size_t size() const noexcept { return n_; }
    double operator[](std::size_t i) const noexcept {
        if (!present_) return 1.0;
        return d_ != nullptr ? d_[i] : static_cast<double>(f_[i]);
    }

private:
    const double* d_ = nullptr;
    const float* f_ = nullptr;
    std::size_t n_ = 0;
    bool present_ = false;
};

namespace detail {

using tessera::detail::concat;

template <class R>
auto to_span(const R& r) noexcept {
    return std::span<const range_value_t<R>>(std::data(r), std::size(r));
}

constexpr std::size_t npos = static_cast<std::size_t>(-1);

template <class Tag>
inline constexpr bool is_pool_tag = false;
template <bool V>
inline constexpr bool is_pool_tag<exec::pool_tag<V>> = true;

inline void check_nonempty(std::string_view where, std::size_t n) {
    if (n == 0) throw errors::empty_input(where);
}

inline void check_same_size(std::string_view where, std::string_view what, std::size_t expected,
                            std::size_t found) {
    if (expected != found)
        throw errors::size_mismatch(concat(where, ": ", what), expected, found);
}

template <class T>
void check_finite(std::string_view where, std::string_view column, std::span<const T> x) {
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i])) throw errors::non_finite(where, column, i);
}

// Sizes, then every weight finite and >= 0. scikit-learn accepts negative
// weights; tessera rejects them because they make every ratio metric meaningless.
inline void check_weights(std::string_view where, const weight_view& w, std::size_t n) {
    if (!w.present()) return;
    check_same_size(where, "sample_weight", n, w.size());
    for (std::size_t i = 0; i < n; ++i) {
        const double v = w[i];
        if (!std::isfinite(v)) throw errors::non_finite(where, "sample_weight", i);
        if (v < 0)
            throw data_error(concat(where, ": negative value ", v,
                                    " in column 'sample_weight' at row ", i,
                                    "; sample weights must be >= 0"),
                             "sample_weight", i);
    }
}

inline data_error zero_weight_sum(std::string_view where) {
    return data_error(concat(where, ": sample weights sum to zero; the weighted mean is undefined"),
                      "sample_weight");
}

inline void check_zero_division(std::string_view where, double z) {
    if (!(z == 0.0 || z == 1.0 || std::isnan(z)))
        throw errors::out_of_range(where, "zero_division", z, "0, 1 or NaN");
}

inline std::string list_labels(std::span<const std::int32_t> labels) {
    std::string s;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) s += ", ";
        if (i == 8 && labels.size() > 9) {
            s += "...";
            break;
        }
        s += std::to_string(labels[i]);
    }
    return s;
}

// Sorted distinct values of a and b together.
inline std::vector<std::int32_t> sorted_union(std::span<const std::int32_t> a,
                                              std::span<const std::int32_t> b = {}) {
    std::vector<std::int32_t> u;
    u.reserve(a.size() + b.size());
    u.insert(u.end(), a.begin(), a.end());
    u.insert(u.end(), b.begin(), b.end());
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    return u;
}

// label -> its position in a user-given (or sorted) label list; npos if absent.
class label_index {
public:
    label_index(std::string_view where, std::span<const std::int32_t> labels) {
        sorted_.reserve(labels.size());
        for (std::size_t i = 0; i < labels.size(); ++i) sorted_.emplace_back(labels[i], i);
        std::sort(sorted_.begin(), sorted_.end());
        for (std::size_t i = 1; i < sorted_.size(); ++i)
            if (sorted_[i].first == sorted_[i - 1].first)
                throw config_error(concat(where, ": parameter 'labels' holds ",
                                          sorted_[i].first, " twice; labels must be unique"),
                                   "labels");
    }
    std::size_t size() const noexcept { return sorted_.size(); }
    std::size_t operator()(std::int32_t label) const noexcept {
        auto it = std::lower_bound(sorted_.begin(), sorted_.end(),
                                   std::pair<std::int32_t, std::size_t>(label, 0));
        return (it != sorted_.end() && it->first == label) ? it->second : npos;
    }

private:
    std::vector<std::pair<std::int32_t, std::size_t>> sorted_;
};

// ---- the ranking sort ----------------------------------------------------------

template <class T>
struct keyed {
    T score;
    std::size_t index;
};

template <class T>
constexpr bool keyed_less(const keyed<T>& a, const keyed<T>& b) noexcept {
    return a.score < b.score || (a.score == b.score && a.index < b.index);
}

// Ascending (score, index). Scores must be NaN-free (checked by the caller).
// par: sort chunks of `grain` in parallel, then merge neighbouring runs level
// by level, each level's merges in parallel.
template <class Tag, class T>
std::vector<keyed<T>> sort_by_score(const Tag& tag, std::span<const T> s) {
    const std::size_t n = s.size();
    std::vector<keyed<T>> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = {s[i], i};
    if constexpr (is_pool_tag<Tag>) {
        const std::size_t g = tag.grain == 0 ? 1 : tag.grain;
        if (n > g) {
            exec::parallel_for(tag, n, [&](exec::chunk c) {
                std::sort(v.begin() + c.begin, v.begin() + c.end, keyed_less<T>);
            });
            std::vector<keyed<T>> buf(n);
            const exec::pool_tag<true> per_merge{.threads = tag.threads, .grain = 1};
            for (std::size_t w = g; w < n; w *= 2) {
                const std::size_t pairs = (n + 2 * w - 1) / (2 * w);
                exec::parallel_for(per_merge, pairs, [&](exec::chunk c) {
                    for (std::size_t p = c.begin; p < c.end; ++p) {
                        const std::size_t lo = p * 2 * w;
                        const std::size_t mid = std::min(lo + w, n);
                        const std::size_t hi = std::min(lo + 2 * w, n);
                        std::merge(v.begin() + lo, v.begin() + mid, v.begin() + mid,
                                   v.begin() + hi, buf.begin() + lo, keyed_less<T>);
                    }
                });
                v.swap(buf);
            }
            return v;
        }
    }
    std::sort(v.begin(), v.end(), keyed_less<T>);
    return v;
}

// One entry per distinct score: the (weighted) positives and negatives at it.
struct score_group {
    double pos;
    double neg;
};

template <class T, class IsPos>
std::vector<score_group> group_by_score(const std::vector<keyed<T>>& sorted, IsPos&& is_pos,
                                        const weight_view& w) {
    std::vector<score_group> g;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i == 0 || sorted[i].score != sorted[i - 1].score) g.push_back({0.0, 0.0});
        const std::size_t k = sorted[i].index;
        (is_pos(k) ? g.back().pos : g.back().neg) += w[k];
    }
    return g;
}

// Mann–Whitney: every (positive, negative) pair with the positive scored higher
// counts 1, a tie 1/2; equals sklearn's trapezoidal ROC area.
TESSERA_EVAL_ONE_COPY inline double auc_from_groups(const std::vector<score_group>& ascending, double& pos_total,
                              double& neg_total) {
    double num = 0.0, neg_below = 0.0, pos = 0.0;
    for (const auto& g : ascending) {
        num += g.pos * (neg_below + 0.5 * g.neg);
        neg_below += g.neg;
        pos += g.pos;
    }
    pos_total = pos;
    neg_total = neg_below;
    return num;
}

// sklearn's step sum: sum over thresholds (descending) of (R_k - R_{k-1}) P_k.
TESSERA_EVAL_ONE_COPY inline double average_precision_from_groups(const std::vector<score_group>& ascending) {
    double pos_total = 0.0;
    for (const auto& g : ascending) pos_total += g.pos;
    if (pos_total == 0.0) return 0.0;
    double tp = 0.0, fp = 0.0, r_prev = 0.0, ap = 0.0;
    for (auto it = ascending.rbegin(); it != ascending.rend(); ++it) {
        tp += it->pos;
        fp += it->neg;
        const double ps = tp + fp;
        const double p = ps != 0.0 ? tp / ps : 0.0;
        const double r = tp / pos_total;
        ap += (r - r_prev) * p;
        r_prev = r;
    }
    return std::max(0.0, ap);
}

}  // namespace detail
}  // namespace tessera::eval
