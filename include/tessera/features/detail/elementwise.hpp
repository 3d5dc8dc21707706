// tessera/features/detail/elementwise.hpp — what the fitted scalers and the
// imputer share: y = Op(x, a, b) per column with the statistics rounded to T
// (the standard scaler's row kernel), a NaN-keeping clip, and the model-file
// helpers (payload version, 0/1 flags, equal-length checks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/column_stats.hpp>
#include <tessera/features/detail/device_hook.hpp>
#include <tessera/features/detail/payload.hpp>
#include <tessera/features/standard_scaler.hpp>

namespace tessera::features::detail {

// Op(x, T(a[c]), T(b[c])) for every element; standardize_op is (x - a) / b,
// unstandardize_op is x * b + a.
// Per-column statistics rounded to T, as scikit-learn applies them (the CUDA
// path uploads the same values).
template <class T>
std::vector<T> rounded(const vector<double>& a) {
    std::vector<T> t(a.size());
    for (std::size_t c = 0; c < t.size(); ++c) t[c] = static_cast<T>(a(c));
    return t;
}

template <class Op, class P, class T>
matrix<T> affine(const P& policy, const matrix<T>& X, const vector<double>& a,
                 const vector<double>& b) {
    const std::vector<T> ta = rounded<T>(a), tb = rounded<T>(b);
    matrix<T> Y = matrix<T>::from_shape(X.shape());
    rowwise<Op>(exec::select_backend(policy), X, Y, ta.data(), tb.data());
    return Y;
}

// numpy.clip(Y, lo, hi) in place: NaN stays NaN.
template <class P, class T>
void clip(const P& policy, matrix<T>& Y, T lo, T hi) {
    const auto body = [&](std::size_t b, std::size_t e) {
        T* y = Y.data();
        for (std::size_t i = b; i < e; ++i) {
            if (y[i] < lo) y[i] = lo;
            if (y[i] > hi) y[i] = hi;
        }
    };
    const auto tag = exec::select_backend(policy);
    if constexpr (std::is_same_v<decltype(tag), const exec::pool_tag<true>>)
        exec::parallel_for(tag, Y.size(), [&](const exec::chunk& ch) { body(ch.begin, ch.end); });
    else
        body(0, Y.size());
}

// The public transform / inverse_transform of a fitted scaler (with and without
// a policy): exec::cuda goes to the CUDA overloads (device_hook.hpp), the host
// policies check the column count and call Derived's host_transform /
// host_inverse. Derived::owner names it in messages.
template <class Derived>
class fitted_scaler {
public:
    template <exec::execution_policy P, std::floating_point T>
    matrix<T> transform(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            return transform_on_device(policy, self(), X);
        } else {
            check(X, "::transform");
            return self().host_transform(policy, X);
        }
    }
    template <std::floating_point T>
    matrix<T> transform(const matrix<T>& X) const {
        return transform(exec::par, X);
    }

    template <exec::execution_policy P, std::floating_point T>
    matrix<T> inverse_transform(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            return inverse_transform_on_device(policy, self(), X);
        } else {
            check(X, "::inverse_transform");
            return self().host_inverse(policy, X);
        }
    }
    template <std::floating_point T>
    matrix<T> inverse_transform(const matrix<T>& X) const {
        return inverse_transform(exec::par, X);
    }

private:
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
    template <class T>
    void check(const matrix<T>& X, std::string_view fn) const {
        check_columns(tessera::detail::concat(Derived::owner, fn), X.shape()[1],
                      self().n_features_in());
    }
};

// ---- model-file helpers ------------------------------------------------------------

inline bool read_flag(io::reader& r, std::string_view owner, std::string_view field) {
    const auto v = r.get<std::uint8_t>(field);
    if (v > 1)
        throw format_error(tessera::detail::concat(owner, ": field '", field, "' is ",
                                                   unsigned{v}, ", expected 0 or 1"));
    return v == 1;
}

inline void check_lengths(std::string_view owner, std::string_view what, std::size_t expected,
                          std::size_t found) {
    if (expected != found)
        throw format_error(tessera::detail::concat(owner, ": ", what, " has ", found,
                                                   " entries; expected ", expected));
}

}  // namespace tessera::features::detail
