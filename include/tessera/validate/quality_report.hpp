// tessera/validate/quality_report.hpp — a data-quality profile of a frame,
// rendered as text, JSON and a self-contained HTML page.
//
// Per column: null count and share (masked rows, and NaN in float columns),
// distinct non-null values, the most frequent value and its share (ties: the
// value seen first), constant (at most one distinct non-null value; an
// all-null column is constant) and near-constant (not constant, and the top
// value holds at least `near_constant_share` of the non-null values, default
// 0.95). Numeric columns (float64, float32, int64) add mean, std (ddof = 1,
// as pandas' describe), min, quartiles, max, and IQR outliers: values below
// q1 - 1.5 IQR or above q3 + 1.5 IQR, quartiles by numpy's default 'linear'
// method (kernels::nanquantile, bitwise numpy). Table level: rows, whole-row
// duplicates (pandas duplicated(keep='first'): a row equal to an earlier one;
// rows are hashed, then compared cell by cell, so a hash collision never
// counts), and the class balance of a named target column.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/io/html.hpp>
#include <tessera/io/json.hpp>
#include <tessera/kernels/rank.hpp>
#include <tessera/validate/class_balance.hpp>
#include <tessera/validate/detail/cells.hpp>
#include <tessera/validate/report.hpp>

namespace tessera::validate {

struct quality_options {
    std::string target{};               // class balance of this column (empty: none)
    std::vector<std::string> columns{}; // profile these (empty: all); duplicates use the same set
    double near_constant_share = 0.95;  // top share at or above this: near-constant, (0, 1]
    double iqr_multiplier = 1.5;        // outside [q1 - m IQR, q3 + m IQR]: outlier, >= 0
    std::size_t max_samples = 10;       // duplicate-row samples kept
    std::size_t histogram_bins = 20;    // per numeric column, [1, 1000]
};

struct column_quality {
    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::string name;
    dtype type = dtype::float64;
    std::size_t null_count = 0;
    double null_share = nan;  // over all rows
    std::size_t distinct = 0;
    std::string top_value{};  // empty when all null
    std::size_t top_count = 0;
    double top_share = nan;   // over non-null values
    bool constant = false;
    bool near_constant = false;
    bool numeric = false;     // the fields below are set
    double mean = nan, std = nan, min = nan, q25 = nan, median = nan, q75 = nan, max = nan;
    double lower_fence = nan, upper_fence = nan;
    std::size_t outlier_count = 0;
    double outlier_share = nan;  // over non-null values
    std::vector<double> histogram_edges{};   // `histogram_bins` equal-width bins over [min, max]
    std::vector<double> histogram_counts{};  // (last bin closed), for the HTML page
};

struct data_quality {
    std::size_t rows = 0;
    std::vector<column_quality> columns;
    std::size_t duplicate_rows = 0;
    double duplicate_share = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::pair<std::size_t, std::size_t>> duplicate_samples;  // (row, earlier equal row)
    std::optional<class_balance> balance;
    quality_options options;

    const column_quality& column(std::string_view name) const {
        for (const auto& c : columns)
            if (c.name == name) return c;
        throw errors::unknown_column("validate::data_quality::column", name);
    }
    // Columns flagged constant / near-constant / with outliers, as sentences.
    std::vector<std::string> findings() const;

