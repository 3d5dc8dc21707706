// tessera/drift/z_test.hpp — the Z-test for two proportions, for binary columns.
//
// Reference behaviour: Evidently's z_stattest.py (`proportions_diff_z_stat_ind`):
// with p1, p2 the shares of the positive value in reference and current and
// P = (p1 n1 + p2 n2) / (n1 + n2),
//   z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)),   p = 2 P(Z > |z|).
// The positive value is the larger of the (at most two) distinct values, e.g.
// 1 for a 0/1 column; the two-sided p-value does not depend on that choice.
// When both samples hold one and the same value (P = 0 or 1) z = 0 and p = 1,
// Evidently's special case. Drift when p < threshold (0.05).
// Deviation: Evidently evaluates 2 (1 - Phi(|z|)), which rounds to 0 beyond
// |z| ~ 8.3; we use the survival function (erfc), equal to within 1e-16
// absolute and accurate in the tail. NaN and +-inf are dropped; more than two
// distinct values is a data_error.
#pragma once

#include <cmath>
#include <limits>
#include <span>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/distributions.hpp>
#include <tessera/drift/detail/sample.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::drift {

class z_test {
public:
    struct params {
        double threshold = 0.05;  // invariant: [0, 1]
    };
    static constexpr std::string_view name = "z";
    static constexpr score_kind kind = score_kind::p_value;
    static constexpr double default_threshold = 0.05;
    static constexpr column_kinds accepts = column_kinds::binary;

    z_test() = default;
    explicit z_test(const params& p) : p_(p) { detail::check_threshold("drift::z_test", kind, p.threshold); }

    const params& get_params() const noexcept { return p_; }

    // From counts: `ref_pos` of `n_ref` reference values are positive, and so on.
    test_result compare_counts(double ref_pos, double n_ref, double cur_pos, double n_cur) const {
        const double p1 = ref_pos / n_ref;
        const double p2 = cur_pos / n_cur;
        const double P = (p1 * n_ref + p2 * n_cur) / (n_ref + n_cur);
        double z = 0.0;
        double p = 1.0;
        if (P > 0.0 && P < 1.0) {
            z = (p1 - p2) / std::sqrt(P * (1 - P) * (1.0 / n_ref + 1.0 / n_cur));
            p = 2 * detail::normal_sf(std::abs(z));
        }
        return detail::make_result(name, kind, z, p, p_.threshold);
    }

    template <exec::host_policy P>
    test_result compare(const P&, std::span<const double> reference, std::span<const double> current) const {
        constexpr std::string_view where = "drift::z_test::compare";
        const auto t = detail::count_categories(where, reference, current);
        if (t.categories.size() > 2)
            throw data_error(tessera::detail::concat(
                where, ": found ", t.categories.size(), " distinct values (", t.categories[0], ", ",
                t.categories[1], ", ", t.categories[2],
                ", ...); the Z-test is for binary columns (at most 2 values); use drift::chi_squared"));
        const std::size_t pos = t.categories.size() - 1;  // the larger value
        const double nr = t.reference[0] + (pos == 1 ? t.reference[1] : 0.0);
        const double nc = t.current[0] + (pos == 1 ? t.current[1] : 0.0);
        return compare_counts(t.reference[pos], nr, t.current[pos], nc);
    }
    test_result compare(std::span<const double> reference, std::span<const double> current) const {
        return compare(exec::par, reference, current);
    }

private:
    params p_{};
};

static_assert(drift_test<z_test>);

}  // namespace tessera::drift
