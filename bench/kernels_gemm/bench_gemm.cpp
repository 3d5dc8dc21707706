// tessera::kernels::sgemm against OpenBLAS cblas_sgemm in the same binary, and
// the float32 FMA peak measured here by a loop on independent accumulators.
//
//   BM_peak/threads:T                 FMA loop, 2 flops per lane per FMA
//   BM_sgemm/<who>/<shape>/threads:T  who = tessera | openblas; flops = 2 M N K
//
// Shapes (M x K x N, op(A) op(B)): the MLP 28 -> 256 -> 256 -> 1 at batch 256,
// forward (A = activations, B = W^T), backward dW = dZ^T X (ta = yes) and
// dX = dZ W, and 1024^3. Counters: GFLOP/s (rate) and, in the interleaved mode,
// the ratio tessera / OpenBLAS.
//
//   bench_gemm [google-benchmark flags]      the Google Benchmark run
//   bench_gemm --interleaved=R               R rounds; each round times every
//       shape for tessera and OpenBLAS back to back (1 and 2 threads), then the
//       median of the per-round ratios is printed, which cancels most of the
//       load from other processes on a shared machine.
//
// Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) does not know newer Xeons (family 6
// model 207 here) and falls back to its SSE3 "Prescott" kernels, 5-8x slower.
// Unless OPENBLAS_CORETYPE is already set, the program re-executes itself with
// OPENBLAS_CORETYPE=SkylakeX (AVX-512) or Haswell (AVX2) so that OpenBLAS runs
// its best kernel for this CPU; the core it used is printed. --openblas-default
// keeps the library's own choice.
#include <benchmark/benchmark.h>

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include <tessera/exec/thread_pool.hpp>
#include <tessera/kernels/gemm.hpp>

