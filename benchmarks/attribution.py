"""Speaker attribution on the PDNC dev set, in both conditions, scored by the corpus's score.py.

    PYTHONPATH=src python benchmarks/attribution.py [--gold-dir DIR] [--only NOVEL] [--dump DIR]

Conditions: "cast" (a Cast built from the gold characters with aliases and gender, placeholder
speakers excluded: what a voices.yaml listing the characters gives) and "none" (characters
discovered).  Prints quotation accuracy by novel and by quote type, span coverage (gold spans
matched by a dialogue segment), spurious dialogue segments, and seconds per novel.
The gold data is read from --gold-dir and never copied into the repository.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

from dramatis.attribution import attribute
from dramatis.model import Cast, Character
from dramatis.text.lexicon import CROWD, EXTRAS
from dramatis.text.segment import segment

ROOT = Path(__file__).resolve().parent.parent
GENDERS = {"F": "female", "M": "male"}
TYPES = ("explicit", "anaphoric", "implicit")


def load_score(gold_dir: Path):
    path = gold_dir.parent / "score.py"
    spec = importlib.util.spec_from_file_location("pdnc_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ALL_LISTED = False  # --all-listed: also list entries whose gender is not annotated (X)


def gold_cast(gold: dict) -> Cast:
    """The voices.yaml a reader would write: speakers with aliases and gender.

    Entries with gender X ("not annotated": never-speaking mentions such as "Fact", "Heaven",
    "Kellynch Hall", or a bare "Bounderby" beside "Josiah Bounderby") are left out unless
    --all-listed is given.
    """
    chars = {}
    for c in gold["characters"]:
        if c.get("pseudo") or c["name"].startswith("_"):
            continue
        if c["gender"] == "X" and not ALL_LISTED:
            continue
        aliases = [a for a in c.get("aliases", []) if a != c["name"]]
        chars[c["name"]] = Character(c["name"], aliases, GENDERS.get(c["gender"], "unknown"))
    return Cast(characters=chars)


def pdnc_name(speaker: str | None) -> str:
    """Our speaker in PDNC's vocabulary: its placeholders _group and _unknowable are what our
    extras (Crowd; Someone, A man, A woman) stand for."""
    if speaker == CROWD:
        return "_group"
    if speaker in EXTRAS:
        return "_unknowable"
    return speaker or ""


def run(gold: dict, cast: Cast | None) -> tuple[dict, float]:
    t0 = time.perf_counter()
    text = gold["text"]
    att = attribute(text, segment(text), cast)
    dt = time.perf_counter() - t0
    quotes = [
        {"start": s.start, "end": s.end, "speaker": pdnc_name(s.speaker), "line_id": s.line_id}
        for s in att.segments
        if s.kind == "dialogue"
    ]
    return {
        "quotes": quotes,
        "characters": [c.name for c in att.characters],
        "narrator": att.narrator,
    }, dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=ROOT.parent / "shared" / "attribution" / "dev")
    ap.add_argument("--only", action="append", help="novel file stem(s) to run")
    ap.add_argument("--cond", choices=["cast", "none", "both"], default="both")
    ap.add_argument("--dump", type=Path, help="write predictions here (outside the repo)")
    ap.add_argument("--all-listed", action="store_true", help="cast includes gender-X entries")
    a = ap.parse_args()
    global ALL_LISTED
    ALL_LISTED = a.all_listed
    score = load_score(a.gold_dir)
    files = sorted(p for p in a.gold_dir.glob("*.json") if not p.name.startswith("_"))
    if a.only:
        files = [p for p in files if p.stem in a.only]
    conds = ["cast", "none"] if a.cond == "both" else [a.cond]
    tot: dict[str, dict[str, list[int]]] = {c: {} for c in conds}
    head = (
        f"{'novel':28s} {'cond':4s} {'quot':>5s} {'acc':>6s} "
        + " ".join(f"{t[:5]:>6s}" for t in TYPES)
        + f" {'span':>6s} {'cover':>7s} {'spur':>6s} {'sec':>5s}"
    )
    print(head)
    for p in files:
        gold = json.loads(p.read_text(encoding="utf-8"))
        for cond in conds:
            pred, dt = run(gold, gold_cast(gold) if cond == "cast" else None)
            if a.dump:
                a.dump.mkdir(parents=True, exist_ok=True)
                (a.dump / f"{cond}-{p.name}").write_text(json.dumps(pred))
            r = score.score(gold, pred)
            q = r["quotation"]
            missed = coverage_missed(gold, pred)
            ng = len(gold["quotes"])
            nd = len(pred["quotes"])
            t = tot[cond]
            for key, b in [("all", q)] + [(k, q["by_type"].get(k)) for k in TYPES]:
                if b:
                    t.setdefault(key, [0, 0])
                    t[key][0] += b["correct"]
                    t[key][1] += b["n"]
            t.setdefault("span", [0, 0])
            t["span"][0] += r["span"]["correct"]
            t["span"][1] += r["span"]["n"]
            t.setdefault("cover", [0, 0])
            t["cover"][0] += ng - missed
            t["cover"][1] += ng
            t.setdefault("spur", [0, 0])
            t["spur"][0] += r["spurious_predictions"]
            t["spur"][1] += nd
            t.setdefault("sec", [0, 0])
            t["sec"][0] += dt
            types = " ".join(
                f"{q['by_type'][k]['accuracy']:6.3f}" if k in q["by_type"] else "     -"
                for k in TYPES
            )
            print(
                f"{p.stem[:28]:28s} {cond:4s} {q['n']:5d} {q['accuracy']:6.3f} {types} "
                f"{r['span']['accuracy']:6.3f} {1 - missed / ng:7.2%} "
                f"{r['spurious_predictions'] / max(1, nd):6.2%} {dt:5.2f}"
            )
    for cond in conds:
        t = tot[cond]

        def f(k: str, t: dict = t) -> str:
            return f"{t[k][0] / t[k][1]:6.3f}" if t.get(k) and t[k][1] else "     -"

        print(
            f"{'ALL (micro)':28s} {cond:4s} {t['all'][1]:5d} {f('all')} "
            + " ".join(f(k) for k in TYPES)
            + f" {f('span')} {t['cover'][0] / t['cover'][1]:7.2%} "
            f"{t['spur'][0] / t['spur'][1]:6.2%} {t['sec'][0]:5.2f}"
        )
    return 0


def coverage_missed(gold: dict, pred: dict) -> int:
    """Gold spans that no dialogue segment overlaps."""
    import bisect

    ps = sorted((q["start"], q["end"]) for q in pred["quotes"])
    starts = [s for s, _ in ps]
    missed = 0
    for q in gold["quotes"]:
        i = bisect.bisect_left(starts, q["end"]) - 1
        hit = False
        while i >= 0 and ps[i][1] > q["start"] - 0:
            if ps[i][0] < q["end"] and ps[i][1] > q["start"]:
                hit = True
                break
            i -= 1
            if i >= 0 and q["start"] - ps[i][0] > 20000:
                break
        missed += not hit
    return missed


if __name__ == "__main__":
    sys.exit(main())
