// tessera/validate/leakage.hpp — split hygiene and suspected target leakage.
//
// row_overlap: test rows that also occur in train (exact equality of every
// compared cell, cell semantics of detail/cells.hpp: nulls equal, -0 == 0,
// categoricals by label). Rows are hashed, then confirmed cell by cell.
//
// target_leakage: features whose relation to the target is nearly perfect.
// - numeric feature (float, int64, bool, timestamp): |Pearson r| with the
//   target (binary and numeric targets), and for class targets the
//   one-feature ROC AUC (eval::roc_auc_score, sklearn's tie handling) taken
//   as max(AUC, 1 - AUC), since a perfectly inverted feature leaks as much;
//   multiclass: the macro average of one-vs-rest AUCs.
// - categorical feature: each row scored by the target mean of its category
//   over the OTHER rows of that category (leave-one-out; a category seen once
//   gets the overall mean). A feature that fixes the target scores perfectly,
//   while an identifier column (every category once) scores at chance, so IDs
//   are not flagged. The AUC and the correlation of that score are used as they
//   are, without flipping: leave-one-out pushes mixed categories below chance.
// Flagged when |r| >= correlation_threshold or AUC >= auc_threshold (0.99).
// Only rows where both the feature and the target are non-null are used.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/eval/metrics.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/io/json.hpp>
#include <tessera/validate/detail/cells.hpp>

namespace tessera::validate {

// ---- train/test overlap -----------------------------------------------------------

struct overlap_options {
    std::vector<std::string> columns{};  // compare these (empty: every column of train)
    std::vector<std::string> exclude{};  // ... except these (e.g. a row id)
    std::size_t max_samples = 10;
};

struct row_overlap_result {
    std::size_t train_rows = 0;
    std::size_t test_rows = 0;
    std::size_t overlapping_rows = 0;  // test rows equal to some train row
    double share = std::numeric_limits<double>::quiet_NaN();  // of test rows
    std::vector<std::pair<std::size_t, std::size_t>> samples;  // (test row, equal train row)
    bool passed() const noexcept { return overlapping_rows == 0; }
};

inline row_overlap_result row_overlap(const frame& train, const frame& test,
                                      const overlap_options& o = {}) {
    using namespace detail;
    constexpr std::string_view where = "validate::row_overlap";
    std::vector<std::string> names = o.columns.empty() ? train.names() : o.columns;
    std::erase_if(names, [&](const std::string& n) {
        return std::find(o.exclude.begin(), o.exclude.end(), n) != o.exclude.end();
    });
    std::vector<const column*> a, b;
    for (const auto& n : names) {
        if (!train.contains(n)) throw errors::unknown_column(concat(where, " (train)"), n);
        if (!test.contains(n)) throw errors::unknown_column(concat(where, " (test)"), n);
        const column& ca = train.column(n);
        const column& cb = test.column(n);
        if (ca.type() != cb.type())
            throw errors::type_mismatch(concat(where, " (test)"), n, dtype_name(ca.type()),
                                        dtype_name(cb.type()));
        a.push_back(&ca);
        b.push_back(&cb);
    }
    row_overlap_result out;
    out.train_rows = train.num_rows();
    out.test_rows = test.num_rows();
    const auto ha = row_hashes(a, out.train_rows), hb = row_hashes(b, out.test_rows);
    hash_groups index(out.train_rows);  // one group per distinct train row
    for (std::size_t r = 0; r < out.train_rows; ++r)
        index.insert(ha[r], r, [&](std::size_t q) { return rows_equal(a, q, a, r); });
    for (std::size_t r = 0; r < out.test_rows; ++r) {
        const std::size_t g = index.find(hb[r], [&](std::size_t q) { return rows_equal(a, q, b, r); });
        if (g == hash_groups::npos) continue;
        ++out.overlapping_rows;
        if (out.samples.size() < o.max_samples) out.samples.push_back({r, index.first(g)});
    }
    if (out.test_rows)
        out.share = static_cast<double>(out.overlapping_rows) / static_cast<double>(out.test_rows);
    return out;
}

// ---- target leakage ----------------------------------------------------------------

enum class target_kind : std::uint8_t { automatic, classification, regression };

struct leakage_options {
    double correlation_threshold = 0.99;  // |r| at or above: suspected, (0, 1]
    double auc_threshold = 0.99;          // one-feature AUC at or above: suspected, (0.5, 1]
    target_kind kind = target_kind::automatic;  // automatic: categorical/bool -> classes;
                                                // int64 with <= max_classes values -> classes
    std::size_t max_classes = 20;
    std::vector<std::string> columns{};  // features to test (empty: every other column)
    std::vector<std::string> exclude{};
};

struct leakage_finding {
    std::string column;
    double correlation = std::numeric_limits<double>::quiet_NaN();  // see the header comment
    double auc = std::numeric_limits<double>::quiet_NaN();
    std::size_t rows_used = 0;
    bool suspected = false;
};

struct leakage_report {
    std::string target;
    std::string kind;  // "binary", "multiclass" or "regression"
    std::vector<leakage_finding> features;

