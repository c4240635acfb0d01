#!/usr/bin/env python3
"""Dev-only: the plain-Python import `pairwise import` is measured against, side by side,
whole process each, on the same jsonl (records with id, prompt, response_a, response_b):
json.loads per line, the same content hash (SHA-256 of [prompt, response, response], the
responses in text order), and sqlite3 rows for the item and its two responses, with the
same unique keys, in one transaction on a WAL database, as pairwise does.

    swift build -c release --product pairwise
    python3 scripts/reference/import_baseline.py FILE.jsonl [--runs 3]
"""
import argparse
import hashlib
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The tables and unique keys both reference imports write (pairwise's, for items and responses).
SCHEMA = """
CREATE TABLE items (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL UNIQUE,
                    prompt TEXT NOT NULL, metadata TEXT NOT NULL DEFAULT '{}', source_file TEXT, source_line INTEGER, created_at TEXT NOT NULL);
CREATE TABLE responses (item_id INTEGER NOT NULL REFERENCES items(id), slot TEXT NOT NULL, text TEXT NOT NULL, model TEXT,
                        PRIMARY KEY (item_id, slot)) WITHOUT ROWID;
"""

BASELINE = "SCHEMA = " + repr(SCHEMA) + r"""
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.executescript(SCHEMA)
db.execute("BEGIN")
for line_number, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if not line.strip():
        continue
    record = json.loads(line)
    prompt, a, b = record["prompt"], record["response_a"], record["response_b"]
    one, two = (a, b) if a <= b else (b, a)
    digest = hashlib.sha256(json.dumps([prompt, one, two], ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    cursor = db.execute("INSERT OR IGNORE INTO items (external_id, content_hash, prompt, source_file, source_line, created_at) VALUES (?, ?, ?, ?, ?, datetime('now'))",
                        (record.get("id") or digest[:12], digest, json.dumps(prompt, ensure_ascii=False), sys.argv[1], line_number))
    if cursor.rowcount:
        db.executemany("INSERT INTO responses (item_id, slot, text) VALUES (?, ?, ?)", [(cursor.lastrowid, "a", a), (cursor.lastrowid, "b", b)])
db.execute("COMMIT")
"""


def timed(command, runs, env=None):
    times, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "p.sqlite")
            if command[0] == "pairwise":
                binary = str(ROOT / ".build/release/pairwise")
                subprocess.run([binary, "init", "--db", db], check=True, capture_output=True, env=env)
                argv = [binary, "import", command[1], "--db", db]
            else:
                argv = [sys.executable, "-c", BASELINE, command[1], db]
            start = time.perf_counter()
            run = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, check=True, capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - start)
            peaks.append(int(run.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = os.path.getsize(args.file) / 1e6
    env = dict(os.environ, USER=os.environ.get("USER", "lead"))
    ours, our_peak = timed(["pairwise", args.file], args.runs, env)
    theirs, their_peak = timed(["python", args.file], args.runs, env)
    print(f"import {size:.0f} MB, whole process, median of {args.runs}:")
    print(f"  pairwise import        {ours:7.2f} s  {size / ours:6.1f} MB/s  peak {our_peak:6.0f} MB")
    print(f"  json.loads + sqlite3   {theirs:7.2f} s  {size / theirs:6.1f} MB/s  peak {their_peak:6.0f} MB   ({theirs / ours:.2f}x pairwise's time)")


if __name__ == "__main__":
    main()
