// The element-wise Thrust bodies of nn::mlp's exec::cuda path
// (cuda/tessera/cuda/detail/nn_elementwise.hpp) compiled by g++ on Thrust's
// OMP device system, against the CPU functions they stand for:
// kernels::apply_epilogue / epilogue_backward on exec::seq, the dropout layer,
// nn::loss_value_and_grad, nn::sgd_step and nn::adam_step.
#define BOOST_TEST_MODULE nn_thrust_omp
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/cuda/detail/nn_elementwise.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/gemm.hpp>
#include <tessera/learners/nn/layers.hpp>
#include <tessera/learners/nn/losses.hpp>
#include <tessera/learners/nn/optimizers.hpp>

using namespace tessera;
namespace dn = tessera::device_detail::nn;
using kernels::epilogue;

namespace {

const device_detail::omp_backend be{};

std::vector<float> random_vec(std::size_t n, std::uint64_t seed, double scale = 1.0) {
    const rng r(seed, 3);
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(scale * r.normal_at<double>(i));
    return v;
}

void close(const std::vector<float>& a, const std::vector<float>& b, float tol) {
    BOOST_TEST_REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        BOOST_TEST_REQUIRE(std::abs(a[i] - b[i]) <= tol * (1.0f + std::abs(b[i])), "at " << i << ": " << a[i] << " vs " << b[i]);
}

const epilogue all_eps[] = {epilogue::bias, epilogue::bias_relu, epilogue::bias_leaky_relu,
                            epilogue::bias_gelu, epilogue::bias_tanh, epilogue::bias_sigmoid};

}  // namespace

BOOST_AUTO_TEST_CASE(bias_activation_and_backward_match_seq) {
    const std::size_t n = 37, w = 19;  // odd sizes
    const auto z = random_vec(n * w, 1, 2.0), b = random_vec(w, 2), dy = random_vec(n * w, 3);
    for (epilogue ep : all_eps) {
        std::vector<float> y_cpu(n * w), y_dev(n * w);
        kernels::apply_epilogue(exec::seq, ep, n, w, z.data(), w, b.data(), y_cpu.data(), w, 0.02f);
        dn::bias_activation(be, ep, n, w, z.data(), b.data(), y_dev.data(), 0.02f);
        close(y_dev, y_cpu, 1e-6f);
        // backward reads the output, or the pre-activation for GELU
        std::vector<float> s(n * w);
        for (std::size_t k = 0; k < n * w; ++k) s[k] = ep == epilogue::bias_gelu ? z[k] + b[k % w] : y_cpu[k];
        std::vector<float> dz_cpu(n * w), db_cpu(w), dz_dev(n * w), db_dev(w);
        kernels::epilogue_backward(exec::seq, ep, n, w, dy.data(), w, s.data(), w, dz_cpu.data(), w, db_cpu.data(),
                                   0.02f);
        dn::activation_backward(be, ep, n, w, dy.data(), s.data(), dz_dev.data(), db_dev.data(), 0.02f);
        close(dz_dev, dz_cpu, 1e-6f);
        close(db_dev, db_cpu, 1e-5f);
    }
}

BOOST_AUTO_TEST_CASE(column_sums_bitwise) {
    const std::size_t n = 101, w = 33;
    const auto a = random_vec(n * w, 4);
    std::vector<float> cpu(w), dev(w);
    kernels::column_sums(exec::seq, n, w, a.data(), w, cpu.data());
    dn::activation_backward(be, epilogue::none, n, w, a.data(), nullptr, const_cast<float*>(a.data()), dev.data(), 0.0f);
    BOOST_TEST(cpu == dev);  // one column per thread, rows in order: the seq order
}

BOOST_AUTO_TEST_CASE(dropout_mask_bitwise_as_cpu_layer) {
    const std::size_t n = 23, w = 13;  // n * w not a multiple of 4
    const auto x = random_vec(n * w, 5);
    tessera::nn::dropout L;
    std::size_t poff = 0, soff = 0;
    L.setup(w, w, poff, soff, n, 4);
    tessera::nn::layer_context c;
    c.dropout = 0.3f;
    c.seed = 99;
    c.step = 17;
    const float* y_cpu = L.forward(exec::seq, c, x.data(), n, true);
    std::vector<float> mask(n * w), y(n * w);
    dn::dropout_forward(be, 99, 4, 17, 0.3f, n * w, x.data(), mask.data(), y.data());
    BOOST_TEST(std::vector<float>(y_cpu, y_cpu + n * w) == y);
    BOOST_TEST(L.mask == mask);
}

BOOST_AUTO_TEST_CASE(losses_match_cpu) {
    using tessera::nn::loss_kind;
    const std::size_t n = 29;
    for (loss_kind kind : {loss_kind::mse, loss_kind::huber, loss_kind::binary_cross_entropy,
                           loss_kind::softmax_cross_entropy}) {
        const std::size_t m = kind == loss_kind::softmax_cross_entropy ? 4 : 1;
        const auto out = random_vec(n * m, 6, 2.0);
        std::vector<float> t(n), w(n);
        double wsum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            t[i] = kind == loss_kind::softmax_cross_entropy ? static_cast<float>(i % 4)
                   : kind == loss_kind::binary_cross_entropy ? static_cast<float>(i % 2)
                                                              : 0.3f * static_cast<float>(i) - 2.0f;
            w[i] = 0.5f + static_cast<float>(i % 3);
            wsum += w[i];
        }
        std::vector<float> g_cpu(n * m), g_dev(n * m);
        std::vector<double> scratch(n);
        const double l_cpu = tessera::nn::loss_value_and_grad(kind, 1.5, out.data(), n, m, t.data(), w.data(), g_cpu.data());
        const double l_dev = dn::loss_value_and_grad(be, kind, 1.5, out.data(), n, m, t.data(), w.data(), wsum,
                                                     g_dev.data(), scratch.data());
        BOOST_TEST(l_dev == l_cpu, boost::test_tools::tolerance(1e-12));
        close(g_dev, g_cpu, 1e-6f);
    }
}

BOOST_AUTO_TEST_CASE(optimizer_steps_match_cpu) {
    const std::size_t n = 45;
    const auto g = random_vec(n, 7);
    for (int variant = 0; variant < 4; ++variant) {
        auto p_cpu = random_vec(n, 8), p_dev = p_cpu;
        std::vector<float> m_cpu(n, 0.0f), v_cpu(n, 0.0f), m_dev(n, 0.0f), v_dev(n, 0.0f);
        for (int t = 1; t <= 3; ++t) {
            if (variant < 2) {
                const bool nesterov = variant == 1;
                tessera::nn::sgd_step(p_cpu.data(), g.data(), m_cpu.data(), n, 0.1f, 0.9f, 0.01f, nesterov, t == 1);
                dn::sgd_step(be, p_dev.data(), g.data(), m_dev.data(), n, 0.1f, 0.9f, 0.01f, nesterov, t == 1);
            } else {
                const bool decoupled = variant == 3;
                tessera::nn::adam_step(p_cpu.data(), g.data(), m_cpu.data(), v_cpu.data(), n, 0.01f, 0.9f, 0.999f,
                                       1e-8f, 0.05f, decoupled, t);
                dn::adam_step(be, p_dev.data(), g.data(), m_dev.data(), v_dev.data(), n, 0.01f, 0.9f, 0.999f, 1e-8f,
                              0.05f, decoupled, t);
            }
        }
        close(p_dev, p_cpu, 1e-6f);
        close(m_dev, m_cpu, 1e-6f);
    }
}
