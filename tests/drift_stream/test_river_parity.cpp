// Streaming detectors against River 0.26.1: the same detection (and warning)
// indices on the seeded streams of bench/compare/river_detectors.py, the
// diagnostics of the final state, CPython's random draws (python_kswin's
// sampler) and scipy's ks_2samp p-values for equal sample sizes (KSWIN's test).
#define BOOST_TEST_MODULE drift_stream
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <span>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/drift/adwin.hpp>
#include <tessera/drift/ddm.hpp>
#include <tessera/drift/eddm.hpp>
#include <tessera/drift/hddm_a.hpp>
#include <tessera/drift/hddm_w.hpp>
#include <tessera/drift/kswin.hpp>
#include <tessera/drift/page_hinkley.hpp>

#include "golden.hpp"

using namespace tessera;
using namespace drift_stream_test;

namespace {

const char* const real_streams[] = {"abrupt", "gradual", "nodrift", "noisy", "riverdoc"};

struct replay_result {
    std::vector<std::uint64_t> drifts;
    std::set<std::uint64_t> warnings;
};

template <class D, class V>
replay_result replay(D& d, const std::vector<double>& xs) {
    replay_result r;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const bool ret = d.update(static_cast<V>(xs[i]));
        BOOST_REQUIRE_EQUAL(ret, d.drift_detected());
        if (d.drift_detected()) r.drifts.push_back(i);
        if constexpr (requires { d.warning_detected(); })
            if (d.warning_detected()) r.warnings.insert(i);
    }
    BOOST_TEST(d.n_detections() == r.drifts.size());
    BOOST_TEST(d.n_updates() == xs.size());
    return r;
}

int ival(const golden_case& c, const char* key, int fallback) { return static_cast<int>(c.num(key, fallback)); }
bool bval(const golden_case& c, const char* key) { return c.num(key, 0) != 0; }

drift::page_hinkley::direction ph_mode(const golden_case& c) {
    const auto it = c.params.find("mode");
    if (it == c.params.end() || it->second == "both") return drift::page_hinkley::direction::both;
    return it->second == "up" ? drift::page_hinkley::direction::up : drift::page_hinkley::direction::down;
}

// River's state values and ours: the arithmetic is River's, so they agree to the last bit
// (a tolerance would hide an order-of-operations slip).
void check_state(const golden_case& c, const char* key, double ours) {
    const auto it = c.state.find(key);
    BOOST_REQUIRE_MESSAGE(it != c.state.end(), "golden state lacks " << key);
    BOOST_TEST(ours == it->second, key << ": tessera " << ours << " vs River " << it->second);
}

// For values tessera computes by a different (division-free) formula than River:
// relative closeness; the detection indices stay exact.
void check_state_close(const golden_case& c, const char* key, double ours, double rel) {
    const auto it = c.state.find(key);
    BOOST_REQUIRE_MESSAGE(it != c.state.end(), "golden state lacks " << key);
    BOOST_TEST(std::abs(ours - it->second) <= rel * std::abs(it->second),
               key << ": tessera " << ours << " vs River " << it->second);
}

