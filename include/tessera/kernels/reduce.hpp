// tessera/kernels/reduce.hpp — reductions over float/double spans: sum, dot,
// axpy, min, max, argmin, argmax and the NaN-skipping nansum, nanmin, nanmax,
// nanargmin, nanargmax.
//
// Semantics follow numpy: min/max/argmin/argmax propagate NaN (the min of an
// array holding a NaN is NaN, argmin gives the first NaN's index); sum
// propagates NaN arithmetically; the nan* variants skip NaN (nansum of only NaN
// is 0, nanmin/nanmax of only NaN is NaN, nanargmin/nanargmax of only NaN throw
// "All-NaN slice encountered"). Ties go to the first occurrence. Empty input:
// sum/nansum/dot give 0, the others throw shape_error (numpy raises). sum, nansum
// and dot accumulate in double whatever T is. Every function takes the policy
// first (seq, simd, par; exec::cuda in nvcc TUs through <tessera/cuda.hpp>);
// the overload without a policy uses exec::par. docs/kernels.md has the details.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/detail/reduce_impl.hpp>

namespace tessera::kernels {

namespace detail {

template <class T>
inline constexpr bool is_kernel_value = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class T>
constexpr void require_kernel_value() noexcept {
    static_assert(is_kernel_value<T>,
                  "tessera::kernels: reductions take std::span<const float> or "
                  "std::span<const double>; convert other element types first");
}

// Calls a kernel functor with the ISA this TU was compiled for.
struct native_isa {
    template <class Fn, class... Args>
    auto operator()(const Fn& fn, Args... args) const {
        return fn(simd::default_arch{}, args...);
    }
};

// A policy may name the ISA caller it wants (kernels::dispatched policies do).
template <class P>
constexpr auto isa_of() noexcept {
    if constexpr (requires { typename P::isa; }) {
        return typename P::isa{};
    } else {
        return native_isa{};
    }
}

template <class P>
constexpr auto backend_of(const P& p) noexcept {
    using exec::select_backend;  // plus ADL, for policies defined elsewhere
    return select_backend(p);
}

// seq() for exec::seq; vec(backend, isa) for the vector back ends.
template <class P, class Seq, class Vec>
decltype(auto) on_host(const P& policy, Seq&& seq, Vec&& vec) {
    const auto be = backend_of(policy);
    if constexpr (!decltype(be)::vector) {
        return seq();
    } else {
        return vec(be, isa_of<P>());
    }
}

// f(begin, size) over [0, n): one call on a serial back end, fixed chunks
// folded in chunk order on the pool (bitwise identical for any thread count).
template <bool V, class R, class F, class C>
R fold_chunks(const exec::serial_tag<V>&, std::size_t n, R init, F&& f, C&& combine) {
    return n == 0 ? init : combine(std::move(init), f(std::size_t{0}, n));
}
template <bool V, class R, class F, class C>
R fold_chunks(const exec::pool_tag<V>& tag, std::size_t n, R init, F&& f, C&& combine) {
    return exec::parallel_reduce(
        tag, n, std::move(init), [&](const exec::chunk& c) { return f(c.begin, c.size()); },
        std::forward<C>(combine));
}

template <bool V, class F>
void for_chunks(const exec::serial_tag<V>&, std::size_t n, F&& f) {
    if (n != 0) f(std::size_t{0}, n);
}
template <bool V, class F>
void for_chunks(const exec::pool_tag<V>& tag, std::size_t n, F&& f) {
    exec::parallel_for(tag, n, [&](const exec::chunk& c) { f(c.begin, c.size()); });
}

inline constexpr std::size_t not_found = static_cast<std::size_t>(-1);

template <bool IsMax, class T>
extremum<T> combine_extremum(const extremum<T>& a, const extremum<T>& b) noexcept {
    const bool take_b = IsMax ? b.value > a.value : b.value < a.value;
    return {take_b ? b.value : a.value, a.any_nan || b.any_nan, a.any_valid || b.any_valid};
}

template <bool IsMax, class P, class T>
extremum<T> extremum_of(const P& policy, std::span<const T> x) {
    return on_host(
        policy,
        [&] {  // the plainest loop; the vector paths are tested against it
            extremum<T> r{extremum_identity<T, IsMax>(), false, false};
            for (const T v : x) {
                if (std::isnan(v)) {
                    r.any_nan = true;
                } else {
                    r.any_valid = true;
                    if (IsMax ? v > r.value : v < r.value) r.value = v;
                }
            }
            return r;
        },
        [&](const auto& be, const auto& isa) {
            return fold_chunks(
                be, x.size(), extremum<T>{extremum_identity<T, IsMax>(), false, false},
                [&](std::size_t b, std::size_t m) { return isa(extremum_fn<IsMax>{}, x.data() + b, m); },
                combine_extremum<IsMax, T>);
        });
}

// Sum and count of the non-NaN values.
template <class P, class T>
nan_sum nan_sum_of(const P& policy, std::span<const T> x) {
    return on_host(
        policy,
        [&] {
            nan_sum r;
            for (const T v : x) {
                if (!std::isnan(v)) {
                    r.sum += static_cast<double>(v);
                    ++r.count;
                }
            }
            return r;
        },
        [&](const auto& be, const auto& isa) {
            return fold_chunks(
                be, x.size(), nan_sum{},
                [&](std::size_t b, std::size_t m) { return isa(nansum_fn{}, x.data() + b, m); },
                [](const nan_sum& a, const nan_sum& r) {
                    return nan_sum{a.sum + r.sum, a.count + r.count};
                });
        });
}
}  // namespace detail

// ---- sum ---------------------------------------------------------------------

template <class P, class T>
    requires exec::execution_policy<P>
double sum(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        return detail::on_host(
            policy,
            [&] {
                double s = 0.0;
                for (const T v : x) s += static_cast<double>(v);
                return s;
            },
            [&](const auto& be, const auto& isa) {
                return detail::fold_chunks(
                    be, x.size(), 0.0,
                    [&](std::size_t b, std::size_t m) { return isa(detail::sum_fn{}, x.data() + b, m); },
                    std::plus<>{});
            });
    }
}

