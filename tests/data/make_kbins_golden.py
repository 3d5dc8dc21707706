#!/usr/bin/env python3
"""Writes tests/data/kbins_golden.txt: scikit-learn KBinsDiscretizer on matrices.

Each case fits KBinsDiscretizer(n_bins, strategy, encode, quantile_method='linear',
subsample=None) on X and transforms P (X's rows followed by rows outside the
fitted range). n_bins is one global value or one per feature.

Format, one record per case:
  case <name> <float32|float64> <uniform|quantile|kmeans> <ordinal|onehot-dense> <rows> <cols> <prows>
  n_bins <one value, or cols values>
  X <rows*cols values, row-major>
  P <prows*cols values>
  n_bins_ <cols integers: bins after constant features and edge merging>
  out <prows * output-cols values>
  end
Run: python3 tests/data/make_kbins_golden.py > tests/data/kbins_golden.txt
"""
import warnings

import numpy as np
import sklearn
from sklearn.preprocessing import KBinsDiscretizer


def fmt(values):
    return " ".join("nan" if np.isnan(v) else repr(float(v)) for v in np.ravel(values))


def cases():
    rng = np.random.default_rng(7)
    a = np.column_stack([rng.normal(0, 1, 50), rng.integers(0, 4, 50), np.full(50, 3.0),
                         rng.exponential(2.0, 50)])
    for strategy in ("uniform", "quantile"):
        for encode in ("ordinal", "onehot-dense"):
            yield f"mixed_{strategy}_{encode}", np.float64, strategy, encode, a, 4
    b = rng.normal(5, 3, (37, 3)).astype(np.float32)
    yield "mixed_kmeans_ordinal", np.float64, "kmeans", "ordinal", a, 4
    yield "mixed_kmeans_per_feature", np.float64, "kmeans", "onehot-dense", a, [3, 2, 2, 5]
    yield "f32_per_feature_q", np.float32, "quantile", "onehot-dense", b, [2, 3, 7]
    yield "f32_per_feature_u", np.float32, "uniform", "ordinal", b, [5, 2, 3]
    c = np.round(rng.normal(0, 1, (12, 2)), 1)
    yield "rounded_q10", np.float64, "quantile", "ordinal", c, 10


def main():
    print(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for name, dtype, strategy, encode, X, n_bins in cases():
        X = np.asarray(X, dtype=dtype)
        lo, hi = X.min(axis=0), X.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        P = np.vstack([X, lo - span, hi + span, (lo + hi) / 2]).astype(dtype)
        kb = KBinsDiscretizer(n_bins=n_bins, strategy=strategy, encode=encode,
                              quantile_method="linear", subsample=None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kb.fit(X)
        out = kb.transform(P)
        print(f"case {name} {np.dtype(dtype).name} {strategy} {encode} {X.shape[0]} "
              f"{X.shape[1]} {P.shape[0]}")
        print("n_bins", " ".join(str(v) for v in np.atleast_1d(n_bins)))
        print("X", fmt(X))
        print("P", fmt(P))
        print("n_bins_", " ".join(str(v) for v in kb.n_bins_))
        print("out", fmt(out))
        print("end")


if __name__ == "__main__":
    main()
