// tessera/io/html.hpp — self-contained HTML report pages and inline-SVG charts.
//
// A report is one file: CSS inline in <style>, charts as inline <svg>, no
// scripts, fonts, images or links to fetch, so it opens offline, in a mail
// attachment or a CI artifact viewer. Everything a caller passes as text is
// escaped (`escape`: & < > " '); only `page::raw` inserts markup as given, and
// is meant for the charts below.
//
// Charts:
// - `bar_chart`: one horizontal bar per label (null shares, outlier shares,
//   PSI per feature); an optional threshold draws a dashed line and colours
//   the bars beyond it.
// - `histogram`: two series (reference vs current) over shared bin edges, the
//   drift monitor's picture. Bins are drawn in equal-width slots labelled with
//   their edges, so quantile bins and infinite outer edges draw as well as
//   uniform ones; `grouped_bars` is the same picture for categories.
// Each bar carries an SVG <title>, which browsers show as a tooltip with the
// exact value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>

namespace tessera::io::html {

// Text for element content and attribute values.
inline std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// `v` with `significant` digits (%g style); "n/a" for NaN, "inf"/"-inf".
inline std::string format_number(double v, int significant = 4) {
    if (std::isnan(v)) return "n/a";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", std::clamp(significant, 1, 17), v);
    return buf;
}
// 0.1234 -> "12.3%".
inline std::string format_percent(double share, int decimals = 1) {
    if (!std::isfinite(share)) return format_number(share);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f%%", std::clamp(decimals, 0, 6), 100.0 * share);
    return buf;
}

namespace detail {

// At most `max_chars` bytes of `s`, cut on a UTF-8 code point boundary, with
// an ellipsis when cut.
inline std::string truncate(std::string_view s, std::size_t max_chars) {
    if (s.size() <= max_chars) return std::string(s);
    std::size_t n = max_chars > 1 ? max_chars - 1 : 0;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n)) + "\xE2\x80\xA6";
}

inline std::string px(double v) { return format_number(v, 6); }

inline std::string svg_open(double width, double height, std::string_view title) {
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" +
                    px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) +
                    " " + px(height) + "\" role=\"img\"";
    if (!title.empty()) s += " aria-label=\"" + escape(title) + "\"";
    s += ">";
    if (!title.empty()) s += "<title>" + escape(title) + "</title>";
    return s;
}

inline std::string text(double x, double y, std::string_view content, std::string_view anchor,
                        std::string_view css_class = "label") {
    return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + std::string(anchor) +
           "\" class=\"" + std::string(css_class) + "\">" + escape(content) + "</text>";
}

inline std::string rect(double x, double y, double w, double h, std::string_view fill,
                        std::string_view tooltip) {
    return "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(0.0, w)) +
           "\" height=\"" + px(std::max(0.0, h)) + "\" fill=\"" + escape(fill) + "\"><title>" +
           escape(tooltip) + "</title></rect>";
}

inline std::string line(double x1, double y1, double x2, double y2, std::string_view css_class) {
    return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" +
           px(y2) + "\" class=\"" + std::string(css_class) + "\"/>";
}

}  // namespace detail

// ---- horizontal bar chart ------------------------------------------------------

struct bar {
    std::string label;
    double value = 0.0;     // NaN draws no bar and the text "n/a"
    std::string colour{};   // empty: the chart's colour (or over_colour past the threshold)
};

struct bar_chart_options {
    std::string title{};
    std::optional<double> threshold{};  // dashed line; bars beyond it use over_colour
    bool percent = false;               // values are shares in [0, 1], printed as %
    double max_value = 0.0;             // axis end; 0 = the largest |value| (and threshold)
    int width = 640;                    // pixels
    int bar_height = 18;
    std::string colour = "#4c78a8";
    std::string over_colour = "#e45756";
};