namespace {

using tessera::kernels::transpose;

struct shape {
    const char* name;
    transpose ta, tb;
    std::size_t M, K, N;
};

constexpr transpose no = transpose::no, yes = transpose::yes;
const shape shapes[] = {
    {"fwd1_256x28x256", no, yes, 256, 28, 256},     // X (256 x 28) W1^T
    {"fwd2_256x256x256", no, yes, 256, 256, 256},   // H1 W2^T
    {"fwd3_256x256x1", no, yes, 256, 256, 1},       // H2 w3^T
    {"dW3_1x256x256", yes, no, 1, 256, 256},        // dZ3^T H2
    {"dX3_256x1x256", no, no, 256, 1, 256},         // dZ3 w3
    {"dW2_256x256x256", yes, no, 256, 256, 256},    // dZ2^T H1
    {"dX2_256x256x256", no, no, 256, 256, 256},     // dZ2 W2
    {"dW1_256x256x28", yes, no, 256, 256, 28},      // dZ1^T X
    {"sq_1024", no, no, 1024, 1024, 1024},
    {"sq_1024_tt", yes, yes, 1024, 1024, 1024},
};

struct operands {
    std::vector<float> A, B, C;
    explicit operands(const shape& s) : A(s.M * s.K), B(s.K * s.N), C(s.M * s.N) {
        for (std::size_t i = 0; i < A.size(); ++i) A[i] = static_cast<float>((i * 7 + 3) % 17) / 17.0f - 0.5f;
        for (std::size_t i = 0; i < B.size(); ++i) B[i] = static_cast<float>((i * 5 + 1) % 13) / 13.0f - 0.5f;
    }
    std::size_t lda(const shape& s) const { return s.ta == no ? s.K : s.M; }
    std::size_t ldb(const shape& s) const { return s.tb == no ? s.N : s.K; }
};

void run_tessera(const shape& s, operands& o, unsigned threads) {
    tessera::kernels::sgemm(tessera::exec::par_t{.threads = threads}, s.ta, s.tb, s.M, s.N, s.K,
                            1.0f, o.A.data(), o.lda(s), o.B.data(), o.ldb(s), 0.0f, o.C.data(),
                            s.N);
}

void run_openblas(const shape& s, operands& o) {
    cblas_sgemm(CblasRowMajor, s.ta == no ? CblasNoTrans : CblasTrans,
                s.tb == no ? CblasNoTrans : CblasTrans, static_cast<int>(s.M),
                static_cast<int>(s.N), static_cast<int>(s.K), 1.0f, o.A.data(),
                static_cast<int>(o.lda(s)), o.B.data(), static_cast<int>(o.ldb(s)), 0.0f,
                o.C.data(), static_cast<int>(s.N));
}

double flops(const shape& s) { return 2.0 * static_cast<double>(s.M * s.N * s.K); }

// ---- the FMA peak ------------------------------------------------------------

using batch = tessera::simd::batch<float>;
constexpr std::size_t peak_accs = 16;  // independent chains: > latency x FMA ports
constexpr std::size_t peak_iters = 1 << 20;

[[gnu::noinline]] float fma_loop(float seed) {
    batch acc[peak_accs];
    for (std::size_t i = 0; i < peak_accs; ++i) acc[i] = batch(seed + static_cast<float>(i));
    const batch x(0.999999f), y(1e-7f);
    for (std::size_t it = 0; it < peak_iters; ++it) {
#pragma GCC unroll 16
        for (std::size_t i = 0; i < peak_accs; ++i) acc[i] = xsimd::fma(acc[i], x, y);
    }
    batch s(0.0f);
    for (std::size_t i = 0; i < peak_accs; ++i) s += acc[i];
    return tessera::simd::reduce_add(s);
}

double peak_flops_per_call() { return 2.0 * peak_accs * batch::size * peak_iters; }

void run_peak(unsigned threads) {
    float sink[64] = {};
    tessera::exec::thread_pool::instance().run(threads, threads, [&](std::size_t t) {
        sink[t] = fma_loop(static_cast<float>(t));
    });
    benchmark::DoNotOptimize(sink);
}

void BM_peak(benchmark::State& state) {
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) run_peak(threads);
    state.counters["GFLOP/s"] = benchmark::Counter(peak_flops_per_call() * threads * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel(tessera::simd::arch_name());
}

void BM_sgemm(benchmark::State& state, const shape* s, bool ours) {
    const auto threads = static_cast<unsigned>(state.range(0));
    operands o(*s);
    if (!ours) openblas_set_num_threads(static_cast<int>(threads));
    for (auto _ : state) {
        if (ours) run_tessera(*s, o, threads);
        else run_openblas(*s, o);
        benchmark::DoNotOptimize(o.C.data());
    }
    state.counters["GFLOP/s"] =
        benchmark::Counter(flops(*s) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void register_all() {
    benchmark::RegisterBenchmark("BM_peak", BM_peak)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
    for (const shape& s : shapes) {
        for (const bool ours : {true, false}) {
            const std::string name = std::string("BM_sgemm/") + (ours ? "tessera/" : "openblas/") + s.name;
            benchmark::RegisterBenchmark(name.c_str(), BM_sgemm, &s, ours)
                ->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
        }
    }
}

// ---- interleaved rounds --------------------------------------------------------

struct timing {
    double wall;  // seconds per call
    double cpu;   // CPU seconds of the process per call (all threads)
};

double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

template <class F>
timing time_calls(F&& f, double min_seconds) {
    using clock = std::chrono::steady_clock;
    f();  // warm
    std::size_t n = 0;
    const double c0 = process_cpu_seconds();
    const auto t0 = clock::now();
    double el = 0.0;
    do {
        f();
        ++n;
        el = std::chrono::duration<double>(clock::now() - t0).count();
    } while (el < min_seconds);
    const double k = static_cast<double>(n);
    return {el / k, (process_cpu_seconds() - c0) / k};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// With 1 thread, GFLOP per CPU-second of the process is what the kernel does
// while it is on a core: far less disturbed by other processes than wall time
// (time stolen by them is not counted). With 2 threads it is not comparable
// (OpenBLAS's waiting threads spin), so only wall time is shown there.
void interleaved(int rounds) {
    std::printf("interleaved: %d rounds, median over rounds; ratio = tessera GFLOP/s / OpenBLAS GFLOP/s (wall)\n"
                "best = ratio of the best rounds; cpu = the same from CPU time (1 thread only)\n", rounds);
    std::printf("%-20s %3s %9s %9s %7s %7s %7s %7s %7s\n", "shape", "thr", "tessera", "openblas", "ratio",
                "min", "max", "best", "cpu");
    for (const unsigned threads : {1u, 2u}) {
        std::vector<double> pk, pk_cpu;
        for (int r = 0; r < rounds; ++r) {
            const timing t = time_calls([&] { run_peak(threads); }, 0.1);
            pk.push_back(peak_flops_per_call() * threads / t.wall * 1e-9);
            pk_cpu.push_back(peak_flops_per_call() * threads / t.cpu * 1e-9);
        }
        const double peak = median(pk), peak_cpu = median(pk_cpu);
        std::printf("%-20s %3u %9.1f %9s   FMA peak GFLOP/s (wall); per CPU-second %.1f\n", "peak", threads, peak, "",
                    peak_cpu);
        for (const shape& s : shapes) {
            operands o(s);
            std::vector<double> ours, theirs, ratio, ours_cpu, ratio_cpu;
            const double min_s = flops(s) > 1e9 ? 0.3 : 0.1;
            for (int r = 0; r < rounds; ++r) {
                const timing a = time_calls([&] { run_tessera(s, o, threads); }, min_s);
                openblas_set_num_threads(static_cast<int>(threads));
                const timing b = time_calls([&] { run_openblas(s, o); }, min_s);
                ours.push_back(flops(s) / a.wall * 1e-9);
                theirs.push_back(flops(s) / b.wall * 1e-9);
                ratio.push_back(b.wall / a.wall);
                ours_cpu.push_back(flops(s) / a.cpu * 1e-9);
                ratio_cpu.push_back(b.cpu / a.cpu);
            }
            const double best_ours = *std::max_element(ours.begin(), ours.end());
            std::printf("%-20s %3u %9.1f %9.1f %7.3f %7.3f %7.3f %7.3f", s.name, threads, median(ours),
                        median(theirs), median(ratio), *std::min_element(ratio.begin(), ratio.end()),
                        *std::max_element(ratio.begin(), ratio.end()),
                        best_ours / *std::max_element(theirs.begin(), theirs.end()));
            if (threads == 1) std::printf(" %7.3f", median(ratio_cpu));
            else std::printf(" %7s", "-");
            if (s.M == 1024) {
                std::printf("  %.0f%% of peak (wall)", 100.0 * median(ours) / peak);
                if (threads == 1) std::printf(", %.0f%% (CPU time)", 100.0 * median(ours_cpu) / peak_cpu);
            }
            std::printf("\n");
        }
    }
}

}  // namespace

// Re-executes with OPENBLAS_CORETYPE set (read by OpenBLAS when it loads).
void pick_openblas_core(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--openblas-default") == 0) return;
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
    const char* core = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                       : __builtin_cpu_supports("avx2") ? "Haswell"
                                                        : nullptr;
    if (core == nullptr) return;
    setenv("OPENBLAS_CORETYPE", core, 1);
    execv("/proc/self/exe", argv);  // returns only on failure: go on with the default
}

int main(int argc, char** argv) {
    pick_openblas_core(argc, argv);
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i)
        if (std::strcmp(argv[i], "--openblas-default") != 0) args.push_back(argv[i]);
    argc = static_cast<int>(args.size());
    argv = args.data();
    std::printf("OpenBLAS core: %s; tessera arch: %s\n", openblas_get_corename(), tessera::simd::arch_name());
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--interleaved=", 14) == 0) {
            interleaved(std::max(1, std::atoi(argv[i] + 14)));
            return 0;
        }
    }
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
