// tessera/drift/detail/sample.hpp — what every batch drift test does to its
// inputs first, and the messages it throws.
//
// NaN, +inf and -inf are dropped from both samples before any test, as
// Evidently does (it maps +-inf to NaN and drops NaN); a sample with nothing
// left is a data_error (Evidently raises ValueError). Threshold checks live
// here too, so every test words them the same way.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/drift/detail/radix_sort.hpp>
#include <tessera/drift/test_result.hpp>

namespace tessera::drift::detail {

// "<where>: the <which> sample has no finite values (<n> values, all NaN or
// infinite); drift tests drop NaN and +-inf"
inline data_error no_finite_values(std::string_view where, std::string_view which, std::size_t n) {
    return data_error(tessera::detail::concat(where, ": the ", which, " sample has no finite values (",
                                              n, n == 1 ? " value" : " values",
                                              n == 0 ? "" : ", all NaN or infinite",
                                              "); drift tests drop NaN and +-inf before testing"));
}

// The finite values of x, in their order.
inline std::vector<double> finite_values(std::span<const double> x) {
    std::vector<double> out;
    out.reserve(x.size());
    for (const double v : x)
        if (std::isfinite(v)) out.push_back(v);
    return out;
}

inline std::vector<double> finite_nonempty(std::string_view where, std::string_view which,
                                           std::span<const double> x) {
    std::vector<double> v = finite_values(x);
    if (v.empty()) throw no_finite_values(where, which, x.size());
    return v;
}

// Categories (distinct values, ascending) of two samples together, with each
// sample's count per category: the contingency table of chi-squared and Z.
struct category_table {
    std::vector<double> categories;
    std::vector<double> reference;  // counts, as doubles (scipy's float arithmetic)
    std::vector<double> current;
};

// The finite values of both samples are radix-sorted (drift/detail/radix_sort.hpp)
// and counted in one merge; a sample without finite values throws no_finite_values.
inline category_table count_categories(std::string_view where, std::span<const double> ref,
                                       std::span<const double> cur) {
    const sorted_keys a = radix_sort_finite(ref);
    if (a.size() == 0) throw no_finite_values(where, "reference", ref.size());
    const sorted_keys b = radix_sort_finite(cur);
    if (b.size() == 0) throw no_finite_values(where, "current", cur.size());
    const std::uint64_t* x = a.data();
    const std::uint64_t* y = b.data();
    const std::size_t nx = a.size(), ny = b.size();
    category_table t;
    std::size_t i = 0, j = 0;
    while (i < nx || j < ny) {
        const std::uint64_t v = (j >= ny || (i < nx && x[i] < y[j])) ? x[i] : y[j];
        const std::size_t i0 = i, j0 = j;
        while (i < nx && x[i] == v) ++i;
        while (j < ny && y[j] == v) ++j;
        t.categories.push_back(from_order_key(v));
        t.reference.push_back(static_cast<double>(i - i0));
        t.current.push_back(static_cast<double>(j - j0));
    }
    return t;
}

// p-value thresholds lie in [0, 1]; distance thresholds are >= 0 and finite.
inline void check_threshold(std::string_view owner, score_kind kind, double t) {
    if (kind == score_kind::p_value) {
        if (!(t >= 0.0 && t <= 1.0)) throw errors::out_of_range(owner, "threshold", t, "[0, 1]");
    } else if (!(t >= 0.0 && std::isfinite(t))) {
        throw errors::out_of_range(owner, "threshold", t, "[0, inf)");
    }
}

// The result every test returns, its verdict from test_result's is_drift.
inline test_result make_result(std::string_view method, score_kind kind, double statistic,
                               double p_value, double threshold) {
    test_result r;
    r.method = std::string(method);
    r.statistic = statistic;
    r.p_value = p_value;
    r.score = kind == score_kind::p_value ? p_value : statistic;
    r.threshold = threshold;
    r.kind = kind;
    r.drifted = is_drift(kind, r.score, threshold);
    return r;
}

}  // namespace tessera::drift::detail
