"""pandas peer for bench/validate/bench_validate.cpp (quality_report_*/1000000).

Builds the same kind of frame (1,000,000 rows: a, b float64 with 5% NaN, k int64
in [0, 1000), c categorical of 50 labels, flag bool, few float64 with 100
distinct values) and times the same profile in pandas: null counts, nunique,
top value (value_counts), describe() of the numeric columns, IQR outlier
counts (numpy linear quartiles) and duplicated(). Prints the median of 5 runs.
Run: python3 bench/compare/validate_pandas.py
"""
import time

import numpy as np
import pandas as pd

n = 1_000_000
rng = np.random.default_rng(42)
a = rng.normal(size=n)
a[rng.random(n) < 0.05] = np.nan
b = 100 * rng.random(n)
b[rng.random(n) < 0.05] = np.nan
df = pd.DataFrame({
    "a": a, "b": b, "k": rng.integers(0, 1000, n),
    "c": pd.Categorical.from_codes(rng.integers(0, 50, n), [f"label_{i}" for i in range(50)]),
    "flag": rng.random(n) < 0.3, "few": rng.integers(0, 100, n).astype(float),
})


def profile(df):
    out = {}
    for name in df.columns:
        s = df[name]
        vc = s.value_counts(dropna=True)
        out[name] = (int(s.isna().sum()), int(s.nunique()), vc.index[0] if len(vc) else None)
    num = df[["a", "b", "k", "few"]]
    desc = num.describe()
    for name in num.columns:
        v = num[name].dropna().to_numpy()
        q1, q3 = np.quantile(v, [0.25, 0.75])
        iqr = q3 - q1
        out[name + "_outliers"] = int(((v < q1 - 1.5 * iqr) | (v > q3 + 1.5 * iqr)).sum())
    out["dups"] = int(df.duplicated().sum())
    return out, desc


times = []
for _ in range(5):
    t0 = time.perf_counter()
    profile(df)
    times.append(time.perf_counter() - t0)
print(f"pandas {pd.__version__} profile of {n} x {df.shape[1]}: median {1e3 * sorted(times)[2]:.0f} ms")
