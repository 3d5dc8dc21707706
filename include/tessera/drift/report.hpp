// tessera/drift/report.hpp — what drift::monitor's check returns, and its
// renderings: plain text, JSON, and a self-contained HTML page with one
// reference-vs-current histogram per column drawn as inline SVG.
//
// Like Evidently's ValueDrift calculation, each column's entry states the
// method and the threshold actually used, the statistic, the p-value (p-value
// tests) or the distance, and the verdict; the dataset verdict is "drift" when
// the share of drifted columns reaches `drift_share` (Evidently's
// DatasetDriftMetric, default 0.5), and is then read as "retrain recommended".
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/drift/detail/column_profile.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/io/html.hpp>
#include <tessera/io/json.hpp>

namespace tessera::drift {

enum class column_status : std::uint8_t {
    tested = 0,        // a test ran; `result` holds it
    missing = 1,       // in the reference, not in the current frame
    type_changed = 2,  // present, but numerical <-> categorical (or bool <-> categorical)
    empty = 3,         // present, but no non-null finite value to test
    unsupported = 4,   // a timestamp column: reported, never tested
};

inline constexpr std::string_view column_status_name(column_status s) noexcept {
    switch (s) {
        case column_status::tested: return "tested";
        case column_status::missing: return "missing";
        case column_status::type_changed: return "type_changed";
        case column_status::empty: return "empty";
        case column_status::unsupported: return "unsupported";
    }
    return "unknown";
}

// One column's verdict and picture.
struct column_drift {
    std::string column;
    column_status status = column_status::tested;
    feature_kind kind = feature_kind::numerical;
    dtype reference_type = dtype::float64;
    dtype current_type = dtype::float64;  // = reference_type when missing
    std::size_t reference_count = 0;  // values the test used (non-null, finite)
    std::size_t current_count = 0;
    std::size_t n_unique = 0;  // distinct values of both sides, capped at 21 (read "> 20")
    test_result result;        // method, statistic, p-value, score, threshold, verdict
    bool threshold_learned = false;  // threshold from reference chunks (mean + k std)
    std::string note;                // why a column was not tested, or a type change
    // The picture: either numerical bins (edges, with -inf and +inf outer edges
    // for current mass outside the reference range) or category labels (the
    // last one "(unseen)"), with the share of each side in each.
    std::vector<double> edges;
    std::vector<std::string> categories;
    std::vector<double> reference_share;
    std::vector<double> current_share;

    bool drifted() const noexcept { return result.drifted; }
};

struct drift_report {
    std::vector<column_drift> columns;       // every reference column, in reference order
    std::vector<std::string> extra_columns;  // in the current frame only: not tested
    std::size_t reference_rows = 0;
    std::size_t current_rows = 0;
    std::size_t drifted_columns = 0;
    double share_drifted = 0.0;  // drifted_columns / columns.size()
    double drift_share = 0.5;    // the dataset threshold used
    bool dataset_drift = false;  // share_drifted >= drift_share

    bool retrain_recommended() const noexcept { return dataset_drift; }

    const column_drift& column(std::string_view name) const {
        for (const auto& c : columns)
            if (c.column == name) return c;
        throw errors::unknown_column("drift_report::column", name);
    }

    std::string verdict() const {
        return tessera::detail::concat(
            drifted_columns, " of ", columns.size(), " columns drifted (",
            io::html::format_percent(share_drifted), "; dataset threshold ",
            io::html::format_percent(drift_share), "): ",
            dataset_drift ? "DATASET DRIFT, retrain recommended" : "no dataset drift");
    }

