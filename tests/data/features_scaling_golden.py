"""Golden values for tests/features_scaling (scikit-learn 1.9, numpy 2).

Writes features_scaling_golden.txt: one record per line,
    <case> <key> <n> <v1> ... <vn>
with repr() doubles ("nan" for NaN). Keys X_fit / X_new are the inputs
(row-major, shape in keys X_fit_shape / X_new_shape); every other key is a
fitted attribute or the output of transform(X_new) / inverse_transform(X_new).
Cases with suffix _f32 fit on the float32 copy of the data.
Run: python3 tests/data/features_scaling_golden.py (from the repository root).
"""
import os
import warnings

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261123)
rows, cols = 41, 7
X = rng.normal(3.0, 2.0, size=(rows, cols))
X[:, 1] = np.round(X[:, 1])            # ties: most_frequent, median on repeats
X[:, 2] = 5.0                          # constant feature -> zero range / scale
X[:, 3] = np.nan                       # all-NaN feature
X[:, 4] = -np.abs(X[:, 4]) * 1e3       # negative, large
X[:, 6] = np.round(rng.uniform(-3, 3, size=rows))
X[rng.uniform(size=(rows, cols)) < 0.15] = np.nan
X[:, 5][0] = X[:, 5][1]                # column 5: NaN-free below
X[:, 5] = np.where(np.isnan(X[:, 5]), 1.25, X[:, 5])
Xn = rng.normal(3.0, 3.0, size=(13, cols))
Xn[rng.uniform(size=Xn.shape) < 0.2] = np.nan
Xn[0, 5] = np.nan                      # NaN at transform where fit had none

out = []


def put(case, key, arr):
    a = np.asarray(arr, dtype=np.float64).ravel()
    out.append(" ".join([case, key, str(a.size)] + [repr(float(v)) for v in a]))


put("data", "X_fit_shape", X.shape)
put("data", "X_fit", X)
put("data", "X_new_shape", Xn.shape)
put("data", "X_new", Xn)

for dt, suffix in ((np.float64, ""), (np.float32, "_f32")):
    A, B = X.astype(dt), Xn.astype(dt)
    for name, est in (
        ("minmax", MinMaxScaler()),
        ("minmax_m1_2_clip", MinMaxScaler(feature_range=(-1, 2), clip=True)),
    ):
        f = est.fit(A)
        c = name + suffix
        put(c, "data_min", f.data_min_)
        put(c, "data_max", f.data_max_)
        put(c, "scale", f.scale_)
        put(c, "min", f.min_)
        put(c, "transform", f.transform(B))
        put(c, "inverse", f.inverse_transform(B))
    for name, est in (
        ("robust", RobustScaler()),
        ("robust_10_90_unit", RobustScaler(quantile_range=(10, 90), unit_variance=True)),
        ("robust_nocenter", RobustScaler(with_centering=False, quantile_range=(0, 33.3))),
    ):
        f = est.fit(A)
        c = name + suffix
        put(c, "center", f.center_ if f.center_ is not None else np.full(cols, np.nan))
        put(c, "scale", f.scale_)
        put(c, "transform", f.transform(B))
        put(c, "inverse", f.inverse_transform(B))
    f = MaxAbsScaler().fit(A)
    put("maxabs" + suffix, "max_abs", f.max_abs_)
    put("maxabs" + suffix, "scale", f.scale_)
    put("maxabs" + suffix, "transform", f.transform(B))
    put("maxabs" + suffix, "inverse", f.inverse_transform(B))
    for strategy in ("mean", "median", "most_frequent", "constant"):
        for ind in (False, True):
            for keep in (False, True):
                im = SimpleImputer(strategy=strategy, fill_value=7.5 if strategy == "constant" else None,
                                   add_indicator=ind, keep_empty_features=keep).fit(A)
                c = f"impute_{strategy}_{int(ind)}{int(keep)}{suffix}"
                put(c, "statistics", np.asarray(im.statistics_, dtype=np.float64))
                put(c, "transform", im.transform(B))
                put(c, "transform_shape", im.transform(B).shape)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "features_scaling_golden.txt"), "w") as fh:
    fh.write(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
             "written by features_scaling_golden.py\n")
    fh.write("\n".join(out) + "\n")
