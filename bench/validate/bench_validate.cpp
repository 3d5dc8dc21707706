// bench_validate: quality_report, schema checks, row_overlap and the regex
// cost (once per dictionary entry vs once per row) on a synthetic frame of n
// rows x 6 columns (2 float64 with 5% NaN, int64 in [0, 1000), categorical of
// 50 labels, bool, float64 with 100 distinct values). Peer:
// bench/compare/validate_pandas.py runs the same profile in pandas.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/validate/leakage.hpp>
#include <tessera/validate/quality_report.hpp>
#include <tessera/validate/schema.hpp>

using namespace tessera;

namespace {

frame make_frame(std::size_t n, std::uint64_t seed) {
    rng g(seed);
    std::vector<double> a(n), b(n), few(n);
    std::vector<std::int64_t> k(n);
    std::vector<std::int32_t> codes(n);
    std::vector<bool> flag(n);
    std::vector<std::string> dict;
    for (int i = 0; i < 50; ++i) dict.push_back("label_" + std::to_string(i));
    for (std::size_t r = 0; r < n; ++r) {
        a[r] = g.uniform<double>() < 0.05 ? std::numeric_limits<double>::quiet_NaN() : g.normal<double>();
        b[r] = g.uniform<double>() < 0.05 ? std::numeric_limits<double>::quiet_NaN() : 100 * g.uniform<double>();
        k[r] = g.uniform_int<std::int64_t>(0, 999);
        codes[r] = g.uniform_int<std::int32_t>(0, 49);
        flag[r] = g.uniform<double>() < 0.3;
        few[r] = static_cast<double>(g.uniform_int<int>(0, 99));
    }
    return frame::from_columns({column::float64("a", a), column::float64("b", b), column::int64("k", k),
                                column::categorical("c", codes, dict), column::boolean("flag", flag),
                                column::float64("few", few)});
}

const frame& cached(std::size_t n) {
    static std::size_t cached_n = 0;
    static frame f;
    if (cached_n != n) f = make_frame(n, 42), cached_n = n;
    return f;
}

void quality_report_seq(benchmark::State& st) {
    const frame& f = cached(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st) benchmark::DoNotOptimize(validate::quality_report(exec::seq, f));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}
void quality_report_par(benchmark::State& st) {
    const frame& f = cached(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st) benchmark::DoNotOptimize(validate::quality_report(exec::par, f));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}
void schema_check(benchmark::State& st) {
    const frame& f = cached(static_cast<std::size_t>(st.range(0)));
    const validate::schema s({.columns = {{.name = "a", .min = -3, .max = 3, .mostly = 0.9},
                                          {.name = "k", .type = dtype::int64, .nullable = false, .min = 0, .max = 999},
                                          {.name = "c", .allowed = {"label_1", "label_2"}},
                                          {.name = "few", .unique = true}}});
    for (auto _ : st) benchmark::DoNotOptimize(s.check(f));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}
// The same regex on the categorical column (once per label) and on the int64
// column (once per row, through the value's text).
void regex_categorical(benchmark::State& st) {
    const frame& f = cached(static_cast<std::size_t>(st.range(0)));
    const validate::schema s({.columns = {{.name = "c", .regex = "^label_[0-9]+$"}}});
    for (auto _ : st) benchmark::DoNotOptimize(s.check(f));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}
void regex_per_row(benchmark::State& st) {
    const frame& f = cached(static_cast<std::size_t>(st.range(0)));
    const validate::schema s({.columns = {{.name = "k", .regex = "^[0-9]+$"}}});
    for (auto _ : st) benchmark::DoNotOptimize(s.check(f));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}
void row_overlap(benchmark::State& st) {
    const auto n = static_cast<std::size_t>(st.range(0));
    const frame train = make_frame(n, 1), test = make_frame(n / 4, 2);
    for (auto _ : st) benchmark::DoNotOptimize(validate::row_overlap(train, test));
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(n + n / 4));
}

}  // namespace

BENCHMARK(quality_report_seq)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(quality_report_par)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(schema_check)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(regex_categorical)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(regex_per_row)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(row_overlap)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
