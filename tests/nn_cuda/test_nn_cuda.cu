// The public exec::cuda overloads of nn::mlp (<tessera/cuda/nn.cuh>) on a real
// GPU against the CPU path: fit on the device (same seed: same shuffles,
// initial weights and dropout masks) learns what exec::seq learns, and
// decision_function on the device matches exec::seq. Without a usable device
// it prints "no CUDA device: skipped" and exits 77 (CTest: skipped).
#define BOOST_TEST_MODULE nn_cuda
#define BOOST_TEST_NO_MAIN
#define BOOST_PP_VARIADICS 1  // Boost.PP does not detect variadic macros under nvcc
#include <boost/test/unit_test.hpp>

#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>

#include <tessera/core/random.hpp>
#include <tessera/cuda/nn.cuh>

using namespace tessera;

namespace {

using net = nn::mlp<nn::dense<nn::relu>, nn::dropout, nn::dense<nn::gelu>, nn::dense<>>;

struct data {
    matrix<float> X;
    vector<std::int32_t> y;
};

data make(std::size_t n, std::size_t d, std::uint64_t seed) {
    const rng r(seed, 1);
    data out{xt::empty<float>({n, d}), xt::empty<std::int32_t>({n})};
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) out.X(i, j) = r.normal_at<float>(i * d + j);
        out.y(i) = out.X(i, 0) * out.X(i, 1) + 0.5f * out.X(i, 2) > 0 ? 1 : 0;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fit_and_predict_on_device_match_cpu) {
    const auto d = make(2000, 8, 1);
    const net est{{.hidden = {32, 16}, .epochs = 3, .batch_size = 64, .dropout = 0.1, .seed = 4}};
    const auto cpu = est.fit(exec::seq, d.X, d.y);
    const auto gpu = est.fit(exec::cuda, d.X, d.y);
    BOOST_TEST_REQUIRE(gpu.parameters().size() == cpu.parameters().size());
    for (std::size_t k = 0; k < cpu.parameters().size(); ++k)
        BOOST_TEST_REQUIRE(std::abs(gpu.parameters()[k] - cpu.parameters()[k]) <= 1e-3f);
    for (std::size_t e = 0; e < 3; ++e)
        BOOST_TEST(gpu.history()[e].train_loss == cpu.history()[e].train_loss, boost::test_tools::tolerance(1e-4));
    const auto a = cpu.decision_function(exec::seq, d.X);
    const auto b = cpu.decision_function(exec::cuda, d.X);
    for (std::size_t i = 0; i < a.size(); ++i)
        BOOST_TEST_REQUIRE(std::abs(a.data()[i] - b.data()[i]) <= 1e-4f * (1 + std::abs(a.data()[i])));
}

BOOST_AUTO_TEST_CASE(early_stopping_on_device) {
    const auto d = make(600, 8, 2), v = make(300, 8, 3);
    nn::fit_options<vector<std::int32_t>> opt{&v.X, &v.y};
    const auto m = net{{.hidden = {16, 8}, .epochs = 30, .early_stopping = true, .patience = 3}}.fit(exec::cuda, d.X,
                                                                                                     d.y, opt);
    BOOST_TEST(m.best_epoch() >= 0);
    BOOST_TEST(!std::isnan(m.history()[0].valid_loss));
}

int main(int argc, char* argv[]) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        std::printf("no CUDA device: skipped (cudaGetDeviceCount: %s, %d devices)\n", cudaGetErrorString(e), count);
        return 77;
    }
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
