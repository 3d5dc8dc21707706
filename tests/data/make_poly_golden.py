#!/usr/bin/env python3
"""Writes tests/data/poly_golden.txt: scikit-learn PolynomialFeatures on dense input.

Format, one record per case:
  case <name> <float32|float64> <rows> <cols> <degree> <interaction_only 0|1> <include_bias 0|1>
  X <rows*cols values>
  out <rows*n_output values: PolynomialFeatures(...).fit_transform(X)>
  powers <n_output*cols integers: powers_>
  end
Values are repr() of float64 (float32 values are exact in float64), so the test
can compare bitwise. sklearn rejects NaN, so X has none (tessera propagates NaN;
the test checks that by hand).
Run: python3 tests/data/make_poly_golden.py > tests/data/poly_golden.txt
"""
import numpy as np
import sklearn
from sklearn.preprocessing import PolynomialFeatures


def fmt(values):
    return " ".join("nan" if np.isnan(v) else repr(float(v)) for v in np.ravel(values))


def main():
    print(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    rng = np.random.default_rng(3)
    a = rng.normal(0, 3, (9, 4))
    b = rng.uniform(-2, 2, (7, 5)).astype(np.float32)
    c = rng.normal(1, 1, (5, 1))
    cases = [("d2", a, 2, 0, 1), ("d2_inter_nobias", a, 2, 1, 0), ("d3", a, 3, 0, 1),
             ("d3_inter", a, 3, 1, 1), ("f32_d2", b, 2, 0, 0), ("f32_d3_inter", b, 3, 1, 0),
             ("one_col_d3", c, 3, 0, 1), ("d1", a, 1, 0, 1), ("d0", a, 0, 0, 1),
             ("inter_exhausts", a[:, :2], 4, 1, 1)]
    for name, X, degree, inter, bias in cases:
        pf = PolynomialFeatures(degree=degree, interaction_only=bool(inter), include_bias=bool(bias))
        out = pf.fit_transform(X)
        assert out.dtype == X.dtype
        print(f"case {name} {X.dtype.name} {X.shape[0]} {X.shape[1]} {degree} {inter} {bias}")
        print("X", fmt(X))
        print("out", fmt(out))
        print("powers", " ".join(str(v) for v in np.ravel(pf.powers_)))
        print("end")


if __name__ == "__main__":
    main()
