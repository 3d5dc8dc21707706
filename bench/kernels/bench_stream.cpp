// STREAM-style memory bandwidth on the same thread pool the kernels use: the
// reference that bandwidth-bound kernels are reported against.
//
//   BM_stream_triad/threads:N/real_time   a[i] = b[i] + s * c[i] over 3 arrays of
//       2^25 doubles (256 MiB each); bytes counted as STREAM does, 24 per
//       element (write-allocate traffic of `a` not counted; no streaming stores)
//   BM_stream_read/threads:N/real_time    sum of 2^25 uint64 words: read-only
//       bandwidth (integer adds, so the compiler vectorizes it freely)
//
// Other kernels' benchmarks (e.g. histograms) compare against these names.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <tessera/exec/parallel.hpp>

namespace {

constexpr std::size_t stream_n = std::size_t{1} << 25;

struct stream_arrays {
    std::vector<double> a, b, c;
    std::vector<std::uint64_t> r;
    stream_arrays() : a(stream_n), b(stream_n), c(stream_n), r(stream_n) {
        // First touch on the pool, as the benchmarks will read it.
        tessera::exec::parallel_for(tessera::exec::par, stream_n, [&](const tessera::exec::chunk& k) {
            for (std::size_t i = k.begin; i < k.end; ++i) {
                a[i] = 0.0;
                b[i] = 1.0;
                c[i] = 2.0;
                r[i] = i;
            }
        });
    }
};

stream_arrays& arrays() {
    static stream_arrays s;
    return s;
}

void BM_stream_triad(benchmark::State& state) {
    auto& s = arrays();
    const tessera::exec::par_t p{.threads = static_cast<unsigned>(state.range(0))};
    const double scalar = 3.0;
    double* a = s.a.data();
    const double* b = s.b.data();
    const double* c = s.c.data();
    for (auto _ : state) {
        tessera::exec::parallel_for(p, stream_n, [&](const tessera::exec::chunk& k) {
            for (std::size_t i = k.begin; i < k.end; ++i) a[i] = b[i] + scalar * c[i];
        });
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 3 * 8 *
                            static_cast<std::int64_t>(stream_n));
}
BENCHMARK(BM_stream_triad)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_stream_read(benchmark::State& state) {
    auto& s = arrays();
    const tessera::exec::par_t p{.threads = static_cast<unsigned>(state.range(0))};
    const std::uint64_t* r = s.r.data();
    for (auto _ : state) {
        const std::uint64_t total = tessera::exec::parallel_reduce(
            p, stream_n, std::uint64_t{0},
            [&](const tessera::exec::chunk& k) {
                std::uint64_t acc = 0;
                for (std::size_t i = k.begin; i < k.end; ++i) acc += r[i];
                return acc;
            },
            [](std::uint64_t x, std::uint64_t y) { return x + y; });
        benchmark::DoNotOptimize(total);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 8 *
                            static_cast<std::int64_t>(stream_n));
}
BENCHMARK(BM_stream_read)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
