"""Reading the GBDT benchmark's numeric CSV (1,000,000 x 29, bench/io/make_numeric_csv):
tessera's io::read_csv (bench_csv: seq, par 1 thread, par 2 threads) against
pyarrow.csv.read_csv (use_threads, pa.set_cpu_count(1) and (2)) and
pandas.read_csv (C engine). Each reader runs in its own process, so its peak
RSS (wait4's ru_maxrss) is its own; the Python peers' figure includes the
interpreter and the imported library (the `baseline` row: import only).

    build-csv/bench/io/make_numeric_csv 1000000 /tmp/tessera_higgs_1m.csv
    python3 bench/compare/csv_read.py --file /tmp/tessera_higgs_1m.csv \
        --bench build-csv/bench/io/bench_csv [--repeat 3]

Prints one row per reader: best wall time of --repeat runs, MB/s of file
bytes, CPU seconds (user + sys of the process, all runs, divided by runs),
peak RSS, and the ratios the issue asks for.
"""
import argparse
import json
import os
import subprocess
import sys

PY_READER = r"""
import sys, time
kind, path, threads, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if kind == "baseline":
    import pyarrow, pyarrow.csv, pandas
    print(0.0); sys.exit(0)
if kind == "pyarrow":
    import pyarrow as pa, pyarrow.csv as pc
    pa.set_cpu_count(threads); pa.set_io_thread_count(threads)
    read = lambda: pc.read_csv(path, read_options=pc.ReadOptions(use_threads=True))
else:
    import pandas as pd
    read = lambda: pd.read_csv(path, engine="c")
best = float("inf")
for _ in range(repeat):
    t = time.perf_counter(); x = read(); best = min(best, time.perf_counter() - t); del x
print(best)
"""


def run(cmd):
    """Runs cmd, returns (stdout, user+sys seconds, peak RSS in MB) of that process."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err))
    return out, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default="/tmp/tessera_higgs_1m.csv")
    ap.add_argument("--bench", default="build-csv/bench/io/bench_csv")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    size_mb = os.path.getsize(a.file) / 1e6
    rows = []
    for name, filt in [("tessera seq", "BM_numeric_seq/"), ("tessera par 1 thread", "BM_numeric_par1/"),
                       ("tessera par 2 threads", "BM_numeric_par2/")]:
        out, cpu, rss = run([a.bench, "--benchmark_filter=" + filt, "--benchmark_format=json",
                             "--benchmark_repetitions=%d" % a.repeat, "--benchmark_min_time=0.01"])
        bench = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
        best = min(b["real_time"] for b in bench) / 1e3  # ms -> s
        iters = sum(b["iterations"] for b in bench)
        parsed = bench[0]["parsed_MB"] * 1.048576
        rows.append((name, best, cpu / iters, rss))
    for name, kind, threads in [("pyarrow 1 thread", "pyarrow", 1), ("pyarrow 2 threads", "pyarrow", 2),
                                ("pandas (C engine)", "pandas", 1), ("baseline: python + imports", "baseline", 1)]:
        out, cpu, rss = run([sys.executable, "-c", PY_READER, kind, a.file, str(threads), str(a.repeat)])
        n = 0 if kind == "baseline" else a.repeat
        rows.append((name, float(out.strip()), cpu / max(n, 1), rss))

    print("file: %s, %.1f MB; parsed columns: %.1f MB" % (a.file, size_mb, parsed))
    print("%-28s %9s %9s %9s %11s %9s" % ("reader", "best s", "MB/s", "CPU s", "peak RSS MB", "RSS/parsed"))
    for name, t, cpu, rss in rows:
        mbs = size_mb / t if t > 0 else 0
        print("%-28s %9.3f %9.1f %9.2f %11.1f %9.2f" % (name, t, mbs, cpu, rss, rss / parsed))
    by = {r[0]: r[1] for r in rows}
    print()
    print("tessera par 2 / pyarrow 2 threads speed: %.2fx" % (by["pyarrow 2 threads"] / by["tessera par 2 threads"]))
    print("tessera par 1 / pyarrow 1 thread speed:  %.2fx" % (by["pyarrow 1 thread"] / by["tessera par 1 thread"]))
    print("tessera seq / pyarrow 1 thread speed:    %.2fx" % (by["pyarrow 1 thread"] / by["tessera seq"]))
    print("tessera par 2 / pandas speed:            %.2fx" % (by["pandas (C engine)"] / by["tessera par 2 threads"]))
    print("tessera seq / pandas speed:              %.2fx" % (by["pandas (C engine)"] / by["tessera seq"]))


if __name__ == "__main__":
    main()
