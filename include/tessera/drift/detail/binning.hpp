// tessera/drift/detail/binning.hpp — the binning PSI and Jensen-Shannon share,
// frozen from the reference (NannyML's fit-on-reference), or Evidently's
// pooled binning as a named option.
//
// drift::binning::quantile (numeric, default): edges = the reference's
//   quantile edges, kernels/bin_edges.hpp `quantile_edges` (sklearn
//   KBinsDiscretizer(strategy='quantile') with numpy 'linear', 1e-8 merge:
//   reference/semantics.md 5.1), bins closed on the left; two overflow bins
//   hold the mass below the reference's minimum and above its maximum
//   (`bin_of_with_overflow`). Layout: [below, bin 1 .. bin n, above]. A
//   constant reference gets edges {v, v}: one bin for v itself, so any shift
//   lands in an overflow bin (sklearn would use {-inf, inf} and see nothing).
// drift::binning::categorical: the reference's distinct values, ascending,
//   plus one last bin for values the reference never had.
// drift::binning::evidently: Evidently's get_binned_data (utils.py) for a
//   numerical column: more than 20 distinct reference values -> Sturges bins
//   over reference and current pooled (np.histogram_bin_edges(..., 'sturges')),
//   else the distinct values of both; not freezable (the bins depend on the
//   current sample). PSI zero-fill: Evidently's (each side's zeros become
//   min(non-zero)/1e6 if that minimum <= 1e-4, else 1e-4); JS: no fill.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/ecdf_walk.hpp>
#include <tessera/drift/detail/radix_sort.hpp>
#include <tessera/drift/detail/sample.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/bin_edges.hpp>

namespace tessera::drift {

enum class binning : std::uint8_t { quantile, categorical, evidently };

inline constexpr std::string_view binning_name(binning b) noexcept {
    return b == binning::quantile ? "quantile" : (b == binning::categorical ? "categorical" : "evidently");
}

// Bins frozen from a reference sample, and the reference's share in each.
// Immutable once built; proportions(current) puts any sample in the same bins.
class binned_reference {
public:
    binned_reference() = default;

    // Quantile (n_bins >= 2) or categorical bins of the finite reference values.
    template <exec::host_policy P>
    static binned_reference fit(const P& policy, std::span<const double> reference, binning mode,
                                std::size_t n_bins) {
        constexpr std::string_view where = "drift::binned_reference::fit";
        if (mode == binning::evidently)
            throw config_error(tessera::detail::concat(
                                   where, ": binning 'evidently' pools reference and current, so it "
                                          "cannot be frozen; use binning::quantile or binning::categorical"),
                               "binning");
        if (mode == binning::quantile && n_bins < 2) throw errors::out_of_range(where, "n_bins", n_bins, "[2, inf)");
        binned_reference b;
        b.mode_ = mode;
        using tag_t = std::remove_cvref_t<decltype(exec::select_backend(policy))>;
        if constexpr (tag_t::vector) {
            if (mode == binning::quantile && reference.size() <= std::numeric_limits<std::uint32_t>::max()) {
                b.fit_sorted(detail::radix_sort_finite(reference), n_bins, reference.size());
                return b;
            }
        }
        std::vector<double> ref = detail::finite_nonempty(where, "reference", reference);
        if (mode == binning::quantile) {
            const auto [lo, hi] = std::minmax_element(ref.begin(), ref.end());
            if (*lo == *hi)
                b.edges_ = {*lo, *hi};
            else
                b.edges_ = kernels::quantile_edges(policy, std::span<const double>(ref), n_bins);
        } else {
            for (double& v : ref) v += 0.0;
            b.edges_ = ref;
            std::sort(b.edges_.begin(), b.edges_.end());
            b.edges_.erase(std::unique(b.edges_.begin(), b.edges_.end()), b.edges_.end());
        }
        b.reference_ = b.share(ref);
        return b;
    }

    binning mode() const noexcept { return mode_; }
    // Quantile: the edges; categorical: the categories.
    std::span<const double> edges() const noexcept { return edges_; }
    std::span<const double> reference_proportions() const noexcept { return reference_; }
    std::size_t bin_count() const noexcept { return reference_.size(); }

