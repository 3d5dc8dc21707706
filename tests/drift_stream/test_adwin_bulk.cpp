// drift::detail::adwin_histogram::push_bulk (ADWIN's buckets formed a block at
// a time) against push (one value at a time, River's insert + compress): the
// same rows, counts, bucket sums and variances bit for bit, and the same
// width, total and variance, on random streams of odd lengths split into
// random blocks, with drops of the oldest bucket in between, for several
// max_buckets, and on a stream long enough for more than 20 rows. Then
// drift::adwin (which buffers values between tests) against a one-value-at-a-time
// ADWIN written here from the reference push: same detection indices and state.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/random.hpp>
#include <tessera/drift/adwin.hpp>
#include <tessera/drift/detail/adwin_histogram.hpp>

using namespace tessera;
using drift::detail::adwin_histogram;
using drift::detail::rounded;

namespace {

void check_same(const adwin_histogram& ref, const adwin_histogram& bulk, const std::string& where) {
    BOOST_TEST_CONTEXT(where) {
        BOOST_TEST(ref.rows() == bulk.rows());
        BOOST_TEST(ref.width() == bulk.width());
        BOOST_TEST(ref.total() == bulk.total());  // exact: same additions in the same order
        BOOST_TEST(ref.window_variance() == bulk.window_variance());
        if (ref.rows() != bulk.rows()) return;
        for (std::size_t r = 0; r < ref.rows(); ++r) {
            BOOST_TEST(ref.count(r) == bulk.count(r), "row " << r);
            if (ref.count(r) != bulk.count(r)) continue;
            for (std::size_t k = 0; k < ref.count(r); ++k) {
                BOOST_TEST(ref.sum(r, k) == bulk.sum(r, k), "row " << r << " entry " << k);
                BOOST_TEST(ref.var(r, k) == bulk.var(r, k), "row " << r << " entry " << k);
            }
        }
    }
}

double draw(rng& g, int kind) {
    switch (kind) {
        case 0: return g.uniform<double>();
        case 1: return g.uniform<double>() < 0.3 ? 1.0 : 0.0;
        default: return (g.uniform<double>() - 0.5) * std::exp(g.uniform<double>() * 20.0 - 10.0);
    }
}

// A one-value-at-a-time ADWIN on the reference push: River's update loop with
// River's scan and cut formula, written plainly (no screen, no buffer).
class plain_adwin {
public:
    explicit plain_adwin(const drift::adwin::params& p)
        : p_(p), h_(static_cast<std::size_t>(p.max_buckets) + 1) {}
    bool update(double x) {
        if (drift_) {
            h_.clear();
            tick_ = 0;
        }
        h_.push(x);
        drift_ = false;
        if (++tick_ % p_.clock == 0 && h_.width() > p_.grace_period) {
            for (bool again = true; again && h_.width() > 0.0;) {
                again = false;
                const double w = h_.width(), var_w = h_.window_variance() / w;
                const double dprime = std::log(2.0 * std::log(w) / p_.delta);
                const double mwl = p_.min_window_length;
                double n0 = 0.0, n1 = w, u0 = 0.0, u1 = h_.total();
                std::size_t seen = 0, last = h_.n_buckets() - 1;
                for (std::size_t r = h_.rows(); r-- > 0 && !again;) {
                    const double size = std::ldexp(1.0, static_cast<int>(r));
                    for (std::size_t k = 0; k < h_.count(r) && seen < last && !again; ++k, ++seen) {
                        n0 += size;
                        n1 -= size;
                        u0 += h_.sum(r, k);
                        u1 -= h_.sum(r, k);
                        if (n0 < mwl || n1 < mwl) continue;
                        const double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
                        const double d = std::fabs(u0 / n0 - u1 / n1);
                        const double linear = rounded(2.0 / 3.0 * dprime * m);  // no FMA into the sum below
                        if (d > linear && d > std::sqrt(2.0 * m * var_w * dprime) + linear) {
                            drift_ = again = true;
                            h_.drop_oldest();
                        }
                    }
                }
            }
        }
        return drift_;
    }
    const adwin_histogram& histogram() const { return h_; }

private:
    drift::adwin::params p_;
    adwin_histogram h_;
    std::int64_t tick_ = 0;
    bool drift_ = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(adwin_bulk)

BOOST_AUTO_TEST_CASE(bulk_equals_one_at_a_time) {
    rng g(606);
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t cap = 2 + static_cast<std::size_t>(trial % 7);  // max_buckets 1..7
        const int kind = trial % 3;
        adwin_histogram ref(cap), bulk(cap);
        const std::size_t n = 1 + static_cast<std::size_t>(g.uniform<double>() * 3001.0);
        std::vector<double> block;
        for (std::size_t i = 0; i < n;) {
            // Blocks of 0..100 values (1 and odd sizes included).
            const std::size_t len = std::min(n - i, static_cast<std::size_t>(g.uniform<double>() * 101.0));
            block.clear();
            for (std::size_t j = 0; j < len; ++j) block.push_back(draw(g, kind));
            for (const double x : block) ref.push(x);
            bulk.push_bulk(block.data(), block.size());
            i += len;
            // Now and then drop some of the oldest buckets (ADWIN's cuts).
            if (g.uniform<double>() < 0.1)
                for (int d = static_cast<int>(g.uniform<double>() * 4.0); d > 0 && ref.width() > 0.0; --d) {
                    ref.drop_oldest();
                    bulk.drop_oldest();
                }
            // And restart now and then (ADWIN's reset after a detection).
            if (g.uniform<double>() < 0.01) {
                ref.clear();
                bulk.clear();
            }
            if (trial < 20) check_same(ref, bulk, "trial " + std::to_string(trial) + " at " + std::to_string(i));
        }
        check_same(ref, bulk, "trial " + std::to_string(trial) + " end, cap " + std::to_string(cap));
    }
}

BOOST_AUTO_TEST_CASE(long_stream_more_than_20_rows) {
    // 2^24 + 12345 values in blocks of 64 and 37: rows of up to 2^22 values.
    rng g(7);
    adwin_histogram ref(6), bulk(6);
    std::vector<double> block(64);
    const std::size_t n = (std::size_t{1} << 24) + 12345;
    for (std::size_t i = 0; i < n;) {
        const std::size_t len = std::min(n - i, (i / 64) % 2 == 0 ? std::size_t{64} : std::size_t{37});
        for (std::size_t j = 0; j < len; ++j) block[j] = g.uniform<double>();
        for (std::size_t j = 0; j < len; ++j) ref.push(block[j]);
        bulk.push_bulk(block.data(), len);
        i += len;
    }
    BOOST_TEST(ref.rows() > 20u);
    BOOST_TEST(ref.width() == static_cast<double>(n));
    check_same(ref, bulk, "long stream");
}

BOOST_AUTO_TEST_CASE(adwin_equals_plain_one_at_a_time) {
    rng g(31337);
    for (int trial = 0; trial < 60; ++trial) {
        drift::adwin::params p;
        p.clock = trial % 4 == 0 ? 1 : (trial % 4 == 1 ? 32 : 1 + static_cast<int>(g.uniform<double>() * 100.0));
        p.max_buckets = 1 + trial % 6;
        p.delta = trial % 5 == 0 ? 0.1 : 0.002;
        drift::adwin a(p);
        drift::adwin blocked(p);
        plain_adwin ref(p);
        // Piecewise streams with level shifts, so that cuts and restarts happen.
        const std::size_t n = 500 + static_cast<std::size_t>(g.uniform<double>() * 6001.0);
        std::vector<double> xs(n);
        double level = 0.0;
        for (auto& x : xs) {
            if (g.uniform<double>() < 0.002) level = g.uniform<double>() * 4.0;
            x = level + draw(g, trial % 3);
        }
        std::vector<std::size_t> want, got, got_blocks;
        for (std::size_t i = 0; i < n; ++i) {
            if (ref.update(xs[i])) want.push_back(i);
            if (a.update(xs[i])) got.push_back(i);
            // Query now and then: the buffer goes in early, which must change nothing.
            if (i % 97 == 0) {
                BOOST_TEST(a.width() == static_cast<std::uint64_t>(ref.histogram().width()));
                BOOST_TEST(a.total() == ref.histogram().total());
                BOOST_TEST(a.n_updates() == i + 1);
            }
        }
        for (std::size_t i = 0; i < n;) {
            const std::size_t len = std::min(n - i, 1 + static_cast<std::size_t>(g.uniform<double>() * 150.0));
            std::vector<std::size_t> at;
            blocked.update(std::span<const double>(xs.data() + i, len), at);
            for (const auto j : at) got_blocks.push_back(i + j);
            i += len;
        }
        BOOST_TEST_CONTEXT("trial " << trial << " clock " << p.clock << " max_buckets " << p.max_buckets) {
            BOOST_TEST(got == want, boost::test_tools::per_element());
            BOOST_TEST(got_blocks == want, boost::test_tools::per_element());
            BOOST_TEST(a.n_detections() == want.size());
            BOOST_TEST(blocked.n_updates() == n);
            check_same(ref.histogram(), a.histogram(), "single updates");
            check_same(ref.histogram(), blocked.histogram(), "blocks");
            // reset(): counters and window back to zero, mid-period included.
            a.update(1.0);
            a.reset();
            BOOST_TEST(a.n_updates() == 0u);
            BOOST_TEST(a.n_detections() == 0u);
            BOOST_TEST(a.width() == 0u);
            BOOST_TEST(!a.drift_detected());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(adwin_bulk_errors)

// A non-finite value inside a block: the values before it are applied, the
// exception names its update index, and the state (including a detection just
// made, which must not be cleared yet) is the loop's.
BOOST_AUTO_TEST_CASE(block_stops_at_non_finite_as_the_loop_does) {
    std::vector<double> xs;
    for (int i = 0; i < 2000; ++i) xs.push_back(i < 1000 ? 0.0 : 10.0);
    drift::adwin loop;
    std::size_t first = 0;
    for (std::size_t i = 0; i < xs.size(); ++i)
        if (loop.update(xs[i])) {
            first = i;
            break;
        }
    BOOST_REQUIRE(first > 1000u);
    for (const std::size_t extra : {std::size_t{0}, std::size_t{1}, std::size_t{40}}) {
        drift::adwin a, ref;
        for (std::size_t i = 0; i <= first + extra; ++i) ref.update(xs[i]);
        std::vector<double> block(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(first + extra + 1));
        block.push_back(std::nan(""));
        block.push_back(1.0);
        std::vector<std::size_t> at;
        BOOST_CHECK_THROW(a.update(std::span<const double>(block), at), data_error);
        BOOST_CHECK_THROW(ref.update(std::nan("")), data_error);
        BOOST_TEST(at == std::vector<std::size_t>{first}, boost::test_tools::per_element());
        BOOST_TEST(a.drift_detected() == ref.drift_detected());
        BOOST_TEST(a.drift_detected() == (extra == 0));
        BOOST_TEST(a.n_updates() == ref.n_updates());
        BOOST_TEST(a.width() == ref.width());
        BOOST_TEST(a.total() == ref.total());
    }
}

BOOST_AUTO_TEST_SUITE_END()
