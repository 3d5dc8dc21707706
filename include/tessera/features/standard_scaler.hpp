// tessera/features/standard_scaler.hpp — standardize features: (x - mean) / std.
//
// Reference behaviour: scikit-learn's StandardScaler (1.x). Per feature, fit
// ignores NaN (each feature has its own sample count), the variance is the
// population variance (ddof 0), and a feature whose variance is within the
// rounding error of the two-pass algorithm (`_is_constant_feature`:
// var <= n*eps*var + (n*mean*eps)^2) gets scale 1. A feature that is NaN in
// every row gets mean, var and scale NaN, as in scikit-learn. Transform keeps
// NaN and, like scikit-learn, computes in the input's precision with mean and
// scale rounded to it: y = (x - T(mean)) / T(scale).
//
// Fit reads X once. Moments are accumulated in double. exec::seq is Welford's
// update, element by element: the reference. exec::simd and exec::par cut the
// rows into chunks of about `grain` values (par_t's default for simd), sum
// x - K and (x - K)^2 per column in one read of each chunk, K a value of the
// chunk (detail/shifted_moments.hpp: memory speed, not bitwise equal to seq
// but within ~1e-13 relative), and Chan-merge the chunks in chunk order, so par
// is bitwise identical for any thread count and simd equals par at the
// default grain. Transform writes outputs of 8 MiB or more with streaming
// stores and reads X 16 KiB ahead (kernels/detail/stream_store.hpp); the
// values are the same bits on every path.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/device_hook.hpp>
#include <tessera/features/detail/shifted_moments.hpp>
#include <tessera/kernels/detail/chan_merge.hpp>
#include <tessera/kernels/detail/simd.hpp>
#include <tessera/kernels/detail/stream_store.hpp>

namespace tessera::features {

namespace detail {

// Per-column count, mean and M2 (sum of squared deviations from the mean).
struct column_moments {
    std::vector<double> count;
    std::vector<double> mean;
    std::vector<double> m2;

    column_moments() = default;
    explicit column_moments(std::size_t cols) : count(cols, 0.0), mean(cols, 0.0), m2(cols, 0.0) {}
};

// Per-column Chan merge (kernels/detail/chan_merge.hpp): folds b into a.
inline void chan_merge(column_moments& a, const column_moments& b) noexcept {
    for (std::size_t c = 0; c < a.count.size(); ++c)
        kernels::detail::chan_fold(a.count[c], a.mean[c], a.m2[c], b.count[c], b.mean[c], b.m2[c]);
}

// The per-element maps, written once for scalars and xsimd batches alike.
struct standardize_op {  // transform
    template <class V>
    V operator()(const V& x, const V& mean, const V& scale) const {
        return (x - mean) / scale;
    }
};
struct unstandardize_op {  // inverse_transform
    template <class V>
    V operator()(const V& x, const V& mean, const V& scale) const {
        return x * scale + mean;
    }
};

// A fresh output is not touched yet (resize does not initialise it): on Linux,
// ask for transparent huge pages over its 2 MiB-aligned interior, so that the
// first write faults once per 2 MiB instead of once per 4 KiB (112 MB: 27,000
// faults, which cost more than the transform). Only a hint; ignored where
// transparent huge pages are off.
inline void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    if (bytes < 4 * huge) return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
    if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

// Outputs at least this large are written with streaming stores.
inline constexpr std::size_t stream_bytes = std::size_t{8} << 20;

// y = Op(x, mean, scale) over rows x cols, mean and scale per column.
template <class Op>
struct rowwise_fn {
    // Statistics tiled to at most this many elements for the flat loop below.
    static constexpr std::size_t max_period = 1024;