    // The share of the finite values of x in each bin (x must have one).
    std::vector<double> proportions(std::span<const double> x) const {
        return share(detail::finite_nonempty("drift::binned_reference::proportions", "current", x));
    }

private:
    // Quantile bins from the radix-sorted reference: the edges are
    // kernels::quantile_edges' (numpy 'linear' on the sorted values, the same
    // levels, the same 1e-8 merge), and the reference's shares are counted by
    // binary search instead of binning every value.
    void fit_sorted(const detail::sorted_keys& s, std::size_t n_bins, std::size_t n_all) {
        const std::size_t m = s.size();
        if (m == 0) throw detail::no_finite_values("drift::binned_reference::fit", "reference", n_all);
        const auto value = [&](std::size_t i) { return detail::as_double(s.data()[i]); };
        const double lo = value(0), hi = value(m - 1);
        if (lo == hi) {
            edges_ = {lo, hi};
        } else {
            std::vector<double> q = kernels::detail::linspace<double>(0.0, 100.0, n_bins + 1);
            for (double& v : q) v = kernels::detail::round_to(v / 100.0);
            std::vector<double> e(q.size());
            for (std::size_t j = 0; j < q.size(); ++j) e[j] = kernels::detail::linear_quantile<double>(m, q[j], value);
            for (std::size_t i = 0; i < e.size(); ++i)
                if (i == 0 || e[i] - e[i - 1] > 1e-8) edges_.push_back(e[i]);
            if (edges_.size() < 2) edges_ = kernels::detail::constant_edges();
        }
        // #(values < t) or #(values <= t) in the sorted sample
        const auto below = [&](double t, bool inclusive) {
            std::size_t a = 0, b = m;
            while (a < b) {
                const std::size_t mid = a + (b - a) / 2;
                const double v = value(mid);
                if (inclusive ? v <= t : v < t) a = mid + 1; else b = mid;
            }
            return a;
        };
        const std::size_t n = edges_.size() - 1;
        std::vector<double> c(n + 2, 0.0);
        std::size_t prev = below(edges_[0], false);
        c[0] = static_cast<double>(prev);
        for (std::size_t k = 1; k <= n; ++k) {
            const std::size_t cur = below(edges_[k], k == n);
            c[k] = static_cast<double>(cur - prev);
            prev = cur;
        }
        c[n + 1] = static_cast<double>(m - prev);
        for (double& v : c) v /= static_cast<double>(m);
        reference_ = std::move(c);
    }

    std::vector<double> share(const std::vector<double>& finite) const {
        const std::size_t nb = edges_.size() + 1;  // quantile: n + 2 bins from n + 1 edges; categorical: K + 1
        std::vector<double> c(nb, 0.0);
        if (mode_ == binning::quantile && edges_.size() <= 33) {
            // bin_of_with_overflow without branches: the number of edges <= v is
            // 0 below the range, 1 + the inner edges <= v inside it, n + 1 above;
            // v == the last edge belongs to bin n (closed on the right).
            const double* e = edges_.data();
            const std::size_t ne = edges_.size();
            const double last = e[ne - 1];
            for (const double v : finite) {
                std::size_t k = 0;
                for (std::size_t i = 0; i < ne; ++i) k += v >= e[i] ? 1 : 0;
                c[k - (v == last ? 1 : 0)] += 1.0;
            }
        } else if (mode_ == binning::quantile) {
            for (const double v : finite) ++c[kernels::bin_of_with_overflow(std::span<const double>(edges_), v)];
        } else {
            for (const double v : finite) {
                const auto it = std::lower_bound(edges_.begin(), edges_.end(), v);
                c[(it != edges_.end() && *it == v) ? static_cast<std::size_t>(it - edges_.begin()) : nb - 1] += 1.0;
            }
        }
        const double n = static_cast<double>(finite.size());
        for (double& v : c) v /= n;
        return c;
    }

