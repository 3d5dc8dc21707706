#!/usr/bin/env bash
# GBDT benchmark, end to end: build the drivers, make the data (once), run
# tessera, XGBoost's C API (Debian libxgboost-dev), LightGBM and XGBoost (pip),
# each run in its own process, and print the comparison table.
#
#   bench/gbdt/run_all.sh                 # everything (~15-30 min on 2 loaded cores)
#   bench/gbdt/run_all.sh --tasks binary  # binary task only, plus scaling
#   bench/gbdt/run_all.sh --no-scaling    # only the 1M-row comparisons
#   BUILD=build-x DATA=/tmp/d bench/gbdt/run_all.sh --wide-rows 0   # 280 features at 1M rows
#
# Environment: BUILD (default build-gbdtbench), DATA (default /tmp/tessera_gbdt),
# REGEN=1 to remake the data, OMP_WAIT_POLICY (default passive: on a machine
# busier than its cores, OpenMP's spinning barriers made XGBoost's 2-thread
# training 9x slower than 1 thread; passive is what a shared machine needs, and
# LightGBM and XGBoost both use OpenMP). Arguments go to gbdt_peers.py all
# (--engines, --tasks, --regression-setups, --no-scaling, --wide-rows, --keep).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-gbdtbench}
DATA=${DATA:-/tmp/tessera_gbdt}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTESSERA_CUDA=OFF \
        -DTESSERA_BUILD_BENCH=ON -DTESSERA_BUILD_TESTS=OFF
fi
targets=(make_higgs_like bench_gbdt)
grep -q '^TESSERA_XGBOOST_LIB:FILEPATH=/' "$BUILD/CMakeCache.txt" && targets+=(bench_xgboost_capi)
cmake --build "$BUILD" --target "${targets[@]}" -j2

gen="$BUILD/bench/gbdt/make_higgs_like"
mkdir -p "$DATA"
# make_pair STEM csv|nocsv OPTIONS...: 1M training rows (stream 1), 200k test
# rows (stream 2), as raw float32 (what the drivers read) and optionally CSV.
make_pair() {
  local stem=$1 csv=$2; shift 2
  if [[ -n "${REGEN:-}" || ! -f "$DATA/${stem}_test.f32" ]]; then
    echo "making $DATA/${stem}_{train,test}" >&2
    local part rows stream out
    for part in train test; do
      [[ $part == train ]] && rows=1000000 stream=1 || rows=200000 stream=2
      out=(--bin "$DATA/${stem}_${part}.f32")
      [[ $csv == csv ]] && out+=(--csv "$DATA/${stem}_${part}.csv")
      "$gen" --rows $rows --stream $stream "$@" "${out[@]}"
    done
  fi
}
make_pair higgs csv --task binary
make_pair reg csv --task regression
make_pair higgs280 nocsv --task binary --features 280

args=(--data "$DATA" --tessera "$BUILD/bench/gbdt/bench_gbdt" --out "$DATA/gbdt_results.json")
[[ -x "$BUILD/bench/gbdt/bench_xgboost_capi" ]] && args+=(--xgboost-capi "$BUILD/bench/gbdt/bench_xgboost_capi")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), OMP_WAIT_POLICY=$OMP_WAIT_POLICY" >&2
python3 bench/compare/gbdt_peers.py all "${args[@]}" "$@"
