#!/usr/bin/env python3
"""Golden values for tessera::kernels::quantile / nanquantile (tests/kernels_hist).

Writes quantile_golden.txt next to this script with numpy.quantile /
numpy.nanquantile (method='linear', q passed as a float64 array, so float32
data gives float64 results with the neighbour difference rounded in float32).

Format, one case per block:
    case <name> <f32|f64> <quantile|nanquantile>
    x <n> <values...>
    q <m> <values...>
    r <m> <values...>
Numbers are Python's shortest round-trip reprs (nan, inf, -inf, -0.0 included),
so strtod / strtof read back the exact values.

Run: python3 tests/data/make_quantile_golden.py
"""
import pathlib
import warnings

import numpy as np

QS = [0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.99, 1.0, 1 / 3, 2 / 3, 0.123456789,
      0.999999999999, 1e-12, 0.05, 0.95]


def fmt(v, dtype):
    if dtype == np.float32:
        return str(np.float32(v))
    return repr(float(v))


def emit(out, name, x, func, qs=QS):
    dtype = x.dtype.type
    q = np.array(qs, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # inf - inf and all-NaN slices warn
        r = (np.nanquantile if func == "nanquantile" else np.quantile)(x, q)
    assert r.dtype == np.float64 or np.isnan(x).all()  # all-NaN keeps the input dtype
    tag = "f32" if dtype == np.float32 else "f64"
    out.append(f"case {name} {tag} {func}")
    out.append(f"x {len(x)} " + " ".join(fmt(v, dtype) for v in x))
    out.append(f"q {len(q)} " + " ".join(repr(float(v)) for v in q))
    out.append(f"r {len(r)} " + " ".join(repr(float(v)) for v in r))


def main():
    rng = np.random.default_rng(20240611)
    out = ["# numpy " + np.__version__ + " quantile/nanquantile, method='linear'"]
    for dt in (np.float64, np.float32):
        t = "f64" if dt == np.float64 else "f32"
        for n in (1, 2, 3, 4, 5, 10, 17, 101, 1000):
            emit(out, f"normal_{n}_{t}", rng.standard_normal(n).astype(dt), "quantile")
        emit(out, f"wide_{t}", (rng.standard_normal(257) * 1e6).astype(dt), "quantile")
        emit(out, f"ties_{t}", rng.integers(-3, 4, 200).astype(dt), "quantile")
        emit(out, f"constant_{t}", np.full(9, 0.1, dtype=dt), "quantile")
        emit(out, f"signed_zeros_{t}", np.array([0.0, -0.0, -0.0, 0.0, 1.0, -1.0], dtype=dt),
             "quantile")
        emit(out, f"only_neg_zero_{t}", np.array([-0.0], dtype=dt), "quantile")
        emit(out, f"infinities_{t}", np.array([1.0, np.inf, -np.inf, 2.0, np.inf], dtype=dt),
             "quantile")
        emit(out, f"tail_inf_{t}", np.array([1.0, np.inf], dtype=dt), "quantile")
        emit(out, f"tiny_{t}", np.array([1e-300, 5e-324, 2e-310, 0.0], dtype=np.float64).astype(dt),
             "quantile")
        with_nan = rng.standard_normal(50).astype(dt)
        with_nan[[3, 17, 40]] = np.nan
        emit(out, f"nan_propagates_{t}", with_nan, "quantile")
        emit(out, f"nan_skipped_{t}", with_nan, "nanquantile")
        emit(out, f"all_nan_{t}", np.full(4, np.nan, dtype=dt), "nanquantile")
        emit(out, f"no_nan_nanquantile_{t}", rng.standard_normal(33).astype(dt), "nanquantile")
        big = rng.standard_normal(2000).astype(dt)
        emit(out, f"many_q_{t}", big, "quantile", list(np.linspace(0.0, 1.0, 101)))
    path = pathlib.Path(__file__).with_name("quantile_golden.txt")
    path.write_text("\n".join(out) + "\n")
    print(f"wrote {path} ({len(out) - 1} lines)")


if __name__ == "__main__":
    main()
