// tessera/learners/gbdt/binning.hpp — per-feature bin mappers and the binned
// training matrix (`gbdt::dataset`), built once and reusable across fits.
//
// Numerical features (LightGBM's GreedyFindBin, bin.cpp:80-158): the mapper is
// fitted on a seeded sample of `bin_sample` rows (selection sampling with the
// Philox stream (seed, 0x62696e)); NaNs are dropped, the rest sorted into
// distinct values with counts.
//   - distinct <= max_bin: a cut at the midpoint after each run of at least
//     min_data_in_bin sampled values;
//   - otherwise equal frequency: max_bin is capped at sample/min_data_in_bin,
//     values holding more than a mean bin get a bin of their own, and the mean
//     is recomputed over the rest as bins are closed.
// Cut points (bin upper bounds) are midpoints rounded DOWN to float, so for a
// float x, `x <= upper[b]` is exactly `bin(x) <= b`: bin(x) = the first b with
// x <= upper[b] (the last value bin is unbounded). NaN goes to its own bin, the
// one after the value bins (always present, possibly empty): at most 255 value
// bins + 1 NaN bin, so a bin fits in a byte.
// Categorical features (listed in params::categorical_features): the value is a
// category code; code c in [0, max_bin) is bin c, anything else (NaN, negative,
// non-integral, >= the largest code seen in the sample + 1) is the "other" bin
// (the NaN bin), which always goes right in a categorical split.
//
// The binned matrix is kept twice, row-major (rows x features, for histogram
// construction: one row's bins are one contiguous load) and column-major (for
// partitioning a node's rows on one feature: a dense, mostly sequential read).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/params.hpp>

namespace tessera::gbdt {

// The bins of one feature.
struct bin_mapper {
    bool categorical = false;
    // numerical: upper bounds of value bins 0..n_value_bins-2 (floats, strictly
    // increasing); the last value bin has no upper bound.
    std::vector<float> upper;
    std::uint32_t n_value_bins = 1;  // value bins; the NaN / other bin is n_value_bins

    std::uint32_t n_bins() const noexcept { return n_value_bins + 1; }
    std::uint32_t nan_bin() const noexcept { return n_value_bins; }

    std::uint8_t bin(float x) const noexcept {
        if (categorical) {
            if (!(x >= 0.0f) || x >= static_cast<float>(n_value_bins)) return static_cast<std::uint8_t>(n_value_bins);
            const auto c = static_cast<std::uint32_t>(x);
            return static_cast<float>(c) == x ? static_cast<std::uint8_t>(c)
                                              : static_cast<std::uint8_t>(n_value_bins);
        }
        if (std::isnan(x)) return static_cast<std::uint8_t>(n_value_bins);
        return static_cast<std::uint8_t>(std::lower_bound(upper.begin(), upper.end(), x) - upper.begin());
    }
    // The float threshold of "bin <= b" (numerical; b < n_value_bins - 1), +inf for the last.
    float threshold(std::uint32_t b) const noexcept {
        return b < upper.size() ? upper[b] : std::numeric_limits<float>::infinity();
    }

