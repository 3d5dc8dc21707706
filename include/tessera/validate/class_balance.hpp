// tessera/validate/class_balance.hpp — class counts, shares, imbalance ratio
// and suggested class weights of a target column.
//
// Weights are scikit-learn's compute_class_weight('balanced'):
// n_samples / (n_classes * count) over the non-null rows, so a weighted
// sample of every class sums to n_samples / n_classes. Classes are ordered by
// value (numbers and times numerically, labels lexicographically).
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/validate/detail/cells.hpp>

namespace tessera::validate {

struct class_balance {
    std::string target;
    std::vector<std::string> labels;  // one per class, ordered by value
    std::vector<std::size_t> counts;
    std::vector<double> shares;       // count / non-null rows
    std::vector<double> weights;      // n / (k * count)
    std::size_t null_count = 0;       // rows without a class (left out of everything above)
    double imbalance_ratio = std::numeric_limits<double>::quiet_NaN();  // largest / smallest count

    std::size_t classes() const noexcept { return labels.size(); }
};

inline class_balance class_imbalance(const frame& f, std::string_view target) {
    using namespace detail;
    if (!f.contains(target)) throw errors::unknown_column("validate::class_imbalance", target);
    const column& c = f.column(target);
    const value_groups g = group_values(c);
    std::vector<std::size_t> order(g.count.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (c.type() == dtype::categorical) {
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return text_at(c, g.first_row[a]) < text_at(c, g.first_row[b]);
        });
    } else {
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return number_at(c, g.first_row[a]) < number_at(c, g.first_row[b]);
        });
    }
    class_balance out;
    out.target = std::string(target);
    std::size_t n = 0;
    for (const std::size_t k : g.count) n += k;
    out.null_count = c.size() - n;
    const double classes = static_cast<double>(order.size());
    std::size_t lo = std::numeric_limits<std::size_t>::max(), hi = 0;
    for (const std::size_t id : order) {
        const std::size_t k = g.count[id];
        out.labels.push_back(text_at(c, g.first_row[id]));
        out.counts.push_back(k);
        out.shares.push_back(static_cast<double>(k) / static_cast<double>(n));
        out.weights.push_back(static_cast<double>(n) / (classes * static_cast<double>(k)));
        lo = std::min(lo, k);
        hi = std::max(hi, k);
    }
    if (!order.empty()) out.imbalance_ratio = static_cast<double>(hi) / static_cast<double>(lo);
    return out;
}

}  // namespace tessera::validate
