#!/usr/bin/env python3
"""Golden values for tessera's batch drift tests (tests/drift_batch).

Writes tests/data/drift_golden.txt: one case per line,

    <test> <variant> <param> <ref: seed n range offset shape> <cur: same> <expected...>

Samples are not stored: both sides regenerate them from the five integers with
splitmix64 (`sample` below, `golden_sample` in tests/drift_batch), and every
value is an exact double, so C++ and Python test the very same numbers.
  shape 0: (u % range + offset) / 256            uniform on a grid (ties when range is small)
  shape 1: (u % range + u' % range + offset) / 256   triangular
  shape 2: min(u % range, u' % range) + offset   skewed integer codes (categorical)
  shape 3: 1 if u % 1000 < range else 0          binary with P(1) = range / 1000

Expected values come from scipy (ks_2samp, wasserstein_distance, chisquare,
chi2_contingency, jensenshannon, norm), numpy (quantile 'linear', histogram
'sturges') and Evidently's formulas as written in
/work/shared/reference/semantics.md section 2 (Evidently is not installed).

Run: python3 tests/data/drift_golden.py   (scipy >= 1.10, numpy >= 1.24)
"""
import math
import os
import sys
import warnings

import numpy as np
from scipy import stats
from scipy.spatial import distance

MASK = (1 << 64) - 1


def splitmix(seed):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def sample(seed, n, rng, off, shape):
    g = splitmix(seed)
    out = np.empty(n)
    for k in range(n):
        if shape == 0:
            out[k] = (next(g) % rng + off) / 256.0
        elif shape == 1:
            out[k] = (next(g) % rng + next(g) % rng + off) / 256.0
        elif shape == 2:
            out[k] = min(next(g) % rng, next(g) % rng) + off
        else:
            out[k] = 1.0 if next(g) % 1000 < rng else 0.0
    return out


def fmt(v):
    return repr(float(v))


# ---- reference implementations of tessera's documented semantics ----------------

def quantile_edges(ref, n_bins):
    # sklearn KBinsDiscretizer(strategy='quantile'), numpy 'linear', 1e-8 merge
    q = np.linspace(0, 100, n_bins + 1)
    e = np.percentile(ref, q, method="linear")
    keep = np.ediff1d(e, to_begin=np.inf) > 1e-8
    e = e[keep]
    if ref.min() == ref.max():  # tessera: {v, v}, so any shift reaches an overflow bin
        return np.array([ref.min(), ref.max()])
    if len(e) < 2:
        return np.array([-np.inf, np.inf])
    return e


def frozen_proportions(ref, cur, n_bins):
    """Quantile bins of the reference plus 'below' and 'above' overflow bins."""
    e = quantile_edges(ref, n_bins)
    def props(x):
        c = np.zeros(len(e) + 1)
        for v in x:
            if v < e[0]:
                c[0] += 1
            elif v > e[-1]:
                c[-1] += 1
            else:
                c[1 + np.searchsorted(e[1:-1], v, side="right")] += 1
        return c / len(x)
    return props(ref), props(cur)


def categorical_proportions(ref, cur):
    """Reference categories (sorted) plus one bin for categories unseen in it."""
    cats = np.unique(ref)
    def props(x):
        c = np.zeros(len(cats) + 1)
        for v in x:
            i = np.searchsorted(cats, v)
            if i < len(cats) and cats[i] == v:
                c[i] += 1
            else:
                c[-1] += 1
        return c / len(x)
    return props(ref), props(cur)