    template <class Arch, class T>
    void operator()(Arch, const T* x, T* y, std::size_t rows, std::size_t cols, const T* mean,
                    const T* scale, bool stream = false) const {
        using B = simd::batch<T, Arch>;
        constexpr std::size_t W = B::size;
        const Op op{};
        // Rows are contiguous, so column c of element i is i % cols and the
        // statistics repeat every lcm(cols, W) elements: tiled to that period,
        // every batch is full (28 float columns on AVX-512 would otherwise leave
        // 12 scalar divisions per row). Same op per element, so same bits.
        const std::size_t period = std::lcm(cols, W);
        const std::size_t n = rows * cols;
        if (period <= max_period && n >= period) {
            std::size_t i = 0;
            // Streaming stores need aligned addresses: the first few elements
            // go one by one, and the tile starts at the column that follows.
            if (stream)
                for (; i < n && reinterpret_cast<std::uintptr_t>(y + i) % Arch::alignment() != 0; ++i)
                    y[i] = op(x[i], mean[i % cols], scale[i % cols]);
            alignas(Arch::alignment()) T m[max_period];
            alignas(Arch::alignment()) T s[max_period];
            const std::size_t c0 = i % cols;
            for (std::size_t j = 0; j < period; ++j) {
                m[j] = mean[(c0 + j) % cols];
                s[j] = scale[(c0 + j) % cols];
            }
            if (stream) {
                using kernels::detail::store_stream;
                for (; i + period <= n; i += period) {
                    kernels::detail::prefetch_range_ahead(x + i, period * sizeof(T));
                    for (std::size_t j = 0; j < period; j += W)
                        store_stream(y + i + j, op(B::load_unaligned(x + i + j), B::load_aligned(m + j),
                                                   B::load_aligned(s + j)));
                }
                kernels::detail::stream_fence();
            } else {
                for (; i + period <= n; i += period)
                    for (std::size_t j = 0; j < period; j += W)
                        op(B::load_unaligned(x + i + j), B::load_aligned(m + j),
                           B::load_aligned(s + j))
                            .store_unaligned(y + i + j);
            }
            for (; i < n; ++i) y[i] = op(x[i], mean[i % cols], scale[i % cols]);
            return;
        }
        for (std::size_t r = 0; r < rows; ++r) {
            const T* xr = x + r * cols;
            T* yr = y + r * cols;
            std::size_t c = 0;
            for (; c + W <= cols; c += W)
                op(B::load_unaligned(xr + c), B::load_unaligned(mean + c),
                   B::load_unaligned(scale + c))
                    .store_unaligned(yr + c);
            for (; c < cols; ++c) yr[c] = op(xr[c], mean[c], scale[c]);
        }
    }
};

// Rows per work chunk: `grain` counts elements, so chunks cover about `grain`
// values whatever the width; it depends on the shape only, never on threads.
inline std::size_t rows_per_chunk(std::size_t grain, std::size_t cols) noexcept {
    const std::size_t per = grain / (cols ? cols : 1);
    return per ? per : 1;
}

// shape_error unless X has at least one row and one column.
inline void check_fit_shape(std::string_view where, std::size_t rows, std::size_t cols) {
    if (rows == 0)
        throw shape_error(tessera::detail::concat(where, ": X has 0 rows (shape 0 x ", cols,
                                                  "); need at least 1 sample"));
    if (cols == 0)
        throw shape_error(tessera::detail::concat(where, ": X has 0 columns (shape ", rows,
                                                  " x 0); need at least 1 feature"));
}

// ---- fit: per-column moments on each backend --------------------------------

template <class T>
column_moments moments(exec::serial_tag<false>, const matrix<T>& X) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    column_moments m(cols);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const double v = static_cast<double>(X(r, c));
            if (std::isnan(v)) continue;
            m.count[c] += 1.0;
            const double d = v - m.mean[c];
            m.mean[c] += d / m.count[c];
            m.m2[c] += d * (v - m.mean[c]);
        }
    }
    return m;
}

// The fast paths: chunks of rows_per_chunk(grain, cols) rows, each summed in
// one read (detail/shifted_moments.hpp), Chan-merged in chunk order. simd runs
// the chunks of the default grain in a loop, so it equals par with that grain
// bit for bit; par's chunking depends on the grain only, never on the threads.
template <class T>
column_moments chunk_moments(const matrix<T>& X, const exec::chunk& ch) {
    const std::size_t cols = X.shape()[1];
    column_moments part(cols);
    shifted_chunk_moments(X.data() + ch.begin * cols, ch.size(), cols, part.count.data(),
                          part.mean.data(), part.m2.data());
    return part;
}

