// tessera/kernels/dispatch.hpp — runtime ISA dispatch for the reduction and
// moments kernels, for binaries built for a generic target that must still use
// AVX2 or AVX-512 where the CPU has them.
//
//   kernels::sum(kernels::dispatched::par, x)            // any kernel of reduce.hpp / moments.hpp
//   kernels::sum(kernels::dispatched::on(exec::par_t{.threads = 2}), x)
//   kernels::dispatched::arch_name()                     // "avx512bw", "fma3+avx2" or "sse2"
//   kernels::dispatched::force_arch("sse2")              // cap the choice (tests, comparisons)
//
// The recipe is xsimd's (xsimd::dispatch over arch_list<avx512bw, fma3<avx2>,
// sse2>): every kernel functor is explicitly instantiated once per ISA in its
// own translation unit compiled with that ISA's flags, and declared here with
// `extern template`; only raw pointers cross those TUs. The CMake function
// tessera_enable_runtime_dispatch(<target>) (cmake/TesseraDispatch.cmake) adds
// those TUs to a target and defines TESSERA_RUNTIME_DISPATCH. The walk over the
// list is our own rather than xsimd::dispatch so that a test can cap it, and so
// that it also asks the OS (XGETBV) whether it saves AVX / AVX-512 registers,
// which xsimd 8.1's cpuid check skips. GCC and Clang on x86-64; elsewhere the
// list holds just the build's own arch.
#pragma once

#ifndef TESSERA_RUNTIME_DISPATCH
#error "tessera/kernels/dispatch.hpp needs the per-ISA kernel instances: call tessera_enable_runtime_dispatch(<your target>) in CMake (include(TesseraDispatch), shipped with tessera's package config), which compiles them into the target and defines TESSERA_RUNTIME_DISPATCH"
#endif

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/kernels/moments.hpp>
#include <tessera/kernels/reduce.hpp>

#if TESSERA_KERNELS_X86 && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define TESSERA_DISPATCH_XGETBV 1
#else
#define TESSERA_DISPATCH_XGETBV 0
#endif

namespace tessera::kernels::dispatched {

// Highest first: the first one the CPU and OS support is taken.
#if TESSERA_KERNELS_X86
using arch_list = xsimd::arch_list<xsimd::avx512bw, xsimd::fma3<xsimd::avx2>, xsimd::sse2>;
#else
using arch_list = xsimd::arch_list<xsimd::default_arch>;
#endif

// Defined in each per-ISA TU: the xsimd arch that TU was really compiled for
// (xsimd::default_arch there), so a test can check the flags took effect.
#if TESSERA_KERNELS_X86
const char* compiled_arch(xsimd::avx512bw) noexcept;
const char* compiled_arch(xsimd::fma3<xsimd::avx2>) noexcept;
const char* compiled_arch(xsimd::sse2) noexcept;
#else
const char* compiled_arch(xsimd::default_arch) noexcept;
#endif

}  // namespace tessera::kernels::dispatched

// ---- the instantiated kernels ---------------------------------------------------------
// X(result, functor, arch, parameter list) for every functor the kernels call;
// instances.ipp expands it with TESSERA_DISPATCH_DEFINE for one arch. Names
// have no leading `::`, which would glue `R ::FN` into one qualified name; the
// expansions are at global scope.
#define TESSERA_DISPATCH_KERNELS_T(X, A, T)                                                     \
    X(double, tessera::kernels::detail::sum_fn, A, T, (A, const T*, std::size_t))             \
    X(tessera::kernels::detail::nan_sum, tessera::kernels::detail::nansum_fn, A, T,         \
      (A, const T*, std::size_t))                                                                \
    X(double, tessera::kernels::detail::dot_fn, A, T, (A, const T*, const T*, std::size_t))   \
    X(void, tessera::kernels::detail::axpy_fn, A, T, (A, T, const T*, T*, std::size_t))       \
    X(tessera::kernels::detail::extremum<T>, tessera::kernels::detail::min_fn, A, T,        \
      (A, const T*, std::size_t))                                                                \
    X(tessera::kernels::detail::extremum<T>, tessera::kernels::detail::max_fn, A, T,        \
      (A, const T*, std::size_t))                                                                \
    X(std::size_t, tessera::kernels::detail::find_fn, A, T, (A, const T*, std::size_t, T))    \
    X(tessera::kernels::moment_stats, tessera::kernels::detail::moments_fn, A, T,           \
      (A, const T*, std::size_t, double))                                                        \
    X(tessera::kernels::moment_stats, tessera::kernels::detail::nanmoments_fn, A, T,        \
      (A, const T*, std::size_t, double))

#define TESSERA_DISPATCH_KERNELS(X, A)       \
    TESSERA_DISPATCH_KERNELS_T(X, A, float)  \
    TESSERA_DISPATCH_KERNELS_T(X, A, double)

#define TESSERA_DISPATCH_DECLARE(R, FN, A, T, PARAMS) extern template R FN::operator()<A, T> PARAMS const;
#define TESSERA_DISPATCH_DEFINE(R, FN, A, T, PARAMS) template R FN::operator()<A, T> PARAMS const;

