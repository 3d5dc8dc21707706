#!/usr/bin/env bash
# MLP peer comparison (issue 7), end to end: build make_higgs_like and bench_mlp,
# make the data once (200,000 training rows, stream 1; 200,000 test rows,
# stream 2; raw float32), then run tessera, PyTorch and scikit-learn, each in
# its own process, ROUNDS times interleaved, and print the table.
#
#   bench/nn/run_mlp.sh                      # 1 round, 2 threads
#   ROUNDS=3 bench/nn/run_mlp.sh --engines tessera,torch
#
# Environment: BUILD (default build-sgemm), DATA (default /tmp/tessera_mlp),
# ROUNDS (default 1), THREADS (default 2), REGEN=1 to remake the data.
# Other arguments go to mlp_torch_sklearn.py all (--engines, --epochs, --out).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-sgemm}
DATA=${DATA:-/tmp/tessera_mlp}
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTESSERA_CUDA=OFF -DTESSERA_BUILD_BENCH=ON
fi
cmake --build "$BUILD" --target make_higgs_like bench_mlp -j2
mkdir -p "$DATA"
if [[ -n "${REGEN:-}" || ! -f "$DATA/test.f32" ]]; then
  "$BUILD/bench/gbdt/make_higgs_like" --rows 200000 --stream 1 --bin "$DATA/train.f32"
  "$BUILD/bench/gbdt/make_higgs_like" --rows 200000 --stream 2 --bin "$DATA/test.f32"
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 bench/compare/mlp_torch_sklearn.py all --train "$DATA/train.f32" --test "$DATA/test.f32" \
  --tessera "$BUILD/bench/nn/bench_mlp" --threads "${THREADS:-2}" --rounds "${ROUNDS:-1}" \
  --out "$DATA/mlp_results.json" "$@"
