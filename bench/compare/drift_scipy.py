#!/usr/bin/env python3
"""Peer timings for tessera's batch drift tests (bench/drift/bench_drift.cpp).

Times scipy.stats.ks_2samp and scipy.stats.wasserstein_distance on 1,000,000 vs
1,000,000 float64 (N(0,1) vs N(0.01,1), the sizes bench_drift uses), plus a
numpy PSI with reference-quantile bins (what tessera's psi does), and, given
the path of bench_drift, runs tessera's benchmarks right after on the same
machine and prints the ratios (median of --repeats runs each).

    python3 bench/compare/drift_scipy.py [--bench build/bench/drift/bench_drift] [--repeats 5]

Only scipy and numpy are needed; nothing here is used by the library.
"""
import argparse
import json
import statistics
import subprocess
import time

import numpy as np
from scipy import stats


def median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def numpy_psi(ref, cur, n_bins=10, eps=1e-4):
    edges = np.quantile(ref, np.linspace(0, 1, n_bins + 1))
    edges = edges[np.ediff1d(edges, to_begin=np.inf) > 1e-8]
    def shares(x):
        inner = np.searchsorted(edges[1:-1], x, side="right") + 1
        idx = np.where(x < edges[0], 0, np.where(x > edges[-1], len(edges), inner))
        return np.bincount(idx, minlength=len(edges) + 1) / len(x)
    r, c = np.maximum(shares(ref), eps), np.maximum(shares(cur), eps)
    return np.sum((r - c) * np.log(r / c))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", help="path of tessera's bench_drift binary")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    rng = np.random.default_rng(1)
    ref = rng.normal(0.0, 1.0, 1_000_000)
    cur = rng.normal(0.01, 1.0, 1_000_000)
    peers = {
        "KS_1M": median_time(lambda: stats.ks_2samp(ref, cur), args.repeats),
        "Wasserstein_1M": median_time(
            lambda: stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001), args.repeats),
        "PSI_1M": median_time(lambda: numpy_psi(ref, cur), args.repeats),
    }
    for k, v in peers.items():
        print(f"peer {k:16s} {v * 1e3:9.1f} ms")
    if not args.bench:
        return
    out = subprocess.run([args.bench, "--benchmark_filter=(KS|Wasserstein|PSI)_1M<",
                          f"--benchmark_repetitions={args.repeats}",
                          "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"].split("/")[0]
        ms = b["real_time"] if b["time_unit"] == "ms" else b["real_time"] / 1e6
        peer = peers[name.split("<")[0]]
        print(f"tessera {name:24s} {ms:9.1f} ms   speed-up vs peer {peer * 1e3 / ms:5.1f}x")


if __name__ == "__main__":
    main()
