#!/bin/sh
# A/B of the SGEMM kernel at git revision OLD (default HEAD~1) against the
# working tree, and OpenBLAS (SkylakeX kernels), in one process: see
# ab_revisions.cpp. 1 thread pinned to core 1, thread CPU time, best of R rounds.
#   bench/kernels_gemm/ab_revisions.sh [OLD] [R] [shape-substring] [offset]
# (offset: the operands start that many floats past a 64-byte boundary; 0)
set -e
OLD=${1:-HEAD~1}
R=${2:-40}
ROOT=$(git rev-parse --show-toplevel)
TMP=$(mktemp -d)
mkdir -p "$TMP/gemm_old"
for f in gemm_driver gemm_pack; do
    git -C "$ROOT" show "$OLD:include/tessera/kernels/detail/$f.hpp" |
        sed -e 's/namespace tessera::kernels::detail::gemm {/namespace tessera::kernels::detail::gemm_old { using namespace ::tessera::kernels::detail::gemm;/' \
            -e 's#}  // namespace tessera::kernels::detail::gemm$#}#' \
            -e 's#<tessera/kernels/detail/gemm_pack.hpp>#"gemm_pack.hpp"#' \
            -e 's/constexpr std::size_t gemv_strip_vectors\b/constexpr std::size_t gemv_strip_vectors_old/' \
            -e 's/gemv_strip_vectors \*/gemv_strip_vectors_old */' \
            -e 's/Q = gemv_strip_vectors;/Q = gemv_strip_vectors_old;/' >"$TMP/gemm_old/$f.hpp"
done
${CXX:-g++} -O3 -DNDEBUG -march=native -std=gnu++20 -I"$ROOT/include" -I"$TMP" \
    "$ROOT/bench/kernels_gemm/ab_revisions.cpp" -o "$TMP/ab_revisions" -lopenblas
echo "old = $OLD ($(git -C "$ROOT" rev-parse --short "$OLD")), new = working tree; $(uptime)"
OPENBLAS_CORETYPE=SkylakeX taskset -c 1 "$TMP/ab_revisions" "$R" "${3:-}" 1 "${4:-0}"
rm -rf "$TMP"
