"""Golden values for tests/drift_monitor/test_monitor.cpp, from scipy and the
Evidently formulas (reference/semantics.md section 2) on deterministic data
that the C++ test rebuilds with the same expressions.

Run: python3 tests/drift_monitor/monitor_golden.py   (prints the constants)
"""
import math
import numpy as np
from scipy import stats
from scipy.spatial import distance


def shares(ref, cur, keys):
    r = np.array([ref.count(k) for k in keys], float) / len(ref)
    c = np.array([cur.count(k) for k in keys], float) / len(cur)
    return r, c


def psi(r, c):
    # slots empty on both sides carry nothing and are dropped (tessera's rule)
    keep = (r != 0) | (c != 0)
    r, c = r[keep].copy(), c[keep].copy()
    for a in (r, c):
        m = a[a != 0].min()
        a[a == 0] = m / 1e6 if m <= 1e-4 else 1e-4
    return float(np.sum((r - c) * np.log(r / c)))


def chi(ref, cur, keys):
    f_obs = np.array([cur.count(k) for k in keys], float)
    f_exp = np.array([ref.count(k) for k in keys], float) * len(cur) / len(ref)
    return stats.chisquare(f_obs, f_exp)


def z(ref, cur, key):
    n1, n2 = len(ref), len(cur)
    p1 = sum(1 for v in ref if v == key) / n1
    p2 = sum(1 for v in cur if v == key) / n2
    P = (p1 * n1 + p2 * n2) / (n1 + n2)
    zz = (p1 - p2) / math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2))
    return zz, 2 * (1 - stats.norm.cdf(abs(zz)))


def out(name, v):
    print(f"constexpr double {name} = {float(v)!r};")


# categorical, small: a b c d
cat_ref = ["a"] * 120 + ["b"] * 90 + ["c"] * 60 + ["d"] * 30
cat_cur = ["a"] * 80 + ["b"] * 100 + ["c"] * 70 + ["d"] * 50
keys = ["a", "b", "c", "d"]
s = chi(cat_ref, cat_cur, keys)
out("chi_stat", s.statistic); out("chi_p", s.pvalue)
r, c = shares(cat_ref, cat_cur, keys)
out("cat_js", float(distance.jensenshannon(r, c, base=2)))
out("cat_psi", psi(r, c))
# with an unseen category e (JS over the union)
cat_cur_e = cat_cur + ["e"] * 10
r, c = shares(cat_ref, cat_cur_e, keys + ["e"])
out("cat_js_unseen", float(distance.jensenshannon(r, c, base=2)))
out("cat_psi_unseen", psi(r, c))
# binary
b_ref = [True] * 70 + [False] * 130
b_cur = [True] * 95 + [False] * 105
zz, p = z(b_ref, b_cur, False)
out("z_stat_abs", abs(zz)); out("z_p", p)
# numerical, small (KS)
num_ref = [math.sin(i) * 3 + i % 7 for i in range(400)]
num_cur = [math.cos(i) * 3 + i % 5 + 0.5 for i in range(300)]
k = stats.ks_2samp(num_ref, num_cur)
out("ks_stat", k.statistic); out("ks_p", k.pvalue)
# numerical, large (Wasserstein normed)
big_ref = [math.sin(i * 0.37) * 2 + (i % 11) * 0.1 for i in range(3000)]
big_cur = [math.sin(i * 0.41) * 2 + (i % 11) * 0.1 + 0.3 for i in range(2500)]
out("w_normed", stats.wasserstein_distance(big_ref, big_cur) / max(np.std(big_ref), 0.001))
# numerical, large, few values: JS over the union of values {0..4}
few_ref = [float(i % 4) for i in range(3000)]
few_cur = [float((i * 3) % 5) for i in range(2000)]
r, c = shares(few_ref, few_cur, [0.0, 1.0, 2.0, 3.0, 4.0])
out("few_js", float(distance.jensenshannon(r, c, base=2)))
# numerical, large, many values, PSI and JS over the reference's Sturges bins
edges = np.histogram_bin_edges(big_ref, bins="sturges")
rc = np.histogram(big_ref, edges)[0].astype(float)
cur = np.array(big_cur)
inner = np.histogram(cur[(cur >= edges[0]) & (cur <= edges[-1])], edges)[0].astype(float)
cc = np.concatenate([[np.sum(cur < edges[0])], inner, [np.sum(cur > edges[-1])]])
rc = np.concatenate([[0.0], rc, [0.0]])
out("big_psi_frozen", psi(rc / rc.sum(), cc / cc.sum()))
out("big_js_frozen", float(distance.jensenshannon(rc / rc.sum(), cc / cc.sum(), base=2)))