def evidently_binned(ref, cur, fill):
    # Evidently get_binned_data (utils.py), numerical feature
    if len(np.unique(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = np.unique(np.concatenate([ref, cur]))
        rp = np.array([np.sum(ref == k) for k in keys]) / len(ref)
        cp = np.array([np.sum(cur == k) for k in keys]) / len(cur)
    if fill:
        for p in (rp, cp):
            m = p[p != 0].min()
            p[p == 0] = m / 10**6 if m <= 0.0001 else 0.0001
    return rp, cp


def psi_value(rp, cp):
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def psi_tessera(rp, cp, eps=1e-4):
    return psi_value(np.maximum(rp, eps), np.maximum(cp, eps))


def main():
    out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift_golden.txt")
    rng = np.random.default_rng(20261123)
    lines = []

    def spec():
        return None

    def add(test, variant, param, a, b, *expected):
        lines.append(" ".join([test, variant, str(param)] + [str(v) for v in a] + [str(v) for v in b] +
                              [fmt(e) if not isinstance(e, str) else e for e in expected]))

    def rand_spec(n, shape, rng_lo=2, rng_hi=5000, off_hi=300):
        return (int(rng.integers(1, 2**62)), int(n), int(rng.integers(rng_lo, rng_hi)),
                int(rng.integers(0, off_hi)), shape)

    # ---- KS -----------------------------------------------------------------------
    ks_specs = []
    for _ in range(60):  # small: exact, equal and unequal sizes, ties
        n1, n2 = int(rng.integers(1, 70)), int(rng.integers(1, 70))
        if rng.random() < 0.3:
            n2 = n1
        ks_specs.append((rand_spec(n1, 0, 2, 60, 20), rand_spec(n2, int(rng.integers(0, 2)), 2, 60, 20), "auto"))
    for _ in range(30):  # medium exact (inside method, count paths, square)
        n1, n2 = int(rng.integers(50, 1500)), int(rng.integers(50, 1500))
        if rng.random() < 0.3:
            n2 = n1
        ks_specs.append((rand_spec(n1, 0), rand_spec(n2, 1), "auto"))
    for _ in range(8):  # large equal or unequal, exact two-sided up to 10000
        n1, n2 = int(rng.integers(3000, 10001)), int(rng.integers(3000, 10001))
        ks_specs.append((rand_spec(n1, 0, 100, 100000), rand_spec(n2, 1, 100, 100000), "auto"))
    for _ in range(16):  # asymptotic: kstwo over its algorithm regions, one-sided Hodges
        n1 = int(rng.integers(10001, 25000))
        n2 = int(rng.choice([3, 20, 60, 140, 150, 900, 5000, 15000]))
        ks_specs.append((rand_spec(n1, 0, 1000, 200000, 300), rand_spec(n2, 1, 500, 100000, 3000), "auto"))
    for _ in range(16):  # explicit methods on moderate sizes
        n1, n2 = int(rng.integers(5, 400)), int(rng.integers(5, 400))
        m = str(rng.choice(["exact", "asymp"]))
        ks_specs.append((rand_spec(n1, 0, 2, 3000, 50), rand_spec(n2, 1, 2, 3000, 50), m))
    for i, (a, b, method) in enumerate(ks_specs):
        if i % 3 != 0:  # mostly near-identical distributions: p-values spread over (0, 1)
            b = (b[0], b[1], a[2], a[3] + int(rng.integers(0, 1 + a[2] // 50)), a[4])
        x, y = sample(*a), sample(*b)
        for alt in ("two-sided", "less", "greater"):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                r = stats.ks_2samp(x, y, alternative=alt, method=method)
            used = method
            if used == "auto":
                used = "exact" if max(len(x), len(y)) <= 10000 else "asymp"
            if any("Switching to" in str(m.message) for m in w):
                used = "asymp"
            add("ks", alt, method, a, b, r.statistic, r.pvalue, used)

    # ---- kstwo.sf over every branch of Simard-L'Ecuyer's selection -----------------
    for n in (1, 2, 5, 20, 100, 140, 141, 500, 5000, 100000, 100001, 500000, 2000000):
        xs = {0.4 / n, 0.75 / n, 1.0 / n, 1.5 / n, (n - 1.0) / n, 0.5, 0.7, 0.99}
        for c in (0.3, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0):  # n x^2 = c^2
            xs.add(c / math.sqrt(n))
        for c in (0.5, 1.0, 1.39):  # n x^1.5 below and around 1.4
            xs.add((c / n) ** (2.0 / 3.0))
        for x in sorted(v for v in xs if 0 < v < 1):
            lines.append("kstwo sf 0 %d %s %s" % (n, fmt(x), fmt(stats.kstwo.sf(x, n))))

    # ---- Wasserstein --------------------------------------------------------------
    for _ in range(40):
        n1, n2 = int(rng.integers(1, 3000)), int(rng.integers(1, 3000))
        a, b = rand_spec(n1, int(rng.integers(0, 2)), 1, 3000), rand_spec(n2, int(rng.integers(0, 2)), 1, 3000)
        x, y = sample(*a), sample(*b)
        w = stats.wasserstein_distance(x, y)
        add("wasserstein", "raw", 0, a, b, w)
        add("wasserstein", "normed", 0, a, b, w / max(np.std(x), 0.001))

    # ---- PSI and Jensen-Shannon ---------------------------------------------------
    for _ in range(40):
        n1, n2 = int(rng.integers(2, 3000)), int(rng.integers(1, 3000))
        a, b = rand_spec(n1, int(rng.integers(0, 2)), 2, 3000), rand_spec(n2, int(rng.integers(0, 2)), 2, 3000)
        x, y = sample(*a), sample(*b)
        nb = int(rng.choice([2, 5, 10, 20]))
        rp, cp = frozen_proportions(x, y, nb)
        add("psi", "quantile", nb, a, b, psi_tessera(rp, cp))
        add("js", "quantile", nb, a, b, distance.jensenshannon(rp, cp, base=2))
        rp, cp = evidently_binned(x, y, True)
        add("psi", "evidently", 0, a, b, psi_value(rp, cp))
        rp, cp = evidently_binned(x, y, False)
        add("js", "evidently", 0, a, b, distance.jensenshannon(rp, cp, base=2))
    for _ in range(20):  # categorical codes
        k = int(rng.integers(2, 12))
        a = rand_spec(int(rng.integers(1, 2000)), 2, k, k + 1, 3)
        b = rand_spec(int(rng.integers(1, 2000)), 2, k, k + 1, 3)
        x, y = sample(*a), sample(*b)
        rp, cp = categorical_proportions(x, y)
        add("psi", "categorical", 0, a, b, psi_tessera(rp, cp))
        add("js", "categorical", 0, a, b, distance.jensenshannon(rp, cp, base=2))

    # ---- chi-squared --------------------------------------------------------------
    for _ in range(40):
        k1, k2 = int(rng.integers(2, 10)), int(rng.integers(2, 10))
        a = (int(rng.integers(1, 2**62)), int(rng.integers(5, 3000)), k1, int(rng.integers(0, 2)), 2)
        b = (int(rng.integers(1, 2**62)), int(rng.integers(5, 3000)), k2, int(rng.integers(0, 2)), 2)
        if rng.random() < 0.6:  # mostly the same distribution: p-values away from 0
            b = (b[0], b[1], k1, a[3], 2)
        x, y = sample(*a), sample(*b)
        keys = np.unique(np.concatenate([x, y]))
        rc = np.array([np.sum(x == v) for v in keys], dtype=float)
        cc = np.array([np.sum(y == v) for v in keys], dtype=float)
        r = stats.chi2_contingency(np.vstack([rc, cc]))
        add("chi2", "contingency", 0, a, b, r.statistic, r.pvalue)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = stats.chisquare(cc, rc * len(y) / len(x))
        add("chi2", "goodness_of_fit", 0, a, b, g.statistic, g.pvalue)

    # ---- Z-test for two proportions ----------------------------------------------
    for _ in range(30):
        a = (int(rng.integers(1, 2**62)), int(rng.integers(1, 3000)), int(rng.integers(0, 1001)), 0, 3)
        b = (int(rng.integers(1, 2**62)), int(rng.integers(1, 3000)), int(rng.integers(0, 1001)), 0, 3)
        x, y = sample(*a), sample(*b)
        n1, n2 = len(x), len(y)
        p1, p2 = x.mean(), y.mean()
        P = (p1 * n1 + p2 * n2) / (n1 + n2)
        if P == 0 or P == 1:
            z, p = 0.0, 1.0
        else:
            z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
            p = 2 * stats.norm.sf(abs(z))
        add("z", "two-sided", 0, a, b, z, p)

    with open(out_path, "w") as f:
        f.write("# generated by tests/data/drift_golden.py (scipy %s, numpy %s); do not edit\n"
                % (__import__("scipy").__version__, np.__version__))
        f.write("\n".join(lines) + "\n")
    print("wrote", len(lines), "cases to", out_path)


if __name__ == "__main__":
    sys.exit(main())
