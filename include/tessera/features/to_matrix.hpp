// tessera/features/to_matrix.hpp — the pipeline stage from a frame to a matrix.
//
// `to_matrix<T>` ends the frame part of a pipeline: fit records which columns
// (float64, float32, int64 or bool) make the matrix and in which order;
// transform returns the row-major rows × columns matrix<T> through
// frame::to_matrix (nulls become NaN, bool is 0/1). Categorical and timestamp
// columns are rejected: encode them first (one_hot_encoder, ordinal_encoder,
// target_encoder, time_features), so no dictionary code reaches a model as if
// it were a number.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/frame_columns.hpp>

namespace tessera::features {

namespace detail::frame_cols {
constexpr bool numeric(dtype t) noexcept {
    return t == dtype::float64 || t == dtype::float32 || t == dtype::int64 || t == dtype::boolean;
}
}  // namespace detail::frame_cols

// The fitted stage: the column names and dtypes, in matrix order.
template <std::floating_point T>
class to_matrix_fitted {
public:
    static constexpr std::string_view type_tag = std::same_as<T, double>
                                                     ? "tessera.features.to_matrix<float64>"
                                                     : "tessera.features.to_matrix<float32>";
    static constexpr std::uint32_t payload_version = 1;

    to_matrix_fitted(std::vector<std::string> columns, std::vector<dtype> types)
        : columns_(std::move(columns)), types_(std::move(types)) {}

    const std::vector<std::string>& columns() const noexcept { return columns_; }

    // Every fitted column must be present with its fitted dtype; others are ignored.
    template <exec::execution_policy P>
    matrix<T> transform(const P& policy, const frame& X) const {
        for (std::size_t j = 0; j < columns_.size(); ++j)
            detail::frame_cols::fitted_column(X, columns_[j], types_[j], "to_matrix::transform");
        return X.to_matrix<T>(policy, columns_);
    }
    matrix<T> transform(const frame& X) const { return transform(exec::par, X); }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put(columns_);
        std::vector<std::uint8_t> t;
        for (const dtype d : types_) t.push_back(static_cast<std::uint8_t>(d));
        w.put(t);
    }
    static to_matrix_fitted load(io::reader& r) {
        constexpr std::string_view owner = "to_matrix";
        detail::frame_cols::check_version(r, owner, payload_version);
        auto columns = r.get_strings("columns");
        const auto t = r.get_vector<std::uint8_t>("dtypes");
        if (t.size() != columns.size())
            throw format_error(tessera::detail::concat(owner, ": ", columns.size(),
                                                       " columns but ", t.size(), " dtypes"));
        std::vector<dtype> types;
        for (const auto v : t) {
            if (!detail::frame_cols::numeric(static_cast<dtype>(v)) || v > 5)
                throw format_error(tessera::detail::concat(owner, ": dtype code ", unsigned{v},
                                                           " is not float64, float32, int64 or bool"));
            types.push_back(static_cast<dtype>(v));
        }
        return to_matrix_fitted(std::move(columns), std::move(types));
    }

private:
    std::vector<std::string> columns_;
    std::vector<dtype> types_;
};

// The estimator:  features::to_matrix{{.columns = {"age", "city=Paris"}}}  or
// features::to_matrix<float>{} (every column of the frame fit sees).
template <std::floating_point T = double>
class to_matrix {
public:
    struct params {
        // Matrix columns in order; empty: every column of the frame at fit, in frame order.
        std::vector<std::string> columns{};
    };
    using fitted = to_matrix_fitted<T>;

    to_matrix() = default;
    explicit to_matrix(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P>
    fitted fit(const P&, const frame& X) const {
        namespace fc = detail::frame_cols;
        constexpr std::string_view where = "to_matrix::fit";
        constexpr std::string_view expected =
            "float64, float32, int64 or bool (encode categorical and timestamp columns first)";
        if (params_.columns.empty())
            for (std::size_t i = 0; i < X.num_columns(); ++i)
                if (!fc::numeric(X.column(i).type()))
                    throw errors::type_mismatch(where, X.column(i).name(), expected,
                                                dtype_name(X.column(i).type()));
        auto names = fc::resolve(X, params_.columns, where, expected, fc::numeric,
                                 [](dtype) { return true; });
        std::vector<dtype> types;
        for (const auto& n : names) types.push_back(X.column(n).type());
        return fitted(std::move(names), std::move(types));
    }
    fitted fit(const frame& X) const { return fit(exec::par, X); }

private:
    params params_{};
};

to_matrix()->to_matrix<double>;

static_assert(transformer<to_matrix<double>, frame> && transformer<to_matrix<float>, frame>);

}  // namespace tessera::features
