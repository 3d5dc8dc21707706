#!/usr/bin/env python3
"""Markdown tables for docs/benchmarks.md from a bench_kernels JSON run.

    bench_kernels --benchmark_filter='BM_stream|BM_(sum|dot|mean|variance|...)' \
        --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
        --benchmark_out=kernels.json --benchmark_out_format=json
    python3 bench/kernels/bandwidth_table.py kernels.json

Medians only. GB/s are 1e9 bytes/s (Google Benchmark's console "G/s" is GiB/s).
Each large-size kernel is shown as a fraction of the STREAM triad and of the
read-only bandwidth measured in the same run with the same thread count
(simd and par1 against threads:1, par2 against threads:2).
"""
import json
import re
import sys

NAME = re.compile(r"^BM_(?P<kernel>\w+)<(?P<type>\w+)>/(?P<policy>\w+)/n:(?P<n>\d+)/real_time$")
STREAM = re.compile(r"^BM_stream_(?P<kind>triad|read)/threads:(?P<threads>\d+)/real_time$")


def main(path):
    with open(path) as f:
        run = json.load(f)
    medians = {}
    has_aggregates = any(b.get("run_type") == "aggregate" for b in run["benchmarks"])
    for b in run["benchmarks"]:
        if has_aggregates and b.get("aggregate_name") != "median":
            continue  # single runs, or mean/stddev/cv rows
        medians[b["run_name"]] = b["bytes_per_second"] / 1e9
    stream = {}
    rows = {}
    for name, gbs in medians.items():
        m = STREAM.match(name)
        if m:
            stream[(m["kind"], int(m["threads"]))] = gbs
            continue
        m = NAME.match(name)
        if m:
            rows[(m["kernel"], m["type"], m["policy"], int(m["n"]))] = gbs

    print("| reference | threads | GB/s |")
    print("| --- | --- | --- |")
    for (kind, threads), gbs in sorted(stream.items()):
        print(f"| STREAM {kind} | {threads} | {gbs:.1f} |")
    print()

    large = max((k[3] * (4 if k[1] == "float" else 8) for k in rows), default=0)
    print("| kernel | type | policy | GB/s | / triad | / read |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (kernel, typ, policy, n), gbs in sorted(rows.items()):
        if n * (4 if typ == "float" else 8) != large:
            continue
        threads = 2 if policy == "par2" else 1
        tri = stream.get(("triad", threads))
        rd = stream.get(("read", threads))
        ft = f"{100 * gbs / tri:.0f}%" if tri else "-"
        fr = f"{100 * gbs / rd:.0f}%" if rd else "-"
        print(f"| {kernel} | {typ} | {policy} | {gbs:.1f} | {ft} | {fr} |")
    print()

    print("| kernel | type | n | seq GB/s | simd GB/s | simd / seq |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (kernel, typ, policy, n), gbs in sorted(rows.items()):
        if policy != "seq":
            continue
        simd = rows.get((kernel, typ, "simd", n))
        if simd:
            print(f"| {kernel} | {typ} | {n} | {gbs:.1f} | {simd:.1f} | {simd / gbs:.1f}x |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "kernels.json")
