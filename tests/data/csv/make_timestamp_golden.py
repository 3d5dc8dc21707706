"""Golden values for io::parse_timestamp: pandas.Timestamp(text).value (ns since
the epoch, UTC; offsets applied) for ISO 8601 strings of every accepted form.
Writes timestamp_golden.txt: one `text<TAB>ns` per line. Run with pandas >= 2."""
import datetime
import os
import numpy as np
import pandas as pd

rng = np.random.default_rng(20261123)
texts = [
    "1970-01-01", "1970-01-01T00:00:00Z", "2000-02-29", "1900-03-01", "2262-04-11",
    "1677-09-22", "2024-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z",
    "2020-06-15 12:30", "2020-06-15T12:30:45", "2020-06-15T12:30:45.1",
    "2020-06-15T12:30:45.123456", "2020-06-15T12:30:45+02:00", "2020-06-15T12:30:45-07:30",
    "2020-06-15T00:30:45+05:45", "2020-06-15 23:59:59.000001-00:00", "2020-06-15T12:30+0100",
    "1800-01-01T00:00:00.000000001Z",
]
for _ in range(200):
    ns = int(rng.integers(-(2**62), 2**62))
    t = pd.Timestamp(ns, unit="ns", tz="UTC")
    kind = int(rng.integers(0, 5))
    off_min = int(rng.integers(-12 * 60, 14 * 60 + 1)) // 15 * 15
    if kind == 0:
        texts.append(t.strftime("%Y-%m-%d"))
    elif kind == 1:
        texts.append(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
    elif kind == 2:
        texts.append(t.strftime("%Y-%m-%d %H:%M:%S.%f") + "%03d" % t.nanosecond)
    else:
        local = t.tz_convert(datetime.timezone(datetime.timedelta(minutes=off_min)))
        sign = "+" if off_min >= 0 else "-"
        hh, mm = divmod(abs(off_min), 60)
        frac = ".%06d" % local.microsecond if kind == 3 else ""
        texts.append(local.strftime("%Y-%m-%dT%H:%M:%S") + frac + "%s%02d:%02d" % (sign, hh, mm))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timestamp_golden.txt")
with open(out, "w") as f:
    for s in texts:
        f.write("%s\t%d\n" % (s, pd.Timestamp(s).value))
print(len(texts), "lines ->", out)
