// tests/kernels_hist: histogram_counts / histogram_sums / histogram_grad_hess /
// bin_index / histogram. References: brute force (per-bin scans, linear edge
// counts), hand-computed cases (scikit-learn KBinsDiscretizer semantics), and
// exec::seq for every simd/par path; par with 1, 2 and 7 threads is compared
// bitwise (memcmp).
#define BOOST_TEST_MODULE kernels_hist
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <tuple>
#include <vector>

#include <boost/mpl/list.hpp>

#include <tessera/kernels/histogram.hpp>

#include "common.hpp"

using namespace tessera;
using namespace tessera::kernels;
using khtest::rng;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

template <class B>
std::vector<std::size_t> nbins_for() {
    std::vector<std::size_t> out;
    for (std::size_t nb : {std::size_t{1}, std::size_t{2}, std::size_t{255}, std::size_t{256},
                           std::size_t{65536}})
        if (nb - 1 <= std::numeric_limits<B>::max()) out.push_back(nb);
    return out;
}

template <class B>
std::vector<B> random_bins(std::size_t n, std::size_t nbins) {
    std::uniform_int_distribution<std::uint64_t> d(0, nbins - 1);
    std::vector<B> v(n);
    // Runs of equal bins as well as uniform ones: repeated bins are the case
    // the partial histograms exist for.
    for (std::size_t i = 0; i < n; ++i)
        v[i] = (i % 64 < 16 && i > 0) ? v[i - 1] : static_cast<B>(d(rng()));
    return v;
}

template <class W>
std::vector<W> random_weights(std::size_t n, bool with_nan) {
    std::normal_distribution<W> d(W(0.5), W(2));
    std::vector<W> v(n);
    for (auto& e : v) e = d(rng());
    if (with_nan && n > 3) v[n / 3] = std::numeric_limits<W>::quiet_NaN();
    return v;
}

// |fast - ref| within what reassociating a sum of these magnitudes can cost.
// Reports the first miss only (one assertion per bin would dominate the run time).
bool close(double fast, double ref, double abs_sum, std::size_t terms) {
    if (std::isnan(ref)) return std::isnan(fast);
    const double tol = 4.0 * static_cast<double>(terms + 1) * 1.1102230246251565e-16 * abs_sum;
    return std::abs(fast - ref) <= tol;
}

struct first_miss {
    std::size_t misses = 0;
    void operator()(bool ok, std::size_t bin, double fast, double ref) {
        if (!ok && misses++ == 0) BOOST_ERROR("bin " << bin << ": fast " << fast << " vs seq " << ref);
    }
};

using bin_types = boost::mpl::list<std::uint8_t, std::uint16_t, std::uint32_t>;

}  // namespace

// ---- histogram_counts -----------------------------------------------------------

BOOST_AUTO_TEST_SUITE(counts)

