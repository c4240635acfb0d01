#!/usr/bin/env python3
"""Dev-only: writes import files of realistic text for side-by-side benchmarks, built from the
real public data in ../shared/datasets: multi-turn English prompts and answers from hh-rlhf,
prompts and answers in a dozen languages from the OASST2 trees. Each record draws a prompt and
two answers at random (seeded), of varied length (one to four passages), and is made unique by
its number, so that nothing is skipped as a duplicate.

    python3 scripts/reference/realistic_pairs.py OUT_DIR [--records 200000]

writes OUT_DIR/pairs.jsonl (id, prompt, response_a, response_b) and OUT_DIR/trl.jsonl
(prompt, chosen, rejected: a label each).
"""
import argparse
import gzip
import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets"


def hh_pairs():
    """(multi-turn prompt, chosen answer, rejected answer) from hh-rlhf."""
    out = []
    with gzip.open(DATA / "hh-rlhf" / "harmless-base-test.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            chosen, rejected = record["chosen"], record["rejected"]
            cut = chosen.rfind("\n\nAssistant:")
            if cut < 0 or rejected.rfind("\n\nAssistant:") < 0:
                continue
            prompt = chosen[:cut].strip()
            out.append((prompt, chosen[cut + 12:].strip(), rejected[rejected.rfind("\n\nAssistant:") + 12:].strip()))
    return out


def oasst_texts():
    """Prompts and answers from the OASST2 trees (many languages)."""
    prompts, answers = [], []

    def walk(message):
        (prompts if message["role"] == "prompter" else answers).append(message["text"])
        for reply in message.get("replies", []):
            walk(reply)

    with open(DATA / "real-formats" / "oasst2-trees-sample.jsonl", encoding="utf-8") as f:
        for line in f:
            walk(json.loads(line)["prompt"])
    return prompts, answers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=29)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    hh = hh_pairs()
    prompts, answers = oasst_texts()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def passages(pool):
        return "\n\n".join(rng.choice(pool) for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])))

    with open(out / "pairs.jsonl", "w", encoding="utf-8") as pairs, open(out / "trl.jsonl", "w", encoding="utf-8") as trl:
        for n in range(args.records):
            if rng.random() < 0.5:
                prompt, chosen, rejected = rng.choice(hh)
                if rng.random() < 0.5:
                    chosen += "\n\n" + passages(answers)
            else:
                prompt, chosen, rejected = passages(prompts), passages(answers), passages(answers)
            if chosen == rejected:
                rejected += "\n\n" + passages(answers)
            prompt = f"({n}) {prompt}"
            pairs.write(json.dumps({"id": f"r{n}", "prompt": prompt, "response_a": chosen, "response_b": rejected}, ensure_ascii=False) + "\n")
            trl.write(json.dumps({"prompt": prompt, "chosen": chosen, "rejected": rejected}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
