#!/usr/bin/env python3
"""River's streaming drift detectors: golden detection indices and update rates.

Two jobs, both over the same seeded streams:

1. `--write-goldens DIR` writes DIR/river_real_<stream>.txt and
   DIR/river_binary_<stream>.txt: the stream's values and, for each detector
   configuration, the 0-based indices of the `update` calls after which River's
   `drift_detected` (and `warning_detected`) is true, plus a few diagnostics of
   the final state. tests/drift_stream/test_drift_stream.cpp replays the values
   through tessera's detectors and checks the indices exactly.
2. `--time` times River's `update` on the same streams (a plain Python loop
   `for x in xs: det.update(x)`, which is how River is used) and prints updates/s
   per detector, by CPU time and by wall clock; bench/drift_stream/bench_detectors.cpp
   times tessera on the same files (its items_per_second is by CPU time).

Run from the repository root:
    python3 bench/compare/river_detectors.py --write-goldens tests/data
    python3 bench/compare/river_detectors.py --time

File format (one file per stream, whitespace separated, '#' starts a comment):
    stream <real|binary> <name> <n>
    <n values, one per line: repr() floats (round-trip exact) or 0/1>
    case <case-name> <detector> <param>=<value> ...
    drift <count> <i> ...                (indices where drift_detected)
    warning <count> <a>-<b> ...          (binary detectors: runs of indices where
                                          warning_detected, inclusive)
    state <key>=<value> ...              (diagnostics after the last update)
    end
KSWIN needs a seed for determinism: every KSWIN case has one.
"""
import argparse
import os
import random
import sys
import time

import numpy as np
import river
from river import drift
from river.drift import binary

N = 6000


# --------------------------------------------------------------------- streams
def real_streams():
    """name -> list of Python floats."""
    out = {}
    rng = np.random.default_rng(20261123)
    # abrupt: three regimes of N(mu, 1): 0 -> 2 -> -1
    out["abrupt"] = np.concatenate([rng.normal(0.0, 1.0, 2000), rng.normal(2.0, 1.0, 2000),
                                    rng.normal(-1.0, 1.0, 2000)])
    # gradual: the mean ramps linearly from 0 to 3 over [2000, 4000), sd 1
    rng = np.random.default_rng(7)
    mu = np.concatenate([np.zeros(2000), np.linspace(0.0, 3.0, 2000, endpoint=False),
                         np.full(2000, 3.0)])
    out["gradual"] = mu + rng.normal(0.0, 1.0, N)
    # no drift: N(0.5, 1)
    rng = np.random.default_rng(11)
    out["nodrift"] = rng.normal(0.5, 1.0, N)
    # noisy: heavy-tailed noise (Student t, 3 dof, scale 2) around a small shift 0 -> 1.5 -> 0
    rng = np.random.default_rng(13)
    mu = np.concatenate([np.zeros(2500), np.full(2000, 1.5), np.zeros(1500)])
    out["noisy"] = mu + 2.0 * rng.standard_t(3, N)
    # River's docstring stream (ADWIN, PageHinkley and KSWIN examples)
    r = random.Random(12345)
    out["riverdoc"] = [float(v) for v in r.choices([0, 1], k=1000) + r.choices(range(4, 8), k=1000)]
    return {k: [float(v) for v in vs] for k, vs in out.items()}


def binary_streams():
    """name -> list of bool (True = error)."""
    out = {}
    rng = np.random.default_rng(101)
    p = np.concatenate([np.full(3000, 0.1), np.full(3000, 0.4)])
    out["abrupt"] = rng.random(N) < p
    rng = np.random.default_rng(102)
    p = np.concatenate([np.full(2000, 0.1), np.linspace(0.1, 0.5, 2000, endpoint=False),
                        np.full(2000, 0.5)])
    out["gradual"] = rng.random(N) < p
    rng = np.random.default_rng(103)
    out["nodrift"] = rng.random(N) < 0.2
    # noisy: a high error rate with a small rise (0.30 -> 0.38), then a fall to 0.15
    rng = np.random.default_rng(104)
    p = np.concatenate([np.full(2500, 0.30), np.full(2000, 0.38), np.full(1500, 0.15)])
    out["noisy"] = rng.random(N) < p
    # River's DDM docstring stream: 1000 fair bits, then 1000 bits with P(1) = 0.7
    r = random.Random(42)
    out["riverdoc"] = r.choices([0, 1], k=1000) + r.choices([0, 1], k=1000, weights=[0.3, 0.7])
    return {k: [bool(v) for v in vs] for k, vs in out.items()}


