// The exec::cuda overloads (<tessera/cuda.hpp>) on a real GPU, against
// exec::seq on the same random inputs (NaN, empty, length 1, odd sizes,
// unaligned starts), on the default stream and on a non-blocking stream.
// Without a usable device (cudaGetDeviceCount fails or reports 0) it prints
// "no CUDA device: skipped" and exits 77, which CTest reports as skipped.
#define BOOST_TEST_MODULE cuda_device
#define BOOST_TEST_NO_MAIN
// Boost.Preprocessor does not detect variadic macros under nvcc's front end, and
// BOOST_TEST needs them.
#define BOOST_PP_VARIADICS 1
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include <tessera/cuda.hpp>

#include "random_inputs.hpp"

using namespace tessera;
using namespace cuda_test;
using value_types = boost::mpl::list<float, double>;

namespace {

const std::size_t sizes[] = {1, 3, 17, 33, 1000, 100003};

// Relative closeness for the device test: scale is |b|.
bool close(double a, double b, double tol) { return cuda_test::close(a, b, tol, std::fabs(b)); }

// The policies under test: default stream, and a non-blocking stream.
struct streams {
    cudaStream_t s = nullptr;
    streams() { cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking); }
    ~streams() { cudaStreamDestroy(s); }
    std::vector<exec::cuda_t> policies() const { return {exec::cuda, exec::cuda_t{.device = 0, .stream = s}}; }
};

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(reductions_and_moments_match_seq, T, value_types) {
    streams st;
    for (const exec::cuda_t& cu : st.policies()) {
        for (std::size_t n : sizes) {
            for (std::size_t nan_every : {std::size_t{0}, std::size_t{7}}) {
                const auto xs = random_values<T>(n + 1, 1 + static_cast<unsigned>(n), nan_every, 8);
                const auto ys = random_values<T>(n + 1, 2 + static_cast<unsigned>(n));
                const auto x = cspan(xs, 1), y = cspan(ys, 1);
                BOOST_TEST(close(kernels::sum(cu, x), kernels::sum(exec::seq, x), 1e-9));
                BOOST_TEST(close(kernels::nansum(cu, x), kernels::nansum(exec::seq, x), 1e-9));
                BOOST_TEST(close(kernels::dot(cu, x, y), kernels::dot(exec::seq, x, y), 1e-9));
                BOOST_TEST(same(kernels::min(cu, x), kernels::min(exec::seq, x)));
                BOOST_TEST(same(kernels::max(cu, x), kernels::max(exec::seq, x)));
                BOOST_TEST(same(kernels::nanmin(cu, x), kernels::nanmin(exec::seq, x)));
                BOOST_TEST(same(kernels::nanmax(cu, x), kernels::nanmax(exec::seq, x)));
                BOOST_TEST(kernels::argmin(cu, x) == kernels::argmin(exec::seq, x));
                BOOST_TEST(kernels::argmax(cu, x) == kernels::argmax(exec::seq, x));
                BOOST_TEST(kernels::nanargmin(cu, x) == kernels::nanargmin(exec::seq, x));
                BOOST_TEST(kernels::nanargmax(cu, x) == kernels::nanargmax(exec::seq, x));
                std::vector<T> a(y.begin(), y.end()), b(y.begin(), y.end());
                kernels::axpy(cu, T(0.5), x, std::span<T>(a));
                kernels::axpy(exec::seq, T(0.5), x, std::span<T>(b));
                for (std::size_t i = 0; i < n; ++i)
                    BOOST_TEST(close(a[i], b[i], 4 * std::numeric_limits<T>::epsilon()));
                const auto m = kernels::moments(cu, x);
                const auto ms = kernels::moments(exec::seq, x);
                BOOST_TEST(m.count == ms.count);
                BOOST_TEST(close(m.mean, ms.mean, 1e-12));
                BOOST_TEST(close(m.m2, ms.m2, 1e-9));
                const auto nm = kernels::nanmoments(cu, x);
                BOOST_TEST(nm.count == kernels::nanmoments(exec::seq, x).count);
                BOOST_TEST(close(kernels::mean(cu, x), kernels::mean(exec::seq, x), 1e-12));
                BOOST_TEST(close(kernels::variance(cu, x, 1), kernels::variance(exec::seq, x, 1), 1e-9));
                BOOST_TEST(close(kernels::nanmean(cu, x), kernels::nanmean(exec::seq, x), 1e-12));
                BOOST_TEST(close(kernels::nanvariance(cu, x), kernels::nanvariance(exec::seq, x), 1e-9));
            }
        }
        const std::vector<T> none;
        BOOST_TEST(kernels::sum(cu, cspan(none)) == 0.0);
        BOOST_CHECK_THROW(kernels::min(cu, cspan(none)), shape_error);
        BOOST_CHECK_THROW(kernels::mean(cu, cspan(none)), shape_error);
    }
}

