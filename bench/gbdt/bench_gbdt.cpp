// bench_gbdt: tessera's gradient-boosted trees on make_higgs_like's float32
// files, printing one GBDT_RESULT line (bench_common.hpp) for
// bench/compare/gbdt_peers.py, which runs it beside LightGBM and XGBoost.
//
//   bench_gbdt --train train.f32 --test test.f32 [--task binary|regression]
//              [--rows N] [--threads 2] [--rounds 200] [--setup leaf63|depth6]
//              [--model out.tsm]
//
// Parameters: rounds, learning_rate 0.1, max_bin 255 (+ the NaN bin); leaf63:
// growth leaf_wise, max_leaves 63; depth6: growth depth_wise, max_depth 6,
// max_leaves 64; everything else at gbdt::params' defaults (LightGBM's).
// Timed: bin_s = gbdt::dataset::build (bin mappers + binned matrix, reusable
// across fits); train_s = classifier/regressor fit on that dataset; predict_s =
// best of 3 predict_proba (binary) / predict (regression) on the test rows;
// forest_predict_s = best of 3 gbdt::flat_forest::predict_raw on them (the
// scorer alone, raw scores).
// Policy: exec::par{.threads = T}.
#include <cstdio>
#include <string>
#include <vector>

#include <tessera/exec/policy.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/gbdt.hpp>
#include <tessera/learners/gbdt/predict.hpp>

#include "bench_common.hpp"

using namespace tessera;

int main(int argc, char** argv) try {
    using clock = std::chrono::steady_clock;
    gbdt_bench::run run(argc, argv, "tessera", "main");
    const auto& a = run.a;
    const auto& train = run.train;
    const auto& test = run.test;
    auto& r = run.rec;
    r.timed = "bin: gbdt::dataset::build; train: fit(dataset); predict: predict_proba/predict";

    gbdt::params p{.rounds = a.rounds, .learning_rate = 0.1, .max_leaves = 63, .max_bin = 255};
    if (a.setup == "depth6") {
        p.growth = gbdt::growth_policy::depth_wise;
        p.max_depth = 6;
        p.max_leaves = 64;
    }
    const exec::par_t policy{.threads = static_cast<unsigned>(a.threads)};
    // Labels in the estimator's type, made before the memory baseline.
    vector<std::int32_t> cls;
    vector<float> target;
    if (a.regression) {
        target = vector<float>::from_shape({train.rows});
        std::copy(train.y.begin(), train.y.end(), target.begin());
    } else {
        cls = vector<std::int32_t>::from_shape({train.rows});
        for (std::size_t i = 0; i < train.rows; ++i) cls(i) = train.y[i] > 0.5f ? 1 : 0;
    }
    r.rss_loaded_mb = gbdt_bench::rss_mb();

    auto t0 = clock::now();
    const gbdt::dataset d = gbdt::dataset::build(policy, train.X, p);
    r.bin_s = gbdt_bench::seconds_since(t0);

    t0 = clock::now();
    const double c0 = gbdt_bench::cpu_seconds();
    const gbdt::model m = a.regression ? gbdt::regressor{p}.fit(policy, d, target)
                                       : gbdt::classifier{p}.fit(policy, d, cls);
    r.train_s = gbdt_bench::seconds_since(t0);
    r.train_cpu_s = gbdt_bench::cpu_seconds() - c0;
    r.trees = static_cast<int>(m.trees().size());

    std::vector<double> score(test.rows);
    r.predict = gbdt_bench::best_of(3, [&] {
        if (a.regression) {
            const auto pred = m.predict(policy, test.X);
            std::copy(pred.begin(), pred.end(), score.begin());
        } else {
            const auto proba = m.predict_proba(policy, test.X);
            for (std::size_t i = 0; i < test.rows; ++i) score[i] = proba(i, 1);
        }
    });
    r.quality = gbdt_bench::test_quality(test, score, a.regression);
    // The scorer alone (raw scores, no link function), as a model keeping a
    // flat_forest would run it: built once outside the timing.
    const gbdt::flat_forest forest(m.trees(), m.n_outputs(), m.n_features());
    std::vector<double> raw(test.rows * m.n_outputs());
    r.extra = gbdt_bench::best_of(3, [&] { forest.predict_raw(policy, test.X.data(), test.rows, raw.data()); });
    if (!a.model_out.empty()) io::save(m, a.model_out);
    gbdt_bench::print(r);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_gbdt: %s\n", e.what());
    return 1;
}
