// tessera/validate/quality_gate.hpp — thresholds on a data-quality profile
// that stop a pipeline with one data_error listing every failed check.
//
//   validate::quality_gate gate{{.max_null_share = 0.2, .max_duplicate_share = 0.01}};
//   gate.enforce(df);                       // throws data_error if any check fails
//   auto fitted = gate.fit(exec::par, df);  // first stage of a pipeline
//   fitted.transform(exec::par, batch);     // returns batch unchanged, or throws
//
// Every threshold is inclusive: a share equal to its maximum passes.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/validate/detail/payload.hpp>
#include <tessera/validate/quality_report.hpp>
#include <tessera/validate/report.hpp>

namespace tessera::validate {

struct column_limit {
    std::string column;
    double max_null_share = 1.0;
};

class quality_gate_fitted;

class quality_gate {
public:
    struct params {
        double max_null_share = 1.0;              // every profiled column, [0, 1]
        std::vector<column_limit> column_limits{}; // per-column null-share limits (override)
        double max_duplicate_share = 1.0;         // whole-row duplicates, [0, 1]
        double max_outlier_share = 1.0;           // IQR outliers per numeric column, [0, 1]
        std::size_t min_rows = 0;                 // fewer rows fails "row_count"
        bool fail_on_constant = false;            // a constant column fails "not_constant"
        bool fail_on_near_constant = false;       // a near-constant column fails "not_near_constant"
        quality_options quality{};                // how the profile is computed
        on_failure failure = on_failure::reject;  // for the fitted gate's transform
    };

    quality_gate() = default;
    explicit quality_gate(params p) : p_(std::move(p)) { validate_params(); }
    const params& get_params() const noexcept { return p_; }

    // The gate's checks on an existing profile (no second pass over the data).
    validation_report evaluate(const data_quality& q) const;
    validation_report check(const frame& f) const { return evaluate(quality_report(exec::par, f, p_.quality)); }
    template <exec::execution_policy P>
    validation_report check(const P& policy, const frame& f) const {
        return evaluate(quality_report(policy, f, p_.quality));
    }
    // Throws one data_error listing every failed check.
    void enforce(const frame& f) const { check(f).raise_if_failed("validate::quality_gate"); }

    template <exec::execution_policy P>
    quality_gate_fitted fit(const P& policy, const frame& f) const;
    quality_gate_fitted fit(const frame& f) const;

private:
    void validate_params() const {
        constexpr std::string_view where = "validate::quality_gate";
        const auto share = [&](std::string_view field, double v) {
            if (!(v >= 0.0 && v <= 1.0)) throw errors::out_of_range(where, field, v, "[0, 1]");
        };
        share("max_null_share", p_.max_null_share);
        share("max_duplicate_share", p_.max_duplicate_share);
        share("max_outlier_share", p_.max_outlier_share);
        for (const auto& l : p_.column_limits) share("column_limits.max_null_share", l.max_null_share);
        detail::check_quality_options(p_.quality);
    }

    params p_{};
};

namespace detail {

inline check_result threshold_result(std::string column, std::string check, std::size_t count,
                                     std::size_t total, double share, double limit,
                                     std::string_view what, std::string_view field) {
    check_result r;
    r.column = std::move(column);
    r.check = std::move(check);
    r.element_count = total;
    r.unexpected_count = count;
    r.unexpected_share = share;
    r.mostly = 1.0 - limit;
    r.passed = !(share > limit);
    r.detail = concat(what, " ", percent(share), " (", count, " of ", total, ") ",
                      r.passed ? "<= " : "> ", field, " ", percent(limit));
    return r;
}

}  // namespace detail

inline validation_report quality_gate::evaluate(const data_quality& q) const {
    using namespace detail;
    validation_report out;
    if (p_.min_rows > 0) {
        check_result r;
        r.check = "row_count";
        r.element_count = q.rows;
        r.passed = q.rows >= p_.min_rows;
        r.detail = concat(q.rows, " rows; min_rows ", p_.min_rows);
        out.checks.push_back(std::move(r));
    }
    for (const auto& c : q.columns) {
        double limit = p_.max_null_share;
        std::string field = "max_null_share";
        for (const auto& l : p_.column_limits)
            if (l.column == c.name) limit = l.max_null_share, field = "column_limits max_null_share";
        if (limit < 1.0 && q.rows)
            out.checks.push_back(threshold_result(c.name, "null_share", c.null_count, q.rows,
                                                  c.null_share, limit, "null share", field));
        if (c.numeric && p_.max_outlier_share < 1.0 && c.null_count < q.rows)
            out.checks.push_back(threshold_result(c.name, "outlier_share", c.outlier_count,
                                                  q.rows - c.null_count, c.outlier_share,
                                                  p_.max_outlier_share, "IQR outlier share",
                                                  "max_outlier_share"));
        if (p_.fail_on_constant) {
            check_result r;
            r.column = c.name;
            r.check = "not_constant";
            r.element_count = q.rows;
            r.passed = !c.constant;
            r.detail = c.constant ? concat("constant: ", c.distinct ? "every non-null value is '" + c.top_value + "'"
                                                                    : std::string("every value is null"))
                                  : concat(c.distinct, " distinct values");
            out.checks.push_back(std::move(r));
        }
        if (p_.fail_on_near_constant && !c.constant) {
            check_result r;
            r.column = c.name;
            r.check = "not_near_constant";
            r.element_count = q.rows;
            r.passed = !c.near_constant;
            r.detail = concat("top value '", c.top_value, "' in ", percent(c.top_share),
                              " of non-null rows; near_constant_share ",
                              percent(q.options.near_constant_share));
            out.checks.push_back(std::move(r));
        }
    }
    if (p_.max_duplicate_share < 1.0 && q.rows) {
        check_result r = threshold_result({}, "duplicate_rows", q.duplicate_rows, q.rows,
                                          q.duplicate_share, p_.max_duplicate_share,
                                          "duplicate share", "max_duplicate_share");
        for (const auto& [row, first] : q.duplicate_samples)
            r.samples.push_back({row, concat("row ", first)});
        out.checks.push_back(std::move(r));
    }
    return out;
}

// The gate as a pipeline stage; it learns nothing from the training frame
// (fit checks it, and throws on failure).
class quality_gate_fitted : public detail::checking_stage<quality_gate_fitted> {
public:
    static constexpr std::string_view type_tag = "tessera.validate.quality_gate";
    static constexpr std::uint32_t payload_version = 1;
    static constexpr std::string_view who = "validate::quality_gate";