# ------------------------------------------------------------------ detectors
# (case name, tessera detector name, River constructor, params as written to the file)
def real_cases():
    return [
        ("adwin", "adwin", drift.ADWIN, {}),
        ("adwin_clock1", "adwin", drift.ADWIN, {"delta": 0.01, "clock": 1}),
        ("adwin_small", "adwin", drift.ADWIN,
         {"delta": 0.05, "clock": 8, "max_buckets": 3, "min_window_length": 10, "grace_period": 50}),
        ("page_hinkley", "page_hinkley", drift.PageHinkley, {}),
        ("page_hinkley_up", "page_hinkley", drift.PageHinkley,
         {"mode": "up", "threshold": 20.0, "min_instances": 50}),
        ("page_hinkley_down", "page_hinkley", drift.PageHinkley,
         {"mode": "down", "threshold": 25.0, "delta": 0.01, "alpha": 0.999}),
        ("kswin", "kswin", drift.KSWIN, {"seed": 42}),
        ("kswin_strict", "kswin", drift.KSWIN, {"alpha": 0.0001, "seed": 42}),
        ("kswin_wide", "kswin", drift.KSWIN,
         {"alpha": 0.01, "window_size": 300, "stat_size": 100, "seed": 7}),
        ("kswin_tiny", "kswin", drift.KSWIN,
         {"alpha": 0.05, "window_size": 10, "stat_size": 4, "seed": 3}),
        # k = 5 <= 5 and n = 35 > 21: random.sample's set-based path
        ("kswin_setpath", "kswin", drift.KSWIN,
         {"alpha": 0.05, "window_size": 40, "stat_size": 5, "seed": 2**32 + 9}),
    ]


def binary_cases():
    return [
        ("ddm", "ddm", binary.DDM, {}),
        ("ddm_tight", "ddm", binary.DDM,
         {"warm_start": 100, "warning_threshold": 1.5, "drift_threshold": 2.5}),
        ("eddm", "eddm", binary.EDDM, {}),
        ("eddm_doc", "eddm", binary.EDDM, {"alpha": 0.8, "beta": 0.75}),
        ("hddm_a", "hddm_a", binary.HDDMA, {}),
        ("hddm_a_two_sided", "hddm_a", binary.HDDMA,
         {"drift_confidence": 0.005, "warning_confidence": 0.02, "two_sided_test": True}),
        ("hddm_w", "hddm_w", binary.HDDMW, {}),
        ("hddm_w_two_sided", "hddm_w", binary.HDDMW,
         {"lambda_val": 0.1, "two_sided_test": True}),
    ]


