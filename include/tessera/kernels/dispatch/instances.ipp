// tessera/kernels/dispatch/instances.ipp — the body of one per-ISA translation
// unit of the runtime dispatcher (kernels/dispatch.hpp). The sources that
// tessera_enable_runtime_dispatch() generates define TESSERA_DISPATCH_ARCH (an
// xsimd arch type) and include this file; each is compiled with that ISA's
// flags and nothing else of the program, so its explicit instantiations are the
// only code built for that ISA.
#ifndef TESSERA_DISPATCH_ARCH
#error "define TESSERA_DISPATCH_ARCH (e.g. xsimd::avx512bw) before including instances.ipp; tessera_enable_runtime_dispatch() does this for you"
#endif

#include <type_traits>

#include <tessera/kernels/dispatch.hpp>

// The flags must select exactly this arch: more would let the compiler use
// instructions the dispatcher did not check for (an "sse2" unit built with
// -march=native crashes on an SSE2-only CPU); fewer would not compile.
static_assert(std::is_same_v<xsimd::default_arch, TESSERA_DISPATCH_ARCH>,
              "tessera runtime dispatch: this per-ISA unit was compiled with flags for a "
              "different arch than TESSERA_DISPATCH_ARCH; let tessera_enable_runtime_dispatch() "
              "set its flags, and do not add -march options to these sources");

TESSERA_DISPATCH_KERNELS(TESSERA_DISPATCH_DEFINE, TESSERA_DISPATCH_ARCH)

namespace tessera::kernels::dispatched {
const char* compiled_arch(TESSERA_DISPATCH_ARCH) noexcept {
    return xsimd::default_arch::name();
}
}  // namespace tessera::kernels::dispatched
