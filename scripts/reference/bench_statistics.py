#!/usr/bin/env python3
"""Dev-only, side by side in one run, whole process each (start-up and reading the CSV
included), on the same files:

  1. Krippendorff's alpha (ordinal) on 1,000,000 cells: 100,000 items x 10 annotators,
     20% missing, 7 levels. `pairwise agreement` (which computes every statistic) against
     krippendorff + pandas.
  2. Bradley–Terry on 1,000,000 comparisons among 100 models. `pairwise leaderboard
     --bootstrap 0` against numpy/scipy L-BFGS on the aggregated win counts + pandas, and
     against choix.opt_pairwise(alpha=0) + pandas.
  3. Dawid–Skene on 100,000 items x 5 annotators (3 labels). `pairwise reliability`
     against crowd-kit's DawidSkene + pandas.

    swift build -c release --product pairwise
    pip install krippendorff choix crowd-kit pandas numpy scipy
    python3 scripts/reference/bench_statistics.py [--runs 3]
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

ALPHA = """
import sys, krippendorff, pandas as pd
df = pd.read_csv(sys.argv[1])
table = df.pivot(index='annotator', columns='item', values='value')
print(krippendorff.alpha(reliability_data=table.to_numpy(dtype=float), level_of_measurement='ordinal'))
"""
# Both Bradley–Terry scripts read the battles alike: model indices a, b and whether a won.
READ_BATTLES = """
import sys, json, numpy as np, pandas as pd
df = pd.read_csv(sys.argv[1])
models = sorted(set(df.model_a) | set(df.model_b))
index = {m: i for i, m in enumerate(models)}
a = df.model_a.map(index).to_numpy(); b = df.model_b.map(index).to_numpy()
first = (df.winner == 'model_a').to_numpy()
"""
BRADLEY_TERRY = READ_BATTLES + """
import choix
data = np.where(first[:, None], np.stack([a, b], 1), np.stack([b, a], 1))
theta = choix.opt_pairwise(len(models), data, alpha=0, tol=1e-10)  # default tol stops ~1e-5 short
theta = theta - theta.mean()
print(json.dumps({m: float(theta[i]) for i, m in enumerate(models)}))
"""
BRADLEY_TERRY_SCIPY = READ_BATTLES + """
from scipy.optimize import minimize
n = len(models)
wins = np.bincount(np.where(first, a, b) * n + np.where(first, b, a), minlength=n * n).reshape(n, n).astype(float)
def f(theta):
    p = 1 / (1 + np.exp(theta[None, :] - theta[:, None]))  # P(row beats column)
    loss = -(wins * np.log(p)).sum()
    r = wins * (1 - p)
    return loss, r.sum(0) - r.sum(1)
