#!/usr/bin/env python3
"""Dev-only: the reward model against the scikit-learn baseline, side by side, in one run.

Runs `pairwise bench model FILE` (5-fold CV of our reward model; release build) and
baseline_reward.py's LogisticRegression on hashed 1-2-grams of the two final replies
on the same file, and prints both accuracies in one table.

    swift build -c release
    pip install scikit-learn numpy
    python3 scripts/reference/compare_reward_model.py ../shared/datasets/hh-rlhf/harmless-base-test.jsonl.gz
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_reward import baseline  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ours(path):
    binary = os.path.join(ROOT, ".build", "release", "pairwise")
    out = subprocess.run([binary, "bench", "model", path, "--folds", "5"], check=True, capture_output=True, text=True).stdout
    found = re.search(r"accuracy ([0-9.]+)\s+log loss ([0-9.]+).*?\(\d+ fits in ([0-9.]+) s", out)
    pairs = re.search(r"^(\d+) labeled pairs", out, re.M)
    if not found or not pairs:
        sys.exit(f"unexpected output from pairwise bench model:\n{out}")
    return int(pairs.group(1)), float(found.group(1)), float(found.group(2)), float(found.group(3))


def main():
    for path in sys.argv[1:] or [os.path.join(ROOT, "..", "shared", "datasets", "hh-rlhf", "harmless-base-test.jsonl.gz")]:
        n, accuracy, logloss, seconds = ours(path)
        bn, baccuracy, _, bseconds = baseline(path)
        print(os.path.basename(path))
        print(f"  {'model':<46} {'pairs':>6} {'5-fold accuracy':>16} {'seconds':>8}")
        print(f"  {'pairwise reward model (log loss %.4f)' % logloss:<46} {n:>6} {accuracy:>16.4f} {seconds:>8.2f}")
        print(f"  {'scikit-learn LogisticRegression, 1-2-grams':<46} {bn:>6} {baccuracy:>16.4f} {bseconds:>8.2f}")
        print(f"  difference: {accuracy - baccuracy:+.4f}")


if __name__ == "__main__":
    main()