    void save(io::writer& w) const {
        w.put<std::uint8_t>(categorical ? 1 : 0);
        w.put<std::uint32_t>(n_value_bins);
        w.put(upper);
    }
    static bin_mapper load(io::reader& r) {
        bin_mapper m;
        const auto c = r.get<std::uint8_t>("bin_mapper.categorical");
        m.n_value_bins = r.get<std::uint32_t>("bin_mapper.n_value_bins");
        m.upper = r.get_vector<float>("bin_mapper.upper");
        m.categorical = c == 1;
        if (c > 1 || m.n_value_bins < 1 || m.n_value_bins > 255 ||
            (!m.categorical && m.upper.size() + 1 != m.n_value_bins) ||
            (m.categorical && !m.upper.empty()))
            throw format_error("gbdt bin_mapper: inconsistent payload");
        for (std::size_t b = 1; b < m.upper.size(); ++b)
            if (!(m.upper[b - 1] < m.upper[b])) throw format_error("gbdt bin_mapper: bounds not increasing");
        return m;
    }
    friend bool operator==(const bin_mapper&, const bin_mapper&) = default;
};

namespace detail {

// Midpoint of two floats a < b in double, rounded down to a float t with a <= t < b.
inline float midpoint_down(float a, float b) {
    const double m = (static_cast<double>(a) + static_cast<double>(b)) / 2.0;
    auto t = static_cast<float>(m);
    if (static_cast<double>(t) > m) t = std::nextafter(t, -std::numeric_limits<float>::infinity());
    if (t < a) t = a;
    return t;
}

// LightGBM's GreedyFindBin on distinct sorted values with counts; returns the
// upper bounds of all but the last value bin.
inline std::vector<float> greedy_find_bin(const std::vector<float>& distinct,
                                          const std::vector<std::int64_t>& counts,
                                          std::int64_t total, int max_bin, int min_data_in_bin) {
    std::vector<float> out;
    const std::size_t nd = distinct.size();
    if (nd <= 1) return out;
    if (nd <= static_cast<std::size_t>(max_bin)) {
        std::int64_t cur = 0;
        for (std::size_t i = 0; i + 1 < nd; ++i) {
            cur += counts[i];
            if (cur >= min_data_in_bin) {
                out.push_back(midpoint_down(distinct[i], distinct[i + 1]));
                cur = 0;
            }
        }
        return out;
    }
    max_bin = static_cast<int>(std::min<std::int64_t>(max_bin, std::max<std::int64_t>(1, total / min_data_in_bin)));
    if (max_bin <= 1) return out;
    double mean_bin = static_cast<double>(total) / max_bin;
    int rest_bins = max_bin;
    std::int64_t rest_cnt = total;
    std::vector<char> big(nd, 0);
    for (std::size_t i = 0; i < nd; ++i)
        if (static_cast<double>(counts[i]) >= mean_bin) {
            big[i] = 1;
            --rest_bins;
            rest_cnt -= counts[i];
        }
    mean_bin = rest_bins > 0 ? static_cast<double>(rest_cnt) / rest_bins : static_cast<double>(total);
    std::vector<float> uppers, lowers{distinct[0]};
    std::int64_t cur = 0;
    int bin_cnt = 0;
    for (std::size_t i = 0; i + 1 < nd; ++i) {
        if (!big[i]) rest_cnt -= counts[i];
        cur += counts[i];
        if (big[i] || static_cast<double>(cur) >= mean_bin ||
            (big[i + 1] && static_cast<double>(cur) >= std::max(1.0, mean_bin * 0.5))) {
            uppers.push_back(distinct[i]);
            lowers.push_back(distinct[i + 1]);
            ++bin_cnt;
            if (bin_cnt >= max_bin - 1) break;
            cur = 0;
            if (!big[i]) {
                --rest_bins;
                mean_bin = rest_bins > 0 ? static_cast<double>(rest_cnt) / rest_bins : mean_bin;
            }
        }
    }
    for (std::size_t b = 0; b < uppers.size(); ++b) out.push_back(midpoint_down(uppers[b], lowers[b + 1]));
    return out;
}

// Fits one mapper from the sampled values of a feature (NaNs included).
inline bin_mapper fit_bin_mapper(std::vector<float> v, bool categorical, int max_bin,
                                 int min_data_in_bin) {
    bin_mapper m;
    m.categorical = categorical;
    if (categorical) {
        float top = -1.0f;
        for (float x : v)
            if (x >= 0.0f && x < static_cast<float>(max_bin) && static_cast<float>(static_cast<int>(x)) == x)
                top = std::max(top, x);
        m.n_value_bins = static_cast<std::uint32_t>(std::max(1.0f, top + 1.0f));
        return m;
    }
    v.erase(std::remove_if(v.begin(), v.end(), [](float x) { return std::isnan(x); }), v.end());
    std::sort(v.begin(), v.end());
    std::vector<float> distinct;
    std::vector<std::int64_t> counts;
    for (float x : v) {
        if (x == 0.0f) x = 0.0f;  // -0 and +0 are one value
        if (!distinct.empty() && distinct.back() == x) ++counts.back();
        else {
            distinct.push_back(x);
            counts.push_back(1);
        }
    }
    m.upper = greedy_find_bin(distinct, counts, static_cast<std::int64_t>(v.size()), max_bin, min_data_in_bin);
    m.n_value_bins = static_cast<std::uint32_t>(m.upper.size() + 1);
    return m;
}

// Rows of the bin sample: all rows if n <= k, else k rows by selection sampling
// (Knuth's algorithm S), ascending.
inline std::vector<std::size_t> bin_sample_rows(std::size_t n, std::size_t k, std::uint64_t seed) {
    std::vector<std::size_t> rows;
    if (n <= k) {
        rows.resize(n);
        for (std::size_t i = 0; i < n; ++i) rows[i] = i;
        return rows;
    }
    rows.reserve(k);
    rng r(seed, 0x62696eULL);
    for (std::size_t i = 0; i < n && rows.size() < k; ++i) {
        const double u = r.uniform_at<double>(i);
        if (u * static_cast<double>(n - i) < static_cast<double>(k - rows.size())) rows.push_back(i);
    }
    return rows;
}

template <class Tag, class F>
void for_chunks(const Tag& tag, std::size_t n, std::size_t grain, F&& f) {
    if constexpr (requires { tag.threads; }) {
        auto t = tag;
        t.grain = grain;
        exec::parallel_for(t, n, [&](const exec::chunk& c) { f(c.begin, c.end); });
    } else {
        (void)grain;
        f(std::size_t{0}, n);
    }
}

}  // namespace detail

// The binned training matrix and its mappers. Build once, fit many times.
class dataset {
public:
    dataset() = default;

