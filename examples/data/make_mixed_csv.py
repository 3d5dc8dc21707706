"""Writes mixed.csv for examples/mixed_pipeline.cpp: 1200 customers with mixed
types (int, float, category, bool, ISO 8601 timestamp) and missing values, and
a churn label drawn from a logistic model of them (seeded, reproducible)."""
import datetime
import numpy as np

rng = np.random.default_rng(2026)
n = 1200
cities = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Lille", "Rennes",
          "Brest", "Dijon", "Metz", "Pau", "Albi", "Sete"]
city_p = np.array([30, 16, 12, 9, 7, 6, 5, 4, 3, 3, 2, 1.5, 1, 0.5])
city_p /= city_p.sum()
city_effect = dict(zip(cities, rng.normal(0, 0.8, len(cities))))
plans = ["basic", "plus", "pro", "enterprise"]
plan_effect = {"basic": 0.6, "plus": 0.0, "pro": -0.5, "enterprise": -1.0}
start = datetime.datetime(2024, 1, 1)

rows = []
for i in range(n):
    age = int(rng.integers(18, 80))
    income = float(np.round(rng.lognormal(10.6, 0.4), 2))
    plan = rng.choice(plans, p=[0.45, 0.3, 0.22, 0.03])
    city = rng.choice(cities, p=city_p)
    signup = start + datetime.timedelta(seconds=int(rng.integers(0, 700 * 86400)))
    autopay = bool(rng.random() < 0.55)
    z = (-0.4 + 0.035 * (40 - age) - 0.8 * (income / 40000 - 1) + plan_effect[plan]
         + city_effect[city] - 0.9 * autopay + 0.5 * (signup.weekday() >= 5)
         + 0.4 * (signup.hour < 6))
    churned = bool(rng.random() < 1 / (1 + np.exp(-z)))
    # Missing values (empty fields): not at random for income (high earners skip it).
    f = lambda v, p: "" if rng.random() < p else v
    rows.append([str(1000 + i), f(str(age), 0.08), f(f"{income:.2f}", 0.06 + 0.1 * (income > 50000)),
                 f(plan, 0.05), f(city, 0.05), signup.strftime("%Y-%m-%dT%H:%M:%S"),
                 f("true" if autopay else "false", 0.05), "true" if churned else "false"])

with open("mixed.csv", "w") as out:
    out.write("customer_id,age,income,plan,city,signup,autopay,churned\n")
    for r in rows:
        out.write(",".join(r) + "\n")
