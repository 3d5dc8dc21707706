// tessera/features/robust_scaler.hpp — center on the median, scale by a
// quantile range: y = (x - center) / scale.
//
// Reference behaviour: scikit-learn's RobustScaler (1.9). center = numpy.nanmedian
// per feature; scale = nanpercentile(q_hi) - nanpercentile(q_lo) with numpy's
// 'linear' method (kernels/rank.hpp's linear_quantile, numpy's _lerp included),
// computed in the data's type; a scale below 10 eps becomes 1
// (_handle_zeros_in_scale); unit_variance divides the scale by
// norm.ppf(q_hi/100) - norm.ppf(q_lo/100). NaN is ignored in fit and kept in
// transform; an all-NaN feature gets NaN center and scale.
//
// Every path sorts each column's non-NaN values once (exec::par: columns in
// parallel); order statistics are unique, so seq, simd and par agree bit for bit.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <span>
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

class robust_scaler_fitted : public detail::fitted_scaler<robust_scaler_fitted> {
public:
    static constexpr std::string_view owner = "robust_scaler";
    static constexpr std::string_view type_tag = "tessera.features.robust_scaler";
    static constexpr std::uint32_t payload_version = 1;

    // center: per-feature median; scale: per-feature (adjusted) quantile range.
    robust_scaler_fitted(bool with_centering, bool with_scaling, vector<double> center,
                         vector<double> scale)
        : with_centering_(with_centering),
          with_scaling_(with_scaling),
          center_(std::move(center)),
          scale_(std::move(scale)) {
        if (scale_.size() != center_.size())
            throw errors::size_mismatch("robust_scaler: scale vs center", center_.size(),
                                        scale_.size());
    }

    // One feature's statistics from its m sorted non-NaN values (value(i) the
    // i-th smallest), in T as scikit-learn computes them; q_lo, q_hi in [0, 1].
    template <std::floating_point T>
    struct column_stats {
        T center;
        T scale;
    };
    template <std::floating_point T, class Value>
    static column_stats<T> stats_of(std::size_t m, Value&& value, double q_lo, double q_hi,
                                    double adjust) {
        const T range = static_cast<T>(detail::quantile_at<T>(m, q_hi, value) -
                                       detail::quantile_at<T>(m, q_lo, value));
        T s = detail::handle_zero_scale(range);
        if (adjust != 1.0) s = static_cast<T>(s / static_cast<T>(adjust));
        return {detail::median_at<T>(m, value), s};
    }

    // Median per feature (computed even when with_centering is false).
    const vector<double>& center() const noexcept { return center_; }
    // Quantile range per feature, zero ranges set to 1, adjusted for unit_variance.
    const vector<double>& scale() const noexcept { return scale_; }
    std::size_t n_features_in() const noexcept { return center_.size(); }
    bool with_centering() const noexcept { return with_centering_; }
    bool with_scaling() const noexcept { return with_scaling_; }

    // transform: (x - center) / scale per feature in T; a disabled step is skipped.
    template <class P, class T>
    matrix<T> host_transform(const P& policy, const matrix<T>& X) const {
        return detail::affine<detail::standardize_op>(policy, X, used_center(), used_scale());
    }
    // inverse_transform: x * scale + center per feature in T.
    template <class P, class T>
    matrix<T> host_inverse(const P& policy, const matrix<T>& X) const {
        return detail::affine<detail::unstandardize_op>(policy, X, used_center(), used_scale());
    }

    // The statistics transform applies: center or 0, scale or 1.
    vector<double> used_center() const {
        return with_centering_ ? center_ : vector<double>(xt::zeros<double>({n_features_in()}));
    }
    vector<double> used_scale() const {
        return with_scaling_ ? scale_ : vector<double>(xt::ones<double>({n_features_in()}));
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(with_centering_ ? 1 : 0);
        w.put<std::uint8_t>(with_scaling_ ? 1 : 0);
        w.put(center_);
        w.put(scale_);
    }

    static robust_scaler_fitted load(io::reader& r) {
        constexpr std::string_view owner = "robust_scaler";
        detail::check_version(r, owner, payload_version);
        const bool wc = detail::read_flag(r, owner, "with_centering");
        const bool ws = detail::read_flag(r, owner, "with_scaling");
        auto center = r.get_tensor<double, 1>("center");
        auto scale = r.get_tensor<double, 1>("scale");
        detail::check_lengths(owner, "scale", center.size(), scale.size());
        return robust_scaler_fitted(wc, ws, std::move(center), std::move(scale));
    }

private:
    bool with_centering_;
    bool with_scaling_;
    vector<double> center_, scale_;
};

// The estimator: hyperparameters only.
//   auto f = features::robust_scaler{{.quantile_range = {10.0, 90.0}}}.fit(exec::par, X);
class robust_scaler {
public:
    struct params {
        bool with_centering = true;  // subtract the median
        bool with_scaling = true;    // divide by the quantile range
        // Percentiles (q_lo, q_hi); invariant: 0 <= q_lo <= q_hi <= 100.
        std::pair<double, double> quantile_range{25.0, 75.0};
        // Divide the scale by norm.ppf(q_hi/100) - norm.ppf(q_lo/100), so normal
        // data ends with unit variance.
        bool unit_variance = false;
    };
    using fitted = robust_scaler_fitted;

    constexpr robust_scaler() = default;
    constexpr explicit robust_scaler(const params& p) : params_(p) {}
    constexpr const params& get_params() const noexcept { return params_; }

    // config_error naming 'quantile_range' unless 0 <= q_lo <= q_hi <= 100.
    void check_params() const {
        const auto [lo, hi] = params_.quantile_range;
        if (!(0.0 <= lo && lo <= hi && hi <= 100.0))
            throw config_error(tessera::detail::concat(
                                   "robust_scaler: parameter 'quantile_range' = (", lo, ", ", hi,
                                   ") is invalid; valid: 0 <= q_lo <= q_hi <= 100"),
                               "quantile_range");
    }

    // 1 or norm.ppf(q_hi/100) - norm.ppf(q_lo/100) (scikit-learn's adjust).
    double adjust() const {
        if (!params_.unit_variance) return 1.0;
        return detail::normal_ppf(params_.quantile_range.second / 100.0) -
               detail::normal_ppf(params_.quantile_range.first / 100.0);
    }

    // quantile_range as fractions in [0, 1].
    std::pair<double, double> quantile_fractions() const noexcept {
        return {params_.quantile_range.first / 100.0, params_.quantile_range.second / 100.0};
    }

    // Sorts each column's non-NaN values once. shape_error on 0 rows or 0 columns.
    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        check_params();
        detail::check_fit_shape("robust_scaler::fit", X.shape()[0], X.shape()[1]);
        if constexpr (exec::device_policy<P>) {
            return fit_on_device(policy, *this, X);
        } else {
            const std::size_t cols = X.shape()[1];
            auto center = vector<double>::from_shape({cols}), scale = center;
            const auto q = quantile_fractions();
            const double adj = adjust();
            detail::order_stats(exec::select_backend(policy), X,
                                [&](std::size_t m) {
                                    return detail::order_positions(m, true, {q.first, q.second});
                                },
                                [&](std::size_t c, std::span<const T> sorted) {
                                    const auto v = [&](std::size_t i) { return sorted[i]; };
                                    // Only the needed order statistics are in place: scan.
                                    if (detail::any_inf(sorted))
                                        detail::reject_infinity("robust_scaler::fit", X, c);
                                    const auto s = fitted::stats_of<T>(sorted.size(), v,
                                                                       q.first, q.second, adj);
                                    center(c) = s.center;
                                    scale(c) = s.scale;
                                });
            return fitted(params_.with_centering, params_.with_scaling, std::move(center),
                          std::move(scale));
        }
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    params params_{};
};

static_assert(transformer<robust_scaler, matrix<float>> &&
              transformer<robust_scaler, matrix<double>>);

}  // namespace tessera::features
