#!/usr/bin/env python3
"""GBDT benchmark: LightGBM and XGBoost (pip) against tessera and XGBoost's C API
on make_higgs_like's data, every engine in its own process, and the table.

  gbdt_peers.py one --engine lightgbm|xgboost --train T.f32 --test E.f32
                    [--task binary|regression] [--rows N] [--threads 2]
                    [--rounds 200] [--setup leaf63|depth6]
      trains one engine here and prints one "GBDT_RESULT {json}" line (the same
      record as bench/gbdt/bench_common.hpp prints for the C++ drivers).
  gbdt_peers.py all --data DIR [--tessera BIN] [--xgboost-capi BIN] [--engines a,b]
                    [--tasks binary,regression] [--setups leaf63,depth6]
                    [--regression-setups leaf63,depth6]
                    [--no-scaling] [--wide-rows N] [--keep old.json] [--out results.json]
      runs the whole matrix (each run a fresh process), writes the records and
      prints the comparison table. bench/gbdt/run_all.sh calls this.
  gbdt_peers.py table results.json [more.json ...]
      prints the table again from saved records (merged; later files win).

Data: make_higgs_like's raw float32 files (--bin; the same values as its CSV,
which is printed shortest-round-trip). DIR holds higgs_{train,test}.f32,
reg_{train,test}.f32 and higgs280_{train,test}.f32 (run_all.sh makes them).

Equivalent parameters: 200 rounds, learning rate 0.1, 255 value bins (XGBoost
max_bin=256: it counts the missing bin apart), `threads` threads, defaults
otherwise (LightGBM min_data_in_leaf=20, min_sum_hessian_in_leaf=1e-3, as
tessera's; XGBoost min_child_weight=1). leaf63: LightGBM num_leaves=63;
XGBoost grow_policy=lossguide, max_leaves=63, max_depth=0; tessera leaf_wise,
max_leaves=63. depth6: LightGBM max_depth=6, num_leaves=64; XGBoost depthwise
max_depth=6; tessera depth_wise, max_depth=6.
Timed: bin_s = binning (LightGBM Dataset.construct(), XGBoost QuantileDMatrix,
tessera's binned dataset), outside train_s; train_s = the boosting rounds only
(wall clock), train_cpu_s = CPU seconds of the process (all threads) in them;
predict_s / predict_cpu_s = the smallest wall / CPU seconds of 3 batch
predictions of the 200,000 test rows (probabilities for binary). Memory: peak_rss_mb = ru_maxrss of the process; rss_loaded_mb =
VmRSS after the engine is imported and the float32 data is loaded;
rss_growth_mb = the difference (what the engine itself needed).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

SETUPS = ("leaf63", "depth6")


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) / 1024.0
    return 0.0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_f32(path, max_rows=0):
    """X (rows x features, C-contiguous float32) and y, read in blocks so the
    process never holds a second full copy (the peak stays at the data)."""
    with open(path, "rb") as f:
        if f.read(8) != b"TSRF32V1":
            raise SystemExit(f"{path}: not a make_higgs_like --bin file")
        rows, cols = (int(v) for v in np.frombuffer(f.read(16), dtype="<u8"))
        if max_rows:
            rows = min(rows, max_rows)
        X = np.empty((rows, cols - 1), dtype=np.float32)
        y = np.empty(rows, dtype=np.float32)
        block = 4096
        for r0 in range(0, rows, block):
            n = min(block, rows - r0)
            a = np.fromfile(f, dtype="<f4", count=n * cols).reshape(n, cols)
            y[r0:r0 + n] = a[:, 0]
            X[r0:r0 + n] = a[:, 1:]
    return X, y


def quality(task, y, score):
    if task == "regression":
        return "rmse", float(np.sqrt(np.mean((y.astype(np.float64) - score) ** 2)))
    from sklearn.metrics import roc_auc_score
    return "auc", float(roc_auc_score(y > 0.5, score))


def best_of(n, f):
    """Smallest wall and smallest CPU seconds of n calls, and the last result."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        out = f()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu, out


