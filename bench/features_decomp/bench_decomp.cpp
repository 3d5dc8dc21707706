// PCA, its eigen-solver, KBinsDiscretizer and PolynomialFeatures, on each policy.
// Shapes match bench/compare/decomp_sklearn.py, which times scikit-learn on the
// same shapes and prints the ratios.
//
//   BM_pca_full_tall/<policy>      fit, 1,000,000 x 28 float32, all components
//                                  (two passes: means, covariance; then a 28x28 eigenproblem)
//   BM_pca_full_wide/<policy>      fit, 500 x 2,000 double, 10 components (Gram path)
//   BM_pca_randomized/<policy>     fit, 2,000 x 1,000 double, 10 components
//   BM_pca_transform/<policy>      transform 1,000,000 x 28 float32 onto 5 components
//   BM_symmetric_eigen/<n>         the eigen-solver alone on an n x n matrix
//   BM_kbins_fit_quantile/<policy> fit, 1,000,000 x 8 double, 10 bins
//   BM_kbins_transform/<policy>    ordinal transform of the same
//   BM_poly_transform/<policy>     degree 2, 100,000 x 20 double -> 231 columns
//   counter GB/s: bytes of the input per second
//
// policies: seq, simd, par_1, par_2 (the machine has 2 cores).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/symmetric_eigen.hpp>
#include <tessera/features/kbins_discretizer.hpp>
#include <tessera/features/pca.hpp>
#include <tessera/features/polynomial_features.hpp>

namespace {

using namespace tessera;

template <class T>
const matrix<T>& data(std::size_t rows, std::size_t cols, std::uint64_t seed) {
    static std::map<std::tuple<std::size_t, std::size_t, std::uint64_t>, matrix<T>> cache;
    auto& m = cache[{rows, cols, seed}];
    if (m.size() == 0) {
        rng g(seed);
        m = matrix<T>::from_shape({rows, cols});
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)  // a decaying spectrum: column c scaled by 1/(c+1)
                m(r, c) = static_cast<T>(1.0 + g.normal<double>() / static_cast<double>(c + 1));
    }
    return m;
}

template <class F>
void with_policy(benchmark::State& state, F&& f) {
    switch (state.range(0)) {
        case 0: f(exec::seq); break;
        case 1: f(exec::simd); break;
        case 2: f(exec::par_t{.threads = 1}); break;
        default: f(exec::par_t{.threads = 2}); break;
    }
}

void policies(benchmark::internal::Benchmark* b) {
    b->ArgNames({"policy"})->Arg(0)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();
}

template <class T>
void bytes(benchmark::State& state, const matrix<T>& X) {
    state.counters["GB/s"] = benchmark::Counter(static_cast<double>(X.size() * sizeof(T)) * state.iterations(),
                                                benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}

void BM_pca_full_tall(benchmark::State& state) {
    const auto& X = data<float>(1'000'000, 28, 1);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state) benchmark::DoNotOptimize(features::pca{{.solver = features::pca_solver::full}}.fit(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_pca_full_tall)->Apply(policies);

void BM_pca_full_wide(benchmark::State& state) {
    const auto& X = data<double>(500, 2000, 2);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state)
            benchmark::DoNotOptimize(
                features::pca{{.n_components = 10, .solver = features::pca_solver::full}}.fit(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_pca_full_wide)->Apply(policies);

void BM_pca_randomized(benchmark::State& state) {
    const auto& X = data<double>(2000, 1000, 3);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state)
            benchmark::DoNotOptimize(
                features::pca{{.n_components = 10, .solver = features::pca_solver::randomized}}.fit(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_pca_randomized)->Apply(policies);

void BM_pca_transform(benchmark::State& state) {
    const auto& X = data<float>(1'000'000, 28, 1);
    static const auto f = features::pca{{.n_components = 5}}.fit(X);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state) benchmark::DoNotOptimize(f.transform(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_pca_transform)->Apply(policies);

void BM_symmetric_eigen(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    rng g(9);
    std::vector<double> A(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j <= i; ++j) A[i * n + j] = A[j * n + i] = g.normal<double>();
    for (auto _ : state) benchmark::DoNotOptimize(features::detail::symmetric_eigen(A, n));
}
BENCHMARK(BM_symmetric_eigen)->Arg(100)->Arg(300)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_kbins_fit_quantile(benchmark::State& state) {
    const auto& X = data<double>(1'000'000, 8, 4);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state)
            benchmark::DoNotOptimize(features::kbins_discretizer{{.n_bins = 10}}.fit(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_kbins_fit_quantile)->Apply(policies);

void BM_kbins_transform(benchmark::State& state) {
    const auto& X = data<double>(1'000'000, 8, 4);
    static const auto f =
        features::kbins_discretizer{{.n_bins = 10, .encode = features::kbins_encode::ordinal}}.fit(X);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state) benchmark::DoNotOptimize(f.transform(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_kbins_transform)->Apply(policies);

void BM_poly_transform(benchmark::State& state) {
    const auto& X = data<double>(100'000, 20, 5);
    static const auto f = features::polynomial_features{{.degree = 2}}.fit(X);
    with_policy(state, [&](const auto& p) {
        for (auto _ : state) benchmark::DoNotOptimize(f.transform(p, X));
    });
    bytes(state, X);
}
BENCHMARK(BM_poly_transform)->Apply(policies);

}  // namespace
