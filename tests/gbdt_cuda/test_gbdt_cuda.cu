// exec::cuda GBDT training on a real GPU (<tessera/cuda/gbdt.cuh>): the raw
// node-histogram kernel, split finding and partition on the CUDA back end against
// the brute-force references of the OMP test (exact integers: bit for bit); the
// device backend against gbdt-core's CPU backend (histograms, splits, partitions,
// boosted trees); and, once gbdt-core's trainer takes a backend, the public
// fit(exec::cuda, ...) against exec::seq / exec::par model bytes.
// Without a usable device (cudaGetDeviceCount fails or reports 0) it prints
// "no CUDA device: skipped" and exits 77, which CTest reports as skipped.
#define BOOST_TEST_MODULE gbdt_cuda
#define BOOST_TEST_NO_MAIN
#define BOOST_PP_VARIADICS 1  // nvcc's front end hides variadic macros from Boost.PP
#include <boost/test/unit_test.hpp>

#include <cuda_runtime.h>

#include <cstdio>
#include <random>
#include <vector>

#include <tessera/cuda/gbdt.cuh>

#include "backend_cases.hpp"
#include "device_steps.hpp"

using namespace tessera;
using namespace gbdt_cuda_test;

namespace {

// A fresh non-blocking stream per test (the steps must order everything on it).
struct stream_backend {
    cudaStream_t s = nullptr;
    stream_backend() { cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking); }
    ~stream_backend() { cudaStreamDestroy(s); }
    dd::cuda_backend be() const { return dd::cuda_backend{s}; }
};

std::vector<long long> quantized(std::size_t n, std::uint64_t seed, bool positive) {
    std::mt19937_64 rng(seed);
    std::vector<long long> q(n);
    for (auto& v : q) v = positive ? static_cast<long long>(rng() >> 13) : static_cast<long long>(rng()) >> 12;
    return q;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kernel_histogram_equals_brute_force_for_every_launch_shape) {
    stream_backend sb;
    const auto be = sb.be();
    for (std::size_t rows : {std::size_t{1}, std::size_t{37}, std::size_t{100003}}) {
        for (std::size_t nf : {std::size_t{1}, std::size_t{13}, std::size_t{28}}) {
            const binned_case c = make_binned(rows, nf, 7 * rows + nf);
            const auto qg = quantized(rows, rows, false), qh = quantized(rows, rows + 1, true);
            for (const auto& subset : {all_rows(rows), some_rows(rows, 3 + rows)}) {
                const auto want = reference_histogram(c, subset, qg, qh);
                for (unsigned block : {32u, 256u, 1024u}) {
                    for (std::size_t smem : {std::size_t{48 * 1024}, std::size_t{24 * 300}, std::size_t{24}}) {
                        const auto plan = dd::plan_node_hist(subset.size(), c.offsets.data(), nf, block, 512, smem);
                        BOOST_TEST_CONTEXT("rows " << rows << " nf " << nf << " block " << block << " smem " << smem) {
                            BOOST_TEST((device_histogram(be, c, subset, qg, qh, plan) == want));
                        }
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(split_and_partition_equal_brute_force) {
    stream_backend sb;
    const auto be = sb.be();
    for (std::size_t rows : {std::size_t{2}, std::size_t{999}, std::size_t{20001}}) {
        for (bool ties : {false, true}) {
            const std::size_t nf = 11;
            const binned_case c = make_binned(rows, nf, 100 + rows, ties);
            const auto qg = quantized(rows, 5 * rows, false), qh = quantized(rows, 5 * rows + 1, true);
            const auto hist = reference_histogram(c, all_rows(rows), qg, qh);
            std::vector<std::uint8_t> allowed(nf, 1);
            allowed[2] = 0;
            const l2_rules r{40, 40, 1.0, 3};
            dd::fixed_sums node{0, 0, 0};
            for (std::size_t i = 0; i < rows; ++i) node = node + dd::fixed_sums{qg[i], qh[i], 1};
            const auto want = reference_split(c, hist, allowed, r);
            const auto got = device_split(be, c, hist, allowed, node, r);
            BOOST_TEST(got.gain == want.gain);
            BOOST_TEST(got.feature == want.feature);
            BOOST_TEST(got.bin == want.bin);
            BOOST_TEST(got.nan_left == want.nan_left);
            const auto subset = some_rows(rows, rows);
            for (std::uint32_t f = 0; f < nf; ++f) {
                for (int mode = 0; mode < 3; ++mode) {
                    const auto g = device_partition(be, c, subset, f, mode);
                    const auto w = reference_partition(c, subset, f, mode);
                    BOOST_TEST(g.second == w.second);
                    BOOST_TEST((g.first == w.first));
                }
            }
        }
    }
}

// ---- the device backend against gbdt-core's CPU backend ------------------------------

namespace {
const stream_backend& test_stream() {
    static const stream_backend sb;
    return sb;
}
const auto make_cuda = [](const dataset& d, const gd::split_settings& st, const launch_shape& shape) {
    return dd::gbdt_backend<dd::cuda_backend>(test_stream().be(), d, st, shape.block, shape.smem);
};
}  // namespace

BOOST_AUTO_TEST_CASE(backend_steps_equal_the_cpu_backend_bit_for_bit) {
    check_steps_against_cpu({1, 301, 100003}, {6, 28}, make_cuda);
}

BOOST_AUTO_TEST_CASE(boosted_trees_equal_the_cpu_backend_bit_for_bit) {
    check_boosting_against_cpu({57, 20001}, {3, 28}, make_cuda);
}

BOOST_AUTO_TEST_CASE(fit_with_exec_cuda_gives_the_cpu_model_bytes) {
    check_fit_against_cpu({101, 20001}, {5, 28});
}

int main(int argc, char* argv[]) {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
        std::puts("no CUDA device: skipped");
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
