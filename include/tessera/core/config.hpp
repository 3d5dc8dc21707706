// tessera/core/config.hpp — compiler switches shared by host and device code.
//
// TESSERA_HD marks functions that nvcc must compile for both host and device
// (the Philox block function, for one). g++ does not know `__host__` /
// `__device__`, so the macro is empty outside nvcc (toolchain.md, item 8a).
// The macro changes only the function's attributes, never its body, so the
// one-definition rule holds across g++ and nvcc translation units.
#pragma once

#if defined(__CUDACC__)
#define TESSERA_HD __host__ __device__
#else
#define TESSERA_HD
#endif