    bool passed() const noexcept {
        for (const auto& f : features)
            if (f.suspected) return false;
        return true;
    }
    std::vector<std::string> suspected() const {
        std::vector<std::string> out;
        for (const auto& f : features)
            if (f.suspected) out.push_back(f.column);
        return out;
    }
    std::string to_json(int indent = 2) const {
        io::json_writer w({.indent = indent});
        w.begin_object().field("target", target).field("kind", kind).key("features").begin_array();
        for (const auto& f : features)
            w.begin_object().field("column", f.column).field("correlation", f.correlation)
                .field("auc", f.auc).field("rows_used", f.rows_used).field("suspected", f.suspected)
                .end_object();
        w.end_array().key("suspected").array(suspected()).end_object();
        return w.str();
    }
};

namespace detail {

inline double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t n = x.size();
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
    mx /= static_cast<double>(n);
    my /= static_cast<double>(n);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

// AUC of `score` for labels in {0, 1}; NaN when one class is absent.
inline double auc01(const std::vector<std::int32_t>& y, const std::vector<double>& score) {
    bool has0 = false, has1 = false;
    for (const auto v : y) (v ? has1 : has0) = true;
    if (!has0 || !has1) return std::numeric_limits<double>::quiet_NaN();
    return eval::roc_auc_score(exec::seq, y, score);
}

// Leave-one-out mean of `y` within each category code (overall mean for singletons).
inline std::vector<double> loo_means(const std::vector<std::int32_t>& code, const std::vector<double>& y) {
    std::unordered_map<std::int32_t, std::pair<double, std::size_t>> sums;
    double total = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        auto& s = sums[code[i]];
        s.first += y[i];
        ++s.second;
        total += y[i];
    }
    const double overall = y.empty() ? 0.0 : total / static_cast<double>(y.size());
    std::vector<double> out(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
        const auto& s = sums[code[i]];
        out[i] = s.second > 1 ? (s.first - y[i]) / static_cast<double>(s.second - 1) : overall;
    }
    return out;
}

}  // namespace detail

inline leakage_report target_leakage(const frame& f, std::string_view target,
                                     const leakage_options& o = {}) {
    using namespace detail;
    constexpr std::string_view where = "validate::target_leakage";
    if (!(o.correlation_threshold > 0.0 && o.correlation_threshold <= 1.0))
        throw errors::out_of_range(where, "correlation_threshold", o.correlation_threshold, "(0, 1]");
    if (!(o.auc_threshold > 0.5 && o.auc_threshold <= 1.0))
        throw errors::out_of_range(where, "auc_threshold", o.auc_threshold, "(0.5, 1]");
    if (!f.contains(target)) throw errors::unknown_column(concat(where, ": target"), target);
    const column& t = f.column(target);
    const value_groups tg = group_values(t);

    // Target classes ordered by value; class index per row (-1 for null).
    bool classes = o.kind == target_kind::classification;
    if (o.kind == target_kind::automatic)
        classes = t.type() == dtype::categorical || t.type() == dtype::boolean ||
                  (t.type() == dtype::int64 && tg.count.size() <= o.max_classes) || tg.count.size() <= 2;
    if (!classes && t.type() == dtype::categorical)
        throw data_error(concat(where, ": target '", target,
                                "' is categorical; regression needs a numeric target"),
                         std::string(target));
    std::vector<std::size_t> order(tg.count.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return t.type() == dtype::categorical ? text_at(t, tg.first_row[a]) < text_at(t, tg.first_row[b])
                                              : number_at(t, tg.first_row[a]) < number_at(t, tg.first_row[b]);
    });
    std::vector<std::int32_t> rank_of(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank_of[order[i]] = static_cast<std::int32_t>(i);
    const std::size_t k = order.size();

    leakage_report out;
    out.target = std::string(target);
    out.kind = !classes ? "regression" : k <= 2 ? "binary" : "multiclass";

    std::vector<std::string> names = o.columns.empty() ? f.names() : o.columns;
    for (const auto& name : names) {
        if (name == target ||
            std::find(o.exclude.begin(), o.exclude.end(), name) != o.exclude.end())
            continue;
        if (!f.contains(name)) throw errors::unknown_column(where, name);
        const column& c = f.column(name);
        const bool categorical = c.type() == dtype::categorical;
        // Rows where both are non-null.
        std::vector<double> x, y;
        std::vector<std::int32_t> cls, code;
        for (std::size_t r = 0; r < f.num_rows(); ++r) {
            if (tg.group_of[r] == value_groups::npos || is_null(c, r)) continue;
            cls.push_back(rank_of[tg.group_of[r]]);
            y.push_back(classes ? static_cast<double>(cls.back()) : number_at(t, r));
            if (categorical) code.push_back(c.values<std::int32_t>()[r]);
            else x.push_back(number_at(c, r));
        }
        leakage_finding fd;
        fd.column = name;
        fd.rows_used = y.size();
        if (!classes || k <= 2) {
            // One score against one target: binary 0/1 or a numeric target.
            const std::vector<double> score = categorical ? loo_means(code, y) : x;
            const double r = pearson(score, y);
            fd.correlation = categorical ? r : std::abs(r);
            if (classes && k == 2) {
                const double a = auc01(cls, score);
                fd.auc = categorical ? a : std::max(a, 1.0 - a);
            }
        } else {
            // Multiclass: macro average of one-vs-rest AUCs.
            double sum = 0;
            std::size_t used = 0;
            for (std::int32_t c0 = 0; c0 < static_cast<std::int32_t>(k); ++c0) {
                std::vector<std::int32_t> yc(cls.size());
                std::vector<double> ycd(cls.size());
                for (std::size_t i = 0; i < cls.size(); ++i) yc[i] = cls[i] == c0, ycd[i] = yc[i];
                const std::vector<double> score = categorical ? loo_means(code, ycd) : x;
                double a = auc01(yc, score);
                if (!categorical) a = std::max(a, 1.0 - a);
                if (!std::isnan(a)) sum += a, ++used;
            }
            if (used) fd.auc = sum / static_cast<double>(used);
        }
        fd.suspected = fd.correlation >= o.correlation_threshold || fd.auc >= o.auc_threshold;
        out.features.push_back(std::move(fd));
    }
    return out;
}

}  // namespace tessera::validate
