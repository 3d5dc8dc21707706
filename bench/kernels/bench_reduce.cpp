// Reductions and moments (kernels/reduce.hpp, kernels/moments.hpp) at sizes in
// L1, in L2 and far beyond the caches (256 MiB), under seq (in-cache sizes
// only, the scalar baseline), simd, and par with 1 and 2 threads. Names:
//
//   BM_<kernel><<type>>/<policy>/n:<elements>/real_time
//
// bytes/s counts each array the kernel touches once per element (dot reads 2,
// axpy reads 2 and writes 1, the STREAM convention), so the large-size figures
// compare directly with BM_stream_triad / BM_stream_read (bench_stream.cpp).
// bench/kernels/bandwidth_table.py turns a JSON run into the table of
// docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <tessera/exec/parallel.hpp>
#include <tessera/kernels/moments.hpp>
#include <tessera/kernels/reduce.hpp>

namespace {

using namespace tessera;

// Random data in [-1, 1) with a few NaN (1 in 4096, so nan* kernels do skip
// some and the plain ones take their NaN paths only where that is the point).
template <class T>
std::vector<T>& buffer(std::size_t n, int which) {
    static std::map<std::pair<std::size_t, int>, std::unique_ptr<std::vector<T>>> cache;
    auto& slot = cache[{n, which}];
    if (!slot) {
        slot = std::make_unique<std::vector<T>>(n);
        auto& v = *slot;
        exec::parallel_for(exec::par, n, [&](const exec::chunk& k) {
            std::mt19937_64 gen(1234 + 7919 * static_cast<std::uint64_t>(which) + k.index);
            std::uniform_real_distribution<double> u(-1.0, 1.0);
            for (std::size_t i = k.begin; i < k.end; ++i) v[i] = static_cast<T>(u(gen));
        });
    }
    return *slot;
}

enum class pol { seq, simd, par1, par2 };

template <class F>
decltype(auto) with_policy(pol p, F&& f) {
    switch (p) {
        case pol::seq: return f(exec::seq);
        case pol::simd: return f(exec::simd);
        case pol::par1: return f(exec::par_t{.threads = 1});
        default: return f(exec::par_t{.threads = 2});
    }
}

const char* policy_name(pol p) {
    switch (p) {
        case pol::seq: return "seq";
        case pol::simd: return "simd";
        case pol::par1: return "par1";
        default: return "par2";
    }
}

// kernel(policy, x, y) with x, y spans of n elements; `arrays` = bytes per
// element / sizeof(T) for the bytes/s figure.
template <class T, class K>
void register_kernel(const std::string& name, int arrays, bool with_nan, K kernel) {
    const int shift = sizeof(T) == 4 ? 0 : 1;  // same bytes for float and double
    const std::size_t sizes[] = {std::size_t{1} << (12 - shift), std::size_t{1} << (16 - shift),
                                 std::size_t{1} << (26 - shift)};
    const std::string type = sizeof(T) == 4 ? "<float>" : "<double>";
    for (const pol p : {pol::seq, pol::simd, pol::par1, pol::par2}) {
        for (const std::size_t n : sizes) {
            if (p == pol::seq && n != sizes[1]) continue;  // scalar baseline in L2 only
            const std::string full = "BM_" + name + type + "/" + policy_name(p) + "/n:" + std::to_string(n);
            benchmark::RegisterBenchmark(full.c_str(), [=](benchmark::State& state) {
                std::vector<T>& xb = buffer<T>(n, 0);
                std::vector<T>& yb = buffer<T>(n, 1);
                if (with_nan)
                    for (std::size_t i = 4095; i < n; i += 4096) xb[i] = std::numeric_limits<T>::quiet_NaN();
                else
                    for (std::size_t i = 4095; i < n; i += 4096) xb[i] = T(0.5);
                const std::span<const T> x(xb);
                const std::span<T> y(yb);
                for (auto _ : state) with_policy(p, [&](const auto& policy) { kernel(policy, x, y); });
                state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * arrays *
                                        static_cast<std::int64_t>(n * sizeof(T)));
            })
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
        }
    }
}

template <class T>
void register_all(bool full_set) {
    auto keep = [](auto v) { benchmark::DoNotOptimize(v); };
    register_kernel<T>("sum", 1, false, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::sum(p, x)); });
    register_kernel<T>("dot", 2, false, [=](const auto& p, std::span<const T> x, std::span<T> y) {
        keep(kernels::dot(p, x, std::span<const T>(y)));
    });
    register_kernel<T>("mean", 1, false, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::mean(p, x)); });
    register_kernel<T>("variance", 1, false, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::variance(p, x)); });
    register_kernel<T>("axpy", 3, false, [=](const auto& p, std::span<const T> x, std::span<T> y) {
        kernels::axpy(p, T(1e-7), x, y);
        benchmark::ClobberMemory();
    });
    if (!full_set) return;
    register_kernel<T>("nansum", 1, true, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::nansum(p, x)); });
    register_kernel<T>("nanvariance", 1, true, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::nanvariance(p, x)); });
    register_kernel<T>("min", 1, false, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::min(p, x)); });
    register_kernel<T>("nanmin", 1, true, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::nanmin(p, x)); });
    register_kernel<T>("argmin", 1, false, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::argmin(p, x)); });
    register_kernel<T>("nanargmax", 1, true, [=](const auto& p, std::span<const T> x, std::span<T>) { keep(kernels::nanargmax(p, x)); });
}

const bool registered = [] {
    register_all<float>(true);
    register_all<double>(false);
    return true;
}();

}  // namespace
