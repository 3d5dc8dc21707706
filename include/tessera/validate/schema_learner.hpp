// tessera/validate/schema_learner.hpp — learns a schema from the training
// frame: what a fitted validator should expect of every later batch.
//
//   auto v = validate::schema_learner{{.range_margin = 0.1}}.fit(exec::par, train);
//   v.transform(exec::par, batch);  // throws data_error listing every violation
//
// Per column it remembers the dtype, whether nulls were seen (a column
// without nulls at fit must stay null-free), the observed [min, max] of
// ordered columns widened by `range_margin` × (max - min) on each side, and
// the categories of categorical (and bool) columns seen at fit (up to
// `max_categories`; beyond that no category check). Columns not seen at fit
// fail "unexpected_column" unless allow_extra_columns.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/validate/detail/cells.hpp>
#include <tessera/validate/schema.hpp>

namespace tessera::validate {

class schema_learner {
public:
    struct params {
        bool learn_types = true;
        bool learn_nullability = true;
        bool learn_ranges = true;
        double range_margin = 0.0;        // widen [min, max] by this share of its width, >= 0
        bool learn_categories = true;
        std::size_t max_categories = 1000;
        bool allow_extra_columns = false;
        double mostly = 1.0;              // for every learned value check, [0, 1]
        std::size_t max_samples = 20;
        on_failure failure = on_failure::reject;
    };

    constexpr schema_learner() = default;
    constexpr explicit schema_learner(const params& p) : p_(p) {}
    constexpr const params& get_params() const noexcept { return p_; }

    // The schema this data implies.
    schema learn(const frame& f) const {
        constexpr std::string_view where = "validate::schema_learner";
        if (!(p_.range_margin >= 0.0) || std::isinf(p_.range_margin))
            throw errors::out_of_range(where, "range_margin", p_.range_margin, "[0, inf)");
        if (!(p_.mostly >= 0.0 && p_.mostly <= 1.0))
            throw errors::out_of_range(where, "mostly", p_.mostly, "[0, 1]");
        schema::params sp;
        sp.allow_extra_columns = p_.allow_extra_columns;
        sp.max_samples = p_.max_samples;
        sp.failure = p_.failure;
        for (std::size_t j = 0; j < f.num_columns(); ++j) {
            const column& c = f.column(j);
            column_spec s;
            s.name = c.name();
            s.mostly = p_.mostly;
            if (p_.learn_types) s.type = c.type();
            const detail::value_groups g = detail::group_values(c);
            std::size_t nonnull = 0;
            for (const auto k : g.count) nonnull += k;
            if (p_.learn_nullability) s.nullable = nonnull < c.size();
            if (p_.learn_ranges && detail::is_ordered(c.type()) && c.type() != dtype::boolean && nonnull) {
                double lo = std::numeric_limits<double>::infinity(), hi = -lo;
                for (std::size_t r = 0; r < c.size(); ++r) {
                    const double v = detail::number_at(c, r);
                    if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
                }
                const double pad = p_.range_margin * (hi - lo);
                s.min = lo - pad;
                s.max = hi + pad;
            }
            if (p_.learn_categories &&
                (c.type() == dtype::categorical || c.type() == dtype::boolean) &&
                g.count.size() <= p_.max_categories && nonnull) {
                for (const std::size_t r : g.first_row) s.allowed.push_back(detail::text_at(c, r));
                std::sort(s.allowed.begin(), s.allowed.end());
            }
            sp.columns.push_back(std::move(s));
        }
        return schema(std::move(sp));
    }

    template <exec::execution_policy P>
    fitted_validator fit(const P&, const frame& f) const {
        return fitted_validator(learn(f));
    }
    fitted_validator fit(const frame& f) const { return fit(exec::par, f); }

private:
    params p_{};
};

}  // namespace tessera::validate
