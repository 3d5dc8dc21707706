// tessera/features/target_encoder.hpp — each category becomes a smoothed mean of the target.
//
// Reference behaviour: scikit-learn's TargetEncoder (1.3+), binary and
// continuous targets. Per encoded column the categories are sorted (a null is
// a category of its own, as scikit-learn's NaN); the encoding of a category
// with n rows, target mean m_c and sum of squared deviations ss_c, given the
// target mean m and population variance v of the rows fitted on, is
//   smooth = s (a number):  (sum_c + s*m) / (n + s)
//   smooth = auto:          l*m_c + (1-l)*m,  l = v*n / (v*n + ss_c/n)
//                           (Micci-Barreca 2001, eq. 5-6; a NaN l gives m)
// and a category with no rows, or one fit did not see, gets m.
//
// fit(policy, X, y) encodes with all rows; fit_transform(policy, X, y) returns
// that fitted encoder together with X encoded *out of fold*: rows are cut into
// `cv` folds and the rows of each fold are encoded by statistics of the other
// folds only (categories, including those absent from the other folds, come
// from all rows), so no training row sees its own target. The folds are
// scikit-learn's KFold layout (fold sizes n/cv rounded, larger first) over a
// permutation drawn from tessera's Philox generator with `seed` (the identity
// without shuffle); they are not scikit-learn's StratifiedKFold for binary
// targets, and a numpy shuffle cannot be reproduced, so for an exact comparison
// pass the folds explicitly (the overload with `folds`; scikit-learn's
// PredefinedSplit gives the same split).
//
// Binary targets: y's distinct values, sorted, are 0 and 1 (scikit-learn's
// LabelEncoder); more than two throw (multiclass is not supported). A pipeline
// fitted with labels calls fit_transform (pipeline/pipeline.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/frame_columns.hpp>

namespace tessera::features {

// scikit-learn's target_type: auto picks binary for integer labels and
// continuous for floating-point targets.
enum class target_kind : std::uint8_t { auto_detect = 0, binary = 1, continuous = 2 };

namespace detail::target {

// Encodings of categories [0, k) from the rows `rows` (ids[r] in [0, k) or
// -1 = skip), as scikit-learn's _fit_encoding_fast(_auto_smooth).
inline std::vector<double> encode(const std::vector<std::int32_t>& ids, const std::vector<double>& y,
                                  std::span<const std::size_t> rows, std::size_t k,
                                  std::optional<double> smooth, double y_mean, double y_var) {
    std::vector<double> sum(k, 0.0), count(k, 0.0), enc(k, y_mean);
    for (const std::size_t r : rows)
        if (ids[r] >= 0) {
            sum[static_cast<std::size_t>(ids[r])] += y[r];
            count[static_cast<std::size_t>(ids[r])] += 1.0;
        }
    if (smooth) {
        for (std::size_t c = 0; c < k; ++c) {
            const double n = count[c] + *smooth;
            if (n != 0.0) enc[c] = (sum[c] + *smooth * y_mean) / n;
        }
        return enc;
    }
    std::vector<double> mean(k), ss(k, 0.0);
    for (std::size_t c = 0; c < k; ++c) mean[c] = sum[c] / count[c];
    for (const std::size_t r : rows)
        if (ids[r] >= 0) {
            const double d = y[r] - mean[static_cast<std::size_t>(ids[r])];
            ss[static_cast<std::size_t>(ids[r])] += d * d;
        }
    for (std::size_t c = 0; c < k; ++c) {
        const double l = y_var * count[c] / (y_var * count[c] + ss[c] / count[c]);
        if (!std::isnan(l)) enc[c] = l * mean[c] + (1.0 - l) * y_mean;
    }
    return enc;
}

// Mean and population variance (ddof 0, two-pass) of y over `rows`.
inline std::pair<double, double> mean_var(const std::vector<double>& y,
                                          std::span<const std::size_t> rows) {
    double s = 0.0;
    for (const std::size_t r : rows) s += y[r];
    const double m = s / static_cast<double>(rows.size());
    double q = 0.0;
    for (const std::size_t r : rows) q += (y[r] - m) * (y[r] - m);
    return {m, q / static_cast<double>(rows.size())};
}

}  // namespace detail::target

// The fitted encoder (full-data encodings). Immutable; thread-safe.
class target_encoder_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.target_encoder";
    static constexpr std::uint32_t payload_version = 1;

