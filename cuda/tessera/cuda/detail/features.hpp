// tessera/cuda/detail/features.hpp — Thrust bodies of fit and transform for the
// scalers (standard, min-max, robust, max-abs) and the simple imputer.
//
// Fit uploads X (row-major) and writes a column-major copy in one pass, so each
// feature is a contiguous segment; then per feature:
//   moments   transform_reduce with the Chan merge of kernels/detail/chan_merge.hpp
//             (standard scaler, mean imputation)
//   extrema   transform_reduce of {seen, min, max} (min-max, max-abs)
//   sorted    sort the segment in IEEE total order with NaN last (robust,
//             median and most_frequent imputation); order statistics are
//             fetched and fed to the CPU path's median_at / quantile_at, the mode
//             is a reduce_by_key over runs plus max_element (first = smallest)
// and the per-feature statistics go through the same host code as the CPU path
// (from_extrema, stats_of, from_counts), so every rule (zero scale, all-NaN
// features, rounding to T) is written once. Transform is one thrust::transform
// over the output elements.
//
// Results against exec::seq: extrema, order statistics and everything built from
// them are bit-identical; moments differ by rounding (a reduction tree instead
// of Welford's left-to-right update). Same source for nvcc and for g++ under
// THRUST_DEVICE_SYSTEM=OMP (tests/features_cuda).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <thrust/count.h>
#include <thrust/extrema.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include <tessera/core/tensor.hpp>
#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/moments.hpp>  // moments_acc, to_moments, chan_merge
#include <tessera/cuda/detail/rank.hpp>     // nan_last_less, is_nan_fn
#include <tessera/features/maxabs_scaler.hpp>
#include <tessera/features/minmax_scaler.hpp>
#include <tessera/features/robust_scaler.hpp>
#include <tessera/features/simple_imputer.hpp>
#include <tessera/features/standard_scaler.hpp>

namespace tessera::device_detail {

// ---- functors ------------------------------------------------------------------------

// Element i of the column-major copy: row i % rows, column i / rows.
template <class T>
struct transpose_fn {
    const T* x;
    std::size_t rows, cols;
    TESSERA_HD T operator()(std::size_t i) const { return x[(i % rows) * cols + i / rows]; }
};

template <class T>
struct extrema_acc {
    int seen;
    T lo, hi;
};
template <class T>  // T fixed: the argument may be a device_reference
struct to_extrema {
    TESSERA_HD extrema_acc<T> operator()(T v) const {
        return {is_nan(v) ? 0 : 1, v, v};
    }
};
struct merge_extrema {
    template <class T>
    TESSERA_HD extrema_acc<T> operator()(const extrema_acc<T>& a, const extrema_acc<T>& b) const {
        if (!a.seen) return b;
        if (!b.seen) return a;
        return {1, b.lo < a.lo ? b.lo : a.lo, a.hi < b.hi ? b.hi : a.hi};
    }
};

// y = (x - a) / b (Inverse = false) or x * b + a (true) per column, then an
// optional NaN-keeping clip.
template <class T, bool Inverse>
struct affine_fn {
    const T* x;
    const T* a;
    const T* b;
    std::size_t cols;
    bool clip;
    T lo, hi;
    TESSERA_HD T operator()(std::size_t i) const {
        const std::size_t c = i % cols;
        T y = Inverse ? x[i] * b[c] + a[c] : (x[i] - a[c]) / b[c];
        if (clip) {
            if (y < lo) y = lo;
            if (y > hi) y = hi;
        }
        return y;
    }
};

// Output element i of the imputer (see simple_imputer.hpp's impute_rows).
template <class T>
struct impute_fn {
    const T* x;
    const T* fill;
    const std::uint64_t* kept;
    const std::uint64_t* indicator;
    std::size_t cols, n_kept, out_cols;
    TESSERA_HD T operator()(std::size_t i) const {
        const std::size_t r = i / out_cols, k = i % out_cols;
        if (k < n_kept) {
            const T v = x[r * cols + kept[k]];
            return is_nan(v) ? fill[k] : v;
        }
        return is_nan(x[r * cols + indicator[k - n_kept]]) ? T(1) : T(0);
    }
};

// ---- fit helpers ------------------------------------------------------------------------

// X on the device, column-major.
template <class Backend, class T>
auto columns_of(const Backend& be, const matrix<T>& X) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    auto d = be.upload(std::span<const T>(X.data(), X.size()));
    auto t = be.template alloc<T>(X.size());
    thrust::transform(be.policy(), thrust::counting_iterator<std::size_t>(0),
                      thrust::counting_iterator<std::size_t>(X.size()), t.data(),
                      transpose_fn<T>{thrust::raw_pointer_cast(d.data()), rows, cols});
    return t;
}

