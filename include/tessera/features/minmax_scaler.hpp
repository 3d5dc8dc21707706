// tessera/features/minmax_scaler.hpp — scale each feature to a range:
// y = x * scale + min, scale = (hi - lo) / (data_max - data_min), min = lo - data_min * scale.
//
// Reference behaviour: scikit-learn's MinMaxScaler (1.9). Fit takes nanmin and
// nanmax per feature (NaN ignored), a range below 10 eps of the data's type gets
// scale 1 (_handle_zeros_in_scale), and data_min, data_range, scale and min are
// computed in the data's type T as scikit-learn does (float32 data: float32
// arithmetic), then kept as double. A feature that is NaN in every row gets NaN
// statistics, so its output is NaN. Transform keeps NaN; `clip` clips to
// feature_range afterwards (NaN stays NaN), as numpy.clip.
//
// exec::seq: a plain loop; exec::simd: xsimd batches across columns; exec::par:
// row chunks merged in chunk order. Extrema are exact, so the three agree bit
// for bit. Transform is the standard scaler's row kernel.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cmath>
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

class minmax_scaler_fitted : public detail::fitted_scaler<minmax_scaler_fitted> {
public:
    static constexpr std::string_view owner = "minmax_scaler";
    static constexpr std::string_view type_tag = "tessera.features.minmax_scaler";
    static constexpr std::uint32_t payload_version = 1;

    // From statistics; scale and min as defined above (already rounded as fit did).
    minmax_scaler_fitted(std::pair<double, double> feature_range, bool clip,
                         vector<double> data_min, vector<double> data_max, vector<double> scale,
                         vector<double> min, std::int64_t n_samples_seen)
        : range_(feature_range),
          clip_(clip),
          data_min_(std::move(data_min)),
          data_max_(std::move(data_max)),
          scale_(std::move(scale)),
          min_(std::move(min)),
          n_seen_(n_samples_seen) {
        const std::size_t n = data_min_.size();
        for (std::size_t s : {data_max_.size(), scale_.size(), min_.size()})
            if (s != n) throw errors::size_mismatch("minmax_scaler: statistics", n, s);
    }

    // From per-feature nanmin / nanmax in T, as scikit-learn's partial_fit.
    template <std::floating_point T>
    static minmax_scaler_fitted from_extrema(std::pair<double, double> feature_range, bool clip,
                                             const std::vector<T>& lo, const std::vector<T>& hi,
                                             std::int64_t n_samples_seen) {
        const std::size_t cols = lo.size();
        auto dmin = vector<double>::from_shape({cols}), dmax = dmin, scale = dmin, min = dmin;
        const T width = static_cast<T>(feature_range.second - feature_range.first);
        for (std::size_t c = 0; c < cols; ++c) {
            const T range = static_cast<T>(hi[c] - lo[c]);
            const T s = static_cast<T>(width / detail::handle_zero_scale(range));
            dmin(c) = lo[c];
            dmax(c) = hi[c];
            scale(c) = s;
            min(c) = static_cast<T>(static_cast<T>(feature_range.first) - lo[c] * s);
        }
        return minmax_scaler_fitted(feature_range, clip, std::move(dmin), std::move(dmax),
                                    std::move(scale), std::move(min), n_samples_seen);
    }

    const vector<double>& data_min() const noexcept { return data_min_; }
    const vector<double>& data_max() const noexcept { return data_max_; }
    vector<double> data_range() const { return data_max_ - data_min_; }
    const vector<double>& scale() const noexcept { return scale_; }
    const vector<double>& min() const noexcept { return min_; }
    std::int64_t n_samples_seen() const noexcept { return n_seen_; }
    std::size_t n_features_in() const noexcept { return scale_.size(); }
    std::pair<double, double> feature_range() const noexcept { return range_; }
    bool clip() const noexcept { return clip_; }

    // transform: x * scale + min per feature in T, then clipped if `clip`; NaN stays NaN.
    template <class P, class T>
    matrix<T> host_transform(const P& policy, const matrix<T>& X) const {
        matrix<T> Y = detail::affine<detail::unstandardize_op>(policy, X, min_, scale_);
        if (clip_)
            detail::clip(policy, Y, static_cast<T>(range_.first), static_cast<T>(range_.second));
        return Y;
    }
    // inverse_transform: (x - min) / scale per feature in T.
    template <class P, class T>
    matrix<T> host_inverse(const P& policy, const matrix<T>& X) const {
        return detail::affine<detail::standardize_op>(policy, X, min_, scale_);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put(range_.first);
        w.put(range_.second);
        w.put<std::uint8_t>(clip_ ? 1 : 0);
        w.put(data_min_);
        w.put(data_max_);
        w.put(scale_);
        w.put(min_);
        w.put(n_seen_);
    }

    static minmax_scaler_fitted load(io::reader& r) {
        constexpr std::string_view owner = "minmax_scaler";
        detail::check_version(r, owner, payload_version);
        std::pair<double, double> range;
        range.first = r.get<double>("feature_range.min");
        range.second = r.get<double>("feature_range.max");
        const bool clip = detail::read_flag(r, owner, "clip");
        auto dmin = r.get_tensor<double, 1>("data_min");
        auto dmax = r.get_tensor<double, 1>("data_max");
        auto scale = r.get_tensor<double, 1>("scale");
        auto min = r.get_tensor<double, 1>("min");
        const auto n = r.get<std::int64_t>("n_samples_seen");
        for (std::size_t s : {dmax.size(), scale.size(), min.size()})
            detail::check_lengths(owner, "a statistic", dmin.size(), s);
        return minmax_scaler_fitted(range, clip, std::move(dmin), std::move(dmax),
                                    std::move(scale), std::move(min), n);
    }

private:
    std::pair<double, double> range_;
    bool clip_;
    vector<double> data_min_, data_max_, scale_, min_;
    std::int64_t n_seen_;
};

// The estimator: hyperparameters only.
//   auto f = features::minmax_scaler{{.feature_range = {-1.0, 1.0}}}.fit(exec::par, X);
class minmax_scaler {
public:
    struct params {
        std::pair<double, double> feature_range{0.0, 1.0};  // invariant: finite, first < second
        bool clip = false;  // clip transformed values to feature_range
    };
    using fitted = minmax_scaler_fitted;

    constexpr minmax_scaler() = default;
    constexpr explicit minmax_scaler(const params& p) : params_(p) {}
    constexpr const params& get_params() const noexcept { return params_; }

    // config_error naming 'feature_range' unless both ends are finite and first < second.
    void check_params() const {
        const auto [lo, hi] = params_.feature_range;
        if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
            throw config_error(tessera::detail::concat(
                                   "minmax_scaler: parameter 'feature_range' = (", lo, ", ", hi,
                                   ") is invalid; valid: finite (min, max) with min < max"),
                               "feature_range");
    }

    // One pass over X. shape_error on 0 rows or 0 columns.
    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        check_params();
        detail::check_fit_shape("minmax_scaler::fit", X.shape()[0], X.shape()[1]);
        if constexpr (exec::device_policy<P>) {
            return fit_on_device(policy, *this, X);
        } else {
            const auto e = detail::extrema(exec::select_backend(policy), X);
            detail::reject_infinite_extrema("minmax_scaler::fit", X, e.mins(), e.maxs());
            return fitted::from_extrema(params_.feature_range, params_.clip, e.mins(), e.maxs(),
                                        static_cast<std::int64_t>(X.shape()[0]));
        }
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    params params_{};
};

static_assert(transformer<minmax_scaler, matrix<float>> &&
              transformer<minmax_scaler, matrix<double>>);

}  // namespace tessera::features
