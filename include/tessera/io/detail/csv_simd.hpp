// tessera/io/detail/csv_simd.hpp — the x86 intrinsics the CSV fast paths use
// (csv_index.hpp, csv_values.hpp), included once with GCC 12's false
// positive silenced.
#pragma once

#if defined(__AVX512BW__) || defined(__AVX2__) || defined(__SSE2__)
// GCC 12 takes the _mm512_undefined_* of its AVX-512 intrinsics for
// uninitialised values (GCC bug 105593, a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif
