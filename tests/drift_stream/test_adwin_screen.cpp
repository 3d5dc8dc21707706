// drift::detail::adwin_screen (ADWIN's division- and root-free pre-test) against
// River's cut formula: a split the screen excludes must never be a cut by the
// formula, on random splits and on splits placed within rounding of the bound.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <tessera/core/random.hpp>
#include <tessera/drift/detail/adwin_screen.hpp>
#include <tessera/drift/detail/river_stats.hpp>

#include <vector>

using namespace tessera;

namespace {

// River's test (rust_src/adwin.rs), as drift::adwin::cut evaluates it.
bool river_cut(double n0, double n1, double u0, double u1, double mwl, double dprime, double var_w) {
    const double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
    const double linear = 2.0 / 3.0 * dprime * m;
    const double d = std::fabs(u0 / n0 - u1 / n1);
    return d > std::sqrt(2.0 * m * var_w * dprime) + linear;
}

// River's scan (rust_src/adwin.rs) over a histogram's buckets, plainly: whether
// some split is a cut.
bool river_scan_cuts(const drift::detail::adwin_histogram& h, double dprime, double var_w, double mwl = 5.0) {
    using drift::detail::rounded;
    const double w = h.width();
    double n0 = 0.0, n1 = w, u0 = 0.0, u1 = h.total();
    std::size_t seen = 0;
    const std::size_t last = h.n_buckets() - 1;
    for (std::size_t r = h.rows(); r-- > 0;) {
        const double size = std::ldexp(1.0, static_cast<int>(r));
        for (std::size_t k = 0; k < h.count(r) && seen < last; ++k, ++seen) {
            n0 += size;
            n1 -= size;
            u0 += h.sum(r, k);
            u1 -= h.sum(r, k);
            if (n0 < mwl || n1 < mwl) continue;
            const double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
            const double linear = rounded(rounded(2.0 / 3.0 * dprime) * m);
            const double d = std::fabs(u0 / n0 - u1 / n1);
            if (d > linear && d > std::sqrt(rounded(rounded(2.0 * m) * var_w) * dprime) + linear) return true;
        }
    }
    return false;
}

// The window of xs (level shift `shift` from position `at` on), in blocks of 32.
drift::detail::adwin_histogram window_of(const std::vector<double>& xs, std::size_t cap, std::size_t at,
                                         double shift) {
    drift::detail::adwin_histogram h(cap);
    std::vector<double> block;
    for (std::size_t i = 0; i < xs.size(); i += 32) {
        block.assign(xs.begin() + static_cast<std::ptrdiff_t>(i),
                     xs.begin() + static_cast<std::ptrdiff_t>(std::min(xs.size(), i + 32)));
        for (std::size_t j = 0; j < block.size(); ++j)
            if (i + j >= at) block[j] += shift;
        h.push_bulk(block.data(), block.size());
    }
    return h;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(adwin_screen)

BOOST_AUTO_TEST_CASE(never_excludes_a_cut) {
    rng g(4242);
    constexpr std::size_t L = drift::detail::scan_lanes;
    drift::detail::adwin_scan s;
    s.resize(L);
    std::size_t excluded = 0, cuts = 0, near = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        const double mwl = 5.0;
        const double width = std::floor(std::exp(g.uniform<double>() * std::log(1e6))) + 20.0;
        const double dprime = std::log(2.0 * std::log(width) / 0.002);
        const double var_w = std::exp(g.uniform<double>() * 20.0 - 10.0);
        const double level = (g.uniform<double>() - 0.5) * std::exp(g.uniform<double>() * 10.0);
        for (std::size_t l = 0; l < L; ++l) {
            const double n0 = std::floor(g.uniform<double>() * (width - 2 * mwl)) + mwl;
            const double n1 = width - n0;
            // The exact bound, and a mean difference placed around it: random, or
            // within a few ulps of it (the hard case for a screen).
            const double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
            const double bound = std::sqrt(2.0 * m * var_w * dprime) + 2.0 / 3.0 * dprime * m;
            const double mode = g.uniform<double>();
            double dmean;
            if (mode < 0.5) {
                dmean = bound * 2.0 * g.uniform<double>();
            } else {
                ++near;
                dmean = bound * (1.0 + (g.uniform<double>() - 0.5) * 1e-14);
            }
            if (g.uniform<double>() < 0.5) dmean = -dmean;
            s.n0[l] = n0;
            s.n1[l] = n1;
            s.u0[l] = (level + dmean) * n0;
            s.u1[l] = level * n1;
        }
        const unsigned maybe = drift::detail::adwin_screen(s, 0, 5.0, 2.0 / 3.0 * dprime, 2.0 * var_w * dprime);
        for (std::size_t l = 0; l < L; ++l) {
            const bool cut = river_cut(s.n0[l], s.n1[l], s.u0[l], s.u1[l], 5.0, dprime, var_w);
            cuts += cut;
            if (!((maybe >> l) & 1u)) {
                ++excluded;
                BOOST_TEST(!cut, "screen excluded a cut: n0 " << s.n0[l] << " n1 " << s.n1[l] << " u0 "
                                                              << s.u0[l] << " u1 " << s.u1[l]);
            }
        }
    }
    // The screen must also be useful: most random non-cuts are excluded.
    BOOST_TEST(excluded > 20000u * L / 5);
    BOOST_TEST(cuts > 0u);
    BOOST_TEST(near > 0u);
}

// Splits with a part shorter than min_window_length are never candidates.
BOOST_AUTO_TEST_CASE(short_parts_are_skipped) {
    constexpr std::size_t L = drift::detail::scan_lanes;
    drift::detail::adwin_scan s;
    s.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        s.n0[l] = l < L / 2 ? 4.0 : 100.0;  // n0 < mwl in the first half
        s.n1[l] = l < L / 2 ? 100.0 : 0.0;  // n1 = 0 (padding) in the second
        s.u0[l] = 1e6;
        s.u1[l] = -1e6;
    }
    BOOST_TEST(drift::detail::adwin_screen(s, 0, 5.0, 3.0, 1.0) == 0u);
}

