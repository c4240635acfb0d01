#!/usr/bin/env python3
"""Dev-only: `pairwise export` side by side with the streaming export a competent Python user
would write against the same project file, for `trl`, `judgments` and `csv`.

The reference reads the SQLite file directly, one cursor, rows streamed in item order and
written as they come (nothing held but the current item): for `trl` the judgments are
aggregated per item in SQL (sum, count, directions, both-bad) with the same label policy as
`pairwise export` (gold items and simulated annotators' judgments left out unless a lead
adjudicated the item), joined with both responses, the lead's adjudication and the newest
model run's margin; for `judgments` one joined row per current judgment, the SHA-256 of
response A computed once per item; for `csv` the same rows through `csv.writer`. Each
writes the same fields in the same order as pairwise, so the outputs are compared byte for
byte. Whole process each, runs alternated, medians; peak memory from /usr/bin/time.

    swift build -c release --product pairwise
    pairwise bench scale            # or any project with judgments
    python3 scripts/reference/export_streaming.py PROJECT.sqlite [--format trl|judgments|csv|all] [--runs 3]
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REFERENCE = r'''
import csv, hashlib, json, sqlite3, sys
database, fmt, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
db = sqlite3.connect("file:" + database + "?mode=ro", uri=True)
out = open(out_path, "w", encoding="utf-8", newline="", buffering=1 << 20)
dumps = json.JSONEncoder(ensure_ascii=False).encode

# The label policy: gold items never count; a simulated annotator's judgment counts only on
# an item a lead adjudicated (training formats) or never (per-judgment formats).
COUNTED = """
    SELECT j.* FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
    WHERE c.item_id NOT IN (SELECT item_id FROM gold_answers)
      AND (j.origin != 'simulate' {settled})
