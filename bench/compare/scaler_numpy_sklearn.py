"""Standard scaler fit + transform on 1,000,000 x 28 float32: NumPy and
scikit-learn beside tessera's bench_scaler, with 2 threads everywhere.

    python3 bench/compare/scaler_numpy_sklearn.py \
        --tessera build/bench/features/bench_scaler [--repeats 7]

Peers (best of --repeats, wall time):
  numpy_plain   (X - X.mean(0)) / X.std(0)
  numpy_nan     (X - np.nanmean(X, 0)) / np.nanstd(X, 0)   (the NaN rule tessera follows)
  sklearn       StandardScaler().fit_transform(X)
tessera: BM_standard_scaler/{simd,par_2} from bench_scaler (median of 3
repetitions). Prints each time and the ratio peer / tessera (above 1: tessera
is faster).
"""
import argparse
import json
import os
import subprocess
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "2"

import numpy as np  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

ROWS, COLS = 1_000_000, 28


def best_of(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        del out
    return best


def tessera_times(binary):
    res = subprocess.run(
        [binary, "--benchmark_filter=BM_standard_scaler/(simd|par_2)",
         "--benchmark_format=json", "--benchmark_repetitions=3",
         "--benchmark_report_aggregates_only=true"],
        check=True, capture_output=True, text=True)
    out = {}
    for b in json.loads(res.stdout)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            name = b["run_name"].split("/")[1]
            unit = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
            out[name] = b["real_time"] * unit
            out[name + "_vs_two_passes"] = b.get("vs_two_passes")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", help="path to bench_scaler")
    ap.add_argument("--repeats", type=int, default=7)
    a = ap.parse_args()
    X = np.random.default_rng(2026).normal(3.0, 2.0, size=(ROWS, COLS)).astype(np.float32)
    peers = {
        "numpy_plain": lambda: (X - X.mean(axis=0)) / X.std(axis=0),
        "numpy_nan": lambda: (X - np.nanmean(X, axis=0)) / np.nanstd(X, axis=0),
        "sklearn": lambda: StandardScaler().fit_transform(X),
    }
    times = {k: best_of(f, a.repeats) for k, f in peers.items()}
    print(f"load average: {os.getloadavg()}")
    for k, t in times.items():
        print(f"{k:12s} {t * 1e3:9.1f} ms")
    if a.tessera:
        tt = tessera_times(a.tessera)
        for pol in ("simd", "par_2"):
            print(f"tessera {pol:5s} {tt[pol] * 1e3:9.1f} ms  (vs two passes at triad bandwidth: "
                  f"{tt[pol + '_vs_two_passes']:.2f})")
            for k, t in times.items():
                print(f"    {k} / tessera {pol}: {t / tt[pol]:.2f}x")


if __name__ == "__main__":
    main()
