// tessera/features/frame_imputer.hpp — simple_imputer on a frame: the first
// stage of a frame pipeline (impute, then encode, then to_matrix).
//
// Reference behaviour: scikit-learn's SimpleImputer (1.9) applied per dtype, as
// a ColumnTransformer would: numeric columns (float64, float32, int64) by
// `numeric_strategy` (mean, median, most_frequent, constant = fill_value) — the
// statistics are simple_imputer's on the columns as float64 (nulls as NaN);
// categorical and bool columns by `categorical_strategy` (most_frequent: the
// most frequent value, ties to the smallest label / false; constant: fill_label,
// added to the dictionary if absent, or fill_value != 0 for bool). Timestamp
// columns are left as they are. A selected column that is null in every row at
// fit is dropped from the output unless keep_empty_features (then numeric gets 0
// or fill_value, categorical fill_label, bool false). add_indicator appends a
// bool column "missingindicator_<name>" (scikit-learn's feature name) for each
// selected column that had a null at fit, in column order.
//
// Output dtypes: float64 and float32 stay; int64 becomes float64 (a mean need
// not be an integer); categorical and bool stay, without nulls.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/elementwise.hpp>
#include <tessera/features/detail/frame_columns.hpp>
#include <tessera/features/simple_imputer.hpp>

namespace tessera::features {

namespace detail {

constexpr bool imputable_numeric(dtype t) noexcept {
    return t == dtype::float64 || t == dtype::float32 || t == dtype::int64;
}
constexpr bool imputable(dtype t) noexcept {
    return imputable_numeric(t) || t == dtype::categorical || t == dtype::boolean;
}

// One imputed column as fit saw it.
struct imputed_column {
    std::string name;
    dtype type;
    bool dropped;          // all null at fit and not keep_empty_features
    std::int64_t missing;  // nulls at fit
    double number;         // numeric / bool fill (bool: 0 or 1)
    std::string label;     // categorical fill
};

}  // namespace detail

class frame_imputer_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.frame_imputer";
    static constexpr std::uint32_t payload_version = 1;

    frame_imputer_fitted(std::vector<detail::imputed_column> columns, bool add_indicator)
        : cols_(std::move(columns)), add_indicator_(add_indicator) {}

    const std::vector<detail::imputed_column>& columns() const noexcept { return cols_; }
    bool add_indicator() const noexcept { return add_indicator_; }

    // X with every fitted column filled (or dropped), indicators appended. The
    // fitted columns must exist with the dtypes fit saw (data_error otherwise).
    template <exec::execution_policy P>
    frame transform(const P&, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            constexpr std::string_view where = "frame_imputer::transform";
            std::vector<std::pair<std::string, std::vector<column>>> replaced;
            std::vector<column> indicators;
            for (const auto& s : cols_) {
                const column& c = detail::frame_cols::fitted_column(X, s.name, s.type, where);
                std::vector<column> out;
                if (!s.dropped) out.push_back(filled(c, s));
                replaced.emplace_back(s.name, std::move(out));
                if (add_indicator_ && s.missing > 0) {
                    std::vector<bool> ind(c.size());
                    for (std::size_t r = 0; r < c.size(); ++r) ind[r] = is_missing(c, r);
                    indicators.push_back(column::boolean("missingindicator_" + s.name, ind));
                }
            }
            return detail::frame_cols::replace_columns(X, std::move(replaced),
                                                       std::move(indicators));
        }
    }
    frame transform(const frame& X) const { return transform(exec::par, X); }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(add_indicator_ ? 1 : 0);
        w.put<std::uint64_t>(cols_.size());
        for (const auto& s : cols_) {
            w.put(s.name);
            w.put<std::uint8_t>(static_cast<std::uint8_t>(s.type));
            w.put<std::uint8_t>(s.dropped ? 1 : 0);
            w.put(s.missing);
            w.put(s.number);
            w.put(s.label);
        }
    }

    static frame_imputer_fitted load(io::reader& r) {
        constexpr std::string_view owner = "frame_imputer";
        detail::check_version(r, owner, payload_version);
        const bool ind = detail::read_flag(r, owner, "add_indicator");
        const auto n = r.get<std::uint64_t>("column count");
        std::vector<detail::imputed_column> cols;
        for (std::uint64_t i = 0; i < n; ++i) {
            detail::imputed_column s;
            s.name = r.get_string("column name");
            s.type = detail::frame_cols::get_dtype(r, owner);
            if (!detail::imputable(s.type))
                throw format_error(tessera::detail::concat(owner, ": column '", s.name,
                                                           "' has dtype ", dtype_name(s.type),
                                                           ", which the imputer never fits"));
            s.dropped = detail::read_flag(r, owner, "dropped");
            s.missing = r.get<std::int64_t>("missing");
            s.number = r.get<double>("fill number");
            s.label = r.get_string("fill label");
            cols.push_back(std::move(s));
        }
        return frame_imputer_fitted(std::move(cols), ind);
    }

