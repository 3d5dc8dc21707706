// io::read_csv throughput: the GBDT benchmark's numeric CSV (label + 28 floats,
// Higgs-shaped, made by make_numeric_csv) with exec::seq, par(1), par(2), and
// a small mixed-type input held in memory (per-call overhead, every type).
//
//   build-csv/bench/io/make_numeric_csv 1000000 /tmp/tessera_higgs_1m.csv
//   TESSERA_CSV_BENCH_FILE=/tmp/tessera_higgs_1m.csv build-csv/bench/io/bench_csv
//
// Counters: bytes_per_second (file bytes), peak_rss_MB (the process's peak so
// far: run one benchmark per process, --benchmark_filter, for a clean figure;
// bench/compare/csv_read.py does), parsed_MB (the frame's column bytes).
// The numeric-file timings stop before the frame is freed (as the Python
// peers' do); csv_read.py's CPU column still counts the whole process.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>

#include <sys/resource.h>

#include <tessera/core/random.hpp>
#include <tessera/io/csv.hpp>

using namespace tessera;

namespace {

std::filesystem::path bench_file() {
    const char* p = std::getenv("TESSERA_CSV_BENCH_FILE");
    return p ? p : "/tmp/tessera_higgs_1m.csv";
}

double peak_rss_mb() {
    struct rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

double parsed_mb(const frame& f) {
    double bytes = 0;
    for (std::size_t j = 0; j < f.num_columns(); ++j) {
        const dtype t = f.column(j).type();
        bytes += static_cast<double>(f.num_rows()) *
                 (t == dtype::float32 || t == dtype::categorical ? 4 : t == dtype::boolean ? 1 : 8);
    }
    return bytes / (1024.0 * 1024.0);
}

template <class P>
void numeric_file(benchmark::State& state, P policy) {
    const auto path = bench_file();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        state.SkipWithError(("no benchmark file " + path.string() +
                             "; make it with make_numeric_csv 1000000 <path> and set "
                             "TESSERA_CSV_BENCH_FILE")
                                .c_str());
        return;
    }
    double mb = 0;
    for (auto _ : state) {
        std::optional<frame> f(io::read_csv(policy, path));
        mb = parsed_mb(*f);
        benchmark::DoNotOptimize(f->num_rows());
        // Freeing the frame is not part of the read: untimed, as csv_read.py
        // times the Python readers (`del x` after the clock stops).
        state.PauseTiming();
        f.reset();
        state.ResumeTiming();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
    state.counters["parsed_MB"] = mb;
    state.counters["peak_rss_MB"] = peak_rss_mb();
}

void BM_numeric_seq(benchmark::State& s) { numeric_file(s, exec::seq); }
void BM_numeric_par1(benchmark::State& s) { numeric_file(s, exec::par_t{.threads = 1}); }
void BM_numeric_par2(benchmark::State& s) { numeric_file(s, exec::par_t{.threads = 2}); }
BENCHMARK(BM_numeric_seq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_numeric_par1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_numeric_par2)->Unit(benchmark::kMillisecond)->UseRealTime();

// 20,000 rows of every type with nulls and quoted text, from memory.
std::string mixed_text() {
    philox_engine rng(4, 0);
    std::string s = "id,x,flag,when,city\n";
    static const char* cities[] = {"Oslo", "\"Rio, RJ\"", "Lyon", "", "\"New\nYork\""};
    for (int r = 0; r < 20000; ++r) {
        s += std::to_string(r) + ',' + (rng.uniform() < 0.05 ? "NA" : std::to_string(rng.normal())) +
             ',' + (rng.uniform() < 0.5 ? "true" : "false") + ",2024-05-" +
             std::to_string(10 + r % 18) + "T12:00:00Z," + cities[rng.uniform_int(0, 4)] + '\n';
    }
    return s;
}

template <class P>
void mixed_memory(benchmark::State& state, P policy) {
    const std::string text = mixed_text();
    for (auto _ : state) {
        std::istringstream in(text);
        benchmark::DoNotOptimize(io::read_csv(policy, in).num_rows());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
void BM_mixed_seq(benchmark::State& s) { mixed_memory(s, exec::seq); }
void BM_mixed_par2(benchmark::State& s) { mixed_memory(s, exec::par_t{.threads = 2}); }
BENCHMARK(BM_mixed_seq)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mixed_par2)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
