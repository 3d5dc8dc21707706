// tessera/drift/wasserstein.hpp — the Wasserstein-1 (earth mover's) distance
// between two samples, raw or normalized by the reference's spread.
//
// Reference behaviour: scipy.stats.wasserstein_distance(reference, current)
// (the area between the two empirical CDFs, `_cdf_distance(1, ...)`), and
// Evidently's "wasserstein" drift test (wasserstein_distance_norm.py): the
// distance divided by max(np.std(reference), 0.001), the population standard
// deviation (ddof 0); drift when the normed distance >= 0.1. Evidently's
// default for numeric columns with more than 1000 reference rows.
// NaN and +-inf are dropped first (drift/detail/sample.hpp); no finite value
// left is a data_error.
//
// One merge walk over the sorted samples (drift/detail/ecdf_walk.hpp): exec::seq
// std::sorts, simd / par radix-sort; every path sums the same terms in the same
// order, so results are bitwise identical across policies and thread counts.
#pragma once

#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/ecdf_walk.hpp>
#include <tessera/drift/detail/sample.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::drift {

namespace detail {

// Population standard deviation of the finite values (two passes, as np.std).
inline double finite_std(std::span<const double> x) {
    double sum = 0.0;
    std::size_t n = 0;
    for (const double v : x)
        if (std::isfinite(v)) {
            sum += v;
            ++n;
        }
    if (n == 0) return std::numeric_limits<double>::quiet_NaN();
    const double mean = sum / static_cast<double>(n);
    double ss = 0.0;
    for (const double v : x)
        if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    return std::sqrt(ss / static_cast<double>(n));
}

}  // namespace detail

// scipy.stats.wasserstein_distance(reference, current) over the finite values.
template <exec::host_policy P>
double wasserstein_distance(const P& policy, std::span<const double> reference, std::span<const double> current) {
    return detail::sorted_walk<true>(policy, reference, current, [&](int which) {
                throw detail::no_finite_values("drift::wasserstein_distance",
                                               which == 0 ? "reference" : "current",
                                               which == 0 ? reference.size() : current.size());
            }).w1;
}
template <class P>
    requires exec::device_policy<P>
double wasserstein_distance(const P&, std::span<const double>, std::span<const double>) {
    TESSERA_CUDA_NOT_AVAILABLE(P);
    return 0.0;
}
inline double wasserstein_distance(std::span<const double> reference, std::span<const double> current) {
    return wasserstein_distance(exec::par, reference, current);
}

// The Wasserstein drift test: method "wasserstein_normed" (default, Evidently's)
// or "wasserstein" (raw, when normed = false); statistic = score = the distance.
class wasserstein {
public:
    struct params {
        double threshold = 0.1;  // invariant: [0, inf)
        bool normed = true;      // divide by max(std(reference), min_std)
        double min_std = 0.001;  // invariant: (0, inf); Evidently's floor
    };
    static constexpr std::string_view name = "wasserstein";
    static constexpr score_kind kind = score_kind::distance;
    static constexpr double default_threshold = 0.1;
    static constexpr column_kinds accepts = column_kinds::numeric;

    wasserstein() = default;
    explicit wasserstein(const params& p) : p_(p) {
        detail::check_threshold("drift::wasserstein", kind, p.threshold);
        if (!(p.min_std > 0.0 && std::isfinite(p.min_std)))
            throw errors::out_of_range("drift::wasserstein", "min_std", p.min_std, "(0, inf)");
    }

    const params& get_params() const noexcept { return p_; }
    // test_result::method: "wasserstein_normed" or "wasserstein"
    std::string_view method() const noexcept { return p_.normed ? "wasserstein_normed" : "wasserstein"; }

    template <exec::host_policy P>
    test_result compare(const P& policy, std::span<const double> reference, std::span<const double> current) const {
        double w = wasserstein_distance(policy, reference, current);
        if (p_.normed) w /= std::max(detail::finite_std(reference), p_.min_std);
        return detail::make_result(method(), kind, w, std::numeric_limits<double>::quiet_NaN(), p_.threshold);
    }
    test_result compare(std::span<const double> reference, std::span<const double> current) const {
        return compare(exec::par, reference, current);
    }

private:
    params p_{};
};

static_assert(drift_test<wasserstein>);

}  // namespace tessera::drift