inline std::string bar_chart(std::span<const bar> bars, const bar_chart_options& o = {}) {
    constexpr std::string_view where = "io::html::bar_chart";
    if (o.width < 200 || o.width > 10000)
        throw errors::out_of_range(where, "width", o.width, "[200, 10000]");
    if (o.bar_height < 4 || o.bar_height > 200)
        throw errors::out_of_range(where, "bar_height", o.bar_height, "[4, 200]");
    if (!(o.max_value >= 0.0) || std::isinf(o.max_value))
        throw errors::out_of_range(where, "max_value", o.max_value, "finite and >= 0 (0 = auto)");

    const auto fmt = [&](double v) { return o.percent ? format_percent(v) : format_number(v); };
    // Axis [lo, hi] always contains 0, every finite value and the threshold.
    double lo = 0.0, hi = o.max_value;
    for (const auto& b : bars)
        if (std::isfinite(b.value)) {
            lo = std::min(lo, b.value);
            if (o.max_value == 0.0) hi = std::max(hi, b.value);
        }
    if (o.threshold && std::isfinite(*o.threshold)) {
        lo = std::min(lo, *o.threshold);
        hi = std::max(hi, *o.threshold);
    }
    if (hi <= lo) hi = lo + 1.0;

    std::size_t longest = 0;
    for (const auto& b : bars) longest = std::max(longest, b.label.size());
    const double label_w = std::clamp(7.0 * static_cast<double>(std::min<std::size_t>(longest, 40)) + 8.0,
                                      40.0, 0.4 * o.width);
    const double value_w = 70.0, top = o.title.empty() ? 6.0 : 24.0, gap = 4.0;
    const double plot_x = label_w, plot_w = o.width - label_w - value_w;
    const double row_h = o.bar_height + gap;
    const double height = top + row_h * static_cast<double>(bars.size()) + 8.0;
    const auto x_of = [&](double v) { return plot_x + plot_w * (std::clamp(v, lo, hi) - lo) / (hi - lo); };

    std::string s = detail::svg_open(o.width, height, o.title);
    if (!o.title.empty()) s += detail::text(4, 16, o.title, "start", "title");
    const double x0 = x_of(0.0);
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const bar& b = bars[i];
        const double y = top + row_h * static_cast<double>(i);
        const double mid = y + o.bar_height * 0.5 + 4.0;
        s += detail::text(label_w - 6.0, mid, detail::truncate(b.label, 40), "end");
        if (std::isfinite(b.value)) {
            const bool over = o.threshold && b.value > *o.threshold;
            const std::string& fill =
                !b.colour.empty() ? b.colour : (over ? o.over_colour : o.colour);
            const double x1 = x_of(b.value);
            s += detail::rect(std::min(x0, x1), y, std::abs(x1 - x0), o.bar_height, fill,
                              b.label + ": " + fmt(b.value));
        }
        s += detail::text(plot_x + plot_w + 6.0, mid, fmt(b.value), "start", "value");
    }
    s += detail::line(x0, top - 2.0, x0, height - 6.0, "axis");
    if (o.threshold && std::isfinite(*o.threshold)) {
        const double xt = x_of(*o.threshold);
        s += detail::line(xt, top - 2.0, xt, height - 6.0, "threshold");
        s += "<title>threshold " + escape(fmt(*o.threshold)) + "</title>";
    }
    s += "</svg>";
    return s;
}
inline std::string bar_chart(const std::vector<bar>& bars, const bar_chart_options& o = {}) {
    return bar_chart(std::span<const bar>(bars), o);
}

// ---- two-series histogram ------------------------------------------------------

struct histogram_options {
    std::string title{};
    int width = 640;
    int height = 220;
    std::string reference_label = "reference";
    std::string current_label = "current";
    std::string reference_colour = "#9ecae9";
    std::string current_colour = "#f58518";
    bool percent = false;  // heights are shares, printed as %
};