    explicit quality_gate_fitted(quality_gate g) : gate_(std::move(g)) {}
    const quality_gate& gate() const noexcept { return gate_; }
    validation_report check(const frame& f) const { return gate_.check(f); }
    template <exec::execution_policy P>
    validation_report check(const P& policy, const frame& f) const { return gate_.check(policy, f); }
    on_failure failure_mode() const noexcept { return gate_.get_params().failure; }

    void save(io::writer& w) const {
        const auto& p = gate_.get_params();
        w.put<std::uint32_t>(payload_version);
        w.put<double>(p.max_null_share);
        w.put<std::uint64_t>(p.column_limits.size());
        for (const auto& l : p.column_limits) {
            w.put(l.column);
            w.put<double>(l.max_null_share);
        }
        w.put<double>(p.max_duplicate_share);
        w.put<double>(p.max_outlier_share);
        w.put<std::uint64_t>(p.min_rows);
        w.put<std::uint8_t>(p.fail_on_constant ? 1 : 0);
        w.put<std::uint8_t>(p.fail_on_near_constant ? 1 : 0);
        w.put(p.quality.target);
        w.put(p.quality.columns);
        w.put<double>(p.quality.near_constant_share);
        w.put<double>(p.quality.iqr_multiplier);
        w.put<std::uint64_t>(p.quality.max_samples);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(p.failure));
    }
    static quality_gate_fitted load(io::reader& r) {
        using tessera::detail::concat;
        const auto version = r.get<std::uint32_t>("quality_gate payload version");
        if (version != payload_version)
            throw format_error(concat("validate::quality_gate: payload version ", version,
                                      " is not one this build reads (", payload_version, ")"));
        quality_gate::params p;
        p.max_null_share = r.get<double>("max_null_share");
        const auto n = r.get<std::uint64_t>("column_limits");
        if (n > r.remaining()) throw format_error("validate::quality_gate: column_limits count exceeds the payload");
        for (std::uint64_t i = 0; i < n; ++i) {
            column_limit l;
            l.column = r.get_string("column_limits.column");
            l.max_null_share = r.get<double>("column_limits.max_null_share");
            p.column_limits.push_back(std::move(l));
        }
        p.max_duplicate_share = r.get<double>("max_duplicate_share");
        p.max_outlier_share = r.get<double>("max_outlier_share");
        p.min_rows = static_cast<std::size_t>(r.get<std::uint64_t>("min_rows"));
        p.fail_on_constant = detail::get_flag(r, "fail_on_constant");
        p.fail_on_near_constant = detail::get_flag(r, "fail_on_near_constant");
        p.quality.target = r.get_string("target");
        p.quality.columns = r.get_strings("columns");
        p.quality.near_constant_share = r.get<double>("near_constant_share");
        p.quality.iqr_multiplier = r.get<double>("iqr_multiplier");
        p.quality.max_samples = static_cast<std::size_t>(r.get<std::uint64_t>("max_samples"));
        const auto failure = r.get<std::uint8_t>("on_failure");
        if (failure > 1)
            throw format_error(concat("validate::quality_gate: field 'on_failure' is ", unsigned{failure},
                                      ", expected 0 (reject) or 1 (report)"));
        p.failure = static_cast<on_failure>(failure);
        try {
            return quality_gate_fitted(quality_gate(std::move(p)));
        } catch (const config_error& e) {
            throw format_error(concat("validate::quality_gate: the stored parameters are invalid: ", e.what()));
        }
    }

private:
    quality_gate gate_;
};

template <exec::execution_policy P>
quality_gate_fitted quality_gate::fit(const P& policy, const frame& f) const {
    quality_gate_fitted g(*this);
    (void)g.transform(policy, f);
    return g;
}
inline quality_gate_fitted quality_gate::fit(const frame& f) const { return fit(exec::par, f); }

}  // namespace tessera::validate