private:
    static bool is_missing(const column& c, std::size_t r) {
        if (c.is_null(r)) return true;
        if (c.type() == dtype::float64) return std::isnan(c.values<double>()[r]);
        if (c.type() == dtype::float32) return std::isnan(c.values<float>()[r]);
        return false;
    }

    static column filled(const column& c, const detail::imputed_column& s) {
        const std::size_t n = c.size();
        const auto fill_float = [&](auto values, auto fill) {
            std::vector<decltype(fill)> v(n);
            for (std::size_t r = 0; r < n; ++r)
                v[r] = is_missing(c, r) ? fill : static_cast<decltype(fill)>(values[r]);
            return v;
        };
        switch (s.type) {
            case dtype::float64: return column::float64(s.name, fill_float(c.values<double>(), s.number));
            case dtype::float32:
                return column::float32(s.name,
                                        fill_float(c.values<float>(), static_cast<float>(s.number)));
            case dtype::int64: return column::float64(s.name, fill_float(c.values<std::int64_t>(), s.number));
            case dtype::boolean: {
                std::vector<bool> v(n);
                const auto vals = c.values<bool>();
                for (std::size_t r = 0; r < n; ++r) v[r] = c.is_null(r) ? s.number != 0.0 : vals[r];
                return column::boolean(s.name, v);
            }
            default: {  // categorical
                std::vector<std::string> dict = c.dictionary();
                auto it = std::find(dict.begin(), dict.end(), s.label);
                const auto code = static_cast<std::int32_t>(it - dict.begin());
                if (it == dict.end()) dict.push_back(s.label);
                const auto codes = c.values<std::int32_t>();
                std::vector<std::int32_t> v(codes.begin(), codes.end());
                for (std::size_t r = 0; r < n; ++r)
                    if (c.is_null(r)) v[r] = code;
                return column::categorical(s.name, std::move(v), std::move(dict));
            }
        }
    }

    std::vector<detail::imputed_column> cols_;
    bool add_indicator_;
};

// The estimator.
//   auto f = features::frame_imputer{{.numeric_strategy = features::impute::median,
//                                     .add_indicator = true}}.fit(exec::par, df);
class frame_imputer {
public:
    struct params {
        impute numeric_strategy = impute::mean;
        // most_frequent or constant (fill_label; bool: fill_value != 0).
        impute categorical_strategy = impute::most_frequent;
        double fill_value = 0.0;                   // numeric constant; not NaN
        std::string fill_label = "missing_value";  // categorical constant (scikit-learn's default)
        bool add_indicator = false;
        bool keep_empty_features = false;
        // Columns to impute; empty: every float64, float32, int64, bool and
        // categorical column.
        std::vector<std::string> columns = {};
    };
    using fitted = frame_imputer_fitted;

    frame_imputer() = default;
    explicit frame_imputer(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P>
    fitted fit(const P& policy, const frame& X) const {
        constexpr std::string_view where = "frame_imputer::fit";
        if (params_.categorical_strategy != impute::most_frequent &&
            params_.categorical_strategy != impute::constant)
            throw detail::frame_cols::bad_option("frame_imputer", "categorical_strategy",
                                                 impute_name(params_.categorical_strategy),
                                                 "most_frequent, constant");
        const simple_imputer numeric{{.strategy = params_.numeric_strategy,
                                      .fill_value = params_.fill_value,
                                      .keep_empty_features = params_.keep_empty_features}};
        numeric.check_params();
        if (X.num_rows() == 0)
            throw shape_error(tessera::detail::concat(where, ": the frame has 0 rows"));
        const auto names = detail::frame_cols::resolve(
            X, params_.columns, where, "float64, float32, int64, bool or categorical",
            detail::imputable, detail::imputable);
        std::vector<std::string> num_names;
        for (const auto& n : names)
            if (detail::imputable_numeric(X.column(n).type())) num_names.push_back(n);
        std::vector<double> num_stat;
        std::vector<std::int64_t> num_missing;
        if (!num_names.empty()) {
            const auto f = numeric.fit(policy, X.to_matrix<double>(policy, num_names));
            num_stat.assign(f.statistics().begin(), f.statistics().end());
            num_missing.assign(f.missing_count().begin(), f.missing_count().end());
        }
        std::vector<detail::imputed_column> cols;
        std::size_t k = 0;
        for (const auto& n : names) {
            const column& c = X.column(n);
            detail::imputed_column s{n, c.type(), false, 0, 0.0, {}};
            if (detail::imputable_numeric(c.type())) {
                s.number = num_stat[k];
                s.missing = num_missing[k++];
                s.dropped = std::isnan(s.number);
            } else {
                categorical_fill(c, s);
            }
            cols.push_back(std::move(s));
        }
        return fitted(std::move(cols), params_.add_indicator);
    }
    fitted fit(const frame& X) const { return fit(exec::par, X); }

private:
    // Fill of a categorical or bool column: value counts over the codes.
    void categorical_fill(const column& c, detail::imputed_column& s) const {
        const bool is_bool = c.type() == dtype::boolean;
        const std::size_t nvalues = is_bool ? 2 : c.dictionary().size();
        std::vector<std::int64_t> count(nvalues, 0);
        for (std::size_t r = 0; r < c.size(); ++r) {
            if (c.is_null(r)) {
                ++s.missing;
                continue;
            }
            ++count[is_bool ? static_cast<std::size_t>(c.values<bool>()[r])
                            : static_cast<std::size_t>(c.values<std::int32_t>()[r])];
        }
        const bool empty = s.missing == static_cast<std::int64_t>(c.size());
        s.dropped = empty && !params_.keep_empty_features;
        const bool constant = params_.categorical_strategy == impute::constant || empty;
        if (is_bool) {
            // Ties go to false (the smaller value), as sorted values would.
            s.number = constant ? (empty ? 0.0 : (params_.fill_value != 0.0 ? 1.0 : 0.0))
                                : (count[1] > count[0] ? 1.0 : 0.0);
            return;
        }
        if (constant) {
            s.label = params_.fill_label;
            return;
        }
        // Most frequent; ties to the lexicographically smallest label (sklearn sorts).
        const auto& dict = c.dictionary();
        std::size_t best = 0;
        for (std::size_t i = 1; i < nvalues; ++i)
            if (count[i] > count[best] || (count[i] == count[best] && dict[i] < dict[best]))
                best = i;
        s.label = dict[best];
    }

    params params_{};
};

static_assert(transformer<frame_imputer, frame>);

}  // namespace tessera::features
