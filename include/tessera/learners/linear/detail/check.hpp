// tessera/learners/linear/detail/check.hpp — input checks shared by the linear
// learners. Linear models have no NaN rule: a non-finite value anywhere in X,
// y or the sample weights is a data_error naming its row and column (impute
// first). Scans are serial so the reported cell is always the first one in
// row-major order, whatever the policy.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include <tessera/core/errors.hpp>
#include <tessera/core/tensor.hpp>

namespace tessera::learners::detail {

template <class T>
void check_finite_matrix(std::string_view where, const matrix<T>& X) {
    const std::size_t n = X.shape()[0], d = X.shape()[1];
    const T* p = X.data();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j)
            if (!std::isfinite(p[i * d + j]))
                throw errors::non_finite(where, std::to_string(j), i);
}

template <class T>
void check_finite_vector(std::string_view where, std::string_view name, const vector<T>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v.data()[i])) throw errors::non_finite(where, name, i);
}

// Shapes of a training call: X is n x d with n >= 1, and `m` (labels or
// weights, named `name`) has n entries.
template <class T>
void check_rows(std::string_view where, const matrix<T>& X, std::size_t m, std::string_view name) {
    if (X.shape()[0] == 0) throw errors::empty_input(where);
    if (m != X.shape()[0])
        throw shape_error(tessera::detail::concat(where, ": ", name, " has ", m, " entries but X has ",
                                         X.shape()[0], " rows"));
}

// Sample weights: n entries, finite, >= 0, positive sum.
template <class T>
void check_sample_weight(std::string_view where, const matrix<T>& X, const vector<double>& sw) {
    check_rows(where, X, sw.size(), "sample_weight");
    check_finite_vector(where, "sample_weight", sw);
    double total = 0.0;
    for (std::size_t i = 0; i < sw.size(); ++i) {
        if (sw(i) < 0.0)
            throw data_error(tessera::detail::concat(where, ": sample_weight at row ", i, " is ", sw(i),
                                            "; weights must be >= 0"),
                             "sample_weight", i);
        total += sw(i);
    }
    if (!(total > 0.0))
        throw data_error(tessera::detail::concat(where, ": sample weights sum to zero"), "sample_weight");
}

// Scoring: X must have the n_features the model was fitted on.
template <class T>
void check_predict_input(std::string_view where, const matrix<T>& X, std::size_t n_features) {
    if (X.shape()[1] != n_features)
        throw shape_error(tessera::detail::concat(where, ": X has ", X.shape()[1],
                                         " columns, the model was fitted on ", n_features));
    check_finite_matrix(where, X);
}

}  // namespace tessera::learners::detail