// Count, mean, M2 of the non-NaN values of each column.
template <class Backend, class T>
features::detail::column_moments column_moments(const Backend& be, const matrix<T>& X) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    auto t = columns_of(be, X);
    features::detail::column_moments m(cols);
    for (std::size_t c = 0; c < cols; ++c) {
        const auto seg = t.data() + c * rows;
        const moments_acc a = thrust::transform_reduce(be.policy(), seg, seg + rows,
                                                       to_moments<true>{},
                                                       moments_acc{0, 0.0, 0.0}, chan_merge{});
        m.count[c] = static_cast<double>(a.count);
        m.mean[c] = a.mean;
        m.m2[c] = a.m2;
    }
    return m;
}

// nanmin / nanmax per column (NaN for an all-NaN column), as the CPU path's.
template <class Backend, class T>
void column_extrema(const Backend& be, const matrix<T>& X, std::vector<T>& lo,
                    std::vector<T>& hi) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    auto t = columns_of(be, X);
    lo.assign(cols, std::numeric_limits<T>::quiet_NaN());
    hi = lo;
    for (std::size_t c = 0; c < cols; ++c) {
        const auto seg = t.data() + c * rows;
        const extrema_acc<T> e = thrust::transform_reduce(
            be.policy(), seg, seg + rows, to_extrema<T>{}, extrema_acc<T>{0, T(0), T(0)},
            merge_extrema{});
        if (e.seen) {
            lo[c] = e.lo;
            hi[c] = e.hi;
        }
    }
}

// Calls f(c, m, value) per column: m non-NaN values, value(i) fetches the i-th
// smallest from the sorted device segment.
template <class Backend, class T, class F>
void sorted_columns(const Backend& be, const matrix<T>& X, F&& f) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    auto t = columns_of(be, X);
    for (std::size_t c = 0; c < cols; ++c) {
        const auto seg = t.data() + c * rows;
        const auto nans =
            static_cast<std::size_t>(thrust::count_if(be.policy(), seg, seg + rows, is_nan_fn{}));
        thrust::sort(be.policy(), seg, seg + rows, nan_last_less{});
        f(c, rows - nans, seg, [&](std::size_t i) { return fetch(be, seg + i); });
    }
}

// The most frequent of m sorted values at seg (ties: the smallest).
template <class Backend, class Ptr>
auto sorted_mode(const Backend& be, Ptr seg, std::size_t m) {
    using T = std::remove_cv_t<typename Ptr::value_type>;
    if (m == 0) return std::numeric_limits<T>::quiet_NaN();
    auto keys = be.template alloc<T>(m);
    auto counts = be.template alloc<std::uint64_t>(m);
    const auto ends = thrust::reduce_by_key(be.policy(), seg, seg + m,
                                            thrust::constant_iterator<std::uint64_t>(1),
                                            keys.data(), counts.data());
    const auto best = thrust::max_element(be.policy(), counts.data(), ends.second);
    return fetch(be, keys.data() + (best - counts.data()));
}

// ---- fit ---------------------------------------------------------------------------------

template <class Backend, class T>
features::standard_scaler_fitted fit(const Backend& be, const features::standard_scaler& est,
                                     const matrix<T>& X) {
    return features::detail::fitted_from_moments(est, column_moments(be, X));
}

