// tessera/drift/psi.hpp — the population stability index.
//
//   PSI = sum_i (r_i - c_i) ln(r_i / c_i)
// over the reference's (r) and current (c) shares of each bin. Bins are frozen
// from the reference (drift/detail/binning.hpp): by default 10 quantile bins of
// the reference plus an overflow bin below its minimum and one above its
// maximum; `binning::categorical` for category codes (plus one bin for unseen
// categories). Empty bins: both shares are floored at eps = 1e-4 before the
// sum, without renormalising (reference/semantics.md 5.1), so an empty bin on
// both sides adds nothing and one empty side adds at most ~1e-4 ln(1e-4 ...).
// `binning::evidently` reproduces Evidently's psi.py instead: Sturges bins of
// reference and current pooled (or the distinct values, for <= 20 of them)
// and its zero-fill (min/1e6 or 1e-4). Threshold 0.1, drift when PSI >= 0.1
// (Evidently's default; the industry reading: < 0.1 stable, 0.1-0.25 moderate,
// >= 0.25 significant). NaN and +-inf are dropped first.
//
// fit(reference) freezes the bins once; compare(frozen, current) then costs one
// pass over the current sample (what a monitor does for every batch).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/binning.hpp>
#include <tessera/drift/detail/sample.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::drift {

namespace detail {

// sum (r - c) ln(r / c), each share floored at eps (eps = 0: taken as given).
inline double psi_sum(std::span<const double> r, std::span<const double> c, double eps) {
    double s = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const double a = std::max(r[i], eps), b = std::max(c[i], eps);
        s += (a - b) * std::log(a / b);
    }
    return s;
}

}  // namespace detail

class psi : public detail::binned_distance<psi> {
public:
    struct params {
        double threshold = 0.1;            // invariant: [0, inf)
        std::size_t n_bins = 10;           // quantile bins; invariant: [2, inf)
        binning bins = binning::quantile;  // quantile | categorical | evidently
        double eps = 1e-4;                 // floor of every share; invariant: (0, 1)
    };
    static constexpr std::string_view name = "psi";
    static constexpr score_kind kind = score_kind::distance;
    static constexpr double default_threshold = 0.1;
    static constexpr column_kinds accepts = column_kinds::numeric | column_kinds::categorical | column_kinds::binary;

    psi() = default;
    explicit psi(const params& p) : p_(p) {
        constexpr std::string_view owner = "drift::psi";
        detail::check_threshold(owner, kind, p.threshold);
        if (p.n_bins < 2) throw errors::out_of_range(owner, "n_bins", p.n_bins, "[2, inf)");
        if (!(p.eps > 0.0 && p.eps < 1.0)) throw errors::out_of_range(owner, "eps", p.eps, "(0, 1)");
    }

    const params& get_params() const noexcept { return p_; }

    // The distance of reference and current shares (bin by bin).
    // Evidently's binning comes zero-filled its own way, so eps is not applied to it.
    double distance(std::span<const double> r, std::span<const double> c) const {
        return detail::psi_sum(r, c, p_.bins == binning::evidently ? 0.0 : p_.eps);
    }
    static constexpr bool evidently_fill = true;  // Evidently's feel_zeroes

private:
    params p_{};
};

static_assert(drift_test<psi>);

}  // namespace tessera::drift
