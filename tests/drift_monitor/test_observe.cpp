// drift::observe in pipelines: predictions unchanged, the latest report kept,
// save/load of the fitted pipeline, frames passed through as they are; and the
// report's renderings (text, JSON, HTML).
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/drift/monitor.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/linear/logistic_regression.hpp>
#include <tessera/pipeline/pipeline.hpp>

using namespace tessera;

namespace {

struct data {
    matrix<double> X;
    vector<std::int32_t> y;
};

data make(std::size_t n, std::uint64_t seed, double shift) {
    rng g(seed);
    data d{matrix<double>::from_shape({n, 3}), vector<std::int32_t>::from_shape({n})};
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < 3; ++j) {
            const double z = g.normal<double>();
            d.X(i, j) = z + (j == 0 ? shift : 0.0);
            s += (j + 1.0) * z;
        }
        d.y(i) = g.uniform<double>() < 1 / (1 + std::exp(-s)) ? 1 : 0;
    }
    return d;
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(observe_stage)

BOOST_AUTO_TEST_CASE(observe_in_a_pipeline_changes_no_prediction) {
    const data train = make(2000, 1, 0.0), shifted = make(1500, 2, 1.5);
    const auto plain = tessera::pipeline(features::standard_scaler{}, learners::logistic_regression{});
    const auto a = plain.fit(exec::seq, train.X, train.y);
    // example-begin observe
    const auto watched = tessera::pipeline(drift::observe{}, features::standard_scaler{},
                                           learners::logistic_regression{});
    const auto b = watched.fit(exec::seq, train.X, train.y);        // monitor fitted on train.X
    const auto pb = b.predict_proba(exec::seq, shifted.X);          // the stage changes nothing
    const drift::drift_report rep = *b.stage<0>().latest();         // shifted.X vs train.X
    // example-end observe
    BOOST_TEST(pb == a.predict_proba(exec::seq, shifted.X));  // bitwise
    const auto& obs = b.stage<0>();
    BOOST_TEST(obs.batches_seen() == 2u);  // fit passed the training data through once
    BOOST_TEST(rep.column("x0").drifted());
    BOOST_TEST(!rep.column("x1").drifted());
    BOOST_TEST(rep.current_rows == 1500u);
    BOOST_TEST(!obs.monitor().check(exec::seq, train.X).dataset_drift);

    // The fitted pipeline saves and loads with its monitor (not its observations).
    const auto again = io::load_from_string<decltype(b)>(io::save_to_string(b));
    BOOST_TEST(again.stage<0>().batches_seen() == 0u);
    BOOST_TEST(again.predict_proba(exec::seq, shifted.X) == pb);
    BOOST_TEST(again.stage<0>().latest()->to_json() == rep.to_json());
}

BOOST_AUTO_TEST_CASE(observe_frames_with_a_prefitted_monitor) {
    const data d = make(500, 3, 0.0);
    const frame ref = drift::detail::monitor::matrix_frame(d.X);
    const auto mon = drift::monitor{}.fit(ref);
    const auto p = tessera::pipeline(drift::observe(mon)).fit(exec::seq, ref);
    BOOST_TEST(p.stage<0>().batches_seen() == 0u);  // a last stage is fitted, not run, at fit
    const frame cur = drift::detail::monitor::matrix_frame(make(300, 4, 2.0).X);
    const frame out = p.transform(exec::seq, cur);
    BOOST_TEST(out.fingerprint() == cur.fingerprint());
    BOOST_TEST(p.stage<0>().latest()->column("x0").drifted());
    p.stage<0>().reset();
    BOOST_TEST(!p.stage<0>().latest().has_value());
}

// Fitted stages are scored from many threads: every batch is recorded once.
BOOST_AUTO_TEST_CASE(observer_is_thread_safe) {
    const data d = make(400, 7, 0.0);
    const drift::observer obs = drift::observe{}.fit(exec::seq, d.X);
    std::atomic<int> unchanged{0};  // Boost.Test's assertions are not thread-safe
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i)
                if (obs.transform(exec::seq, d.X) == d.X) ++unchanged;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(unchanged.load() == 100);
    BOOST_TEST(obs.batches_seen() == 100u);
    BOOST_TEST(!obs.latest()->dataset_drift);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_renderings)

