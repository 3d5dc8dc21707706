// bench_xgboost_capi: the XGBoost peer through its C API (Debian libxgboost-dev,
// 1.7.x), on make_higgs_like's float32 files, printing one GBDT_RESULT line
// (bench_common.hpp) for bench/compare/gbdt_peers.py.
//
//   bench_xgboost_capi --train train.f32 --test test.f32 [--task binary|regression]
//                      [--rows N] [--threads 2] [--rounds 200] [--setup leaf63|depth6]
//
// Parameters: tree_method=hist, max_bin=256 (XGBoost counts the missing bin
// apart, so 256 matches LightGBM's and tessera's 255 value bins + NaN bin),
// eta=0.1, leaf63: grow_policy=lossguide max_leaves=63 max_depth=0; depth6:
// grow_policy=depthwise max_depth=6; nthread; objective binary:logistic or
// reg:squarederror; other parameters at their defaults.
// Timed: bin_s = building the QuantileDMatrix (sketch + gradient index, through
// the data-iterator API, so training does not re-bin); train_s = the 200
// XGBoosterUpdateOneIter calls; predict_s = best of 3 XGBoosterPredictFromDense
// on the test rows (in-place prediction, as Python's inplace_predict).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xgboost/c_api.h>

#include "bench_common.hpp"

namespace {

void check(int rc, const char* what) {
    if (rc != 0) {
        std::fprintf(stderr, "bench_xgboost_capi: %s failed: %s\n", what, XGBGetLastError());
        std::exit(1);
    }
}
#define XGB(call) check((call), #call)

std::string array_interface(const float* data, std::size_t rows, std::size_t cols) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "{\"data\":[%llu,true],\"shape\":[%zu,%zu],\"typestr\":\"<f4\",\"version\":3}",
                  static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(data)), rows,
                  cols);
    return buf;
}

// One-batch data iterator feeding the proxy DMatrix.
struct batch_iter {
    DMatrixHandle proxy = nullptr;
    const gbdt_bench::table* t = nullptr;
    bool done = false;
    std::string ai;
};
int iter_next(DataIterHandle h) {
    auto* it = static_cast<batch_iter*>(h);
    if (it->done) return 0;
    it->done = true;
    it->ai = array_interface(it->t->X.data(), it->t->rows, it->t->features);
    XGB(XGProxyDMatrixSetDataDense(it->proxy, it->ai.c_str()));
    XGB(XGDMatrixSetFloatInfo(it->proxy, "label", it->t->y.data(), it->t->rows));
    return 1;
}
void iter_reset(DataIterHandle h) { static_cast<batch_iter*>(h)->done = false; }

}  // namespace

int main(int argc, char** argv) {
    using clock = std::chrono::steady_clock;
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    gbdt_bench::run run(argc, argv, "xgboost-capi",
                        std::to_string(major) + "." + std::to_string(minor) + "." +
                            std::to_string(patch));
    const auto& a = run.a;
    const auto& train = run.train;
    const auto& test = run.test;
    auto& r = run.rec;
    r.rss_loaded_mb = gbdt_bench::rss_mb();
    r.timed = "bin: QuantileDMatrix; train: UpdateOneIter x rounds; predict: PredictFromDense";

    const std::string nthread = std::to_string(a.threads);
    auto t0 = clock::now();
    batch_iter it;
    it.t = &train;
    XGB(XGProxyDMatrixCreate(&it.proxy));
    const std::string cfg = "{\"missing\":NaN,\"nthread\":" + nthread + ",\"max_bin\":256}";
    DMatrixHandle dtrain = nullptr;
    XGB(XGQuantileDMatrixCreateFromCallback(&it, it.proxy, nullptr, iter_reset, iter_next,
                                            cfg.c_str(), &dtrain));
    r.bin_s = gbdt_bench::seconds_since(t0);

    BoosterHandle b = nullptr;
    XGB(XGBoosterCreate(&dtrain, 1, &b));
    const auto set = [&](const char* k, const std::string& v) { XGB(XGBoosterSetParam(b, k, v.c_str())); };
    set("tree_method", "hist");
    set("max_bin", "256");
    set("eta", "0.1");
    set("nthread", nthread);
    set("objective", a.regression ? "reg:squarederror" : "binary:logistic");
    set("verbosity", "0");
    if (a.setup == "leaf63") {
        set("grow_policy", "lossguide");
        set("max_leaves", "63");
        set("max_depth", "0");
    } else {
        set("grow_policy", "depthwise");
        set("max_depth", "6");
    }
    t0 = clock::now();
    const double c0 = gbdt_bench::cpu_seconds();
    for (int i = 0; i < a.rounds; ++i) {
        XGB(XGBoosterUpdateOneIter(b, i, dtrain));
        if (i == 0) r.first_round_s = gbdt_bench::seconds_since(t0);
    }
    r.train_s = gbdt_bench::seconds_since(t0);
    r.train_cpu_s = gbdt_bench::cpu_seconds() - c0;
    r.trees = a.rounds;

    const std::string ai = array_interface(test.X.data(), test.rows, test.features);
    const char* pcfg =
        "{\"type\":0,\"training\":false,\"cache_id\":0,\"iteration_begin\":0,\"iteration_end\":0,"
        "\"strict_shape\":false,\"missing\":NaN}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    r.predict = gbdt_bench::best_of(3, [&] {
        XGB(XGBoosterPredictFromDense(b, ai.c_str(), pcfg, nullptr, &shape, &dim, &out));
    });
    const std::vector<double> score(out, out + test.rows);
    r.quality = gbdt_bench::test_quality(test, score, a.regression);
    if (!a.model_out.empty()) XGB(XGBoosterSaveModel(b, a.model_out.c_str()));
    gbdt_bench::print(r);
    XGB(XGBoosterFree(b));
    XGB(XGDMatrixFree(dtrain));
    XGB(XGDMatrixFree(it.proxy));
    return 0;
}
