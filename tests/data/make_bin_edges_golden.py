#!/usr/bin/env python3
"""Writes tests/data/bin_edges_golden.txt: scikit-learn KBinsDiscretizer edges and bins.

Each case fits sklearn.preprocessing.KBinsDiscretizer(n_bins, strategy, encode='ordinal',
quantile_method='linear', subsample=None) on one column: the non-NaN values of x
(sklearn rejects NaN; tessera's kernels skip it). `bins` is the fitted
discretizer's transform of `probe` (x's non-NaN values plus points outside the
range and on the edges; kmeans edges match only to rounding, so the test skips
probes within 1e-9 of an edge for kmeans). `warn` is 1 when sklearn warned (constant feature or
merged edges).

Format, one record per case:
  case <name> <float32|float64> <uniform|quantile|kmeans> <n_bins> <warn>
  x <values...>          (the column, NaN included)
  edges <values...>      (bin_edges_[0], as float64)
  probe <values...>
  bins <integers...>
  empty_at_init <count>  (kmeans only: clusters with no point at the first step; with
                          two or more, sklearn pairs them with far points in np.argpartition's
                          unspecified order, which tessera does not reproduce)
  end
Values are repr() of float64 (float32 values are exact in float64).
Run: python3 tests/data/make_bin_edges_golden.py > tests/data/bin_edges_golden.txt
"""
import warnings

import numpy as np
import sklearn
from sklearn.preprocessing import KBinsDiscretizer


def cases():
    rng = np.random.default_rng(20261123)
    yield "normal_f64", np.float64, rng.normal(3.0, 2.0, 200), (5, 10, 2)
    yield "normal_f32", np.float32, rng.normal(-1.0, 0.5, 101).astype(np.float32), (4, 7)
    ties = np.repeat([0.0, 1.0, 1.0, 1.0, 2.0, 5.0], 7).astype(np.float64)
    yield "ties_f64", np.float64, ties, (2, 4, 10)
    yield "few_distinct_f64", np.float64, rng.integers(0, 3, 50).astype(np.float64), (3, 8)
    yield "constant_f64", np.float64, np.full(9, 0.25), (3,)
    yield "constant_f32", np.float32, np.full(4, -7.5, dtype=np.float32), (2,)
    x = rng.uniform(-10, 10, 60)
    x[rng.random(60) < 0.2] = np.nan
    yield "nan_f64", np.float64, x, (3, 6)
    yield "near_merge_f64", np.float64, np.array([0.0, 5e-9, 1e-8, 2e-8, 1.0, 1.0 + 5e-9, 2.0]), (6,)
    yield "tiny_range_f64", np.float64, np.array([1e6, 1e6 + 1e-7, 1e6 + 3e-7, 1e6 + 1e-6]), (3,)
    yield "skewed_f64", np.float64, rng.exponential(1.0, 333) ** 3, (10, 20)
    yield "two_values_f32", np.float32, np.array([1.0, 2.0], dtype=np.float32), (2, 3)
    yield "wide_f64", np.float64, rng.normal(0.0, 1e12, 40), (7,)


def fmt(values):
    return " ".join("nan" if np.isnan(v) else repr(float(v)) for v in np.ravel(values))


def main():
    print(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for name, dtype, x, bins_list in cases():
        x = np.asarray(x, dtype=dtype)
        clean = x[~np.isnan(x)]
        lo, hi = float(clean.min()), float(clean.max())
        span = hi - lo if hi > lo else 1.0
        for strategy in ("uniform", "quantile", "kmeans"):
            for n_bins in bins_list:
                kb = KBinsDiscretizer(n_bins=n_bins, strategy=strategy, encode="ordinal",
                                      quantile_method="linear", subsample=None)
                if strategy == "kmeans" and dtype == np.float32:
                    continue  # sklearn's KMeans runs float32 in float32; tessera in double
                with warnings.catch_warnings(record=True) as w:
                    warnings.simplefilter("always")
                    kb.fit(clean.reshape(-1, 1))
                warned = int(any("constant" in str(m.message) or "too small" in str(m.message)
                                 for m in w))
                edges = kb.bin_edges_[0].astype(np.float64)
                finite = edges[np.isfinite(edges)]
                probe = np.concatenate([clean, finite, [lo - span, hi + span, lo - 1e-3 * span,
                                                        hi + 1e-3 * span]]).astype(dtype)
                bins = kb.transform(probe.reshape(-1, 1))[:, 0].astype(np.int64)
                print(f"case {name} {np.dtype(dtype).name} {strategy} {n_bins} {warned}")
                print("x", fmt(x))
                print("edges", fmt(edges).replace("inf", "inf"))
                print("probe", fmt(probe))
                print("bins", " ".join(str(b) for b in bins))
                if strategy == "kmeans" and hi > lo:
                    u = np.linspace(lo, hi, n_bins + 1)
                    init = (u[1:] + u[:-1]) * 0.5
                    near = np.argmin(np.abs(clean[:, None] - init[None, :]), axis=1)
                    print("empty_at_init", n_bins - len(np.unique(near)))
                print("end")


if __name__ == "__main__":
    main()