void check_real_case(const golden_stream& g, const golden_case& c) {
    BOOST_TEST_CONTEXT("stream " << g.name << ", case " << c.name) {
        replay_result r;
        if (c.detector == "adwin") {
            drift::adwin d({.delta = c.num("delta", 0.002),
                            .clock = ival(c, "clock", 32),
                            .max_buckets = ival(c, "max_buckets", 5),
                            .min_window_length = ival(c, "min_window_length", 5),
                            .grace_period = ival(c, "grace_period", 10)});
            r = replay<drift::adwin, double>(d, g.values);
            BOOST_TEST(d.width() == static_cast<std::uint64_t>(c.state.at("width")));
            check_state(c, "total", d.total());
            // tessera keeps the window's sum of squared deviations as shifted sums
            // (adwin.hpp, insert) rather than River's incremental update with two
            // divisions per value: same quantity, different rounding. Both are
            // within ~1e-14 of the exact value here; 1e-11 relative leaves room
            // for longer windows. The detection indices above are what must match.
            check_state_close(c, "variance", d.variance(), 1e-11);
            check_state(c, "estimation", d.estimation());
        } else if (c.detector == "page_hinkley") {
            drift::page_hinkley d({.min_instances = ival(c, "min_instances", 30),
                                   .delta = c.num("delta", 0.005),
                                   .threshold = c.num("threshold", 50.0),
                                   .alpha = c.num("alpha", 1 - 0.0001),
                                   .mode = ph_mode(c)});
            r = replay<drift::page_hinkley, double>(d, g.values);
            check_state(c, "mean", d.mean());
        } else if (c.detector == "kswin") {
            const drift::python_kswin::params p{.alpha = c.num("alpha", 0.005),
                                                .window_size = ival(c, "window_size", 100),
                                                .stat_size = ival(c, "stat_size", 30),
                                                .seed = static_cast<std::uint64_t>(std::stoull(c.params.at("seed")))};
            drift::python_kswin d(p);
            std::vector<double> p_at_drift;
            for (std::size_t i = 0; i < g.values.size(); ++i)
                if (d.update(g.values[i])) {
                    r.drifts.push_back(i);
                    p_at_drift.push_back(d.p_value());
                }
            check_state(c, "p_value", d.p_value());
            for (std::size_t j = 0; j < p_at_drift.size() && j < 3; ++j)
                check_state(c, ("p_at_drift" + std::to_string(j)).c_str(), p_at_drift[j]);
        } else {
            BOOST_FAIL("unknown real-valued detector " << c.detector);
        }
        BOOST_TEST(r.drifts == c.drifts, boost::test_tools::per_element());
    }
}

