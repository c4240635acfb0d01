#!/usr/bin/env python3
"""Dev-only: writes Tests/PairwiseStatsTests/Fixtures/ranking-vectors.json, random rankings of
ranked items (3 to 7 responses, ties, annotators missing at random) and what the reference
packages compute on them: Krippendorff's alpha (ordinal) with a unit per (item, response) and
each annotator's rank as the value (krippendorff), and each item's Kendall's W, corrected for
ties, from the Friedman statistic (scipy.stats.friedmanchisquare: W = chi2 / (m (n - 1)),
m rankings, n responses). Each case also has per-response ratings on a 0-4 Likert scale by
some of the annotators who ranked (drawn from a second generator, so the rankings stay as
they were) and krippendorff's alpha (ordinal) on them, a unit per (item, response). The app
never runs Python; the tests compare against this file.

    pip install krippendorff scipy numpy
    python3 scripts/reference/generate_ranking_vectors.py
"""
import json
import math
import random
from importlib.metadata import version
from pathlib import Path

import krippendorff
import numpy as np
from scipy.stats import friedmanchisquare

OUT = Path(__file__).resolve().parents[2] / "Tests/PairwiseStatsTests/Fixtures/ranking-vectors.json"


def dense(scores):
    """Dense ranks, 1 the best (highest score); equal scores tie."""
    levels = sorted(set(scores), reverse=True)
    return [levels.index(s) + 1 for s in scores]


def ordinal_alpha(names, data, key):
    """Krippendorff's alpha (ordinal) of each item's `key` lists by annotator: one unit per
    (item, response), a row per annotator; None when undefined."""
    rows = []
    for name in names:
        row = []
        for item in data:
            values = item[key].get(name)
            row += [float(v) for v in values] if values else [np.nan] * item["responses"]
        rows.append(row)
    try:
        alpha = float(krippendorff.alpha(reliability_data=np.array(rows), level_of_measurement="ordinal"))
    except Exception:
        return None
    return alpha if math.isfinite(alpha) else None


def case(seed, items, annotators, present, tie_grain):
    rng = random.Random(seed)
    names = [f"a{n}" for n in range(annotators)]
    data = []
    for i in range(items):
        k = rng.randint(3, 7)
        truth = [rng.random() for _ in range(k)]
        rankings = {}
        for name in names:
            if rng.random() > present:
                continue
            noisy = [round((t + rng.gauss(0, 0.3)) * tie_grain) for t in truth]
            rankings[name] = dense(noisy)
        data.append({"responses": k, "rankings": rankings})
    alpha = ordinal_alpha(names, data, "rankings")
    ws = []
    for item in data:
        lists = list(item["rankings"].values())
        w = None
        if len(lists) >= 2:
            m, n = len(lists), item["responses"]
            # Lower rank is better: scipy ranks each block's values in ascending order, the
            # same direction for every response, so W is the same.
            try:
                stat, _ = friedmanchisquare(*[[lst[j] for lst in lists] for j in range(n)])
                w = float(stat) / (m * (n - 1)) if math.isfinite(stat) else None
            except Exception:
                w = None
        ws.append(w)
    # Per-response ratings 0-4 by 80% of each item's rankers, around a per-response truth.
    rating_rng = random.Random(seed + 1000)
    for item in data:
        truth = [rating_rng.uniform(0, 4) for _ in range(item["responses"])]
        item["ratings"] = {}
        for name in sorted(item["rankings"]):
            if rating_rng.random() < 0.8:
                item["ratings"][name] = [min(4, max(0, round(t + rating_rng.gauss(0, 0.8)))) for t in truth]
    return {"seed": seed, "annotators": names, "items": data, "alpha_ordinal": alpha, "kendall_w": ws,
            "ratings_alpha_ordinal": ordinal_alpha(names, data, "ratings")}


def main():
    cases = []
    for seed in range(12):
        cases.append(case(seed, items=25, annotators=5, present=0.6, tie_grain=[3, 5, 10, 100][seed % 4]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "generator": "scripts/reference/generate_ranking_vectors.py",
        "versions": {"krippendorff": version("krippendorff"), "scipy": version("scipy"), "numpy": version("numpy")},
        "cases": cases,
    }, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


main()