    // Fits the mappers (bin_sample, seed, max_bin, min_data_in_bin and
    // categorical_features of p) and bins X. X: rows x features, float or double
    // (converted to float); NaN = missing; +-inf are values.
    template <exec::execution_policy P, class T>
    static dataset build(const P& policy, const matrix<T>& X, const params& p) {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
        } else {
            detail::check_params(p, "gbdt::dataset");
            const std::size_t n = X.shape()[0], F = X.shape()[1];
            if (n == 0 || F == 0) throw errors::empty_input("gbdt::dataset::build");
            if (n > 0xFFFFFFFFull) throw errors::out_of_range("gbdt::dataset::build", "rows", n, "< 2^32");
            std::vector<char> is_cat(F, 0);
            for (std::size_t f : p.categorical_features) {
                if (f >= F)
                    throw errors::out_of_range("gbdt", "categorical_features", f,
                                               tessera::detail::concat("column indices < ", F));
                is_cat[f] = 1;
            }
            dataset d;
            d.rows_ = n;
            d.features_ = F;
            d.mappers_.resize(F);
            const auto sample = detail::bin_sample_rows(n, p.bin_sample, p.seed);
            const auto tag = exec::select_backend(policy);
            // blocks of 8 features: one pass over the sampled rows gathers the
            // block's values (contiguous in each row), then each feature is fitted
            const std::size_t S = sample.size();
            detail::for_chunks(tag, F, 8, [&](std::size_t b, std::size_t e) {
                std::vector<float> block((e - b) * S);
                for (std::size_t s = 0; s < S; ++s) {
                    const T* row = X.data() + sample[s] * F;
                    for (std::size_t f = b; f < e; ++f) block[(f - b) * S + s] = static_cast<float>(row[f]);
                }
                for (std::size_t f = b; f < e; ++f) {
                    std::vector<float> v(block.begin() + static_cast<std::ptrdiff_t>((f - b) * S),
                                         block.begin() + static_cast<std::ptrdiff_t>((f - b + 1) * S));
                    d.mappers_[f] = detail::fit_bin_mapper(std::move(v), is_cat[f] != 0, p.max_bin, p.min_data_in_bin);
                }
            });
            d.bin_rows(tag, X.data());
            return d;
        }
    }
    template <class T>
    static dataset build(const matrix<T>& X, const params& p) {
        return build(exec::par, X, p);
    }

