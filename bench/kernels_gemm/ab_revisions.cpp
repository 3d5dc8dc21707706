// A/B of two revisions of the SGEMM kernel in one process, with OpenBLAS as the
// third party: per shape, R rounds each time the old kernel, the new kernel and
// cblas_sgemm back to back on the same operands and output buffer, and prints
// the best (and median) of the rounds. With 1 thread the clock is the calling
// thread's CPU time, which leaves out the time other processes hold the core:
// on a loaded machine, best-of-R CPU time separates kernels a few percent apart
// where wall-clock means do not. Built and run by ab_revisions.sh, which puts
// the old revision's gemm_driver.hpp / gemm_pack.hpp into namespace gemm_old.
//
//   ab_revisions R [shape-substring] [threads] [offset: floats past a 64-byte boundary]
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <tessera/exec/thread_pool.hpp>
#include <tessera/kernels/gemm.hpp>

#include "gemm_old/gemm_driver.hpp"

namespace {

using tessera::kernels::transpose;
using Arch = tessera::simd::default_arch;
namespace knew = tessera::kernels::detail::gemm;
namespace kold = tessera::kernels::detail::gemm_old;
constexpr transpose no = transpose::no, yes = transpose::yes;

struct shape {
    const char* name;
    transpose ta, tb;
    std::size_t M, K, N;
};
// The shapes of bench_gemm.cpp.
const shape shapes[] = {
    {"fwd1_256x28x256", no, yes, 256, 28, 256},  {"fwd2_256x256x256", no, yes, 256, 256, 256},
    {"fwd3_256x256x1", no, yes, 256, 256, 1},    {"dW3_1x256x256", yes, no, 1, 256, 256},
    {"dX3_256x1x256", no, no, 256, 1, 256},      {"dW2_256x256x256", yes, no, 256, 256, 256},
    {"dX2_256x256x256", no, no, 256, 256, 256},  {"dW1_256x256x28", yes, no, 256, 256, 28},
    {"sq_1024", no, no, 1024, 1024, 1024},       {"sq_1024_tt", yes, yes, 1024, 1024, 1024},
};

double thread_cpu() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
double wall() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// n floats starting `offset` floats past a 64-byte boundary: the alignment of
// the operands is fixed (it moves gemv speeds by up to 2x), not malloc's.
struct buffer {
    std::vector<float> v;
    float* p;
    std::size_t n;
    buffer(std::size_t n_, std::size_t offset) : v(n_ + 16 + offset), n(n_) {
        const auto a = reinterpret_cast<std::uintptr_t>(v.data());
        p = reinterpret_cast<float*>((a + 63) / 64 * 64) + offset;
    }
    float* data() { return p; }
    std::size_t size() const { return n; }
    float& operator[](std::size_t i) { return p[i]; }
};

template <class Problem, class Run>
void run_kernel(unsigned threads, const Problem& p, Run&& run) {
    if (threads == 1) run(tessera::exec::serial_tag<true>{}, p);
    else run(tessera::exec::select_backend(tessera::exec::par_t{.threads = threads}), p);
}

}  // namespace

int main(int argc, char** argv) {
    const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 40;
    const char* only = argc > 2 && argv[2][0] ? argv[2] : nullptr;
    const unsigned threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1u;
    const std::size_t offset = argc > 4 ? static_cast<std::size_t>(std::atoi(argv[4])) : 0;  // floats
    double (*clock)() = threads == 1 ? thread_cpu : wall;
    std::printf("GFLOP/s from %s, best of %d rounds; ratios of the best (min) and median times; "
                "operands %zu floats past a 64-byte boundary\n",
                threads == 1 ? "thread CPU time" : "wall time", reps, offset);
    std::printf("%-18s %7s %7s %7s %7s %7s %8s %8s %8s\n", "shape", "old", "new", "new_med", "openblas",
                "new/old", "med", "new/blas", "old/blas");
    openblas_set_num_threads(static_cast<int>(threads));
    for (const shape& s : shapes) {
        if (only && !std::strstr(s.name, only)) continue;
        buffer A(s.M * s.K, offset), B(s.K * s.N, offset), C(s.M * s.N, offset);
        for (std::size_t i = 0; i < A.size(); ++i) A[i] = static_cast<float>((i * 7 + 3) % 17) / 17.0f - 0.5f;
        for (std::size_t i = 0; i < B.size(); ++i) B[i] = static_cast<float>((i * 5 + 1) % 13) / 13.0f - 0.5f;
        const std::size_t lda = s.ta == no ? s.K : s.M, ldb = s.tb == no ? s.N : s.K;
        const double fl = 2.0 * static_cast<double>(s.M * s.N * s.K);
        const int inner = std::max(1, static_cast<int>(2e7 / fl));
        const knew::problem pn{s.ta, s.tb, s.M, s.N, s.K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N,
                               tessera::kernels::epilogue::none, nullptr, 0.0f};
        const kold::problem po{s.ta, s.tb, s.M, s.N, s.K, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N,
                               tessera::kernels::epilogue::none, nullptr, 0.0f};
        auto run_new = [&] { run_kernel(threads, pn, [](auto tag, const knew::problem& p) { knew::sgemm_fast<Arch>(tag, p); }); };
        auto run_old = [&] { run_kernel(threads, po, [](auto tag, const kold::problem& p) { kold::sgemm_fast<Arch>(tag, p); }); };
        auto run_blas = [&] {
            cblas_sgemm(CblasRowMajor, s.ta == no ? CblasNoTrans : CblasTrans, s.tb == no ? CblasNoTrans : CblasTrans,
                        static_cast<int>(s.M), static_cast<int>(s.N), static_cast<int>(s.K), 1.0f, A.data(),
                        static_cast<int>(lda), B.data(), static_cast<int>(ldb), 0.0f, C.data(), static_cast<int>(s.N));
        };
        run_new();
        const std::vector<float> c_new(C.data(), C.data() + C.size());
        run_old();
        const bool same = std::memcmp(c_new.data(), C.data(), C.size() * sizeof(float)) == 0;
        run_blas();
        std::vector<double> t_old, t_new, t_blas;
        auto timed = [&](auto&& f, std::vector<double>& into) {
            const double t0 = clock();
            for (int i = 0; i < inner; ++i) f();
            into.push_back((clock() - t0) / inner);
        };
        for (int r = 0; r < reps; ++r) {
            timed(run_old, t_old);
            timed(run_new, t_new);
            timed(run_blas, t_blas);
        }
        for (auto* v : {&t_old, &t_new, &t_blas}) std::sort(v->begin(), v->end());
        const std::size_t m = t_new.size() / 2;
        std::printf("%-18s %7.1f %7.1f %7.1f %8.1f %7.3f %8.3f %8.3f %8.3f%s\n", s.name, fl / t_old[0] * 1e-9,
                    fl / t_new[0] * 1e-9, fl / t_new[m] * 1e-9, fl / t_blas[0] * 1e-9, t_old[0] / t_new[0],
                    t_old[m] / t_new[m], t_blas[0] / t_new[0], t_blas[0] / t_old[0],
                    same ? "" : "  (old and new differ in the last bits)");
    }
}
