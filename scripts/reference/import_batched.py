#!/usr/bin/env python3
"""Dev-only: `pairwise import` side by side with the batched import a competent Python user
would write (not import_baseline.py's one execute per row): json.loads per line, the same
content hash (SHA-256 of [prompt, response, response], the responses in text order), ids
given in Python and duplicates skipped with a set, rows written with executemany in batches
of 2,000 records, one transaction on a WAL database, with the same unique keys. With
--labels the file is TRL (prompt, chosen, rejected) and each record also gets a judgment row.
Whole process each, runs alternated, medians; peak memory from /usr/bin/time.

    swift build -c release --product pairwise
    python3 scripts/reference/realistic_pairs.py /tmp/real --records 200000
    python3 scripts/reference/import_batched.py /tmp/real/pairs.jsonl [--runs 3]
    head -100000 /tmp/real/trl.jsonl > /tmp/real/trl100k.jsonl
    python3 scripts/reference/import_batched.py /tmp/real/trl100k.jsonl --labels [--runs 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from import_baseline import SCHEMA

ROOT = Path(__file__).resolve().parents[2]

BATCHED = "SCHEMA = " + repr(SCHEMA) + r"""
import hashlib, json, sqlite3, sys
path, database, labels = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
db = sqlite3.connect(database, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.executescript(SCHEMA + '''
CREATE TABLE judgments (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id), annotator TEXT NOT NULL,
                        strength INTEGER NOT NULL, both_bad INTEGER NOT NULL, shown_order TEXT NOT NULL, ms INTEGER NOT NULL,
                        created_at TEXT NOT NULL, origin TEXT NOT NULL, source TEXT);
CREATE INDEX judgments_by_item ON judgments(item_id);
''')
now = db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").fetchone()[0]
seen_hashes, seen_ids = set(), set()
items, responses, judgments = [], [], []
next_id = 1

def flush():
    db.executemany("INSERT INTO items (id, external_id, content_hash, prompt, source_file, source_line, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", items)
    db.executemany("INSERT INTO responses (item_id, slot, text) VALUES (?, ?, ?)", responses)
    if judgments:
        db.executemany("INSERT INTO judgments (item_id, annotator, strength, both_bad, shown_order, ms, created_at, origin, source) VALUES (?, ?, ?, 0, 'ab', 0, ?, 'import:trl', ?)", judgments)
    items.clear(); responses.clear(); judgments.clear()

db.execute("BEGIN")
with open(path, encoding="utf-8") as f:
    for line_number, line in enumerate(f, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        if labels:
            prompt, chosen, rejected = record["prompt"], record["chosen"], record["rejected"]
            a, b = (chosen, rejected) if chosen <= rejected else (rejected, chosen)
        else:
            prompt, a, b = record["prompt"], record["response_a"], record["response_b"]
        one, two = (a, b) if a <= b else (b, a)
        digest = hashlib.sha256(json.dumps([prompt, one, two], ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
        external = record.get("id") or digest[:32]
        if digest in seen_hashes or external in seen_ids:
            continue
        seen_hashes.add(digest); seen_ids.add(external)
        items.append((next_id, external, digest, json.dumps(prompt, ensure_ascii=False), path, line_number, now))
        responses.append((next_id, "a", a)); responses.append((next_id, "b", b))
        if labels:
            judgments.append((next_id, "bench", -2 if a == chosen else 2, now, path))
        next_id += 1
        if len(items) >= 2000:
            flush()
flush()
db.execute("COMMIT")
"""


def run(argv):
    # The previous run's database is still being written back to disk: let it finish first,
    # so that neither side pays for the other's writes.
    os.sync()
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1]) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--labels", action="store_true", help="the file is TRL; each record is also a judgment")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairwise", default=str(ROOT / ".build/release/pairwise"))
    args = parser.parse_args()
    size = os.path.getsize(args.file) / 1e6
    ours, theirs = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "p.sqlite")
            subprocess.run([args.pairwise, "init", "--db", db], check=True, capture_output=True)
            ours.append(run([args.pairwise, "import", args.file, "--db", db] + (["--labels-as", "bench"] if args.labels else [])))
        with tempfile.TemporaryDirectory() as tmp:
            theirs.append(run([sys.executable, "-c", BATCHED, args.file, str(Path(tmp) / "p.sqlite"), "1" if args.labels else "0"]))
    median = lambda runs: statistics.median(t for t, _ in runs)
    peak = lambda runs: max(m for _, m in runs)
    what = "with labels" if args.labels else "pairs"
    print(f"import {what}, {size:.0f} MB, whole process, median of {args.runs} alternated runs:")
    print(f"  pairwise import                  {median(ours):7.2f} s  {size / median(ours):6.1f} MB/s  peak {peak(ours):5.0f} MB  ({', '.join(f'{t:.2f}' for t, _ in ours)})")
    print(f"  batched json.loads + sqlite3     {median(theirs):7.2f} s  {size / median(theirs):6.1f} MB/s  peak {peak(theirs):5.0f} MB  ({', '.join(f'{t:.2f}' for t, _ in theirs)})")
    print(f"  pairwise is {median(theirs) / median(ours):.2f}x as fast")


if __name__ == "__main__":
    main()