    struct column_state : detail::frame_cols::encoded_column {  // sorted non-null categories
        bool has_null = false;          // the null category is last in `encodings`
        std::vector<double> encodings;  // per category (then null)
    };

    target_encoder_fitted(std::vector<column_state> cols, double target_mean, target_kind kind,
                          output_dtype out)
        : cols_(std::move(cols)), target_mean_(target_mean), kind_(kind), out_(out) {}

    const std::vector<column_state>& columns() const noexcept { return cols_; }
    // The target mean of the fit rows: the encoding of an unseen category.
    double target_mean() const noexcept { return target_mean_; }
    // binary or continuous (never auto_detect).
    target_kind target_type() const noexcept { return kind_; }

    // Replaces each encoded column, in place and under its name, by its encodings.
    template <exec::execution_policy P>
    frame transform(const P&, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            std::vector<std::string> names;
            std::vector<std::vector<double>> values;
            for (const auto& s : cols_) {
                const column& c = detail::frame_cols::fitted_column(X, s.name, s.type,
                                                                    "target_encoder::transform");
                const auto ids = ids_of(s, c);
                std::vector<double> v(ids.size());
                for (std::size_t r = 0; r < ids.size(); ++r)
                    v[r] = ids[r] >= 0 ? s.encodings[static_cast<std::size_t>(ids[r])] : target_mean_;
                names.push_back(s.name);
                values.push_back(std::move(v));
            }
            return detail::frame_cols::replace_by_floats(X, names, std::move(values), out_);
        }
    }
    frame transform(const frame& X) const { return transform(exec::par, X); }

    // Per row the category index (null last when fit saw one), or -1 for a
    // category fit did not see.
    static std::vector<std::int32_t> ids_of(const column_state& s, const column& c) {
        auto ids = detail::frame_cols::category_ids(c, s.categories);
        const auto null_idx = static_cast<std::int32_t>(s.categories.size());
        for (auto& v : ids) v = v == -1 ? (s.has_null ? null_idx : -1) : (v < 0 ? -1 : v);
        return ids;
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<double>(target_mean_);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(kind_));
        w.put<std::uint8_t>(static_cast<std::uint8_t>(out_));
        w.put<std::uint64_t>(cols_.size());
        for (const auto& c : cols_) {
            detail::frame_cols::put_encoded(w, c);
            w.put<std::uint8_t>(c.has_null ? 1 : 0);
            w.put(c.encodings);
        }
    }

    static target_encoder_fitted load(io::reader& r) {
        constexpr std::string_view owner = "target_encoder";
        namespace fc = detail::frame_cols;
        fc::check_version(r, owner, payload_version);
        const double mean = r.get<double>("target_mean");
        const auto kind = fc::get_enum(r, owner, "target_type", target_kind::continuous);
        const auto out = fc::get_enum(r, owner, "dtype", output_dtype::float32);
        const auto n = r.get<std::uint64_t>("column count");
        std::vector<column_state> cols;
        for (std::uint64_t i = 0; i < n; ++i) {
            column_state c;
            static_cast<fc::encoded_column&>(c) = fc::get_encoded(r, owner);
            c.has_null = fc::get_enum(r, owner, "has_null", std::uint8_t{1}) == 1;
            c.encodings = r.get_vector<double>("encodings");
            if (c.encodings.size() != c.categories.size() + (c.has_null ? 1 : 0))
                throw format_error(tessera::detail::concat(
                    owner, ": column '", c.name, "' has ", c.categories.size(),
                    c.has_null ? " categories and null" : " categories", " but ",
                    c.encodings.size(), " encodings"));
            cols.push_back(std::move(c));
        }
        return target_encoder_fitted(std::move(cols), mean, kind, out);
    }

private:
    std::vector<column_state> cols_;
    double target_mean_;
    target_kind kind_;
    output_dtype out_;
};

