#!/usr/bin/env python3
"""Dev-only: writes Tests/PairwiseStatsTests/Fixtures/agreement-vectors.json, random rating
tables with missing values (plus edge cases) and what the reference packages compute on
them. The app never runs Python; the tests compare against this file.

    pip install krippendorff irrCAC statsmodels scikit-learn pandas
    python3 scripts/reference/generate_agreement_vectors.py
"""
import json
import math
from importlib.metadata import version
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from irrCAC.raw import CAC
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

warnings.filterwarnings("ignore")
OUT = Path(__file__).resolve().parents[2] / "Tests/PairwiseStatsTests/Fixtures/agreement-vectors.json"


def clean(x):
    """A float, or None where the reference raised or returned NaN/inf."""
    try:
        x = float(x)
    except Exception:
        return None
    return x if math.isfinite(x) else None


def guard(f):
    try:
        return clean(f())
    except Exception:
        return None


def references(rows):
    """rows: annotators x units, None for missing."""
    data = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    out = {}
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        out[f"alpha_{level}"] = guard(lambda: krippendorff.alpha(reliability_data=data, level_of_measurement=level))
    frame = pd.DataFrame(data.T)
    out["percent_agreement"] = guard(lambda: CAC(frame, digits=15).gwet()["est"]["pa"])
    out["gwet_ac1"] = guard(lambda: CAC(frame, digits=15).gwet()["est"]["coefficient_value"])
    out["fleiss_kappa"] = guard(lambda: CAC(frame, digits=15).fleiss()["est"]["coefficient_value"])
    for weights in ["quadratic", "linear", "ordinal", "ratio"]:
        out[f"gwet_ac2_{weights}"] = guard(lambda: CAC(frame, weights=weights, digits=15).gwet()["est"]["coefficient_value"])
    both = ~np.isnan(data[0]) & ~np.isnan(data[1])
    a, b = data[0][both], data[1][both]
    out["cohen_kappa"] = guard(lambda: cohen_kappa_score(a, b)) if both.any() else None
    out["cohen_kappa_linear"] = guard(lambda: cohen_kappa_score(a, b, weights="linear")) if both.any() else None
    out["cohen_kappa_quadratic"] = guard(lambda: cohen_kappa_score(a, b, weights="quadratic")) if both.any() else None
    if not np.isnan(data).any():
        table, _ = aggregate_raters(data.T.astype(int))
        out["statsmodels_fleiss_kappa"] = guard(lambda: fleiss_kappa(table, method="fleiss"))
    return out


def random_case(rng, name):
    annotators = int(rng.integers(2, 7))
    units = int(rng.integers(5, 61))
    categories = int(rng.integers(2, 8))
    missing = float(rng.choice([0.0, 0.1, 0.25, 0.4]))
    # Annotators agree with a per-unit truth some of the time, so the statistics vary.
    truth = rng.integers(1, categories + 1, size=units)
    accuracy = rng.uniform(0.3, 0.95, size=annotators)
    rows = []
    for a in range(annotators):
        row = []
        for u in range(units):
            value = int(truth[u]) if rng.random() < accuracy[a] else int(rng.integers(1, categories + 1))
            row.append(None if rng.random() < missing else value)
        rows.append(row)
    for u in range(units):  # every unit keeps at least one rating
        if all(rows[a][u] is None for a in range(annotators)):
            rows[int(rng.integers(0, annotators))][u] = int(truth[u])
    return {"name": name, "rows": rows}


def main():
    rng = np.random.default_rng(20261123)
    cases = [random_case(rng, f"random-{n}") for n in range(40)]
    cases += [
        {"name": "one category only", "rows": [[2, 2, 2, 2], [2, 2, None, 2], [2, 2, 2, 2]]},
        {"name": "all agree", "rows": [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]},
        {"name": "all disagree", "rows": [[1, 2, 3, 1], [2, 3, 1, 2], [3, 1, 2, 3]]},
        {"name": "items with a single rating", "rows": [[1, 2, None, 3, 1], [1, None, 3, 3, None], [None, None, None, 3, 2]]},
        {"name": "an annotator with one rating", "rows": [[1, 2, 2, 3, 1, 2], [1, 2, 3, 3, 1, 2], [None, None, 2, None, None, None]]},
        {"name": "two units", "rows": [[1, 2], [1, 3]]},
    ]
    for case in cases:
        case["expected"] = references(case["rows"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "generated_by": "scripts/reference/generate_agreement_vectors.py",
        "packages": {name: version(name) for name in ["krippendorff", "irrCAC", "scikit-learn", "statsmodels"]},
        "cases": cases,
    }, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
