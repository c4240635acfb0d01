#!/usr/bin/env python3
"""Dev-only: the numpy leaderboard `pairwise leaderboard` is measured against, side by side,
whole process each, on the same battles CSV (model_a, model_b, winner): the script a
competent user would write. Battles are aggregated once into (pair, outcome) counts; the
bootstrap resamples those counts (a multinomial over the cells, which has the distribution
of resampling the battles) and fits Bradley–Terry by Newton's method on the win matrix
(ties half a win each), centred strengths, 95% percentile intervals.

    swift build -c release --product pairwise
    python3 scripts/reference/leaderboard_baseline.py battles.csv --write-battles 1000000   # once
    python3 scripts/reference/leaderboard_baseline.py battles.csv [--bootstrap 200] [--runs 3]

--write-battles writes the seeded file the figures in the notes came from: N battles among 100
models of normal strengths, 5% ties, the rest won by Bradley–Terry odds.
"""
import math
import random
import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np


def fit(wins, ridge=1e-8):
    """Bradley–Terry strengths from a models × models matrix of (fractional) wins."""
    n = wins.shape[0]
    theta = np.zeros(n)
    total = wins + wins.T
    for _ in range(100):
        p = 1 / (1 + np.exp(-(theta[:, None] - theta[None, :])))
        gradient = (wins - total * p).sum(axis=1) - ridge * theta
        curvature = total * p * (1 - p)
        hessian = curvature.copy()
        np.fill_diagonal(hessian, -curvature.sum(axis=1) - ridge)
        # Bordered by the centring constraint, as the strengths are only defined up to a shift.
        bordered = np.zeros((n + 1, n + 1))
        bordered[:n, :n] = hessian
        bordered[:n, n] = 1
        bordered[n, :n] = 1
        step = np.linalg.solve(bordered, np.append(gradient, 0))[:n]
        theta -= step
        if np.abs(step - step.mean()).max() < 1e-12:
            break
    return theta - theta.mean()


def leaderboard(path, resamples, seed):
    # Read and aggregate once.
    names = {}
    first, second, outcome = [], [], []
    with open(path) as f:
        next(f)
        for line in f:
            a, b, w = line.rstrip("\n").split(",")
            first.append(names.setdefault(a, len(names)))
            second.append(names.setdefault(b, len(names)))
            outcome.append(0 if w == "model_a" else 1 if w == "model_b" else 2)
    n = len(names)
    cells = (np.array(first) * n + np.array(second)) * 3 + np.array(outcome)
    counts = np.bincount(cells, minlength=n * n * 3).astype(float)

    def wins_of(c):
        c = c.reshape(n, n, 3)
        w = c[:, :, 0] + c[:, :, 1].T
        t = c[:, :, 2] + c[:, :, 2].T
        return w + 0.5 * t

    theta = fit(wins_of(counts))
    rng = np.random.default_rng(seed)
    total = int(counts.sum())
    samples = np.array([fit(wins_of(rng.multinomial(total, counts / total).astype(float))) for _ in range(resamples)])
    low, high = np.percentile(samples, [2.5, 97.5], axis=0)
    return sorted(zip(names, theta, low, high), key=lambda r: -r[1])


def write_battles(path, count, models=100, seed=8):
    random.seed(seed)
    strength = [random.gauss(0, 1) for _ in range(models)]
    with open(path, "w") as f:
        f.write("model_a,model_b,winner\n")
        for _ in range(count):
            a = random.randrange(models)
            b = random.randrange(models - 1)
            if b >= a:
                b += 1
            if random.random() < 0.05:
                winner = "tie"
            else:
                winner = "model_a" if random.random() < 1 / (1 + math.exp(strength[b] - strength[a])) else "model_b"
            f.write(f"m{a},m{b},{winner}\n")


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairwise", default=".build/release/pairwise")
    parser.add_argument("--write-battles", type=int, metavar="N", help="write N seeded battles to FILE and stop")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_battles:
        write_battles(args.file, args.write_battles)
        return
    if args.inner:
        for name, theta, low, high in leaderboard(args.file, args.bootstrap, 1)[:3]:
            print(f"{name} {theta:+.4f} [{low:+.4f}, {high:+.4f}]")
        return
    ours, theirs = [], []
    for _ in range(args.runs):
        # Alternated, whole process each.
        ours.append(timed([args.pairwise, "leaderboard", args.file, "--json", "--bootstrap", str(args.bootstrap)]))
        theirs.append(timed([sys.executable, os.path.abspath(__file__), args.file, "--inner", "--bootstrap", str(args.bootstrap)]))
    print(f"pairwise leaderboard  median {statistics.median(ours):.2f} s  ({', '.join(f'{t:.2f}' for t in ours)})")
    print(f"numpy reference       median {statistics.median(theirs):.2f} s  ({', '.join(f'{t:.2f}' for t in theirs)})")


if __name__ == "__main__":
    main()
