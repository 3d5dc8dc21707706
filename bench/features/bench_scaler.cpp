// Scalers and the imputer on 1,000,000 x 28 float32 (the shape), each
// fit + transform reported against the memory bandwidth measured in the same
// binary (bench/kernels/bench_stream.cpp, included below, so BM_stream_triad and
// BM_stream_read run beside these and the arrays are shared).
//
//   BM_standard_scaler/<policy>   fit(X) then transform(X) (returns a new matrix)
//   BM_standard_scaler_into/<policy>  fit(X) then transform_into(X, Y), Y reused
//   BM_minmax_scaler/<policy>, BM_simple_imputer_mean/<policy>: the same, for scale
//   counters:
//     GB/s            bytes of X (112 MB) per second
//     vs_two_passes   time / (2 * bytes(X) / triad bandwidth with as many threads);
//                     the target for the standard scaler is <= 1.5
//     fit_ms, transform_ms  the two parts of the time per iteration
//
// policies: seq, simd, par with 1 and 2 threads (the machine has 2 cores).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <tessera/core/random.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/minmax_scaler.hpp>
#include <tessera/features/simple_imputer.hpp>
#include <tessera/features/standard_scaler.hpp>

// The STREAM reference (BM_stream_triad / BM_stream_read and its arrays).
#include "../kernels/bench_stream.cpp"

namespace {

constexpr std::size_t rows = 1'000'000, cols = 28;

const tessera::matrix<float>& data() {
    static const tessera::matrix<float> X = [] {
        tessera::rng g(2026);
        auto x = tessera::matrix<float>::from_shape({rows, cols});
        for (auto& v : x) v = static_cast<float>(3.0 + 2.0 * g.normal<double>());
        return x;
    }();
    return X;
}

// Triad bandwidth in bytes/s with `threads` threads (0 = one thread, no pool):
// best of 5 runs over bench_stream.cpp's arrays, STREAM's 24 bytes per element.
double triad_bandwidth(unsigned threads) {
    static double cached[3] = {0, 0, 0};
    double& bw = cached[std::min(threads, 2u)];
    if (bw > 0) return bw;
    auto& s = arrays();
    const tessera::exec::par_t p{.threads = threads ? threads : 1};
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        tessera::exec::parallel_for(p, stream_n, [&](const tessera::exec::chunk& k) {
            for (std::size_t i = k.begin; i < k.end; ++i) s.a[i] = s.b[i] + 3.0 * s.c[i];
        });
        benchmark::ClobberMemory();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return bw = 24.0 * static_cast<double>(stream_n) / best;
}

// Into = true: standard_scaler's transform_into with one output reused across
// iterations (no allocation, no first-touch page faults); false: transform,
// which returns a new matrix each time.
template <bool Into, class Est, class P>
void run(benchmark::State& state, const Est& est, const P& policy, unsigned threads) {
    const auto& X = data();
    const double bw = triad_bandwidth(threads);
    double seconds = 0.0, fit_seconds = 0.0;
    tessera::matrix<float> out;
    if constexpr (Into) out = est.fit(policy, X).transform(policy, X);  // touch it once
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto f = est.fit(policy, X);
        fit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if constexpr (Into) {
            f.transform_into(policy, X, out);
            benchmark::DoNotOptimize(out.data());
        } else {
            auto Y = f.transform(policy, X);
            benchmark::DoNotOptimize(Y.data());
        }
        benchmark::ClobberMemory();
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const double bytes = static_cast<double>(X.size() * sizeof(float));
    state.SetBytesProcessed(static_cast<std::int64_t>(static_cast<double>(state.iterations()) * bytes));
    state.counters["vs_two_passes"] =
        seconds / static_cast<double>(state.iterations()) / (2.0 * bytes / bw);
    state.counters["triad_GBps"] = bw / 1e9;
    const double n = static_cast<double>(state.iterations());
    state.counters["fit_ms"] = 1e3 * fit_seconds / n;
    state.counters["transform_ms"] = 1e3 * (seconds - fit_seconds) / n;
}

template <bool Into = false, class Est>
void register_all(const std::string& name, const Est& est) {
    using namespace tessera;
    const auto reg = [&](const std::string& pol, auto policy, unsigned threads) {
        benchmark::RegisterBenchmark((name + "/" + pol).c_str(),
                                     [=](benchmark::State& st) { run<Into>(st, est, policy, threads); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond)
            ->MinTime(0.5);
    };
    reg("seq", exec::seq, 0);
    reg("simd", exec::simd, 0);
    reg("par_1", exec::par_t{.threads = 1}, 1);
    reg("par_2", exec::par_t{.threads = 2}, 2);
}

const int registered = [] {
    register_all("BM_standard_scaler", tessera::features::standard_scaler{});
    register_all<true>("BM_standard_scaler_into", tessera::features::standard_scaler{});
    register_all("BM_minmax_scaler", tessera::features::minmax_scaler{});
    register_all("BM_simple_imputer_mean", tessera::features::simple_imputer{});
    return 0;
}();

}  // namespace
