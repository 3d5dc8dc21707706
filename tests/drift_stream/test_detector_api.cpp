// Streaming detectors: the drift_detector contract, bool-only error streams,
// parameter checks (config_error naming the field), non-finite input, reset
// semantics, ADWIN's window statistics against a brute-force sum over the same
// values, and the default (Philox) KSWIN sampler.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/drift/adwin.hpp>
#include <tessera/drift/ddm.hpp>
#include <tessera/drift/eddm.hpp>
#include <tessera/drift/hddm_a.hpp>
#include <tessera/drift/hddm_w.hpp>
#include <tessera/drift/kswin.hpp>
#include <tessera/drift/page_hinkley.hpp>



using namespace tessera;

namespace {

// ---- compile-time contract: real-valued detectors take double; error-stream detectors take
// bool only (update(0.3) and update(1) do not compile) ----
template <class D>
concept warning_capable = requires(const D& d) {
    { d.warning_detected() } -> std::convertible_to<bool>;
};
static_assert(drift_detector<drift::adwin> && drift_detector<drift::page_hinkley> &&
              drift_detector<drift::kswin> && drift_detector<drift::python_kswin>);
static_assert(drift_detector<drift::ddm, bool> && drift_detector<drift::eddm, bool> &&
              drift_detector<drift::hddm_a, bool> && drift_detector<drift::hddm_w, bool>);
static_assert(!drift_detector<drift::ddm, double> && !drift_detector<drift::eddm, double> &&
              !drift_detector<drift::hddm_a, double> && !drift_detector<drift::hddm_w, double>);
static_assert(!drift_detector<drift::ddm, float> && !drift_detector<drift::hddm_w, int>);
static_assert(warning_capable<drift::ddm> && warning_capable<drift::eddm> && warning_capable<drift::hddm_a> &&
              warning_capable<drift::hddm_w>);
static_assert(!warning_capable<drift::adwin> && !warning_capable<drift::page_hinkley> &&
              !warning_capable<drift::kswin>);

std::vector<double> normal_stream(std::uint64_t seed, std::size_t n, double shift_at_half) {
    rng g(seed);
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = g.normal() + (i >= n / 2 ? shift_at_half : 0.0);
    return v;
}
std::vector<bool> error_stream(std::uint64_t seed, std::size_t n, double p0, double p1) {
    rng g(seed);
    std::vector<bool> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = g.uniform() < (i < n / 2 ? p0 : p1);
    return v;
}

template <class D, class V>
std::vector<std::size_t> detections(D& d, const std::vector<V>& xs) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < xs.size(); ++i)
        if (d.update(static_cast<V>(xs[i]))) out.push_back(i);
    return out;
}

