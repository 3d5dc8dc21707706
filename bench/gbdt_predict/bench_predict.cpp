// bench_gbdt_predict — batch scoring throughput (rows/s) and single-row latency
// of gbdt::flat_forest against XGBoost's in-place prediction, same forest, same
// rows, one run.
//
// Forest: XGBoost (C API, hist, binary:logistic, 200 rounds, eta 0.1,
// grow_policy lossguide, max_leaves 63, max_depth 0, max_bin 255, nthread 2)
// trained on 100,000 synthetic Higgs-shaped rows (28 float features, 1% NaN,
// label from a fixed nonlinear score plus noise, Philox seed 2026). Its trees are
// dumped with XGBoosterDumpModelEx(json, with stats) and loaded into gbdt::tree
// (XGBoost's x < c is our x <= nextafter(c, -inf)). Scored rows: another 200,000
// rows of the same generator. Setup checks that our margins equal XGBoost's
// output_margin within 1e-4 (XGBoost sums in float) before timing.
// TreeSHAP: gbdt::shap_values against XGBoost's pred_contribs (through a
// DMatrix: in-place prediction has no contributions) on the first 500 rows;
// the largest difference is printed.
//
// Environment: TESSERA_BENCH_GBDT_TRAIN_ROWS (default 100000) changes the
// training set size (not the scored rows). The trained booster is cached in
// TESSERA_BENCH_GBDT_MODEL (default ./bench_gbdt_predict_xgb.json) and loaded
// from there by later runs (delete it to retrain).
#include <benchmark/benchmark.h>
#include <xgboost/c_api.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/learners/gbdt/predict.hpp>
#include <tessera/learners/gbdt/shap.hpp>
#include <tessera/learners/gbdt/tree.hpp>

namespace {

using tessera::gbdt::tree;

constexpr std::size_t n_features = 28;
constexpr std::size_t test_rows = 200'000;

void xgb_check(int rc, const char* what) {
    if (rc != 0) throw std::runtime_error(std::string(what) + ": " + XGBGetLastError());
}

// Higgs-shaped synthetic rows: standard normals, 1% NaN; label from a fixed
// nonlinear score plus noise.
void make_rows(std::uint64_t stream, std::size_t rows, std::vector<float>& X, std::vector<float>& y) {
    tessera::philox_engine g(2026, stream);
    X.resize(rows * n_features);
    y.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        float* x = X.data() + i * n_features;
        double s = 0.0;
        for (std::size_t j = 0; j < n_features; ++j) {
            const double v = g.normal();
            s += std::tanh(v) * (static_cast<double>(j % 7) - 3.0) / 4.0;
            x[j] = g.uniform() < 0.01 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(v);
        }
        s += static_cast<double>(x[0] > 0 ? x[1] : -x[1]) + 0.5 * g.normal();
        y[i] = s > 0 ? 1.0f : 0.0f;
    }
}

// One XGBoost JSON tree dump into the flat tree format (internal nodes in
// preorder, children after parents).
struct json_loader {
    tree t;
    std::int32_t emit(const nlohmann::json& n) {
        if (n.contains("leaf")) {
            const auto l = static_cast<std::int32_t>(t.leaf_value.size());
            t.leaf_value.push_back(n.at("leaf").get<double>());
            t.leaf_cover.push_back(n.value("cover", 0.0));
            t.leaf_count.push_back(0);
            return tree::as_child(l);
        }
        const std::size_t k = t.split_feature.size();
        t.split_feature.push_back(std::stoi(n.at("split").get<std::string>().substr(1)));  // "f12"
        const float c = n.at("split_condition").get<float>();
        t.threshold.push_back(std::nextafter(c, -std::numeric_limits<float>::infinity()));
        t.left.push_back(0);
        t.right.push_back(0);
        const int yes = n.at("yes").get<int>(), no = n.at("no").get<int>(), miss = n.at("missing").get<int>();
        t.flags.push_back(miss == yes ? tree::flag_default_left : 0);
        t.cat_begin.push_back(0);
        t.cat_size.push_back(0);
        t.gain.push_back(n.value("gain", 0.0));
        t.node_cover.push_back(n.value("cover", 0.0));
        t.node_count.push_back(0);
        const nlohmann::json* ch[2] = {nullptr, nullptr};
        for (const auto& c2 : n.at("children")) {
            const int id = c2.at("nodeid").get<int>();
            if (id == yes) ch[0] = &c2;
            if (id == no) ch[1] = &c2;
        }
        if (!ch[0] || !ch[1]) throw std::runtime_error("xgboost dump: missing child");
        const std::int32_t l = emit(*ch[0]);
        const std::int32_t r = emit(*ch[1]);
        t.left[k] = l;
        t.right[k] = r;
        return static_cast<std::int32_t>(k);
    }
};