    binning mode_ = binning::quantile;
    std::vector<double> edges_;
    std::vector<double> reference_;
};

namespace detail {

// Evidently's get_binned_data for a numerical column; `fill` = its feel_zeroes.
inline void evidently_proportions(std::string_view where, std::span<const double> reference,
                                  std::span<const double> current, bool fill, std::vector<double>& rp,
                                  std::vector<double>& cp) {
    std::vector<double> ref = finite_nonempty(where, "reference", reference);
    std::vector<double> cur = finite_nonempty(where, "current", current);
    std::vector<double> distinct = ref;
    for (double& v : distinct) v += 0.0;
    std::sort(distinct.begin(), distinct.end());
    const auto n_unique = static_cast<std::size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
    if (n_unique > 20) {
        const auto [lo1, hi1] = std::minmax_element(ref.begin(), ref.end());
        const auto [lo2, hi2] = std::minmax_element(cur.begin(), cur.end());
        const double lo = std::min(*lo1, *lo2), hi = std::max(*hi1, *hi2);
        // np.histogram_bin_edges(pooled, 'sturges'): width = ptp / (log2(n) + 1)
        const double width = (hi - lo) / (std::log2(static_cast<double>(ref.size() + cur.size())) + 1.0);
        const auto nb = static_cast<std::size_t>(std::ceil((hi - lo) / width));
        const std::vector<double> edges = kernels::detail::linspace<double>(lo, hi, nb + 1);
        auto hist = [&](const std::vector<double>& x) {
            std::vector<double> c(nb, 0.0);
            for (const double v : x) c[kernels::bin_of(std::span<const double>(edges), v)] += 1.0;
            for (double& v : c) v /= static_cast<double>(x.size());
            return c;
        };
        rp = hist(ref);
        cp = hist(cur);
    } else {
        const category_table t = count_categories(where, ref, cur);
        double nr = 0.0, nc = 0.0;
        for (std::size_t i = 0; i < t.categories.size(); ++i) {
            nr += t.reference[i];
            nc += t.current[i];
        }
        rp = t.reference;
        cp = t.current;
        for (double& v : rp) v /= nr;
        for (double& v : cp) v /= nc;
    }
    if (fill) {
        for (std::vector<double>* p : {&rp, &cp}) {
            double m = std::numeric_limits<double>::infinity();
            for (const double v : *p)
                if (v != 0.0) m = std::min(m, v);
            const double f = m <= 0.0001 ? m / 1e6 : 0.0001;
            for (double& v : *p)
                if (v == 0.0) v = f;
        }
    }
}

// What PSI and Jensen-Shannon share: frozen or Evidently bins, then a distance
// of the two share vectors. Test provides get_params() (with threshold, n_bins,
// bins), name, kind, evidently_fill (Evidently's feel_zeroes) and
// distance(reference shares, current shares).
template <class Test>
class binned_distance {
public:
    // Bins frozen from the reference (binning quantile or categorical).
    template <exec::host_policy P>
    binned_reference fit(const P& policy, std::span<const double> reference) const {
        return binned_reference::fit(policy, reference, self().get_params().bins, self().get_params().n_bins);
    }
    binned_reference fit(std::span<const double> reference) const { return fit(exec::par, reference); }

    // One pass over the current sample against frozen bins.
    test_result compare(const binned_reference& frozen, std::span<const double> current) const {
        return result(self().distance(frozen.reference_proportions(), frozen.proportions(current)));
    }

    template <exec::host_policy P>
    test_result compare(const P& policy, std::span<const double> reference, std::span<const double> current) const {
        if (self().get_params().bins != binning::evidently) return compare(fit(policy, reference), current);
        std::vector<double> r, c;
        evidently_proportions(tessera::detail::concat("drift::", Test::name, "::compare"), reference, current,
                              Test::evidently_fill, r, c);
        return result(self().distance(r, c));
    }
    test_result compare(std::span<const double> reference, std::span<const double> current) const {
        return compare(exec::par, reference, current);
    }

private:
    const Test& self() const noexcept { return static_cast<const Test&>(*this); }
    test_result result(double d) const {
        return make_result(Test::name, Test::kind, d, std::numeric_limits<double>::quiet_NaN(),
                           self().get_params().threshold);
    }
};

}  // namespace detail

}  // namespace tessera::drift