// drift::detail::adwin_any_candidate (the whole-window screen read straight from
// the bucket rows) against River's exact scan over the same buckets: whenever
// some split is a cut by River's formula (River's running u0 += t, u1 -= t),
// the screen must say "maybe". Windows: random lengths and max_buckets, level
// shifts swept across the detection bound (the cut/no-cut frontier), large
// offsets against a tiny spread (rounding of the sums dominates), and values
// of mixed sign that cancel in the bucket sums.
BOOST_AUTO_TEST_CASE(row_screen_never_misses_a_cut) {
    using drift::detail::adwin_histogram;
    rng g(9090);
    std::size_t windows = 0, with_cut = 0, proven = 0;
    std::vector<double> xs;
    for (int trial = 0; trial < 3000; ++trial) {
        const std::size_t cap = 2 + static_cast<std::size_t>(trial % 8);  // max_buckets 1..8
        adwin_histogram h(cap);
        const std::size_t n = 12 + static_cast<std::size_t>(std::exp(g.uniform<double>() * std::log(20000.0)));
        const int kind = trial % 4;
        const double offset = kind == 1 ? std::ldexp(1.0, 10 + trial % 40) : (g.uniform<double>() - 0.5) * 10.0;
        const double spread = kind == 1 ? 1e-3 : std::exp(g.uniform<double>() * 6.0 - 3.0);
        // A shift at a random point, of a size around the bound (log-uniform over two decades).
        const std::size_t at = static_cast<std::size_t>(g.uniform<double>() * static_cast<double>(n));
        const double shift = spread * std::exp((g.uniform<double>() - 0.5) * 4.6) *
                             std::sqrt(36.0 / static_cast<double>(std::min(at, n - at) + 1));
        xs.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            double v = g.uniform<double>() - 0.5;
            if (kind == 3) v = (g.uniform<double>() < 0.5 ? -1e3 : 1e3) + v;  // cancels in the sums
            xs[i] = offset + spread * v + (i >= at ? shift : 0.0);
        }
        // In blocks, so that rows of every size hold a few summaries.
        for (std::size_t i = 0; i < n; i += 32) h.push_bulk(xs.data() + i, std::min<std::size_t>(32, n - i));
        for (int drop = 0; drop < 3 && h.width() > 12.0; ++drop) {
            const double w = h.width(), var_w = h.window_variance() / w, mwl = 5.0;
            const double dprime = std::log(2.0 * std::log(w) / 0.002);
            const bool cut = river_scan_cuts(h, dprime, var_w);
            // The screen at River's d' and at a smaller one (adwin caches d' at a width up to 25% below).
            for (const double dp : {dprime, std::log(2.0 * std::log(0.8 * w) / 0.002)}) {
                const bool maybe = drift::detail::adwin_any_candidate(h, mwl, drift::detail::rounded(2.0 / 3.0 * dp),
                                                                      2.0 * var_w * dp);
                if (cut) BOOST_TEST(maybe, "screen missed a cut: trial " << trial << " width " << w);
                proven += !maybe;
            }
            ++windows;
            with_cut += cut;
            if (!cut) break;
            h.drop_oldest();
        }
    }
    BOOST_TEST_MESSAGE("windows " << windows << " with a cut " << with_cut << " proven cut-free " << proven);
    // Both outcomes occur, and the screen proves most cut-free windows.
    BOOST_TEST(with_cut > windows / 10);
    BOOST_TEST(proven > (windows - with_cut));
}

