// tessera/features/kbins_discretizer.hpp — bin continuous features into intervals.
//
// Reference behaviour: scikit-learn 1.9 KBinsDiscretizer with
// quantile_method='linear' and subsample=None, pinned: sklearn 1.9 changed the
// default method to 'averaged_inverted_cdf' and, by default, fits on a random
// subsample of 200,000 rows; tessera always uses numpy's 'linear' quantiles of
// every row (the pre-1.9 results; reference/semantics.md §5). Edges per feature
// come from kernels/bin_edges.hpp: 'uniform' = linspace(min, max), 'quantile' =
// percentiles with edges closer than 1e-8 to their predecessor dropped,
// 'kmeans' = 1-D Lloyd from the uniform midpoints (edges equal to sklearn's to
// rounding; its KMeans sums in another order); a constant feature gets one bin
// (-inf, inf), as sklearn (which also warns).
// Transform = np.searchsorted(inner edges, x, side='right'): values outside the
// fitted range go to the first or last bin.
//
// Encodings: ordinal (the bin index as a number) or onehot_dense (one column per
// bin per feature, features in order; sklearn's sparse 'onehot' has no
// counterpart here). The output is in T, or in U with transform_as<U> (sklearn's
// dtype parameter).
//
// NaN: nan = kbins_nan::reject (default, as sklearn) throws data_error naming
// the column and row, at fit and at transform; so do ±inf. With kbins_nan::keep,
// fit computes the edges from the non-NaN values (a column with no number is a
// data_error) and transform maps NaN to NaN (ordinal) or to NaN in each of the
// feature's one-hot columns; ±inf is still rejected at fit and, at transform,
// falls into the first or last bin.
//
// Policies: fit computes each column's edges independently (par: columns on the
// pool); transform is one binary search per value (seq and simd run the same
// scalar loop, par splits rows into fixed chunks). Every path gives the same bits.
#pragma once

#include <algorithm>
#include <concepts>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/decomp_common.hpp>
#include <tessera/kernels/bin_edges.hpp>

namespace tessera::features {

enum class kbins_strategy : std::uint8_t { uniform = 0, quantile = 1, kmeans = 2 };
enum class kbins_encode : std::uint8_t { ordinal = 0, onehot_dense = 1 };
enum class kbins_nan : std::uint8_t { reject = 0, keep = 1 };

// The fitted discretizer: per-feature edges and the encoding. Immutable.
class kbins_discretizer_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.kbins_discretizer";
    static constexpr std::uint32_t payload_version = 1;

    kbins_discretizer_fitted(std::vector<std::vector<double>> edges, kbins_encode encode,
                             kbins_nan nan)
        : edges_(std::move(edges)), encode_(encode), nan_(nan) {
        offsets_.reserve(edges_.size() + 1);
        offsets_.push_back(0);
        for (const auto& e : edges_) offsets_.push_back(offsets_.back() + kernels::bin_count(e));
    }

    std::size_t n_features_in() const noexcept { return edges_.size(); }
    // bin_edges_[j]: n_bins_[j] + 1 sorted edges; {-inf, inf} for a constant feature.
    const std::vector<double>& bin_edges(std::size_t j) const { return edges_.at(j); }
    std::size_t n_bins(std::size_t j) const { return kernels::bin_count(edges_.at(j)); }
    kbins_encode encode() const noexcept { return encode_; }
    kbins_nan nan_policy() const noexcept { return nan_; }
    // Output columns: n_features_in (ordinal) or the sum of n_bins (onehot_dense).
    std::size_t n_features_out() const noexcept {
        return encode_ == kbins_encode::ordinal ? edges_.size() : offsets_.back();
    }

    // sklearn's get_feature_names_out: the input names (ordinal) or
    // "<name>_<bin>.0" per bin (onehot_dense). Default names x0, x1, ...
    std::vector<std::string> feature_names_out(std::span<const std::string> input = {}) const {
        const auto in = detail::decomp::input_names("kbins_discretizer::feature_names_out", input,
                                                    n_features_in());
        if (encode_ == kbins_encode::ordinal) return in;
        std::vector<std::string> out;
        out.reserve(n_features_out());
        for (std::size_t j = 0; j < edges_.size(); ++j)
            for (std::size_t b = 0; b < n_bins(j); ++b)
                out.push_back(tessera::detail::concat(in[j], "_", b, ".0"));
        return out;
    }

    template <exec::execution_policy P, std::floating_point T>
    matrix<T> transform(const P& policy, const matrix<T>& X) const {
        return transform_as<T>(policy, X);
    }
    template <std::floating_point T>
    matrix<T> transform(const matrix<T>& X) const {
        return transform(exec::par, X);
    }