BOOST_AUTO_TEST_CASE(histograms_match_seq) {
    streams st;
    for (const exec::cuda_t& cu : st.policies()) {
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{33}, std::size_t{100003}}) {
            std::mt19937_64 g(n);
            std::vector<std::uint8_t> b8(n);
            std::vector<std::uint16_t> b16(n);
            for (std::size_t i = 0; i < n; ++i) {
                b8[i] = static_cast<std::uint8_t>(g() % 200);
                b16[i] = static_cast<std::uint16_t>(g() % 5000);  // global-atomics path
            }
            const auto w = random_values<double>(n, 3);
            const auto gr = random_values<float>(n, 4);
            const auto he = random_values<float>(n, 5);
            BOOST_TEST(kernels::histogram_counts(cu, cspan(b8), 200) ==
                       kernels::histogram_counts(exec::seq, cspan(b8), 200));
            const auto s = kernels::histogram_sums(cu, cspan(b8), cspan(w), 200);
            const auto ss = kernels::histogram_sums(exec::seq, cspan(b8), cspan(w), 200);
            for (std::size_t b = 0; b < 200; ++b) BOOST_TEST(close(s[b], ss[b], 1e-9));
            for (std::size_t nb : {std::size_t{200}, std::size_t{5000}}) {
                const auto h1 = nb == 200 ? kernels::histogram_grad_hess(cu, cspan(b8), cspan(gr), cspan(he), nb)
                                          : kernels::histogram_grad_hess(cu, cspan(b16), cspan(gr), cspan(he), nb);
                const auto h2 = nb == 200 ? kernels::histogram_grad_hess(cu, cspan(b8), cspan(gr), cspan(he), nb)
                                          : kernels::histogram_grad_hess(cu, cspan(b16), cspan(gr), cspan(he), nb);
                const auto hs = nb == 200 ? kernels::histogram_grad_hess(exec::seq, cspan(b8), cspan(gr), cspan(he), nb)
                                          : kernels::histogram_grad_hess(exec::seq, cspan(b16), cspan(gr), cspan(he), nb);
                BOOST_TEST(std::memcmp(h1.data(), h2.data(), nb * sizeof h1[0]) == 0);  // deterministic
                for (std::size_t b = 0; b < nb; ++b) {
                    BOOST_TEST(h1[b].count == hs[b].count);
                    // quantization bound (docs/cuda.md) is far below this for |g| <= 10
                    BOOST_TEST(close(h1[b].grad, hs[b].grad, 1e-9));
                    BOOST_TEST(close(h1[b].hess, hs[b].hess, 1e-9));
                }
            }
            const std::vector<double> edges{-5.0, -1.0, 0.0, 2.5, 7.0};
            const auto x = random_values<float>(n, 6, 9, 2.0);
            BOOST_TEST(kernels::bin_index(cu, cspan(x), std::span<const double>(edges)) ==
                       kernels::bin_index(exec::seq, cspan(x), std::span<const double>(edges)));
            BOOST_TEST(kernels::histogram(cu, cspan(x), std::span<const double>(edges)) ==
                       kernels::histogram(exec::seq, cspan(x), std::span<const double>(edges)));
        }
        const std::vector<std::uint8_t> bad{0, 9};
        BOOST_CHECK_THROW(kernels::histogram_counts(cu, cspan(bad), 4), data_error);
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(rank_and_quantile_bitwise_equal_to_seq, T, value_types) {
    streams st;
    const std::vector<double> q{0.0, 0.25, 0.5, 0.9, 1.0};
    for (const exec::cuda_t& cu : st.policies()) {
        for (std::size_t n : sizes) {
            for (std::size_t nan_every : {std::size_t{0}, std::size_t{5}}) {
                const auto xs = random_values<T>(n + 1, 9 + static_cast<unsigned>(n), nan_every, 3);
                const auto x = cspan(xs, 1);
                const auto r = kernels::rank(cu, x);
                const auto rs = kernels::rank(exec::seq, x);
                BOOST_TEST(std::memcmp(r.data(), rs.data(), n * sizeof(double)) == 0);
                const auto a = kernels::quantile(cu, x, std::span<const double>(q));
                const auto as = kernels::quantile(exec::seq, x, std::span<const double>(q));
                const auto b = kernels::nanquantile(cu, x, std::span<const double>(q));
                const auto bs = kernels::nanquantile(exec::seq, x, std::span<const double>(q));
                for (std::size_t j = 0; j < q.size(); ++j) {
                    BOOST_TEST(same(a[j], as[j]));
                    BOOST_TEST(same(b[j], bs[j]));
                }
            }
        }
    }
}

int main(int argc, char* argv[]) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        std::printf("no CUDA device: skipped (cudaGetDeviceCount: %s, %d devices)\n",
                    cudaGetErrorName(e), count);
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