template <class F>
void expect_config_error(F make, const std::string& field) {
    try {
        make();
        BOOST_ERROR("no config_error for field " << field);
    } catch (const config_error& e) {
        BOOST_TEST(e.field() == field);
        BOOST_TEST(std::string(e.what()).find(field) != std::string::npos, e.what());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(detector_api)

BOOST_AUTO_TEST_CASE(defaults_are_rivers) {
    const auto a = drift::adwin{}.get_params();
    BOOST_TEST(a.delta == 0.002);
    BOOST_TEST((a.clock == 32 && a.max_buckets == 5 && a.min_window_length == 5 && a.grace_period == 10));
    const auto ph = drift::page_hinkley{}.get_params();
    BOOST_TEST((ph.min_instances == 30 && ph.delta == 0.005 && ph.threshold == 50.0));
    BOOST_TEST(ph.alpha == 1 - 0.0001);
    BOOST_TEST((ph.mode == drift::page_hinkley::direction::both));
    const auto k = drift::kswin{}.get_params();
    BOOST_TEST((k.alpha == 0.005 && k.window_size == 100 && k.stat_size == 30));
    const auto d = drift::ddm{}.get_params();
    BOOST_TEST((d.warm_start == 30 && d.warning_threshold == 2.0 && d.drift_threshold == 3.0));
    const auto e = drift::eddm{}.get_params();
    BOOST_TEST((e.warm_start == 30 && e.alpha == 0.95 && e.beta == 0.9));
    const auto ha = drift::hddm_a{}.get_params();
    BOOST_TEST((ha.drift_confidence == 0.001 && ha.warning_confidence == 0.005 && !ha.two_sided_test));
    const auto hw = drift::hddm_w{}.get_params();
    BOOST_TEST((hw.drift_confidence == 0.001 && hw.warning_confidence == 0.005 && hw.lambda_val == 0.05 &&
                !hw.two_sided_test));
}

BOOST_AUTO_TEST_CASE(bad_parameters_name_the_field) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    expect_config_error([] { drift::adwin({.delta = 0.0}); }, "delta");
    expect_config_error([] { drift::adwin({.delta = 1.0}); }, "delta");
    expect_config_error([] { drift::adwin({.clock = 0}); }, "clock");
    expect_config_error([] { drift::adwin({.max_buckets = 0}); }, "max_buckets");
    expect_config_error([] { drift::adwin({.min_window_length = 0}); }, "min_window_length");
    expect_config_error([] { drift::adwin({.grace_period = -1}); }, "grace_period");
    expect_config_error([] { drift::page_hinkley({.min_instances = 0}); }, "min_instances");
    expect_config_error([] { drift::page_hinkley({.delta = -0.1}); }, "delta");
    expect_config_error([&] { drift::page_hinkley({.threshold = nan}); }, "threshold");
    expect_config_error([] { drift::page_hinkley({.threshold = 0.0}); }, "threshold");
    expect_config_error([] { drift::page_hinkley({.alpha = 1.5}); }, "alpha");
    expect_config_error([] { drift::page_hinkley({.mode = static_cast<drift::page_hinkley::direction>(7)}); },
                        "mode");
    expect_config_error([] { drift::kswin({.alpha = -0.1}); }, "alpha");
    expect_config_error([] { drift::kswin({.stat_size = 0}); }, "stat_size");
    expect_config_error([] { drift::kswin({.window_size = 100, .stat_size = 51}); }, "window_size");
    expect_config_error([] { drift::kswin({.window_size = 30000, .stat_size = 10001}); }, "stat_size");
    expect_config_error([] { drift::ddm({.warm_start = -1}); }, "warm_start");
    expect_config_error([] { drift::ddm({.warning_threshold = 0.0}); }, "warning_threshold");
    expect_config_error([] { drift::ddm({.drift_threshold = -3.0}); }, "drift_threshold");
    expect_config_error([] { drift::eddm({.alpha = 0.8, .beta = 0.9}); }, "beta");  // River: alpha >= beta
    expect_config_error([] { drift::eddm({.alpha = 1.2}); }, "alpha");
    expect_config_error([] { drift::hddm_a({.drift_confidence = 0.0}); }, "drift_confidence");
    expect_config_error([] { drift::hddm_a({.warning_confidence = 1.0}); }, "warning_confidence");
    expect_config_error([] { drift::hddm_w({.lambda_val = 0.0}); }, "lambda_val");
    expect_config_error([&] { drift::hddm_w({.drift_confidence = nan}); }, "drift_confidence");
    // The edges of the valid ranges are accepted.
    drift::kswin({.alpha = 1.0, .window_size = 60, .stat_size = 30});
    drift::page_hinkley({.delta = 0.0, .alpha = 1.0});
    drift::eddm({.alpha = 0.9, .beta = 0.9});
    drift::adwin({.clock = 1, .max_buckets = 1, .min_window_length = 1, .grace_period = 0});
}

BOOST_AUTO_TEST_CASE(non_finite_input_is_a_data_error_and_changes_nothing) {
    const auto xs = normal_stream(3, 3000, 3.0);
    const auto check = [&](auto d) {
        auto ref = d;
        const double bad[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity()};
        std::vector<std::size_t> got, want;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (i % 500 == 7) {
                try {
                    d.update(bad[i % 3]);
                    BOOST_ERROR("no data_error");
                } catch (const data_error& e) {
                    BOOST_TEST(e.row() == i);
                    BOOST_TEST(std::string(e.what()).find("non-finite") != std::string::npos);
                }
            }
            if (d.update(xs[i])) got.push_back(i);
            if (ref.update(xs[i])) want.push_back(i);
        }
        BOOST_TEST(got == want, boost::test_tools::per_element());
        BOOST_TEST(!want.empty());  // the shift is found, so the comparison means something
    };
    check(drift::adwin{});
    check(drift::page_hinkley{});
    check(drift::kswin{});
}