struct setup {
    BoosterHandle booster = nullptr;
    std::vector<float> X;  // test rows
    std::vector<tree> trees;
    tessera::gbdt::flat_forest forest;
    std::string array_interface;
    std::size_t leaves = 0;

    setup() {
        std::vector<float> yte;
        make_rows(2, test_rows, X, yte);
        std::string cache = "bench_gbdt_predict_xgb.json";
        if (const char* e = std::getenv("TESSERA_BENCH_GBDT_MODEL")) cache = e;
        if (std::FILE* f = std::fopen(cache.c_str(), "rb")) {
            std::fclose(f);
            xgb_check(XGBoosterCreate(nullptr, 0, &booster), "XGBoosterCreate");
            xgb_check(XGBoosterLoadModel(booster, cache.c_str()), "XGBoosterLoadModel");
            std::fprintf(stderr, "bench_gbdt_predict: XGBoost model loaded from %s\n", cache.c_str());
        } else {
            train(cache);
        }
        load_trees();
    }

    void train(const std::string& cache) {
        std::size_t train_rows = 100'000;
        if (const char* e = std::getenv("TESSERA_BENCH_GBDT_TRAIN_ROWS")) train_rows = std::stoul(e);
        std::vector<float> Xtr, ytr;
        make_rows(1, train_rows, Xtr, ytr);
        DMatrixHandle dtrain;
        xgb_check(XGDMatrixCreateFromMat(Xtr.data(), train_rows, n_features,
                                         std::numeric_limits<float>::quiet_NaN(), &dtrain),
                  "XGDMatrixCreateFromMat");
        xgb_check(XGDMatrixSetFloatInfo(dtrain, "label", ytr.data(), train_rows), "set label");
        xgb_check(XGBoosterCreate(&dtrain, 1, &booster), "XGBoosterCreate");
        const std::pair<const char*, const char*> params[] = {
            {"objective", "binary:logistic"}, {"tree_method", "hist"}, {"eta", "0.1"},
            {"grow_policy", "lossguide"},     {"max_leaves", "63"},    {"max_depth", "0"},
            {"max_bin", "255"},               {"nthread", "2"},        {"base_score", "0.5"}};
        for (const auto& [k, v] : params) xgb_check(XGBoosterSetParam(booster, k, v), k);
        for (int it = 0; it < 200; ++it) xgb_check(XGBoosterUpdateOneIter(booster, it, dtrain), "update");
        XGDMatrixFree(dtrain);
        xgb_check(XGBoosterSaveModel(booster, cache.c_str()), "XGBoosterSaveModel");
    }

