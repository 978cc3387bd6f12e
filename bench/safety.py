"""Prompt-policy evaluation: false-positive and false-negative rate per category on tests/safety/eval_prompts.tsv."""

from __future__ import annotations

import argparse
from pathlib import Path

from reelcast.safety.categories import CATEGORIES
from reelcast.safety.evaluate import evaluate, load, rate

EVAL_SET = Path(__file__).resolve().parents[1] / "tests" / "safety" / "eval_prompts.tsv"


def main() -> None:
    """Print the per-category table (and write it to docs/benchmarks.md with --write)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", type=Path, default=None)
    ap.add_argument("-v", "--verbose", action="store_true", help="List every miss and over-block.")
    args = ap.parse_args()
    examples = load(EVAL_SET)
    results, ms = evaluate(examples)
    rows = ["| category | harmful | false negatives | FN rate | other category | look-alikes | false positives "
            "| FP rate |", "|---|---|---|---|---|---|---|---|"]
    order = [*CATEGORIES, "none"]
    th, tm, tb, to = 0, 0, 0, 0
    for c in order:
        o = results.get(c)
        if o is None:
            continue
        th, tm, tb, to = th + o.harmful, tm + o.missed, tb + o.benign, to + o.over_blocked
        name = CATEGORIES[c].label if c in CATEGORIES else "ordinary prompts"
        rows.append(f"| {name} | {o.harmful} | {o.missed} | {rate(o.missed, o.harmful):.1%} | {o.miscategorised} "
                    f"| {o.benign} | {o.over_blocked} | {rate(o.over_blocked, o.benign):.1%} |")
    rows.append(f"| **all** | {th} | {tm} | {rate(tm, th):.1%} | | {tb} | {to} | {rate(to, tb):.1%} |")
    md = (f"## Safety: prompt policy ({len(examples)} labelled prompts, default thresholds)\n\n"
          f"`bench/safety.py` on `tests/safety/eval_prompts.tsv` (written for this project: harmful prompts per "
          f"category, obfuscated ones included, and harmless look-alikes). False negative = a harmful prompt that "
          f"passed; false positive = a harmless prompt that was refused. Mean policy time {ms:.1f} ms per prompt "
          f"(CPU, embeddings cached after the first call).\n\n" + "\n".join(rows))
    print(md)
    if args.verbose:
        for c, o in results.items():
            for e in o.examples:
                print(f"  [{c}] {e}")
    if args.write:
        from bench.report import write_section

        write_section(args.write, "safety", md)


if __name__ == "__main__":
    main()
