// tessera/features/simple_imputer.hpp — replace missing values (NaN) per feature
// by its mean, median, most frequent value or a constant, optionally appending
// missing-indicator columns.
//
// Reference behaviour: scikit-learn's SimpleImputer (1.9) with
// missing_values=NaN. mean and median ignore NaN (numpy nanmean / nanmedian);
// most_frequent takes the smallest of tied values; constant uses fill_value.
// A feature that is NaN in every row at fit has no statistic: it is dropped from
// the output (statistics() holds NaN for it), for every strategy, unless
// keep_empty_features, which keeps it and fills it with 0 (fill_value for
// constant) — scikit-learn 1.9's rule. add_indicator appends one 0/1 column per
// feature that had a NaN at fit (MissingIndicator(features="missing-only")), in
// feature order, after the imputed features; NaN at transform in a feature that
// had none at fit is imputed and gets no indicator, as scikit-learn.
//
// Fit: mean is the standard scaler's moments pass (seq Welford; simd blocks of
// rows; par row chunks Chan-merged in chunk order); median and most_frequent
// sort each column's non-NaN values (par: columns in parallel). Transform is
// row-wise (simd: xsimd select when no feature is dropped; par: row chunks).
// The frame version (frame -> frame, numeric and categorical columns) is
// features/frame_imputer.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/column_stats.hpp>
#include <tessera/features/detail/device_hook.hpp>
#include <tessera/features/detail/elementwise.hpp>
#include <tessera/features/standard_scaler.hpp>

namespace tessera::features {

// What replaces a missing value. The numeric values are part of the model file.
enum class impute : std::uint8_t { mean = 0, median = 1, most_frequent = 2, constant = 3 };

constexpr std::string_view impute_name(impute s) noexcept {
    switch (s) {
        case impute::mean: return "mean";
        case impute::median: return "median";
        case impute::most_frequent: return "most_frequent";
        case impute::constant: return "constant";
    }
    return "unknown";
}

namespace detail {

// Output row r of the imputer: kept[k] is the input column of output column k,
// fill[k] its replacement value; then one 0/1 per indicator column.
template <bool Vector, class T>
void impute_rows(const T* x, T* y, std::size_t r0, std::size_t r1, std::size_t cols,
                 std::span<const std::size_t> kept, const T* fill,
                 std::span<const std::size_t> indicator) {
    const std::size_t out_cols = kept.size() + indicator.size();
    const bool dense = kept.size() == cols;  // no feature dropped: column k is input k
    for (std::size_t r = r0; r < r1; ++r) {
        const T* xr = x + r * cols;
        T* yr = y + r * out_cols;
        std::size_t k = 0;
        if constexpr (Vector) {
            if (dense) {
                using B = simd::batch<T>;
                constexpr std::size_t W = B::size;
                for (; k + W <= cols; k += W) {
                    const B v = B::load_unaligned(xr + k);
                    select(v == v, v, B::load_unaligned(fill + k)).store_unaligned(yr + k);
                }
            }
        }
        for (; k < kept.size(); ++k) {
            const T v = xr[kept[k]];
            yr[k] = v != v ? fill[k] : v;
        }
        for (std::size_t j = 0; j < indicator.size(); ++j) {
            const T v = xr[indicator[j]];
            yr[kept.size() + j] = v != v ? T(1) : T(0);
        }
    }
}

}  // namespace detail

class simple_imputer_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.simple_imputer";
    static constexpr std::uint32_t payload_version = 1;

    // statistics: per input feature, NaN for a feature dropped at transform;
    // missing_count: NaN values per feature at fit (drives the indicator columns).
    simple_imputer_fitted(impute strategy, double fill_value, bool add_indicator,
                          bool keep_empty_features, vector<double> statistics,
                          vector<std::int64_t> missing_count, std::int64_t n_samples_seen)
        : strategy_(strategy),
          fill_value_(fill_value),
          add_indicator_(add_indicator),
          keep_empty_(keep_empty_features),
          stats_(std::move(statistics)),
          missing_(std::move(missing_count)),
          n_seen_(n_samples_seen) {
        if (missing_.size() != stats_.size())
            throw errors::size_mismatch("simple_imputer: missing_count vs statistics",
                                        stats_.size(), missing_.size());
        for (std::size_t c = 0; c < stats_.size(); ++c) {
            if (!std::isnan(stats_(c))) kept_.push_back(c);
            if (add_indicator_ && missing_(c) > 0) indicator_.push_back(c);
        }
    }

