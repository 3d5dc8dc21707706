"""Golden values for tests/features_encoding (run from this folder:
python3 make_encoding_golden.py). Writes onehot_golden.txt, ordinal_golden.txt,
target_golden.txt (scikit-learn), time_golden.txt (Python's datetime) and
window_golden.txt (pandas). Text format: whitespace-separated tokens, '~' is a
null / NaN, floats printed with repr (round-trip exact)."""
import datetime
import numpy as np
import pandas as pd
import sklearn
from sklearn.model_selection import PredefinedSplit
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, TargetEncoder

NULL = "~"


def tok(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return NULL
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


def labels(rng, n, cats, p_null):
    out = []
    for _ in range(n):
        out.append(None if rng.random() < p_null else cats[rng.integers(len(cats))])
    return out


def col(vals):
    return np.array([np.nan if v is None else v for v in vals], dtype=object).reshape(-1, 1)


def skname_to_ours(name):
    f, _, cat = name.partition("_")
    if cat in ("nan", "None"):
        cat = "null"
    if cat == "infrequent_sklearn":
        cat = "infrequent"
    return f + "=" + cat


def onehot(out):
    rng = np.random.default_rng(1)
    # Skewed frequencies so min_frequency / max_categories bite; ties included.
    cats = ["a", "b", "b", "c", "c", "c", "d", "d", "d", "d", "e", "f", "g", "g"]
    fit = labels(rng, 60, cats, 0.1)
    test = labels(rng, 25, cats + ["zz", "yy"], 0.15)
    known = set(fit)
    cases = [
        ("plain", "error", 0, 0, "none"),
        ("ignore", "ignore", 0, 0, "none"),
        ("minfreq5", "infrequent_if_exist", 5, 0, "none"),
        ("minfreq_frac", "infrequent_if_exist", 0.1, 0, "none"),
        ("maxcat3", "infrequent_if_exist", 0, 3, "none"),
        ("maxcat1", "infrequent_if_exist", 0, 1, "none"),
        ("both", "infrequent_if_exist", 4, 4, "none"),
        ("drop_first", "ignore", 0, 0, "first"),
        ("drop_first_infreq", "infrequent_if_exist", 7, 0, "first"),
        ("ignore_infreq", "ignore", 5, 0, "none"),
    ]
    for name, hu, mf, mc, drop in cases:
        enc = OneHotEncoder(handle_unknown=hu, min_frequency=mf or None,
                            max_categories=mc or None,
                            drop=None if drop == "none" else drop, sparse_output=False,
                            feature_name_combiner=lambda f, c: f + "_" + str(c))
        enc.fit(col(fit))
        x = test if hu != "error" else [v for v in test if v in known]
        y = enc.transform(col(x))
        names = [skname_to_ours(s) for s in enc.get_feature_names_out(["f"])]
        out.write(f"case {name} {hu} {mf} {mc} {drop}\n")
        out.write(f"fit {len(fit)} " + " ".join(tok(v) for v in fit) + "\n")
        out.write(f"transform {len(x)} " + " ".join(tok(v) for v in x) + "\n")
        out.write(f"names {len(names)} " + " ".join(names) + "\n")
        out.write("values " + " ".join(tok(float(v)) for v in y.ravel()) + "\n")
    # binary feature, drop if_binary
    fit2 = labels(rng, 20, ["p", "q"], 0.0)
    enc = OneHotEncoder(drop="if_binary", sparse_output=False).fit(col(fit2))
    y = enc.transform(col(fit2))
    names = [skname_to_ours(s) for s in enc.get_feature_names_out(["f"])]
    out.write("case if_binary error 0 0 if_binary\n")
    out.write(f"fit {len(fit2)} " + " ".join(fit2) + "\n")
    out.write(f"transform {len(fit2)} " + " ".join(fit2) + "\n")
    out.write(f"names {len(names)} " + " ".join(names) + "\n")
    out.write("values " + " ".join(tok(float(v)) for v in y.ravel()) + "\n")


def ordinal(out):
    rng = np.random.default_rng(2)
    fit = labels(rng, 40, ["kiwi", "apple", "Banana", "cherry", "apple10", "apple2"], 0.1)
    test = labels(rng, 20, ["kiwi", "apple", "Banana", "cherry", "mango"], 0.1)
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(col(fit))
    y = enc.transform(col(test))
    cats = [c for c in enc.categories_[0] if not (isinstance(c, float) and np.isnan(c))]
    out.write(f"fit {len(fit)} " + " ".join(tok(v) for v in fit) + "\n")
    out.write(f"categories {len(cats)} " + " ".join(cats) + "\n")
    out.write(f"transform {len(test)} " + " ".join(tok(v) for v in test) + "\n")
    out.write("values " + " ".join(tok(float(v)) for v in y.ravel()) + "\n")


def target(out):
    rng = np.random.default_rng(3)
    n = 50
    cats = ["u", "v", "v", "w", "w", "w", "x", "y", "z", "z"]
    a = labels(rng, n, cats, 0.1)
    b = labels(rng, n, ["m", "n", "o"], 0.0)
    test_a = labels(rng, 12, cats + ["new"], 0.1)
    test_b = labels(rng, 12, ["m", "n", "o"], 0.0)
    folds = rng.integers(0, 4, n)
    folds[:4] = [0, 1, 2, 3]  # every fold non-empty
    y_bin = (rng.random(n) < 0.4).astype(np.int64)
    y_cont = rng.normal(3.0, 2.0, n)
    X = np.hstack([col(a), col(b)])
    Xt = np.hstack([col(test_a), col(test_b)])
    out.write(f"a {n} " + " ".join(tok(v) for v in a) + "\n")
    out.write(f"b {n} " + " ".join(tok(v) for v in b) + "\n")
    out.write(f"test_a {len(test_a)} " + " ".join(tok(v) for v in test_a) + "\n")
    out.write(f"test_b {len(test_b)} " + " ".join(tok(v) for v in test_b) + "\n")
    out.write(f"folds {n} " + " ".join(str(v) for v in folds) + "\n")
    out.write(f"y_binary {n} " + " ".join(str(v) for v in y_bin) + "\n")
    out.write(f"y_continuous {n} " + " ".join(tok(v) for v in y_cont) + "\n")
    for kind, y in (("binary", y_bin), ("continuous", y_cont)):
        for smooth in ("auto", 2.0, 0.0):
            enc = TargetEncoder(target_type=kind, smooth=smooth, cv=PredefinedSplit(folds))
            oof = enc.fit_transform(X, y)
            full = enc.transform(Xt)
            out.write(f"case {kind} {smooth} {tok(float(enc.target_mean_))}\n")
            out.write("oof " + " ".join(tok(float(v)) for v in oof.ravel()) + "\n")
            out.write("transform " + " ".join(tok(float(v)) for v in full.ravel()) + "\n")


def time_golden(out):
    rng = np.random.default_rng(4)
    day = 86400 * 10**9
    # Edges: the epoch, one ns either side, leap days, century years, the
    # int64 range's first and last whole days (1677-09-22, 2262-04-11).
    stamps = [0, -1, 1, -day, -day - 1, 951782400 * 10**9, 951868800 * 10**9 - 1,
              -2208988800 * 10**9, -2077660800 * 10**9, -2203891200 * 10**9,
              -8514316800 * 10**9, 4133894400 * 10**9, 1735646400 * 10**9,
              -9223286400 * 10**9, 9223286400 * 10**9, 68169600 * 10**9 - 1]
    assert all(-(2**63) < v < 2**63 for v in stamps)
    stamps += [int(v) for v in rng.integers(-(2**62), 2**62, 200)]
    stamps += [int(v) for v in rng.integers(-3 * 10**18, 3 * 10**18, 200)]
    epoch = datetime.date(1970, 1, 1)
    for offset in (0, 330, -480, 1440, -1440):
        out.write(f"offset {offset} {len(stamps)}\n")
        for ns in stamps:
            days, rem = divmod(ns + offset * 60 * 10**9, day)
            d = epoch + datetime.timedelta(days=days) if -719162 <= days <= 2932896 else None
            hour = rem // (3600 * 10**9)
            if d is None:  # outside datetime's years 1..9999: skip
                continue
            out.write(f"{ns} {hour} {d.weekday()} {d.month} {d.day} "
                      f"{d.timetuple().tm_yday}\n")
        out.write("end\n")


def window(out):
    rng = np.random.default_rng(5)
    n = 120
    g = rng.choice(["s1", "s2", "s3", "s4"], n).astype(object)
    g[rng.random(n) < 0.05] = None
    t = rng.permutation(n) * 1000  # distinct times, shuffled rows
    v = rng.normal(10.0, 3.0, n)
    v[rng.random(n) < 0.1] = np.nan
    df = pd.DataFrame({"g": g, "t": t, "v": v})
    out.write(f"g {n} " + " ".join(tok(x) for x in g) + "\n")
    out.write(f"t {n} " + " ".join(str(x) for x in t) + "\n")
    out.write(f"v {n} " + " ".join(tok(x) for x in v) + "\n")
    s = df.sort_values("t", kind="stable")
    grp = s.groupby("g", sort=False)["v"]
    for k in (1, 3):
        r = grp.shift(k).reindex(df.index)
        out.write(f"lag {k} " + " ".join(tok(x) for x in r) + "\n")
    for w, mp in ((3, 0), (4, 2), (1, 0)):
        shifted = grp.shift(1)
        for stat in ("mean", "std", "min", "max"):
            roll = shifted.groupby(s["g"], sort=False).rolling(w, min_periods=mp or None)
            r = getattr(roll, stat)().reset_index(level=0, drop=True).reindex(df.index)
            out.write(f"roll {w} {mp} {stat} " + " ".join(tok(x) for x in r) + "\n")


with open("onehot_golden.txt", "w") as f:
    f.write(f"# scikit-learn {sklearn.__version__}\n")
    onehot(f)
with open("ordinal_golden.txt", "w") as f:
    f.write(f"# scikit-learn {sklearn.__version__}\n")
    ordinal(f)
with open("target_golden.txt", "w") as f:
    f.write(f"# scikit-learn {sklearn.__version__}\n")
    target(f)
with open("time_golden.txt", "w") as f:
    f.write("# Python datetime\n")
    time_golden(f)
with open("window_golden.txt", "w") as f:
    f.write(f"# pandas {pd.__version__}\n")
    window(f)