// The update after a detection starts from a fresh detector (River >= 0.15):
// the detections after the k-th equal those of a new detector fed from k + 1 on.
BOOST_AUTO_TEST_CASE(fresh_start_after_each_detection) {
    const auto xs = normal_stream(5, 8000, 1.5);
    const auto bits = error_stream(6, 8000, 0.1, 0.35);
    const auto check = [](auto d, const auto& stream) {
        using V = typename std::decay_t<decltype(stream)>::value_type;
        const auto all = detections(d, stream);
        BOOST_TEST_REQUIRE(!all.empty());
        auto fresh = decltype(d)(d.get_params());
        const std::vector<V> tail(stream.begin() + static_cast<std::ptrdiff_t>(all[0] + 1), stream.end());
        auto after = detections(fresh, tail);
        for (auto& i : after) i += all[0] + 1;
        BOOST_TEST(std::vector<std::size_t>(all.begin() + 1, all.end()) == after, boost::test_tools::per_element());
    };
    check(drift::adwin{}, xs);
    check(drift::page_hinkley{}, xs);
    check(drift::kswin({.seed = 9}), xs);
    check(drift::ddm{}, bits);
    check(drift::eddm{}, bits);
    check(drift::hddm_a{}, bits);
    check(drift::hddm_w{}, bits);
}

BOOST_AUTO_TEST_CASE(reset_gives_a_fresh_detector) {
    const auto xs = normal_stream(8, 6000, 2.0);
    const auto bits = error_stream(9, 6000, 0.05, 0.3);
    const auto check = [](auto d, const auto& stream) {
        const auto first = detections(d, stream);
        BOOST_TEST(d.n_detections() == first.size());
        BOOST_TEST(d.n_updates() == stream.size());
        d.reset();
        BOOST_TEST(!d.drift_detected());
        BOOST_TEST(d.n_detections() == 0u);
        BOOST_TEST(d.n_updates() == 0u);
        BOOST_TEST(detections(d, stream) == first, boost::test_tools::per_element());
    };
    check(drift::adwin{}, xs);
    check(drift::page_hinkley{}, xs);
    check(drift::kswin{}, xs);
    check(drift::python_kswin({.seed = 1}), xs);
    check(drift::ddm{}, bits);
    check(drift::eddm{}, bits);
    check(drift::hddm_a({.two_sided_test = true}), bits);
    check(drift::hddm_w({.two_sided_test = true}), bits);
}

// ADWIN's window is the last width() values of the stream since the last reset:
// its total and sum of squared deviations equal a direct two-pass computation.
BOOST_AUTO_TEST_CASE(adwin_window_statistics_brute_force) {
    const auto xs = normal_stream(11, 20000, 2.0);
    for (const int clock : {1, 32}) {
        drift::adwin d({.clock = clock});
        std::size_t start = 0;  // first index of the current (post-reset) stream
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (d.drift_detected()) start = i;
            d.update(xs[i]);
            if (i % 997 != 0 && !d.drift_detected()) continue;
            const std::size_t w = d.width();
            BOOST_TEST_REQUIRE(w <= i + 1 - start);
            double sum = 0.0;
            for (std::size_t j = i + 1 - w; j <= i; ++j) sum += xs[j];
            const double mean = sum / static_cast<double>(w);
            double ss = 0.0;
            for (std::size_t j = i + 1 - w; j <= i; ++j) ss += (xs[j] - mean) * (xs[j] - mean);
            BOOST_TEST(d.total() == sum, boost::test_tools::tolerance(1e-9));
            BOOST_TEST(d.variance() == ss, boost::test_tools::tolerance(1e-9));
            BOOST_TEST(d.estimation() == mean, boost::test_tools::tolerance(1e-9));
            // memory stays logarithmic: at most max_buckets + 1 summaries per power of two
            BOOST_TEST(d.n_buckets() <= 6u * (static_cast<std::size_t>(std::log2(static_cast<double>(w))) + 1));
        }
        BOOST_TEST(d.n_detections() >= 1u);
    }
}

