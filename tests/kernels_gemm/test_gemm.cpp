// test_kernels_gemm — kernels::sgemm, apply_epilogue, epilogue_backward, column_sums.
//
// References: exec::seq against a double-precision triple loop and closed-form
// activations (tolerance from K and |A||B|; exact on integer-valued inputs);
// derivatives against central finite differences in double; simd and par against
// seq (summation order only: same tolerance, and exact equality on integer
// inputs); par bitwise identical for 1, 2 and 7 threads and to simd.
#define BOOST_TEST_MODULE kernels_gemm
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/kernels/gemm.hpp>

using namespace tessera;
using kernels::epilogue;
using kernels::transpose;

namespace {

constexpr exec::par_t par1{.threads = 1};
constexpr exec::par_t par2{.threads = 2};
constexpr exec::par_t par7{.threads = 7};
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();

constexpr epilogue all_epilogues[] = {epilogue::none,          epilogue::bias,
                                      epilogue::bias_relu,     epilogue::bias_leaky_relu,
                                      epilogue::bias_gelu,     epilogue::bias_tanh,
                                      epilogue::bias_sigmoid};

// The activations in double, written from their definitions.
double act_ref(epilogue ep, double x, double slope) {
    switch (ep) {
        case epilogue::bias_relu: return x < 0 ? 0.0 : x;
        case epilogue::bias_leaky_relu: return x < 0 ? slope * x : x;
        case epilogue::bias_gelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
        case epilogue::bias_tanh: return std::tanh(x);
        case epilogue::bias_sigmoid: return 1.0 / (1.0 + std::exp(-x));
        default: return x;
    }
}

// One GEMM problem with padded leading dimensions; C0 is C before the call.
struct gemm_case {
    transpose ta = transpose::no, tb = transpose::no;
    std::size_t M = 0, N = 0, K = 0, lda = 0, ldb = 0, ldc = 0;
    float alpha = 1.0f, beta = 0.0f, slope = 0.01f;
    epilogue ep = epilogue::none;
    std::vector<float> A, B, C0, bias;

    float a(std::size_t i, std::size_t k) const {
        return ta == transpose::no ? A[i * lda + k] : A[k * lda + i];
    }
    float b(std::size_t k, std::size_t j) const {
        return tb == transpose::no ? B[k * ldb + j] : B[j * ldb + k];
    }
    std::string label() const {
        return "M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) +
               " ta=" + std::to_string(int(ta)) + " tb=" + std::to_string(int(tb)) +
               " lda=" + std::to_string(lda) + " ldb=" + std::to_string(ldb) +
               " ldc=" + std::to_string(ldc) + " alpha=" + std::to_string(alpha) +
               " beta=" + std::to_string(beta) + " ep=" + std::to_string(int(ep));
    }