    void load_trees() {

        bst_ulong n = 0;
        const char** dump = nullptr;
        xgb_check(XGBoosterDumpModelEx(booster, "", 1, "json", &n, &dump), "XGBoosterDumpModelEx");
        for (bst_ulong i = 0; i < n; ++i) {
            json_loader jl;
            jl.emit(nlohmann::json::parse(dump[i]));
            leaves += jl.t.n_leaves();
            trees.push_back(std::move(jl.t));
        }
        // depth statistics: deepest leaf per tree, and nodes visited per row per tree
        double max_depth = 0.0, visited = 0.0;
        for (const auto& t : trees) {
            std::vector<std::size_t> depth(t.n_internal(), 0);
            std::size_t deepest = 0;
            for (std::size_t k = 0; k < t.n_internal(); ++k)
                for (const std::int32_t c : {t.left[k], t.right[k]})
                    if (tree::is_leaf(c)) deepest = std::max(deepest, depth[k] + 1);
                    else depth[static_cast<std::size_t>(c)] = depth[k] + 1;
            max_depth += static_cast<double>(deepest);
            for (std::size_t i = 0; i < 10'000; ++i) {
                const float* x = X.data() + i * n_features;
                std::int32_t node = t.n_internal() == 0 ? -1 : 0;
                while (node >= 0) {
                    const auto k = static_cast<std::size_t>(node);
                    node = t.goes_left(k, x[t.split_feature[k]]) ? t.left[k] : t.right[k];
                    visited += 1.0;
                }
            }
        }
        std::fprintf(stderr, "bench_gbdt_predict: mean deepest leaf %.1f, mean nodes visited per row and tree %.2f\n",
                     max_depth / static_cast<double>(trees.size()),
                     visited / 10'000.0 / static_cast<double>(trees.size()));
        forest = tessera::gbdt::flat_forest(trees, 1, n_features);
        array_interface = array_json(X.data(), test_rows);

        // our raw margins against XGBoost's output_margin
        std::vector<double> ours(test_rows);
        forest.predict_raw(tessera::exec::seq, X.data(), test_rows, ours.data());
        const float* theirs = xgb_predict(X.data(), test_rows, 2);
        double worst = 0.0;
        for (std::size_t i = 0; i < test_rows; ++i) worst = std::max(worst, std::abs(ours[i] - theirs[i]));
        std::fprintf(stderr,
                     "bench_gbdt_predict: %zu trees, %zu leaves (mean %.1f), %zu packed nodes; "
                     "max |ours - xgboost margin| = %.3g over %zu rows\n",
                     trees.size(), leaves, static_cast<double>(leaves) / static_cast<double>(trees.size()),
                     forest.n_nodes(), worst, test_rows);
        if (!(worst < 1e-4)) throw std::runtime_error("bench_gbdt_predict: tessera and XGBoost disagree");
    }

    static std::string array_json(const float* p, std::size_t rows) {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "{\"data\": [%llu, true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", \"version\": 3}",
                      static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(p)), rows, n_features);
        return buf;
    }

    // SHAP contributions (rows x (n_features + 1)) of the first rows test rows:
    // in-place prediction has no contributions, so through a DMatrix (made once).
    DMatrixHandle shap_matrix = nullptr;
    const float* xgb_contribs(std::size_t rows, int threads) {
        if (!shap_matrix)
            xgb_check(XGDMatrixCreateFromMat(X.data(), rows, n_features, std::numeric_limits<float>::quiet_NaN(),
                                             &shap_matrix),
                      "XGDMatrixCreateFromMat");
        xgb_check(XGBoosterSetParam(booster, "nthread", std::to_string(threads).c_str()), "nthread");
        const char* config =
            "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
            "\"strict_shape\": false}";
        const bst_ulong* shape = nullptr;
        bst_ulong dim = 0;
        const float* out = nullptr;
        xgb_check(XGBoosterPredictFromDMatrix(booster, shap_matrix, config, &shape, &dim, &out),
                  "XGBoosterPredictFromDMatrix");
        return out;
    }

    // type 1: margin
    const float* xgb_predict(const float* p, std::size_t rows, int threads, int type = 1) {
        xgb_check(XGBoosterSetParam(booster, "nthread", std::to_string(threads).c_str()), "nthread");
        const std::string values = p == X.data() && rows == test_rows ? array_interface : array_json(p, rows);
        const std::string config = "{\"type\": " + std::to_string(type) +
                                   ", \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
                                   "\"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}";
        const bst_ulong* shape = nullptr;
        bst_ulong dim = 0;
        const float* out = nullptr;
        xgb_check(XGBoosterPredictFromDense(booster, values.c_str(), config.c_str(), nullptr, &shape, &dim, &out),
                  "XGBoosterPredictFromDense");
        return out;
    }
};

setup& data() {
    static setup s;
    return s;
}

