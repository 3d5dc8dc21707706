// tessera/validate/schema.hpp — per-column expectations on a frame, and the
// fitted validator that checks every batch.
//
// Semantics follow Great Expectations (semantics.md 4.1): value checks look
// at non-null values only and report unexpected_count, unexpected_share over
// the non-null values and up to `max_samples` sample rows; `mostly` passes a
// check when at least that share of the non-null values conforms; regex is an
// unanchored search (GE match_regex, pandas str.contains); `unique` flags
// every occurrence of a repeated value; allowed sets compare the value's text
// (categorical label, "true"/"false", shortest float, integer, ISO 8601 time).
// Nullability and uniqueness are column properties as in pandera.
//
// Cost: one pass per check and column. Regexes (std::regex, ECMAScript) are
// matched once per dictionary entry of a categorical column, but once per row
// for other column types — std::regex runs at about 1 µs per short string,
// so prefer categoricals for large string columns.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/validate/detail/cells.hpp>
#include <tessera/validate/detail/payload.hpp>
#include <tessera/validate/report.hpp>

namespace tessera::validate {

enum class order : std::uint8_t { none = 0, increasing = 1, decreasing = 2 };

struct column_spec {
    std::string name;
    std::optional<dtype> type{};     // expected dtype; unset: any
    bool required = true;            // a missing column fails "exists"
    bool nullable = true;            // false: "not_null" check
    std::optional<double> min{};     // "between" (numbers, bool as 0/1, timestamps in ns)
    std::optional<double> max{};
    bool strict_min = false;         // min < v instead of min <= v
    bool strict_max = false;
    std::vector<std::string> allowed{};  // "in_set" over the value's text
    std::string regex{};             // "match_regex": std::regex_search, ECMAScript
    bool unique = false;             // "unique"
    order monotonic = order::none;   // "monotonic" over non-null values in row order
    bool strictly = false;           // strictly increasing / decreasing
    double mostly = 1.0;             // share of non-null values that must conform, [0, 1]
};

class fitted_validator;

class schema {
public:
    struct params {
        std::vector<column_spec> columns{};
        bool allow_extra_columns = true;  // false: each extra column fails "unexpected_column"
        std::size_t max_samples = 20;     // K sample rows per check (GE's partial_unexpected_count)
        on_failure failure = on_failure::reject;  // for the fitted validator's transform
    };

    schema() = default;
    explicit schema(params p) : p_(std::move(p)) { validate_params(); }

    const params& get_params() const noexcept { return p_; }

    validation_report check(const frame& f) const;

    // A pipeline's first stage: fit checks the training frame (throws on
    // failure) and returns a fitted validator holding this schema.
    template <exec::execution_policy P>
    fitted_validator fit(const P& policy, const frame& f) const;
    fitted_validator fit(const frame& f) const;

private:
    void validate_params() const;
    void check_column(const column_spec& s, const column& c, validation_report& out) const;

    params p_{};
};

// The fitted validator: a schema (given, or learned by schema_learner) that
// checks every batch. transform returns the frame unchanged, or throws one
// data_error (on_failure::reject) / hands the report to the reporter
// (on_failure::report).
class fitted_validator : public detail::checking_stage<fitted_validator> {
public:
    static constexpr std::string_view type_tag = "tessera.validate.fitted_validator";
    static constexpr std::uint32_t payload_version = 1;
    static constexpr std::string_view who = "validate::fitted_validator";

    explicit fitted_validator(schema s) : schema_(std::move(s)) {}

    const schema& get_schema() const noexcept { return schema_; }
    validation_report check(const frame& f) const { return schema_.check(f); }
    template <exec::execution_policy P>
    validation_report check(const P&, const frame& f) const { return schema_.check(f); }
    on_failure failure_mode() const noexcept { return schema_.get_params().failure; }

