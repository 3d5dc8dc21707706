// bench/kernels: histogram_counts / histogram_grad_hess (uint8 bins, 256 bins,
// all rows and a random sorted 50% row subset), bin_index, rank and quantile,
// on exec::seq / simd / par{1} / par{2}. Throughput is bytes/s of input read
// (and, for bin_index and rank, output written), so the histogram kernels can
// be read as a fraction of BM_stream_triad in the same binary
// (docs/kernels_histogram.md). No main(): bench_kernels provides it.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <vector>

#include <tessera/kernels/histogram.hpp>
#include <tessera/kernels/rank.hpp>

namespace {

using namespace tessera;

struct seq_p {
    static exec::seq_t policy() { return exec::seq; }
};
struct simd_p {
    static exec::simd_t policy() { return exec::simd; }
};
struct par1_p {
    static exec::par_t policy() { return exec::par_t{.threads = 1}; }
};
struct par2_p {
    static exec::par_t policy() { return exec::par_t{.threads = 2}; }
};

// GBDT-like inputs: 256 bins of uint8, float gradients/hessians, and the rows
// of a node holding a random half of the data (sorted, as partitions keep them).
struct gbdt_data {
    std::vector<std::uint8_t> bins;
    std::vector<float> grad, hess;
    std::vector<std::uint32_t> half_rows;
};

const gbdt_data& gbdt(std::size_t n) {
    static std::map<std::size_t, gbdt_data> cache;
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    std::mt19937_64 g(42);
    std::uniform_int_distribution<int> bin(0, 255);
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::bernoulli_distribution coin(0.5);
    gbdt_data x;
    x.bins.resize(n);
    x.grad.resize(n);
    x.hess.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        x.bins[i] = static_cast<std::uint8_t>(bin(g));
        x.grad[i] = d(g);
        x.hess[i] = std::abs(d(g));
        if (coin(g)) x.half_rows.push_back(static_cast<std::uint32_t>(i));
    }
    return cache.emplace(n, std::move(x)).first->second;
}

const std::vector<double>& normal_values(std::size_t n) {
    static std::map<std::size_t, std::vector<double>> cache;
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    std::mt19937_64 g(7);
    std::normal_distribution<double> d(0.0, 1.0);
    std::vector<double> v(n);
    for (auto& e : v) e = d(g);
    return cache.emplace(n, std::move(v)).first->second;
}

template <class P>
void BM_histogram_counts(benchmark::State& state) {
    const auto& d = gbdt(static_cast<std::size_t>(state.range(0)));
    const std::span<const std::uint8_t> bins(d.bins);
    for (auto _ : state) benchmark::DoNotOptimize(kernels::histogram_counts(P::policy(), bins, 256));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bins.size()));
}

// range(1) == 0: all rows; 1: the random half, through the row-index overload.
template <class P>
void BM_histogram_grad_hess(benchmark::State& state) {
    const auto& d = gbdt(static_cast<std::size_t>(state.range(0)));
    const std::span<const std::uint8_t> bins(d.bins);
    const std::span<const float> g(d.grad), h(d.hess);
    const bool subset = state.range(1) != 0;
    const std::span<const std::uint32_t> rows(d.half_rows);
    for (auto _ : state) {
        if (subset)
            benchmark::DoNotOptimize(kernels::histogram_grad_hess(P::policy(), bins, g, h, rows, 256));
        else
            benchmark::DoNotOptimize(kernels::histogram_grad_hess(P::policy(), bins, g, h, 256));
    }
    // Bytes read: bin + grad + hess per row used, plus the row index for subsets.
    const std::int64_t per_row = subset ? 1 + 4 + 4 + 4 : 1 + 4 + 4;
    const std::int64_t nrows = static_cast<std::int64_t>(subset ? rows.size() : bins.size());
    state.SetBytesProcessed(state.iterations() * nrows * per_row);
}

// range(1) = number of bins k (k - 1 inner edges): 10 takes the linear
// compare-count path, 255 the branchless binary search.
template <class P>
void BM_bin_index(benchmark::State& state) {
    const auto& x = normal_values(static_cast<std::size_t>(state.range(0)));
    const std::size_t k = static_cast<std::size_t>(state.range(1));
    std::vector<double> edges(k + 1);
    for (std::size_t j = 0; j <= k; ++j) edges[j] = -3.0 + 6.0 * static_cast<double>(j) / static_cast<double>(k);
    const std::span<const double> sx(x), se(edges);
    for (auto _ : state) benchmark::DoNotOptimize(kernels::bin_index(P::policy(), sx, se));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(x.size() * (8 + 4)));
}

template <class P>
void BM_rank(benchmark::State& state) {
    const auto& x = normal_values(static_cast<std::size_t>(state.range(0)));
    const std::span<const double> sx(x);
    for (auto _ : state) benchmark::DoNotOptimize(kernels::rank(P::policy(), sx));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(x.size() * (8 + 8)));
}

// range(1) = number of quantiles, evenly spaced in [0, 1].
template <class P>
void BM_quantile(benchmark::State& state) {
    const auto& x = normal_values(static_cast<std::size_t>(state.range(0)));
    std::vector<double> q(static_cast<std::size_t>(state.range(1)));
    for (std::size_t j = 0; j < q.size(); ++j)
        q[j] = q.size() == 1 ? 0.5 : static_cast<double>(j) / static_cast<double>(q.size() - 1);
    const std::span<const double> sx(x), sq(q);
    for (auto _ : state) benchmark::DoNotOptimize(kernels::quantile(P::policy(), sx, sq));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(x.size() * 8));
}

constexpr std::int64_t M1 = 1 << 20;
constexpr std::int64_t M16 = 1 << 24;

#define TESSERA_HIST_BENCH(P)                                                                   \
    BENCHMARK_TEMPLATE(BM_histogram_counts, P)->Arg(M1)->Arg(M16)->UseRealTime();                \
    BENCHMARK_TEMPLATE(BM_histogram_grad_hess, P)                                               \
        ->ArgsProduct({{M1, M16}, {0, 1}})                                                      \
        ->ArgNames({"rows", "subset"})                                                          \
        ->UseRealTime();                                                                        \
    BENCHMARK_TEMPLATE(BM_bin_index, P)->Args({M1, 10})->Args({M1, 255})->ArgNames({"n", "k"})   \
        ->UseRealTime();                                                                        \
    BENCHMARK_TEMPLATE(BM_rank, P)->Arg(M1)->UseRealTime()->Unit(benchmark::kMillisecond);      \
    BENCHMARK_TEMPLATE(BM_quantile, P)->Args({M1, 5})->Args({M1, 101})->ArgNames({"n", "q"})     \
        ->UseRealTime()->Unit(benchmark::kMillisecond)

TESSERA_HIST_BENCH(seq_p);
TESSERA_HIST_BENCH(simd_p);
TESSERA_HIST_BENCH(par1_p);
TESSERA_HIST_BENCH(par2_p);

}  // namespace