    // Bins other data (same number of columns) with this dataset's mappers.
    template <exec::execution_policy P, class T>
    dataset rebin(const P& policy, const matrix<T>& X) const {
        if (X.shape()[1] != features_)
            throw errors::size_mismatch("gbdt::dataset::rebin columns", features_, X.shape()[1]);
        dataset d;
        d.rows_ = X.shape()[0];
        d.features_ = features_;
        d.mappers_ = mappers_;
        d.bin_rows(exec::select_backend(policy), X.data());
        return d;
    }

    std::size_t rows() const noexcept { return rows_; }
    std::size_t features() const noexcept { return features_; }
    const std::vector<bin_mapper>& mappers() const noexcept { return mappers_; }
    const bin_mapper& mapper(std::size_t f) const noexcept { return mappers_[f]; }
    // row-major rows x features
    const std::uint8_t* row_bins() const noexcept { return rowmajor_.data(); }
    // column-major features x rows
    const std::uint8_t* col_bins(std::size_t f) const noexcept { return colmajor_.data() + f * rows_; }
    std::uint8_t bin(std::size_t row, std::size_t f) const noexcept { return rowmajor_[row * features_ + f]; }

private:
    // Blocks of 256 rows, feature by feature: the block's values stay in L1, the
    // column-major output is written sequentially, and each numerical value is
    // binned by a branchless search over its feature's bounds padded to 255
    // entries with +inf (8 steps, no mispredictions): bin = #(bounds < x).
    template <class Tag, class T>
    void bin_rows(const Tag& tag, const T* X) {
        const std::size_t n = rows_, F = features_;
        rowmajor_.assign(n * F, 0);
        colmajor_.assign(n * F, 0);
        std::vector<float> padded(F * 255, std::numeric_limits<float>::infinity());
        for (std::size_t f = 0; f < F; ++f)
            std::copy(mappers_[f].upper.begin(), mappers_[f].upper.end(), padded.begin() + static_cast<std::ptrdiff_t>(f * 255));
        detail::for_chunks(tag, n, 16384, [&](std::size_t b0, std::size_t e0) {
            for (std::size_t b = b0; b < e0; b += 256) {
                const std::size_t e = std::min(e0, b + 256);
                for (std::size_t f = 0; f < F; ++f) {
                    const bin_mapper& m = mappers_[f];
                    std::uint8_t* col = colmajor_.data() + f * n;
                    if (m.categorical) {
                        for (std::size_t i = b; i < e; ++i) {
                            col[i] = m.bin(static_cast<float>(X[i * F + f]));
                            rowmajor_[i * F + f] = col[i];
                        }
                        continue;
                    }
                    const float* up = padded.data() + f * 255;
                    const auto nan_bin = static_cast<std::uint8_t>(m.nan_bin());
                    for (std::size_t i = b; i < e; ++i) {
                        const auto x = static_cast<float>(X[i * F + f]);
                        unsigned k = 0;
                        for (unsigned s = 128; s > 0; s >>= 1) k += up[k + s - 1] < x ? s : 0;
                        const std::uint8_t v = x != x ? nan_bin : static_cast<std::uint8_t>(k);
                        col[i] = v;
                        rowmajor_[i * F + f] = v;
                    }
                }
            }
        });
    }

    std::size_t rows_ = 0;
    std::size_t features_ = 0;
    std::vector<bin_mapper> mappers_;
    std::vector<std::uint8_t> rowmajor_;
    std::vector<std::uint8_t> colmajor_;
};

}  // namespace tessera::gbdt
