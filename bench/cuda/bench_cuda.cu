// exec::cuda kernels beside their exec::par peers, host data in and out (so the
// device figures include the PCIe transfers a caller pays). Pairs to read:
//   sum/cuda vs sum/par                       (1 pass, bandwidth bound)
//   grad_hess/cuda (raw shared-memory kernel,
//     fixed point) vs sums/cuda (Thrust sort + reduce_by_key) vs grad_hess/par
//   rank/cuda vs rank/par                     (sort bound)
// Without a usable GPU it prints "no CUDA device: benchmarks skipped", exits 0.
#include <benchmark/benchmark.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <vector>

#include <tessera/cuda.hpp>

using namespace tessera;

namespace {

std::vector<float> values(std::size_t n) {
    std::mt19937_64 g(42);
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

std::vector<std::uint8_t> bins(std::size_t n) {
    std::mt19937_64 g(7);
    std::vector<std::uint8_t> b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(g() % 256);
    return b;
}

template <class P>
void bm_sum(benchmark::State& st, P policy) {
    const auto x = values(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st) benchmark::DoNotOptimize(kernels::sum(policy, std::span<const float>(x)));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

template <class P>
void bm_grad_hess(benchmark::State& st, P policy) {
    const std::size_t n = static_cast<std::size_t>(st.range(0));
    const auto b = bins(n);
    const auto g = values(n);
    for (auto _ : st) {
        benchmark::DoNotOptimize(kernels::histogram_grad_hess(
            policy, std::span<const std::uint8_t>(b), std::span<const float>(g),
            std::span<const float>(g), 256));
    }
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

void bm_sums_thrust(benchmark::State& st) {
    const std::size_t n = static_cast<std::size_t>(st.range(0));
    const auto b = bins(n);
    const auto g = values(n);
    for (auto _ : st) {
        benchmark::DoNotOptimize(kernels::histogram_sums(
            exec::cuda, std::span<const std::uint8_t>(b), std::span<const float>(g), 256));
    }
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

template <class P>
void bm_rank(benchmark::State& st, P policy) {
    const auto x = values(static_cast<std::size_t>(st.range(0)));
    for (auto _ : st) benchmark::DoNotOptimize(kernels::rank(policy, std::span<const float>(x)));
    st.SetItemsProcessed(st.iterations() * st.range(0));
}

}  // namespace

BENCHMARK_CAPTURE(bm_sum, cuda, exec::cuda)->Arg(1 << 10)->Arg(1 << 24)->UseRealTime();
BENCHMARK_CAPTURE(bm_sum, par, exec::par)->Arg(1 << 10)->Arg(1 << 24)->UseRealTime();
BENCHMARK_CAPTURE(bm_grad_hess, cuda, exec::cuda)->Arg(1 << 22)->UseRealTime();
BENCHMARK(bm_sums_thrust)->Arg(1 << 22)->UseRealTime();
BENCHMARK_CAPTURE(bm_grad_hess, par, exec::par)->Arg(1 << 22)->UseRealTime();
BENCHMARK_CAPTURE(bm_rank, cuda, exec::cuda)->Arg(1 << 20)->UseRealTime();
BENCHMARK_CAPTURE(bm_rank, par, exec::par)->Arg(1 << 20)->UseRealTime();

int main(int argc, char** argv) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        std::printf("no CUDA device: benchmarks skipped (cudaGetDeviceCount: %s)\n",
                    cudaGetErrorName(e));
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
