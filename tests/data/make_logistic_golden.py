#!/usr/bin/env python3
"""Golden coefficients for tessera's logistic_regression tests (tests/learners).

Each dataset is drawn from a seeded numpy generator, rounded to 4 decimals (so
the text file holds the exact data both sides fit), and fitted with
scikit-learn's LogisticRegression(C=..., tol=1e-10, max_iter=10000,
solver='lbfgs') (the L2 penalty is the default; `penalty='l2'` is deprecated
since 1.8). As a check that the golden values are converged far below the
1e-5 test tolerance, every fit is repeated with solver='newton-cholesky' and
the two must agree to 1e-6 relative (scipy stops
L-BFGS-B on its ftol = 64 eps before |g| <= 1e-10, which leaves up to ~1e-7).

Run:  python3 tests/data/make_logistic_golden.py   (writes tests/data/logistic_golden_*.txt)
"""
import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

OUT = os.path.dirname(os.path.abspath(__file__))


def make(seed, n, d, K, corr=0.0, imbalance=None, scale=1.0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    if corr:
        A = np.full((d, d), corr) + (1 - corr) * np.eye(d)
        Z = Z @ np.linalg.cholesky(A).T
    X = np.round(Z * scale + rng.normal(0, 0.5, d), 4)
    W = rng.standard_normal((K if K > 2 else 1, d))
    logits = X @ W.T
    if K == 2:
        shift = 0.0 if imbalance is None else np.quantile(logits[:, 0], 1 - imbalance)
        p = 1 / (1 + np.exp(-(logits[:, 0] - shift)))
        y = (rng.random(n) < p).astype(np.int32)
    else:
        P = np.exp(logits - logits.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        y = np.array([rng.choice(K, p=row) for row in P], dtype=np.int32)
    assert len(np.unique(y)) == K
    return X, y


CASES = [
    # name, seed, n, d, K, C, fit_intercept, kwargs for make, class_weight, sample weights
    ("well", 1, 200, 5, 2, 1.0, True, {}, None, False),
    ("correlated", 2, 200, 6, 2, 1.0, True, {"corr": 0.9}, None, False),
    ("imbalanced", 3, 300, 4, 2, 1.0, True, {"imbalance": 0.08}, None, False),
    ("c001", 4, 200, 5, 2, 0.01, True, {}, None, False),
    ("c100", 5, 200, 5, 2, 100.0, True, {"scale": 0.3}, None, False),
    ("nointercept", 6, 200, 5, 2, 1.0, False, {}, None, False),
    ("balanced", 7, 300, 4, 2, 1.0, True, {"imbalance": 0.1}, "balanced", False),
    ("sampleweight", 8, 200, 5, 2, 1.0, True, {}, None, True),
    ("multi3", 9, 300, 4, 3, 1.0, True, {}, None, False),
    ("multi4_c10_noint", 10, 300, 5, 4, 10.0, False, {}, None, False),
    ("multi3_c001", 11, 200, 3, 3, 0.01, True, {}, None, False),
]


def fit(X, y, C, fi, cw, sw, solver, tol):
    m = LogisticRegression(C=C, fit_intercept=fi, class_weight=cw, tol=tol,
                           max_iter=10000, solver=solver)
    m.fit(X, y, sample_weight=sw)
    b = m.intercept_ if fi else np.zeros(m.coef_.shape[0])
    return m.coef_, np.atleast_1d(b), m.n_iter_


def main():
    worst = 0.0
    for name, seed, n, d, K, C, fi, kw, cw, use_sw in CASES:
        X, y = make(seed, n, d, K, **kw)
        sw = np.round(np.random.default_rng(seed + 100).uniform(0.2, 3.0, n), 3) if use_sw else None
        coef, b, it = fit(X, y, C, fi, cw, sw, "lbfgs", 1e-10)
        coef2, b2, _ = fit(X, y, C, fi, cw, sw, "newton-cholesky", 1e-12)
        a, a2 = np.concatenate([coef.ravel(), b]), np.concatenate([coef2.ravel(), b2])
        rel = np.max(np.abs(a - a2)) / np.max(np.abs(a2))
        worst = max(worst, rel)
        print(f"{name}: n_iter {int(np.max(it))}, lbfgs vs newton-cholesky max rel diff {rel:.2e}")
        if rel > 1e-6:
            sys.exit(f"{name}: golden values not converged (rel diff {rel:.2e})")
        with open(os.path.join(OUT, f"logistic_golden_{name}.txt"), "w") as f:
            f.write(f"# tests/data/make_logistic_golden.py, scikit-learn {sklearn.__version__}\n")
            f.write(f"C {C!r}\nfit_intercept {int(fi)}\nclass_weight {cw or 'none'}\n")
            f.write(f"sample_weight {int(use_sw)}\nshape {n} {d} {K}\n")
            for row in X:
                f.write(" ".join(f"{v:.4f}" for v in row) + "\n")
            f.write(" ".join(str(v) for v in y) + "\n")
            if use_sw:
                f.write(" ".join(f"{v:.3f}" for v in sw) + "\n")
            for row in coef:
                f.write(" ".join(repr(float(v)) for v in row) + "\n")
            f.write(" ".join(repr(float(v)) for v in b) + "\n")
    print(f"worst lbfgs vs newton-cholesky: {worst:.2e}")


if __name__ == "__main__":
    main()