def run_one(a):
    if a.engine == "lightgbm":
        import lightgbm as lgb
        version = lgb.__version__
    else:
        import xgboost as xgb
        version = xgb.__version__
    X, y = load_f32(a.train, a.rows)
    Xt, yt = load_f32(a.test)
    rss_loaded = rss_mb()
    binary = a.task == "binary"
    rec = dict(engine=a.engine, version=version, setup=a.setup, task=a.task, rows=len(y),
               features=X.shape[1], threads=a.threads, rounds=a.rounds, trees=a.rounds,
               first_round_s=-1.0)
    if a.engine == "lightgbm":
        p = dict(objective="binary" if binary else "regression", learning_rate=0.1,
                 max_bin=255, num_threads=a.threads, verbose=-1, seed=0)
        if a.setup == "leaf63":
            p.update(num_leaves=63)
        else:
            p.update(max_depth=6, num_leaves=64)
        t0 = time.perf_counter()
        ds = lgb.Dataset(X, y, params=p, free_raw_data=False).construct()
        rec["bin_s"] = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        booster = lgb.train(p, ds, num_boost_round=a.rounds)
        rec["train_s"], rec["train_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
        predict = lambda: booster.predict(Xt, num_threads=a.threads)
        rec["timed"] = "bin: Dataset.construct; train: lgb.train; predict: Booster.predict"
    else:
        p = dict(tree_method="hist", max_bin=256, eta=0.1, nthread=a.threads,
                 objective="binary:logistic" if binary else "reg:squarederror", verbosity=0)
        if a.setup == "leaf63":
            p.update(grow_policy="lossguide", max_leaves=63, max_depth=0)
        else:
            p.update(grow_policy="depthwise", max_depth=6)
        t0 = time.perf_counter()
        dtrain = xgb.QuantileDMatrix(X, y, max_bin=256, nthread=a.threads)
        rec["bin_s"] = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        booster = xgb.train(p, dtrain, num_boost_round=a.rounds)
        rec["train_s"], rec["train_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
        predict = lambda: booster.inplace_predict(Xt)
        rec["timed"] = "bin: QuantileDMatrix; train: xgb.train; predict: inplace_predict"
    rec["predict_s"], rec["predict_cpu_s"], score = best_of(3, predict)
    rec["predict_rows_per_s"] = len(yt) / rec["predict_s"]
    name, value = quality(a.task, yt, np.asarray(score, dtype=np.float64))
    rec[name] = value
    rec["peak_rss_mb"] = peak_rss_mb()
    rec["rss_loaded_mb"] = rss_loaded
    rec["rss_growth_mb"] = rec["peak_rss_mb"] - rss_loaded
    print("GBDT_RESULT " + json.dumps(rec), flush=True)


# ---- the matrix ------------------------------------------------------------------

def files(data, task, features=28):
    stem = "reg" if task == "regression" else ("higgs280" if features == 280 else "higgs")
    return os.path.join(data, f"{stem}_train.f32"), os.path.join(data, f"{stem}_test.f32")


def command(engine, bins, train, test, task, setup, rows, threads, rounds):
    common = ["--train", train, "--test", test, "--task", task, "--setup", setup,
              "--threads", str(threads), "--rounds", str(rounds)]
    if rows:
        common += ["--rows", str(rows)]
    if engine in ("lightgbm", "xgboost"):
        return [sys.executable, os.path.abspath(__file__), "one", "--engine", engine] + common
    return [bins[engine]] + common


def key(r):
    return (r["group"], r["engine"], r["task"], r["setup"], r["rows"], r["features"], r["threads"])


def run_matrix(a):
    bins = {}
    if a.tessera:
        bins["tessera"] = a.tessera
    if a.xgboost_capi:
        bins["xgboost-capi"] = a.xgboost_capi
    engines = list(bins) + ["lightgbm", "xgboost"]
    if a.engines:
        engines = [e for e in engines if e in a.engines.split(",")]
    runs = []  # (group, engine, task, setup, rows, features, threads)
    for task in filter(None, a.tasks.split(",")):
        setups = (a.regression_setups if task == "regression" else a.setups).split(",")
        for setup in setups:
            for e in engines:
                runs.append(("main", e, task, setup, 0, 28, a.threads))
    if not a.no_scaling:
        for e in engines:
            runs.append(("threads", e, "binary", "leaf63", 0, 28, 1))
        for rows in (10_000, 100_000):
            for e in engines:
                runs.append(("rows", e, "binary", "leaf63", rows, 28, a.threads))
        for e in engines:
            runs.append(("features", e, "binary", "leaf63", a.wide_rows, 280, a.threads))
            if a.wide_rows not in (0, 10_000, 100_000):
                runs.append(("features", e, "binary", "leaf63", a.wide_rows, 28, a.threads))
    records = []
    if a.keep and os.path.exists(a.keep):
        with open(a.keep) as f:
            records = json.load(f)
    for group, e, task, setup, rows, features, threads in runs:
        train, test = files(a.data, task, features)
        cmd = command(e, bins, train, test, task, setup, rows, threads, a.rounds)
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        line = next((l for l in p.stdout.splitlines() if l.startswith("GBDT_RESULT ")), None)
        if p.returncode != 0 or line is None:
            print(f"[{group}] {e} {task} {setup} rows={rows or 'all'} f={features} t={threads}: "
                  f"FAILED rc={p.returncode}\n{p.stderr[-2000:]}", file=sys.stderr, flush=True)
            continue
        r = json.loads(line[len("GBDT_RESULT "):])
        r["group"] = group
        if e == "tessera":  # the commit checked out when the run finished (build the driver first)
            head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
            r["version"] = "main@" + (head.stdout.strip() or "?")
        r["load1"] = os.getloadavg()[0]
        r["finished"] = time.strftime("%H:%M:%S", time.gmtime())
        records = [x for x in records if key(x) != key(r)] + [r]
        q = f"auc={r['auc']:.4f}" if "auc" in r else f"rmse={r['rmse']:.4f}"
        print(f"[{group}] {e:13s} {task:10s} {setup} rows={r['rows']:>7} f={r['features']} "
              f"t={threads}: train {r['train_s']:.2f}s (cpu {r['train_cpu_s']:.2f}s) "
              f"bin {r['bin_s']:.2f}s {q} predict {r['predict_rows_per_s'] / 1e6:.2f} Mrows/s "
              f"peak {r['peak_rss_mb']:.0f} MB (wall {time.time() - t0:.0f}s, load {r['load1']:.1f})",
              flush=True)
        if a.out:
            with open(a.out, "w") as f:
                json.dump(records, f, indent=1)
    return records


# ---- the table -------------------------------------------------------------------

def cpu_rate(r):
    c = r.get("predict_cpu_s", 0)
    return f"{test_rows(r) / c / 1e6:.2f}" if c > 0 else "n/a"


def test_rows(r):
    return r["predict_rows_per_s"] * r["predict_s"]


def fmt_ratio(x):
    return "n/a" if x is None else f"{x:.2f}x"


def table(records):
    out = []
    main = [r for r in records if r.get("group", "main") == "main"]
    for task in ("binary", "regression"):
        for setup in SETUPS:
            rs = [r for r in main if r["task"] == task and r["setup"] == setup]
            if not rs:
                continue
            qname = "auc" if task == "binary" else "rmse"
            out.append(f"\n### {task}, {setup}: {rs[0]['rows']:,} train rows x {rs[0]['features']} "
                       f"features, {rs[0]['rounds']} rounds, {rs[0]['threads']} threads\n")
            out.append(f"| engine | version | bin s | train s | train CPU s | test {qname.upper()} | "
                       f"predict Mrows/s | predict Mrows/CPU-s | peak RSS MB | RSS growth MB |")
            out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for r in rs:
                out.append(f"| {r['engine']} | {r['version']} | {r['bin_s']:.2f} | {r['train_s']:.2f} | "
                           f"{r.get('train_cpu_s', float('nan')):.2f} | "
                           f"{r[qname]:.4f} | {r['predict_rows_per_s'] / 1e6:.2f} | {cpu_rate(r)} | "
                           f"{r['peak_rss_mb']:.0f} | {r['rss_growth_mb']:.0f} |")
            t = next((r for r in rs if r["engine"] == "tessera"), None)
            peers = [r for r in rs if r["engine"] != "tessera"]
            if t and peers:
                fastest = min(peers, key=lambda r: r["train_s"])
                better = max if task == "binary" else min
                best = better(peers, key=lambda r: r[qname])
                xgbs = [r for r in peers if r["engine"].startswith("xgboost")]
                xgb_best = max(xgbs, key=lambda r: r["predict_rows_per_s"]) if xgbs else None
                low = min(peers, key=lambda r: r["peak_rss_mb"])
                low_g = min(peers, key=lambda r: r["rss_growth_mb"])
                out.append("")
                fastest_cpu = min(peers, key=lambda r: r.get("train_cpu_s", float("inf")))
                out.append(f"- tessera train time / fastest peer ({fastest['engine']}): "
                           f"{fmt_ratio(t['train_s'] / fastest['train_s'])} wall (target <= 0.70x); "
                           f"CPU seconds / least-CPU peer ({fastest_cpu['engine']}): "
                           f"{fmt_ratio(t.get('train_cpu_s', 0) / fastest_cpu.get('train_cpu_s', 1))}")
                out.append(f"- tessera {qname.upper()} - best peer ({best['engine']}): "
                           f"{t[qname] - best[qname]:+.4f}"
                           + (" (target >= -0.002)" if task == "binary" else ""))
                if xgb_best:
                    out.append(f"- tessera prediction throughput / XGBoost ({xgb_best['engine']}): "
                               f"{fmt_ratio(t['predict_rows_per_s'] / xgb_best['predict_rows_per_s'])} "
                               f"wall (target >= 2x); per CPU second: "
                               f"{fmt_ratio(min(x.get('predict_cpu_s', float('inf')) for x in xgbs) / t['predict_cpu_s'] if t.get('predict_cpu_s') else None)}")
                if xgb_best and t.get("forest_predict_s", 0) > 0:
                    rate = test_rows(t) / t["forest_predict_s"]
                    xgb_cpu = min(x.get("predict_cpu_s", float("inf")) for x in xgbs)
                    fcpu = t.get("forest_predict_cpu_s", 0)
                    out.append(f"- tessera flat_forest scorer alone (raw scores): {rate / 1e6:.2f} Mrows/s, "
                               f"{fmt_ratio(rate / xgb_best['predict_rows_per_s'])} XGBoost's wall; "
                               f"per CPU second: {fmt_ratio(xgb_cpu / fcpu if fcpu > 0 else None)}")
                out.append(f"- tessera peak RSS / lowest peer ({low['engine']}): "
                           f"{fmt_ratio(t['peak_rss_mb'] / low['peak_rss_mb'])}; RSS growth / lowest "
                           f"peer ({low_g['engine']}): "
                           f"{fmt_ratio(t['rss_growth_mb'] / max(low_g['rss_growth_mb'], 1e-9))} "
                           f"(target <= 1x)")
    scaling = [r for r in records if r.get("group") in ("rows", "features", "threads")]
    if scaling:
        ref = [r for r in main if r["task"] == "binary" and r["setup"] == "leaf63"]
        engines = sorted({r["engine"] for r in records}, key=lambda e: (e != "tessera", e))
        cols = []  # (label, predicate)
        for rows in (10_000, 100_000):
            cols.append((f"{rows // 1000}k x 28", lambda r, n=rows: r["rows"] == n and
                         r["features"] == 28 and r["threads"] != 1))
        cols.append(("1M x 28", lambda r: r["rows"] == 1_000_000 and r["features"] == 28 and
                     r["threads"] != 1))
        wide = sorted({r["rows"] for r in scaling if r["features"] == 280})
        for n in wide:
            label = f"{n // 1000}k" if n < 1_000_000 else "1M"
            cols.append((f"{label} x 280", lambda r, n=n: r["rows"] == n and r["features"] == 280))
        cols.append(("1M x 28, 1 thread", lambda r: r["rows"] == 1_000_000 and
                     r["features"] == 28 and r["threads"] == 1))
        out.append(f"\n### Training seconds by size and threads (binary, leaf63, "
                   f"{scaling[0]['rounds']} rounds): wall (CPU) seconds\n")
        out.append("| engine | " + " | ".join(c[0] for c in cols) + " |")
        out.append("|---|" + "---:|" * len(cols))
        pool = scaling + ref
        for e in engines:
            cells = []
            for _, pred in cols:
                r = next((r for r in pool if r["engine"] == e and pred(r)), None)
                cells.append("-" if r is None else
                             f"{r['train_s']:.1f} ({r.get('train_cpu_s', float('nan')):.1f})")
            out.append(f"| {e} | " + " | ".join(cells) + " |")
    loads = [r["load1"] for r in records if "load1" in r]
    if loads:
        times = sorted(r["finished"] for r in records if "finished" in r)
        span = f", runs finished {times[0]} to {times[-1]} UTC" if times else ""
        out.append(f"\n1-minute load average after each run: {min(loads):.1f} to {max(loads):.1f} "
                   f"(2-core machine){span}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("one")
    o.add_argument("--engine", choices=("lightgbm", "xgboost"), required=True)
    o.add_argument("--train", required=True)
    o.add_argument("--test", required=True)
    o.add_argument("--task", choices=("binary", "regression"), default="binary")
    o.add_argument("--rows", type=int, default=0)
    o.add_argument("--threads", type=int, default=2)
    o.add_argument("--rounds", type=int, default=200)
    o.add_argument("--setup", choices=SETUPS, default="leaf63")
    m = sub.add_parser("all")
    m.add_argument("--data", required=True)
    m.add_argument("--tessera", help="bench/gbdt/bench_gbdt binary")
    m.add_argument("--xgboost-capi", help="bench/gbdt/bench_xgboost_capi binary")
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--rounds", type=int, default=200)
    m.add_argument("--engines", help="comma list: tessera,xgboost-capi,lightgbm,xgboost (default all)")
    m.add_argument("--tasks", default="binary,regression", help="'' = scaling runs only")
    m.add_argument("--setups", default="leaf63,depth6", help="setups of the binary task")
    m.add_argument("--regression-setups", default="leaf63,depth6")
    m.add_argument("--keep", help="records file to start from; runs made now replace their entries")
    m.add_argument("--no-scaling", action="store_true")
    m.add_argument("--wide-rows", type=int, default=100_000,
                   help="training rows for the 28-vs-280-feature runs (0 = all 1M)")
    m.add_argument("--out", default="gbdt_results.json")
    t = sub.add_parser("table")
    t.add_argument("results", nargs="+", help="records files; a later run replaces an earlier one")
    a = ap.parse_args()
    if a.cmd == "one":
        run_one(a)
    elif a.cmd == "all":
        print(table(run_matrix(a)))
    else:
        records = []
        for path in a.results:
            with open(path) as f:
                for r in json.load(f):
                    records = [x for x in records if key(x) != key(r)] + [r]
        print(table(records))


if __name__ == "__main__":
    main()
