#!/usr/bin/env python3
"""Writes tests/data/pca_golden.txt: scikit-learn PCA attributes and transforms.

Every case is fitted with sklearn.decomposition.PCA(n_components, whiten,
svd_solver) on X. Data have a known, well-separated spectrum (X = Z diag(s) Q^T
+ offset, Z standard normal, Q orthogonal), so the components are well defined.
`nc` is the requested n_components: an integer, -1 for None (all), or a float
fraction. `solver` is the sklearn svd_solver used for the golden ('full' or
'covariance_eigh'; the randomized cases store sklearn's exact 'full' answer, which
a converged randomized SVD must reproduce).

Format, one record per case:
  case <name> <float32|float64> <n> <p> <nc> <whiten 0|1> <solver>
  X <n*p values>
  mean <p>  components <k*p>  ev <k>  ratio <k>  sv <k>  noise <1>  k <1>
  T <n*k values: transform(X)>     inv <n*p values: inverse_transform(T); not for randomized_*>
X is rounded to 3 decimals before fitting so the file stays small.
  end
Run: python3 tests/data/make_pca_golden.py > tests/data/pca_golden.txt
"""
import numpy as np
import sklearn
from sklearn.decomposition import PCA


def fmt(values):
    return " ".join(repr(float(v)) for v in np.ravel(values))


def spectral(rng, n, p, s, offset):
    z = rng.standard_normal((n, len(s)))
    q, _ = np.linalg.qr(rng.standard_normal((p, len(s))))
    return z @ np.diag(s) @ q.T + offset


def cases():
    rng = np.random.default_rng(42)
    s6 = np.array([9.0, 6.0, 4.0, 2.5, 1.5, 0.7])
    a = spectral(rng, 200, 6, s6, rng.normal(0, 5, 6))
    yield "tall_all", np.float64, a, -1, 0, "full"
    yield "tall_k3_whiten", np.float64, a, 3, 1, "full"
    yield "tall_frac", np.float64, a, 0.8, 0, "full"
    yield "tall_covariance_eigh", np.float64, a, 4, 0, "covariance_eigh"
    s12 = np.linspace(12.0, 1.0, 12)
    b = spectral(rng, 500, 12, s12, 100.0 + rng.normal(0, 1, 12))
    yield "offset_f64", np.float64, b, 5, 0, "full"
    yield "f32", np.float32, b.astype(np.float32), 4, 1, "full"
    s_w = np.array([20.0, 12.0, 7.0, 4.0, 2.0] + [0.5] * 10)
    c = spectral(rng, 30, 80, s_w, rng.normal(0, 1, 80))
    yield "wide", np.float64, c, 5, 0, "full"
    s_r = np.array([50.0, 30.0, 20.0, 12.0, 8.0] + list(0.05 * np.ones(30)))
    d = spectral(rng, 200, 40, s_r, rng.normal(0, 2, 40))
    yield "randomized_tall", np.float64, d, 5, 0, "full"
    e = spectral(rng, 40, 200, s_r, rng.normal(0, 2, 200))
    yield "randomized_wide", np.float64, e, 5, 1, "full"


def main():
    print(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    for name, dtype, X, nc, whiten, solver in cases():
        X = np.round(np.asarray(X, dtype=np.float64), 3).astype(dtype)  # short reprs
        pca = PCA(n_components=None if nc == -1 else nc, whiten=bool(whiten), svd_solver=solver)
        pca.fit(X)
        T = pca.transform(X)
        inv = pca.inverse_transform(T)
        n, p = X.shape
        print(f"case {name} {np.dtype(dtype).name} {n} {p} {nc} {whiten} {solver}")
        print("X", fmt(X))
        print("mean", fmt(pca.mean_))
        print("components", fmt(pca.components_))
        print("ev", fmt(pca.explained_variance_))
        print("ratio", fmt(pca.explained_variance_ratio_))
        print("sv", fmt(pca.singular_values_))
        print("noise", fmt([pca.noise_variance_]))
        print("k", pca.n_components_)
        print("T", fmt(T))
        if not name.startswith("randomized"):
            print("inv", fmt(inv))
        print("end")


if __name__ == "__main__":
    main()