    // The bins of X written as U (sklearn's `dtype`).
    template <std::floating_point U, exec::execution_policy P, std::floating_point T>
    matrix<U> transform_as(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            constexpr std::string_view where = "kbins_discretizer::transform";
            const std::size_t rows = X.shape()[0], cols = X.shape()[1];
            if (cols != n_features_in())
                throw shape_error(tessera::detail::concat(
                    where, ": X has ", cols, " columns, but the discretizer was fitted on ",
                    n_features_in(), " columns"));
            if (nan_ == kbins_nan::reject) detail::decomp::reject_non_finite(where, X, true);
            const std::size_t out_cols = n_features_out();
            matrix<U> Y = matrix<U>::from_shape({rows, out_cols});
            constexpr U qnan = std::numeric_limits<U>::quiet_NaN();
            auto run = [&](std::size_t r0, std::size_t r1) {
                for (std::size_t r = r0; r < r1; ++r) {
                    U* y = Y.data() + r * out_cols;
                    if (encode_ == kbins_encode::onehot_dense) std::fill(y, y + out_cols, U(0));
                    for (std::size_t j = 0; j < cols; ++j) {
                        const T v = X(r, j);
                        const std::span<const double> e(edges_[j]);
                        const std::size_t b = kernels::bin_of(e, v);
                        if (encode_ == kbins_encode::ordinal) {
                            y[j] = std::isnan(v) ? qnan : static_cast<U>(b);
                        } else if (std::isnan(v)) {
                            std::fill(y + offsets_[j], y + offsets_[j + 1], qnan);
                        } else {
                            y[offsets_[j] + b] = U(1);
                        }
                    }
                }
            };
            detail::decomp::for_row_chunks(exec::select_backend(policy), rows, cols, run);
            return Y;
        }
    }

    // Ordinal codes back to bin centres (edges[b] + edges[b+1]) / 2, as sklearn;
    // a constant feature's single bin has no finite centre and gives NaN.
    template <std::floating_point T>
    matrix<T> inverse_transform(const matrix<T>& Xt) const {
        constexpr std::string_view where = "kbins_discretizer::inverse_transform";
        if (encode_ != kbins_encode::ordinal)
            throw config_error(tessera::detail::concat(
                                   where, ": only the ordinal encoding can be inverted here"),
                               "encode");
        const std::size_t rows = Xt.shape()[0], cols = Xt.shape()[1];
        if (cols != n_features_in())
            throw shape_error(tessera::detail::concat(where, ": X has ", cols,
                                                      " columns, expected ", n_features_in()));
        matrix<T> X = matrix<T>::from_shape({rows, cols});
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < cols; ++j) {
                const T code = Xt(r, j);
                const std::size_t nb = n_bins(j);
                if (std::isnan(code)) {
                    X(r, j) = code;
                    continue;
                }
                if (!(code >= T(0) && code < static_cast<T>(nb) && code == std::floor(code)))
                    throw data_error(tessera::detail::concat(
                                         where, ": column ", j, " row ", r, " holds ", code,
                                         ", which is not a bin index in [0, ", nb, ")"),
                                     tessera::detail::concat("x", j), r);
                const auto b = static_cast<std::size_t>(code);
                X(r, j) = static_cast<T>((edges_[j][b] + edges_[j][b + 1]) * 0.5);
            }
        return X;
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(encode_));
        w.put<std::uint8_t>(static_cast<std::uint8_t>(nan_));
        w.put<std::uint64_t>(edges_.size());
        for (const auto& e : edges_) w.put(e);
    }

    static kbins_discretizer_fitted load(io::reader& r) {
        detail::decomp::check_version(r, "kbins_discretizer", payload_version);
        const auto encode = detail::get_enum(r, "kbins_discretizer", "encode", kbins_encode::onehot_dense);
        const auto nan = detail::get_enum(r, "kbins_discretizer", "nan", kbins_nan::keep);
        const auto n = r.get<std::uint64_t>("n_features");
        if (n > r.remaining() / sizeof(std::uint64_t))
            throw format_error("kbins_discretizer: feature count exceeds the payload");
        std::vector<std::vector<double>> edges;
        edges.reserve(static_cast<std::size_t>(n));
        for (std::uint64_t j = 0; j < n; ++j) {
            auto e = r.get_vector<double>("bin_edges");
            if (e.size() < 2 || !std::is_sorted(e.begin(), e.end()) ||
                std::any_of(e.begin(), e.end(), [](double v) { return std::isnan(v); }))
                throw format_error(tessera::detail::concat(
                    "kbins_discretizer: bin_edges of feature ", j,
                    " are not at least two sorted numbers"));
            edges.push_back(std::move(e));
        }
        return kbins_discretizer_fitted(std::move(edges), encode, nan);
    }

private:
    std::vector<std::vector<double>> edges_;
    std::vector<std::size_t> offsets_;  // first one-hot column of each feature
    kbins_encode encode_;
    kbins_nan nan_;
};

