// Updates per second of each streaming detector (default parameters), over the
// concatenation of the five seeded streams of its kind in tests/data/river_*.txt
// (28,000 values), a fresh detector per pass: the loop
// bench/compare/river_detectors.py --time runs on River. Counter `items_per_second`
// is updates/s of CPU time; compare it with the script's `cpu updates/s` column
// from the same session (CPU time is what survives a busy machine; both sides also
// print wall-clock figures).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tessera/drift/adwin.hpp>
#include <tessera/drift/ddm.hpp>
#include <tessera/drift/eddm.hpp>
#include <tessera/drift/hddm_a.hpp>
#include <tessera/drift/hddm_w.hpp>
#include <tessera/drift/kswin.hpp>
#include <tessera/drift/page_hinkley.hpp>

namespace {

// The values of one golden file (the lines after `stream <kind> <name> <n>`).
std::vector<double> stream_values(const std::string& kind, const std::string& name) {
    const std::string path = std::string(TESSERA_TEST_DATA_DIR) + "/river_" + kind + "_" + name + ".txt";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line, tok;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        ls >> tok;
        if (tok != "stream") continue;
        std::size_t n;
        ls >> tok >> tok >> n;
        std::vector<double> v(n);
        for (auto& x : v) {
            std::getline(in, line);
            x = std::stod(line);
        }
        return v;
    }
    throw std::runtime_error("no stream in " + path);
}

std::vector<double> all_streams(const std::string& kind) {
    std::vector<double> out;
    for (const char* name : {"abrupt", "gradual", "nodrift", "noisy", "riverdoc"}) {
        const auto v = stream_values(kind, name);
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

const std::vector<double>& real_values() {
    static const auto v = all_streams("real");
    return v;
}
const std::vector<bool>& error_values() {
    static const auto v = [] {
        const auto d = all_streams("binary");
        return std::vector<bool>(d.begin(), d.end());
    }();
    return v;
}

template <class D, class Make>
void run(benchmark::State& state, Make make) {
    const auto& xs = []() -> const auto& {
        if constexpr (tessera::drift_detector<D, double>)
            return real_values();
        else
            return error_values();
    }();
    for (auto _ : state) {
        D d = make();
        std::uint64_t hits = 0;
        for (const auto x : xs) hits += d.update(x);
        benchmark::DoNotOptimize(hits);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * xs.size()));
}

using namespace tessera::drift;

void BM_adwin(benchmark::State& s) { run<adwin>(s, [] { return adwin{}; }); }
// The same stream through ADWIN's block form update(span, at) (same indices).
void BM_adwin_block(benchmark::State& state) {
    const auto& xs = real_values();
    std::vector<std::size_t> at;
    for (auto _ : state) {
        adwin d;
        at.clear();
        benchmark::DoNotOptimize(d.update(std::span<const double>(xs), at));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * xs.size()));
}
void BM_page_hinkley(benchmark::State& s) { run<page_hinkley>(s, [] { return page_hinkley{}; }); }
// River's KSWIN with seed 42 draws what python_kswin draws; kswin is the Philox default.
void BM_kswin_python_sampler(benchmark::State& s) { run<python_kswin>(s, [] { return python_kswin({.seed = 42}); }); }
void BM_kswin(benchmark::State& s) { run<kswin>(s, [] { return kswin({.seed = 42}); }); }
void BM_ddm(benchmark::State& s) { run<ddm>(s, [] { return ddm{}; }); }
void BM_eddm(benchmark::State& s) { run<eddm>(s, [] { return eddm{}; }); }
void BM_hddm_a(benchmark::State& s) { run<hddm_a>(s, [] { return hddm_a{}; }); }
void BM_hddm_w(benchmark::State& s) { run<hddm_w>(s, [] { return hddm_w{}; }); }

}  // namespace

// "min" beside Google Benchmark's mean/median: the best repetition's time, the
// statistic River's side reports (best of its passes). (Applied to the
// items_per_second counter it gives the worst rate: take updates/s from the
// min row's CPU time, 26,000 updates per iteration.)
static double best_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

BENCHMARK(BM_adwin)->ComputeStatistics("min", best_of);
BENCHMARK(BM_adwin_block)->ComputeStatistics("min", best_of);
BENCHMARK(BM_page_hinkley)->ComputeStatistics("min", best_of);
BENCHMARK(BM_kswin_python_sampler)->ComputeStatistics("min", best_of);
BENCHMARK(BM_kswin)->ComputeStatistics("min", best_of);
BENCHMARK(BM_ddm)->ComputeStatistics("min", best_of);
BENCHMARK(BM_eddm)->ComputeStatistics("min", best_of);
BENCHMARK(BM_hddm_a)->ComputeStatistics("min", best_of);
BENCHMARK(BM_hddm_w)->ComputeStatistics("min", best_of);
