// tessera/features/polynomial_features.hpp — polynomial and interaction features.
//
// Reference behaviour: scikit-learn 1.9 PolynomialFeatures(degree, interaction_only,
// include_bias) on dense input. Output columns in sklearn's order: the bias
// column "1" (if include_bias), the inputs, then every degree-d product for d =
// 2..degree over index combinations (with repetition unless interaction_only)
// in lexicographic order: for 3 features and degree 2, 1, x0, x1, x2, x0^2,
// x0 x1, x0 x2, x1^2, x1 x2, x2^2. Names follow get_feature_names_out.
//
// Products are computed the way sklearn's dense path does (each degree-d block
// = the degree-(d-1) columns of indices >= i times x_i), so results are
// bitwise equal to sklearn's in the input's precision. NaN propagates through
// every product that involves it (no error); ±inf follows IEEE arithmetic.
//
// Policies: seq is a plain per-row loop; simd multiplies the contiguous blocks
// with xsimd batches; par splits rows into fixed chunks. Element-wise products
// round identically, so every path gives the same bits.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/decomp_common.hpp>
#include <tessera/kernels/detail/simd.hpp>

namespace tessera::features {

namespace detail::poly {

// out[dest, dest + (end - start)) = out[start, end) * x[feature], within one output row.
struct segment {
    std::size_t start, end, feature, dest;
};

struct layout {
    std::vector<segment> segments;
    std::size_t bias = 0;       // 1 if column 0 is the bias
    std::size_t n_output = 0;
};

// sklearn's _fit/transform column bookkeeping, once for the shape.
inline layout make_layout(std::size_t p, std::size_t degree, bool interaction_only, bool include_bias) {
    layout L;
    L.bias = include_bias ? 1 : 0;
    std::size_t cur = L.bias;
    if (degree == 0) {
        L.n_output = cur;
        return L;
    }
    std::vector<std::size_t> index(p + 1);
    for (std::size_t i = 0; i < p; ++i) index[i] = cur + i;
    cur += p;
    index[p] = cur;
    for (std::size_t d = 2; d <= degree; ++d) {
        std::vector<std::size_t> next(p + 1);
        const std::size_t end = index[p];
        for (std::size_t i = 0; i < p; ++i) {
            std::size_t start = index[i];
            next[i] = cur;
            if (interaction_only) start += index[i + 1] - index[i];
            if (end <= start) {  // no term of this degree starts at i or later
                for (std::size_t t = i; t < p; ++t) next[t] = cur;
                break;
            }
            L.segments.push_back({start, end, i, cur});
            cur += end - start;
        }
        next[p] = cur;
        index = std::move(next);
    }
    L.n_output = cur;
    return L;
}

// Exponent vector of every output column (sklearn's powers_), for names.
inline std::vector<std::vector<std::size_t>> powers(const layout& L, std::size_t p, std::size_t degree) {
    std::vector<std::vector<std::size_t>> pw(L.n_output, std::vector<std::size_t>(p, 0));
    if (degree == 0) return pw;
    for (std::size_t i = 0; i < p; ++i) pw[L.bias + i][i] = 1;
    for (const segment& s : L.segments)
        for (std::size_t c = s.start; c < s.end; ++c) {
            pw[s.dest + (c - s.start)] = pw[c];
            ++pw[s.dest + (c - s.start)][s.feature];
        }
    return pw;
}

template <bool Vector, class T>
void expand_rows(const layout& L, const T* X, T* Y, std::size_t r0, std::size_t r1, std::size_t p) {
    using B = simd::batch<T>;
    constexpr std::size_t W = B::size;
    const std::size_t m = L.n_output;
    const bool has_linear = m > L.bias;
    for (std::size_t r = r0; r < r1; ++r) {
        const T* x = X + r * p;
        T* y = Y + r * m;
        if (L.bias) y[0] = T(1);
        if (has_linear) std::copy(x, x + p, y + L.bias);
        for (const segment& s : L.segments) {
            const T a = x[s.feature];
            const std::size_t len = s.end - s.start;
            const T* src = y + s.start;
            T* dst = y + s.dest;
            std::size_t c = 0;
            if constexpr (Vector) {
                const B va(a);
                for (; c + W <= len; c += W) (B::load_unaligned(src + c) * va).store_unaligned(dst + c);
            }
            for (; c < len; ++c) dst[c] = src[c] * a;
        }
    }
}

}  // namespace detail::poly

// The fitted transformer: the shape it was fitted on and the options.
class polynomial_features_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.polynomial_features";
    static constexpr std::uint32_t payload_version = 1;

    polynomial_features_fitted(std::size_t n_features_in, std::size_t degree, bool interaction_only,
                               bool include_bias)
        : p_(n_features_in),
          degree_(degree),
          interaction_only_(interaction_only),
          include_bias_(include_bias),
          layout_(detail::poly::make_layout(n_features_in, degree, interaction_only, include_bias)) {}