BOOST_AUTO_TEST_CASE(hand_computed) {
    const std::vector<std::uint8_t> b = {2, 0, 2, 3, 2, 0};
    const std::vector<std::uint64_t> want = {2, 0, 3, 1, 0};
    const std::span<const std::uint8_t> s(b);
    BOOST_TEST(histogram_counts(exec::seq, s, 5) == want);
    BOOST_TEST(histogram_counts(exec::simd, s, 5) == want);
    BOOST_TEST(histogram_counts(exec::par, s, 5) == want);
    BOOST_TEST(histogram_counts(s, 5) == want);
    BOOST_TEST(histogram_counts(exec::seq, std::span<const std::uint8_t>{}, 3) ==
               std::vector<std::uint64_t>(3, 0));
    BOOST_TEST(histogram_counts(exec::simd, std::span<const std::uint8_t>{}, 0).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_equal_seq_and_brute_force, B, bin_types) {
    for (const std::size_t nbins : nbins_for<B>()) {
        for (const std::size_t n : khtest::sizes) {
            const std::vector<B> v = random_bins<B>(n, nbins);
            const khtest::unaligned<B> u(v);
            const auto s = u.span();
            const auto ref = histogram_counts(exec::seq, s, nbins);
            BOOST_TEST(std::accumulate(ref.begin(), ref.end(), std::uint64_t{0}) == n);
            if (n <= 1000 && nbins <= 256)
                for (std::size_t b = 0; b < nbins; ++b)
                    BOOST_TEST(ref[b] == static_cast<std::uint64_t>(std::count(v.begin(), v.end(),
                                                                                static_cast<B>(b))));
            BOOST_TEST(histogram_counts(exec::simd, s, nbins) == ref);
            BOOST_TEST(histogram_counts(exec::par, s, nbins) == ref);
            const auto p1 = histogram_counts(khtest::par(1), s, nbins);
            BOOST_TEST(p1 == ref);
            BOOST_TEST(khtest::same_bits(histogram_counts(khtest::par(2), s, nbins), p1));
            BOOST_TEST(khtest::same_bits(histogram_counts(khtest::par(7), s, nbins), p1));
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(bin_out_of_range_names_first_index, B, bin_types) {
    for (const std::size_t nbins : {std::size_t{1}, std::size_t{200}, std::size_t{255}}) {
        for (const std::size_t n : {std::size_t{1}, std::size_t{17}, std::size_t{5000}}) {
            for (const std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
                std::vector<B> v = random_bins<B>(n, nbins);
                v[at] = static_cast<B>(nbins);
                if (at + 1 < n) v[n - 1] = static_cast<B>(nbins + 1);  // a later one is not reported
                const std::span<const B> s(v);
                auto check = [&](auto policy) {
                    try {
                        (void)histogram_counts(policy, s, nbins);
                        BOOST_ERROR("no data_error for bin " << nbins << " at " << at);
                    } catch (const data_error& e) {
                        BOOST_TEST(e.row() == at);
                        BOOST_TEST(e.column() == "bins");
                        const std::string msg = e.what();
                        BOOST_TEST(msg.find("bins[" + std::to_string(at) + "] = " +
                                            std::to_string(nbins)) != std::string::npos,
                                   msg);
                    }
                };
                check(exec::seq);
                check(exec::simd);
                check(khtest::par(1));
                check(khtest::par(2));
                check(khtest::par(7));
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- histogram_sums ---------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(sums)

BOOST_AUTO_TEST_CASE(hand_computed) {
    const std::vector<std::uint16_t> b = {1, 0, 1, 1};
    const std::vector<float> w = {0.5f, 2.0f, 0.25f, -1.0f};
    const std::vector<double> want = {2.0, -0.25, 0.0};
    for (auto r : {histogram_sums(exec::seq, std::span<const std::uint16_t>(b),
                                  std::span<const float>(w), 3),
                   histogram_sums(exec::simd, std::span<const std::uint16_t>(b),
                                  std::span<const float>(w), 3),
                   histogram_sums(std::span<const std::uint16_t>(b), std::span<const float>(w), 3)})
        BOOST_TEST(r == want, boost::test_tools::per_element());
}

template <class B, class W>
void sums_case(std::size_t nbins, std::size_t n, bool with_nan) {
    const std::vector<B> v = random_bins<B>(n, nbins);
    const std::vector<W> w = random_weights<W>(n, with_nan);
    const khtest::unaligned<B> ub(v);
    const khtest::unaligned<W> uw(w);
    const auto sb = ub.span();
    const auto sw = uw.span();
    const auto ref = histogram_sums(exec::seq, sb, sw, nbins);
    std::vector<double> abs_sum(nbins, 0.0);
    std::vector<double> brute(nbins, 0.0);
    std::vector<std::size_t> terms(nbins, 0);
    for (std::size_t i = 0; i < n; ++i) {
        abs_sum[v[i]] += std::abs(static_cast<double>(w[i]));
        brute[v[i]] += static_cast<double>(w[i]);
        ++terms[v[i]];
    }
    BOOST_TEST(khtest::same_bits(ref, brute));  // seq is the left-to-right sum
    const auto fast = histogram_sums(exec::simd, sb, sw, nbins);
    const auto p1 = histogram_sums(khtest::par(1), sb, sw, nbins);
    first_miss miss;
    for (std::size_t b = 0; b < nbins; ++b) {
        miss(close(fast[b], ref[b], abs_sum[b], terms[b]), b, fast[b], ref[b]);
        miss(close(p1[b], ref[b], abs_sum[b], terms[b]), b, p1[b], ref[b]);
    }
    BOOST_TEST(khtest::same_bits(histogram_sums(khtest::par(2), sb, sw, nbins), p1));
    BOOST_TEST(khtest::same_bits(histogram_sums(khtest::par(7), sb, sw, nbins), p1));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_close_to_seq, B, bin_types) {
    for (const std::size_t nbins : nbins_for<B>())
        for (const std::size_t n : khtest::sizes) {
            sums_case<B, float>(nbins, n, n % 2 == 1);
            sums_case<B, double>(nbins, n, n % 2 == 0);
        }
}

BOOST_AUTO_TEST_CASE(integer_weights_are_exact_on_every_path) {
    // Partial sums of small integers are exact, so reassociation cannot show.
    const std::size_t n = 100003;
    const auto v = random_bins<std::uint8_t>(n, 256);
    std::vector<float> w(n);
    std::uniform_int_distribution<int> d(-8, 8);
    for (auto& e : w) e = static_cast<float>(d(rng()));
    const std::span<const std::uint8_t> sb(v);
    const std::span<const float> sw(w);
    const auto ref = histogram_sums(exec::seq, sb, sw, 256);
    BOOST_TEST(khtest::same_bits(histogram_sums(exec::simd, sb, sw, 256), ref));
    BOOST_TEST(khtest::same_bits(histogram_sums(khtest::par(2), sb, sw, 256), ref));
}

BOOST_AUTO_TEST_CASE(errors) {
    const std::vector<std::uint8_t> b = {0, 1, 7};
    const std::vector<double> w = {1.0, 2.0};
    BOOST_CHECK_THROW(histogram_sums(exec::seq, std::span<const std::uint8_t>(b),
                                     std::span<const double>(w), 8),
                      shape_error);
    BOOST_CHECK_THROW(histogram_sums(exec::par, std::span<const std::uint8_t>(b),
                                     std::span<const double>(w), 8),
                      shape_error);
    const std::vector<double> w3 = {1.0, 2.0, 3.0};
    for (int p = 0; p < 3; ++p) {
        try {
            const std::span<const std::uint8_t> sb(b);
            const std::span<const double> sw(w3);
            if (p == 0) (void)histogram_sums(exec::seq, sb, sw, 7);
            if (p == 1) (void)histogram_sums(exec::simd, sb, sw, 7);
            if (p == 2) (void)histogram_sums(khtest::par(2), sb, sw, 7);
            BOOST_ERROR("no data_error");
        } catch (const data_error& e) {
            BOOST_TEST(e.row() == 2u);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- histogram_grad_hess -------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(grad_hess)

BOOST_AUTO_TEST_CASE(hand_computed) {
    const std::vector<std::uint8_t> b = {1, 1, 0, 2, 1};
    const std::vector<float> g = {0.5f, -1.5f, 2.0f, 4.0f, 0.25f};
    const std::vector<float> h = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f};
    const std::vector<grad_hess_bin> all = {{2.0, 3.0, 1}, {-0.75, 8.0, 3}, {4.0, 4.0, 1}};
    const std::vector<std::uint32_t> rows = {4, 0, 4, 3};  // unsorted, one repeated
    const std::vector<grad_hess_bin> sub = {{0.0, 0.0, 0}, {1.0, 11.0, 3}, {4.0, 4.0, 1}};
    const std::span<const std::uint8_t> sb(b);
    const std::span<const float> sg(g);
    const std::span<const float> sh(h);
    const std::span<const std::uint32_t> sr(rows);
    BOOST_TEST((histogram_grad_hess(exec::seq, sb, sg, sh, 3) == all));
    BOOST_TEST((histogram_grad_hess(exec::simd, sb, sg, sh, 3) == all));
    BOOST_TEST((histogram_grad_hess(sb, sg, sh, 3) == all));
    BOOST_TEST((histogram_grad_hess(exec::seq, sb, sg, sh, sr, 3) == sub));
    BOOST_TEST((histogram_grad_hess(exec::simd, sb, sg, sh, sr, 3) == sub));
    BOOST_TEST((histogram_grad_hess(sb, sg, sh, sr, 3) == sub));
}

template <class B>
void grad_hess_compare(std::span<const B> sb, std::span<const float> sg, std::span<const float> sh,
                       const std::vector<std::uint32_t>* rows, std::size_t nbins) {
    auto run = [&](auto policy) {
        if (rows) return histogram_grad_hess(policy, sb, sg, sh, std::span<const std::uint32_t>(*rows), nbins);
        return histogram_grad_hess(policy, sb, sg, sh, nbins);
    };
    const auto ref = run(exec::seq);
    // Brute force with magnitudes, for the tolerance.
    std::vector<grad_hess_bin> brute(nbins);
    std::vector<double> ag(nbins, 0.0), ah(nbins, 0.0);
    const std::size_t m = rows ? rows->size() : sb.size();
    for (std::size_t j = 0; j < m; ++j) {
        const std::size_t r = rows ? (*rows)[j] : j;
        brute[sb[r]].grad += sg[r];
        brute[sb[r]].hess += sh[r];
        ++brute[sb[r]].count;
        ag[sb[r]] += std::abs(static_cast<double>(sg[r]));
        ah[sb[r]] += std::abs(static_cast<double>(sh[r]));
    }
    BOOST_TEST(khtest::same_bits(ref, brute));
    const auto fast = run(exec::simd);
    const auto p1 = run(khtest::par(1));
    first_miss miss;
    for (const auto* got : {&fast, &p1})
        for (std::size_t b = 0; b < nbins; ++b) {
            const grad_hess_bin& x = (*got)[b];
            miss(x.count == ref[b].count, b, static_cast<double>(x.count),
                 static_cast<double>(ref[b].count));
            miss(close(x.grad, ref[b].grad, ag[b], ref[b].count), b, x.grad, ref[b].grad);
            miss(close(x.hess, ref[b].hess, ah[b], ref[b].count), b, x.hess, ref[b].hess);
        }
    BOOST_TEST(khtest::same_bits(run(khtest::par(2)), p1));
    BOOST_TEST(khtest::same_bits(run(khtest::par(7)), p1));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_close_to_seq, B, bin_types) {
    for (const std::size_t nbins : nbins_for<B>())
        for (const std::size_t n : khtest::sizes) {
            const auto v = random_bins<B>(n, nbins);
            const auto g = random_weights<float>(n, n % 2 == 1);
            auto h = random_weights<float>(n, false);
            for (auto& e : h) e = std::abs(e);
            const khtest::unaligned<B> ub(v);
            const khtest::unaligned<float> ug(g), uh(h);
            grad_hess_compare<B>(ub.span(), ug.span(), uh.span(), nullptr, nbins);
            if (n == 0) {
                const std::vector<std::uint32_t> none;
                grad_hess_compare<B>(ub.span(), ug.span(), uh.span(), &none, nbins);
                continue;
            }
            // Row subsets: empty, sorted ~50%, unsorted with repeats.
            std::vector<std::uint32_t> empty, half, shuffled;
            std::bernoulli_distribution coin(0.5);
            for (std::uint32_t i = 0; i < n; ++i)
                if (coin(rng())) half.push_back(i);
            std::uniform_int_distribution<std::uint32_t> any(0, static_cast<std::uint32_t>(n - 1));
            for (std::size_t i = 0; i < n / 2 + 3; ++i) shuffled.push_back(any(rng()));
            for (const auto* rows : {&empty, &half, &shuffled})
                grad_hess_compare<B>(ub.span(), ug.span(), uh.span(), rows, nbins);
        }
}

BOOST_AUTO_TEST_CASE(errors) {
    const std::vector<std::uint16_t> b = {0, 3, 1, 9};
    const std::vector<float> g(4, 1.0f), h(4, 1.0f), g3(3, 1.0f);
    const std::span<const std::uint16_t> sb(b);
    BOOST_CHECK_THROW(histogram_grad_hess(exec::seq, sb, std::span<const float>(g3),
                                          std::span<const float>(h), 10),
                      shape_error);
    BOOST_CHECK_THROW(histogram_grad_hess(exec::simd, sb, std::span<const float>(g),
                                          std::span<const float>(g3), 10),
                      shape_error);
    const std::vector<std::uint32_t> rows_bad_row = {0, 2, 4, 7};
    const std::vector<std::uint32_t> rows_bad_bin = {0, 3, 2};
    auto run_rows = [&](auto policy, const std::vector<std::uint32_t>& rows, std::size_t nbins) {
        return histogram_grad_hess(policy, sb, std::span<const float>(g), std::span<const float>(h),
                                   std::span<const std::uint32_t>(rows), nbins);
    };
    auto check = [&](auto policy) {
        try {
            (void)histogram_grad_hess(policy, sb, std::span<const float>(g), std::span<const float>(h), 9);
            BOOST_ERROR("no data_error for bin 9");
        } catch (const data_error& e) {
            BOOST_TEST(e.row() == 3u);
        }
        try {
            (void)run_rows(policy, rows_bad_row, 10);
            BOOST_ERROR("no data_error for row 4");
        } catch (const data_error& e) {
            BOOST_TEST(e.column() == "rows");
            BOOST_TEST(e.row() == 2u);  // position in rows
        }
        try {
            (void)run_rows(policy, rows_bad_bin, 9);
            BOOST_ERROR("no data_error for bin 9 via rows");
        } catch (const data_error& e) {
            BOOST_TEST(e.column() == "bins");
            BOOST_TEST(e.row() == 3u);  // the row whose bin is bad
        }
        BOOST_TEST(run_rows(policy, rows_bad_bin, 10)[9].count == 1u);
    };
    check(exec::seq);
    check(exec::simd);
    check(khtest::par(2, 1));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- bin_index / histogram ----------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(binning)

using value_types = boost::mpl::list<float, double>;

BOOST_AUTO_TEST_CASE_TEMPLATE(hand_computed_kbins_semantics, T, value_types) {
    // KBinsDiscretizer: k = 3 bins, inner edges {1, 2}; below e0 / above ek clamp
    // to the end bins; a value equal to an inner edge goes right; NaN -> bin 3.
    const std::vector<double> edges = {0.0, 1.0, 2.0, 3.0};
    const std::vector<T> x = {-1, 0, T(0.5), 1, T(1.5), 2, T(2.5), 3, 4,
                              std::numeric_limits<T>::quiet_NaN(),
                              std::numeric_limits<T>::infinity(),
                              -std::numeric_limits<T>::infinity()};
    const std::vector<std::uint32_t> want = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 2, 0};
    const std::vector<std::uint64_t> counts = {4, 2, 5, 1};
    const std::span<const T> sx(x);
    const std::span<const double> se(edges);
    BOOST_TEST(bin_index(exec::seq, sx, se) == want, boost::test_tools::per_element());
    BOOST_TEST(bin_index(exec::simd, sx, se) == want, boost::test_tools::per_element());
    BOOST_TEST(bin_index(sx, se) == want, boost::test_tools::per_element());
    BOOST_TEST(histogram(exec::seq, sx, se) == counts, boost::test_tools::per_element());
    BOOST_TEST(histogram(exec::simd, sx, se) == counts, boost::test_tools::per_element());
    BOOST_TEST(histogram(sx, se) == counts, boost::test_tools::per_element());
    // Two edges: one bin, every number in it.
    const std::vector<double> two = {5.0, 6.0};
    const std::vector<std::uint32_t> one_bin = {0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0};
    BOOST_TEST(bin_index(exec::simd, std::span<const T>(x).subspan(0, 12), std::span<const double>(two))[3] == 0u);
    BOOST_TEST(bin_index(exec::simd, sx, std::span<const double>(two))[9] == 1u);
    (void)one_bin;
    // Duplicated edges (an empty bin), as KBins quantile edges of tied data.
    const std::vector<double> dup = {0.0, 1.0, 1.0, 2.0};
    const std::vector<T> xd = {T(0.5), 1, T(1.5)};
    const std::vector<std::uint32_t> want_dup = {0, 2, 2};
    BOOST_TEST(bin_index(exec::seq, std::span<const T>(xd), std::span<const double>(dup)) == want_dup,
               boost::test_tools::per_element());
    BOOST_TEST(bin_index(exec::simd, std::span<const T>(xd), std::span<const double>(dup)) == want_dup,
               boost::test_tools::per_element());
}

template <class T>
std::vector<double> random_edges(std::size_t k) {
    std::normal_distribution<double> d(0.0, 1.0);
    std::vector<double> e(k + 1);
    for (auto& v : e) v = d(rng());
    // An edge that float cannot hold exactly, next to float data.
    if (k >= 6) e[5] = 0.1;
    std::sort(e.begin(), e.end());
    if (k >= 4) e[2] = e[3];  // a duplicated edge
    return e;
}

template <class T>
std::vector<T> random_values(std::size_t n, const std::vector<double>& edges) {
    std::normal_distribution<double> d(0.0, 1.3);
    std::uniform_int_distribution<std::size_t> pick(0, edges.size() - 1);
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        switch (i % 11) {
            case 0: v[i] = static_cast<T>(edges[pick(rng())]); break;  // on (or rounded to) an edge
            case 1: v[i] = std::nextafter(static_cast<T>(edges[pick(rng())]), T(-10)); break;
            case 2: v[i] = std::nextafter(static_cast<T>(edges[pick(rng())]), T(10)); break;
            case 3: v[i] = (i % 3 == 0) ? std::numeric_limits<T>::quiet_NaN()
                                        : (i % 3 == 1 ? std::numeric_limits<T>::infinity()
                                                      : -std::numeric_limits<T>::infinity());
                    break;
            case 4: v[i] = static_cast<T>(0.1); break;
            default: v[i] = static_cast<T>(d(rng()));
        }
    }
    return v;
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fast_paths_equal_seq_and_brute_force, T, value_types) {
    for (const std::size_t k : {1, 2, 3, 10, 17, 18, 100, 1000}) {
        const std::vector<double> edges = random_edges<T>(k);
        const std::span<const double> se(edges);
        for (const std::size_t n : khtest::sizes) {
            const std::vector<T> x = random_values<T>(n, edges);
            const khtest::unaligned<T> ux(x);
            const auto sx = ux.span();
            const auto ref = bin_index(exec::seq, sx, se);
            std::vector<std::uint64_t> brute_counts(k + 1, 0);
            for (std::size_t i = 0; i < n; ++i) {
                std::uint32_t want = static_cast<std::uint32_t>(k);
                if (!std::isnan(x[i])) {
                    want = 0;
                    for (std::size_t j = 1; j + 1 <= k; ++j)
                        want += edges[j] <= static_cast<double>(x[i]) ? 1 : 0;
                }
                if (ref[i] != want) {
                    BOOST_ERROR("seq bin of " << x[i] << " is " << ref[i] << ", want " << want);
                    break;
                }
                ++brute_counts[want];
            }
            BOOST_TEST(bin_index(exec::simd, sx, se) == ref);
            BOOST_TEST(bin_index(khtest::par(1), sx, se) == ref);
            BOOST_TEST(bin_index(khtest::par(7), sx, se) == ref);
            const auto h = histogram(exec::seq, sx, se);
            BOOST_TEST(h == brute_counts);
            BOOST_TEST(histogram(exec::simd, sx, se) == h);
            const auto p1 = histogram(khtest::par(1), sx, se);
            BOOST_TEST(p1 == h);
            BOOST_TEST(khtest::same_bits(histogram(khtest::par(2), sx, se), p1));
            BOOST_TEST(khtest::same_bits(histogram(khtest::par(7), sx, se), p1));
        }
    }
}

BOOST_AUTO_TEST_CASE(float_data_against_double_edges) {
    // 0.1 (double) lies between two floats: float(0.1) is above it, so it is in
    // the upper bin; the float below it is not.
    const std::vector<double> edges = {-1.0, 0.1, 1.0};
    const float up = 0.1f;  // 0.100000001490116...
    const float down = std::nextafter(up, 0.0f);
    BOOST_REQUIRE(static_cast<double>(up) > 0.1 && static_cast<double>(down) < 0.1);
    std::vector<float> x(40, down);
    for (std::size_t i = 0; i < x.size(); i += 3) x[i] = up;
    for (auto policy_out : {bin_index(exec::seq, std::span<const float>(x), std::span<const double>(edges)),
                            bin_index(exec::simd, std::span<const float>(x), std::span<const double>(edges))})
        for (std::size_t i = 0; i < x.size(); ++i) BOOST_TEST(policy_out[i] == (i % 3 == 0 ? 1u : 0u));
    // Edges beyond float's range.
    const std::vector<double> huge = {-1e300, -1e39, 1e39, 1e300};
    const std::vector<float> xs = {-std::numeric_limits<float>::infinity(), -3e38f, 0.0f, 3e38f,
                                   std::numeric_limits<float>::infinity()};
    const std::vector<std::uint32_t> want = {0, 1, 1, 1, 2};
    std::vector<float> many;
    for (int r = 0; r < 8; ++r) many.insert(many.end(), xs.begin(), xs.end());
    const auto seq = bin_index(exec::seq, std::span<const float>(many), std::span<const double>(huge));
    const auto fast = bin_index(exec::simd, std::span<const float>(many), std::span<const double>(huge));
    for (std::size_t i = 0; i < many.size(); ++i) {
        BOOST_TEST(seq[i] == want[i % 5]);
        BOOST_TEST(fast[i] == want[i % 5]);
    }
}

BOOST_AUTO_TEST_CASE(edge_errors) {
    const std::vector<double> x = {1.0};
    const std::span<const double> sx(x);
    auto edges_error = [&](std::vector<double> e) {
        return [e, sx] { (void)bin_index(exec::simd, sx, std::span<const double>(e)); };
    };
    BOOST_CHECK_THROW(edges_error({})(), config_error);
    BOOST_CHECK_THROW(edges_error({1.0})(), config_error);
    try {
        edges_error({0.0, 1.0, 0.5, 2.0})();
        BOOST_ERROR("no config_error");
    } catch (const config_error& e) {
        BOOST_TEST(e.field() == "edges");
        BOOST_TEST(std::string(e.what()).find("edges[2]") != std::string::npos, e.what());
    }
    for (const double bad : {qnan, inf, -inf}) {
        try {
            (void)histogram(exec::seq, sx, std::span<const double>(std::vector<double>{0.0, 1.0, bad}));
            BOOST_ERROR("no data_error");
        } catch (const data_error& e) {
            BOOST_TEST(e.row() == 2u);
            BOOST_TEST(e.column() == "edges");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