BOOST_AUTO_TEST_CASE(page_hinkley_directions) {
    // A rise is seen by up and both, not by down; a fall the other way round.
    std::vector<double> rise(600, 0.0), fall(600, 0.0);
    for (std::size_t i = 300; i < 600; ++i) {
        rise[i] = 1.0;
        fall[i] = -1.0;
    }
    using dir = drift::page_hinkley::direction;
    const auto any = [](dir m, const std::vector<double>& xs) {
        drift::page_hinkley d({.threshold = 20.0, .mode = m});
        return !detections(d, xs).empty();
    };
    BOOST_TEST(any(dir::up, rise));
    BOOST_TEST(any(dir::both, rise));
    BOOST_TEST(!any(dir::down, rise));
    BOOST_TEST(any(dir::down, fall));
    BOOST_TEST(any(dir::both, fall));
    BOOST_TEST(!any(dir::up, fall));
}

BOOST_AUTO_TEST_CASE(error_stream_detectors_see_a_rising_error_rate) {
    const auto bits = error_stream(12, 6000, 0.1, 0.5);
    const auto first = [&](auto d) {
        for (std::size_t i = 0; i < bits.size(); ++i)
            if (d.update(static_cast<bool>(bits[i]))) return static_cast<long>(i);
        return -1L;
    };
    // The change is at 3000; each finds it within a few hundred updates and not before.
    for (const long at : {first(drift::ddm{}), first(drift::hddm_a{}), first(drift::hddm_w{})}) {
        BOOST_TEST(at >= 3000);
        BOOST_TEST(at < 3400);
    }
    // Nothing changes: the HDDMs stay quiet on a constant error rate.
    const auto flat = error_stream(13, 6000, 0.2, 0.2);
    drift::hddm_a ha;
    drift::hddm_w hw;
    BOOST_TEST(detections(ha, flat).size() <= 1u, "hddm_a: " << ha.n_detections() << " false alarms");
    BOOST_TEST(detections(hw, flat).empty());
}

BOOST_AUTO_TEST_CASE(kswin_default_sampler) {
    const auto xs = normal_stream(14, 4000, 3.0);
    drift::kswin a({.seed = 5}), b({.seed = 5}), c({.seed = 6});
    const auto da = detections(a, xs), db = detections(b, xs), dc = detections(c, xs);
    BOOST_TEST(da == db, boost::test_tools::per_element());  // seeded: reproducible
    // A shift of 3 sd is found within a window of the change, whatever the seed.
    for (const auto* d : {&da, &dc}) {
        const auto it = std::find_if(d->begin(), d->end(), [](std::size_t i) { return i >= 2000; });
        BOOST_TEST_REQUIRE((it != d->end()));
        BOOST_TEST(*it < 2100u);
    }
    // p-value and statistic are those of the two samples the test drew.
    BOOST_TEST(a.window_length() <= 100u);
    BOOST_TEST((a.p_value() >= 0.0 && a.p_value() <= 1.0));
    // Draws are distinct indices below n.
    drift::philox_sampler s(3);
    std::vector<std::size_t> out(30);
    for (int r = 0; r < 100; ++r) {
        s.sample(70, out);
        const std::set<std::size_t> u(out.begin(), out.end());
        BOOST_TEST(u.size() == 30u);
        BOOST_TEST(*u.rbegin() < 70u);
    }
}

BOOST_AUTO_TEST_CASE(kswin_initial_window) {
    // River's `window` argument: the last window_size values fill the window and the first
    // update already runs a test.
    const auto xs = normal_stream(15, 300, 0.0);
    drift::python_kswin k({.seed = 1}, drift::python_random_sampler(1), std::span(xs).first(150));
    BOOST_TEST(k.window_length() == 100u);
    BOOST_TEST(k.window_at(0) == xs[50]);
    k.update(xs[150]);
    BOOST_TEST(k.p_value() > 0.0);
    BOOST_TEST(k.window_at(99) == xs[150]);
}

BOOST_AUTO_TEST_SUITE_END()
