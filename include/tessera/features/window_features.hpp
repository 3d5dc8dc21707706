// tessera/features/window_features.hpp — lag and rolling-window features per group.
//
// Rows are split by the group column (optional; a null key puts a row in no
// group) and ordered within each group by the order column (optional: row
// order; ties keep row order; a null time puts a row in no group). For a row
// at position t of its group's sequence v[0..m):
//   lag k:           v[t-k], NaN when t < k
//   rolling w stat:  over v[t-w .. t-1] (the w rows *before* t, never t itself:
//                    pandas' groupby(g)[c].shift(1).rolling(w, min_periods)),
//                    NaN values skipped; NaN unless at least min_periods
//                    (default w, as pandas) values are present;
//                    mean, std (ddof 1: NaN for fewer than 2 values), min, max.
// So the first rows of each group get NaN, and no output of row t reads v[t]
// or anything later: no look-ahead. A row in no group gets NaN everywhere.
// Outputs are float64 columns appended after the input's columns, in the
// input's row order, named `<col>.lag<k>` and `<col>.roll<w>.<stat>`.
// A transform sees only the frame it is given (no history from fit).
//
// Each value is computed directly from its window in window order, so every
// policy gives the same bits; exec::par runs groups in parallel.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/frame_columns.hpp>

namespace tessera::features {

enum class rolling_stat : std::uint8_t { mean = 0, std = 1, min = 2, max = 3 };

namespace detail::window {

constexpr std::string_view stat_name(rolling_stat s) noexcept {
    switch (s) {
        case rolling_stat::mean: return "mean";
        case rolling_stat::std: return "std";
        case rolling_stat::min: return "min";
        case rolling_stat::max: return "max";
    }
    return "?";
}

constexpr bool value_type(dtype t) noexcept {
    return t == dtype::float64 || t == dtype::float32 || t == dtype::int64 || t == dtype::boolean;
}
constexpr bool order_type(dtype t) noexcept {
    return t == dtype::timestamp || t == dtype::int64 || t == dtype::float64 || t == dtype::float32;
}

// The column as double, NaN for nulls.
inline std::vector<double> as_double(const column& c) {
    std::vector<double> v(c.size());
    const auto valid = c.validity();
    const auto fill = [&](auto values) {
        for (std::size_t r = 0; r < v.size(); ++r)
            v[r] = valid.empty() || valid[r] ? static_cast<double>(values[r])
                                             : std::numeric_limits<double>::quiet_NaN();
    };
    switch (c.type()) {
        case dtype::float64: fill(c.values<double>()); break;
        case dtype::float32: fill(c.values<float>()); break;
        case dtype::boolean: fill(c.values<bool>()); break;
        default: fill(c.values<std::int64_t>()); break;
    }
    return v;
}

// One statistic of the non-NaN values among x[b, e).
inline double stat(const double* x, std::size_t b, std::size_t e, rolling_stat s,
                   std::size_t min_periods) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::size_t n = 0;
    double sum = 0.0, lo = 0.0, hi = 0.0;
    for (std::size_t i = b; i < e; ++i) {
        const double v = x[i];
        if (std::isnan(v)) continue;
        lo = n == 0 ? v : std::min(lo, v);
        hi = n == 0 ? v : std::max(hi, v);
        sum += v;
        ++n;
    }
    if (n == 0 || n < min_periods) return nan;
    switch (s) {
        case rolling_stat::mean: return sum / static_cast<double>(n);
        case rolling_stat::min: return lo;
        case rolling_stat::max: return hi;
        case rolling_stat::std: {
            if (n < 2) return nan;
            const double m = sum / static_cast<double>(n);
            double q = 0.0;
            for (std::size_t i = b; i < e; ++i)
                if (!std::isnan(x[i])) q += (x[i] - m) * (x[i] - m);
            return std::sqrt(q / static_cast<double>(n - 1));
        }
    }
    return nan;
}

}  // namespace detail::window