"""

if fmt == "trl":
    counted = COUNTED.format(settled="OR c.item_id IN (SELECT item_id FROM current_adjudications)")
    run = db.execute("SELECT id FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1").fetchone()
    conversational = db.execute("""SELECT EXISTS (SELECT 1 FROM items WHERE prompt LIKE '[%')
                                   OR EXISTS (SELECT 1 FROM responses WHERE turns IS NOT NULL)""").fetchone()[0] == 1
    rows = db.execute(f"""
        WITH counted AS ({counted}),
        per_item AS (SELECT item_id, count(*) AS n, sum(strength) AS total,
                            sum(strength < 0) AS a, sum(strength = 0) AS tie, sum(strength > 0) AS b
                     FROM counted GROUP BY item_id)
        SELECT i.external_id, i.prompt, ra.text, ra.turns, rb.text, rb.turns, p.n, p.total, p.a, p.tie, p.b,
               adj.strength, s.margin
        FROM per_item p
        JOIN items i ON i.id = p.item_id
        JOIN responses ra ON ra.item_id = i.id AND ra.slot = 'a'
        JOIN responses rb ON rb.item_id = i.id AND rb.slot = 'b'
        LEFT JOIN current_adjudications adj ON adj.item_id = i.id AND i.id NOT IN (SELECT item_id FROM gold_answers)
        LEFT JOIN model_scores s ON s.run_id = ? AND s.item_id = i.id
        ORDER BY i.id
    """, (run[0] if run else -1,))

    def messages(text, turns):
        return json.loads(turns) if turns is not None else [{"role": "assistant", "content": text}]

    for external_id, prompt, a_text, a_turns, b_text, b_turns, n, total, a, tie, b, adjudicated, model_margin in rows:
        strength = float(adjudicated) if adjudicated is not None else total / n
        if strength == 0:
            continue
        a_wins = strength < 0
        agreement = (a * (a - 1) + tie * (tie - 1) + b * (b - 1)) / (n * (n - 1)) if n >= 2 else None
        source = "adjudicated" if adjudicated is not None else "single" if n == 1 else "unanimous" if agreement == 1 else "majority"
        prompt = json.loads(prompt)
        if conversational:
            if isinstance(prompt, str):
                prompt = [{"role": "user", "content": prompt}]
            chosen, rejected = messages(a_text, a_turns), messages(b_text, b_turns)
        else:
            chosen, rejected = a_text, b_text
        if not a_wins:
            chosen, rejected = rejected, chosen
        if model_margin is not None and not a_wins:
            model_margin = -model_margin
        out.write(dumps({"id": external_id, "prompt": prompt, "chosen": chosen, "rejected": rejected, "margin": abs(strength),
                         "label_source": source, "judgments": n, "agreement": agreement, "model_margin": model_margin}))
        out.write("\n")
else:
    counted = COUNTED.format(settled="")
    rows = db.execute(f"""
        SELECT j.item_id, i.external_id, p.name, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at,
               j.origin, j.source, CASE WHEN ? THEN (SELECT text FROM responses r WHERE r.item_id = j.item_id AND r.slot = 'a') END
        FROM ({counted}) j JOIN items i ON i.id = j.item_id JOIN annotators p ON p.id = j.annotator_id
        ORDER BY j.item_id, p.name
    """, (fmt == "judgments",))
    if fmt == "judgments":
        last_item, digest = None, None
        for item, external_id, name, strength, both_bad, rubric, note, shown, ms, created, origin, source, a_text in rows:
            if item != last_item:
                last_item, digest = item, hashlib.sha256(a_text.encode()).hexdigest()
            out.write(dumps({"item_id": external_id, "response_a_sha256": digest, "annotator": name, "preference_strength": strength,
                             "both_bad": both_bad == 1, "rubric": json.loads(rubric), "note": note, "shown_order": shown, "ms": ms,
                             "created_at": created, "origin": origin, "source": source}))
            out.write("\n")
    else:
        # The project's rubric decides the trailing columns; the projects benchmarked here have none.
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["item_id", "annotator", "preference_strength", "both_bad", "shown_order", "ms", "created_at", "origin", "source", "note"])
        for item, external_id, name, strength, both_bad, rubric, note, shown, ms, created, origin, source, _ in rows:
            writer.writerow([external_id, name, strength, both_bad, shown, ms, created, origin, source or "", note or ""])
out.close()
'''


def timed(command, env=None):
    """Runs a command under /usr/bin/time; returns (seconds, peak MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name, *command], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, kilobytes = report.read().split()[-2:]
    return float(seconds), int(kilobytes) / 1024


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--format", default="all", choices=["trl", "judgments", "csv", "all"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairwise", default=str(ROOT / ".build/release/pairwise"))
    args = parser.parse_args()
    formats = ["trl", "judgments", "csv"] if args.format == "all" else [args.format]
    env = dict(os.environ, USER=os.environ.get("PAIRWISE_EXPORT_USER", "lead"))
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "reference_export.py"
        script.write_text(REFERENCE)
        for fmt in formats:
            ours_path, theirs_path = Path(scratch) / f"pairwise.{fmt}", Path(scratch) / f"python.{fmt}"
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(timed([args.pairwise, "export", "--format", fmt, "--db", args.database, "--out", str(ours_path), "--force"], env=env))
                theirs.append(timed([sys.executable, str(script), args.database, fmt, str(theirs_path)]))
            same = sha256(ours_path) == sha256(theirs_path)
            size = ours_path.stat().st_size / 1e6
            o_s, o_m = statistics.median(s for s, _ in ours), max(m for _, m in ours)
            t_s, t_m = statistics.median(s for s, _ in theirs), max(m for _, m in theirs)
            print(f"export {fmt}: {size:.0f} MB, outputs {'byte-identical' if same else 'DIFFER'}")
            print(f"  pairwise          {o_s:6.2f} s  peak {o_m:5.0f} MB   runs {', '.join(f'{s:.2f}' for s, _ in ours)}")
            print(f"  streaming Python  {t_s:6.2f} s  peak {t_m:5.0f} MB   runs {', '.join(f'{s:.2f}' for s, _ in theirs)}")
            print(f"  pairwise is {t_s / o_s:.2f}x as fast")


if __name__ == "__main__":
    main()