    void save(io::writer& w) const;
    static fitted_validator load(io::reader& r);

private:
    schema schema_;
};

// ---- implementation -------------------------------------------------------------

namespace detail {

inline config_error bad_spec(std::string_view column, std::string_view field, std::string_view why) {
    return config_error(concat("validate::schema: column '", column, "': ", field, ": ", why),
                        std::string(field));
}

// Collects unexpected rows of one check: count plus the first K samples.
struct unexpected_rows {
    const column& c;
    std::size_t k;
    std::size_t count = 0;
    std::vector<sample> samples{};
    void add(std::size_t r) {
        ++count;
        if (samples.size() < k) samples.push_back({r, text_at(c, r)});
    }
};

inline check_result map_result(const column_spec& s, const column& c, std::string check,
                               std::size_t nonnull, unexpected_rows&& u, std::string detail) {
    check_result r;
    r.column = s.name;
    r.check = std::move(check);
    r.element_count = c.size();
    r.missing_count = c.size() - nonnull;
    r.unexpected_count = u.count;
    r.unexpected_share = nonnull ? static_cast<double>(u.count) / static_cast<double>(nonnull)
                                 : std::numeric_limits<double>::quiet_NaN();
    r.mostly = s.mostly;
    r.passed = mostly_passes(nonnull, u.count, s.mostly);
    r.samples = std::move(u.samples);
    r.detail = concat(u.count, " of ", nonnull, " non-null values (", percent(r.unexpected_share),
                      ") ", detail, s.mostly < 1.0 ? concat("; mostly = ", s.mostly) : "");
    return r;
}

inline check_result not_applicable(const column_spec& s, const column& c, std::string check,
                                   std::string_view needs) {
    check_result r;
    r.column = s.name;
    r.check = std::move(check);
    r.passed = false;
    r.element_count = c.size();
    r.detail = concat("needs ", needs, "; the column is ", dtype_name(c.type()));
    return r;
}

inline std::string interval_text(const column_spec& s) {
    return concat(s.min ? (s.strict_min ? "(" : "[") : "(", s.min ? shortest(*s.min) : "-inf", ", ",
                  s.max ? shortest(*s.max) : "inf", s.max ? (s.strict_max ? ")" : "]") : ")");
}

// Per-row flag through a per-dictionary-entry table for categoricals.
template <class Pred>
void flag_rows(const column& c, std::vector<std::size_t>& nonnull_rows, unexpected_rows& u,
               Pred&& bad_text) {
    if (c.type() == dtype::categorical) {
        const auto& dict = c.dictionary();
        std::vector<char> bad(dict.size());
        for (std::size_t i = 0; i < dict.size(); ++i) bad[i] = bad_text(dict[i]);
        const auto codes = c.values<std::int32_t>();
        for (const std::size_t r : nonnull_rows)
            if (bad[static_cast<std::size_t>(codes[r])]) u.add(r);
    } else {
        for (const std::size_t r : nonnull_rows)
            if (bad_text(text_at(c, r))) u.add(r);
    }
}

}  // namespace detail

inline void schema::validate_params() const {
    using detail::bad_spec;
    using tessera::detail::concat;
    std::unordered_set<std::string_view> seen;
    if (p_.max_samples > 1'000'000)
        throw errors::out_of_range("validate::schema", "max_samples", p_.max_samples, "[0, 1000000]");
    for (const auto& s : p_.columns) {
        if (s.name.empty()) throw bad_spec(s.name, "name", "must not be empty");
        if (!seen.insert(s.name).second) throw bad_spec(s.name, "name", "appears twice in the schema");
        if (!(s.mostly >= 0.0 && s.mostly <= 1.0))
            throw bad_spec(s.name, "mostly", concat(s.mostly, " is out of range; valid range: [0, 1]"));
        if ((s.min && std::isnan(*s.min)) || (s.max && std::isnan(*s.max)))
            throw bad_spec(s.name, "min/max", "NaN is not a bound");
        if (s.min && s.max && *s.min > *s.max)
            throw bad_spec(s.name, "min", concat(*s.min, " is greater than max = ", *s.max));
        if (s.strictly && s.monotonic == order::none)
            throw bad_spec(s.name, "strictly", "needs monotonic = increasing or decreasing");
        if (!s.regex.empty()) {
            try {
                std::regex re(s.regex);
            } catch (const std::regex_error& e) {
                throw bad_spec(s.name, "regex", concat("'", s.regex, "' does not compile: ", e.what()));
            }
        }
    }
}

inline void schema::check_column(const column_spec& s, const column& c,
                                 validation_report& out) const {
    using namespace detail;
    const std::size_t n = c.size(), k = p_.max_samples;
    std::vector<std::size_t> nonnull;
    nonnull.reserve(n);
    for (std::size_t r = 0; r < n; ++r)
        if (!is_null(c, r)) nonnull.push_back(r);

    if (s.type) {
        check_result r;
        r.column = s.name;
        r.check = "type";
        r.element_count = n;
        r.passed = *s.type == c.type();
        r.detail = concat("expected ", dtype_name(*s.type), ", found ", dtype_name(c.type()));
        out.checks.push_back(std::move(r));
    }
    if (!s.nullable) {
        unexpected_rows u{c, k};
        for (std::size_t r = 0; r < n; ++r)
            if (is_null(c, r)) u.add(r);
        // not_null is the one check over all rows (GE): share of all rows.
        check_result r = map_result(s, c, "not_null", n, std::move(u), "are null");
        r.missing_count = 0;
        r.detail = concat(r.unexpected_count, " of ", n, " values (", percent(r.unexpected_share),
                          ") are null", s.mostly < 1.0 ? concat("; mostly = ", s.mostly) : "");
        out.checks.push_back(std::move(r));
    }
    if (s.min || s.max) {
        if (!is_ordered(c.type())) {
            out.checks.push_back(not_applicable(s, c, "between", "a numeric, bool or timestamp column"));
        } else {
            unexpected_rows u{c, k};
            for (const std::size_t r : nonnull) {
                const double v = number_at(c, r);
                const bool low = s.min && (s.strict_min ? !(v > *s.min) : !(v >= *s.min));
                const bool high = s.max && (s.strict_max ? !(v < *s.max) : !(v <= *s.max));
                if (low || high) u.add(r);
            }
            out.checks.push_back(map_result(s, c, "between", nonnull.size(), std::move(u),
                                            "outside " + interval_text(s)));
        }
    }
    if (!s.allowed.empty()) {
        const std::unordered_set<std::string> allowed(s.allowed.begin(), s.allowed.end());
        unexpected_rows u{c, k};
        flag_rows(c, nonnull, u, [&](const std::string& t) { return !allowed.count(t); });
        out.checks.push_back(map_result(s, c, "in_set", nonnull.size(), std::move(u),
                                        concat("not in the allowed set of ", allowed.size(), " values")));
    }
    if (!s.regex.empty()) {
        const std::regex re(s.regex);
        unexpected_rows u{c, k};
        flag_rows(c, nonnull, u, [&](const std::string& t) { return !std::regex_search(t, re); });
        out.checks.push_back(map_result(s, c, "match_regex", nonnull.size(), std::move(u),
                                        "do not match /" + s.regex + "/"));
    }
    if (s.unique) {
        // Every occurrence of a repeated value is unexpected (GE).
        const value_groups g = group_values(c);
        unexpected_rows u{c, k};
        for (const std::size_t r : nonnull)
            if (g.count[g.group_of[r]] > 1) u.add(r);
        out.checks.push_back(map_result(s, c, "unique", nonnull.size(), std::move(u),
                                        "repeat another row's value"));
    }
    if (s.monotonic != order::none) {
        const bool inc = s.monotonic == order::increasing;
        const std::string what = concat(s.strictly ? "strictly " : "", inc ? "increasing" : "decreasing");
        if (!is_ordered(c.type())) {
            out.checks.push_back(not_applicable(s, c, "monotonic", "a numeric, bool or timestamp column"));
        } else {
            // Each non-null value against the previous non-null value.
            unexpected_rows u{c, k};
            for (std::size_t i = 1; i < nonnull.size(); ++i) {
                const double a = number_at(c, nonnull[i - 1]), b = number_at(c, nonnull[i]);
                const bool ok = inc ? (s.strictly ? b > a : b >= a) : (s.strictly ? b < a : b <= a);
                if (!ok) u.add(nonnull[i]);
            }
            out.checks.push_back(map_result(s, c, "monotonic", nonnull.size(), std::move(u),
                                            "break the " + what + " order"));
        }
    }
}

inline validation_report schema::check(const frame& f) const {
    validation_report out;
    for (const auto& s : p_.columns) {
        const bool present = f.contains(s.name);
        if (!present && !s.required) continue;
        check_result e;
        e.column = s.name;
        e.check = "exists";
        e.passed = present;
        e.element_count = f.num_rows();
        e.detail = present ? "present" : "the column is missing from the frame";
        out.checks.push_back(std::move(e));
        if (present) check_column(s, f.column(s.name), out);
    }
    if (!p_.allow_extra_columns) {
        std::unordered_set<std::string_view> known;
        for (const auto& s : p_.columns) known.insert(s.name);
        for (const auto& name : f.names())
            if (!known.count(name)) {
                check_result e;
                e.column = name;
                e.check = "unexpected_column";
                e.passed = false;
                e.element_count = f.num_rows();
                e.detail = "the schema does not name this column (allow_extra_columns = false)";
                out.checks.push_back(std::move(e));
            }
    }
    return out;
}

template <exec::execution_policy P>
fitted_validator schema::fit(const P& policy, const frame& f) const {
    fitted_validator v(*this);
    (void)v.transform(policy, f);
    return v;
}
inline fitted_validator schema::fit(const frame& f) const { return fit(exec::par, f); }

inline void fitted_validator::save(io::writer& w) const {
    const auto& p = schema_.get_params();
    w.put<std::uint32_t>(payload_version);
    w.put<std::uint8_t>(p.allow_extra_columns ? 1 : 0);
    w.put<std::uint64_t>(p.max_samples);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(p.failure));
    w.put<std::uint64_t>(p.columns.size());
    for (const auto& s : p.columns) {
        w.put(s.name);
        w.put<std::uint8_t>(s.type ? 1 : 0);
        w.put<std::uint8_t>(s.type ? static_cast<std::uint8_t>(*s.type) : 0);
        w.put<std::uint8_t>(s.required ? 1 : 0);
        w.put<std::uint8_t>(s.nullable ? 1 : 0);
        detail::put_optional(w, s.min);
        detail::put_optional(w, s.max);
        w.put<std::uint8_t>(s.strict_min ? 1 : 0);
        w.put<std::uint8_t>(s.strict_max ? 1 : 0);
        w.put(s.allowed);
        w.put(s.regex);
        w.put<std::uint8_t>(s.unique ? 1 : 0);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(s.monotonic));
        w.put<std::uint8_t>(s.strictly ? 1 : 0);
        w.put<double>(s.mostly);
    }
}

