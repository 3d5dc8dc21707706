// tessera/exec/policy.hpp — execution policies: the type picks the backend, the
// value carries the knobs (Thrust's split; oneDPL's internal backend tags).
//
//   exec::seq                 scalar reference code, the one every test trusts
//   exec::simd                one thread, xsimd kernels for the build's arch
//   exec::par{.threads = 2}   thread pool + xsimd; 0 threads = all cores
//   exec::cuda{.device = 0}   CUDA; bodies only in nvcc TUs via <tessera/cuda.hpp>
//
// Algorithms do not overload on these four types directly; they overload on the
// backend tags below (`serial_tag<vector>`, `pool_tag<vector>`, `cuda_tag`), so
// the public set of policies can grow without touching every algorithm.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

struct CUstream_st;  // cudaStream_t is CUstream_st*; no CUDA header needed here

namespace tessera::exec {

struct seq_t {
    friend constexpr bool operator==(seq_t, seq_t) = default;
};

struct simd_t {
    friend constexpr bool operator==(simd_t, simd_t) = default;
};

struct par_t {
    // Worker threads including the caller; 0 means std::thread::hardware_concurrency().
    unsigned threads = 0;
    // Elements per work chunk. Chunk boundaries depend only on the input size and
    // the grain, never on `threads`, which is what makes results bitwise
    // identical for any thread count. Inputs of at most one grain run inline.
    std::size_t grain = std::size_t{1} << 16;
    friend constexpr bool operator==(const par_t&, const par_t&) = default;
};

struct cuda_t {
    int device = 0;
    CUstream_st* stream = nullptr;  // nullptr: the legacy default stream
    friend constexpr bool operator==(const cuda_t&, const cuda_t&) = default;
};

inline constexpr seq_t seq{};
inline constexpr simd_t simd{};
inline constexpr par_t par{};
inline constexpr cuda_t cuda{};

// ---- backend tags -----------------------------------------------------------

template <bool Vector>
struct serial_tag {
    static constexpr bool vector = Vector;
};
template <bool Vector>
struct pool_tag {
    static constexpr bool vector = Vector;
    unsigned threads = 0;
    std::size_t grain = std::size_t{1} << 16;
};
struct cuda_tag {
    int device = 0;
    CUstream_st* stream = nullptr;
};

constexpr serial_tag<false> select_backend(seq_t) noexcept { return {}; }
constexpr serial_tag<true> select_backend(simd_t) noexcept { return {}; }
constexpr pool_tag<true> select_backend(const par_t& p) noexcept {
    return {.threads = p.threads, .grain = p.grain};
}
constexpr cuda_tag select_backend(const cuda_t& p) noexcept {
    return {.device = p.device, .stream = p.stream};
}

// ---- concepts ----------------------------------------------------------------

template <class P>
concept execution_policy = requires(const std::remove_cvref_t<P>& p) {
    { select_backend(p) };
};

template <class P>
concept host_policy = execution_policy<P> && !std::same_as<std::remove_cvref_t<P>, cuda_t>;

template <class P>
concept device_policy = std::same_as<std::remove_cvref_t<P>, cuda_t>;

template <class P>
concept sequential_policy = std::same_as<std::remove_cvref_t<P>, seq_t>;

template <class>
inline constexpr bool dependent_false = false;

// Used by host headers for their exec::cuda overloads: the real ones live in
// cuda/tessera/cuda/*.cuh and are only visible in nvcc translation units.
#define TESSERA_CUDA_NOT_AVAILABLE(P)                                                   \
    static_assert(::tessera::exec::dependent_false<P>,                                  \
                  "tessera: exec::cuda needs this translation unit compiled by nvcc "   \
                  "with <tessera/cuda.hpp> included; in host code use exec::seq, "      \
                  "exec::simd or exec::par")

}  // namespace tessera::exec
