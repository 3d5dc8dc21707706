// drift::detail::adwin_screen (ADWIN's division- and root-free pre-test) against
// River's cut formula: a split the screen excludes must never be a cut by the
// formula, on random splits and on splits placed within rounding of the bound.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <tessera/core/random.hpp>
#include <tessera/drift/detail/adwin_screen.hpp>

using namespace tessera;

namespace {

// River's test (rust_src/adwin.rs), as drift::adwin::cut evaluates it.
bool river_cut(double n0, double n1, double u0, double u1, double mwl, double dprime, double var_w) {
    const double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
    const double linear = 2.0 / 3.0 * dprime * m;
    const double d = std::fabs(u0 / n0 - u1 / n1);
    return d > std::sqrt(2.0 * m * var_w * dprime) + linear;
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

BOOST_AUTO_TEST_SUITE_END()