template <class T>
column_moments moments(exec::serial_tag<true>, const matrix<T>& X) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    const std::size_t per = rows_per_chunk(exec::par_t{}.grain, cols);
    column_moments m(cols);
    for (std::size_t r0 = 0; r0 < rows; r0 += per)
        chan_merge(m, chunk_moments(X, exec::chunk{r0, std::min(rows, r0 + per), r0 / per}));
    return m;
}

template <class T>
column_moments moments(const exec::pool_tag<true>& tag, const matrix<T>& X) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    auto by_rows = tag;
    by_rows.grain = rows_per_chunk(tag.grain, cols);
    return exec::parallel_reduce(
        by_rows, rows, column_moments(cols),
        [&](const exec::chunk& ch) { return chunk_moments(X, ch); },
        [](column_moments acc, const column_moments& part) {
            chan_merge(acc, part);
            return acc;
        });
}

// ---- transform / inverse: element-wise over rows -----------------------------

template <class Op, class T>
void rowwise(exec::serial_tag<false>, const matrix<T>& X, matrix<T>& Y, const T* mean,
             const T* scale) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) Y(r, c) = Op{}(X(r, c), mean[c], scale[c]);
}

template <class Op, class T>
void rowwise(exec::serial_tag<true>, const matrix<T>& X, matrix<T>& Y, const T* mean,
             const T* scale) {
    rowwise_fn<Op>{}(simd::default_arch{}, X.data(), Y.data(), X.shape()[0], X.shape()[1],
                     mean, scale, X.size() * sizeof(T) >= stream_bytes);
}

template <class Op, class T>
void rowwise(const exec::pool_tag<true>& tag, const matrix<T>& X, matrix<T>& Y, const T* mean,
             const T* scale) {
    const std::size_t rows = X.shape()[0], cols = X.shape()[1];
    auto by_rows = tag;
    by_rows.grain = rows_per_chunk(tag.grain, cols);
    const bool stream = X.size() * sizeof(T) >= stream_bytes;
    exec::parallel_for(by_rows, rows, [&](const exec::chunk& ch) {
        rowwise_fn<Op>{}(simd::default_arch{}, X.data() + ch.begin * cols,
                         Y.data() + ch.begin * cols, ch.size(), cols, mean, scale, stream);
    });
}

}  // namespace detail