    template <class P>
    std::vector<float> run(const P& p) const {
        std::vector<float> C = C0;
        kernels::sgemm(p, ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc,
                       ep, ep == epilogue::none ? nullptr : bias.data(), slope);
        return C;
    }
};

// Values from draw(rng); integer-valued when `integers`.
gemm_case make_case(rng& g, std::size_t M, std::size_t N, std::size_t K, transpose ta,
                    transpose tb, epilogue ep, bool integers, std::size_t pad) {
    gemm_case c;
    c.ta = ta;
    c.tb = tb;
    c.M = M;
    c.N = N;
    c.K = K;
    c.ep = ep;
    c.lda = (ta == transpose::no ? K : M) + pad;
    c.ldb = (tb == transpose::no ? N : K) + pad;
    c.ldc = N + pad;
    auto draw = [&] {
        return integers ? static_cast<float>(g.uniform_int<int>(-4, 4))
                        : 2.0f * g.uniform<float>() - 1.0f;
    };
    c.A.resize((ta == transpose::no ? M : K) * c.lda + 1);
    c.B.resize((tb == transpose::no ? K : N) * c.ldb + 1);
    c.C0.resize(M * c.ldc + 1);
    c.bias.resize(N + 1);
    for (auto& v : c.A) v = draw();
    for (auto& v : c.B) v = draw();
    for (auto& v : c.C0) v = draw();
    for (auto& v : c.bias) v = draw();
    if (integers) {
        c.alpha = static_cast<float>(g.uniform_int<int>(1, 2));
        c.beta = static_cast<float>(g.uniform_int<int>(-1, 1));
        c.slope = 0.25f;
    } else {
        c.alpha = 0.5f + g.uniform<float>();
        const int kind = g.uniform_int<int>(0, 2);
        c.beta = kind == 0 ? 0.0f : kind == 1 ? 1.0f : 2.0f * g.uniform<float>() - 1.0f;
    }
    return c;
}

// |seq - exact| and |fast - seq| are each at most about K eps sum|a||b| before the
// activation; every activation here is at most 1.13-Lipschitz, and xsimd's
// erf/exp/tanh add a few ulp of the result.
double tolerance(const gemm_case& c, std::size_t i, std::size_t j, double ref) {
    double mag = 0.0;
    if (c.alpha != 0.0f)
        for (std::size_t k = 0; k < c.K; ++k) mag += std::fabs(double(c.a(i, k)) * double(c.b(k, j)));
    mag = std::fabs(c.alpha) * mag + std::fabs(c.beta) * std::fabs(double(c.C0[i * c.ldc + j])) +
          (c.ep == epilogue::none ? 0.0 : std::fabs(double(c.bias[j])));
    const double eps = std::numeric_limits<float>::epsilon();
    return 1.2 * 2.0 * double(c.K + 4) * eps * mag + 8.0 * eps * std::fabs(ref) + 1e-30;
}

double exact(const gemm_case& c, std::size_t i, std::size_t j) {
    double acc = 0.0;
    if (c.alpha != 0.0f)  // BLAS: alpha == 0 reads neither A nor B
        for (std::size_t k = 0; k < c.K; ++k) acc += double(c.a(i, k)) * double(c.b(k, j));
    double r = double(c.alpha) * acc;
    if (c.beta != 0.0f) r += double(c.beta) * double(c.C0[i * c.ldc + j]);
    if (c.ep != epilogue::none) r = act_ref(c.ep, r + double(c.bias[j]), c.slope);
    return r;
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

// Compares got with want over C's M x N window (within tol, or exactly when
// tol_scale == 0) and checks that the padding between rows was not written.
void check_against(const gemm_case& c, const std::vector<float>& got,
                   const std::vector<float>& want, double tol_scale, const std::string& what) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < c.M; ++i) {
        for (std::size_t j = 0; j < c.ldc; ++j) {
            const std::size_t at = i * c.ldc + j;
            const bool ok = [&] {
                if (j >= c.N) return std::memcmp(&got[at], &c.C0[at], sizeof(float)) == 0;
                if (std::isnan(want[at]) || std::isnan(got[at]))
                    return std::isnan(want[at]) && std::isnan(got[at]);
                if (tol_scale == 0.0) return got[at] == want[at];
                return std::fabs(double(got[at]) - double(want[at])) <=
                       tol_scale * tolerance(c, i, j, want[at]);
            }();
            if (!ok && bad++ < 3)
                BOOST_ERROR(what << " " << c.label() << " at (" << i << ", " << j << "): got "
                                 << got[at] << ", want " << want[at]);
        }
    }
    BOOST_TEST(std::memcmp(&got.back(), &c.C0.back(), sizeof(float)) == 0);
}

std::vector<float> exact_as_float(const gemm_case& c) {
    std::vector<float> r = c.C0;
    for (std::size_t i = 0; i < c.M; ++i)
        for (std::size_t j = 0; j < c.N; ++j) r[i * c.ldc + j] = static_cast<float>(exact(c, i, j));
    return r;
}

// Shapes that cover empty, 1, odd, tile multiples +- 1 and several K blocks.
const std::size_t dims[] = {0, 1, 2, 5, 11, 12, 13, 17, 31, 32, 33, 47, 64, 97};

}  // namespace

BOOST_AUTO_TEST_SUITE(sgemm_values)

