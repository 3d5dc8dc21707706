// tessera/core/tensor.hpp — the numeric containers every block exchanges.
//
// Matrices are row-major `xt::xtensor<T, 2>`, vectors `xt::xtensor<T, 1>`
// (DESIGN.md, "Data"). Labels: float for regression, int32 class indices for
// classification. Kernels take spans; `as_span` is the bridge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <xtensor/xtensor.hpp>

namespace tessera {

template <class T>
using vector = xt::xtensor<T, 1>;
template <class T>
using matrix = xt::xtensor<T, 2>;

using labels_regression = xt::xtensor<float, 1>;
using labels_class = xt::xtensor<std::int32_t, 1>;

template <class E>
auto as_span(E& e) noexcept {
    return std::span<typename E::value_type>(e.data(), e.size());
}
template <class E>
auto as_span(const E& e) noexcept {
    return std::span<const typename E::value_type>(e.data(), e.size());
}

}  // namespace tessera