// The estimator: hyperparameters only.
//   auto [enc, Xtrain] = features::target_encoder{{.cv = 5, .seed = 7}}.fit_transform(exec::par, X, y);
class target_encoder {
public:
    struct params {
        // Columns to encode (categorical, bool or int64); empty: every categorical and bool column.
        std::vector<std::string> columns{};
        target_kind target_type = target_kind::auto_detect;
        // Empty: "auto" (empirical Bayes); else the weight of the target mean, >= 0.
        std::optional<double> smooth{};
        // Folds of fit_transform, >= 2.
        std::size_t cv = 5;
        bool shuffle = true;
        std::uint64_t seed = 0;
        output_dtype dtype = output_dtype::float64;
    };
    using fitted = target_encoder_fitted;

    target_encoder() = default;
    explicit target_encoder(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    // Full-data encodings. y: labels (int32) or a float/double target, one per row.
    template <exec::execution_policy P, class V>
    fitted fit(const P&, const frame& X, const xt::xtensor<V, 1>& y) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return fitted({}, 0.0, target_kind::continuous, output_dtype::float64);
        } else {
            const prepared p = prepare(X, y, "target_encoder::fit");
            std::vector<std::size_t> all(X.num_rows());
            std::iota(all.begin(), all.end(), std::size_t{0});
            return fit_rows(p, all);
        }
    }
    template <class V>
    fitted fit(const frame& X, const xt::xtensor<V, 1>& y) const {
        return fit(exec::par, X, y);
    }

    // {the fit(X, y) encoder, X with out-of-fold encodings}, folds from cv/shuffle/seed.
    template <exec::execution_policy P, class V>
    std::pair<fitted, frame> fit_transform(const P& policy, const frame& X,
                                           const xt::xtensor<V, 1>& y) const {
        check_params();
        const std::size_t n = X.num_rows(), k = params_.cv;
        if (n < k)
            throw shape_error(tessera::detail::concat("target_encoder::fit_transform: ", n,
                                                      " rows cannot make cv = ", k, " folds"));
        std::vector<std::size_t> perm(n);
        std::iota(perm.begin(), perm.end(), std::size_t{0});
        if (params_.shuffle) rng(params_.seed).shuffle(perm);
        std::vector<std::int32_t> folds(n);
        std::size_t pos = 0;
        for (std::size_t f = 0; f < k; ++f)
            for (std::size_t i = 0, size = n / k + (f < n % k ? 1 : 0); i < size; ++i)
                folds[perm[pos++]] = static_cast<std::int32_t>(f);
        return fit_transform(policy, X, y, folds);
    }

    // The same with explicit folds: folds[r] in [0, F) is row r's fold; every
    // fold must hold a row and leave a row outside it.
    template <exec::execution_policy P, class V>
    std::pair<fitted, frame> fit_transform(const P&, const frame& X,
                                           const xt::xtensor<V, 1>& y,
                                           std::span<const std::int32_t> folds) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {fitted({}, 0.0, target_kind::continuous, output_dtype::float64), frame{}};
        } else {
            constexpr std::string_view where = "target_encoder::fit_transform";
            const prepared p = prepare(X, y, where);
            const std::size_t n = X.num_rows();
            if (folds.size() != n) throw errors::size_mismatch(tessera::detail::concat(where, ": folds"), n, folds.size());
            std::int32_t nf = 0;
            for (std::size_t r = 0; r < n; ++r) {
                if (folds[r] < 0)
                    throw data_error(tessera::detail::concat(where, ": fold ", folds[r], " of row ",
                                                             r, " is negative"), {}, r);
                nf = std::max(nf, folds[r] + 1);
            }
            std::vector<std::vector<std::size_t>> test(static_cast<std::size_t>(nf));
            for (std::size_t r = 0; r < n; ++r) test[static_cast<std::size_t>(folds[r])].push_back(r);
            for (std::size_t f = 0; f < test.size(); ++f)
                if (test[f].empty() || test[f].size() == n)
                    throw data_error(tessera::detail::concat(
                        where, ": fold ", f, test[f].empty() ? " holds no row" : " holds every row",
                        "; each fold needs rows inside and outside it"));
            std::vector<std::vector<double>> out(p.ids.size(), std::vector<double>(n));
            std::vector<std::size_t> train;
            for (std::size_t f = 0; f < test.size(); ++f) {
                train.clear();
                for (std::size_t r = 0; r < n; ++r)
                    if (folds[r] != static_cast<std::int32_t>(f)) train.push_back(r);
                const auto [m, v] = detail::target::mean_var(p.y, train);
                for (std::size_t j = 0; j < p.ids.size(); ++j) {
                    const auto enc = detail::target::encode(p.ids[j], p.y, train, p.k[j],
                                                            params_.smooth, m, v);
                    for (const std::size_t r : test[f])
                        out[j][r] = enc[static_cast<std::size_t>(p.ids[j][r])];
                }
            }
            std::vector<std::size_t> all(n);
            std::iota(all.begin(), all.end(), std::size_t{0});
            fitted full = fit_rows(p, all);
            std::vector<std::string> names;
            for (const auto& c : full.columns()) names.push_back(c.name);
            frame encoded = detail::frame_cols::replace_by_floats(X, names, std::move(out), params_.dtype);
            return {std::move(full), std::move(encoded)};
        }
    }
    template <class V>
    std::pair<fitted, frame> fit_transform(const frame& X, const xt::xtensor<V, 1>& y) const {
        return fit_transform(exec::par, X, y);
    }

