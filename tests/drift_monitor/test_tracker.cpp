// drift::performance_tracker against a brute-force recomputation of the
// metric on the last `window` samples after every update; triggers; bad input.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/drift/performance_tracker.hpp>
#include <tessera/eval/metrics.hpp>

using namespace tessera;

namespace {

// example-begin tracker
const auto accuracy = [](std::span<const std::int32_t> t, std::span<const std::int32_t> p) {
    return eval::accuracy_score(exec::seq, t, p);
};
// example-end tracker

}  // namespace

BOOST_AUTO_TEST_SUITE(performance_tracker)

BOOST_AUTO_TEST_CASE(window_metric_matches_brute_force) {
    rng g(21);
    std::vector<std::int32_t> all_true, all_pred;
    // example-begin tracker_use
    drift::performance_tracker tracker(accuracy, /*baseline=*/0.9,
                                       {.window = 50, .min_samples = 20, .floor = 0.7, .max_drop = 0.15});
    // example-end tracker_use
    std::size_t updates = 0;
    for (int step = 0; step < 120; ++step) {
        // Batches of 0..9 samples; accuracy decays from 0.95 to 0.55.
        const std::size_t b = static_cast<std::size_t>(g.uniform<double>() * 10);
        const double acc = 0.95 - 0.4 * step / 120.0;
        std::vector<std::int32_t> t(b), p(b);
        for (std::size_t i = 0; i < b; ++i) {
            t[i] = g.uniform<double>() < 0.5;
            p[i] = g.uniform<double>() < acc ? t[i] : 1 - t[i];
        }
        all_true.insert(all_true.end(), t.begin(), t.end());
        all_pred.insert(all_pred.end(), p.begin(), p.end());
        if (all_true.empty()) continue;
        const auto& s = tracker.update(std::span<const std::int32_t>(t), std::span<const std::int32_t>(p));
        ++updates;
        const std::size_t n = all_true.size(), w = std::min<std::size_t>(50, n);
        double hits = 0;
        for (std::size_t i = n - w; i < n; ++i) hits += all_true[i] == all_pred[i];
        const double expected = hits / static_cast<double>(w);
        BOOST_TEST(std::abs(s.value - expected) < 1e-15);
        BOOST_TEST(s.samples == w);
        const bool ready = w >= 20;
        BOOST_TEST(s.below_floor == (ready && expected < 0.7));
        BOOST_TEST(s.dropped == (ready && 0.9 - expected > 0.15));
        BOOST_TEST(tracker.triggered() == (s.below_floor || s.dropped));
        BOOST_TEST(tracker.current() == s.value);
    }
    BOOST_TEST(tracker.history().size() == updates);
    BOOST_TEST(tracker.samples_seen() == all_true.size());
    BOOST_TEST(tracker.triggered());  // accuracy ends near 0.55
    BOOST_TEST(tracker.reason().find("below the floor 0.7") != std::string::npos);
    const auto wt = tracker.window_true();
    BOOST_TEST(std::equal(wt.begin(), wt.end(), all_true.end() - 50));
    tracker.reset();
    BOOST_TEST(tracker.history().empty());
    BOOST_TEST(tracker.window_size() == 0u);
    BOOST_TEST(tracker.baseline() == 0.9);
}

BOOST_AUTO_TEST_CASE(lower_is_better_scores_and_baseline_set) {
    // Mean absolute error over (int label, double prediction): lower is better.
    const auto mae = [](std::span<const std::int32_t> t, std::span<const double> p) {
        double s = 0;
        for (std::size_t i = 0; i < t.size(); ++i) s += std::abs(t[i] - p[i]);
        return s / static_cast<double>(t.size());
    };
    const std::vector<std::int32_t> bt{0, 1, 1, 0};
    const std::vector<double> bp{0.1, 0.9, 0.8, 0.2};
    auto tr = drift::performance_tracker<decltype(mae), std::int32_t, double>::from_baseline(
        mae, bt, bp, {.window = 4, .max_drop = 0.2, .higher_is_better = false});
    BOOST_TEST(std::abs(tr.baseline() - 0.15) < 1e-15);
    // A long batch keeps only its last `window` samples.
    const std::vector<std::int32_t> t{1, 1, 0, 1, 0, 0};
    const std::vector<double> p{0.0, 0.0, 0.5, 0.5, 0.5, 0.5};
    tr.update(std::span<const std::int32_t>(t), std::span<const double>(p));
    BOOST_TEST(tr.current() == 0.5);
    BOOST_TEST(tr.state().dropped);  // 0.5 - 0.15 > 0.2
    BOOST_TEST(!tr.state().below_floor);
    tr.update(1, 1.0);
    BOOST_TEST(tr.current() == 0.375);  // {0.5, 0.5, 0.5, 0}
    // ROC AUC over scores, through eval/metrics.hpp.
    const auto auc = [](std::span<const std::int32_t> t, std::span<const double> s) {
        return eval::roc_auc_score(exec::seq, t, s);
    };
    drift::performance_tracker<decltype(auc), std::int32_t, double> at(auc, 0.8, {.window = 4, .floor = 0.6});
    const std::vector<std::int32_t> yt{0, 1, 0, 1};
    const std::vector<double> ys{0.9, 0.1, 0.8, 0.2};
    at.update(std::span<const std::int32_t>(yt), std::span<const double>(ys));
    BOOST_TEST(at.current() == 0.0);
    BOOST_TEST(at.triggered());
}

BOOST_AUTO_TEST_CASE(bad_input) {
    using T = drift::performance_tracker<decltype(accuracy)>;
    BOOST_CHECK_THROW(T(accuracy, std::nan("")), config_error);
    BOOST_CHECK_THROW(T(accuracy, 0.9, {.window = 0}), config_error);
    BOOST_CHECK_THROW(T(accuracy, 0.9, {.window = 5, .min_samples = 6}), config_error);
    BOOST_CHECK_THROW(T(accuracy, 0.9, {.max_drop = -1}), config_error);
    T t(accuracy, 0.9);
    const std::vector<std::int32_t> a{1, 0}, b{1};
    BOOST_CHECK_THROW(t.update(std::span<const std::int32_t>(a), std::span<const std::int32_t>(b)), shape_error);
    BOOST_TEST(t.history().empty());
}

BOOST_AUTO_TEST_SUITE_END()