// The fitted scaler: per-feature statistics and the transform they define.
// Immutable; safe to use from many threads at once.
class standard_scaler_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.standard_scaler";
    static constexpr std::uint32_t payload_version = 1;

    // From statistics (mean, population var, per-feature sample counts); scale is
    // derived as scikit-learn does.
    standard_scaler_fitted(bool with_mean, bool with_std, vector<double> mean, vector<double> var,
                           vector<std::int64_t> n_samples_seen)
        : with_mean_(with_mean),
          with_std_(with_std),
          mean_(std::move(mean)),
          var_(std::move(var)),
          n_seen_(std::move(n_samples_seen)) {
        const std::size_t cols = mean_.size();
        if (var_.size() != cols || n_seen_.size() != cols)
            throw errors::size_mismatch("standard_scaler: var / n_samples_seen vs mean", cols,
                                        var_.size() != cols ? var_.size() : n_seen_.size());
        scale_ = vector<double>::from_shape({cols});
        constexpr double eps = std::numeric_limits<double>::epsilon();
        for (std::size_t c = 0; c < cols; ++c) {
            const double n = static_cast<double>(n_seen_(c));
            const double nme = n * mean_(c) * eps;
            const bool constant = var_(c) <= n * eps * var_(c) + nme * nme;
            scale_(c) = constant ? 1.0 : std::sqrt(var_(c));
        }
    }

    // Per-feature mean, population variance, standard deviation with near-constant
    // features set to 1, and the number of non-NaN values fit saw. All four are
    // computed whatever with_mean / with_std say (scikit-learn leaves them None).
    const vector<double>& mean() const noexcept { return mean_; }
    const vector<double>& var() const noexcept { return var_; }
    const vector<double>& scale() const noexcept { return scale_; }
    const vector<std::int64_t>& n_samples_seen() const noexcept { return n_seen_; }
    std::size_t n_features_in() const noexcept { return mean_.size(); }
    bool with_mean() const noexcept { return with_mean_; }
    bool with_std() const noexcept { return with_std_; }

    // (x - mean) / scale per feature, in T; NaN stays NaN.
    template <exec::execution_policy P, std::floating_point T>
    matrix<T> transform(const P& policy, const matrix<T>& X) const {
        return apply<detail::standardize_op>(policy, X, "standard_scaler::transform");
    }
    template <std::floating_point T>
    matrix<T> transform(const matrix<T>& X) const {
        return transform(exec::par, X);
    }

    // transform written into Y, which is resized to X's shape only when it
    // differs: repeated calls with the same Y allocate nothing and touch no new
    // pages (a fresh 100 MB output costs more in page faults than the transform).
    template <exec::execution_policy P, std::floating_point T>
    void transform_into(const P& policy, const matrix<T>& X, matrix<T>& Y) const {
        if constexpr (exec::device_policy<P>) {
            Y = transform(policy, X);
        } else {
            apply_into<detail::standardize_op>(policy, X, Y, "standard_scaler::transform_into");
        }
    }

    // x * scale + mean per feature, in T.
    template <exec::execution_policy P, std::floating_point T>
    matrix<T> inverse_transform(const P& policy, const matrix<T>& X) const {
        return apply<detail::unstandardize_op>(policy, X, "standard_scaler::inverse_transform");
    }
    template <std::floating_point T>
    matrix<T> inverse_transform(const matrix<T>& X) const {
        return inverse_transform(exec::par, X);
    }

    // The statistics transform applies: mean or 0, scale or 1 (with_mean / with_std).
    vector<double> used_mean() const {
        return with_mean_ ? mean_ : vector<double>(xt::zeros<double>({n_features_in()}));
    }
    vector<double> used_scale() const {
        return with_std_ ? scale_ : vector<double>(xt::ones<double>({n_features_in()}));
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(with_mean_ ? 1 : 0);
        w.put<std::uint8_t>(with_std_ ? 1 : 0);
        w.put(mean_);
        w.put(var_);
        w.put(n_seen_);
    }

    static standard_scaler_fitted load(io::reader& r) {
        const auto version = r.get<std::uint32_t>("standard_scaler payload version");
        if (version != payload_version)
            throw format_error(tessera::detail::concat(
                "standard_scaler: payload version ", version, " is not one this build reads (",
                payload_version, ")"));
        const auto flag = [&](std::string_view field) {
            const auto v = r.get<std::uint8_t>(field);
            if (v > 1)
                throw format_error(tessera::detail::concat("standard_scaler: field '", field,
                                                           "' is ", unsigned{v},
                                                           ", expected 0 or 1"));
            return v == 1;
        };
        const bool with_mean = flag("with_mean");
        const bool with_std = flag("with_std");
        auto mean = r.get_tensor<double, 1>("mean");
        auto var = r.get_tensor<double, 1>("var");
        auto n_seen = r.get_tensor<std::int64_t, 1>("n_samples_seen");
        if (var.size() != mean.size() || n_seen.size() != mean.size())
            throw format_error(tessera::detail::concat(
                "standard_scaler: mean, var and n_samples_seen have ", mean.size(), ", ",
                var.size(), " and ", n_seen.size(), " entries; expected equal lengths"));
        return standard_scaler_fitted(with_mean, with_std, std::move(mean), std::move(var),
                                      std::move(n_seen));
    }

