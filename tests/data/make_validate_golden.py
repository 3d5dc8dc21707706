"""Golden values for tessera's validate::quality_report (tests/validate/test_quality.cpp).

Writes validate_quality_input.csv (a small frame with nulls, repeated values and
duplicate rows; empty field = null) and validate_quality_golden.txt with what
pandas/numpy say about it:
  column <name> null_count distinct mean std min q25 q50 q75 max outliers
  duplicates <count>
  dup_rows <row indices, pandas duplicated(keep='first')>
Quartiles: numpy 'linear' (pandas describe); std ddof=1; outliers: outside
[q1 - 1.5 IQR, q3 + 1.5 IQR] over non-null values.
Run: python3 tests/data/make_validate_golden.py (numpy, pandas).
"""
import os

import numpy as np
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261123)
n = 400
a = np.round(rng.normal(10.0, 3.0, n), 1)
a[rng.random(n) < 0.08] = np.nan
a[rng.choice(n, 6, replace=False)] = [60.0, -40.0, 55.5, 48.0, -25.0, 70.0]
b = rng.integers(0, 5, n).astype(float)
b[rng.random(n) < 0.1] = np.nan
c = rng.choice(["x", "y", "z"], n, p=[0.6, 0.3, 0.1]).astype(object)
c[rng.random(n) < 0.05] = None
d = np.exp(rng.normal(0.0, 1.0, n)) * 1e3
df = pd.DataFrame({"a": a, "b": b, "c": c, "d": d})
# Duplicate rows: copies of earlier rows at random later positions.
for src, dst in [(3, 50), (7, 120), (3, 300), (42, 399)]:
    df.iloc[dst] = df.iloc[src]
df.to_csv(os.path.join(here, "validate_quality_input.csv"), index=False, na_rep="", float_format="%.17g")

lines = []
back = pd.read_csv(os.path.join(here, "validate_quality_input.csv"))
for name in ["a", "b", "d"]:
    s = back[name]
    v = s.dropna().to_numpy()
    q1, q2, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    iqr = q3 - q1
    out = int(((v < q1 - 1.5 * iqr) | (v > q3 + 1.5 * iqr)).sum())
    vals = [s.isna().sum(), s.nunique(), v.mean(), v.std(ddof=1), v.min(), q1, q2, q3, v.max(), out]
    lines.append("column " + name + " " + " ".join(repr(float(x)) if isinstance(x, (float, np.floating)) else str(int(x)) for x in vals))
s = back["c"]
lines.append(f"column c {int(s.isna().sum())} {int(s.nunique())}")
dup = back.duplicated(keep="first")
lines.append(f"duplicates {int(dup.sum())}")
lines.append("dup_rows " + " ".join(str(i) for i in np.flatnonzero(dup.to_numpy())))
with open(os.path.join(here, "validate_quality_golden.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