namespace detail {

// Shared by histogram and grouped_bars: `slot_labels` has one label per bin
// (centred) or, when `boundaries`, one per edge (at the slot boundaries).
inline std::string two_series(std::string_view where, std::span<const double> reference,
                              std::span<const double> current,
                              const std::vector<std::string>& tick_labels, bool boundaries,
                              const histogram_options& o) {
    if (o.width < 200 || o.width > 10000)
        throw errors::out_of_range(where, "width", o.width, "[200, 10000]");
    if (o.height < 100 || o.height > 5000)
        throw errors::out_of_range(where, "height", o.height, "[100, 5000]");
    const bool single = current.empty() && !reference.empty();  // one series only
    if (!single && current.size() != reference.size())
        throw errors::size_mismatch(tessera::detail::concat(where, ": current vs reference"), reference.size(),
                                    current.size());
    double top_value = 0.0;
    for (const int which : {0, 1}) {
        const auto series = which == 0 ? reference : current;
        for (std::size_t i = 0; i < series.size(); ++i) {
            if (!(series[i] >= 0.0) || std::isinf(series[i]))
                throw data_error(tessera::detail::concat(where, ": ", which == 0 ? "reference" : "current",
                                                         " value ", series[i], " in bin ", i,
                                                         " is not a finite non-negative height"),
                                 {}, i);
            top_value = std::max(top_value, series[i]);
        }
    }
    if (top_value == 0.0) top_value = 1.0;
    const auto fmt = [&](double v) { return o.percent ? format_percent(v) : format_number(v); };

    const std::size_t k = reference.size();
    const double left = 56.0, right = 12.0, top = o.title.empty() ? 28.0 : 44.0, bottom = 34.0;
    const double plot_w = o.width - left - right, plot_h = o.height - top - bottom;
    const double slot = k ? plot_w / static_cast<double>(k) : plot_w;
    const double base = top + plot_h;

    std::string s = svg_open(o.width, o.height, o.title);
    if (!o.title.empty()) s += text(4, 16, o.title, "start", "title");
    // Legend.
    const double ly = o.title.empty() ? 8.0 : 24.0;
    s += rect(left, ly, 12, 12, o.reference_colour, o.reference_label);
    s += text(left + 16, ly + 10, o.reference_label, "start");
    if (!single) {
        const double lx = left + 24 + 7.0 * static_cast<double>(o.reference_label.size());
        s += rect(lx, ly, 12, 12, o.current_colour, o.current_label);
        s += text(lx + 16, ly + 10, o.current_label, "start");
    }
    // Y axis: 0 and the top value.
    s += line(left, top, left, base, "axis");
    s += line(left, base, left + plot_w, base, "axis");
    s += text(left - 4, base + 4, fmt(0.0), "end", "value");
    s += text(left - 4, top + 4, fmt(top_value), "end", "value");

    const double bar_w = std::max(1.0, slot * (single ? 0.8 : 0.4));
    for (std::size_t i = 0; i < k; ++i) {
        const double x = left + slot * static_cast<double>(i) + slot * 0.1;
        const std::string bin = boundaries ? "[" + tick_labels[i] + ", " + tick_labels[i + 1] + ")"
                                           : tick_labels[i];
        const double hr = plot_h * reference[i] / top_value;
        const double hc = single ? 0.0 : plot_h * current[i] / top_value;
        s += rect(x, base - hr, bar_w, hr, o.reference_colour,
                  o.reference_label + " " + bin + ": " + fmt(reference[i]));
        if (!single)
            s += rect(x + bar_w, base - hc, bar_w, hc, o.current_colour,
                      o.current_label + " " + bin + ": " + fmt(current[i]));
    }
    // Tick labels, thinned so that they do not overlap.
    const std::size_t n_ticks = tick_labels.size();
    const std::size_t step = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(static_cast<double>(n_ticks) * 60.0 / plot_w)));
    for (std::size_t t = 0; t < n_ticks; t += step) {
        const double x = left + slot * (static_cast<double>(t) + (boundaries ? 0.0 : 0.5));
        s += text(x, base + 16, truncate(tick_labels[t], 10), "middle", "value");
    }
    s += "</svg>";
    return s;
}

}  // namespace detail

// Bars for bins [edges[i], edges[i+1]); edges.size() == reference.size() + 1
// == current.size() + 1. Heights are counts or shares (not normalised here).
// An empty `current` draws `reference` alone (a one-series histogram).
inline std::string histogram(std::span<const double> edges, std::span<const double> reference,
                             std::span<const double> current, const histogram_options& o = {}) {
    constexpr std::string_view where = "io::html::histogram";
    if (edges.size() != reference.size() + 1)
        throw errors::size_mismatch(tessera::detail::concat(where, ": edges (bins + 1)"), reference.size() + 1,
                                    edges.size());
    std::vector<std::string> ticks;
    ticks.reserve(edges.size());
    for (const double e : edges) ticks.push_back(format_number(e, 3));
    return detail::two_series(where, reference, current, ticks, true, o);
}

// One pair of bars per category label.
inline std::string grouped_bars(const std::vector<std::string>& labels,
                                std::span<const double> reference, std::span<const double> current,
                                const histogram_options& o = {}) {
    constexpr std::string_view where = "io::html::grouped_bars";
    if (labels.size() != reference.size())
        throw errors::size_mismatch(tessera::detail::concat(where, ": labels"), reference.size(), labels.size());
    return detail::two_series(where, reference, current, labels, false, o);
}

// ---- page ----------------------------------------------------------------------

// A table cell: text (escaped) and an optional CSS class ("bad", "warn",
// "good", "num" are styled by the page).
struct cell {
    std::string text;
    std::string css_class{};
    cell(std::string t, std::string c = {}) : text(std::move(t)), css_class(std::move(c)) {}
    cell(const char* t) : text(t) {}
};

