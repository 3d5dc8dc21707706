"""Writes drift_reference.csv and drift_current.csv for examples/monitor_drift.cpp.

A small customer table: the current month has older, richer customers on
dearer plans, more of them on mobile (four of seven columns drift: dataset
drift at the default share 0.5), the rest as before.
Run: python3 examples/data/make_drift_csvs.py   (numpy, seeded)
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def table(n, rng, drift):
    age = rng.normal(38 + (6 if drift else 0), 11, n).round().clip(18, 90).astype(int)
    income = rng.lognormal(10.6 + (0.25 if drift else 0.0), 0.45, n).round(2)
    tenure = rng.exponential(20, n).round(1)
    plans = ["basic", "plus", "pro"]
    plan = rng.choice(plans, n, p=[0.3, 0.45, 0.25] if drift else [0.55, 0.35, 0.10])
    region = rng.choice(["north", "south", "east", "west"], n)
    mobile = rng.random(n) < (0.80 if drift else 0.62)
    tickets = rng.poisson(1.2, n).clip(0, 4)
    rows = ["age,income,tenure_months,plan,region,mobile,support_tickets"]
    for i in range(n):
        inc = "" if rng.random() < 0.01 else f"{income[i]:.2f}"  # a few missing incomes
        rows.append(f"{age[i]},{inc},{tenure[i]},{plan[i]},{region[i]},"
                    f"{'true' if mobile[i] else 'false'},{tickets[i]}")
    return "\n".join(rows) + "\n"


rng = np.random.default_rng(20261123)
with open(os.path.join(here, "drift_reference.csv"), "w") as f:
    f.write(table(2000, rng, False))
with open(os.path.join(here, "drift_current.csv"), "w") as f:
    f.write(table(1500, rng, True))
