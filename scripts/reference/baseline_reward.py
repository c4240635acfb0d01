#!/usr/bin/env python3
"""Dev-only baseline for the reward model: scikit-learn's LogisticRegression on hashed word
1-2-grams of the two final replies (HashingVectorizer, 2^18 features), X = h(A) - h(B), with
A/B placed by a seeded coin so the label is balanced; 5-fold cross-validated accuracy.
Run beside `pairwise bench model` on the same file.

    pip install scikit-learn numpy
    python3 scripts/reference/baseline_reward.py ../shared/datasets/hh-rlhf/harmless-base-test.jsonl.gz
"""
import gzip
import json
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

MARKER = "\n\nAssistant:"


def final_replies(chosen, rejected):
    common = 0
    while common < min(len(chosen), len(rejected)) and chosen[common] == rejected[common]:
        common += 1
    cut = chosen.rfind(MARKER, 0, common - len(MARKER) + 1 if common >= len(MARKER) else 0)
    cut = chosen.rfind(MARKER, 0, common) if cut < 0 else cut
    return chosen[cut + len(MARKER):].strip(), rejected[cut + len(MARKER):].strip()


def baseline(path):
    """Returns (pairs, mean accuracy, fold accuracies, seconds)."""
    opener = gzip.open if path.endswith(".gz") else open
    records = [json.loads(line) for line in opener(path, "rt") if line.strip()]
    pairs = [final_replies(r["chosen"], r["rejected"]) for r in records]
    rng = np.random.default_rng(1)
    flip = rng.random(len(pairs)) < 0.5
    a = [r if f else c for (c, r), f in zip(pairs, flip)]
    b = [c if f else r for (c, r), f in zip(pairs, flip)]
    y = (~flip).astype(int)  # 1 when A is the chosen reply
    vectorizer = HashingVectorizer(ngram_range=(1, 2), n_features=2 ** 18)
    X = vectorizer.transform(a) - vectorizer.transform(b)
    start = time.perf_counter()
    scores = cross_val_score(LogisticRegression(max_iter=1000), X, y, cv=5)
    return len(pairs), scores.mean(), scores, time.perf_counter() - start


def main():
    pairs, accuracy, scores, seconds = baseline(sys.argv[1])
    print(f"{pairs} pairs; scikit-learn LogisticRegression, hashed 1-2-grams, 5-fold CV accuracy "
          f"{accuracy:.4f} (folds {np.round(scores, 4).tolist()}), {seconds:.2f} s")


if __name__ == "__main__":
    main()
