// tessera/kernels/detail/stream_store.hpp — memory-streaming helpers for
// kernels that walk arrays far larger than the caches once, front to back.
//
//   store_stream(p, b)  non-temporal store of an xsimd batch at an address
//                       aligned to the batch's width: the line goes to memory
//                       without being read first (no read-for-ownership), so
//                       writing an output costs one transfer instead of two.
//                       Only for outputs not read back soon (several MiB).
//   stream_fence()      orders the non-temporal stores before later stores;
//                       call it once at the end of each task that used them.
//   prefetch_ahead(p)   hint to bring the line at p into L2. The hardware
//                       prefetcher runs only a few lines ahead of a loop that
//                       also computes; asking for data `prefetch_distance`
//                       bytes ahead keeps enough misses in flight for the
//                       read to run at memory speed. A hint: never faults, so
//                       it may point past the end of the array.
//
// The values stored are the batch's bits whatever the path; without SSE2 (or
// for a batch width without a streaming store) these fall back to an ordinary
// aligned store and no-ops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <tessera/kernels/detail/simd.hpp>

namespace tessera::kernels::detail {

// Bytes ahead of the current position that prefetch_ahead is given: measured on
// an AVX-512 Xeon (1 thread, 1M x 28 float scaler fit: 8 KiB to 16 KiB all
// reach ~85% of the read-only bandwidth; 2 KiB and the L1 hint less).
inline constexpr std::size_t prefetch_distance = std::size_t{16} << 10;

template <class T, class A>
inline void store_stream(T* p, const xsimd::batch<T, A>& b) noexcept {
    using R = typename xsimd::batch<T, A>::register_type;
    const R r = b;
#if defined(__AVX512F__)
    if constexpr (sizeof(R) == 64) {
        if constexpr (std::is_same_v<T, float>) _mm512_stream_ps(p, r); else _mm512_stream_pd(p, r);
        return;
    }
#endif
#if defined(__AVX__)
    if constexpr (sizeof(R) == 32) {
        if constexpr (std::is_same_v<T, float>) _mm256_stream_ps(p, r); else _mm256_stream_pd(p, r);
        return;
    }
#endif
#if defined(__SSE2__)
    if constexpr (sizeof(R) == 16) {
        if constexpr (std::is_same_v<T, float>) _mm_stream_ps(p, r); else _mm_stream_pd(p, r);
        return;
    }
#endif
    b.store_aligned(p);
}

inline void stream_fence() noexcept {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

inline void prefetch_ahead(const void* p) noexcept {
#if defined(__SSE2__)
    _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T1);
#elif defined(__GNUC__)
    __builtin_prefetch(p, 0, 2);
#else
    (void)p;
#endif
}

// prefetch_ahead for every cache line of [p, p + bytes), prefetch_distance
// bytes ahead of it (bytes a compile-time or small value: one hint per 64 bytes).
// The address is formed as an integer: it may lie past the end of the array.
inline void prefetch_range_ahead(const void* p, std::size_t bytes) noexcept {
    const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p) + prefetch_distance;
    for (std::size_t o = 0; o < bytes; o += 64) prefetch_ahead(reinterpret_cast<const void*>(a + o));
}

}  // namespace tessera::kernels::detail