// The fitted stage: the checked options and the input dtypes. Immutable; thread-safe.
class window_features_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.window_features";
    static constexpr std::uint32_t payload_version = 1;

    struct options {
        std::vector<std::string> columns;
        std::vector<dtype> types;
        std::string group_by;  // empty: one group
        dtype group_type = dtype::categorical;
        std::string order_by;  // empty: row order
        dtype order_type = dtype::timestamp;
        std::vector<std::uint64_t> lags;
        std::vector<std::uint64_t> windows;
        std::vector<rolling_stat> stats;
        std::uint64_t min_periods = 0;  // 0: the window size
    };

    explicit window_features_fitted(options o) : o_(std::move(o)) {}
    const options& get_options() const noexcept { return o_; }

    // The names of the appended columns, in order: per value column its lags,
    // then per window its statistics.
    std::vector<std::string> feature_names_out() const {
        std::vector<std::string> out;
        for (const auto& c : o_.columns) {
            for (const auto k : o_.lags) out.push_back(tessera::detail::concat(c, ".lag", k));
            for (const auto w : o_.windows)
                for (const auto s : o_.stats)
                    out.push_back(tessera::detail::concat(c, ".roll", w, ".",
                                                          detail::window::stat_name(s)));
        }
        return out;
    }

    template <exec::execution_policy P>
    frame transform(const P& policy, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            constexpr std::string_view where = "window_features::transform";
            namespace fc = detail::frame_cols;
            const std::size_t n = X.num_rows();
            std::vector<std::vector<double>> values;
            for (std::size_t j = 0; j < o_.columns.size(); ++j)
                values.push_back(detail::window::as_double(
                    fc::fitted_column(X, o_.columns[j], o_.types[j], where)));
            const auto groups = group_rows(X, where);
            const std::size_t per_col = o_.lags.size() + o_.windows.size() * o_.stats.size();
            std::vector<std::vector<double>> out(
                o_.columns.size() * per_col,
                std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()));
            const auto run = [&](std::size_t g0, std::size_t g1) {
                std::vector<double> seq;
                for (std::size_t g = g0; g < g1; ++g) {
                    const auto& rows = groups[g];
                    for (std::size_t j = 0; j < values.size(); ++j) {
                        seq.resize(rows.size());
                        for (std::size_t t = 0; t < rows.size(); ++t) seq[t] = values[j][rows[t]];
                        fill_group(seq, rows, &out[j * per_col]);
                    }
                }
            };
            // Groups write disjoint rows, so any cut gives the same bits.
            const std::size_t avg = groups.empty() ? 1 : n / groups.size();
            fc::for_items(policy, groups.size(), avg * values.size(), run);
            const auto names = feature_names_out();
            std::vector<column> appended;
            for (std::size_t i = 0; i < out.size(); ++i)
                appended.push_back(column::float64(names[i], std::move(out[i])));
            return fc::replace_columns(X, {}, std::move(appended));
        }
    }
    frame transform(const frame& X) const { return transform(exec::par, X); }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put(o_.columns);
        std::vector<std::uint8_t> t;
        for (const dtype d : o_.types) t.push_back(static_cast<std::uint8_t>(d));
        w.put(t);
        w.put(o_.group_by);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(o_.group_type));
        w.put(o_.order_by);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(o_.order_type));
        w.put(o_.lags);
        w.put(o_.windows);
        std::vector<std::uint8_t> s;
        for (const auto v : o_.stats) s.push_back(static_cast<std::uint8_t>(v));
        w.put(s);
        w.put<std::uint64_t>(o_.min_periods);
    }
    static window_features_fitted load(io::reader& r) {
        constexpr std::string_view owner = "window_features";
        namespace fc = detail::frame_cols;
        fc::check_version(r, owner, payload_version);
        options o;
        o.columns = r.get_strings("columns");
        for (const auto v : r.get_vector<std::uint8_t>("dtypes")) {
            if (v > 5) throw format_error(tessera::detail::concat(owner, ": dtype code ", unsigned{v}));
            o.types.push_back(static_cast<dtype>(v));
        }
        o.group_by = r.get_string("group_by");
        o.group_type = fc::get_dtype(r, owner);
        o.order_by = r.get_string("order_by");
        o.order_type = fc::get_dtype(r, owner);
        o.lags = r.get_vector<std::uint64_t>("lags");
        o.windows = r.get_vector<std::uint64_t>("windows");
        for (const auto v : r.get_vector<std::uint8_t>("stats")) {
            if (v > 3) throw format_error(tessera::detail::concat(owner, ": stat code ", unsigned{v}));
            o.stats.push_back(static_cast<rolling_stat>(v));
        }
        o.min_periods = r.get<std::uint64_t>("min_periods");
        if (o.types.size() != o.columns.size())
            throw format_error(tessera::detail::concat(owner, ": ", o.columns.size(),
                                                       " columns but ", o.types.size(), " dtypes"));
        return window_features_fitted(std::move(o));
    }

