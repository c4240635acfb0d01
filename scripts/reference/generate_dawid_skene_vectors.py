#!/usr/bin/env python3
"""Dev-only: writes Tests/PairwiseStatsTests/Fixtures/dawid-skene-vectors.json: random
tasks labeled by annotators of varied accuracy (some missing), with crowd-kit's
DawidSkene posteriors, priors and labels.

    pip install crowd-kit
    python3 scripts/reference/generate_dawid_skene_vectors.py
"""
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from crowdkit.aggregation import DawidSkene

OUT = Path(__file__).resolve().parents[2] / "Tests/PairwiseStatsTests/Fixtures/dawid-skene-vectors.json"


def main():
    rng = np.random.default_rng(11)
    cases = []
    for n in range(8):
        labels = ["A", "tie", "B"] if n % 2 == 0 else ["no", "yes"]
        tasks, workers = int(rng.integers(10, 60)), int(rng.integers(3, 7))
        truth = rng.choice(len(labels), size=tasks, p=None)
        accuracy = rng.uniform(0.45, 0.95, size=workers)
        rows = []
        for t in range(tasks):
            for w in range(workers):
                if rng.random() < 0.25:
                    continue
                label = truth[t] if rng.random() < accuracy[w] else int(rng.integers(0, len(labels)))
                rows.append((f"t{t}", f"w{w}", labels[label]))
        df = pd.DataFrame(rows, columns=["task", "worker", "label"])
        model = DawidSkene(n_iter=100, tol=1e-5).fit(df)
        probas = model.probas_
        cases.append({
            "ratings": [list(r) for r in rows],
            "posteriors": {str(t): {str(k): float(v) for k, v in row.items()} for t, row in probas.iterrows()},
            "priors": {str(k): float(v) for k, v in model.priors_.items()},
            "labels": {str(t): str(v) for t, v in model.labels_.items()},
        })
    OUT.write_text(json.dumps({"generated_by": "scripts/reference/generate_dawid_skene_vectors.py",
                               "packages": {"crowd-kit": version("crowd-kit")}, "cases": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
