#define BOOST_TEST_MODULE dispatch
#include <boost/test/unit_test.hpp>

#include <boost/mpl/list.hpp>

#include <string>
#include <vector>

#include <tessera/kernels/dispatch.hpp>

#include "kernel_checks.hpp"

using namespace tessera;
namespace dispatched = tessera::kernels::dispatched;
using value_types = boost::mpl::list<float, double>;

namespace {

// What xsimd's own cpuid says is the best arch of the dispatch list. (8.1
// misreports the plain `avx` flag, which this does not use.)
std::string expected_best() {
#if TESSERA_KERNELS_X86
    const auto a = xsimd::available_architectures();
    if (a.avx512f && a.avx512cd && a.avx512dq && a.avx512bw) return "avx512bw";
    if (a.fma3_avx2) return "fma3+avx2";
    return "sse2";
#else
    return xsimd::default_arch::name();
#endif
}

struct name_of_arch {
    template <class A>
    const char* operator()(A) const noexcept {
        return A::name();
    }
};

struct reset_on_exit {
    ~reset_on_exit() { dispatched::reset_arch(); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(binary_is_built_for_a_generic_target) {
#if TESSERA_KERNELS_X86
    // The point of the dispatcher: this TU has no AVX flags.
    BOOST_TEST(std::string(xsimd::default_arch::name()) == "sse2");
#endif
}

BOOST_AUTO_TEST_CASE(picks_the_best_arch_the_cpu_offers) {
    BOOST_TEST_MESSAGE("dispatch picks " << dispatched::arch_name() << "; xsimd best version "
                                         << xsimd::available_architectures().best);
    BOOST_TEST(std::string(dispatched::arch_name()) == expected_best());
    // xsimd's own dispatcher over the same list agrees (its recipe, our walk)
    BOOST_TEST(std::string(dispatched::arch_name()) ==
               xsimd::dispatch<dispatched::arch_list>(name_of_arch{})());
    const auto avail = dispatched::available_archs();
    BOOST_TEST_REQUIRE(!avail.empty());
    BOOST_TEST(avail.front() == expected_best());
    BOOST_TEST(avail.back() == std::string(TESSERA_KERNELS_X86 ? "sse2" : xsimd::default_arch::name()));
}

BOOST_AUTO_TEST_CASE(each_unit_was_compiled_for_its_arch) {
#if TESSERA_KERNELS_X86
    BOOST_TEST(std::string(dispatched::compiled_arch(xsimd::avx512bw{})) == "avx512bw");
    BOOST_TEST(std::string(dispatched::compiled_arch(xsimd::fma3<xsimd::avx2>{})) == "fma3+avx2");
    BOOST_TEST(std::string(dispatched::compiled_arch(xsimd::sse2{})) == "sse2");
#endif
}

BOOST_AUTO_TEST_CASE(force_arch_caps_and_validates) {
    reset_on_exit guard;
    for (const auto& name : dispatched::available_archs()) {
        dispatched::force_arch(name);
        BOOST_TEST(std::string(dispatched::arch_name()) == name);
    }
    dispatched::reset_arch();
    BOOST_TEST(std::string(dispatched::arch_name()) == expected_best());
    BOOST_CHECK_THROW(dispatched::force_arch("avx9000"), tessera::config_error);
    try {
        dispatched::force_arch("neon");
        BOOST_ERROR("expected config_error");
    } catch (const tessera::config_error& e) {
        BOOST_TEST(e.field() == "name");
        BOOST_TEST(std::string(e.what()).find("sse2") != std::string::npos, e.what());
    }
}

// Every variant the CPU can run, against exec::seq on random data with NaN,
// odd sizes and unaligned starts; par variants bitwise identical across threads.
BOOST_AUTO_TEST_CASE_TEMPLATE(every_variant_matches_seq, T, value_types) {
    reset_on_exit guard;
    const auto par1 = dispatched::on(exec::par_t{.threads = 1, .grain = 1000});
    const auto par2 = dispatched::on(exec::par_t{.threads = 2, .grain = 1000});
    const auto par7 = dispatched::on(exec::par_t{.threads = 7, .grain = 1000});
    std::vector<kernel_checks::results<T>> first_par;  // per input, for cross-variant bitwise checks
    for (const auto& name : dispatched::available_archs()) {
        dispatched::force_arch(name);
        std::size_t k = 0;
        kernel_checks::for_each_input<T>([&](std::span<const T> x, std::span<const T> y,
                                             const std::string& input) {
            const std::string label = name + " " + input;
            const auto want = kernel_checks::run_all(exec::seq, x, y);
            kernel_checks::check_close(kernel_checks::run_all(dispatched::simd, x, y), want, x, y,
                                       label + " simd");
            const auto p1 = kernel_checks::run_all(par1, x, y);
            kernel_checks::check_close(p1, want, x, y, label + " par");
            BOOST_TEST_CONTEXT(label) {
                BOOST_TEST(kernel_checks::bitwise_equal(p1, kernel_checks::run_all(par2, x, y)));
                BOOST_TEST(kernel_checks::bitwise_equal(p1, kernel_checks::run_all(par7, x, y)));
            }
            // variants against each other: within the same tolerances as against seq
            if (first_par.size() <= k) first_par.push_back(p1);
            else kernel_checks::check_close(p1, first_par[k], x, y, label + " vs best arch");
            ++k;
        });
    }
}

// The example in docs/kernels.md (kept between the markers; compiled and run here).
BOOST_AUTO_TEST_CASE(doc_example) {
    reset_on_exit guard;
    const std::vector<double> xv(1000, 0.25);
    const std::span<const double> x(xv);
    // example-begin dispatch
    // CMake: tessera_enable_runtime_dispatch(my_app)   (my_app links tessera::tessera)
    using namespace tessera;
    namespace kd = kernels::dispatched;
    double s = kernels::sum(kd::par, x);                                  // best ISA, all cores
    double v = kernels::variance(kd::on(exec::par_t{.threads = 2}), x);
    std::string isa = kd::arch_name();                                    // e.g. "avx512bw"
    kd::force_arch("sse2");                                               // compare variants
    double s_sse2 = kernels::sum(kd::simd, x);
    kd::reset_arch();
    // example-end dispatch
    BOOST_TEST(s == 250.0);
    BOOST_TEST(v == 0.0);
    BOOST_TEST(isa == expected_best());
    BOOST_TEST(s_sse2 == 250.0);
}