def fmt(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def runs(idx):
    """Sorted indices -> inclusive runs 'a-b'."""
    out = []
    for i in idx:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return [f"{a}-{b}" for a, b in out]


def replay(det, xs, warnings):
    drifts, warns, pvals = [], [], []
    for i, x in enumerate(xs):
        det.update(x)
        if det.drift_detected:
            drifts.append(i)
            pvals.append(getattr(det, "p_value", None))
        if warnings and det.warning_detected:
            warns.append(i)
    return drifts, warns, pvals


def state_of(det, tname, pvals):
    if tname == "adwin":
        return {"width": int(det.width), "total": float(det.total),
                "variance": float(det.variance), "estimation": float(det.estimation)}
    if tname == "kswin":
        s = {"p_value": float(det.p_value)}
        # the p-values at the first few detections (each the p-value of that update)
        for j, p in enumerate(pvals[:3]):
            s[f"p_at_drift{j}"] = float(p)
        return s
    if tname == "page_hinkley":
        return {"mean": float(det._x_mean.get())}
    if tname == "ddm":
        return {"p": float(det._p.get())}
    return {}


def write_goldens(outdir):
    header = (f"# River {river.__version__} (python {sys.version.split()[0]}) detections; "
              "written by bench/compare/river_detectors.py --write-goldens\n")
    for kind, streams, cases in (("real", real_streams(), real_cases()),
                                 ("binary", binary_streams(), binary_cases())):
        for name, xs in streams.items():
            path = os.path.join(outdir, f"river_{kind}_{name}.txt")
            with open(path, "w") as f:
                f.write(header)
                f.write(f"stream {kind} {name} {len(xs)}\n")
                f.write("\n".join(fmt(x) for x in xs) + "\n")
                for cname, tname, ctor, params in cases:
                    det = ctor(**params)
                    drifts, warns, pvals = replay(det, xs, kind == "binary")
                    f.write(f"case {cname} {tname}" +
                            "".join(f" {k}={fmt(v)}" for k, v in params.items()) + "\n")
                    f.write(f"drift {len(drifts)}" + "".join(f" {i}" for i in drifts) + "\n")
                    if kind == "binary":
                        r = runs(warns)
                        f.write(f"warning {len(r)}" + "".join(f" {s}" for s in r) + "\n")
                    st = state_of(det, tname, pvals)
                    f.write("state" + "".join(f" {k}={fmt(v)}" for k, v in st.items()) + "\n")
                    f.write("end\n")
            print("wrote", path)


def write_python_random(outdir):
    """CPython's random.Random: getrandbits and sample(range(n), k), for the
    Python-compatible sampler behind tessera's python_kswin."""
    path = os.path.join(outdir, "river_python_random.txt")
    with open(path, "w") as f:
        f.write(f"# CPython {sys.version.split()[0]} random.Random draws; written by "
                "bench/compare/river_detectors.py --write-goldens\n"
                "# bits <seed> <k> <10 x getrandbits(k)> | sample <seed> <n> <k> <first sample> <second sample>\n")
        for seed in (0, 1, 42, 12345, 2**32 + 5, 2**64 - 1):
            for k in (1, 7, 31, 32, 33, 64):
                r = random.Random(seed)
                f.write(f"bits {seed} {k}" + "".join(f" {r.getrandbits(k)}" for _ in range(10)) + "\n")
            # (70, 30): River's default KSWIN draw, pool path; (35, 5) and (1000, 30): set path
            for n, k in ((70, 30), (6, 4), (35, 5), (21, 21), (22, 6), (1000, 30), (200, 100), (5000, 7)):
                r = random.Random(seed)
                a, b = r.sample(range(n), k), r.sample(range(n), k)
                f.write(f"sample {seed} {n} {k}" + "".join(f" {i}" for i in a + b) + "\n")
    print("wrote", path)


def write_ks_equal_n(outdir):
    """scipy.stats.ks_2samp(method='auto') on pairs of equal-size samples (KSWIN's case)."""
    from scipy import stats
    path = os.path.join(outdir, "river_ks_equal_n.txt")
    rng = np.random.default_rng(5)
    with open(path, "w") as f:
        f.write(f"# scipy {__import__('scipy').__version__} ks_2samp(a, b, method='auto'); written by "
                "bench/compare/river_detectors.py --write-goldens\n"
                "# ks <n> <statistic> <pvalue> / a <n values> / b <n values>\n")
        for n in (1, 2, 3, 5, 7, 15, 30, 31, 50, 100, 300, 1000):
            for shift in (0.0, 0.3, 1.0, 3.0):
                for ties in (False, True):
                    a = rng.normal(0, 1, n)
                    b = rng.normal(shift, 1, n)
                    if ties:
                        a, b = np.round(a * 2) / 2, np.round(b * 2) / 2
                    r = stats.ks_2samp(a, b, method="auto")
                    f.write(f"ks {n} {float(r.statistic)!r} {float(r.pvalue)!r}\n")
                    f.write("a" + "".join(f" {float(v)!r}" for v in a) + "\n")
                    f.write("b" + "".join(f" {float(v)!r}" for v in b) + "\n")
        # Interleaved blocks of h: D = h / n where scipy's exact sum exceeds 1 and it falls
        # back to kstwo.sf (the p-value is then just below or at 1).
        for n, h in ((7, 1), (15, 1), (30, 1), (60, 2), (135, 3)):
            a = np.array([float(i) for i in range(2 * n) if (i // h) % 2 == 0])
            b = np.array([float(i) for i in range(2 * n) if (i // h) % 2 == 1])
            r = stats.ks_2samp(a, b, method="auto")
            f.write(f"ks {n} {float(r.statistic)!r} {float(r.pvalue)!r}\n")
            f.write("a" + "".join(f" {float(v)!r}" for v in a) + "\n")
            f.write("b" + "".join(f" {float(v)!r}" for v in b) + "\n")
    print("wrote", path)


def time_river(repeat):
    """Updates per second of River's default detectors over all streams of their kind:
    best of `repeat` passes, by CPU time of this process (time.process_time, robust on a
    busy machine) and by wall clock (time.perf_counter)."""
    real = [x for xs in real_streams().values() for x in xs]
    bins = [x for xs in binary_streams().values() for x in xs]
    rows = [("adwin", drift.ADWIN, {}, real), ("page_hinkley", drift.PageHinkley, {}, real),
            ("kswin", drift.KSWIN, {"seed": 42}, real),
            ("ddm", binary.DDM, {}, bins), ("eddm", binary.EDDM, {}, bins),
            ("hddm_a", binary.HDDMA, {}, bins), ("hddm_w", binary.HDDMW, {}, bins)]
    print(f"# River {river.__version__}, python {sys.version.split()[0]}; "
          f"best of {repeat} passes over the concatenated streams; load {os.getloadavg()[0]:.1f}")
    print(f"{'detector':<14}{'updates':>10}{'cpu updates/s':>16}{'wall updates/s':>16}")
    for name, ctor, params, xs in rows:
        best_cpu = best_wall = float("inf")
        for _ in range(repeat):
            det = ctor(**params)
            upd = det.update
            c0, w0 = time.process_time(), time.perf_counter()
            for x in xs:
                upd(x)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_wall = min(best_wall, time.perf_counter() - w0)
        print(f"{name:<14}{len(xs):>10}{len(xs) / best_cpu:>16.0f}{len(xs) / best_wall:>16.0f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write-goldens", metavar="DIR")
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if not a.write_goldens and not a.time:
        ap.error("nothing to do: pass --write-goldens DIR and/or --time")
    if a.write_goldens:
        write_goldens(a.write_goldens)
        write_python_random(a.write_goldens)
        write_ks_equal_n(a.write_goldens)
    if a.time:
        time_river(a.repeat)


if __name__ == "__main__":
    main()
