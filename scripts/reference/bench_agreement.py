#!/usr/bin/env python3
"""Dev-only, side-by-side: Krippendorff's alpha on 1,000,000 cells (100,000 items x 10
annotators, 20% missing, 7 levels), whole process each, `pairwise agreement` (release
build) against the krippendorff package reading the same CSV with pandas.

    swift build -c release --product pairwise
    python3 scripts/reference/bench_agreement.py [--runs 5]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = """
import sys, krippendorff, pandas as pd
df = pd.read_csv(sys.argv[1])
table = df.pivot(index='annotator', columns='item', values='value')
print(krippendorff.alpha(reliability_data=table.to_numpy(dtype=float), level_of_measurement=sys.argv[2]))
"""


def make_csv(path, items=100_000, coders=10, missing=0.2, levels=7, seed=1):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, levels + 1, size=items)
    with open(path, "w") as f:
        f.write("item,annotator,value\n")
        for c in range(coders):
            noise = rng.integers(1, levels + 1, size=items)
            values = np.where(rng.random(items) < 0.7, truth, noise)
            for i in np.nonzero(rng.random(items) >= missing)[0]:
                f.write(f"i{i},a{c},{values[i]}\n")


def timed(command, runs):
    times, output = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--level", default="ordinal")
    args = parser.parse_args()
    binary = ROOT / ".build/release/pairwise"
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "ratings.csv"
        make_csv(csv)
        script = Path(tmp) / "reference.py"
        script.write_text(REFERENCE)
        ours = timed([str(binary), "agreement", str(csv), "--level", args.level, "--json"], args.runs)
        theirs = timed([sys.executable, str(script), str(csv), args.level], args.runs)
    import json
    alpha = json.loads(ours[2])["krippendorff_alpha"]
    reference = float(theirs[2])
    print(f"krippendorff alpha, {args.level}, 1,000,000 cells (800k ratings), whole process, median of {args.runs}")
    print(f"  pairwise agreement (all statistics): {ours[0]:.3f} s (best {ours[1]:.3f})  alpha {alpha!r}")
    print(f"  krippendorff + pandas (alpha only):  {theirs[0]:.3f} s (best {theirs[1]:.3f})  alpha {reference!r}")
    print(f"  ratio {theirs[0] / ours[0]:.2f}x   |difference| {abs(alpha - reference):.1e}")


if __name__ == "__main__":
    main()
