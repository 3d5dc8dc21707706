// Shared by the test_features_decomp translation units: policies to sweep,
// random matrices, bit comparisons, exception messages, save/load round trips.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>

#include "../pipeline/helpers.hpp"  // random_matrix, same_bits, message_of, contains

namespace decomp_test {

using namespace tessera;
using float_types = std::tuple<float, double>;

// seq, simd, and par with 1, 2 and 7 threads on small chunks (so several chunks exist).
template <class F>
void for_each_policy(F&& f) {
    f(exec::seq);
    f(exec::simd);
    f(exec::par_t{.threads = 1, .grain = 64});
    f(exec::par_t{.threads = 2, .grain = 64});
    f(exec::par_t{.threads = 7, .grain = 64});
    f(exec::par);
}

using test_helpers::random_matrix;

template <class T>
matrix<T> from_values(const std::vector<double>& v, std::size_t rows, std::size_t cols) {
    matrix<T> x = matrix<T>::from_shape({rows, cols});
    for (std::size_t i = 0; i < rows * cols; ++i) x.data()[i] = static_cast<T>(v.at(i));
    return x;
}

using test_helpers::contains;
using test_helpers::message_of;
using test_helpers::same_bits;

// The config_error field f() reports, or "<no exception>".
template <class F>
std::string field_of(F&& f) {
    try {
        f();
    } catch (const config_error& e) {
        return e.field();
    }
    return "<no exception>";
}

// save -> bytes -> load.
template <class F>
F round_trip(const F& f) {
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    F g = F::load(r);
    r.expect_end();
    return g;
}

inline bool equal_or_both_nan(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

}  // namespace decomp_test
