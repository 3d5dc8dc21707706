#!/usr/bin/env python3
"""The parameter table of docs/gbdt.md, generated from gbdt::params.

Reads `struct params` in include/tessera/learners/gbdt/params.hpp (each field's
type, default and trailing comment, which states its meaning and valid range)
and adds the LightGBM / XGBoost equivalents listed below.

  bench/gbdt/params_table.py            # print the table
  bench/gbdt/params_table.py --update   # rewrite it in docs/gbdt.md (between the markers)
  bench/gbdt/params_table.py --check    # exit 1 if docs/gbdt.md is out of date
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEADER = os.path.join(ROOT, "include/tessera/learners/gbdt/params.hpp")
DOC = os.path.join(ROOT, "docs/gbdt.md")
BEGIN, END = "<!-- params-table-begin (bench/gbdt/params_table.py) -->", "<!-- params-table-end -->"

# field: (LightGBM, XGBoost). "—": no equivalent.
PEERS = {
    "rounds": ("num_iterations", "num_boost_round / n_estimators"),
    "learning_rate": ("learning_rate", "eta"),
    "max_leaves": ("num_leaves", "max_leaves (lossguide)"),
    "max_depth": ("max_depth", "max_depth (0 = none with lossguide)"),
    "max_bin": ("max_bin", "max_bin (256 in the benchmark)"),
    "min_data_in_leaf": ("min_data_in_leaf", "—"),
    "min_child_weight": ("min_sum_hessian_in_leaf", "min_child_weight (default 1)"),
    "lambda_l1": ("lambda_l1", "alpha"),
    "lambda_l2": ("lambda_l2", "lambda (default 1)"),
    "min_split_gain": ("min_gain_to_split", "gamma"),
    "subsample": ("bagging_fraction, bagging_freq = 1", "subsample"),
    "colsample_bytree": ("feature_fraction", "colsample_bytree"),
    "colsample_bynode": ("feature_fraction_bynode", "colsample_bynode"),
    "seed": ("seed", "seed"),
    "early_stopping_rounds": ("early_stopping_round", "early_stopping_rounds"),
    "scale_pos_weight": ("scale_pos_weight", "scale_pos_weight"),
    "class_weight": ("class_weight (scikit-learn API)", "sample weights"),
    "categorical_features": ("categorical_feature", "feature_types 'c' + enable_categorical"),
    "max_cat_to_onehot": ("max_cat_to_onehot", "max_cat_to_onehot"),
    "max_cat_threshold": ("max_cat_threshold", "max_cat_threshold"),
    "cat_smooth": ("cat_smooth", "—"),
    "cat_l2": ("cat_l2", "—"),
    "min_data_per_group": ("min_data_per_group", "—"),
    "growth": ("— (leaf-wise; max_depth limits it)", "grow_policy lossguide / depthwise"),
    "objective": ("objective", "objective"),
    "huber_delta": ("alpha (huber)", "— (reg:pseudohubererror's huber_slope differs)"),
    "bin_sample": ("bin_construct_sample_cnt", "— (sketch over all rows)"),
    "min_data_in_bin": ("min_data_in_bin", "—"),
    "hist_cache": ("histogram_pool_size (in MB)", "—"),
    "boost_from_average": ("boost_from_average", "base_score (estimated by default since 2.0)"),
}

# Fields whose comment in params.hpp is empty.
DESCRIBE = {
    "growth": "leaf_wise: best-first up to max_leaves (LightGBM); depth_wise: level by level "
              "up to max_depth (XGBoost's depthwise)",
}

FIELD = re.compile(r"^\s+([\w:<>, ]+?)\s+(\w+)\s*(?:=\s*([^;]*?)|(\{\}))?\s*;\s*(?://\s*(.*))?$")


def fields():
    text = open(HEADER).read()
    body = re.search(r"struct params \{(.*?)\n\};", text, re.S).group(1)
    out = []
    for line in body.splitlines():
        m = FIELD.match(line)
        if m:
            typ, name, default, braces, comment = m.groups()
            default = default if default is not None else (braces or "{}")
            out.append([name, typ.strip(), default.strip(), (comment or "").strip()])
        elif line.strip().startswith("//") and out:
            out[-1][3] += " " + line.strip()[2:].strip()  # comment continued on the next line
    return out


def table():
    rows = ["| field | type | default | meaning, valid range | LightGBM | XGBoost |",
            "|---|---|---|---|---|---|"]
    missing = []
    for name, typ, default, comment in fields():
        lgb, xgb = PEERS.get(name, ("?", "?"))
        if name not in PEERS:
            missing.append(name)
        cell = (comment or DESCRIBE.get(name, "")).replace("|", "\\|")
        rows.append(f"| `{name}` | `{typ}` | `{default}` | {cell} | {lgb} | {xgb} |")
    if missing:
        print(f"params_table.py: no peer names for {', '.join(missing)}; add them to PEERS",
              file=sys.stderr)
    return "\n".join(rows)


def main():
    t = table()
    if len(sys.argv) == 1:
        print(t)
        return 0
    doc = open(DOC).read()
    i, j = doc.find(BEGIN), doc.find(END)
    if i < 0 or j < 0:
        print(f"params_table.py: markers not found in {DOC}", file=sys.stderr)
        return 1
    new = doc[:i + len(BEGIN)] + "\n" + t + "\n" + doc[j:]
    if sys.argv[1] == "--check":
        if new != doc:
            print("docs/gbdt.md: parameter table out of date; run bench/gbdt/params_table.py --update",
                  file=sys.stderr)
            return 1
        return 0
    if sys.argv[1] == "--update":
        open(DOC, "w").write(new)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