private:
    // The encoded columns' states (no encodings yet), their per-row category
    // ids (every row's category is known) and y as double (0/1 for binary).
    struct prepared {
        std::vector<fitted::column_state> cols;
        std::vector<std::vector<std::int32_t>> ids;
        std::vector<std::size_t> k;
        std::vector<double> y;
        target_kind kind;
    };

    void check_params() const {
        constexpr std::string_view owner = "target_encoder";
        if (params_.smooth && !(*params_.smooth >= 0.0 && std::isfinite(*params_.smooth)))
            throw errors::out_of_range(owner, "smooth", *params_.smooth,
                                       "a finite number >= 0, or empty for \"auto\"");
        if (params_.cv < 2) throw errors::out_of_range(owner, "cv", params_.cv, ">= 2");
    }

    template <class V>
    prepared prepare(const frame& X, const xt::xtensor<V, 1>& y, std::string_view where) const {
        namespace fc = detail::frame_cols;
        check_params();
        const std::size_t n = X.num_rows();
        if (n == 0) throw errors::empty_input(where);
        if (y.size() != n)
            throw errors::size_mismatch(tessera::detail::concat(where, ": y vs rows of X"), n, y.size());
        prepared p;
        p.kind = params_.target_type;
        if (p.kind == target_kind::auto_detect)
            p.kind = std::is_floating_point_v<V> ? target_kind::continuous : target_kind::binary;
        p.y.resize(n);
        for (std::size_t r = 0; r < n; ++r) {
            p.y[r] = static_cast<double>(y(r));
            if (!std::isfinite(p.y[r]))
                throw data_error(tessera::detail::concat(where, ": y has the non-finite value ",
                                                         p.y[r], " at row ", r),
                                 "y", r);
        }
        if (p.kind == target_kind::binary) {
            std::vector<double> classes = p.y;
            std::sort(classes.begin(), classes.end());
            classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
            if (classes.size() > 2)
                throw data_error(tessera::detail::concat(
                    where, ": target_type binary needs at most 2 distinct values of y, found ",
                    classes.size(), " (multiclass targets are not supported; use continuous for "
                                    "a numeric target)"));
            for (auto& v : p.y) v = v == classes[0] ? 0.0 : 1.0;
        }
        const auto names = fc::resolve(X, params_.columns, where, "categorical, bool or int64",
                                       fc::encodable, fc::categorical_like);
        for (const auto& name : names) {
            const column& c = X.column(name);
            fitted::column_state s{{name, c.type(), fc::labels_of(c).labels}, c.null_count() > 0, {}};
            fc::sort_labels(s.categories, c.type());
            p.ids.push_back(fitted::ids_of(s, c));
            p.k.push_back(s.categories.size() + (s.has_null ? 1 : 0));
            p.cols.push_back(std::move(s));
        }
        return p;
    }

    fitted fit_rows(const prepared& p, std::span<const std::size_t> rows) const {
        const auto [m, v] = detail::target::mean_var(p.y, rows);
        std::vector<fitted::column_state> cols = p.cols;
        for (std::size_t j = 0; j < cols.size(); ++j)
            cols[j].encodings = detail::target::encode(p.ids[j], p.y, rows, p.k[j], params_.smooth, m, v);
        return fitted(std::move(cols), m, p.kind, params_.dtype);
    }

    params params_{};
};

}  // namespace tessera::features
