// drift::monitor on the size: a current frame of 1,000,000 rows x 28
// columns checked against a reference of the same size (so every column takes
// the large-reference family: normalized Wasserstein or Jensen-Shannon).
// Columns: 20 float64 (normal, 1 in 1000 NaN; half of them shifted in the
// current frame), 4 int64 with 5 distinct values, 2 categorical (8 labels),
// 2 bool. Names:
//
//   BM_monitor_check/<policy>/real_time   check(current): the figure the issue bounds (< 1 s)
//   BM_monitor_fit/<policy>/real_time     fit(reference): sorts every numerical column once
//
// Run: build-*/bench/drift_monitor/bench_drift_monitor --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/drift/monitor.hpp>

namespace {

using namespace tessera;

constexpr std::size_t rows = 1'000'000;

frame make_frame(std::uint64_t seed, double shift) {
    frame f;
    for (std::size_t j = 0; j < 20; ++j) {
        rng g(seed, j);
        std::vector<double> v(rows);
        const double s = j % 2 ? shift : 0.0;
        for (std::size_t i = 0; i < rows; ++i)
            v[i] = i % 1000 == 7 ? std::numeric_limits<double>::quiet_NaN() : g.normal<double>() + s;
        f.add_column(column::float64("num" + std::to_string(j), std::move(v)));
    }
    for (std::size_t j = 0; j < 4; ++j) {
        rng g(seed, 100 + j);
        std::vector<std::int64_t> v(rows);
        for (auto& x : v) x = static_cast<std::int64_t>(g.uniform<double>() * 5);
        f.add_column(column::int64("int" + std::to_string(j), std::move(v)));
    }
    for (std::size_t j = 0; j < 2; ++j) {
        rng g(seed, 200 + j);
        std::vector<std::int32_t> codes(rows);
        for (auto& c : codes) c = static_cast<std::int32_t>(g.uniform<double>() * 8);
        f.add_column(column::categorical("cat" + std::to_string(j), std::move(codes),
                                         {"a", "b", "c", "d", "e", "f", "g", "h"}));
    }
    for (std::size_t j = 0; j < 2; ++j) {
        rng g(seed, 300 + j);
        std::vector<bool> v(rows);
        for (std::size_t i = 0; i < rows; ++i) v[i] = g.uniform<double>() < 0.3 + shift / 10;
        f.add_column(column::boolean("flag" + std::to_string(j), v));
    }
    return f;
}

const frame& reference() {
    static const frame f = make_frame(1, 0.0);
    return f;
}
const frame& current() {
    static const frame f = make_frame(2, 0.2);
    return f;
}
const drift::monitor_fitted& fitted() {
    static const drift::monitor_fitted m = drift::monitor{}.fit(exec::par, reference());
    return m;
}

template <class P>
void BM_monitor_check(benchmark::State& state, P policy) {
    const auto& m = fitted();
    const auto& cur = current();
    std::size_t drifted = 0;
    for (auto _ : state) {
        const auto rep = m.check(policy, cur);
        drifted = rep.drifted_columns;
        benchmark::DoNotOptimize(drifted);
    }
    state.counters["drifted_columns"] = static_cast<double>(drifted);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows * 28));
}

template <class P>
void BM_monitor_fit(benchmark::State& state, P policy) {
    const auto& ref = reference();
    for (auto _ : state) {
        auto m = drift::monitor{}.fit(policy, ref);
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows * 28));
}

BENCHMARK_CAPTURE(BM_monitor_check, seq, exec::seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_monitor_check, par, exec::par)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_monitor_fit, seq, exec::seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_monitor_fit, par, exec::par)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
