// The public exec::cuda overloads of the scalers and the imputer
// (<tessera/cuda/features.cuh>) on a real GPU against exec::seq (cases.hpp),
// on the default stream and a non-blocking one. Without a usable device it
// prints "no CUDA device: skipped" and exits 77 (CTest: skipped).
#define BOOST_TEST_MODULE features_cuda
#define BOOST_TEST_NO_MAIN
#define BOOST_PP_VARIADICS 1  // Boost.PP does not detect variadic macros under nvcc
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <cuda_runtime.h>

#include <cstdio>

#include <tessera/cuda/features.cuh>

#include "cases.hpp"

using namespace tessera;
using value_types = boost::mpl::list<float, double>;

namespace {

struct cuda_run {
    exec::cuda_t policy;
    template <class E, class T>
    auto fit(const E& est, const matrix<T>& X) const {
        return est.fit(policy, X);
    }
    template <class F, class T>
    matrix<T> transform(const F& f, const matrix<T>& X) const {
        return f.transform(policy, X);
    }
    template <class F, class T>
    matrix<T> inverse(const F& f, const matrix<T>& X) const {
        return f.inverse_transform(policy, X);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(cuda_matches_seq, T, value_types) {
    cudaStream_t s = nullptr;
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    features_cuda_test::check_all<T>(cuda_run{exec::cuda});
    features_cuda_test::check_all<T>(cuda_run{exec::cuda_t{.device = 0, .stream = s}});
    cudaStreamDestroy(s);
}

BOOST_AUTO_TEST_CASE(wrong_column_count_is_a_shape_error) {
    const auto X = features_cuda_test::random_matrix<float>(10, 4, 1, 0.1, false);
    const auto Y = features_cuda_test::random_matrix<float>(10, 3, 2, 0.1, false);
    const auto f = features::minmax_scaler{}.fit(exec::cuda, X);
    BOOST_CHECK_THROW((void)f.transform(exec::cuda, Y), shape_error);
}

int main(int argc, char* argv[]) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        std::printf("no CUDA device: skipped (cudaGetDeviceCount: %s, %d devices)\n",
                    cudaGetErrorString(e), count);
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