template <class Backend, class T>
features::minmax_scaler_fitted fit(const Backend& be, const features::minmax_scaler& est,
                                   const matrix<T>& X) {
    std::vector<T> lo, hi;
    column_extrema(be, X, lo, hi);
    features::detail::reject_infinite_extrema("minmax_scaler::fit", X, lo, hi);
    return features::minmax_scaler_fitted::from_extrema(est.get_params().feature_range,
                                                        est.get_params().clip, lo, hi,
                                                        static_cast<std::int64_t>(X.shape()[0]));
}

template <class Backend, class T>
features::maxabs_scaler_fitted fit(const Backend& be, const features::maxabs_scaler&,
                                   const matrix<T>& X) {
    std::vector<T> lo, hi;
    column_extrema(be, X, lo, hi);
    features::detail::reject_infinite_extrema("maxabs_scaler::fit", X, lo, hi);
    return features::maxabs_scaler_fitted::from_extrema(lo, hi,
                                                        static_cast<std::int64_t>(X.shape()[0]));
}

template <class Backend, class T>
features::robust_scaler_fitted fit(const Backend& be, const features::robust_scaler& est,
                                   const matrix<T>& X) {
    const std::size_t cols = X.shape()[1];
    auto center = vector<double>::from_shape({cols}), scale = center;
    const auto q = est.quantile_fractions();
    const double adj = est.adjust();
    sorted_columns(be, X, [&](std::size_t c, std::size_t m, auto, auto&& value) {
        if (features::detail::sorted_has_inf(m, value))
            features::detail::reject_infinity("robust_scaler::fit", X, c);
        const auto s = features::robust_scaler_fitted::stats_of<T>(m, value, q.first, q.second, adj);
        center(c) = s.center;
        scale(c) = s.scale;
    });
    return features::robust_scaler_fitted(est.get_params().with_centering,
                                          est.get_params().with_scaling, std::move(center),
                                          std::move(scale));
}

template <class Backend, class T>
features::simple_imputer_fitted fit(const Backend& be, const features::simple_imputer& est,
                                    const matrix<T>& X) {
    const std::size_t cols = X.shape()[1];
    std::vector<double> raw(cols);
    std::vector<std::int64_t> count(cols);
    const features::impute s = est.get_params().strategy;
    if (s == features::impute::mean || s == features::impute::constant) {
        const auto m = column_moments(be, X);
        for (std::size_t c = 0; c < cols; ++c) {
            count[c] = static_cast<std::int64_t>(m.count[c]);
            raw[c] = m.mean[c];
        }
    } else {
        sorted_columns(be, X, [&](std::size_t c, std::size_t m, auto seg, auto&& value) {
            count[c] = static_cast<std::int64_t>(m);
            raw[c] = s == features::impute::median ? features::detail::median_at<T>(m, value)
                                                   : sorted_mode(be, seg, m);
            if (features::detail::sorted_has_inf(m, value))
                raw[c] = std::numeric_limits<double>::infinity();  // checked below
        });
    }
    features::simple_imputer::reject_infinities(X, raw, count);
    return est.from_counts(raw, count, static_cast<std::int64_t>(X.shape()[0]));
}

// ---- transform ---------------------------------------------------------------------------

// Op per element with per-column a, b (host doubles rounded to T, as the CPU path).
template <bool Inverse, class Backend, class T>
matrix<T> affine(const Backend& be, const matrix<T>& X, const vector<double>& a,
                 const vector<double>& b, bool clip = false, double lo = 0.0, double hi = 0.0) {
    const std::size_t cols = X.shape()[1];
    const std::vector<T> ta = features::detail::rounded<T>(a), tb = features::detail::rounded<T>(b);
    matrix<T> Y = matrix<T>::from_shape(X.shape());
    if (X.size() == 0) return Y;
    auto dx = be.upload(std::span<const T>(X.data(), X.size()));
    auto da = be.upload(std::span<const T>(ta));
    auto db = be.upload(std::span<const T>(tb));
    auto dy = be.template alloc<T>(X.size());
    thrust::transform(be.policy(), thrust::counting_iterator<std::size_t>(0),
                      thrust::counting_iterator<std::size_t>(X.size()), dy.data(),
                      affine_fn<T, Inverse>{thrust::raw_pointer_cast(dx.data()),
                                            thrust::raw_pointer_cast(da.data()),
                                            thrust::raw_pointer_cast(db.data()), cols, clip,
                                            static_cast<T>(lo), static_cast<T>(hi)});
    be.download(dy.data(), X.size(), Y.data());
    return Y;
}

