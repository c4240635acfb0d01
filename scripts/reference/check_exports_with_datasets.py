#!/usr/bin/env python3
"""Dev-only: import the real samples, export every training format, and load each export
with Hugging Face `datasets` the way TRL does, checking the form TRL will see.

    pip install datasets
    swift build && python3 scripts/reference/check_exports_with_datasets.py [path/to/pairwise]

TRL decides from a dataset's first row whether it is conversational (`is_conversational`:
prompt/chosen/rejected are lists of {role, content}); `datasets` itself refuses a JSON file
whose rows mix strings and lists in one column. This script checks both, and that TRL's
implicit-prompt rule (`extract_prompt`, re-stated below from TRL's data_utils) splits the
hh-rlhf export back into the same prompts as the trl export. The app never needs Python.
"""
import json
import os
import subprocess
import sys
import tempfile

import datasets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "datasets")
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "pairwise")


def run(args, cwd):
    result = subprocess.run([BINARY] + args, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"pairwise {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def extract_prompt(chosen, rejected):
    """TRL's rule for implicit string prompts: the common prefix, less a trailing space."""
    for idx in range(min(len(chosen), len(rejected))):
        if chosen[idx] != rejected[idx]:
            if chosen[idx - 1] == " ":
                idx -= 1
            break
    return chosen[:idx]


def is_conversational(row):
    """TRL's test, on the first row: a list of {role, content} messages."""
    for key in ("prompt", "chosen", "rejected"):
        value = row.get(key)
        if isinstance(value, list) and value and isinstance(value[0], dict) and "role" in value[0] and "content" in value[0]:
            return True
    return False


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        run(["init"], work)
        real = os.path.join(SHARED, "real-formats")
        run(["import", os.path.join(real, "llamafactory-dpo_en_demo.json"), "--labels-as", "lf"], work)
        run(["import", os.path.join(real, "pandalm-testset-v1.json"), "--labels-as", "pandalm", "--on-conflict", "skip"], work)
        run(["import", os.path.join(real, "arena-battles.jsonl"), "--labels-as", "arena"], work)
        run(["import", os.path.join(SHARED, "hh-rlhf", "harmless-base-test.jsonl.gz"), "--labels-as", "hh"], work)
        for fmt in ("trl", "hh-rlhf", "helpsteer2"):
            path = os.path.join(work, f"{fmt}.jsonl")
            out = run(["export", "--format", fmt, "--plain", "--out", path], work)
            rows = datasets.load_dataset("json", data_files=path, split="train")
            print(f"{fmt}: {len(rows)} rows load with datasets {datasets.__version__}; columns {rows.column_names}; "
                  f"{out.stderr.strip().replace(chr(10), '; ')}")
            if fmt == "trl":
                first = rows[0]
                if not is_conversational(first):
                    print("  FAIL: the trl export is not conversational though the project has chat prompts")
                    failures += 1
                forms = {type(row["prompt"]).__name__ for row in rows}
                if forms != {"list"}:
                    print(f"  FAIL: prompt forms {forms}")
                    failures += 1
            if fmt == "hh-rlhf":
                bad = [row for row in rows if not extract_prompt(row["chosen"], row["rejected"]).rstrip().endswith("Assistant:")
                       and "\n\nHuman: " in row["chosen"]]
                # Replies that share their opening words push TRL's naive prefix past the marker;
                # count them, as TRL users meet them.
                print(f"  TRL's extract_prompt ends past the last '\\n\\nAssistant:' on {len(bad)} of {len(rows)} rows")
    if failures:
        sys.exit(f"{failures} check(s) failed")
    print("all exports load as TRL expects")


if __name__ == "__main__":
    main()
