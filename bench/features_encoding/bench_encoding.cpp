// bench_encoding — frame-level transformers on 1,000,000 rows: one_hot_encoder
// (fit + transform, 20 categories), target_encoder (fit_transform, cv = 5),
// time_features (seq vs par), window_features (1000 groups, lags {1, 7},
// rolling {7, 28} x mean/std/min/max; seq vs par). Items/s = rows/s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/features/one_hot_encoder.hpp>
#include <tessera/features/target_encoder.hpp>
#include <tessera/features/time_features.hpp>
#include <tessera/features/window_features.hpp>

using namespace tessera;
namespace ft = tessera::features;

namespace {

constexpr std::size_t rows = 1'000'000;

const frame& data() {
    static const frame f = [] {
        rng g(1);
        std::vector<std::string> dict;
        for (int i = 0; i < 20; ++i) dict.push_back("cat" + std::to_string(i));
        std::vector<std::int32_t> codes(rows);
        std::vector<std::int64_t> group(rows), ts(rows);
        std::vector<double> v(rows);
        for (std::size_t r = 0; r < rows; ++r) {
            codes[r] = static_cast<std::int32_t>(g.uniform_int(0, 19));
            group[r] = g.uniform_int(0, 999);
            ts[r] = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(r) * 60'000'000'000;
            v[r] = g.normal();
        }
        return frame::from_columns({column::categorical("c", codes, dict), column::int64("g", group),
                                    column::timestamp("ts", ts), column::float64("v", v)});
    }();
    return f;
}

void one_hot(benchmark::State& st) {
    const frame& X = data();
    for (auto _ : st) {
        const auto f = ft::one_hot_encoder{{.columns = {"c"}}}.fit(exec::seq, X);
        benchmark::DoNotOptimize(f.transform(exec::seq, X));
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * rows));
}

void target(benchmark::State& st) {
    const frame& X = data();
    const auto y = [&] {
        auto out = vector<double>::from_shape({rows});
        const auto v = X.column("v").values<double>();
        for (std::size_t r = 0; r < rows; ++r) out(r) = v[r];
        return out;
    }();
    for (auto _ : st)
        benchmark::DoNotOptimize(ft::target_encoder{{.columns = {"c"}}}.fit_transform(exec::seq, X, y));
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * rows));
}

template <class P>
void time_feat(benchmark::State& st, P policy) {
    const frame& X = data();
    const auto f = ft::time_features{{.column = "ts"}}.fit(exec::seq, X);
    for (auto _ : st) benchmark::DoNotOptimize(f.transform(policy, X));
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * rows));
}

template <class P>
void window(benchmark::State& st, P policy) {
    const frame& X = data();
    const auto f = ft::window_features{{.columns = {"v"}, .group_by = "g", .order_by = "ts",
                                        .lags = {1, 7}, .windows = {7, 28}}}
                       .fit(exec::seq, X);
    for (auto _ : st) benchmark::DoNotOptimize(f.transform(policy, X));
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * rows));
}

}  // namespace

BENCHMARK(one_hot)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(target)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(time_feat, seq, exec::seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(time_feat, par, exec::par)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(window, seq, exec::seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(window, par, exec::par)->Unit(benchmark::kMillisecond)->UseRealTime();