template <bool Inverse, class Backend, class T>
matrix<T> transform(const Backend& be, const features::standard_scaler_fitted& f,
                    const matrix<T>& X) {
    features::detail::check_columns("standard_scaler::transform", X.shape()[1],
                                    f.n_features_in());
    return affine<Inverse>(be, X, f.used_mean(), f.used_scale());
}

template <bool Inverse, class Backend, class T>
matrix<T> transform(const Backend& be, const features::minmax_scaler_fitted& f,
                    const matrix<T>& X) {
    features::detail::check_columns("minmax_scaler::transform", X.shape()[1], f.n_features_in());
    // transform is x * scale + min; its inverse (x - min) / scale.
    return affine<!Inverse>(be, X, f.min(), f.scale(), !Inverse && f.clip(),
                            f.feature_range().first, f.feature_range().second);
}

template <bool Inverse, class Backend, class T>
matrix<T> transform(const Backend& be, const features::robust_scaler_fitted& f,
                    const matrix<T>& X) {
    features::detail::check_columns("robust_scaler::transform", X.shape()[1], f.n_features_in());
    return affine<Inverse>(be, X, f.used_center(), f.used_scale());
}

template <bool Inverse, class Backend, class T>
matrix<T> transform(const Backend& be, const features::maxabs_scaler_fitted& f,
                    const matrix<T>& X) {
    features::detail::check_columns("maxabs_scaler::transform", X.shape()[1], f.n_features_in());
    const vector<double> zeros = xt::zeros<double>({f.n_features_in()});
    return affine<Inverse>(be, X, zeros, f.scale());
}

template <bool Inverse, class Backend, class T>
matrix<T> transform(const Backend& be, const features::simple_imputer_fitted& f,
                    const matrix<T>& X) {
    static_assert(!Inverse, "simple_imputer has no inverse_transform");
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    features::detail::check_columns("simple_imputer::transform", cols, f.n_features_in());
    const auto& kept = f.kept_features();
    const auto& ind = f.indicator_features();
    std::vector<T> fill(kept.size());
    for (std::size_t k = 0; k < kept.size(); ++k) fill[k] = static_cast<T>(f.statistics()(kept[k]));
    const std::vector<std::uint64_t> k64(kept.begin(), kept.end()), i64(ind.begin(), ind.end());
    const std::size_t out_cols = f.n_features_out();
    matrix<T> Y = matrix<T>::from_shape({rows, out_cols});
    if (Y.size() == 0) return Y;
    auto dx = be.upload(std::span<const T>(X.data(), X.size()));
    auto dfill = be.upload(std::span<const T>(fill));
    auto dk = be.upload(std::span<const std::uint64_t>(k64));
    auto di = be.upload(std::span<const std::uint64_t>(i64));
    auto dy = be.template alloc<T>(Y.size());
    thrust::transform(be.policy(), thrust::counting_iterator<std::size_t>(0),
                      thrust::counting_iterator<std::size_t>(Y.size()), dy.data(),
                      impute_fn<T>{thrust::raw_pointer_cast(dx.data()),
                                   thrust::raw_pointer_cast(dfill.data()),
                                   thrust::raw_pointer_cast(dk.data()),
                                   thrust::raw_pointer_cast(di.data()), cols, kept.size(),
                                   out_cols});
    be.download(dy.data(), Y.size(), Y.data());
    return Y;
}

}  // namespace tessera::device_detail