private:
    template <class Op, class P, class T>
    matrix<T> apply(const P& policy, const matrix<T>& X, std::string_view where) const {
        if constexpr (exec::device_policy<P>) {
            if constexpr (std::is_same_v<Op, detail::standardize_op>)
                return transform_on_device(policy, *this, X);
            else
                return inverse_transform_on_device(policy, *this, X);
        } else {
            matrix<T> Y;
            apply_into<Op>(policy, X, Y, where);
            return Y;
        }
    }

    template <class Op, class P, class T>
    void apply_into(const P& policy, const matrix<T>& X, matrix<T>& Y,
                    std::string_view where) const {
        const std::size_t cols = X.shape()[1];
        if (cols != n_features_in())
            throw shape_error(tessera::detail::concat(where, ": X has ", cols,
                                                      " columns, but the scaler was fitted on ",
                                                      n_features_in(), " columns"));
        // Like scikit-learn, the statistics are rounded to T before use; a
        // disabled step uses 0 / 1, which leaves every value (NaN included) as is.
        std::vector<T> m(cols), s(cols);
        for (std::size_t c = 0; c < cols; ++c) {
            m[c] = with_mean_ ? static_cast<T>(mean_(c)) : T(0);
            s[c] = with_std_ ? static_cast<T>(scale_(c)) : T(1);
        }
        if (Y.shape() != X.shape()) {
            Y.resize(X.shape());
            detail::advise_huge_pages(Y.data(), Y.size() * sizeof(T));
        }
        detail::rowwise<Op>(exec::select_backend(policy), X, Y, m.data(), s.data());
    }

    bool with_mean_;
    bool with_std_;
    vector<double> mean_;
    vector<double> var_;
    vector<double> scale_;
    vector<std::int64_t> n_seen_;
};

class standard_scaler;
namespace detail {
standard_scaler_fitted fitted_from_moments(const standard_scaler& est, const column_moments& m);
}  // namespace detail

// The estimator: hyperparameters only. `fit` returns a standard_scaler::fitted.
//   auto f = features::standard_scaler{{.with_mean = true, .with_std = true}}.fit(exec::par, X);
class standard_scaler {
public:
    struct params {
        bool with_mean = true;  // subtract the per-feature mean
        bool with_std = true;   // divide by the per-feature standard deviation
    };
    using fitted = standard_scaler_fitted;

    constexpr standard_scaler() = default;
    constexpr explicit standard_scaler(const params& p) : params_(p) {}

    constexpr const params& get_params() const noexcept { return params_; }

    // One pass over X (n_samples x n_features, row-major). Throws shape_error on
    // 0 rows or 0 columns. Both parameters are booleans, so every value is valid.
    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& X) const {
        detail::check_fit_shape("standard_scaler::fit", X.shape()[0], X.shape()[1]);
        if constexpr (exec::device_policy<P>)
            return fit_on_device(policy, *this, X);  // <tessera/cuda/features.cuh>
        else
            return detail::fitted_from_moments(*this, detail::moments(exec::select_backend(policy), X));
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& X) const {
        return fit(exec::par, X);
    }

private:
    params params_{};
};

namespace detail {
// The fitted scaler from per-column moments (every backend's fit ends here).
inline standard_scaler_fitted fitted_from_moments(const standard_scaler& est,
                                                  const column_moments& m) {
    const std::size_t cols = m.count.size();
    auto mean = vector<double>::from_shape({cols});
    auto var = vector<double>::from_shape({cols});
    auto n_seen = vector<std::int64_t>::from_shape({cols});
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t c = 0; c < cols; ++c) {
        n_seen(c) = static_cast<std::int64_t>(m.count[c]);
        // All-NaN feature: mean and var NaN (scikit-learn's nanmean of nothing).
        // Rounding can leave M2 a hair below 0 for a constant feature. An
        // infinite value makes M2 NaN, which stays NaN (scikit-learn's var too).
        mean(c) = m.count[c] > 0 ? m.mean[c] : nan;
        var(c) = m.count[c] > 0 ? (m.m2[c] < 0.0 ? 0.0 : m.m2[c] / m.count[c]) : nan;
    }
    return standard_scaler_fitted(est.get_params().with_mean, est.get_params().with_std,
                                  std::move(mean), std::move(var), std::move(n_seen));
}
}  // namespace detail

static_assert(transformer<standard_scaler, matrix<float>> &&
              transformer<standard_scaler, matrix<double>>);

}  // namespace tessera::features
