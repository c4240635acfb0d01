#!/usr/bin/env python3
"""Dev-only: writes Tests/PairwiseStatsTests/Fixtures/bradley-terry-vectors.json: random
connected battles with ties, the maximum-likelihood strengths from choix (opt_pairwise,
alpha=0; a tie entered as one win each way and every decisive battle twice, which is
"ties count half a win"), and Davidson's model fitted with scipy.

    pip install choix scipy numpy
    python3 scripts/reference/generate_bradley_terry_vectors.py
"""
import json
from importlib.metadata import version
from pathlib import Path

import choix
import numpy as np
from scipy.optimize import minimize

OUT = Path(__file__).resolve().parents[2] / "Tests/PairwiseStatsTests/Fixtures/bradley-terry-vectors.json"


def davidson(models, battles):
    def nll(x):
        theta, log_nu = x[:models], x[models]
        total = 0.0
        for a, b, outcome in battles:
            s = np.exp(log_nu + (theta[a] + theta[b]) / 2)
            d = np.log(np.exp(theta[a]) + np.exp(theta[b]) + s)
            if outcome == "first":
                total -= theta[a] - d
            elif outcome == "second":
                total -= theta[b] - d
            else:
                total -= np.log(s) - d
        return total + 1e3 * (theta.sum()) ** 2  # centre

    result = minimize(nll, np.zeros(models + 1), method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
    theta = result.x[:models] - result.x[:models].mean()
    return theta.tolist(), float(np.exp(result.x[models]))


def main():
    rng = np.random.default_rng(7)
    cases = []
    for n in range(12):
        models = int(rng.integers(3, 9))
        strength = rng.normal(0, 1, size=models)
        battles = []
        # A cycle first, so the graph is strongly connected.
        for m in range(models):
            battles.append((m, (m + 1) % models, "first"))
        for _ in range(int(rng.integers(20, 200))):
            a, b = rng.choice(models, size=2, replace=False)
            p = 1 / (1 + np.exp(strength[b] - strength[a]))
            u = rng.random()
            outcome = "tie" if u < 0.15 else ("first" if rng.random() < p else "second")
            battles.append((int(a), int(b), outcome))
        data = []
        for a, b, outcome in battles:
            if outcome == "first":
                data += [(a, b), (a, b)]
            elif outcome == "second":
                data += [(b, a), (b, a)]
            else:
                data += [(a, b), (b, a)]
        theta = choix.opt_pairwise(models, data, alpha=0, method="Newton-CG", initial_params=None, max_iter=None, tol=1e-12)
        theta = theta - theta.mean()
        d_theta, nu = davidson(models, battles)
        cases.append({"models": models, "battles": [[a, b, o] for a, b, o in battles],
                      "theta_half": theta.tolist(), "theta_davidson": d_theta, "nu_davidson": nu})
    OUT.write_text(json.dumps({"generated_by": "scripts/reference/generate_bradley_terry_vectors.py",
                               "packages": {p: version(p) for p in ["choix", "scipy", "numpy"]}, "cases": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