    std::size_t n_features_in() const noexcept { return p_; }
    std::size_t n_features_out() const noexcept { return layout_.n_output; }
    std::size_t degree() const noexcept { return degree_; }
    bool interaction_only() const noexcept { return interaction_only_; }
    bool include_bias() const noexcept { return include_bias_; }

    // sklearn's powers_: one exponent per input feature for every output column.
    std::vector<std::vector<std::size_t>> powers() const {
        return detail::poly::powers(layout_, p_, degree_);
    }

    // get_feature_names_out: "1", "x0", "x0^2", "x0 x1", ... (given names or x0, x1, ...).
    std::vector<std::string> feature_names_out(std::span<const std::string> input = {}) const {
        const auto in = detail::decomp::input_names("polynomial_features::feature_names_out", input, p_);
        std::vector<std::string> out;
        for (const auto& row : powers()) {
            std::string name;
            for (std::size_t i = 0; i < p_; ++i) {
                if (row[i] == 0) continue;
                if (!name.empty()) name += ' ';
                name += in[i];
                if (row[i] != 1) name += tessera::detail::concat("^", row[i]);
            }
            out.push_back(name.empty() ? "1" : name);
        }
        return out;
    }

    template <exec::execution_policy P, std::floating_point T>
    matrix<T> transform(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            const std::size_t rows = X.shape()[0];
            if (X.shape()[1] != p_)
                throw shape_error(tessera::detail::concat(
                    "polynomial_features::transform: X has ", X.shape()[1],
                    " columns, but the transformer was fitted on ", p_, " columns"));
            matrix<T> Y = matrix<T>::from_shape({rows, layout_.n_output});
            const auto tag = exec::select_backend(policy);
            constexpr bool vec = std::remove_cvref_t<decltype(tag)>::vector;
            detail::decomp::for_row_chunks(tag, rows, std::max<std::size_t>(1, layout_.n_output),
                                           [&](std::size_t r0, std::size_t r1) {
                detail::poly::expand_rows<vec>(layout_, X.data(), Y.data(), r0, r1, p_);
            });
            return Y;
        }
    }
    template <std::floating_point T>
    matrix<T> transform(const matrix<T>& X) const {
        return transform(exec::par, X);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint64_t>(p_);
        w.put<std::uint64_t>(degree_);
        w.put<std::uint8_t>(interaction_only_ ? 1 : 0);
        w.put<std::uint8_t>(include_bias_ ? 1 : 0);
    }

    static polynomial_features_fitted load(io::reader& r) {
        detail::decomp::check_version(r, "polynomial_features", payload_version);
        const auto p = r.get<std::uint64_t>("n_features_in");
        const auto degree = r.get<std::uint64_t>("degree");
        const bool inter = detail::get_enum(r, "polynomial_features", "interaction_only", std::uint8_t{1}) == 1;
        const bool bias = detail::get_enum(r, "polynomial_features", "include_bias", std::uint8_t{1}) == 1;
        if (p == 0 || p > (std::uint64_t{1} << 20) || degree > max_degree)
            throw format_error(tessera::detail::concat("polynomial_features: n_features_in ", p,
                                                       " or degree ", degree, " is out of range"));
        return polynomial_features_fitted(static_cast<std::size_t>(p), static_cast<std::size_t>(degree),
                                          inter, bias);
    }

    static constexpr std::size_t max_degree = 8;

private:
    std::size_t p_;
    std::size_t degree_;
    bool interaction_only_;
    bool include_bias_;
    detail::poly::layout layout_;
};

// The estimator: `fit` only records the number of features.
//   features::polynomial_features{{.degree = 2, .interaction_only = true}}.fit(X)
class polynomial_features {
public:
    struct params {
        std::size_t degree = 2;         // [0, 8]; the case is 2
        bool interaction_only = false;  // only products of distinct features
        bool include_bias = true;       // a leading column of ones
    };
    using fitted = polynomial_features_fitted;

    constexpr polynomial_features() = default;
    constexpr explicit polynomial_features(const params& p) : params_(p) {}
    constexpr const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P&, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        }
        detail::decomp::require_nonempty("polynomial_features::fit", X.shape()[0], X.shape()[1]);
        if (params_.degree > fitted::max_degree)
            throw errors::out_of_range("polynomial_features", "degree", params_.degree, "[0, 8]");
        if (params_.degree == 0 && !params_.include_bias)
            throw config_error("polynomial_features: parameter 'degree' = 0 with include_bias = "
                               "false leaves no output column; valid: degree >= 1 or include_bias",
                               "degree");
        return fitted(X.shape()[1], params_.degree, params_.interaction_only, params_.include_bias);
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    params params_{};
};

static_assert(transformer<polynomial_features, matrix<float>> &&
              transformer<polynomial_features, matrix<double>>);

}  // namespace tessera::features