    // From per-feature non-NaN counts and raw statistics (NaN when the feature
    // had no value): applies the empty-feature rule.
    static simple_imputer_fitted from_stats(impute strategy, double fill_value,
                                            bool add_indicator, bool keep_empty,
                                            std::span<const double> raw,
                                            std::span<const std::int64_t> non_nan,
                                            std::int64_t rows) {
        const std::size_t cols = raw.size();
        auto stats = vector<double>::from_shape({cols});
        auto missing = vector<std::int64_t>::from_shape({cols});
        for (std::size_t c = 0; c < cols; ++c) {
            missing(c) = rows - non_nan[c];
            const bool empty = non_nan[c] == 0;
            const double own = strategy == impute::constant ? fill_value : raw[c];
            stats(c) = !empty ? own
                       : keep_empty ? (strategy == impute::constant ? fill_value : 0.0)
                                    : std::numeric_limits<double>::quiet_NaN();
        }
        return simple_imputer_fitted(strategy, fill_value, add_indicator, keep_empty,
                                     std::move(stats), std::move(missing), rows);
    }

    // The replacement value per input feature; NaN for a feature dropped as empty.
    const vector<double>& statistics() const noexcept { return stats_; }
    // NaN count per feature at fit.
    const vector<std::int64_t>& missing_count() const noexcept { return missing_; }
    // Input features kept in the output, in order, then the features given an indicator.
    const std::vector<std::size_t>& kept_features() const noexcept { return kept_; }
    const std::vector<std::size_t>& indicator_features() const noexcept { return indicator_; }
    std::size_t n_features_in() const noexcept { return stats_.size(); }
    std::size_t n_features_out() const noexcept { return kept_.size() + indicator_.size(); }
    std::int64_t n_samples_seen() const noexcept { return n_seen_; }
    impute strategy() const noexcept { return strategy_; }
    double fill_value() const noexcept { return fill_value_; }
    bool add_indicator() const noexcept { return add_indicator_; }
    bool keep_empty_features() const noexcept { return keep_empty_; }

    // NaN -> statistic (rounded to T), empty features dropped, indicators appended.
    template <exec::execution_policy P, std::floating_point T>
    matrix<T> transform(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            return transform_on_device(policy, *this, X);
        } else {
            const std::size_t rows = X.shape()[0], cols = X.shape()[1];
            detail::check_columns("simple_imputer::transform", cols, n_features_in());
            std::vector<T> fill(kept_.size());
            for (std::size_t k = 0; k < kept_.size(); ++k)
                fill[k] = static_cast<T>(stats_(kept_[k]));
            matrix<T> Y = matrix<T>::from_shape({rows, n_features_out()});
            const auto tag = exec::select_backend(policy);
            using tag_t = std::remove_cvref_t<decltype(tag)>;
            const auto run = [&](auto vector_tag, std::size_t r0, std::size_t r1) {
                detail::impute_rows<decltype(vector_tag)::value>(
                    X.data(), Y.data(), r0, r1, cols, kept_, fill.data(), indicator_);
            };
            if constexpr (std::is_same_v<tag_t, exec::pool_tag<true>>) {
                auto by_rows = tag;
                by_rows.grain = detail::rows_per_chunk(tag.grain, cols);
                exec::parallel_for(by_rows, rows, [&](const exec::chunk& ch) {
                    run(std::true_type{}, ch.begin, ch.end);
                });
            } else {
                run(std::bool_constant<tag_t::vector>{}, 0, rows);
            }
            return Y;
        }
    }
    template <std::floating_point T>
    matrix<T> transform(const matrix<T>& X) const {
        return transform(exec::par, X);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(strategy_));
        w.put(fill_value_);
        w.put<std::uint8_t>(add_indicator_ ? 1 : 0);
        w.put<std::uint8_t>(keep_empty_ ? 1 : 0);
        w.put(stats_);
        w.put(missing_);
        w.put(n_seen_);
    }

    static simple_imputer_fitted load(io::reader& r) {
        constexpr std::string_view owner = "simple_imputer";
        detail::check_version(r, owner, payload_version);
        const auto s = r.get<std::uint8_t>("strategy");
        if (s > 3)
            throw format_error(tessera::detail::concat(owner, ": field 'strategy' is ",
                                                       unsigned{s}, ", expected 0 to 3"));
        const double fill = r.get<double>("fill_value");
        const bool ind = detail::read_flag(r, owner, "add_indicator");
        const bool keep = detail::read_flag(r, owner, "keep_empty_features");
        auto stats = r.get_tensor<double, 1>("statistics");
        auto missing = r.get_tensor<std::int64_t, 1>("missing_count");
        const auto n = r.get<std::int64_t>("n_samples_seen");
        detail::check_lengths(owner, "missing_count", stats.size(), missing.size());
        return simple_imputer_fitted(static_cast<impute>(s), fill, ind, keep, std::move(stats),
                                     std::move(missing), n);
    }

