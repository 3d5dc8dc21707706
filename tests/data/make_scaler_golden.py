#!/usr/bin/env python3
"""Writes tests/data/scaler_golden.txt: scikit-learn StandardScaler reference values.

Each case is fitted by sklearn.preprocessing.StandardScaler with the case's
with_mean / with_std; the statistics (mean_, var_, scale_) come from a scaler
with both options on, since scikit-learn leaves them None otherwise while
tessera always reports them. Values are written with repr(), which round-trips
float64 exactly (float32 values are exact in float64).

Format, one record per case:
  case <name> <float32|float64> <with_mean 0|1> <with_std 0|1> <rows> <cols>
  X <rows*cols values, row-major>
  mean|var|scale <cols values>
  n_seen <cols integers>
  transform <rows*cols values>       (StandardScaler(...).fit(X).transform(X))
  inverse <rows*cols values>         (... .inverse_transform(X))
  end
Run: python3 tests/data/make_scaler_golden.py > tests/data/scaler_golden.txt
"""
import sys
import warnings

import numpy as np
import sklearn
from sklearn.preprocessing import StandardScaler


def with_nan(rng, x, frac):
    x = x.copy()
    x[rng.random(x.shape) < frac] = np.nan
    return x


def cases():
    rng = np.random.default_rng(20240601)
    yield "small", np.float64, 1, 1, np.array(
        [[1.0, -2.5, 10.0], [np.nan, 0.5, 12.0], [3.0, 4.0, np.nan], [7.0, -1.0, 11.0],
         [2.0, 0.0, 13.0]])
    yield "offset_nan_f64", np.float64, 1, 1, with_nan(
        rng, 1000.0 + 5.0 * rng.standard_normal((40, 17)), 0.1)
    yield "nan_f32", np.float32, 1, 1, with_nan(
        rng, (3.0 * rng.standard_normal((30, 33)) - 2.0).astype(np.float32), 0.1)
    special = np.empty((20, 4))
    special[:, 0] = 0.1                                             # constant
    special[:, 1] = np.nan                                          # all NaN
    special[:, 2] = rng.uniform(-1, 1, 20)                          # ordinary
    special[:, 3] = 1e9 + 1e-7 * rng.standard_normal(20)            # near constant
    yield "special_f64", np.float64, 1, 1, special
    yield "no_mean_f64", np.float64, 0, 1, with_nan(rng, rng.normal(4.0, 2.0, (30, 5)), 0.05)
    yield "no_std_f32", np.float32, 1, 0, with_nan(
        rng, rng.normal(-3.0, 0.5, (20, 28)).astype(np.float32), 0.05)
    yield "neither_f64", np.float64, 0, 0, rng.normal(0.0, 1.0, (7, 3))
    yield "one_row_f64", np.float64, 1, 1, np.array([[0.1, -7.0, 3e5]])
    yield "one_col_f32", np.float32, 1, 1, with_nan(
        rng, rng.normal(10.0, 3.0, (65, 1)).astype(np.float32), 0.1)


def fmt(values):
    return " ".join("nan" if np.isnan(v) else repr(float(v)) for v in np.ravel(values))


def main():
    out = sys.stdout
    out.write(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN column: "Mean of empty slice"
        for name, dtype, with_mean, with_std, x in cases():
            x = x.astype(dtype)
            stats = StandardScaler().fit(x)
            s = StandardScaler(with_mean=bool(with_mean), with_std=bool(with_std)).fit(x)
            n_seen = np.broadcast_to(stats.n_samples_seen_, (x.shape[1],))
            kind = "float32" if dtype == np.float32 else "float64"
            out.write(f"case {name} {kind} {with_mean} {with_std} {x.shape[0]} {x.shape[1]}\n")
            out.write(f"X {fmt(x)}\n")
            out.write(f"mean {fmt(stats.mean_)}\n")
            out.write(f"var {fmt(stats.var_)}\n")
            out.write(f"scale {fmt(stats.scale_)}\n")
            out.write("n_seen " + " ".join(str(int(v)) for v in n_seen) + "\n")
            out.write(f"transform {fmt(s.transform(x))}\n")
            out.write(f"inverse {fmt(s.inverse_transform(x))}\n")
            out.write("end\n")


if __name__ == "__main__":
    main()
