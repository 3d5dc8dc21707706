// The exec::cuda kernel bodies (cuda/tessera/cuda/detail/*.hpp), compiled by g++
// with Thrust's OMP device system, and the host emulation of the raw fixed-point
// grad/hess histogram kernel. References: plain double-precision loops written
// here, and kernels::...(exec::seq, ...). Inputs: random with and without NaN,
// empty, length 1, odd sizes, unaligned starts.
#define BOOST_TEST_MODULE thrust_omp
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include <tessera/cuda/detail/histogram.hpp>
#include <tessera/cuda/detail/moments.hpp>
#include <tessera/cuda/detail/rank.hpp>
#include <tessera/cuda/detail/reduce.hpp>
#include <tessera/kernels/histogram.hpp>
#include <tessera/kernels/moments.hpp>
#include <tessera/kernels/rank.hpp>
#include <tessera/kernels/reduce.hpp>

#include "random_inputs.hpp"

using namespace tessera;
namespace dd = tessera::device_detail;
using value_types = boost::mpl::list<float, double>;

using namespace cuda_test;

namespace {

const dd::omp_backend be{};
const std::size_t sizes[] = {1, 2, 3, 15, 17, 31, 33, 1000, 100003};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

// ---- reductions -----------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(reductions)

BOOST_AUTO_TEST_CASE_TEMPLATE(sum_dot_axpy_match_reference_loops, T, value_types) {
    const double tol = 1e-12;
    for (std::size_t n : sizes) {
        for (std::size_t nan_every : {std::size_t{0}, std::size_t{7}}) {
            const auto xs = random_values<T>(n + 1, 1 + static_cast<unsigned>(n), nan_every);
            const auto ys = random_values<T>(n + 1, 99 + static_cast<unsigned>(n));
            const auto x = cspan(xs, 1);  // unaligned start
            const auto y = cspan(ys, 1);
            double s = 0, ns = 0, d = 0, abs_s = 0, abs_d = 0;
            for (std::size_t i = 0; i < n; ++i) {
                s += static_cast<double>(x[i]);
                if (!std::isnan(x[i])) ns += static_cast<double>(x[i]);
                if (!std::isnan(x[i])) abs_s += std::fabs(static_cast<double>(x[i]));
                d += static_cast<double>(x[i]) * static_cast<double>(y[i]);
                abs_d += std::fabs(static_cast<double>(x[i]) * static_cast<double>(y[i]));
            }
            BOOST_TEST(close(dd::sum(be, x), s, tol, abs_s), "sum n=" << n);
            BOOST_TEST(close(dd::nansum(be, x), ns, tol, abs_s), "nansum n=" << n);
            BOOST_TEST(close(dd::dot(be, x, y), d, tol, abs_d), "dot n=" << n);
            BOOST_TEST(close(dd::sum(be, x), kernels::sum(exec::seq, x), tol, abs_s));
            BOOST_TEST(close(dd::nansum(be, x), kernels::nansum(exec::seq, x), tol, abs_s));
            BOOST_TEST(close(dd::dot(be, x, y), kernels::dot(exec::seq, x, y), tol, abs_d));

            std::vector<T> got(y.begin(), y.end());
            std::vector<T> want(y.begin(), y.end());
            const T a = static_cast<T>(0.75);
            dd::axpy(be, a, x, std::span<T>(got));
            kernels::axpy(exec::seq, a, x, std::span<T>(want));
            for (std::size_t i = 0; i < n; ++i) {
                const double ref = static_cast<double>(a * x[i] + y[i]);
                BOOST_TEST(close(got[i], ref, 4 * std::numeric_limits<T>::epsilon(), 10.0));
                BOOST_TEST(close(got[i], want[i], 4 * std::numeric_limits<T>::epsilon(), 10.0));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(empty_and_size_errors, T, value_types) {
    const std::vector<T> none;
    const std::vector<T> three(3, T(1));
    BOOST_TEST(dd::sum(be, cspan(none)) == 0.0);
    BOOST_TEST(dd::nansum(be, cspan(none)) == 0.0);
    BOOST_TEST(dd::dot(be, cspan(none), cspan(none)) == 0.0);
    BOOST_CHECK_THROW(dd::dot(be, cspan(three), cspan(none)), shape_error);
    std::vector<T> y(2);
    BOOST_CHECK_THROW(dd::axpy(be, T(1), cspan(three), std::span<T>(y)), shape_error);
    BOOST_CHECK_THROW(dd::min(be, cspan(none)), shape_error);
    BOOST_CHECK_THROW(dd::max(be, cspan(none)), shape_error);
    BOOST_CHECK_THROW(dd::argmin(be, cspan(none)), shape_error);
    BOOST_CHECK_THROW(dd::nanargmax(be, cspan(none)), shape_error);
    const std::vector<T> all_nan(5, static_cast<T>(qnan));
    BOOST_TEST(std::isnan(dd::nanmin(be, cspan(all_nan))));
    BOOST_TEST(std::isnan(dd::nanmax(be, cspan(all_nan))));
    BOOST_TEST(dd::nansum(be, cspan(all_nan)) == 0.0);
    BOOST_CHECK_THROW(dd::nanargmin(be, cspan(all_nan)), shape_error);
    BOOST_CHECK_THROW(dd::nanargmax(be, cspan(all_nan)), shape_error);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(extrema_follow_numpy, T, value_types) {
    // Hand-computed: ties -> first occurrence; NaN wins min/max and argmin/argmax.
    const std::vector<T> v{T(3), T(-2), T(5), T(-2), T(5)};
    BOOST_TEST(dd::min(be, cspan(v)) == T(-2));
    BOOST_TEST(dd::max(be, cspan(v)) == T(5));
    BOOST_TEST(dd::argmin(be, cspan(v)) == 1u);
    BOOST_TEST(dd::argmax(be, cspan(v)) == 2u);
    const std::vector<T> w{T(3), static_cast<T>(qnan), T(-9), static_cast<T>(qnan), T(7)};
    BOOST_TEST(std::isnan(dd::min(be, cspan(w))));
    BOOST_TEST(dd::argmin(be, cspan(w)) == 1u);
    BOOST_TEST(dd::argmax(be, cspan(w)) == 1u);
    BOOST_TEST(dd::nanmin(be, cspan(w)) == T(-9));
    BOOST_TEST(dd::nanargmin(be, cspan(w)) == 2u);
    BOOST_TEST(dd::nanargmax(be, cspan(w)) == 4u);

    for (std::size_t n : sizes) {
        for (std::size_t nan_every : {std::size_t{0}, std::size_t{5}, std::size_t{1}}) {
            const auto xs = random_values<T>(n + 1, 7 + static_cast<unsigned>(n), nan_every, 4.0);
            const auto x = cspan(xs, 1);
            // Reference loop: first extreme, NaN rules written out.
            std::size_t amin = 0, amax = 0, nmin = n, nmax = n, first_nan = n;
            for (std::size_t i = 0; i < n; ++i) {
                if (std::isnan(x[i])) {
                    if (first_nan == n) first_nan = i;
                    continue;
                }
                if (nmin == n || x[i] < x[nmin]) nmin = i;
                if (nmax == n || x[i] > x[nmax]) nmax = i;
            }
            amin = first_nan != n ? first_nan : nmin;
            amax = first_nan != n ? first_nan : nmax;
            BOOST_TEST(dd::argmin(be, x) == amin);
            BOOST_TEST(dd::argmax(be, x) == amax);
            BOOST_TEST(same(dd::min(be, x), x[amin]));
            BOOST_TEST(same(dd::max(be, x), x[amax]));
            BOOST_TEST(dd::argmin(be, x) == kernels::argmin(exec::seq, x));
            BOOST_TEST(dd::argmax(be, x) == kernels::argmax(exec::seq, x));
            BOOST_TEST(same(dd::nanmin(be, x), kernels::nanmin(exec::seq, x)));
            BOOST_TEST(same(dd::nanmax(be, x), kernels::nanmax(exec::seq, x)));
            if (nmin != n) {
                BOOST_TEST(dd::nanargmin(be, x) == nmin);
                BOOST_TEST(dd::nanargmax(be, x) == nmax);
                BOOST_TEST(dd::nanargmin(be, x) == kernels::nanargmin(exec::seq, x));
                BOOST_TEST(dd::nanargmax(be, x) == kernels::nanargmax(exec::seq, x));
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- moments ----------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(moments)

BOOST_AUTO_TEST_CASE_TEMPLATE(chan_merge_matches_two_pass, T, value_types) {
    for (std::size_t n : sizes) {
        for (std::size_t nan_every : {std::size_t{0}, std::size_t{9}}) {
            auto xs = random_values<T>(n + 1, 3 + static_cast<unsigned>(n), nan_every);
            for (auto& v : xs) v = static_cast<T>(v + T(1000));  // offset: tests stability
            const auto x = cspan(xs, 1);
            // Two-pass reference over the non-NaN values.
            double s = 0;
            std::size_t c = 0;
            bool has_nan = false;
            for (const T v : x) {
                if (std::isnan(v)) { has_nan = true; continue; }
                s += static_cast<double>(v);
                ++c;
            }
            const double mu = c ? s / static_cast<double>(c) : 0.0;
            double m2 = 0;
            for (const T v : x)
                if (!std::isnan(v)) m2 += (static_cast<double>(v) - mu) * (static_cast<double>(v) - mu);

            const auto nm = dd::nanmoments(be, x);
            BOOST_TEST(nm.count == c);
            BOOST_TEST(close(nm.mean, mu, 1e-12, std::fabs(mu)));
            BOOST_TEST(close(nm.m2, m2, 1e-9, m2));
            const auto m = dd::moments(be, x);
            BOOST_TEST(m.count == n);
            if (has_nan) {
                BOOST_TEST((std::isnan(m.mean) && std::isnan(m.m2)));
                BOOST_TEST(std::isnan(dd::mean(be, x)));
                BOOST_TEST(std::isnan(dd::variance(be, x, 0)));
            } else {
                BOOST_TEST(close(m.mean, mu, 1e-12, std::fabs(mu)));
                BOOST_TEST(close(m.m2, m2, 1e-9, m2));
            }
            const auto seq = kernels::moments(exec::seq, x);
            BOOST_TEST(m.count == seq.count);
            BOOST_TEST(close(m.mean, seq.mean, 1e-12, std::fabs(seq.mean)));
            BOOST_TEST(close(m.m2, seq.m2, 1e-9, seq.m2));
            for (int ddof : {0, 1}) {
                BOOST_TEST(close(dd::variance(be, x, ddof), kernels::variance(exec::seq, x, ddof),
                                 1e-9, 100.0));
                BOOST_TEST(close(dd::nanvariance(be, x, ddof),
                                 kernels::nanvariance(exec::seq, x, ddof), 1e-9, 100.0));
            }
            BOOST_TEST(close(dd::mean(be, x), kernels::mean(exec::seq, x), 1e-12, 1000.0));
            BOOST_TEST(close(dd::nanmean(be, x), kernels::nanmean(exec::seq, x), 1e-12, 1000.0));
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(empty_and_degenerate, T, value_types) {
    const std::vector<T> none;
    const auto m = dd::moments(be, cspan(none));
    BOOST_TEST((m.count == 0 && m.mean == 0.0 && m.m2 == 0.0));
    BOOST_CHECK_THROW(dd::mean(be, cspan(none)), shape_error);
    BOOST_CHECK_THROW(dd::variance(be, cspan(none), 0), shape_error);
    BOOST_CHECK_THROW(dd::nanmean(be, cspan(none)), shape_error);
    const std::vector<T> one{T(4)};
    BOOST_TEST(dd::mean(be, cspan(one)) == 4.0);
    BOOST_TEST(dd::variance(be, cspan(one), 0) == 0.0);
    BOOST_TEST(std::isnan(dd::variance(be, cspan(one), 1)));  // 0 / 0, as numpy
    const std::vector<T> all_nan(4, static_cast<T>(qnan));
    BOOST_TEST(dd::nanmoments(be, cspan(all_nan)).count == 0u);
    BOOST_TEST(std::isnan(dd::nanmean(be, cspan(all_nan))));
    BOOST_TEST(std::isnan(dd::nanvariance(be, cspan(all_nan), 0)));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- histograms -------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(histograms)

using bin_types = boost::mpl::list<std::uint8_t, std::uint16_t, std::uint32_t>;

BOOST_AUTO_TEST_CASE_TEMPLATE(counts_and_sums_match_reference, B, bin_types) {
    for (std::size_t nbins : {std::size_t{1}, std::size_t{7}, std::size_t{256}}) {
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{33}, std::size_t{100003}}) {
            const auto bins = random_bins<B>(n, nbins, 5 + static_cast<unsigned>(n));
            const auto w = random_values<double>(n, 11, 13);  // NaN weights propagate
            std::vector<std::uint64_t> c(nbins, 0);
            std::vector<double> s(nbins, 0.0), a(nbins, 0.0);
            for (std::size_t i = 0; i < n; ++i) {
                ++c[bins[i]];
                s[bins[i]] += w[i];
                a[bins[i]] += std::fabs(w[i]);
            }
            BOOST_TEST(dd::histogram_counts(be, cspan(bins), nbins) == c);
            BOOST_TEST(dd::histogram_counts(be, cspan(bins), nbins) ==
                       kernels::histogram_counts(exec::seq, cspan(bins), nbins));
            const auto got = dd::histogram_sums(be, cspan(bins), cspan(w), nbins);
            const auto seq = kernels::histogram_sums(exec::seq, cspan(bins), cspan(w), nbins);
            for (std::size_t b = 0; b < nbins; ++b) {
                BOOST_TEST(close(got[b], s[b], 1e-12, a[b]));
                BOOST_TEST(close(got[b], seq[b], 1e-12, a[b]));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_bins_and_sizes) {
    const std::vector<std::uint8_t> bins{0, 1, 9, 2, 9};
    const std::vector<double> w(5, 1.0);
    const std::vector<float> g(5, 1.0f);
    try {
        dd::histogram_counts(be, cspan(bins), 4);
        BOOST_ERROR("no throw");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 2u);  // the first bad row
        BOOST_TEST(std::string(e.what()).find("bins[2] = 9") != std::string::npos);
    }
    BOOST_CHECK_THROW(dd::histogram_sums(be, cspan(bins), cspan(w), 4), data_error);
    BOOST_CHECK_THROW(dd::histogram_grad_hess(be, cspan(bins), cspan(g), cspan(g), 4), data_error);
    BOOST_CHECK_THROW(dd::histogram_sums(be, cspan(bins), cspan(w, 1), 10), shape_error);
    BOOST_CHECK_THROW(dd::histogram_grad_hess(be, cspan(bins), cspan(g, 1), cspan(g), 10),
                      shape_error);
    BOOST_CHECK_THROW(dd::histogram_grad_hess(be, cspan(bins), cspan(g), cspan(g, 2), 10),
                      shape_error);
    std::vector<float> bad = g;
    bad[3] = std::numeric_limits<float>::infinity();
    try {
        dd::histogram_grad_hess(be, cspan(bins), cspan(g), cspan(bad), 10);
        BOOST_ERROR("no throw");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 3u);
        BOOST_TEST(e.column() == "hess");
    }
    BOOST_TEST(dd::histogram_counts(be, cspan(std::vector<std::uint8_t>{}), 3) ==
               std::vector<std::uint64_t>(3, 0));
}

// Exact per-bin sums in long double; the fixed-point result must be within
//   count_bin / 2^(k+1)  (rounding each term to a multiple of 2^-k)
// + |exact| 2^-53         (one int64 -> double rounding)
// where k = fixed_point_exponent(n, max|g|).
template <class B>
void check_grad_hess(std::span<const B> bins, std::span<const float> g, std::span<const float> h,
                     std::size_t nbins) {
    const std::size_t n = bins.size();
    const auto got = dd::histogram_grad_hess(be, bins, g, h, nbins);
    BOOST_TEST_REQUIRE(got.size() == nbins);
    double gmax = 0, hmax = 0;
    for (std::size_t i = 0; i < n; ++i) {
        gmax = std::max(gmax, std::fabs(static_cast<double>(g[i])));
        hmax = std::max(hmax, std::fabs(static_cast<double>(h[i])));
    }
    const int kg = dd::fixed_point_exponent(n, gmax);
    const int kh = dd::fixed_point_exponent(n, hmax);
    std::vector<long double> eg(nbins, 0), eh(nbins, 0);
    std::vector<std::uint64_t> c(nbins, 0);
    for (std::size_t i = 0; i < n; ++i) {
        eg[bins[i]] += g[i];
        eh[bins[i]] += h[i];
        ++c[bins[i]];
    }
    const auto seq = kernels::histogram_grad_hess(exec::seq, bins, g, h, nbins);
    for (std::size_t b = 0; b < nbins; ++b) {
        BOOST_TEST(got[b].count == c[b]);
        BOOST_TEST(got[b].count == seq[b].count);
        const double bound_g = std::ldexp(static_cast<double>(c[b]), -kg - 1) +
                               std::fabs(static_cast<double>(eg[b])) * 0x1p-53;
        const double bound_h = std::ldexp(static_cast<double>(c[b]), -kh - 1) +
                               std::fabs(static_cast<double>(eh[b])) * 0x1p-53;
        BOOST_TEST(std::fabs(got[b].grad - static_cast<double>(eg[b])) <= bound_g,
                   "bin " << b << " grad " << got[b].grad << " exact " << static_cast<double>(eg[b]));
        BOOST_TEST(std::fabs(got[b].hess - static_cast<double>(eh[b])) <= bound_h);
    }
}

BOOST_AUTO_TEST_CASE(grad_hess_fixed_point_within_bound) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{100003}}) {
        const auto g = random_values<float>(n, 21);
        auto h = random_values<float>(n, 22);
        for (auto& v : h) v = std::fabs(v);
        const auto b8 = random_bins<std::uint8_t>(n, 256, 23);
        check_grad_hess(cspan(b8), cspan(g), cspan(h), 256);
        // 5000 bins: 120 kB > 48 KiB of shared memory, so the global-atomics path.
        const auto b16 = random_bins<std::uint16_t>(n, 5000, 24);
        BOOST_TEST(!dd::plan_grad_hess(n, 5000).shared);
        check_grad_hess(cspan(b16), cspan(g), cspan(h), 5000);
    }
    // Magnitudes far apart (1e30 next to 1e-30), and near float's max, where
    // n * max|g| would overflow if formed as a product in float.
    std::vector<float> g{1e30f, -1e30f, 1e-30f, 3.0f, std::numeric_limits<float>::max(), -2.5f};
    std::vector<float> h{1e-30f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f};
    const std::vector<std::uint32_t> bins{0, 0, 1, 2, 3, 2};
    check_grad_hess(cspan(bins), cspan(g), cspan(h), 4);
    // All-zero gradients.
    std::vector<float> zeros(6, 0.0f);
    check_grad_hess(cspan(bins), cspan(zeros), cspan(h), 4);
}

BOOST_AUTO_TEST_CASE(grad_hess_bitwise_identical_across_runs_and_launch_shapes) {
    const std::size_t n = 50001, nbins = 64;
    const auto g = random_values<float>(n, 31);
    const auto h = random_values<float>(n, 32);
    const auto bins = random_bins<std::uint8_t>(n, nbins, 33);
    const auto first = dd::histogram_grad_hess(be, cspan(bins), cspan(g), cspan(h), nbins);
    for (int run = 0; run < 3; ++run) {
        const auto again = dd::histogram_grad_hess(be, cspan(bins), cspan(g), cspan(h), nbins);
        BOOST_TEST(std::memcmp(again.data(), first.data(), nbins * sizeof first[0]) == 0);
    }
    // The emulated kernel with other block/grid shapes and with/without shared
    // memory: integer sums, so the raw words are identical.
    double gmax = 0, hmax = 0;
    for (std::size_t i = 0; i < n; ++i) {
        gmax = std::max(gmax, std::fabs(static_cast<double>(g[i])));
        hmax = std::max(hmax, std::fabs(static_cast<double>(h[i])));
    }
    std::vector<dd::ull> ref;
    for (unsigned block : {32u, 256u, 1024u}) {
        for (unsigned grid : {1u, 7u, 1024u}) {
            for (std::size_t smem_limit : {std::size_t{0}, std::size_t{48 * 1024}}) {
                std::vector<dd::ull> words(3 * nbins, 0);
                const dd::grad_hess_args<std::uint8_t, float> args{
                    bins.data(), g.data(), h.data(), n, nbins,
                    dd::fixed_point_exponent(n, gmax), dd::fixed_point_exponent(n, hmax),
                    words.data()};
                dd::emulate_grad_hess(dd::plan_grad_hess(n, nbins, block, grid, smem_limit), args);
                if (ref.empty()) ref = words;
                BOOST_TEST(words == ref, "block " << block << " grid " << grid);
            }
        }
    }
    for (std::size_t b = 0; b < nbins; ++b) {
        BOOST_TEST(first[b].count == ref[2 * nbins + b]);
        BOOST_TEST(same_bits(first[b].grad,
                             dd::from_fixed(ref[b], dd::fixed_point_exponent(n, gmax))));
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(bin_index_and_histogram_match_seq, T, value_types) {
    const std::vector<double> edges{-5.0, -1.0, 0.0, 0.0, 2.5, 7.0};  // a repeated edge
    for (std::size_t n : sizes) {
        auto xs = random_values<T>(n + 1, 41 + static_cast<unsigned>(n), 6, 2.0);  // hits edges
        const auto x = cspan(xs, 1);
        const auto got = dd::bin_index(be, x, std::span<const double>(edges));
        const auto seq = kernels::bin_index(exec::seq, x, std::span<const double>(edges));
        BOOST_TEST(got == seq);
        for (std::size_t i = 0; i < n; ++i) {
            // Reference: count inner edges <= x (searchsorted side='right'), NaN -> k.
            std::uint32_t r = 0;
            for (std::size_t j = 1; j + 1 < edges.size(); ++j) r += edges[j] <= x[i] ? 1 : 0;
            if (std::isnan(x[i])) r = static_cast<std::uint32_t>(edges.size() - 1);
            BOOST_TEST(got[i] == r);
        }
        BOOST_TEST(dd::histogram(be, x, std::span<const double>(edges)) ==
                   kernels::histogram(exec::seq, x, std::span<const double>(edges)));
    }
    const std::vector<T> none;
    BOOST_TEST(dd::histogram(be, cspan(none), std::span<const double>(edges)) ==
               std::vector<std::uint64_t>(edges.size(), 0));
    const std::vector<double> one_edge{1.0}, decreasing{0.0, 2.0, 1.0}, nan_edge{0.0, qnan};
    const std::vector<T> x{T(1)};
    BOOST_CHECK_THROW(dd::bin_index(be, cspan(x), std::span<const double>(one_edge)), config_error);
    BOOST_CHECK_THROW(dd::bin_index(be, cspan(x), std::span<const double>(decreasing)), config_error);
    BOOST_CHECK_THROW(dd::histogram(be, cspan(x), std::span<const double>(nan_edge)), data_error);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- rank, quantile -----------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(rank_quantile)

BOOST_AUTO_TEST_CASE_TEMPLATE(rank_hand_computed_and_seq, T, value_types) {
    // scipy.stats.rankdata([3, 1, 2, 2, nan, 5, -0.0, 0.0]) over the non-NaN values.
    const std::vector<T> v{T(3), T(1), T(2), T(2), static_cast<T>(qnan), T(5), T(-0.0), T(0.0)};
    const auto r = dd::rank(be, cspan(v));
    const std::vector<double> want{6, 3, 4.5, 4.5, qnan, 7, 1.5, 1.5};  // -0 ties +0
    for (std::size_t i = 0; i < v.size(); ++i) BOOST_TEST(same(r[i], want[i]));
    BOOST_TEST(dd::rank(be, cspan(std::vector<T>{})).empty());
    for (std::size_t n : sizes) {
        const auto xs = random_values<T>(n + 1, 51 + static_cast<unsigned>(n), 8, 3.0);  // ties
        const auto x = cspan(xs, 1);
        const auto got = dd::rank(be, x);
        const auto seq = kernels::rank(exec::seq, x);
        BOOST_TEST_REQUIRE(got.size() == n);
        BOOST_TEST(std::memcmp(got.data(), seq.data(), n * sizeof(double)) == 0, "n=" << n);
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(quantiles_bitwise_equal_to_seq, T, value_types) {
    const std::vector<double> q{0.0, 0.1, 0.25, 0.5, 0.7, 0.999, 1.0};
    const std::span<const double> qs(q);
    for (std::size_t n : sizes) {
        for (std::size_t nan_every : {std::size_t{0}, std::size_t{4}, std::size_t{1}}) {
            const auto xs = random_values<T>(n + 1, 61 + static_cast<unsigned>(n), nan_every);
            const auto x = cspan(xs, 1);
            const auto a = dd::quantile(be, x, qs);
            const auto b = kernels::quantile(exec::seq, x, qs);
            const auto c = dd::nanquantile(be, x, qs);
            const auto d = kernels::nanquantile(exec::seq, x, qs);
            for (std::size_t j = 0; j < q.size(); ++j) {
                BOOST_TEST(same(a[j], b[j]));
                BOOST_TEST(same(c[j], d[j]));
            }
        }
    }
    // numpy.quantile([1, 2, 3, 4], [0.5, 0.25]) = [2.5, 1.75]
    const std::vector<T> v{T(4), T(1), T(3), T(2)};
    const std::vector<double> q2{0.5, 0.25};
    const auto r = dd::quantile(be, cspan(v), std::span<const double>(q2));
    BOOST_TEST(r[0] == 2.5);
    BOOST_TEST(r[1] == 1.75);
    BOOST_CHECK_THROW(dd::quantile(be, cspan(std::vector<T>{}), qs), shape_error);
    const std::vector<double> bad{0.5, 1.5};
    BOOST_CHECK_THROW(dd::quantile(be, cspan(v), std::span<const double>(bad)), config_error);
}

BOOST_AUTO_TEST_SUITE_END()
