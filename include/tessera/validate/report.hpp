// tessera/validate/report.hpp — the result every validator returns.
//
// One `check_result` per expectation, in Great Expectations' BASIC result
// format (semantics.md 4.1): element_count, missing_count, unexpected_count,
// unexpected_share over the non-null values, up to K sample rows (row index
// and value, GE's partial_unexpected_list + index list). `mostly`: a map check
// passes when (nonnull - unexpected) / nonnull >= mostly; an all-null column
// passes vacuously. A `validation_report` satisfies the `validator` concept's
// `.passed()` and renders as text and JSON; `raise_if_failed` throws ONE
// data_error listing every failed check.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/io/json.hpp>

namespace tessera::validate {

// What a fitted validator's transform does with a batch that fails:
// reject = throw the data_error; report = hand the report to the validator's
// reporter (stderr by default) and return the batch unchanged.
enum class on_failure : std::uint8_t { reject = 0, report = 1 };

struct sample {
    std::size_t row = 0;
    std::string value;
};

struct check_result {
    std::string column;  // empty for table-level checks (rows, duplicates)
    std::string check;   // "exists", "type", "not_null", "between", "in_set", ...
    bool passed = true;
    std::size_t element_count = 0;
    std::size_t missing_count = 0;
    std::size_t unexpected_count = 0;
    double unexpected_share = std::numeric_limits<double>::quiet_NaN();  // over non-null
    double mostly = 1.0;
    std::vector<sample> samples;
    std::string detail;  // one human sentence: what was expected, what was found

    // "column 'age': between: 3 of 97 non-null values (3.1%) outside [0, 120]"
    std::string describe() const {
        std::string s = column.empty() ? std::string("table") : "column '" + column + "'";
        s += ": " + check;
        if (!detail.empty()) s += ": " + detail;
        if (!samples.empty()) {
            s += " (e.g. ";
            for (std::size_t i = 0; i < samples.size() && i < 3; ++i)
                s += (i ? ", " : "") + std::string("row ") + std::to_string(samples[i].row) + " = " +
                     samples[i].value;
            s += ")";
        }
        return s;
    }
};

namespace detail {

// GE's success rule for map checks.
inline bool mostly_passes(std::size_t nonnull, std::size_t unexpected, double mostly) {
    if (nonnull == 0) return true;
    return static_cast<double>(nonnull - unexpected) / static_cast<double>(nonnull) >= mostly;
}

inline std::string percent(double share) {
    if (!std::isfinite(share)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * share);
    return buf;
}

inline void write_check_json(io::json_writer& w, const check_result& c) {
    w.begin_object()
        .field("column", c.column)
        .field("check", c.check)
        .field("success", c.passed)
        .key("result")
        .begin_object()
        .field("element_count", c.element_count)
        .field("missing_count", c.missing_count)
        .field("unexpected_count", c.unexpected_count)
        .field("unexpected_percent", 100.0 * c.unexpected_share)
        .key("partial_unexpected_list")
        .begin_array();
    for (const auto& s : c.samples) w.value(s.value);
    w.end_array().key("partial_unexpected_index_list").begin_array();
    for (const auto& s : c.samples) w.value(s.row);
    w.end_array().end_object().field("mostly", c.mostly).field("detail", c.detail).end_object();
}

}  // namespace detail

class validation_report {
public:
    std::vector<check_result> checks;

    bool passed() const noexcept {
        for (const auto& c : checks)
            if (!c.passed) return false;
        return true;
    }
    std::vector<check_result> failures() const {
        std::vector<check_result> out;
        for (const auto& c : checks)
            if (!c.passed) out.push_back(c);
        return out;
    }
    validation_report& append(const validation_report& other) {
        checks.insert(checks.end(), other.checks.begin(), other.checks.end());
        return *this;
    }

    // "<who>: N of M checks failed:\n  - ...\n" or "<who>: all M checks passed".
    std::string summary(std::string_view who) const {
        const auto bad = failures();
        if (bad.empty())
            return tessera::detail::concat(who, ": all ", checks.size(), " checks passed");
        std::string s = tessera::detail::concat(who, ": ", bad.size(), " of ", checks.size(),
                                                " checks failed:");
        for (const auto& c : bad) s += "\n  - " + c.describe();
        return s;
    }
    std::string to_text() const {
        std::string s;
        for (const auto& c : checks) s += (c.passed ? "PASS  " : "FAIL  ") + c.describe() + "\n";
        s += passed() ? "passed\n" : "FAILED\n";
        return s;
    }
    std::string to_json(int indent = 2) const {
        io::json_writer w({.indent = indent});
        w.begin_object().field("success", passed()).key("results").begin_array();
        for (const auto& c : checks) detail::write_check_json(w, c);
        w.end_array().end_object();
        return w.str();
    }
    // Throws one data_error listing every failed check; its column() is the
    // failing column when exactly one column failed.
    void raise_if_failed(std::string_view who) const {
        const auto bad = failures();
        if (bad.empty()) return;
        std::string column = bad.front().column;
        for (const auto& c : bad)
            if (c.column != column) column.clear();
        throw data_error(summary(who), column);
    }
};

// Receives failed reports of a fitted validator in on_failure::report mode.
using reporter = std::function<void(const validation_report&)>;

namespace detail {

// transform's failure handling, shared by the fitted validators.
inline void handle_failure(const validation_report& r, on_failure mode,
                           const reporter& report_to,
                           std::string_view who) {
    if (r.passed()) return;
    if (mode == on_failure::reject) r.raise_if_failed(who);
    if (report_to) report_to(r);
    else std::cerr << r.summary(who) << '\n';
}

// The frame-transformer face of a fitted validator (CRTP): transform checks
// the batch through Derived::check(policy, f) and returns it unchanged, or
// throws / reports by Derived::failure_mode().
template <class Derived>
class checking_stage {
public:
    template <exec::execution_policy P>
    frame transform(const P& policy, const frame& f) const {
        const auto& self = static_cast<const Derived&>(*this);
        handle_failure(self.check(policy, f), self.failure_mode(), reporter_, Derived::who);
        return f;
    }
    frame transform(const frame& f) const { return transform(exec::par, f); }

    // Where on_failure::report sends failed reports (not saved; default stderr).
    Derived& set_reporter(reporter r) {
        reporter_ = std::move(r);
        return static_cast<Derived&>(*this);
    }

private:
    reporter reporter_;
};

}  // namespace detail

}  // namespace tessera::validate