    std::string to_text() const;
    std::string to_json(int indent = 2) const;
    // A self-contained page; `gate` (optional) adds its verdict at the top.
    std::string to_html(std::string_view title = "Data quality report",
                        const validation_report* gate = nullptr) const;
};

// ---- computation ----------------------------------------------------------------

namespace detail {

template <class P>
void numeric_summary(const P& policy, const column& c, std::size_t nonnull, double m,
                     std::size_t histogram_bins, column_quality& q) {
    q.numeric = true;
    if (nonnull == 0) return;
    const std::vector<double> v = numbers(c);
    const double probs[3] = {0.25, 0.5, 0.75};
    const auto qs = kernels::nanquantile(policy, std::span<const double>(v), std::span<const double>(probs));
    q.q25 = qs[0];
    q.median = qs[1];
    q.q75 = qs[2];
    double sum = 0.0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const double x : v)
        if (!std::isnan(x)) {
            sum += x;
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    q.min = lo;
    q.max = hi;
    q.mean = sum / static_cast<double>(nonnull);
    double ss = 0.0;
    for (const double x : v)
        if (!std::isnan(x)) ss += (x - q.mean) * (x - q.mean);
    q.std = nonnull > 1 ? std::sqrt(ss / static_cast<double>(nonnull - 1)) : column_quality::nan;
    const double iqr = q.q75 - q.q25;
    q.lower_fence = q.q25 - m * iqr;
    q.upper_fence = q.q75 + m * iqr;
    for (const double x : v)
        if (x < q.lower_fence || x > q.upper_fence) ++q.outlier_count;
    q.outlier_share = static_cast<double>(q.outlier_count) / static_cast<double>(nonnull);
    const std::size_t bins = lo < hi ? histogram_bins : 1;
    q.histogram_counts.assign(bins, 0.0);
    for (std::size_t b = 0; b <= bins; ++b)
        q.histogram_edges.push_back(b == bins ? hi : lo + (hi - lo) * static_cast<double>(b) / static_cast<double>(bins));
    for (const double x : v) {
        if (std::isnan(x)) continue;
        const double t = lo < hi ? (x - lo) / (hi - lo) * static_cast<double>(bins) : 0.0;
        q.histogram_counts[std::min(bins - 1, static_cast<std::size_t>(t))] += 1.0;
    }
}

inline void check_quality_options(const quality_options& o) {
    constexpr std::string_view where = "validate::quality_report";
    if (!(o.near_constant_share > 0.0 && o.near_constant_share <= 1.0))
        throw errors::out_of_range(where, "near_constant_share", o.near_constant_share, "(0, 1]");
    if (!(o.iqr_multiplier >= 0.0) || std::isinf(o.iqr_multiplier))
        throw errors::out_of_range(where, "iqr_multiplier", o.iqr_multiplier, "[0, inf)");
    if (o.histogram_bins < 1 || o.histogram_bins > 1000)
        throw errors::out_of_range(where, "histogram_bins", o.histogram_bins, "[1, 1000]");
}

// Rows equal to an earlier row (keep = 'first'): count and samples.
inline void find_duplicates(const std::vector<const column*>& cols, std::size_t rows,
                            data_quality& out) {
    const auto h = row_hashes(cols, rows);
    hash_groups table(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t g = table.insert(h[r], r, [&](std::size_t f) { return rows_equal(cols, f, cols, r); });
        const std::size_t first = table.first(g);
        if (first == r) continue;
        ++out.duplicate_rows;
        if (out.duplicate_samples.size() < out.options.max_samples) out.duplicate_samples.push_back({r, first});
    }
    out.duplicate_share = rows ? static_cast<double>(out.duplicate_rows) / static_cast<double>(rows)
                               : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail

template <exec::execution_policy P>
data_quality quality_report(const P& policy, const frame& f, const quality_options& o = {}) {
    using namespace detail;
    check_quality_options(o);
    data_quality out;
    out.options = o;
    out.rows = f.num_rows();
    const std::vector<std::string> names = o.columns.empty() ? f.names() : o.columns;
    std::vector<const column*> cols;
    for (const auto& name : names) {
        if (!f.contains(name)) throw errors::unknown_column("validate::quality_report", name);
        cols.push_back(&f.column(name));
    }
    if (!o.target.empty() && !f.contains(o.target))
        throw errors::unknown_column("validate::quality_report: target", o.target);
    for (const column* c : cols) {
        column_quality q;
        q.name = c->name();
        q.type = c->type();
        const value_groups g = group_values(*c);
        std::size_t nonnull = 0;
        for (const std::size_t k : g.count) nonnull += k;
        q.null_count = c->size() - nonnull;
        q.null_share = out.rows ? static_cast<double>(q.null_count) / static_cast<double>(out.rows)
                                : column_quality::nan;
        q.distinct = g.count.size();
        if (!g.count.empty()) {
            const auto top = static_cast<std::size_t>(
                std::max_element(g.count.begin(), g.count.end()) - g.count.begin());
            q.top_value = text_at(*c, g.first_row[top]);
            q.top_count = g.count[top];
            q.top_share = static_cast<double>(q.top_count) / static_cast<double>(nonnull);
        }
        q.constant = q.distinct <= 1;
        q.near_constant = !q.constant && q.top_share >= o.near_constant_share;
        if (is_numeric(c->type())) numeric_summary(policy, *c, nonnull, o.iqr_multiplier, o.histogram_bins, q);
        out.columns.push_back(std::move(q));
    }
    find_duplicates(cols, out.rows, out);
    if (!o.target.empty()) out.balance = class_imbalance(f, o.target);
    return out;
}
inline data_quality quality_report(const frame& f, const quality_options& o = {}) {
    return quality_report(exec::par, f, o);
}

// ---- rendering ------------------------------------------------------------------

namespace detail {

inline std::string pad(std::string s, std::size_t w) {
    if (s.size() < w) s.append(w - s.size(), ' ');
    return s + "  ";
}
inline std::string num(double v) { return io::html::format_number(v, 6); }
// "1 duplicate row", "3 duplicate rows".
inline std::string count_of(std::size_t n, std::string_view noun) {
    return tessera::detail::concat(n, " ", noun, n == 1 ? "" : "s");
}

}  // namespace detail

inline std::vector<std::string> data_quality::findings() const {
    using tessera::detail::concat;
    using detail::percent;
    std::vector<std::string> out;
    if (duplicate_rows)
        out.push_back(concat(detail::count_of(duplicate_rows, "duplicate row"), " (", percent(duplicate_share), ")"));
    for (const auto& c : columns) {
        if (c.null_count == rows && rows)
            out.push_back(concat("'", c.name, "' is entirely null"));
        else if (c.constant)
            out.push_back(concat("'", c.name, "' is constant (", c.top_value, ")"));
        else if (c.near_constant)
            out.push_back(concat("'", c.name, "' is near-constant: '", c.top_value, "' in ",
                                 percent(c.top_share), " of non-null rows"));
        if (c.null_count && c.null_count < rows)
            out.push_back(concat("'", c.name, "' has ", detail::count_of(c.null_count, "null"), " (",
                                 percent(c.null_share), ")"));
        if (c.outlier_count)
            out.push_back(concat("'", c.name, "' has ", detail::count_of(c.outlier_count, "IQR outlier"), " (",
                                 percent(c.outlier_share), ") outside [",
                                 detail::num(c.lower_fence), ", ",
                                 detail::num(c.upper_fence), "]"));
    }
    if (balance && balance->classes() > 1 && balance->imbalance_ratio >= 3.0)
        out.push_back(concat("target '", balance->target, "' is imbalanced: ratio ",
                             io::html::format_number(balance->imbalance_ratio, 3),
                             " between the largest and smallest class"));
    return out;
}

inline std::string data_quality::to_text() const {
    using detail::num;
    using detail::pad;
    using detail::percent;
    using tessera::detail::concat;
    std::string s = concat("Data quality: ", rows, " rows x ", columns.size(), " columns\n");
    s += concat("Duplicate rows: ", duplicate_rows, " (", percent(duplicate_share), ")");
    for (std::size_t i = 0; i < duplicate_samples.size() && i < 3; ++i)
        s += concat(i ? ", " : "  e.g. ", "row ", duplicate_samples[i].first, " = row ",
                    duplicate_samples[i].second);
    s += "\n\n";
    std::size_t w = 6;
    for (const auto& c : columns) w = std::max(w, std::min<std::size_t>(c.name.size(), 32));
    s += pad("column", w) + pad("type", 11) + pad("nulls", 7) + pad("distinct", 8) + "top value (share)\n";
    for (const auto& c : columns) {
        std::string flags = c.constant ? "  [constant]" : c.near_constant ? "  [near-constant]" : "";
        s += pad(c.name, w) + pad(std::string(dtype_name(c.type)), 11) + pad(percent(c.null_share), 7) +
             pad(std::to_string(c.distinct), 8) +
             (c.top_count ? io::html::detail::truncate(c.top_value, 24) + " (" + percent(c.top_share) + ")"
                          : std::string("-")) +
             flags + "\n";
    }
    bool any_numeric = false;
    for (const auto& c : columns) any_numeric = any_numeric || c.numeric;
    if (any_numeric) {
        s += "\n" + pad("numeric", w);
        for (const char* h : {"mean", "std", "min", "25%", "50%", "75%", "max"}) s += pad(h, 11);
        s += "outliers\n";
        for (const auto& c : columns) {
            if (!c.numeric) continue;
            s += pad(c.name, w);
            for (const double v : {c.mean, c.std, c.min, c.q25, c.median, c.q75, c.max}) s += pad(num(v), 11);
            s += concat(c.outlier_count, " (", percent(c.outlier_share), ")\n");
        }
    }
    if (balance) {
        s += concat("\nClass balance of '", balance->target, "' (imbalance ratio ",
                    num(balance->imbalance_ratio), "):\n");
        for (std::size_t i = 0; i < balance->classes(); ++i)
            s += concat("  ", pad(balance->labels[i], 12), pad(std::to_string(balance->counts[i]), 8),
                        pad(percent(balance->shares[i]), 7), "suggested weight ",
                        num(balance->weights[i]), "\n");
        if (balance->null_count) s += concat("  (", balance->null_count, " rows without a class)\n");
    }
    const auto f = findings();
    if (!f.empty()) {
        s += "\nFindings:\n";
        for (const auto& x : f) s += "  - " + x + "\n";
    }
    return s;
}

inline std::string data_quality::to_json(int indent) const {
    io::json_writer w({.indent = indent});
    w.begin_object().field("rows", rows).field("columns_count", columns.size());
    w.key("duplicates").begin_object().field("count", duplicate_rows).field("share", duplicate_share);
    w.key("samples").begin_array();
    for (const auto& [r, first] : duplicate_samples)
        w.begin_object().field("row", r).field("first_equal_row", first).end_object();
    w.end_array().end_object();
    w.key("columns").begin_array();
    for (const auto& c : columns) {
        w.begin_object()
            .field("name", c.name)
            .field("type", dtype_name(c.type))
            .field("null_count", c.null_count)
            .field("null_share", c.null_share)
            .field("distinct", c.distinct)
            .field("top_value", c.top_value)
            .field("top_count", c.top_count)
            .field("top_share", c.top_share)
            .field("constant", c.constant)
            .field("near_constant", c.near_constant);
        if (c.numeric) {
            w.key("stats").begin_object()
                .field("mean", c.mean).field("std", c.std).field("min", c.min)
                .field("25%", c.q25).field("50%", c.median).field("75%", c.q75).field("max", c.max)
                .end_object();
            w.key("outliers").begin_object()
                .field("count", c.outlier_count).field("share", c.outlier_share)
                .field("lower_fence", c.lower_fence).field("upper_fence", c.upper_fence)
                .end_object();
        }
        w.end_object();
    }
    w.end_array();
    if (balance) {
        w.key("class_balance").begin_object().field("target", balance->target);
        w.key("labels").array(balance->labels).key("counts").array(balance->counts);
        w.key("shares").array(balance->shares).key("weights").array(balance->weights);
        w.field("null_count", balance->null_count).field("imbalance_ratio", balance->imbalance_ratio);
        w.end_object();
    }
    w.key("findings").array(findings());
    w.end_object();
    return w.str();
}

inline std::string data_quality::to_html(std::string_view title, const validation_report* gate) const {
    namespace h = io::html;
    using detail::num;
    using detail::percent;
    using tessera::detail::concat;
    h::page p(std::string(title), concat(rows, " rows \xC3\x97 ", columns.size(), " columns \xC2\xB7 ",
                                         detail::count_of(duplicate_rows, "duplicate row"), " (",
                                         percent(duplicate_share), ")"));
    if (gate) {
        const auto bad = gate->failures();
        p.badge(bad.empty(), bad.empty() ? concat("all ", gate->checks.size(), " gate checks passed")
                                         : concat(bad.size(), " of ", gate->checks.size(),
                                                  " gate checks failed"));
        std::vector<std::string> lines;
        for (const auto& c : bad) lines.push_back(c.describe());
        if (!lines.empty()) p.list(lines);
    }
    const auto f = findings();
    p.heading("Findings");
    if (f.empty()) p.paragraph("Nothing stands out: no duplicates, nulls, constant columns or outliers.");
    else p.list(f);

    std::vector<h::bar> nulls, outliers;
    for (const auto& c : columns) {
        nulls.push_back({c.name, c.null_share});
        if (c.numeric) outliers.push_back({c.name, c.outlier_share});
    }
    p.heading("Null share per column");
    p.raw(h::bar_chart(nulls, {.percent = true}));

    p.heading("Columns");
    std::vector<std::vector<h::cell>> rows_;
    for (const auto& c : columns) {
        const std::string flag = c.constant ? "constant" : c.near_constant ? "near-constant" : "";
        rows_.push_back({c.name, std::string(dtype_name(c.type)),
                         {percent(c.null_share), c.null_count ? "num warn" : "num"},
                         {std::to_string(c.distinct), "num"},
                         c.top_count ? h::detail::truncate(c.top_value, 40) : std::string("-"),
                         {percent(c.top_share), "num"},
                         {flag, flag.empty() ? "" : "warn"}});
    }
    p.table({"column", "type", "nulls", "distinct", "top value", "top share", "flag"}, rows_);

    if (!outliers.empty()) {
        p.heading("Numeric columns");
        std::vector<std::vector<h::cell>> stats;
        for (const auto& c : columns) {
            if (!c.numeric) continue;
            std::vector<h::cell> r{c.name};
            for (const double v : {c.mean, c.std, c.min, c.q25, c.median, c.q75, c.max})
                r.push_back({num(v), "num"});
            r.push_back({concat(c.outlier_count, " (", percent(c.outlier_share), ")"),
                         c.outlier_count ? "num warn" : "num"});
            stats.push_back(std::move(r));
        }
        p.table({"column", "mean", "std", "min", "25%", "50%", "75%", "max", "IQR outliers"}, stats);
        p.raw(h::bar_chart(outliers, {.title = concat("IQR outlier share (", options.iqr_multiplier,
                                                      " \xC3\x97 IQR fences)"),
                                      .percent = true}));
        p.heading("Distributions", 3);
        for (const auto& c : columns) {
            if (!c.numeric || c.histogram_counts.empty()) continue;
            p.raw(h::histogram(c.histogram_edges, c.histogram_counts, {},
                               {.title = concat(c.name, ": ", rows - c.null_count, " non-null values"),
                                .height = 160,
                                .reference_label = "count"}));
        }
    }
    if (duplicate_rows) {
        p.heading("Duplicate rows");
        std::vector<std::vector<h::cell>> d;
        for (const auto& [r, first] : duplicate_samples)
            d.push_back({{std::to_string(r), "num"}, {std::to_string(first), "num"}});
        p.table({"row", "equals earlier row"}, d);
    }
    if (balance) {
        p.heading(concat("Class balance of '", balance->target, "'"));
        std::vector<h::bar> bars;
        std::vector<std::vector<h::cell>> t;
        for (std::size_t i = 0; i < balance->classes(); ++i) {
            bars.push_back({balance->labels[i], balance->shares[i]});
            t.push_back({balance->labels[i], {std::to_string(balance->counts[i]), "num"},
                         {percent(balance->shares[i]), "num"}, {num(balance->weights[i]), "num"}});
        }
        p.raw(h::bar_chart(bars, {.percent = true}));
        p.table({"class", "count", "share", "suggested weight (n / (k \xC2\xB7 count))"}, t);
        p.paragraph(concat("Imbalance ratio (largest / smallest class): ", num(balance->imbalance_ratio),
                           balance->null_count ? concat("; ", balance->null_count, " rows without a class")
                                               : std::string()));
    }
    return p.str();
}

}  // namespace tessera::validate