#if TESSERA_KERNELS_X86
TESSERA_DISPATCH_KERNELS(TESSERA_DISPATCH_DECLARE, ::xsimd::avx512bw)
TESSERA_DISPATCH_KERNELS(TESSERA_DISPATCH_DECLARE, ::xsimd::fma3<::xsimd::avx2>)
TESSERA_DISPATCH_KERNELS(TESSERA_DISPATCH_DECLARE, ::xsimd::sse2)
#else
TESSERA_DISPATCH_KERNELS(TESSERA_DISPATCH_DECLARE, ::xsimd::default_arch)
#endif

namespace tessera::kernels {

namespace detail {

// xsimd's best arch, capped by what the OS saves on a context switch.
inline unsigned detect_arch_version() noexcept {
    unsigned best = xsimd::available_architectures().best;
#if TESSERA_DISPATCH_XGETBV
    unsigned a = 0, b = 0, c = 0, d = 0;
    const bool osxsave = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27)) != 0;
    unsigned xcr0 = 0;
    if (osxsave) {
        unsigned hi = 0;
        __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(hi) : "c"(0));
    }
    const bool os_avx = osxsave && (xcr0 & 0x6u) == 0x6u;        // XMM and YMM state
    const bool os_avx512 = os_avx && (xcr0 & 0xE0u) == 0xE0u;    // opmask, ZMM_Hi256, Hi16_ZMM
    if (!os_avx && best >= xsimd::avx::version()) best = xsimd::sse4_2::version();
    if (!os_avx512 && best >= xsimd::avx512f::version()) best = xsimd::fma3<xsimd::avx2>::version();
#endif
    return best;
}

inline unsigned detected_arch_version() noexcept {
    static const unsigned v = detect_arch_version();
    return v;
}

// 0: no cap. Set by dispatched::force_arch.
inline std::atomic<unsigned>& forced_arch_version() noexcept {
    static std::atomic<unsigned> v{0};
    return v;
}

inline unsigned selected_arch_version() noexcept {
    const unsigned forced = forced_arch_version().load(std::memory_order_relaxed);
    return forced != 0 ? forced : detected_arch_version();
}

// The first arch of the list whose version the limit admits; the last one is
// the fallback (sse2 is part of x86-64 itself).
template <class A, class... As, class Fn, class... Args>
auto walk_archs(xsimd::arch_list<A, As...>, unsigned limit, const Fn& fn, Args... args) {
    if constexpr (sizeof...(As) == 0) {
        return fn(A{}, args...);
    } else {
        if (A::version() <= limit) return fn(A{}, args...);
        return walk_archs(xsimd::arch_list<As...>{}, limit, fn, args...);
    }
}

struct runtime_isa {
    template <class Fn, class... Args>
    auto operator()(const Fn& fn, Args... args) const {
        return walk_archs(dispatched::arch_list{}, selected_arch_version(), fn, args...);
    }
};

struct arch_name_fn {
    template <class A>
    const char* operator()(A) const noexcept {
        return A::name();
    }
};

template <class F, class... As>
void for_each_arch(xsimd::arch_list<As...>, F&& f) {
    (f(As{}), ...);
}

}  // namespace detail

namespace dispatched {

// A host policy whose kernels pick their ISA at run time. Every kernel of
// reduce.hpp and moments.hpp accepts it in place of the policy it wraps.
template <class P>
struct policy {
    P base{};
    using isa = detail::runtime_isa;
    friend constexpr bool operator==(const policy&, const policy&) = default;
};

template <class P>
constexpr auto select_backend(const policy<P>& p) noexcept {
    return exec::select_backend(p.base);
}

inline constexpr policy<exec::simd_t> simd{};
inline constexpr policy<exec::par_t> par{};

constexpr policy<exec::par_t> on(const exec::par_t& p) noexcept { return {p}; }
constexpr policy<exec::simd_t> on(exec::simd_t) noexcept { return {}; }

// Name of the arch the next dispatched call will use.
inline const char* arch_name() noexcept {
    return detail::walk_archs(arch_list{}, detail::selected_arch_version(),
                              detail::arch_name_fn{});
}

// Names of the listed archs this CPU and OS can run, best first.
inline std::vector<std::string> available_archs() {
    std::vector<std::string> names;
    const unsigned best = detail::detected_arch_version();
    detail::for_each_arch(arch_list{}, [&](auto a) {
        if (decltype(a)::version() <= best) names.emplace_back(decltype(a)::name());
    });
    if (names.empty()) names.emplace_back(detail::walk_archs(arch_list{}, 0, detail::arch_name_fn{}));
    return names;
}

// Caps dispatch at the named arch (one of available_archs()), for every thread,
// until reset_arch(). config_error for a name the list lacks or the CPU cannot run.
inline void force_arch(std::string_view name) {
    unsigned version = 0;
    detail::for_each_arch(arch_list{}, [&](auto a) {
        if (name == decltype(a)::name()) version = decltype(a)::version();
    });
    const std::vector<std::string> ok = available_archs();
    bool runnable = false;
    for (const auto& n : ok) runnable = runnable || n == name;
    if (version == 0 || !runnable) {
        std::string valid;
        for (const auto& n : ok) valid += (valid.empty() ? "" : ", ") + n;
        throw errors::out_of_range("kernels::dispatched::force_arch", "name", std::string(name),
                                   "an arch this CPU runs: " + valid);
    }
    detail::forced_arch_version().store(version, std::memory_order_relaxed);
}

inline void reset_arch() noexcept {
    detail::forced_arch_version().store(0, std::memory_order_relaxed);
}

}  // namespace dispatched
}  // namespace tessera::kernels
