// bench/gbdt/bench_common.hpp — what the GBDT benchmark drivers share: the
// command line, loading make_higgs_like's raw float32 files, memory and time
// probes, test metrics, and the one-line JSON record that
// bench/compare/gbdt_peers.py collects from every engine (same keys as its
// Python peers).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>

#include <tessera/core/tensor.hpp>
#include <tessera/eval/metrics.hpp>

namespace gbdt_bench {

struct args {
    std::string train, test;            // make_higgs_like --bin files
    bool regression = false;            // --task binary|regression
    std::size_t rows = 0;               // first N training rows (0 = all)
    int threads = 2;
    int rounds = 200;
    std::string setup = "leaf63";       // leaf63 (63 leaves, leaf-wise) | depth6 (depth-wise)
    std::string model_out;              // optional: save the model here
};

[[noreturn]] inline void usage(const char* argv0, const std::string& why) {
    std::fprintf(stderr,
                 "%s: %s\nusage: %s --train TRAIN.f32 --test TEST.f32 [--task binary|regression]\n"
                 "       [--rows N] [--threads T] [--rounds R] [--setup leaf63|depth6] [--model PATH]\n",
                 argv0, why.c_str(), argv0);
    std::exit(2);
}

inline args parse_args(int argc, char** argv) {
    args a;
    for (int i = 1; i < argc; ++i) {
        const std::string_view k = argv[i];
        if (i + 1 >= argc) usage(argv[0], "option " + std::string(k) + " needs a value");
        const std::string v = argv[++i];
        try {
            if (k == "--train") a.train = v;
            else if (k == "--test") a.test = v;
            else if (k == "--task") {
                if (v != "binary" && v != "regression") usage(argv[0], "--task: binary or regression");
                a.regression = v == "regression";
            } else if (k == "--rows") a.rows = std::stoull(v);
            else if (k == "--threads") a.threads = std::stoi(v);
            else if (k == "--rounds") a.rounds = std::stoi(v);
            else if (k == "--setup") {
                if (v != "leaf63" && v != "depth6") usage(argv[0], "--setup: leaf63 or depth6");
                a.setup = v;
            } else if (k == "--model") a.model_out = v;
            else usage(argv[0], "unknown option " + std::string(k));
        } catch (const std::logic_error&) {
            usage(argv[0], "bad number for " + std::string(k) + ": " + v);
        }
    }
    if (a.train.empty() || a.test.empty()) usage(argv[0], "--train and --test are required");
    if (a.threads < 1 || a.rounds < 1) usage(argv[0], "--threads and --rounds must be >= 1");
    return a;
}

// A make_higgs_like --bin file: "TSRF32V1", uint64 rows, uint64 columns, then
// rows x columns float32, label first. X is row-major rows x (columns - 1).
struct table {
    std::size_t rows = 0, features = 0;
    tessera::matrix<float> X;
    std::vector<float> y;
};

inline table load_f32(const std::string& path, std::size_t max_rows = 0) {
    std::ifstream in(path, std::ios::binary);
    char magic[8];
    std::uint64_t hdr[2];
    if (!in.read(magic, 8) || std::memcmp(magic, "TSRF32V1", 8) != 0 ||
        !in.read(reinterpret_cast<char*>(hdr), sizeof hdr) || hdr[1] < 2)
        throw std::runtime_error(path + ": not a make_higgs_like --bin file");
    table t;
    t.rows = max_rows ? std::min<std::size_t>(max_rows, hdr[0]) : hdr[0];
    const std::size_t cols = hdr[1];
    t.features = cols - 1;
    t.X = tessera::matrix<float>::from_shape({t.rows, t.features});
    t.y.resize(t.rows);
    std::vector<float> buf(cols * 4096);
    for (std::size_t r0 = 0; r0 < t.rows; r0 += 4096) {  // in blocks: no second full copy
        const std::size_t n = std::min<std::size_t>(4096, t.rows - r0);
        if (!in.read(reinterpret_cast<char*>(buf.data()),
                     static_cast<std::streamsize>(n * cols * sizeof(float))))
            throw std::runtime_error(path + ": truncated");
        for (std::size_t i = 0; i < n; ++i) {
            t.y[r0 + i] = buf[i * cols];
            std::memcpy(t.X.data() + (r0 + i) * t.features, &buf[i * cols + 1], t.features * sizeof(float));
        }
    }
    return t;
}

// Resident set now (VmRSS) and the process's peak (ru_maxrss), in MB.
inline double rss_mb() {
    std::ifstream s("/proc/self/status");
    std::string line;
    while (std::getline(s, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    return 0.0;
}
inline double peak_rss_mb() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// CPU seconds of the process so far (user + system, all threads).
inline double cpu_seconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Fastest of n calls of f: wall seconds and, separately, CPU seconds (the
// smallest of each; prediction is short, so the minimum is least exposed to load).
struct best_times {
    double wall = 1e300, cpu = 1e300;
};
template <class F>
best_times best_of(int n, F&& f) {
    best_times b;
    for (int i = 0; i < n; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = cpu_seconds();
        f();
        b.wall = std::min(b.wall, seconds_since(t0));
        b.cpu = std::min(b.cpu, cpu_seconds() - c0);
    }
    return b;
}

// Test AUC (binary; `score` = probability or margin) or RMSE (regression).
inline double test_quality(const table& test, const std::vector<double>& score, bool regression) {
    if (regression) {
        const std::vector<double> y(test.y.begin(), test.y.end());
        return tessera::eval::root_mean_squared_error(y, score);
    }
    std::vector<std::int32_t> y(test.y.size());
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = test.y[i] > 0.5f ? 1 : 0;
    return tessera::eval::roc_auc_score(y, score);
}

// The record gbdt_peers.py reads: one line starting with "GBDT_RESULT ".
struct record {
    std::string engine, version, setup;
    const args* a = nullptr;
    std::size_t rows = 0, features = 0, test_rows = 0;
    double bin_s = -1, train_s = 0, train_cpu_s = 0, first_round_s = -1, quality = 0;
    best_times predict;
    best_times extra{0, 0};  // tessera: flat_forest::predict_raw alone
    double rss_loaded_mb = 0;
    int trees = 0;
    std::string timed;  // what train_s covers
};

// A run's command line and data: args, training rows (--rows of --train) and
// the test rows, and the record's fields that follow from them.
struct run {
    args a;
    table train, test;
    record rec;
    run(int argc, char** argv, std::string engine, std::string version)
        : a(parse_args(argc, argv)), train(load_f32(a.train, a.rows)), test(load_f32(a.test)) {
        rec.engine = std::move(engine);
        rec.version = std::move(version);
        rec.setup = a.setup;
        rec.a = &a;
        rec.rows = train.rows;
        rec.features = train.features;
        rec.test_rows = test.rows;
    }
    run(const run&) = delete;
    run& operator=(const run&) = delete;
};

inline void print(const record& r) {
    const double peak = peak_rss_mb();
    std::printf(
        "GBDT_RESULT {\"engine\":\"%s\",\"version\":\"%s\",\"setup\":\"%s\",\"task\":\"%s\","
        "\"rows\":%zu,\"features\":%zu,\"threads\":%d,\"rounds\":%d,\"trees\":%d,"
        "\"bin_s\":%.4f,\"train_s\":%.4f,\"train_cpu_s\":%.4f,\"first_round_s\":%.4f,\"predict_s\":%.4f,"
        "\"predict_cpu_s\":%.4f,\"predict_rows_per_s\":%.1f,\"%s\":%.6f,\"peak_rss_mb\":%.1f,\"rss_loaded_mb\":%.1f,"
        "\"rss_growth_mb\":%.1f,\"forest_predict_s\":%.4f,\"forest_predict_cpu_s\":%.4f,"
        "\"timed\":\"%s\"}\n",
        r.engine.c_str(), r.version.c_str(), r.setup.c_str(),
        r.a->regression ? "regression" : "binary", r.rows, r.features, r.a->threads, r.a->rounds,
        r.trees, r.bin_s, r.train_s, r.train_cpu_s, r.first_round_s, r.predict.wall,
        r.predict.cpu, static_cast<double>(r.test_rows) / r.predict.wall,
        r.a->regression ? "rmse" : "auc", r.quality, peak, r.rss_loaded_mb,
        peak - r.rss_loaded_mb, r.extra.wall, r.extra.cpu, r.timed.c_str());
    std::fflush(stdout);
}

}  // namespace gbdt_bench
