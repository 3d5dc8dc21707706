// tessera/kernels.hpp — module header: the CPU kernels for exec::seq / simd / par
// (docs/kernels.md, docs/kernels_histogram.md, docs/kernels_gemm.md). Runtime ISA dispatch is opt-in:
// include <tessera/kernels/dispatch.hpp> and call tessera_enable_runtime_dispatch().
#pragma once

#include <tessera/kernels/bin_edges.hpp>
#include <tessera/kernels/gemm.hpp>
#include <tessera/kernels/histogram.hpp>
#include <tessera/kernels/moments.hpp>
#include <tessera/kernels/rank.hpp>
#include <tessera/kernels/reduce.hpp>