BOOST_AUTO_TEST_CASE(seq_matches_double_reference) {
    rng g(11, 0);
    for (int it = 0; it < 120; ++it) {
        const auto c = make_case(g, dims[g.uniform_int<int>(0, 13)], dims[g.uniform_int<int>(0, 13)],
                                 dims[g.uniform_int<int>(0, 13)] * (it % 3 == 0 ? 13 : 1),
                                 g.uniform_int<int>(0, 1) ? transpose::yes : transpose::no,
                                 g.uniform_int<int>(0, 1) ? transpose::yes : transpose::no,
                                 all_epilogues[it % 7], false, it % 3);
        check_against(c, c.run(exec::seq), exact_as_float(c), 1.0, "seq vs double");
    }
}

BOOST_AUTO_TEST_CASE(fast_paths_match_seq_random_shapes) {
    rng g(12, 0);
    for (int it = 0; it < 400; ++it) {
        std::size_t M = g.uniform_int<std::size_t>(0, 80), N = g.uniform_int<std::size_t>(0, 80);
        std::size_t K = g.uniform_int<std::size_t>(0, 60);
        if (it % 10 == 0) K = g.uniform_int<std::size_t>(300, 1000);  // several K blocks
        if (it % 13 == 0) M = 1;
        if (it % 17 == 0) N = 1;
        if (it % 19 == 0) K = 1;
        const auto c = make_case(g, M, N, K, it & 1 ? transpose::yes : transpose::no,
                                 it & 2 ? transpose::yes : transpose::no, all_epilogues[(it / 4) % 7],
                                 false, g.uniform_int<std::size_t>(0, 5));
        const auto want = c.run(exec::seq);
        const auto s = c.run(exec::simd);
        check_against(c, s, want, 1.0, "simd vs seq");
        const auto p1 = c.run(par1);
        check_against(c, p1, want, 1.0, "par vs seq");
        BOOST_TEST_CONTEXT(c.label()) {
            BOOST_TEST(same_bits(p1, s));
            BOOST_TEST(same_bits(p1, c.run(par2)));
            BOOST_TEST(same_bits(p1, c.run(par7)));
        }
    }
}