// Sum of the non-NaN values (0 when there is none).
template <class P, class T>
    requires exec::execution_policy<P>
double nansum(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        return detail::nan_sum_of(policy, x).sum;
    }
}

// ---- dot, axpy -------------------------------------------------------------------

// sum_i x[i] * y[i], accumulated in double; shape_error when the sizes differ.
template <class P, class T>
    requires exec::execution_policy<P>
double dot(const P& policy, std::span<const T> x, std::span<const T> y) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0.0;
    } else {
        if (x.size() != y.size()) throw errors::size_mismatch("kernels::dot (y vs x)", x.size(), y.size());
        return detail::on_host(
            policy,
            [&] {
                double s = 0.0;
                for (std::size_t i = 0; i < x.size(); ++i)
                    s += static_cast<double>(x[i]) * static_cast<double>(y[i]);
                return s;
            },
            [&](const auto& be, const auto& isa) {
                return detail::fold_chunks(
                    be, x.size(), 0.0,
                    [&](std::size_t b, std::size_t m) {
                        return isa(detail::dot_fn{}, x.data() + b, y.data() + b, m);
                    },
                    std::plus<>{});
            });
    }
}

// y = a * x + y (BLAS axpy), in T; shape_error when the sizes differ. The vector
// paths use fused multiply-add where the ISA has it, so they may differ from
// exec::seq in the last bit.
template <class P, class T>
    requires exec::execution_policy<P>
