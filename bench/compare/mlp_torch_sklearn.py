#!/usr/bin/env python3
"""MLP peer comparison of issue 7: PyTorch (CPU) and scikit-learn's MLPClassifier
against tessera's nn::mlp (bench/nn/bench_mlp), same data and setup, each run in
its own process, and the table with ratios.

  mlp_torch_sklearn.py one --engine torch|sklearn --train T.f32 --test E.f32
                           [--threads 2] [--epochs 5] [--batch 256] [--seed 0]
      trains one engine here and prints one "MLP_RESULT {json}" line (the record
      bench/nn/bench_mlp prints).
  mlp_torch_sklearn.py all --train T.f32 --test E.f32 [--tessera BIN]
                           [--engines tessera,torch,sklearn] [--rounds 1]
                           [--threads 2] [--epochs 5] [--out results.json]
                           [--tessera-init torch_linear|automatic|he_uniform|xavier_uniform]
      runs every engine in a fresh process, `rounds` times interleaved
      (tessera, torch, sklearn, tessera, ...), keeps each engine's median
      sec/epoch and prints the table. bench/nn/run_mlp.sh calls this.
  mlp_torch_sklearn.py table results.json [more.json ...]
      prints the table again from saved records (several files are merged, e.g.
      a scikit-learn run made apart from the others because it is slow).

Data: bench/gbdt/make_higgs_like raw float32 files (--bin): 200,000 training rows
(stream 1) and a test draw (stream 2); 28 features, binary label. Features are
standardized with the training rows' mean and standard deviation (scikit-learn
StandardScaler here; features::standard_scaler in bench_mlp), outside the
timed training.

Setup (the same for all): 28 -> 256 -> 256 -> 1, ReLU, one logit with binary
cross-entropy, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight decay),
batch 256 drawn from a fresh shuffle every epoch, 5 epochs, `threads` threads.
PyTorch: torch.set_num_threads(threads), nn.Sequential of Linear/ReLU with
PyTorch's default init, BCEWithLogitsLoss, batches by indexing a randperm (no
DataLoader overhead). scikit-learn: MLPClassifier(hidden_layer_sizes=(256, 256),
solver='adam', alpha=0 (PyTorch's Adam has no L2 term), batch_size=256,
max_iter=epochs, tol=0, n_iter_no_change=huge, early_stopping=False); its BLAS
threads limited by threadpoolctl and OMP/OPENBLAS_NUM_THREADS. Timed: the
training loop only (sec_per_epoch = fit seconds / epochs; fit_cpu_s = CPU
seconds of the process during the fit, all threads). AUC: roc_auc_score of the
test logits / probabilities. OMP_WAIT_POLICY defaults to passive (as
bench/gbdt/run_all.sh): on a machine busier than its cores, spinning OpenMP
barriers slow PyTorch's 2-thread runs down badly.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ENGINES = ("tessera", "torch", "sklearn")


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def load(path):
    import numpy as np

    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"TSRF32V1":
        raise SystemExit(f"{path}: not a make_higgs_like --bin file")
    rows, cols = np.frombuffer(head[8:], dtype="<u8")
    a = np.fromfile(path, dtype="<f4", offset=24).reshape(int(rows), int(cols))
    return np.ascontiguousarray(a[:, 1:]), (a[:, 0] > 0.5).astype(np.int32)


def standardized(train, test):
    from sklearn.preprocessing import StandardScaler

    s = StandardScaler().fit(train)
    return s.transform(train).astype("float32"), s.transform(test).astype("float32")


def run_torch(Xtr, ytr, Xte, yte, a):
    import torch
    from sklearn.metrics import roc_auc_score

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(Xtr.shape[1], 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = nn.BCEWithLogitsLoss()
    X = torch.from_numpy(Xtr)
    y = torch.from_numpy(ytr.astype("float32")).unsqueeze(1)
    gen = torch.Generator().manual_seed(a.seed)
    n = X.shape[0]
    epoch_s, losses = [], []
    c0, t0 = cpu_s(), time.perf_counter()
    for _ in range(a.epochs):
        te = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        model.train()
        for b in range(0, n, a.batch):
            idx = perm[b:b + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(X[idx]), y[idx])
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / n)
        epoch_s.append(time.perf_counter() - te)
    fit_s, fit_cpu = time.perf_counter() - t0, cpu_s() - c0
    model.eval()
    t1 = time.perf_counter()
    with torch.no_grad():
        z = model(torch.from_numpy(Xte)).squeeze(1).numpy()
    predict_s = time.perf_counter() - t1
    return dict(engine="torch", version=torch.__version__, fit_s=fit_s, fit_cpu_s=fit_cpu,
                epoch_s=epoch_s, train_loss=losses, predict_s=predict_s,
                test_auc=float(roc_auc_score(yte, z)))


def run_sklearn(Xtr, ytr, Xte, yte, a):
    import warnings

    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import roc_auc_score
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    clf = MLPClassifier(hidden_layer_sizes=(256, 256), activation="relu", solver="adam", alpha=0.0,
                        batch_size=a.batch, learning_rate_init=1e-3, max_iter=a.epochs, shuffle=True,
                        random_state=a.seed, tol=0.0, n_iter_no_change=10**9, early_stopping=False)
    with threadpool_limits(limits=a.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        c0, t0 = cpu_s(), time.perf_counter()
        clf.fit(Xtr, ytr)
        fit_s, fit_cpu = time.perf_counter() - t0, cpu_s() - c0
        t1 = time.perf_counter()
        p = clf.predict_proba(Xte)[:, 1]
        predict_s = time.perf_counter() - t1
    return dict(engine="sklearn", version=sklearn.__version__, fit_s=fit_s, fit_cpu_s=fit_cpu,
                epoch_s=[], train_loss=[float(v) for v in clf.loss_curve_], predict_s=predict_s,
                test_auc=float(roc_auc_score(yte, p)))


def one(a):
    Xtr, ytr = load(a.train)
    Xte, yte = load(a.test)
    Xtr, Xte = standardized(Xtr, Xte)
    rec = (run_torch if a.engine == "torch" else run_sklearn)(Xtr, ytr, Xte, yte, a)
    rec.update(threads=a.threads, epochs=a.epochs, train_rows=int(Xtr.shape[0]),
               test_rows=int(Xte.shape[0]), sec_per_epoch=rec["fit_s"] / a.epochs)
    print("MLP_RESULT " + json.dumps(rec), flush=True)


def child_env(threads):
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(threads)
    env.setdefault("OMP_WAIT_POLICY", "passive")
    return env


def run_child(cmd, env):
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    for line in out.stdout.splitlines():
        if line.startswith("MLP_RESULT "):
            return json.loads(line[len("MLP_RESULT "):])
    raise SystemExit(f"no MLP_RESULT from {' '.join(cmd)}")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def all_(a):
    engines = [e for e in a.engines.split(",") if e]
    env = child_env(a.threads)
    common = ["--train", a.train, "--test", a.test, "--threads", str(a.threads), "--epochs", str(a.epochs),
              "--batch", str(a.batch), "--seed", str(a.seed)]
    records = []
    for r in range(a.rounds):
        for e in engines:
            if e == "tessera":
                if not a.tessera:
                    raise SystemExit("--tessera BIN is needed for the tessera engine")
                cmd = [a.tessera] + common + ["--init", a.tessera_init]
            else:
                cmd = [sys.executable, os.path.abspath(__file__), "one", "--engine", e] + common
            before = loadavg()
            rec = run_child(cmd, env)
            rec.update(round=r, load_before=before, load_after=loadavg())
            records.append(rec)
            print(f"round {r} {e}: {rec['sec_per_epoch']:.3f} s/epoch, AUC {rec['test_auc']:.4f}, "
                  f"load {before} -> {rec['load_after']}", file=sys.stderr, flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(records, f, indent=1)
    table(records)


def table(records):
    by = {}
    for r in records:
        name = r["engine"]
        if r.get("init", "automatic") != "automatic":
            name += "/" + r["init"]
        by.setdefault(name, []).append(r)
    med = {e: dict(spe=statistics.median(x["sec_per_epoch"] for x in rs),
                   cpu=statistics.median(x.get("fit_cpu_s", float("nan")) / x["epochs"] for x in rs),
                   auc=statistics.median(x["test_auc"] for x in rs), n=len(rs),
                   ver=rs[0].get("version", "")) for e, rs in by.items()}
    r0 = records[0]
    print(f"MLP 28-256-256-1 ReLU, Adam 1e-3, batch 256, {r0['epochs']} epochs, {r0['train_rows']} training rows, "
          f"{r0['test_rows']} test rows, {r0['threads']} threads; medians over rounds")
    print(f"{'engine':<10} {'version':<10} {'runs':>4} {'s/epoch':>9} {'cpu s/epoch':>12} {'test AUC':>9} "
          f"{'tessera/x time':>15} {'AUC - tessera':>14}")
    t = med.get("tessera")
    for e in sorted(med, key=lambda n: (ENGINES.index(n.split("/")[0]), n)):
        m = med[e]
        ratio = f"{t['spe'] / m['spe']:.3f}" if t else "-"
        dauc = f"{m['auc'] - t['auc']:+.4f}" if t else "-"
        print(f"{e:<10} {m['ver']:<10} {m['n']:>4} {m['spe']:>9.3f} {m['cpu']:>12.3f} {m['auc']:>9.4f} "
              f"{ratio:>15} {dauc:>14}")
    if t is None and med:  # only a non-default tessera init was run
        t = next((v for k, v in med.items() if k.startswith("tessera")), None)
    if t:
        for e, target in (("torch", 0.5), ("sklearn", 0.25)):
            if e in med:
                q = t["spe"] / med[e]["spe"]
                print(f"target tessera <= {target} x {e} sec/epoch: {q:.3f} ({'met' if q <= target else 'NOT met'})")
        if "torch" in med:
            ok = t["auc"] >= med["torch"]["auc"]
            print(f"target tessera AUC >= torch AUC: {t['auc']:.4f} vs {med['torch']['auc']:.4f} "
                  f"({'met' if ok else 'NOT met'})")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("one", "all"):
        q = sub.add_parser(name)
        q.add_argument("--train", required=True)
        q.add_argument("--test", required=True)
        q.add_argument("--threads", type=int, default=2)
        q.add_argument("--epochs", type=int, default=5)
        q.add_argument("--batch", type=int, default=256)
        q.add_argument("--seed", type=int, default=0)
        if name == "one":
            q.add_argument("--engine", choices=("torch", "sklearn"), required=True)
        else:
            q.add_argument("--tessera")
            q.add_argument("--engines", default="tessera,torch,sklearn")
            q.add_argument("--rounds", type=int, default=1)
            q.add_argument("--out")
            q.add_argument("--tessera-init", default="torch_linear",
                           help="nn::mlp init (automatic = He uniform before ReLU); PyTorch's "
                                "nn.Linear default is U(+-1/sqrt(fan_in))")
    q = sub.add_parser("table")
    q.add_argument("results", nargs="+")
    a = p.parse_args()
    if a.cmd == "one":
        one(a)
    elif a.cmd == "all":
        all_(a)
    else:
        records = []
        for path in a.results:
            with open(path) as f:
                records += json.load(f)
        table(records)


if __name__ == "__main__":
    main()
