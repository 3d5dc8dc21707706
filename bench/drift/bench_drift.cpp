// bench/drift: the batch drift tests on 1,000,000 vs 1,000,000 float64 values
// (N(0,1) reference, N(0.01,1) current), on exec::seq / simd / par{1} / par{2},
// plus small inputs (1000 vs 1000, KS's exact path). KS_1M is the figure the
// issue compares with scipy.stats.ks_2samp (bench/compare/drift_scipy.py runs
// both in one go and prints the ratio). Times are per compare() call,
// including the copies and sorts.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/drift/chi_squared.hpp>
#include <tessera/drift/jensen_shannon.hpp>
#include <tessera/drift/ks.hpp>
#include <tessera/drift/psi.hpp>
#include <tessera/drift/wasserstein.hpp>
#include <tessera/drift/z_test.hpp>

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

std::vector<double> normal(std::size_t n, std::uint64_t seed, double loc) {
    rng g(seed);
    std::vector<double> v(n);
    for (auto& x : v) x = loc + g.normal<double>();
    return v;
}

std::vector<double> codes(std::size_t n, std::uint64_t seed, std::uint64_t k) {
    rng g(seed);
    std::vector<double> v(n);
    for (auto& x : v) x = static_cast<double>(static_cast<std::uint64_t>(g.uniform<double>() * k));
    return v;
}

const std::vector<double>& ref_1m() {
    static const auto v = normal(1'000'000, 1, 0.0);
    return v;
}
const std::vector<double>& cur_1m() {
    static const auto v = normal(1'000'000, 2, 0.01);
    return v;
}

template <class Test, class P>
void run(benchmark::State& st, const Test& t, const std::vector<double>& a, const std::vector<double>& b) {
    for (auto _ : st) {
        auto r = t.compare(P::policy(), a, b);
        benchmark::DoNotOptimize(r.statistic);
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(a.size() + b.size()));
}

template <class P>
void KS_1M(benchmark::State& st) {
    run<drift::ks_test, P>(st, drift::ks_test{}, ref_1m(), cur_1m());
}
template <class P>
void KS_1k_exact(benchmark::State& st) {
    static const auto a = normal(1000, 3, 0.0), b = normal(1000, 4, 0.1);
    run<drift::ks_test, P>(st, drift::ks_test{}, a, b);
}
template <class P>
void Wasserstein_1M(benchmark::State& st) {
    run<drift::wasserstein, P>(st, drift::wasserstein{}, ref_1m(), cur_1m());
}
template <class P>
void PSI_1M(benchmark::State& st) {
    run<drift::psi, P>(st, drift::psi{}, ref_1m(), cur_1m());
}
template <class P>
void JS_1M(benchmark::State& st) {
    run<drift::jensen_shannon, P>(st, drift::jensen_shannon{}, ref_1m(), cur_1m());
}

// PSI against bins frozen once (what a monitor pays per batch): one pass over current.
void PSI_frozen_1M(benchmark::State& st) {
    const drift::psi t;
    const auto frozen = t.fit(ref_1m());
    for (auto _ : st) {
        auto r = t.compare(frozen, cur_1m());
        benchmark::DoNotOptimize(r.statistic);
    }
    st.SetItemsProcessed(st.iterations() * 1'000'000);
}

void ChiSquared_1M_10cats(benchmark::State& st) {
    static const auto a = codes(1'000'000, 5, 10), b = codes(1'000'000, 6, 10);
    run<drift::chi_squared, seq_p>(st, drift::chi_squared{}, a, b);
}
void Z_1M(benchmark::State& st) {
    static const auto a = codes(1'000'000, 7, 2), b = codes(1'000'000, 8, 2);
    run<drift::z_test, seq_p>(st, drift::z_test{}, a, b);
}

#define TESSERA_DRIFT_POLICIES(F)                                                  \
    BENCHMARK_TEMPLATE(F, seq_p)->Unit(benchmark::kMillisecond)->UseRealTime();    \
    BENCHMARK_TEMPLATE(F, simd_p)->Unit(benchmark::kMillisecond)->UseRealTime();   \
    BENCHMARK_TEMPLATE(F, par1_p)->Unit(benchmark::kMillisecond)->UseRealTime();   \
    BENCHMARK_TEMPLATE(F, par2_p)->Unit(benchmark::kMillisecond)->UseRealTime()

TESSERA_DRIFT_POLICIES(KS_1M);
TESSERA_DRIFT_POLICIES(KS_1k_exact);
TESSERA_DRIFT_POLICIES(Wasserstein_1M);
TESSERA_DRIFT_POLICIES(PSI_1M);
TESSERA_DRIFT_POLICIES(JS_1M);
BENCHMARK(PSI_frozen_1M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(ChiSquared_1M_10cats)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Z_1M)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
