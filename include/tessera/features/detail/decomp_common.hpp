// tessera/features/detail/decomp_common.hpp — small pieces shared by
// kbins_discretizer, polynomial_features and pca: input checks with messages
// naming column and row, default feature names, row-chunked loops for the
// policies, payload-header reading.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/payload.hpp>

namespace tessera::features::detail::decomp {

template <class Tag>
inline constexpr bool is_pool_v = false;
template <bool V>
inline constexpr bool is_pool_v<exec::pool_tag<V>> = true;

inline void require_nonempty(std::string_view where, std::size_t rows, std::size_t cols) {
    if (rows == 0)
        throw shape_error(tessera::detail::concat(where, ": X has 0 rows (shape 0 x ", cols,
                                                  "); need at least 1 sample"));
    if (cols == 0)
        throw shape_error(tessera::detail::concat(where, ": X has 0 columns (shape ", rows,
                                                  " x 0); need at least 1 feature"));
}

// data_error at the first ±inf (and, if reject_nan, the first NaN), row-major
// order. The column is named as sklearn names unnamed features: x<j>.
template <class T>
void reject_non_finite(std::string_view where, const matrix<T>& X, bool reject_nan) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < cols; ++j) {
            const T v = X(r, j);
            if (std::isinf(v) || (reject_nan && std::isnan(v)))
                throw data_error(
                    tessera::detail::concat(
                        where, ": column 'x", j, "' (index ", j, ") holds ", v, " at row ", r,
                        std::isnan(v) ? "; missing values are not accepted here: impute them first"
                                      : "; only finite values are accepted"),
                    tessera::detail::concat("x", j), r);
        }
}

// The names given, or x0 .. x<n-1>; shape_error when the count is wrong.
inline std::vector<std::string> input_names(std::string_view where,
                                            std::span<const std::string> given, std::size_t n) {
    if (given.empty()) {
        std::vector<std::string> out;
        out.reserve(n);
        for (std::size_t j = 0; j < n; ++j) out.push_back(tessera::detail::concat("x", j));
        return out;
    }
    if (given.size() != n) throw errors::size_mismatch(where, n, given.size());
    return {given.begin(), given.end()};
}

// f(r0, r1) over [0, rows): once on a serial back end; on the pool in fixed
// chunks of about `grain` values (the cut depends on the shape only).
template <class Tag, class F>
void for_row_chunks(const Tag& tag, std::size_t rows, std::size_t cols, F&& f) {
    if constexpr (is_pool_v<Tag>) {
        auto by_rows = tag;
        const std::size_t per = tag.grain / (cols ? cols : 1);
        by_rows.grain = per ? per : 1;
        exec::parallel_for(by_rows, rows, [&](const exec::chunk& c) { f(c.begin, c.end); });
    } else {
        f(std::size_t{0}, rows);
    }
}

using features::detail::check_version;
using features::detail::get_enum;

}  // namespace tessera::features::detail::decomp