private:
    // The rows of each group, ordered by the order column (stable); groups in
    // order of first appearance.
    std::vector<std::vector<std::size_t>> group_rows(const frame& X, std::string_view where) const {
        namespace fc = detail::frame_cols;
        const std::size_t n = X.num_rows();
        std::vector<std::int32_t> gid(n, 0);
        std::size_t count = n > 0 ? 1 : 0;
        if (!o_.group_by.empty()) {
            auto rl = fc::labels_of(fc::fitted_column(X, o_.group_by, o_.group_type, where));
            gid = std::move(rl.id);
            count = rl.labels.size();
        }
        std::vector<double> order;
        if (!o_.order_by.empty()) {
            const column& c = fc::fitted_column(X, o_.order_by, o_.order_type, where);
            if (c.type() == dtype::timestamp || c.type() == dtype::int64) {
                // Ranks of the int64 keys, so no precision is lost in a double.
                const auto v = c.values<std::int64_t>();
                std::vector<std::size_t> idx(n);
                for (std::size_t r = 0; r < n; ++r) idx[r] = r;
                std::stable_sort(idx.begin(), idx.end(),
                                 [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
                order.assign(n, 0.0);
                for (std::size_t i = 0; i < n; ++i)
                    order[idx[i]] = i > 0 && v[idx[i]] == v[idx[i - 1]] ? order[idx[i - 1]]
                                                                         : static_cast<double>(i);
                for (std::size_t r = 0; r < n; ++r)
                    if (c.is_null(r)) order[r] = std::numeric_limits<double>::quiet_NaN();
            } else {
                order = detail::window::as_double(c);
            }
        }
        std::vector<std::vector<std::size_t>> groups(count);
        for (std::size_t r = 0; r < n; ++r) {
            if (gid[r] < 0 || (!order.empty() && std::isnan(order[r]))) continue;
            groups[static_cast<std::size_t>(gid[r])].push_back(r);
        }
        if (!order.empty())
            for (auto& g : groups)
                std::stable_sort(g.begin(), g.end(),
                                 [&](std::size_t a, std::size_t b) { return order[a] < order[b]; });
        return groups;
    }

    // The features of one value column over one group's ordered sequence.
    void fill_group(const std::vector<double>& seq, const std::vector<std::size_t>& rows,
                    std::vector<double>* out) const {
        const std::size_t m = seq.size();
        std::size_t o = 0;
        for (const auto k : o_.lags) {
            for (std::size_t t = k; t < m; ++t) out[o][rows[t]] = seq[t - k];
            ++o;
        }
        for (const auto w : o_.windows) {
            const std::size_t need = o_.min_periods ? o_.min_periods : w;
            for (const auto s : o_.stats) {
                for (std::size_t t = 0; t < m; ++t)
                    out[o][rows[t]] = detail::window::stat(seq.data(), t >= w ? t - w : 0, t, s, need);
                ++o;
            }
        }
    }

    options o_;
};

// The estimator:
//   features::window_features{{.columns = {"sales"}, .group_by = "store", .order_by = "ts",
//                              .lags = {1, 7}, .windows = {7}}}
class window_features {
public:
    struct params {
        std::vector<std::string> columns{};  // float64, float32, int64 or bool value columns
        std::string group_by{};              // categorical, bool or int64; empty: one group
        std::string order_by{};              // timestamp, int64, float64 or float32; empty: row order
        std::vector<std::uint64_t> lags{};     // each >= 1
        std::vector<std::uint64_t> windows{};  // each >= 1
        std::vector<rolling_stat> stats{rolling_stat::mean, rolling_stat::std, rolling_stat::min,
                                        rolling_stat::max};
        std::uint64_t min_periods = 0;  // 0: the window size (pandas); else <= every window
    };
    using fitted = window_features_fitted;

    window_features() = default;
    explicit window_features(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P>
    fitted fit(const P&, const frame& X) const {
        constexpr std::string_view owner = "window_features";
        constexpr std::string_view where = "window_features::fit";
        namespace fc = detail::frame_cols;
        const auto& p = params_;
        if (p.columns.empty())
            throw config_error("window_features: parameter 'columns' is empty; name the value columns",
                               "columns");
        if (p.lags.empty() && (p.windows.empty() || p.stats.empty()))
            throw config_error("window_features: no features requested: give 'lags', or "
                               "'windows' and 'stats'",
                               "lags");
        for (const auto k : p.lags)
            if (k < 1) throw errors::out_of_range(owner, "lags", k, ">= 1");
        for (const auto w : p.windows) {
            if (w < 1) throw errors::out_of_range(owner, "windows", w, ">= 1");
            if (p.min_periods > w)
                throw errors::out_of_range(owner, "min_periods", p.min_periods,
                                           tessera::detail::concat("0 (the window) or [1, ", w,
                                                                   "] (the smallest window)"));
        }
        fitted::options o;
        o.columns = fc::resolve(X, p.columns, where, "float64, float32, int64 or bool",
                                detail::window::value_type, [](dtype) { return false; });
        for (const auto& c : o.columns) o.types.push_back(X.column(c).type());
        const auto one = [&](const std::string& name, std::string_view expected, auto ok) {
            return X.column(fc::resolve(X, {name}, where, expected, ok, [](dtype) { return false; })[0]).type();
        };
        if (!p.group_by.empty())
            o.group_type = one(p.group_by, "categorical, bool or int64", fc::encodable);
        if (!p.order_by.empty())
            o.order_type = one(p.order_by, "timestamp, int64, float64 or float32",
                               detail::window::order_type);
        o.group_by = p.group_by;
        o.order_by = p.order_by;
        o.lags = p.lags;
        o.windows = p.windows;
        o.stats = p.stats;
        o.min_periods = p.min_periods;
        return fitted(std::move(o));
    }
    fitted fit(const frame& X) const { return fit(exec::par, X); }

private:
    params params_{};
};

static_assert(transformer<window_features, frame>);

}  // namespace tessera::features