BOOST_AUTO_TEST_CASE(large_shapes_bitwise_across_threads) {
    rng g(13, 0);
    // Big enough for several task tiles and K blocks, edges on every side.
    const std::size_t shapes[][3] = {{301, 517, 403}, {256, 256, 256}, {256, 28, 256}, {1, 700, 333}, {700, 1, 333}};
    for (const auto& sh : shapes) {
        for (int t = 0; t < 4; ++t) {
            const auto c = make_case(g, sh[0], sh[1], sh[2], t & 1 ? transpose::yes : transpose::no,
                                     t & 2 ? transpose::yes : transpose::no, epilogue::bias_tanh,
                                     false, 3);
            const auto p1 = c.run(par1);
            check_against(c, p1, c.run(exec::seq), 1.0, "par vs seq");
            BOOST_TEST_CONTEXT(c.label()) {
                BOOST_TEST(same_bits(p1, c.run(par2)));
                BOOST_TEST(same_bits(p1, c.run(par7)));
                BOOST_TEST(same_bits(p1, c.run(exec::par)));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(integer_inputs_are_exact_on_every_policy) {
    rng g(14, 0);
    const epilogue exact_eps[] = {epilogue::none, epilogue::bias, epilogue::bias_relu,
                                  epilogue::bias_leaky_relu};
    for (int it = 0; it < 200; ++it) {
        std::size_t K = g.uniform_int<std::size_t>(0, 90);
        if (it % 8 == 0) K = 900;
        const auto c = make_case(g, g.uniform_int<std::size_t>(0, 70), g.uniform_int<std::size_t>(0, 70),
                                 K, it & 1 ? transpose::yes : transpose::no,
                                 it & 2 ? transpose::yes : transpose::no, exact_eps[(it / 4) % 4],
                                 true, it % 4);
        const auto want = exact_as_float(c);
        check_against(c, c.run(exec::seq), want, 0.0, "seq exact");
        check_against(c, c.run(exec::simd), want, 0.0, "simd exact");
        check_against(c, c.run(par2), want, 0.0, "par exact");
    }
}

BOOST_AUTO_TEST_CASE(alpha_zero_and_k_zero_scale_c_only) {
    rng g(15, 0);
    for (const std::size_t K : {std::size_t{0}, std::size_t{7}}) {
        auto c = make_case(g, 9, 37, K, transpose::no, transpose::no, epilogue::bias_relu, false, 2);
        if (K != 0) {
            c.alpha = 0.0f;
            std::fill(c.A.begin(), c.A.end(), nan_f);  // not read (BLAS)
        }
        c.beta = 0.5f;
        const auto want = exact_as_float(c);
        for (const auto& got : {c.run(exec::seq), c.run(exec::simd), c.run(par2)}) {
            for (std::size_t i = 0; i < c.M; ++i)
                for (std::size_t j = 0; j < c.N; ++j) {
                    const float z = 0.5f * c.C0[i * c.ldc + j] + c.bias[j];
                    BOOST_TEST(got[i * c.ldc + j] == (z < 0 ? 0.0f : z));
                }
            check_against(c, got, want, 1.0, "alpha/K zero");
        }
    }
}

BOOST_AUTO_TEST_CASE(nan_propagates) {
    rng g(16, 0);
    for (const transpose ta : {transpose::no, transpose::yes}) {
        for (const transpose tb : {transpose::no, transpose::yes}) {
            for (const epilogue ep : all_epilogues) {
                for (const std::size_t N : {std::size_t{1}, std::size_t{45}}) {
                    auto c = make_case(g, 29, N, 19, ta, tb, ep, false, 1);
                    // A NaN at op(A)(3, 5) and op(B)(7, N-1); C's NaN read only when beta != 0.
                    (ta == transpose::no ? c.A[3 * c.lda + 5] : c.A[5 * c.lda + 3]) = nan_f;
                    (tb == transpose::no ? c.B[7 * c.ldb + (N - 1)] : c.B[(N - 1) * c.ldb + 7]) = nan_f;
                    c.C0[10 * c.ldc + 0] = nan_f;
                    for (const float beta : {0.0f, 0.5f}) {
                        c.beta = beta;
                        for (const auto& got : {c.run(exec::seq), c.run(exec::simd), c.run(par2)}) {
                            BOOST_TEST_CONTEXT(c.label()) {
                                for (std::size_t i = 0; i < c.M; ++i)
                                    for (std::size_t j = 0; j < c.N; ++j) {
                                        const bool expect = i == 3 || j == N - 1 || (beta != 0 && i == 10 && j == 0);
                                        BOOST_TEST(std::isnan(got[i * c.ldc + j]) == expect);
                                    }
                            }
                        }
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(epilogue_equals_separate_pass) {
    // The fused epilogue gives what apply_epilogue gives on the plain product.
    rng g(17, 0);
    for (const epilogue ep : all_epilogues) {
        auto c = make_case(g, 37, 45, 29, transpose::no, transpose::yes, ep, false, 2);
        c.beta = 0.0f;
        const auto fused = c.run(exec::seq);
        auto plain_case = c;
        plain_case.ep = epilogue::none;
        auto plain = plain_case.run(exec::seq);
        kernels::apply_epilogue(exec::seq, ep, c.M, c.N, plain.data(), c.ldc, c.bias.data(), plain.data(),
                                c.ldc, c.slope);
        BOOST_TEST(same_bits(fused, plain));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sgemm_errors)

BOOST_AUTO_TEST_CASE(bad_arguments_throw) {
    std::vector<float> A(64, 1.0f), B(64, 1.0f), C(64, 0.0f), bias(8, 0.0f);
    // lda < K for op(A) = A (4 x 5)
    BOOST_CHECK_THROW(kernels::sgemm(exec::seq, transpose::no, transpose::no, 4, 4, 5, 1.0f, A.data(), 4,
                                     B.data(), 4, 0.0f, C.data(), 4),
                      shape_error);
    // lda < M for op(A) = A^T (A stored 5 x 4)
    BOOST_CHECK_THROW(kernels::sgemm(exec::simd, transpose::yes, transpose::no, 4, 4, 5, 1.0f, A.data(), 3,
                                     B.data(), 4, 0.0f, C.data(), 4),
                      shape_error);
    BOOST_CHECK_THROW(kernels::sgemm(exec::par, transpose::no, transpose::yes, 4, 4, 5, 1.0f, A.data(), 5,
                                     B.data(), 4, 0.0f, C.data(), 4),
                      shape_error);
    BOOST_CHECK_THROW(kernels::sgemm(exec::seq, transpose::no, transpose::no, 4, 4, 5, 1.0f, A.data(), 5,
                                     B.data(), 4, 0.0f, C.data(), 3),
                      shape_error);
    BOOST_CHECK_THROW(kernels::sgemm(exec::seq, transpose::no, transpose::no, 4, 4, 5, 1.0f, A.data(), 5,
                                     B.data(), 4, 0.0f, C.data(), 4, epilogue::bias_relu, nullptr),
                      config_error);
    BOOST_CHECK_THROW(kernels::sgemm(exec::seq, transpose::no, transpose::no, 4, 4, 5, 1.0f, nullptr, 5,
                                     B.data(), 4, 0.0f, C.data(), 4),
                      shape_error);
    BOOST_CHECK_THROW(kernels::sgemm(exec::seq, transpose::no, transpose::no, 4, 4, 5, 1.0f, A.data(), 5,
                                     B.data(), 4, 0.0f, C.data(), 4, static_cast<epilogue>(42), bias.data()),
                      config_error);
    BOOST_CHECK_THROW(kernels::epilogue_backward(exec::seq, epilogue::bias_relu, 4, 4, A.data(), 4, nullptr, 4,
                                                 C.data(), 4, nullptr),
                      shape_error);
    // Empty problems are fine, with any pointers.
    kernels::sgemm(exec::par, transpose::no, transpose::no, 0, 4, 5, 1.0f, nullptr, 5, nullptr, 4, 0.0f,
                   nullptr, 4);
    kernels::sgemm(exec::par, transpose::no, transpose::no, 3, 0, 5, 1.0f, nullptr, 5, nullptr, 0, 0.0f,
                   nullptr, 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(elementwise)

BOOST_AUTO_TEST_CASE(apply_epilogue_matches_definition_and_seq) {
    rng g(21, 0);
    for (const epilogue ep : all_epilogues) {
        for (const std::size_t N : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{67}}) {
            const std::size_t M = 13, ld = N + 3;
            std::vector<float> Z(M * ld), bias(N);
            for (auto& v : Z) v = 8.0f * g.uniform<float>() - 4.0f;
            for (auto& v : bias) v = g.uniform<float>() - 0.5f;
            Z[ld + 0] = nan_f;
            auto run = [&](const auto& p) {
                std::vector<float> Y(M * ld, -7.0f);
                kernels::apply_epilogue(p, ep, M, N, Z.data(), ld, bias.data(), Y.data(), ld, 0.1f);
                return Y;
            };
            const auto ys = run(exec::seq);
            const auto yv = run(exec::simd);
            const auto yp = run(par2);
            BOOST_TEST(same_bits(yv, yp));
            BOOST_TEST(same_bits(yp, run(par7)));
            for (std::size_t i = 0; i < M; ++i)
                for (std::size_t j = 0; j < ld; ++j) {
                    const std::size_t at = i * ld + j;
                    if (j >= N) {
                        BOOST_TEST((ys[at] == -7.0f && yv[at] == -7.0f));
                        continue;
                    }
                    if (i == 1 && j == 0) {
                        BOOST_TEST((std::isnan(ys[at]) && std::isnan(yv[at])));
                        continue;
                    }
                    const double z = double(Z[at]) + (ep == epilogue::none ? 0.0 : double(bias[j]));
                    const double want = act_ref(ep, z, 0.1);
                    BOOST_TEST(std::fabs(ys[at] - want) <= 4e-7 * (1 + std::fabs(want)));
                    BOOST_TEST(std::fabs(yv[at] - want) <= 4e-7 * (1 + std::fabs(want)));
                }
        }
    }
}

BOOST_AUTO_TEST_CASE(epilogue_backward_matches_finite_differences) {
    rng g(22, 0);
    const double h = 1e-5;
    for (const epilogue ep : all_epilogues) {
        const std::size_t M = 37, N = 43, ld = 47;
        std::vector<float> Z(M * ld), dY(M * ld), S(M * ld);
        for (auto& v : Z) v = 6.0f * g.uniform<float>() - 3.0f;
        for (auto& v : dY) v = 2.0f * g.uniform<float>() - 1.0f;
        const bool from_z = kernels::grad_source_of(ep) == kernels::grad_source::pre_activation;
        for (std::size_t i = 0; i < S.size(); ++i)
            S[i] = from_z ? Z[i] : static_cast<float>(act_ref(ep, Z[i], 0.05));
        dY[2 * ld + 3] = nan_f;
        auto run = [&](const auto& p, std::vector<float>& dZ, std::vector<float>& db) {
            dZ.assign(M * ld, -9.0f);
            db.assign(N + 1, -9.0f);
            kernels::epilogue_backward(p, ep, M, N, dY.data(), ld, S.data(), ld, dZ.data(), ld, db.data(), 0.05f);
        };
        std::vector<float> dzs, dbs, dzv, dbv, dzp, dbp, dz7, db7;
        run(exec::seq, dzs, dbs);
        run(exec::simd, dzv, dbv);
        run(par2, dzp, dbp);
        run(par7, dz7, db7);
        BOOST_TEST_CONTEXT("ep=" << int(ep)) {
            BOOST_TEST(same_bits(dzv, dzp));
            BOOST_TEST(same_bits(dbv, dbp));
            BOOST_TEST(same_bits(dzp, dz7));
            BOOST_TEST(same_bits(dbp, db7));
            BOOST_TEST(db7[N] == -9.0f);
            for (std::size_t j = 0; j < N; ++j) {
                double sum = 0.0, mag = 0.0;
                for (std::size_t i = 0; i < M; ++i) {
                    const std::size_t at = i * ld + j;
                    const double z = Z[at];
                    const double d = (act_ref(ep, z + h, 0.05) - act_ref(ep, z - h, 0.05)) / (2 * h);
                    const double want = double(dY[at]) * d;
                    sum += want;
                    mag += std::fabs(want);
                    if (i == 2 && j == 3) {
                        // relu passes no gradient, not even NaN, through an inactive
                        // unit (PyTorch's threshold_backward does the same).
                        const bool dead = ep == epilogue::bias_relu && S[at] <= 0.0f;
                        BOOST_TEST(std::isnan(dzs[at]) == !dead);
                        BOOST_TEST(std::isnan(dzv[at]) == !dead);
                        BOOST_TEST(std::isnan(dbs[j]) == !dead);
                        BOOST_TEST(std::isnan(dbv[j]) == !dead);
                        continue;
                    }
                    if (std::fabs(z) < 1e-3) continue;  // relu kinks
                    BOOST_TEST(std::fabs(dzs[at] - want) <= 2e-5 * (1 + std::fabs(want)));
                    BOOST_TEST(std::fabs(dzv[at] - want) <= 2e-5 * (1 + std::fabs(want)));
                }
                if (j != 3) {
                    BOOST_TEST(std::fabs(dbs[j] - sum) <= 2e-5 * (1 + mag));
                    BOOST_TEST(std::fabs(dbv[j] - sum) <= 2e-5 * (1 + mag));
                }
                for (std::size_t i = 0; i < M; ++i)
                    for (std::size_t q = N; q < ld; ++q) BOOST_TEST(dzv[i * ld + q] == -9.0f);
            }
            if (ep == epilogue::none || ep == epilogue::bias || ep == epilogue::bias_relu ||
                ep == epilogue::bias_leaky_relu) {
                // No transcendental maths: every policy adds the same terms in the same order.
                BOOST_TEST(same_bits(dzs, dzv));
                BOOST_TEST(same_bits(dbs, dbv));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(column_sums_in_place_and_empty) {
    rng g(23, 0);
    const std::size_t M = 300, N = 70;
    std::vector<float> X(M * N);
    for (auto& v : X) v = static_cast<float>(g.uniform_int<int>(-100, 100));
    std::vector<float> s1(N), s2(N), s3(N);
    kernels::column_sums(exec::seq, M, N, X.data(), N, s1.data());
    kernels::column_sums(exec::simd, M, N, X.data(), N, s2.data());
    kernels::column_sums(par7, M, N, X.data(), N, s3.data());
    for (std::size_t j = 0; j < N; ++j) {
        double want = 0.0;
        for (std::size_t i = 0; i < M; ++i) want += X[i * N + j];
        BOOST_TEST(s1[j] == want);
        BOOST_TEST(s2[j] == want);
        BOOST_TEST(s3[j] == want);
    }
    // dZ in place over dY.
    std::vector<float> Y(X), dY(X);
    kernels::epilogue_backward(exec::par, epilogue::bias_relu, M, N, dY.data(), N, Y.data(), N, dY.data(), N, nullptr);
    for (std::size_t i = 0; i < X.size(); ++i) BOOST_TEST(dY[i] == (X[i] > 0 ? X[i] : 0.0f));
    // No rows: the bias gradient is zero.
    kernels::column_sums(exec::simd, 0, N, nullptr, N, s2.data());
    BOOST_TEST(std::all_of(s2.begin(), s2.end(), [](float v) { return v == 0.0f; }));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(example)

BOOST_AUTO_TEST_CASE(dense_layer_forward_and_backward) {
    const std::size_t batch = 4, in = 3, out = 2;
    const std::vector<float> X{1, 2, 3, -1, 0, 1, 2, 2, 2, 0, -3, 1};  // batch x in
    const std::vector<float> W{0.5f, -1, 0.25f, 1, 1, -1};           // out x in
    const std::vector<float> b{0.5f, -0.5f};
    const std::vector<float> dY{1, 1, 1, 1, 1, 1, 1, 1};               // batch x out
    std::vector<float> Y(batch * out), dZ(batch * out), db(out), dW(out * in), dX(batch * in);
    // example-begin kernels_gemm
    using kernels::transpose;
    const auto pol = exec::par_t{.threads = 2};
    // forward: Y = relu(X W^T + b), bias and ReLU applied as the tiles leave the registers
    kernels::sgemm(pol, transpose::no, transpose::yes, batch, out, in, 1.0f, X.data(), in, W.data(), in,
                   0.0f, Y.data(), out, kernels::epilogue::bias_relu, b.data());
    // backward: dZ = dY * relu'(Y) and db = column sums of dZ in one pass ...
    kernels::epilogue_backward(pol, kernels::epilogue::bias_relu, batch, out, dY.data(), out, Y.data(), out,
                               dZ.data(), out, db.data());
    // ... then dW = dZ^T X and dX = dZ W
    kernels::sgemm(pol, transpose::yes, transpose::no, out, in, batch, 1.0f, dZ.data(), out, X.data(), in,
                   0.0f, dW.data(), in);
    kernels::sgemm(pol, transpose::no, transpose::no, batch, in, out, 1.0f, dZ.data(), out, W.data(), in,
                   0.0f, dX.data(), in);
    // example-end
    // Hand-computed: Z = X W^T + b = [[-0.25, -0.5], [0.25, -2.5], [0, 1.5], [3.75, -3.5]].
    BOOST_TEST(Y == (std::vector<float>{0, 0, 0.25f, 0, 0, 1.5f, 3.75f, 0}), boost::test_tools::per_element());
    BOOST_TEST(db == (std::vector<float>{2, 1}), boost::test_tools::per_element());
    // dW row 0 = X rows 1 and 3 summed; row 1 = X row 2.
    BOOST_TEST(dW == (std::vector<float>{-1, -3, 2, 2, 2, 2}), boost::test_tools::per_element());
    BOOST_TEST(dX == (std::vector<float>{0, 0, 0, 0.5f, -1, 0.25f, 1, 1, -1, 0.5f, -1, 0.25f}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