void axpy(const P& policy, T a, std::span<const T> x, std::span<T> y) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        if (x.size() != y.size()) throw errors::size_mismatch("kernels::axpy (y vs x)", x.size(), y.size());
        detail::on_host(
            policy,
            [&] {
                for (std::size_t i = 0; i < x.size(); ++i) y[i] = a * x[i] + y[i];
            },
            [&](const auto& be, const auto& isa) {
                detail::for_chunks(be, x.size(), [&](std::size_t b, std::size_t m) {
                    isa(detail::axpy_fn{}, a, x.data() + b, y.data() + b, m);
                });
            });
    }
}

// ---- min, max, nanmin, nanmax ------------------------------------------------------

namespace detail {
template <bool IsMax, bool SkipNan, class P, class T>
T extreme_value(const P& policy, std::span<const T> x, const char* where) {
    if (x.empty()) throw errors::empty_input(where);
    const extremum<T> e = extremum_of<IsMax>(policy, x);
    constexpr T nan = std::numeric_limits<T>::quiet_NaN();
    if constexpr (SkipNan) {
        return e.any_valid ? e.value : nan;
    } else {
        return e.any_nan ? nan : e.value;
    }
}

// Values per block when a serial back end computes per-block extrema for arg*.
inline constexpr std::size_t arg_block = std::size_t{1} << 16;

// f(index, begin, size) for each block of [0, n): serially in blocks of
// arg_block, or on the pool in its chunks.
template <bool V, class F>
void for_blocks(const exec::serial_tag<V>&, std::size_t n, F&& f) {
    for (std::size_t i = 0, nb = exec::chunk_count(n, arg_block); i < nb; ++i) {
        const exec::chunk c = exec::chunk_at(n, arg_block, i);
        f(c.index, c.begin, c.size());
    }
}
template <bool V, class F>
void for_blocks(const exec::pool_tag<V>& tag, std::size_t n, F&& f) {
    exec::parallel_for(tag, n, [&](const exec::chunk& c) { f(c.index, c.begin, c.size()); });
}
template <bool V>
std::size_t block_count(const exec::serial_tag<V>&, std::size_t n) noexcept {
    return exec::chunk_count(n, arg_block);
}
template <bool V>
std::size_t block_count(const exec::pool_tag<V>& tag, std::size_t n) noexcept {
    return exec::chunk_count(n, tag.grain);
}

// argmin & co. The vector paths keep each block's extremum, so that after one
// pass only the first block holding the winner (or the first NaN) is searched.
template <bool IsMax, bool SkipNan, class P, class T>
std::size_t extreme_index(const P& policy, std::span<const T> x, const char* where) {
    if (x.empty()) throw errors::empty_input(where);
    auto better = [](T a, T b) { return IsMax ? a > b : a < b; };
    return on_host(
        policy,
        [&] {
            std::size_t best = not_found;
            for (std::size_t i = 0; i < x.size(); ++i) {
                if (std::isnan(x[i])) {
                    if (!SkipNan) return i;
                } else if (best == not_found || better(x[i], x[best])) {
                    best = i;
                }
            }
            if (best == not_found) throw errors::all_nan(where, x.size());
            return best;
        },
        [&](const auto& be, const auto& isa) {
            std::vector<extremum<T>> parts(block_count(be, x.size()));
            std::vector<std::size_t> starts(parts.size());
            for_blocks(be, x.size(), [&](std::size_t i, std::size_t b, std::size_t m) {
                parts[i] = isa(extremum_fn<IsMax>{}, x.data() + b, m);
                starts[i] = b;
            });
            extremum<T> all{extremum_identity<T, IsMax>(), false, false};
            for (const auto& e : parts) all = combine_extremum<IsMax>(all, e);
            if (SkipNan && !all.any_valid) throw errors::all_nan(where, x.size());
            const bool want_nan = !SkipNan && all.any_nan;
            std::size_t i = 0;
            while (want_nan ? !parts[i].any_nan : !(parts[i].any_valid && parts[i].value == all.value)) ++i;
            const std::size_t b = starts[i];
            const std::size_t m = (i + 1 < starts.size() ? starts[i + 1] : x.size()) - b;
            const T target = want_nan ? std::numeric_limits<T>::quiet_NaN() : all.value;
            return b + isa(find_fn{}, x.data() + b, m, target);
        });
}
}  // namespace detail

