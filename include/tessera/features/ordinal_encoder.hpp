// tessera/features/ordinal_encoder.hpp — each category becomes its index.
//
// Reference behaviour: scikit-learn's OrdinalEncoder (1.x) on a frame. Per
// encoded column, fit numbers the non-null categories 0, 1, ... in sorted
// order (lexicographic for categorical and bool columns, numeric for int64;
// scikit-learn's default) or in order of first appearance (an option). A null
// encodes to NaN (scikit-learn's encoded_missing_value default), at fit and at
// transform alike. A category fit did not see throws (handle_unknown = error)
// or encodes to `unknown_value` (use_encoded_value; NaN or a whole number that
// is not a valid code, as scikit-learn requires). Each encoded column is
// replaced, in place and under the same name, by a float64 (or float32) column.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/frame_columns.hpp>

namespace tessera::features {

// The fitted encoder. Immutable; safe to use from many threads at once.
class ordinal_encoder_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.ordinal_encoder";
    static constexpr std::uint32_t payload_version = 1;

    // name, dtype, categories (category i encodes to i)
    using column_state = detail::frame_cols::encoded_column;

    ordinal_encoder_fitted(std::vector<column_state> cols, unknown_category handle_unknown,
                           double unknown_value, output_dtype out)
        : cols_(std::move(cols)), unknown_(handle_unknown), unknown_value_(unknown_value), out_(out) {}

    const std::vector<column_state>& columns() const noexcept { return cols_; }
    unknown_category handle_unknown() const noexcept { return unknown_; }
    double unknown_value() const noexcept { return unknown_value_; }

    template <exec::execution_policy P>
    frame transform(const P&, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            constexpr std::string_view where = "ordinal_encoder::transform";
            constexpr double nan = std::numeric_limits<double>::quiet_NaN();
            std::vector<std::string> names;
            std::vector<std::vector<double>> values;
            for (const auto& s : cols_) {
                const column& c = detail::frame_cols::fitted_column(X, s.name, s.type, where);
                const auto ids = detail::frame_cols::category_ids(c, s.categories);
                std::vector<double> v(ids.size());
                for (std::size_t r = 0; r < ids.size(); ++r) {
                    if (ids[r] >= 0) {
                        v[r] = static_cast<double>(ids[r]);
                    } else if (ids[r] == -1) {
                        v[r] = nan;
                    } else if (unknown_ == unknown_category::error) {
                        throw detail::frame_cols::unknown_category_error(
                            where, s.name, r, detail::frame_cols::describe(c, r));
                    } else {
                        v[r] = unknown_value_;
                    }
                }
                names.push_back(s.name);
                values.push_back(std::move(v));
            }
            return detail::frame_cols::replace_by_floats(X, names, std::move(values), out_);
        }
    }
    frame transform(const frame& X) const { return transform(exec::par, X); }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(unknown_));
        w.put<double>(unknown_value_);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(out_));
        w.put<std::uint64_t>(cols_.size());
        for (const auto& c : cols_) detail::frame_cols::put_encoded(w, c);
    }

    static ordinal_encoder_fitted load(io::reader& r) {
        constexpr std::string_view owner = "ordinal_encoder";
        namespace fc = detail::frame_cols;
        fc::check_version(r, owner, payload_version);
        const auto unknown = fc::get_enum(r, owner, "handle_unknown",
                                          unknown_category::use_encoded_value);
        const double unknown_value = r.get<double>("unknown_value");
        const auto out = fc::get_enum(r, owner, "dtype", output_dtype::float32);
        const auto n = r.get<std::uint64_t>("column count");
        std::vector<column_state> cols;
        for (std::uint64_t i = 0; i < n; ++i) cols.push_back(fc::get_encoded(r, owner));
        return ordinal_encoder_fitted(std::move(cols), unknown, unknown_value, out);
    }

private:
    std::vector<column_state> cols_;
    unknown_category unknown_;
    double unknown_value_;
    output_dtype out_;
};

// The estimator: hyperparameters only. `fit` returns an ordinal_encoder::fitted.
class ordinal_encoder {
public:
    struct params {
        // Columns to encode (categorical, bool or int64); empty: every categorical and bool column.
        std::vector<std::string> columns{};
        category_order order = category_order::lexicographic;
        // error | use_encoded_value.
        unknown_category handle_unknown = unknown_category::error;
        // The code of an unseen category under use_encoded_value: NaN or a whole
        // number outside [0, number of categories) of every encoded column.
        double unknown_value = std::numeric_limits<double>::quiet_NaN();
        output_dtype dtype = output_dtype::float64;
    };
    using fitted = ordinal_encoder_fitted;

    ordinal_encoder() = default;
    explicit ordinal_encoder(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P>
    fitted fit(const P&, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return fitted({}, unknown_category::error, 0.0, output_dtype::float64);
        } else {
            constexpr std::string_view where = "ordinal_encoder::fit";
            constexpr std::string_view owner = "ordinal_encoder";
            namespace fc = detail::frame_cols;
            const auto hu = params_.handle_unknown;
            if (hu != unknown_category::error && hu != unknown_category::use_encoded_value)
                throw fc::bad_option(owner, "handle_unknown",
                                     hu == unknown_category::ignore ? "ignore" : "infrequent_if_exist",
                                     "error, use_encoded_value");
            const double uv = params_.unknown_value;
            if (hu == unknown_category::use_encoded_value && !std::isnan(uv) &&
                (std::isinf(uv) || uv != std::floor(uv)))
                throw errors::out_of_range(owner, "unknown_value", uv, "NaN or a whole number");
            if (X.num_rows() == 0) throw errors::empty_input(where);
            const auto names = fc::resolve(X, params_.columns, where, "categorical, bool or int64",
                                           fc::encodable, fc::categorical_like);
            std::vector<fitted::column_state> cols;
            for (const auto& name : names) {
                const column& c = X.column(name);
                fitted::column_state s{name, c.type(), fc::labels_of(c).labels};
                if (params_.order == category_order::lexicographic) fc::sort_labels(s.categories, c.type());
                if (hu == unknown_category::use_encoded_value && uv >= 0.0 &&
                    uv < static_cast<double>(s.categories.size()))
                    throw errors::out_of_range(
                        owner, "unknown_value", uv,
                        tessera::detail::concat("NaN, < 0 or >= ", s.categories.size(),
                                                " (it would collide with a category of column '",
                                                name, "')"));
                cols.push_back(std::move(s));
            }
            return fitted(std::move(cols), hu, uv, params_.dtype);
        }
    }
    fitted fit(const frame& X) const { return fit(exec::par, X); }

private:
    params params_{};
};

static_assert(transformer<ordinal_encoder, frame>);

}  // namespace tessera::features
