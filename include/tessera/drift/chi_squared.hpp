// tessera/drift/chi_squared.hpp — the chi-squared test for categorical columns.
//
// Two methods, over the categories of both samples together:
// - `homogeneity` (default): the test of homogeneity of the 2 x k table
//   (reference counts, current counts), scipy.stats.chi2_contingency(table)
//   with its defaults: expected counts from the margins, dof = k - 1, Yates'
//   continuity correction when dof = 1 (`correction`, as scipy's), and
//   statistic 0, p-value 1 when there is a single category (dof = 0). It is
//   symmetric in the two samples and stays finite when the current sample
//   has a category the reference lacks.
// - `goodness_of_fit`: Evidently's chisquare_stattest.py,
//   scipy.stats.chisquare(f_obs = current counts, f_exp = reference counts *
//   n_current / n_reference), dof = k - 1. A category absent from the
//   reference has f_exp = 0, so the statistic is inf and the p-value 0 (what
//   Evidently reports); a single category gives statistic 0, p-value 1.
// Drift when p < threshold (0.05, Evidently's default).
//
// Categories are values: categorical codes (or any labels) passed as doubles;
// NaN and +-inf are dropped (pass missing codes as NaN, not -1); -0.0 == +0.0.
// compare_counts takes the per-category counts directly, for callers that
// have them already (a monitor with frozen dictionaries).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/distributions.hpp>
#include <tessera/drift/detail/sample.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::drift {

enum class chi_squared_method : std::uint8_t { homogeneity, goodness_of_fit };

struct chi_squared_result {
    double statistic = std::numeric_limits<double>::quiet_NaN();
    double p_value = std::numeric_limits<double>::quiet_NaN();
    double dof = 0.0;
};

namespace detail {

inline chi_squared_result chi_squared_counts(std::span<const double> ref, std::span<const double> cur,
                                             chi_squared_method method, bool correction) {
    const std::size_t k = ref.size();
    double n_ref = 0.0, n_cur = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
        n_ref += ref[i];
        n_cur += cur[i];
    }
    chi_squared_result r;
    r.dof = static_cast<double>(k) - 1.0;
    if (k <= 1) {
        r.statistic = 0.0;
        r.p_value = 1.0;
        r.dof = 0.0;
        return r;
    }
    double stat = 0.0;
    if (method == chi_squared_method::goodness_of_fit) {
        const double norm = n_cur / n_ref;
        for (std::size_t i = 0; i < k; ++i) {
            const double e = ref[i] * norm;
            const double d = cur[i] - e;
            stat += d * d / e;  // e == 0 < cur[i]: inf, as scipy
        }
    } else {
        const double total = n_ref + n_cur;
        const bool yates = correction && k == 2;
        for (std::size_t i = 0; i < k; ++i) {
            const double col = ref[i] + cur[i];
            const double obs[2] = {ref[i], cur[i]};
            const double rows[2] = {n_ref, n_cur};
            for (int j = 0; j < 2; ++j) {
                const double e = rows[j] * col / total;
                double o = obs[j];
                if (yates) {  // move o towards e by at most 0.5
                    const double diff = e - o;
                    o += std::min(0.5, std::abs(diff)) * (diff > 0 ? 1.0 : (diff < 0 ? -1.0 : 0.0));
                }
                stat += (o - e) * (o - e) / e;
            }
        }
    }
    r.statistic = stat;
    r.p_value = chi2_sf(stat, r.dof);
    return r;
}

}  // namespace detail

class chi_squared {
public:
    struct params {
        double threshold = 0.05;  // invariant: [0, 1]
        chi_squared_method method = chi_squared_method::homogeneity;
        bool correction = true;   // Yates' correction for 2 categories (homogeneity only), as scipy
    };
    static constexpr std::string_view name = "chi_squared";
    static constexpr score_kind kind = score_kind::p_value;
    static constexpr double default_threshold = 0.05;
    static constexpr column_kinds accepts = column_kinds::categorical | column_kinds::binary;

    chi_squared() = default;
    explicit chi_squared(const params& p) : p_(p) {
        detail::check_threshold("drift::chi_squared", kind, p.threshold);
    }

    const params& get_params() const noexcept { return p_; }

    // The statistic and p-value of counts per category (same order on both sides).
    chi_squared_result test_counts(std::span<const double> reference_counts,
                                   std::span<const double> current_counts) const {
        constexpr std::string_view where = "drift::chi_squared::compare_counts";
        if (reference_counts.size() != current_counts.size())
            throw errors::size_mismatch(where, reference_counts.size(), current_counts.size());
        double nr = 0.0, nc = 0.0;
        for (std::size_t i = 0; i < reference_counts.size(); ++i) {
            const double a = reference_counts[i], b = current_counts[i];
            if (!(a >= 0.0 && b >= 0.0 && std::isfinite(a) && std::isfinite(b)))
                throw data_error(tessera::detail::concat(where, ": count ", i, " is ", a, " / ", b,
                                                         "; counts must be finite and >= 0"),
                                 {}, i);
            nr += a;
            nc += b;
        }
        if (nr == 0.0) throw detail::no_finite_values(where, "reference", 0);
        if (nc == 0.0) throw detail::no_finite_values(where, "current", 0);
        return detail::chi_squared_counts(reference_counts, current_counts, p_.method, p_.correction);
    }

    test_result compare_counts(std::span<const double> reference_counts, std::span<const double> current_counts) const {
        const auto r = test_counts(reference_counts, current_counts);
        return detail::make_result(name, kind, r.statistic, r.p_value, p_.threshold);
    }

    // Category values as doubles; the policy is accepted for uniformity (one pass).
    template <exec::host_policy P>
    test_result compare(const P&, std::span<const double> reference, std::span<const double> current) const {
        constexpr std::string_view where = "drift::chi_squared::compare";
        auto t = detail::count_categories(where, reference, current);
        return compare_counts(t.reference, t.current);
    }
    test_result compare(std::span<const double> reference, std::span<const double> current) const {
        return compare(exec::par, reference, current);
    }

private:
    params p_{};
};

static_assert(drift_test<chi_squared>);

}  // namespace tessera::drift
