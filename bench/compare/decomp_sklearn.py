"""PCA, KBinsDiscretizer and PolynomialFeatures: scikit-learn beside tessera's
bench_decomp on the same shapes, 2 threads everywhere.

    python3 bench/compare/decomp_sklearn.py \
        --tessera build/bench/features_decomp/bench_decomp [--repeats 3]

Data: column c is 1 + N(0,1)/(c+1) (a decaying spectrum), as in bench_decomp.
Peers (best of --repeats, wall time) and the tessera benchmark each is set against:
  pca_full_tall    PCA(svd_solver='covariance_eigh').fit, 1e6 x 28 float32   BM_pca_full_tall/par_2
  pca_full_wide    PCA(10, svd_solver='full').fit, 500 x 2000 float64        BM_pca_full_wide/par_2
  pca_randomized   PCA(10, svd_solver='randomized').fit, 2000 x 1000         BM_pca_randomized/par_2
  pca_transform    PCA(5).transform, 1e6 x 28 float32                        BM_pca_transform/par_2
  kbins_fit        KBinsDiscretizer(10, encode='ordinal', quantile_method='linear',
                   subsample=None).fit, 1e6 x 8 float64                      BM_kbins_fit_quantile/par_2
  kbins_transform  .transform of the same                                    BM_kbins_transform/par_2
  poly_transform   PolynomialFeatures(2).fit_transform, 1e5 x 20 float64     BM_poly_transform/par_2
Prints each time and the ratio peer / tessera (above 1: tessera is faster).
sklearn's PCA uses LAPACK (OpenBLAS/MKL) for the products and eigen-solver.
"""
import argparse
import json
import os
import subprocess
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "2"

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.preprocessing import KBinsDiscretizer, PolynomialFeatures  # noqa: E402


def data(rows, cols, dtype, seed):
    rng = np.random.default_rng(seed)
    return (1.0 + rng.standard_normal((rows, cols)) / (np.arange(cols) + 1.0)).astype(dtype)


def best_of(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def peers(repeats):
    tall = data(1_000_000, 28, np.float32, 1)
    wide = data(500, 2000, np.float64, 2)
    rnd = data(2000, 1000, np.float64, 3)
    kb = data(1_000_000, 8, np.float64, 4)
    poly = data(100_000, 20, np.float64, 5)
    fitted_pca = PCA(5).fit(tall)
    kbd = KBinsDiscretizer(10, encode="ordinal", quantile_method="linear", subsample=None)
    fitted_kb = KBinsDiscretizer(10, encode="ordinal", quantile_method="linear",
                                 subsample=None).fit(kb)
    return {
        "pca_full_tall": best_of(lambda: PCA(svd_solver="covariance_eigh").fit(tall), repeats),
        "pca_full_wide": best_of(lambda: PCA(10, svd_solver="full").fit(wide), repeats),
        "pca_randomized": best_of(lambda: PCA(10, svd_solver="randomized").fit(rnd), repeats),
        "pca_transform": best_of(lambda: fitted_pca.transform(tall), repeats),
        "kbins_fit": best_of(lambda: kbd.fit(kb), repeats),
        "kbins_transform": best_of(lambda: fitted_kb.transform(kb), repeats),
        "poly_transform": best_of(lambda: PolynomialFeatures(2).fit_transform(poly), repeats),
    }


TESSERA = {
    "pca_full_tall": "BM_pca_full_tall/policy:3/real_time",
    "pca_full_wide": "BM_pca_full_wide/policy:3/real_time",
    "pca_randomized": "BM_pca_randomized/policy:3/real_time",
    "pca_transform": "BM_pca_transform/policy:3/real_time",
    "kbins_fit": "BM_kbins_fit_quantile/policy:3/real_time",
    "kbins_transform": "BM_kbins_transform/policy:3/real_time",
    "poly_transform": "BM_poly_transform/policy:3/real_time",
}


def tessera_times(binary):
    out = subprocess.run([binary, "--benchmark_format=json", "--benchmark_repetitions=3",
                          "--benchmark_report_aggregates_only=true",
                          "--benchmark_filter=policy:3"],
                         check=True, capture_output=True, text=True).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            scale = {"ms": 1e-3, "us": 1e-6, "ns": 1e-9, "s": 1.0}[b["time_unit"]]
            res[b["run_name"]] = b["real_time"] * scale
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    t = tessera_times(args.tessera)
    p = peers(args.repeats)
    print(f"{'case':16s} {'sklearn s':>10s} {'tessera s':>10s} {'ratio':>7s}")
    for k, v in p.items():
        tv = t.get(TESSERA[k], float("nan"))
        print(f"{k:16s} {v:10.4f} {tv:10.4f} {v / tv:7.2f}")


if __name__ == "__main__":
    main()
