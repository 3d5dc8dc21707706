// tessera/cuda/detail/reduce.hpp — Thrust bodies of sum, dot, axpy, min/max,
// argmin/argmax and their NaN-skipping variants (numpy semantics).
//
// numpy rules: sum/dot accumulate in double; a NaN makes min/max NaN and
// argmin/argmax the index of the first NaN; ties pick the first occurrence;
// nan* variants skip NaN (nansum of nothing is 0, nanmin of all-NaN is NaN,
// nanargmin of all-NaN raises); min/max/arg* of an empty input raise.
// The (value, index) combine functors are associative and commutative, so any
// reduction tree (GPU blocks, OpenMP threads) returns the same element.
#pragma once

#include <cstddef>
#include <span>

#include <thrust/inner_product.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/iterator/zip_iterator.h>
#include <thrust/reduce.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>
#include <thrust/tuple.h>

#include <tessera/cuda/detail/common.hpp>

namespace tessera::device_detail {

// ---- sum, nansum, dot, axpy ---------------------------------------------------

template <class Backend, class T, class Map>
double sum_mapped(const Backend& be, std::span<const T> x, Map map) {
    if (x.empty()) return 0.0;
    auto d = be.upload(x);
    return thrust::transform_reduce(be.policy(), d.data(), d.data() + x.size(), map, 0.0,
                                    thrust::plus<double>{});
}

template <class Backend, class T>
double sum(const Backend& be, std::span<const T> x) {
    return sum_mapped(be, x, to_double{});
}

template <class Backend, class T>
double nansum(const Backend& be, std::span<const T> x) {
    return sum_mapped(be, x, nan_to_zero{});
}

struct times_double {
    template <class T>
    TESSERA_HD double operator()(T a, T b) const {
        return static_cast<double>(a) * static_cast<double>(b);
    }
};

template <class Backend, class T>
double dot(const Backend& be, std::span<const T> x, std::span<const T> y) {
    check_same_size("dot", "y", x.size(), y.size());
    if (x.empty()) return 0.0;
    auto dx = be.upload(x);
    auto dy = be.upload(y);
    return thrust::inner_product(be.policy(), dx.data(), dx.data() + x.size(), dy.data(), 0.0,
                                 thrust::plus<double>{}, times_double{});
}

template <class T>
struct axpy_fn {
    T a;
    TESSERA_HD T operator()(T x, T y) const { return a * x + y; }
};

// y <- a x + y, in T like BLAS ?axpy.
template <class Backend, class T>
void axpy(const Backend& be, T a, std::span<const T> x, std::span<T> y) {
    check_same_size("axpy", "y", x.size(), y.size());
    if (x.empty()) return;
    auto dx = be.upload(x);
    auto dy = be.upload(std::span<const T>(y));
    thrust::transform(be.policy(), dx.data(), dx.data() + x.size(), dy.data(), dy.data(),
                      axpy_fn<T>{a});
    be.download(dy.data(), y.size(), y.data());
}

// ---- extrema --------------------------------------------------------------------

struct value_index {
    double value;
    std::size_t index;
};

struct make_value_index {
    template <class Tuple>
    TESSERA_HD value_index operator()(const Tuple& t) const {
        return {static_cast<double>(thrust::get<0>(t)), thrust::get<1>(t)};
    }
};

// IsMax: which end; SkipNan: numpy nan* (NaN loses) or plain (NaN wins).
template <bool IsMax, bool SkipNan>
struct extremum_combine {
    TESSERA_HD value_index operator()(const value_index& a, const value_index& b) const {
        const bool an = is_nan(a.value);
        const bool bn = is_nan(b.value);
        if (an && bn) return a.index < b.index ? a : b;
        if (an) return SkipNan ? b : a;
        if (bn) return SkipNan ? a : b;
        const bool a_better = IsMax ? a.value > b.value : a.value < b.value;
        const bool b_better = IsMax ? b.value > a.value : b.value < a.value;
        if (a_better) return a;
        if (b_better) return b;
        return a.index < b.index ? a : b;  // equal values: first occurrence
    }
};

// The winning (value, index); throws shape_error on empty input.
template <bool IsMax, bool SkipNan, class Backend, class T>
value_index extremum(const Backend& be, std::span<const T> x, std::string_view fn) {
    if (x.empty()) throw errors::empty_input(where(fn));
    auto d = be.upload(x);
    auto first = thrust::make_transform_iterator(
        thrust::make_zip_iterator(thrust::make_tuple(d.data(), thrust::counting_iterator<std::size_t>(0))),
        make_value_index{});
    const value_index init{static_cast<double>(x[0]), 0};
    return thrust::reduce(be.policy(), first, first + x.size(), init,
                          extremum_combine<IsMax, SkipNan>{});
}

template <class Backend, class T>
T min(const Backend& be, std::span<const T> x) {
    return static_cast<T>(extremum<false, false>(be, x, "min").value);
}
template <class Backend, class T>
T max(const Backend& be, std::span<const T> x) {
    return static_cast<T>(extremum<true, false>(be, x, "max").value);
}
template <class Backend, class T>
std::size_t argmin(const Backend& be, std::span<const T> x) {
    return extremum<false, false>(be, x, "argmin").index;
}
template <class Backend, class T>
std::size_t argmax(const Backend& be, std::span<const T> x) {
    return extremum<true, false>(be, x, "argmax").index;
}
// All-NaN input: the winner is NaN, which is numpy's nanmin/nanmax result.
template <class Backend, class T>
T nanmin(const Backend& be, std::span<const T> x) {
    return static_cast<T>(extremum<false, true>(be, x, "nanmin").value);
}
template <class Backend, class T>
T nanmax(const Backend& be, std::span<const T> x) {
    return static_cast<T>(extremum<true, true>(be, x, "nanmax").value);
}

template <bool IsMax, class Backend, class T>
std::size_t nanarg(const Backend& be, std::span<const T> x, std::string_view fn) {
    const value_index r = extremum<IsMax, true>(be, x, fn);
    if (is_nan(r.value)) throw errors::all_nan(where(fn), x.size());
    return r.index;
}
template <class Backend, class T>
std::size_t nanargmin(const Backend& be, std::span<const T> x) {
    return nanarg<false>(be, x, "nanargmin");
}
template <class Backend, class T>
std::size_t nanargmax(const Backend& be, std::span<const T> x) {
    return nanarg<true>(be, x, "nanargmax");
}

}  // namespace tessera::device_detail