BOOST_AUTO_TEST_CASE(text_json_html_contents) {
    const data ref = make(3000, 5, 0.0), cur = make(2000, 6, 0.8);
    frame rf = drift::detail::monitor::matrix_frame(ref.X);
    frame cf = drift::detail::monitor::matrix_frame(cur.X);
    std::vector<std::string> lr, lc;
    for (std::size_t i = 0; i < 3000; ++i) lr.push_back(i % 3 ? "a<b" : "c&d");
    for (std::size_t i = 0; i < 2000; ++i) lc.push_back(i % 4 ? "a<b" : "new");
    rf.add_column(column::categorical_from_labels("cat", lr));
    cf.add_column(column::categorical_from_labels("cat", lc));
    rf.add_column(column::float64("gone", std::vector<double>(3000, 1.0)));
    const auto rep = drift::monitor{}.fit(rf).check(cf);

    const std::string text = rep.to_text();
    BOOST_TEST(text.find("x0") != std::string::npos);
    BOOST_TEST(text.find("wasserstein_normed") != std::string::npos);
    BOOST_TEST(text.find("jensen_shannon") != std::string::npos);
    BOOST_TEST(text.find("gone: missing from the current frame") != std::string::npos);
    BOOST_TEST(text.find(rep.verdict()) != std::string::npos);

    const std::string json = rep.to_json(0);
    BOOST_TEST(json.find("\"dataset_drift\":" + std::string(rep.dataset_drift ? "true" : "false")) != std::string::npos);
    BOOST_TEST(count(json, "\"column\":") == 5u);
    BOOST_TEST(json.find("\"method\":\"wasserstein_normed\"") != std::string::npos);
    BOOST_TEST(json.find("\"categories\":[\"a<b\",\"c&d\",\"(unseen)\"]") != std::string::npos);
    BOOST_TEST(json.find("\"status\":\"missing\"") != std::string::npos);
    BOOST_TEST(json.find("\"p_value\":null") != std::string::npos);  // distances have no p-value

    const std::string html = rep.to_html("Drift of test data");
    BOOST_TEST(html.rfind("<!DOCTYPE html>", 0) == 0);
    BOOST_TEST(count(html, "<svg") == 4u);  // one picture per tested column
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("a<b") == std::string::npos);  // labels are escaped
    BOOST_TEST(html.find("a&lt;b") != std::string::npos);
    BOOST_TEST(html.find("Drift of test data") != std::string::npos);
}

// A column with many categories draws its 29 largest and "(other)".
BOOST_AUTO_TEST_CASE(many_categories_are_summarised) {
    // Labels through std::to_string alone: "k" + to_string(...) trips GCC 12's
    // false -Wrestrict warning.
    std::vector<std::string> r, c;
    for (int i = 0; i < 2000; ++i) r.push_back(std::to_string(100 + i % 50));
    for (int i = 0; i < 1500; ++i) c.push_back(std::to_string(100 + (i * 7) % 45));
    const auto rep = drift::monitor{}
                         .fit(frame::from_columns({column::categorical_from_labels("c", r)}))
                         .check(frame::from_columns({column::categorical_from_labels("c", c)}));
    const auto& col = rep.column("c");
    BOOST_TEST(col.categories.size() == 30u);
    BOOST_TEST(col.categories.back() == "(other)");
    double sr = 0, sc = 0;
    for (const double v : col.reference_share) sr += v;
    for (const double v : col.current_share) sc += v;
    BOOST_TEST(std::abs(sr - 1.0) < 1e-12);
    BOOST_TEST(std::abs(sc - 1.0) < 1e-12);
}

BOOST_AUTO_TEST_SUITE_END()