// Smallest value; NaN if any value is NaN (numpy.min); shape_error when empty.
template <class P, class T>
    requires exec::execution_policy<P>
T min(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return T{};
    } else {
        return detail::extreme_value<false, false>(policy, x, "kernels::min");
    }
}

template <class P, class T>
    requires exec::execution_policy<P>
T max(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return T{};
    } else {
        return detail::extreme_value<true, false>(policy, x, "kernels::max");
    }
}

// Smallest non-NaN value; NaN when every value is NaN (numpy.nanmin, without
// the warning); shape_error when empty.
template <class P, class T>
    requires exec::execution_policy<P>
T nanmin(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return T{};
    } else {
        return detail::extreme_value<false, true>(policy, x, "kernels::nanmin");
    }
}

template <class P, class T>
    requires exec::execution_policy<P>
T nanmax(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return T{};
    } else {
        return detail::extreme_value<true, true>(policy, x, "kernels::nanmax");
    }
}

// ---- argmin, argmax, nanargmin, nanargmax ----------------------------------------------

// Index of the first smallest value, or of the first NaN if there is one
// (numpy.argmin); shape_error when empty.
template <class P, class T>
    requires exec::execution_policy<P>
std::size_t argmin(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0;
    } else {
        return detail::extreme_index<false, false>(policy, x, "kernels::argmin");
    }
}

template <class P, class T>
    requires exec::execution_policy<P>
std::size_t argmax(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0;
    } else {
        return detail::extreme_index<true, false>(policy, x, "kernels::argmax");
    }
}

// Index of the first smallest non-NaN value; shape_error when empty or when
// every value is NaN (numpy.nanargmin: "All-NaN slice encountered").
template <class P, class T>
    requires exec::execution_policy<P>
std::size_t nanargmin(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0;
    } else {
        return detail::extreme_index<false, true>(policy, x, "kernels::nanargmin");
    }
}

template <class P, class T>
    requires exec::execution_policy<P>
std::size_t nanargmax(const P& policy, std::span<const T> x) {
    detail::require_kernel_value<T>();
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
        return 0;
    } else {
        return detail::extreme_index<true, true>(policy, x, "kernels::nanargmax");
    }
}

// ---- without a policy: exec::par -------------------------------------------------------

template <class T>
double sum(std::span<const T> x) {
    return kernels::sum(exec::par, x);
}
template <class T>
double nansum(std::span<const T> x) {
    return kernels::nansum(exec::par, x);
}
template <class T>
double dot(std::span<const T> x, std::span<const T> y) {
    return kernels::dot(exec::par, x, y);
}
template <class T>
void axpy(T a, std::span<const T> x, std::span<T> y) {
    kernels::axpy(exec::par, a, x, y);
}
template <class T>
T min(std::span<const T> x) {
    return kernels::min(exec::par, x);
}
template <class T>
T max(std::span<const T> x) {
    return kernels::max(exec::par, x);
}
template <class T>
T nanmin(std::span<const T> x) {
    return kernels::nanmin(exec::par, x);
}
template <class T>
T nanmax(std::span<const T> x) {
    return kernels::nanmax(exec::par, x);
}
template <class T>
std::size_t argmin(std::span<const T> x) {
    return kernels::argmin(exec::par, x);
}
template <class T>
std::size_t argmax(std::span<const T> x) {
    return kernels::argmax(exec::par, x);
}
template <class T>
std::size_t nanargmin(std::span<const T> x) {
    return kernels::nanargmin(exec::par, x);
}
template <class T>
std::size_t nanargmax(std::span<const T> x) {
    return kernels::nanargmax(exec::par, x);
}

}  // namespace tessera::kernels
