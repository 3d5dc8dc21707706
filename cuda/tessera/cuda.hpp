// tessera/cuda.hpp — the exec::cuda overloads of tessera's kernels, for nvcc
// translation units (.cu). Including it makes kernels::sum(exec::cuda, x) and
// friends resolve to the Thrust/CUB bodies in cuda/tessera/cuda/ instead of
// the host headers' static_assert. docs/cuda.md: build, streams, testing.
#pragma once

#if !defined(__CUDACC__)
#error "<tessera/cuda.hpp> must be compiled by nvcc (a .cu file); host code uses exec::seq/simd/par"
#endif

#include <tessera/cuda/backend.cuh>
#include <tessera/cuda/histogram.cuh>
#include <tessera/cuda/moments.cuh>
#include <tessera/cuda/rank.cuh>
#include <tessera/cuda/reduce.cuh>