// The cut/no-cut frontier itself: for random windows, the smallest level shift
// at which River's scan finds a cut, bisected to the last bit; there the cut
// split's |mean(W0) - mean(W1)| exceeds River's bound by an ulp or so, the
// hardest case for a screen (one that excluded splits a part in 10^6 too
// early fails here). At that shift the screen must say "maybe".
BOOST_AUTO_TEST_CASE(row_screen_at_the_cut_frontier) {
    rng g(5151);
    int tested = 0;
    for (int trial = 0; trial < 150; ++trial) {
        const std::size_t cap = 2 + static_cast<std::size_t>(trial % 6);
        const std::size_t n = 40 + static_cast<std::size_t>(g.uniform<double>() * 3000.0);
        const double offset = trial % 3 == 1 ? 1e6 : 0.0, spread = trial % 3 == 2 ? 1e-3 : 1.0;
        // min_window_length 1 makes m = W / (n0 n1) exactly: the screen's first, cheaper test is tight.
        const double mwl = trial % 2 == 0 ? 1.0 : 5.0;
        std::vector<double> xs(n);
        for (auto& x : xs) x = offset + spread * (g.uniform<double>() - 0.5);
        const std::size_t at = 5 + static_cast<std::size_t>(g.uniform<double>() * static_cast<double>(n - 10));
        const auto cuts = [&](double shift) {
            const auto h = window_of(xs, cap, at, shift);
            const double w = h.width();
            return river_scan_cuts(h, std::log(2.0 * std::log(w) / 0.002), h.window_variance() / w, mwl);
        };
        double lo = 0.0, hi = 100.0 * spread;
        if (cuts(lo) || !cuts(hi)) continue;
        for (int it = 0; it < 200 && std::nextafter(lo, hi) < hi; ++it) {
            const double mid = 0.5 * (lo + hi);
            (cuts(mid) ? hi : lo) = mid;
        }
        const auto h = window_of(xs, cap, at, hi);
        const double w = h.width(), var_w = h.window_variance() / w;
        const double dprime = std::log(2.0 * std::log(w) / 0.002);
        BOOST_TEST(drift::detail::adwin_any_candidate(h, mwl, drift::detail::rounded(2.0 / 3.0 * dprime),
                                                      2.0 * var_w * dprime),
                   "screen missed a frontier cut: trial " << trial << " shift " << hi);
        ++tested;
    }
    BOOST_TEST(tested > 100);
}

BOOST_AUTO_TEST_SUITE_END()