template <class P>
void bm_tessera(benchmark::State& st, P policy) {
    auto& d = data();
    std::vector<double> out(test_rows);
    for (auto _ : st) {
        d.forest.predict_raw(policy, d.X.data(), test_rows, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * test_rows));
    st.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(st.iterations() * test_rows),
                                                   benchmark::Counter::kIsRate);
}

void BM_tessera_seq(benchmark::State& st) { bm_tessera(st, tessera::exec::seq); }
void BM_tessera_simd(benchmark::State& st) { bm_tessera(st, tessera::exec::simd); }
void BM_tessera_par(benchmark::State& st) {
    bm_tessera(st, tessera::exec::par_t{.threads = static_cast<unsigned>(st.range(0))});
}

void BM_xgboost_inplace(benchmark::State& st) {
    auto& d = data();
    const int threads = static_cast<int>(st.range(0));
    for (auto _ : st) benchmark::DoNotOptimize(d.xgb_predict(d.X.data(), test_rows, threads));
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * test_rows));
    st.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(st.iterations() * test_rows),
                                                   benchmark::Counter::kIsRate);
}

// Single-row latency: one row per call, cycling through the test rows.
void BM_tessera_row(benchmark::State& st) {
    auto& d = data();
    double out = 0.0;
    std::size_t i = 0;
    for (auto _ : st) {
        d.forest.predict_row(d.X.data() + i * n_features, &out);
        benchmark::DoNotOptimize(out);
        if (++i == test_rows) i = 0;
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

void BM_xgboost_row(benchmark::State& st) {
    auto& d = data();
    std::size_t i = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(d.xgb_predict(d.X.data() + i * n_features, 1, 1));
        if (++i == test_rows) i = 0;
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

// TreeSHAP on the first shap_rows rows: tessera (exact, double) and XGBoost
// (pred_contribs, float); the first call prints the largest difference.
constexpr std::size_t shap_rows = 500;

const std::vector<double>& shap_ours() {
    static std::vector<double> phi = [] {
        auto& d = data();
        std::vector<double> out(shap_rows * (n_features + 1));
        const double base = 0.0;  // binary:logistic, base_score 0.5: margin 0
        tessera::gbdt::shap_values(tessera::exec::seq, std::span<const tree>(d.trees), 1, n_features,
                                   std::span<const double>(&base, 1), d.X.data(), shap_rows, out.data());
        const float* theirs = d.xgb_contribs(shap_rows, 2);
        double worst = 0.0;
        for (std::size_t i = 0; i < out.size(); ++i) worst = std::max(worst, std::abs(out[i] - theirs[i]));
        std::fprintf(stderr, "bench_gbdt_predict: max |tessera SHAP - XGBoost pred_contribs| = %.3g over %zu rows\n",
                     worst, shap_rows);
        return out;
    }();
    return phi;
}

template <class P>
void bm_shap(benchmark::State& st, P policy) {
    auto& d = data();
    (void)shap_ours();
    std::vector<double> out(shap_rows * (n_features + 1));
    const double base = 0.0;
    for (auto _ : st) {
        tessera::gbdt::shap_values(policy, std::span<const tree>(d.trees), 1, n_features,
                                   std::span<const double>(&base, 1), d.X.data(), shap_rows, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * shap_rows));
}
void BM_tessera_shap_seq(benchmark::State& st) { bm_shap(st, tessera::exec::seq); }
void BM_tessera_shap_par(benchmark::State& st) {
    bm_shap(st, tessera::exec::par_t{.threads = static_cast<unsigned>(st.range(0))});
}
void BM_xgboost_shap(benchmark::State& st) {
    auto& d = data();
    (void)shap_ours();
    const int threads = static_cast<int>(st.range(0));
    for (auto _ : st) benchmark::DoNotOptimize(d.xgb_contribs(shap_rows, threads));
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * shap_rows));
}

}  // namespace

BENCHMARK(BM_tessera_seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tessera_simd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tessera_par)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_xgboost_inplace)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tessera_row)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_xgboost_row)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_tessera_shap_seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tessera_shap_par)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_xgboost_shap)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
