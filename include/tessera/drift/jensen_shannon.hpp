// tessera/drift/jensen_shannon.hpp — the Jensen-Shannon distance (base 2)
// between the binned reference and current samples.
//
// Reference behaviour: scipy.spatial.distance.jensenshannon(r, c, base=2):
// both share vectors normalised to sum 1, m = (r + c) / 2,
//   JS = sqrt((sum r ln(r/m) + sum c ln(c/m)) / ln 2 / 2)    (0 ln 0 = 0),
// a distance in [0, 1] (the square root of the divergence; Evidently's docs
// call it a divergence, its code returns this distance). Bins are frozen from
// the reference as for PSI (drift/detail/binning.hpp): 10 quantile bins plus
// the two overflow bins by default, `binning::categorical` for codes,
// `binning::evidently` for Evidently's jensenshannon.py (pooled Sturges bins,
// no zero-fill). No epsilon is needed: empty bins contribute 0. Threshold 0.1,
// drift when JS >= 0.1 (Evidently's default for columns with more than 1000
// reference rows). NaN and +-inf are dropped first.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
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

// scipy.spatial.distance.jensenshannon(p, q, base=2).
inline double js_distance(std::span<const double> p, std::span<const double> q) {
    double sp = 0.0, sq = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        sp += p[i];
        sq += q[i];
    }
    auto rel_entr = [](double x, double y) { return x > 0.0 ? x * std::log(x / y) : 0.0; };
    double left = 0.0, right = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double a = p[i] / sp, b = q[i] / sq;
        const double m = (a + b) / 2.0;
        left += rel_entr(a, m);
        right += rel_entr(b, m);
    }
    const double js = (left + right) / std::numbers::ln2;
    return std::sqrt(std::max(js, 0.0) / 2.0);
}

}  // namespace detail

class jensen_shannon : public detail::binned_distance<jensen_shannon> {
public:
    struct params {
        double threshold = 0.1;            // invariant: [0, inf)
        std::size_t n_bins = 10;           // quantile bins; invariant: [2, inf)
        binning bins = binning::quantile;  // quantile | categorical | evidently
    };
    static constexpr std::string_view name = "jensen_shannon";
    static constexpr score_kind kind = score_kind::distance;
    static constexpr double default_threshold = 0.1;
    static constexpr column_kinds accepts = column_kinds::numeric | column_kinds::categorical | column_kinds::binary;

    jensen_shannon() = default;
    explicit jensen_shannon(const params& p) : p_(p) {
        constexpr std::string_view owner = "drift::jensen_shannon";
        detail::check_threshold(owner, kind, p.threshold);
        if (p.n_bins < 2) throw errors::out_of_range(owner, "n_bins", p.n_bins, "[2, inf)");
    }

    const params& get_params() const noexcept { return p_; }

    // The distance of reference and current shares (bin by bin).
    double distance(std::span<const double> r, std::span<const double> c) const { return detail::js_distance(r, c); }
    static constexpr bool evidently_fill = false;  // Evidently's feel_zeroes

private:
    params p_{};
};

static_assert(drift_test<jensen_shannon>);

}  // namespace tessera::drift