inline fitted_validator fitted_validator::load(io::reader& r) {
    using detail::get_flag;
    const auto version = r.get<std::uint32_t>("fitted_validator payload version");
    if (version != payload_version)
        throw format_error(tessera::detail::concat("validate::fitted_validator: payload version ",
                                                   version, " is not one this build reads (",
                                                   payload_version, ")"));
    schema::params p;
    p.allow_extra_columns = get_flag(r, "allow_extra_columns");
    p.max_samples = static_cast<std::size_t>(r.get<std::uint64_t>("max_samples"));
    const auto failure = r.get<std::uint8_t>("on_failure");
    if (failure > 1)
        throw format_error(tessera::detail::concat(
            "validate::fitted_validator: field 'on_failure' is ", unsigned{failure},
            ", expected 0 (reject) or 1 (report)"));
    p.failure = static_cast<on_failure>(failure);
    const auto count = r.get<std::uint64_t>("column count");
    if (count > r.remaining()) throw format_error("validate::fitted_validator: column count exceeds the payload");
    for (std::uint64_t i = 0; i < count; ++i) {
        column_spec s;
        s.name = r.get_string("name");
        const bool has_type = get_flag(r, "has_type");
        const auto t = r.get<std::uint8_t>("type");
        if (t > static_cast<std::uint8_t>(dtype::timestamp))
            throw format_error(tessera::detail::concat("validate::fitted_validator: column '", s.name,
                                                       "' has dtype code ", unsigned{t}, ", valid: 0 to 5"));
        if (has_type) s.type = static_cast<dtype>(t);
        s.required = get_flag(r, "required");
        s.nullable = get_flag(r, "nullable");
        s.min = detail::get_optional(r, "min");
        s.max = detail::get_optional(r, "max");
        s.strict_min = get_flag(r, "strict_min");
        s.strict_max = get_flag(r, "strict_max");
        s.allowed = r.get_strings("allowed");
        s.regex = r.get_string("regex");
        s.unique = get_flag(r, "unique");
        const auto m = r.get<std::uint8_t>("monotonic");
        if (m > 2)
            throw format_error(tessera::detail::concat("validate::fitted_validator: column '", s.name,
                                                       "' has monotonic code ", unsigned{m}, ", valid: 0 to 2"));
        s.monotonic = static_cast<order>(m);
        s.strictly = get_flag(r, "strictly");
        s.mostly = r.get<double>("mostly");
        p.columns.push_back(std::move(s));
    }
    try {
        return fitted_validator(schema(std::move(p)));
    } catch (const config_error& e) {
        throw format_error(tessera::detail::concat("validate::fitted_validator: the stored schema is invalid: ",
                                                   e.what()));
    }
}

}  // namespace tessera::validate