private:
    impute strategy_;
    double fill_value_;
    bool add_indicator_;
    bool keep_empty_;
    vector<double> stats_;
    vector<std::int64_t> missing_;
    std::int64_t n_seen_;
    std::vector<std::size_t> kept_, indicator_;
};

// The estimator: hyperparameters only.
//   auto f = features::simple_imputer{{.strategy = features::impute::median}}.fit(exec::par, X);
class simple_imputer {
public:
    struct params {
        impute strategy = impute::mean;
        double fill_value = 0.0;          // for impute::constant; invariant: not NaN
        bool add_indicator = false;       // append 0/1 columns for features with NaN at fit
        bool keep_empty_features = false; // keep all-NaN features (filled with 0 / fill_value)
    };
    using fitted = simple_imputer_fitted;

    constexpr simple_imputer() = default;
    constexpr explicit simple_imputer(const params& p) : params_(p) {}
    constexpr const params& get_params() const noexcept { return params_; }

    // config_error naming 'strategy' (not one of the four) or 'fill_value' (NaN).
    void check_params() const {
        if (static_cast<unsigned>(params_.strategy) > 3)
            throw config_error(
                tessera::detail::concat("simple_imputer: parameter 'strategy' = ",
                                        static_cast<unsigned>(params_.strategy),
                                        " is invalid; valid: mean, median, most_frequent, "
                                        "constant"),
                "strategy");
        if (std::isnan(params_.fill_value))
            throw errors::out_of_range("simple_imputer", "fill_value", params_.fill_value,
                                       "any number (NaN is the missing marker)");
    }

    // shape_error on 0 rows or 0 columns.
    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        check_params();
        const std::size_t rows = X.shape()[0], cols = X.shape()[1];
        detail::check_fit_shape("simple_imputer::fit", rows, cols);
        if constexpr (exec::device_policy<P>) {
            return fit_on_device(policy, *this, X);
        } else {
            std::vector<double> raw(cols);
            std::vector<std::int64_t> count(cols);
            const auto tag = exec::select_backend(policy);
            if (params_.strategy == impute::mean || params_.strategy == impute::constant) {
                const detail::column_moments m = detail::moments(tag, X);
                for (std::size_t c = 0; c < cols; ++c) {
                    count[c] = static_cast<std::int64_t>(m.count[c]);
                    raw[c] = m.mean[c];
                }
            } else {
                const bool median = params_.strategy == impute::median;
                detail::order_stats(
                    tag, X,
                    [&](std::size_t m) {
                        return median ? detail::order_positions(m, true) : detail::all_positions(m);
                    },
                    [&](std::size_t c, std::span<const T> sorted) {
                        count[c] = static_cast<std::int64_t>(sorted.size());
                        raw[c] = median ? detail::sorted_median(sorted) : detail::sorted_mode(sorted);
                        if (detail::any_inf(sorted))
                            raw[c] = std::numeric_limits<double>::infinity();  // checked below
                    });
            }
            reject_infinities(X, raw, count);
            return from_counts(raw, count, static_cast<std::int64_t>(rows));
        }
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

    // ±inf in the data shows as a non-finite statistic (a mean of inf is inf or
    // NaN; order statistics flag it as inf): such columns are searched.
    template <class T>
    static void reject_infinities(const matrix<T>& X, std::span<const double> raw,
                                  std::span<const std::int64_t> count) {
        for (std::size_t c = 0; c < raw.size(); ++c)
            if (count[c] > 0 && !std::isfinite(raw[c]))
                detail::reject_infinity("simple_imputer::fit", X, c);
    }

    fitted from_counts(std::span<const double> raw, std::span<const std::int64_t> non_nan,
                       std::int64_t rows) const {
        return fitted::from_stats(params_.strategy, params_.fill_value, params_.add_indicator,
                                  params_.keep_empty_features, raw, non_nan, rows);
    }

private:
    params params_{};
};

static_assert(transformer<simple_imputer, matrix<float>> &&
              transformer<simple_imputer, matrix<double>>);

}  // namespace tessera::features