void check_binary_case(const golden_stream& g, const golden_case& c) {
    BOOST_TEST_CONTEXT("stream " << g.name << ", case " << c.name) {
        replay_result r;
        if (c.detector == "ddm") {
            drift::ddm d({.warm_start = ival(c, "warm_start", 30),
                          .warning_threshold = c.num("warning_threshold", 2.0),
                          .drift_threshold = c.num("drift_threshold", 3.0)});
            r = replay<drift::ddm, bool>(d, g.values);
            // p = k / n here, River's running mean p += (x - p) / n there: equal up
            // to the running mean's rounding, a few ulps per update.
            check_state_close(c, "p", d.error_rate(), 1e-12);
        } else if (c.detector == "eddm") {
            drift::eddm d({.warm_start = ival(c, "warm_start", 30), .alpha = c.num("alpha", 0.95),
                           .beta = c.num("beta", 0.9)});
            r = replay<drift::eddm, bool>(d, g.values);
        } else if (c.detector == "hddm_a") {
            drift::hddm_a d({.drift_confidence = c.num("drift_confidence", 0.001),
                             .warning_confidence = c.num("warning_confidence", 0.005),
                             .two_sided_test = bval(c, "two_sided_test")});
            r = replay<drift::hddm_a, bool>(d, g.values);
        } else if (c.detector == "hddm_w") {
            drift::hddm_w d({.drift_confidence = c.num("drift_confidence", 0.001),
                             .warning_confidence = c.num("warning_confidence", 0.005),
                             .lambda_val = c.num("lambda_val", 0.05),
                             .two_sided_test = bval(c, "two_sided_test")});
            r = replay<drift::hddm_w, bool>(d, g.values);
        } else {
            BOOST_FAIL("unknown binary detector " << c.detector);
        }
        BOOST_TEST(r.drifts == c.drifts, boost::test_tools::per_element());
        BOOST_TEST(r.warnings.size() == c.warnings.size());
        BOOST_TEST((r.warnings == c.warnings), "warning indices differ from River's");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(river_parity)

BOOST_AUTO_TEST_CASE(real_valued_detectors_match_river) {
    std::size_t cases = 0;
    for (const char* s : real_streams) {
        const auto g = read_stream(std::string("river_real_") + s + ".txt");
        BOOST_TEST(g.kind == "real");
        for (const auto& c : g.cases) {
            check_real_case(g, c);
            ++cases;
        }
    }
    BOOST_TEST(cases == 5u * 11u);
}

BOOST_AUTO_TEST_CASE(binary_detectors_match_river) {
    std::size_t cases = 0;
    for (const char* s : real_streams) {
        const auto g = read_stream(std::string("river_binary_") + s + ".txt");
        BOOST_TEST(g.kind == "binary");
        for (const auto& c : g.cases) {
            check_binary_case(g, c);
            ++cases;
        }
    }
    BOOST_TEST(cases == 5u * 8u);
}

// River's docstring indices, as printed by its doctests (semantics.md section 1).
BOOST_AUTO_TEST_CASE(river_docstring_examples) {
    const auto real = read_stream("river_real_riverdoc.txt").values;
    const auto first = [](auto& d, const std::vector<double>& xs, auto cast) -> long {
        for (std::size_t i = 0; i < xs.size(); ++i)
            if (d.update(cast(xs[i]))) return static_cast<long>(i);
        return -1;
    };
    const auto as_double = [](double v) { return v; };
    const auto as_bool = [](double v) { return v != 0.0; };
    drift::adwin a;
    BOOST_TEST(first(a, real, as_double) == 1023);
    drift::page_hinkley ph;
    BOOST_TEST(first(ph, real, as_double) == 1006);
    drift::python_kswin k({.alpha = 0.0001, .seed = 42});
    BOOST_TEST(first(k, real, as_double) == 1016);
    const auto bits = read_stream("river_binary_riverdoc.txt").values;
    drift::ddm dd;
    BOOST_TEST(first(dd, bits, as_bool) == 1334);
    drift::eddm e({.alpha = 0.8, .beta = 0.75});
    BOOST_TEST(first(e, bits, as_bool) == 1278);
    drift::hddm_a ha;
    BOOST_TEST(first(ha, bits, as_bool) == 1206);
    drift::hddm_w hw;
    BOOST_TEST(first(hw, bits, as_bool) == 1077);
}

BOOST_AUTO_TEST_CASE(doc_example) {
    const std::vector<double> stream = read_stream("river_real_riverdoc.txt").values;
    const std::vector<double> errors = read_stream("river_binary_riverdoc.txt").values;
    // example-begin drift_stream
    // River's docstring stream: 1000 draws from {0, 1}, then 1000 from {4, 5, 6, 7}.
    drift::adwin adwin;  // River's defaults: delta 0.002, clock 32, max_buckets 5, ...
    std::vector<std::size_t> changes;
    for (std::size_t i = 0; i < stream.size(); ++i)
        if (adwin.update(stream[i])) changes.push_back(i);  // update returns drift_detected()
    // changes == {1023}, as River; the update after a detection starts from an empty window.

    // Error streams take bool (1 = mistake): ddm.update(0.3) does not compile.
    drift::ddm ddm({.warm_start = 30, .warning_threshold = 2.0, .drift_threshold = 3.0});
    std::size_t first_warning = 0, first_drift = 0;
    for (std::size_t i = 0; i < errors.size() && first_drift == 0; ++i) {
        ddm.update(errors[i] != 0.0);
        if (ddm.warning_detected() && first_warning == 0) first_warning = i;
        if (ddm.drift_detected()) first_drift = i;
    }
    // first_warning == 1084, first_drift == 1334 (River's DDM docstring)
    // example-end drift_stream
    BOOST_TEST(changes == std::vector<std::size_t>{1023}, boost::test_tools::per_element());
    BOOST_TEST(first_warning == 1084u);
    BOOST_TEST(first_drift == 1334u);
    BOOST_TEST(adwin.n_detections() == 1u);
}

BOOST_AUTO_TEST_CASE(python_random_matches_cpython) {
    std::ifstream in(data_path("river_python_random.txt"));
    BOOST_REQUIRE(in);
    std::string line, tok;
    std::size_t lines = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::uint64_t seed;
        ls >> tok >> seed;
        drift::detail::python_mt19937 mt(seed);
        BOOST_TEST_CONTEXT(line.substr(0, 40)) {
            if (tok == "bits") {
                int k;
                ls >> k;
                for (std::uint64_t want; ls >> want;) BOOST_TEST(mt.getrandbits(k) == want);
            } else {
                std::size_t n, k;
                ls >> n >> k;
                drift::python_random_sampler s(seed);
                std::vector<std::size_t> out(k);
                for (int round = 0; round < 2; ++round) {
                    s.sample(n, out);
                    for (std::size_t i = 0; i < k; ++i) {
                        std::size_t want;
                        ls >> want;
                        BOOST_TEST(out[i] == want);
                    }
                }
                // restart() is random.Random(seed) again
                s.restart();
                drift::python_random_sampler fresh(seed);
                std::vector<std::size_t> a(k), b(k);
                s.sample(n, a);
                fresh.sample(n, b);
                BOOST_TEST(a == b, boost::test_tools::per_element());
            }
        }
        ++lines;
    }
    BOOST_TEST(lines == 6u * 14u);
}

BOOST_AUTO_TEST_CASE(ks_equal_n_matches_scipy) {
    std::ifstream in(data_path("river_ks_equal_n.txt"));
    BOOST_REQUIRE(in);
    std::string line, tok;
    std::size_t cases = 0;
    const auto read_values = [&](std::size_t n) {
        std::getline(in, line);
        std::istringstream ls(line);
        ls >> tok;
        std::vector<double> v(n);
        for (auto& x : v) ls >> x;
        std::sort(v.begin(), v.end());
        return v;
    };
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::size_t n;
        double stat, p;
        ls >> tok >> n >> stat >> p;
        const auto a = read_values(n), b = read_values(n);
        const auto r = drift::detail::ks_equal_n(a, b);
        BOOST_TEST_CONTEXT("n " << n << ", scipy D " << stat << ", p " << p) {
            BOOST_TEST(r.statistic == stat);
            BOOST_TEST(r.p_value == p);  // bit for bit, the asymptotic fallback included
        }
        ++cases;
    }
    BOOST_TEST(cases == 12u * 4u * 2u + 5u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the block form of update: same indices and state as one update per value ----

namespace {

// Single updates, then the same values in blocks of uneven sizes (1, 7, 64, 1000,
// repeating) through update(span, at): the detection indices and the final state
// must be the same.
template <class D, class V>
void check_blocks(const std::vector<double>& xs, std::string_view name) {
    BOOST_TEST_CONTEXT(name) {
        D single;
        std::vector<std::size_t> want;
        for (std::size_t i = 0; i < xs.size(); ++i)
            if (single.update(static_cast<V>(xs[i]))) want.push_back(i);
        std::unique_ptr<V[]> vals(new V[xs.size()]);
        for (std::size_t i = 0; i < xs.size(); ++i) vals[i] = static_cast<V>(xs[i]);
        D block;
        std::vector<std::size_t> got;
        const std::size_t sizes[] = {1, 7, 64, 1000};
        for (std::size_t at = 0, k = 0; at < xs.size(); ++k) {
            const std::size_t len = std::min(sizes[k % 4], xs.size() - at);
            std::vector<std::size_t> local;
            const std::size_t n = block.update(std::span<const V>(vals.get() + at, len), local);
            BOOST_TEST(n == local.size());
            for (const std::size_t i : local) got.push_back(at + i);
            at += len;
        }
        BOOST_TEST(got == want, boost::test_tools::per_element());
        BOOST_TEST(block.n_updates() == single.n_updates());
        BOOST_TEST(block.n_detections() == single.n_detections());
        BOOST_TEST(block.drift_detected() == single.drift_detected());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(block_update)

BOOST_AUTO_TEST_CASE(block_update_matches_single_updates) {
    std::size_t detections = 0;
    for (const char* s : real_streams) {
        const auto real = read_stream(std::string("river_real_") + s + ".txt").values;
        check_blocks<drift::adwin, double>(real, std::string("adwin ") + s);
        const auto bin = read_stream(std::string("river_binary_") + s + ".txt").values;
        check_blocks<drift::ddm, bool>(bin, std::string("ddm ") + s);
        check_blocks<drift::eddm, bool>(bin, std::string("eddm ") + s);
        drift::ddm d;
        for (const double v : bin) detections += d.update(v != 0.0);
    }
    BOOST_TEST(detections > 0u);  // the streams do drift
}

BOOST_AUTO_TEST_SUITE_END()