result = minimize(f, np.zeros(n), jac=True, method='L-BFGS-B', options={'gtol': 1e-10, 'ftol': 1e-15, 'maxiter': 1000})
theta = result.x - result.x.mean()
print(json.dumps({m: float(theta[i]) for i, m in enumerate(models)}))
"""
DAWID_SKENE = """
import sys, json, pandas as pd
from crowdkit.aggregation import DawidSkene
df = pd.read_csv(sys.argv[1]).rename(columns={'item': 'task', 'annotator': 'worker', 'value': 'label'})
model = DawidSkene(n_iter=100, tol=1e-5).fit(df)
print(json.dumps({str(k): float(v) for k, v in model.priors_.items()}))
"""


def write_ratings(path, rng):
    items, coders, truth = 100_000, 10, None
    truth = rng.integers(1, 8, size=items)
    with open(path, "w") as f:
        f.write("item,annotator,value\n")
        for c in range(coders):
            values = np.where(rng.random(items) < 0.7, truth, rng.integers(1, 8, size=items))
            for i in np.nonzero(rng.random(items) >= 0.2)[0]:
                f.write(f"i{i},a{c},{values[i]}\n")


def write_battles(path, rng, models=100, n=1_000_000):
    strength = rng.normal(0, 1, size=models)
    a = rng.integers(0, models, size=n)
    b = rng.integers(0, models - 1, size=n)
    b = np.where(b >= a, b + 1, b)
    first = rng.random(n) < 1 / (1 + np.exp(strength[b] - strength[a]))
    with open(path, "w") as f:
        f.write("model_a,model_b,winner\n")
        for i in range(n):
            f.write(f"m{a[i]},m{b[i]},{'model_a' if first[i] else 'model_b'}\n")


def write_directions(path, rng, items=100_000, accuracy=(0.9, 0.8, 0.7, 0.6, 0.55)):
    truth = rng.integers(0, 3, size=items)
    labels = np.array(["A", "tie", "B"])
    with open(path, "w") as f:
        f.write("item,annotator,value\n")
        for w, acc in enumerate(accuracy):
            values = np.where(rng.random(items) < acc, truth, rng.integers(0, 3, size=items))
            for i in range(items):
                f.write(f"i{i},w{w},{labels[values[i]]}\n")


def timed(command, runs):
    times, output = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - start)
    return statistics.median(times), output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["alpha", "bt", "ds"], help="run one comparison")
    parser.add_argument("--with-choix", action="store_true", help="also time choix (minutes per run at 1M battles)")
    args = parser.parse_args()
    binary = str(ROOT / ".build/release/pairwise")
    rng = np.random.default_rng(2026)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_ratings(tmp / "ratings.csv", rng)
        write_battles(tmp / "battles.csv", rng)
        write_directions(tmp / "directions.csv", rng)
        for name, script in [("alpha.py", ALPHA), ("bt.py", BRADLEY_TERRY), ("bt_scipy.py", BRADLEY_TERRY_SCIPY), ("ds.py", DAWID_SKENE)]:
            (tmp / name).write_text(script)

        print(f"whole process, median of {args.runs} runs")
        want = lambda name: args.only in (None, name)
        if want("alpha"):
          ours, out = timed([binary, "agreement", str(tmp / "ratings.csv"), "--level", "ordinal", "--json"], args.runs)
          theirs, ref = timed([sys.executable, str(tmp / "alpha.py"), str(tmp / "ratings.csv")], args.runs)
          diff = abs(json.loads(out)["krippendorff_alpha"] - float(ref))
          print(f"alpha, 1M cells:       pairwise {ours:6.2f} s   krippendorff {theirs:6.2f} s   {theirs / ours:5.1f}x   |diff| {diff:.1e}")

        if want("bt"):
          ours, out = timed([binary, "leaderboard", str(tmp / "battles.csv"), "--bootstrap", "0", "--json"], args.runs)
          mine = {row["model"]: row["theta"] for row in json.loads(out)}
          for label, script in [("numpy/scipy L-BFGS", "bt_scipy.py")] + ([("choix", "bt.py")] if args.with_choix else []):
              theirs, ref = timed([sys.executable, str(tmp / script), str(tmp / "battles.csv")], args.runs)
              reference = json.loads(ref)
              diff = max(abs(mine[m] - reference[m]) for m in reference)
              print(f"Bradley-Terry, 1M:     pairwise {ours:6.2f} s   {label:18} {theirs:6.2f} s   {theirs / ours:5.1f}x   max |diff| {diff:.1e}")

        if want("ds"):
          ours, out = timed([binary, "reliability", str(tmp / "directions.csv"), "--json"], args.runs)
          theirs, ref = timed([sys.executable, str(tmp / "ds.py"), str(tmp / "directions.csv")], args.runs)
          mine = json.loads(out)["priors"]
          reference = json.loads(ref)
          diff = max(abs(mine[k] - reference[k]) for k in reference)
          print(f"Dawid-Skene, 100k x 5: pairwise {ours:6.2f} s   crowd-kit    {theirs:6.2f} s   {theirs / ours:5.1f}x   max |prior diff| {diff:.1e}")


if __name__ == "__main__":
    main()