// The estimator:
//   features::kbins_discretizer{{.n_bins = 4, .strategy = kbins_strategy::uniform}}.fit(exec::par, X)
class kbins_discretizer {
public:
    struct params {
        std::size_t n_bins = 5;                          // bins per feature, >= 2
        std::vector<std::size_t> n_bins_per_feature{};   // if non-empty: one entry per feature, each >= 2
        kbins_strategy strategy = kbins_strategy::quantile;
        kbins_encode encode = kbins_encode::onehot_dense;  // sklearn's default is sparse 'onehot'
        kbins_nan nan = kbins_nan::reject;
    };
    using fitted = kbins_discretizer_fitted;

    kbins_discretizer() = default;
    explicit kbins_discretizer(params p) : params_(std::move(p)) {}

    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return fitted({}, kbins_encode::ordinal, kbins_nan::reject);
        } else {
            constexpr std::string_view where = "kbins_discretizer::fit";
            const std::size_t rows = X.shape()[0], cols = X.shape()[1];
            detail::decomp::require_nonempty(where, rows, cols);
            std::vector<std::size_t> bins = check_params(cols);
            detail::decomp::reject_non_finite(where, X, params_.nan == kbins_nan::reject);
            std::vector<std::vector<double>> edges(cols);
            auto one = [&](auto inner, std::size_t j) {
                std::vector<T> col(rows);
                std::size_t numbers = 0;
                for (std::size_t r = 0; r < rows; ++r) {
                    col[r] = X(r, j);
                    numbers += std::isnan(col[r]) ? 0 : 1;
                }
                if (numbers == 0)
                    throw data_error(tessera::detail::concat(
                                         where, ": column 'x", j,
                                         "' has no number (every row is NaN); cannot place bin edges"),
                                     tessera::detail::concat("x", j));
                const std::span<const T> s(col);
                switch (params_.strategy) {
                    case kbins_strategy::uniform: edges[j] = kernels::uniform_edges(inner, s, bins[j]); break;
                    case kbins_strategy::kmeans: edges[j] = kernels::kmeans_edges(inner, s, bins[j]); break;
                    default: edges[j] = kernels::quantile_edges(inner, s, bins[j]); break;
                }
            };
            const auto tag = exec::select_backend(policy);
            if constexpr (detail::decomp::is_pool_v<std::remove_cvref_t<decltype(tag)>>) {
                auto by_col = tag;
                by_col.grain = 1;
                exec::parallel_for(by_col, cols, [&](const exec::chunk& c) {
                    for (std::size_t j = c.begin; j < c.end; ++j) one(exec::simd, j);
                });
            } else {
                for (std::size_t j = 0; j < cols; ++j) one(policy, j);
            }
            return fitted(std::move(edges), params_.encode, params_.nan);
        }
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    std::vector<std::size_t> check_params(std::size_t cols) const {
        constexpr std::string_view owner = "kbins_discretizer";
        if (params_.strategy != kbins_strategy::uniform && params_.strategy != kbins_strategy::quantile &&
            params_.strategy != kbins_strategy::kmeans)
            throw errors::out_of_range(owner, "strategy", static_cast<int>(params_.strategy),
                                       "uniform (0), quantile (1) or kmeans (2)");
        if (params_.encode != kbins_encode::ordinal && params_.encode != kbins_encode::onehot_dense)
            throw errors::out_of_range(owner, "encode", static_cast<int>(params_.encode),
                                       "ordinal (0) or onehot_dense (1)");
        if (params_.nan != kbins_nan::reject && params_.nan != kbins_nan::keep)
            throw errors::out_of_range(owner, "nan", static_cast<int>(params_.nan),
                                       "reject (0) or keep (1)");
        if (params_.n_bins_per_feature.empty()) {
            if (params_.n_bins < 2) throw errors::out_of_range(owner, "n_bins", params_.n_bins, "[2, inf)");
            return std::vector<std::size_t>(cols, params_.n_bins);
        }
        const auto& per = params_.n_bins_per_feature;
        if (per.size() != cols)
            throw config_error(tessera::detail::concat(owner, ": parameter 'n_bins_per_feature' has ",
                                                       per.size(), " entries, but X has ", cols,
                                                       " columns; give one per column"),
                               "n_bins_per_feature");
        for (std::size_t j = 0; j < cols; ++j)
            if (per[j] < 2)
                throw config_error(
                    tessera::detail::concat(owner, ": parameter 'n_bins_per_feature' [", j, "] = ",
                                            per[j], " is out of range; valid range: [2, inf)"),
                    "n_bins_per_feature");
        return per;
    }

    params params_{};
};

static_assert(transformer<kbins_discretizer, matrix<float>> &&
              transformer<kbins_discretizer, matrix<double>>);

}  // namespace tessera::features