    std::string to_text() const;
    std::string to_json(int indent = 2) const;
    std::string to_html(std::string title = "Data drift report") const { return html_page(std::move(title)).str(); }
    // Written to "<path>.tmp" and renamed (io::html::page::save); io_error on failure.
    void save_html(const std::filesystem::path& path,
                   std::string title = "Data drift report") const {
        html_page(std::move(title)).save(path);
    }
    io::html::page html_page(std::string title = "Data drift report") const;
};

namespace detail::report {

inline std::string num(double v) { return io::html::format_number(v, 4); }

inline std::string pad(std::string s, std::size_t w) {
    if (s.size() < w) s.append(w - s.size(), ' ');
    return s;
}

inline std::string test_label(const column_drift& c) {
    return c.status == column_status::tested ? c.result.method
                                             : std::string(column_status_name(c.status));
}

inline std::string threshold_label(const column_drift& c) {
    if (c.status != column_status::tested) return "-";
    std::string s = num(c.result.threshold);
    if (c.threshold_learned) s += " (learned)";
    return s;
}

inline std::string drift_label(const column_drift& c) {
    if (c.status == column_status::tested) return c.drifted() ? "DRIFT" : "no";
    return c.drifted() ? "DRIFT (schema)" : "not tested";
}

}  // namespace detail::report

inline std::string drift_report::to_text() const {
    namespace r = detail::report;
    std::string s = "Data drift: " + verdict() + "\n";
    s += tessera::detail::concat("reference rows ", reference_rows, ", current rows ", current_rows,
                                 "\n\n");
    std::size_t w = 6;
    for (const auto& c : columns) w = std::max(w, c.column.size());
    w += 2;
    s += r::pad("column", w) + r::pad("kind", 13) + r::pad("test", 20) + r::pad("statistic", 12) +
         r::pad("p-value", 12) + r::pad("threshold", 18) + "drift\n";
    for (const auto& c : columns) {
        const bool t = c.status == column_status::tested;
        s += r::pad(c.column, w) + r::pad(std::string(feature_kind_name(c.kind)), 13) +
             r::pad(r::test_label(c), 20) + r::pad(t ? r::num(c.result.statistic) : "-", 12) +
             r::pad(t ? r::num(c.result.p_value) : "-", 12) + r::pad(r::threshold_label(c), 18) +
             r::drift_label(c) + "\n";
    }
    bool any_note = false;
    for (const auto& c : columns)
        if (!c.note.empty()) {
            if (!any_note) s += "\nNotes:\n";
            any_note = true;
            s += "  " + c.column + ": " + c.note + "\n";
        }
    if (!extra_columns.empty()) {
        s += "\nColumns not in the reference (not tested):";
        for (const auto& e : extra_columns) s += " " + e;
        s += "\n";
    }
    return s;
}

inline std::string drift_report::to_json(int indent) const {
    io::json_writer j({.indent = indent});
    j.begin_object();
    j.field("dataset_drift", dataset_drift)
        .field("retrain_recommended", retrain_recommended())
        .field("drifted_columns", drifted_columns)
        .field("columns_total", columns.size())
        .field("share_drifted", share_drifted)
        .field("drift_share", drift_share)
        .field("reference_rows", reference_rows)
        .field("current_rows", current_rows);
    j.key("columns").begin_array();
    for (const auto& c : columns) {
        j.begin_object()
            .field("column", c.column)
            .field("status", column_status_name(c.status))
            .field("kind", feature_kind_name(c.kind))
            .field("reference_type", dtype_name(c.reference_type))
            .field("current_type", dtype_name(c.current_type))
            .field("drifted", c.drifted());
        if (c.status == column_status::tested) {
            j.field("method", c.result.method)
                .field("score_kind", score_kind_name(c.result.kind))
                .field("statistic", c.result.statistic)
                .field("p_value", c.result.p_value)
                .field("score", c.result.score)
                .field("threshold", c.result.threshold)
                .field("threshold_learned", c.threshold_learned)
                .field("reference_count", c.reference_count)
                .field("current_count", c.current_count)
                .field("n_unique", c.n_unique);
            if (!c.edges.empty()) j.key("bin_edges").array(c.edges);
            if (!c.categories.empty()) j.key("categories").array(c.categories);
            j.key("reference_share").array(c.reference_share);
            j.key("current_share").array(c.current_share);
        }
        if (!c.note.empty()) j.field("note", c.note);
        j.end_object();
    }
    j.end_array();
    j.key("extra_columns").array(extra_columns);
    j.end_object();
    return j.str();
}

inline io::html::page drift_report::html_page(std::string title) const {
    namespace r = detail::report;
    io::html::page p(std::move(title),
                     tessera::detail::concat("reference rows ", reference_rows, ", current rows ",
                                             current_rows));
    p.badge(!dataset_drift, verdict());
    std::vector<io::html::bar> bars;
    std::vector<std::vector<io::html::cell>> rows;
    for (const auto& c : columns) {
        const bool t = c.status == column_status::tested;
        rows.push_back({c.column, std::string(feature_kind_name(c.kind)), r::test_label(c),
                        {t ? r::num(c.result.statistic) : "-", "num"},
                        {t ? r::num(c.result.p_value) : "-", "num"},
                        {r::threshold_label(c), "num"},
                        {r::drift_label(c), c.drifted() ? "bad" : "good"},
                        c.note});
    }
    p.heading("Columns");
    p.table({"column", "kind", "test", "statistic", "p-value", "threshold", "drift", "note"}, rows);
    if (!extra_columns.empty()) {
        p.heading("Columns not in the reference (not tested)");
        p.list(extra_columns);
    }
    p.heading("Reference vs current, per column");
    for (const auto& c : columns) {
        if (c.status != column_status::tested || c.reference_share.empty()) continue;
        io::html::histogram_options o;
        o.title = tessera::detail::concat(c.column, ": ", c.result.method, " ",
                                          r::num(c.result.score), " vs threshold ",
                                          r::num(c.result.threshold),
                                          c.drifted() ? " (drift)" : "");
        o.percent = true;
        p.raw(c.edges.empty()
                  ? io::html::grouped_bars(c.categories, c.reference_share, c.current_share, o)
                  : io::html::histogram(c.edges, c.reference_share, c.current_share, o));
    }
    return p;
}

}  // namespace tessera::drift