inline constexpr std::string_view default_css = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0;background:#f6f7f9}
main{max-width:1040px;margin:0 auto;padding:24px 32px 48px;background:#fff;min-height:100vh}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e5e8;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}p.sub{color:#666;margin:0 0 16px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{padding:4px 10px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top}
th{background:#f2f4f7;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.bad,span.bad{color:#b3261e;font-weight:600}td.warn,span.warn{color:#a05a00}td.good,span.good{color:#1e7b34}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;color:#fff}
.badge.pass{background:#2e7d32}.badge.fail{background:#c62828}
svg.chart{display:block;margin:6px 0 14px;font-size:11px}
svg .label{fill:#333}svg .value{fill:#555}svg .title{fill:#222;font-weight:600;font-size:13px}
svg .axis{stroke:#999;stroke-width:1}svg .threshold{stroke:#c62828;stroke-width:1.5;stroke-dasharray:4 3}
ul.issues li{margin:2px 0}
)";

class page {
public:
    explicit page(std::string title, std::string subtitle = {})
        : title_(std::move(title)), subtitle_(std::move(subtitle)) {}

    page& heading(std::string_view text, int level = 2) {
        const char h = static_cast<char>('0' + std::clamp(level, 1, 6));
        body_.append("<h").append(1, h).append(">").append(escape(text));
        body_.append("</h").append(1, h).append(">\n");
        return *this;
    }
    page& paragraph(std::string_view text, std::string_view css_class = {}) {
        body_ += css_class.empty() ? "<p>" : "<p class=\"" + escape(css_class) + "\">";
        body_ += escape(text) + "</p>\n";
        return *this;
    }
    // A coloured PASS / FAIL label followed by text.
    page& badge(bool passed, std::string_view text) {
        body_ += std::string("<p><span class=\"badge ") + (passed ? "pass\">PASS" : "fail\">FAIL") +
                 "</span> " + escape(text) + "</p>\n";
        return *this;
    }
    page& list(const std::vector<std::string>& items, std::string_view css_class = "issues") {
        body_ += "<ul class=\"" + escape(css_class) + "\">";
        for (const auto& i : items) body_ += "<li>" + escape(i) + "</li>";
        body_ += "</ul>\n";
        return *this;
    }
    page& table(const std::vector<std::string>& header, const std::vector<std::vector<cell>>& rows) {
        body_ += "<table><thead><tr>";
        for (const auto& h : header) body_ += "<th>" + escape(h) + "</th>";
        body_ += "</tr></thead><tbody>";
        for (const auto& r : rows) {
            body_ += "<tr>";
            for (const auto& c : r) {
                body_ += c.css_class.empty() ? "<td>" : "<td class=\"" + escape(c.css_class) + "\">";
                body_ += escape(c.text) + "</td>";
            }
            body_ += "</tr>";
        }
        body_ += "</tbody></table>\n";
        return *this;
    }
    // Trusted markup, inserted as given (the charts above).
    page& raw(std::string_view html) {
        body_.append(html);
        body_ += '\n';
        return *this;
    }
    // CSS appended after the default style sheet.
    page& style(std::string_view css) {
        css_.append(css);
        return *this;
    }

    std::string str() const {
        std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<title>" + escape(title_) + "</title>\n<style>";
        s.append(default_css);
        s += css_;
        s += "</style>\n</head>\n<body>\n<main>\n<h1>" + escape(title_) + "</h1>\n";
        if (!subtitle_.empty()) s += "<p class=\"sub\">" + escape(subtitle_) + "</p>\n";
        s += body_;
        s += "</main>\n</body>\n</html>\n";
        return s;
    }
    // Written to "<path>.tmp" and renamed over `path`, so a reader never sees
    // half a page; io_error on failure. (Not io/model_file.hpp's writer: that
    // pulls the serializer and xtensor into every report.)
    void save(const std::filesystem::path& path) const {
        std::filesystem::path tmp = path;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            const std::string s = str();
            out.write(s.data(), static_cast<std::streamsize>(s.size()));
            out.flush();
            if (!out)
                throw io_error(tessera::detail::concat("io::html::page::save: cannot write '",
                                                       tmp.string(), "'"));
        }
        std::error_code ec;
        std::filesystem::rename(tmp, path, ec);
        if (ec) {
            std::filesystem::remove(tmp, ec);
            throw io_error(tessera::detail::concat("io::html::page::save: cannot rename '", tmp.string(),
                                                   "' to '", path.string(), "'"));
        }
    }

private:
    std::string title_, subtitle_, css_, body_;
};

}  // namespace tessera::io::html
