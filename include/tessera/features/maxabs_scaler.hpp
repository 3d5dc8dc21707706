// tessera/features/maxabs_scaler.hpp — divide each feature by its largest
// absolute value: y = x / scale, scale = max |x|.
//
// Reference behaviour: scikit-learn's MaxAbsScaler (1.9): max_abs = nanmax(|x|)
// per feature in the data's type (NaN ignored), a max_abs below 10 eps becomes
// scale 1 (_handle_zeros_in_scale); an all-NaN feature gets NaN. Transform keeps
// NaN. There is no centering, so sparsity (zeros) is preserved.
//
// Fit shares the min-max scaler's extrema pass (max |x| = max(|min|, |max|)),
// exact on every path, so seq, simd and par agree bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/column_stats.hpp>
#include <tessera/features/detail/device_hook.hpp>
#include <tessera/features/detail/elementwise.hpp>

namespace tessera::features {

class maxabs_scaler_fitted : public detail::fitted_scaler<maxabs_scaler_fitted> {
public:
    static constexpr std::string_view owner = "maxabs_scaler";
    static constexpr std::string_view type_tag = "tessera.features.maxabs_scaler";
    static constexpr std::uint32_t payload_version = 1;

    maxabs_scaler_fitted(vector<double> max_abs, vector<double> scale,
                         std::int64_t n_samples_seen)
        : max_abs_(std::move(max_abs)), scale_(std::move(scale)), n_seen_(n_samples_seen) {
        if (scale_.size() != max_abs_.size())
            throw errors::size_mismatch("maxabs_scaler: scale vs max_abs", max_abs_.size(),
                                        scale_.size());
    }

    // From per-feature nanmin / nanmax in T.
    template <std::floating_point T>
    static maxabs_scaler_fitted from_extrema(const std::vector<T>& lo, const std::vector<T>& hi,
                                             std::int64_t n_samples_seen) {
        const std::size_t cols = lo.size();
        auto max_abs = vector<double>::from_shape({cols}), scale = max_abs;
        for (std::size_t c = 0; c < cols; ++c) {
            // NaN (all-NaN feature) must survive: std::max would drop it.
            const T m = std::isnan(lo[c]) ? lo[c] : std::max(std::abs(lo[c]), std::abs(hi[c]));
            max_abs(c) = m;
            scale(c) = detail::handle_zero_scale(m);
        }
        return maxabs_scaler_fitted(std::move(max_abs), std::move(scale), n_samples_seen);
    }

    const vector<double>& max_abs() const noexcept { return max_abs_; }
    const vector<double>& scale() const noexcept { return scale_; }
    std::int64_t n_samples_seen() const noexcept { return n_seen_; }
    std::size_t n_features_in() const noexcept { return scale_.size(); }

    // transform: x / scale per feature in T; NaN stays NaN.
    template <class P, class T>
    matrix<T> host_transform(const P& policy, const matrix<T>& X) const {
        return detail::affine<detail::standardize_op>(policy, X, zeros(), scale_);
    }
    // inverse_transform: x * scale per feature in T.
    template <class P, class T>
    matrix<T> host_inverse(const P& policy, const matrix<T>& X) const {
        return detail::affine<detail::unstandardize_op>(policy, X, zeros(), scale_);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put(max_abs_);
        w.put(scale_);
        w.put(n_seen_);
    }

    static maxabs_scaler_fitted load(io::reader& r) {
        detail::check_version(r, "maxabs_scaler", payload_version);
        auto max_abs = r.get_tensor<double, 1>("max_abs");
        auto scale = r.get_tensor<double, 1>("scale");
        const auto n = r.get<std::int64_t>("n_samples_seen");
        detail::check_lengths("maxabs_scaler", "scale", max_abs.size(), scale.size());
        return maxabs_scaler_fitted(std::move(max_abs), std::move(scale), n);
    }

private:
    vector<double> zeros() const { return xt::zeros<double>({n_features_in()}); }

    vector<double> max_abs_, scale_;
    std::int64_t n_seen_;
};

// The estimator: no hyperparameters.
class maxabs_scaler {
public:
    struct params {};
    using fitted = maxabs_scaler_fitted;

    constexpr maxabs_scaler() = default;
    constexpr explicit maxabs_scaler(const params& p) : params_(p) {}
    constexpr const params& get_params() const noexcept { return params_; }

    // One pass over X. shape_error on 0 rows or 0 columns.
    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        detail::check_fit_shape("maxabs_scaler::fit", X.shape()[0], X.shape()[1]);
        if constexpr (exec::device_policy<P>) {
            return fit_on_device(policy, *this, X);
        } else {
            const auto e = detail::extrema(exec::select_backend(policy), X);
            detail::reject_infinite_extrema("maxabs_scaler::fit", X, e.mins(), e.maxs());
            return fitted::from_extrema(e.mins(), e.maxs(), static_cast<std::int64_t>(X.shape()[0]));
        }
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    [[maybe_unused]] params params_{};
};

static_assert(transformer<maxabs_scaler, matrix<float>> &&
              transformer<maxabs_scaler, matrix<double>>);

}  // namespace tessera::features
