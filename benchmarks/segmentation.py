"""Quote-span quality of the segmenter alone on the PDNC dev set (no attribution, seconds).

    PYTHONPATH=src python benchmarks/segmentation.py [--gold-dir DIR] [--only NOVEL] [--show N]
                                                     [--reasons] [--variant V] [--audit [FILE]]

Per novel: gold spans matched by a dialogue segment (coverage), dialogue segments overlapping
no gold span (spurious: narration that would be voiced by a character), and segment() time.
Matching follows the corpus's score.py: any character overlap counts.  ``--show`` prints up to
N spurious segments and N missed gold spans per novel, to study them.  ``--reasons`` counts,
for each rule that keeps a quoted span as narration (mention, title, document, indirect...),
how many spans it took and how many of them the gold marks as speech (the rule's cost).
``--audit`` splits the spurious segments by benchmarks/spurious_audit.json, our hand reading of
each in context: real speech the gold leaves unannotated (a chorus, an unnamed speaker, a letter
read aloud) versus narration voiced as dialogue.  The first is not an error of the segmenter, so
the table adds spurious % without it; a spurious segment the audit does not list (offsets
changed, or new) is printed as unaudited and counted as narration until someone reads it.
The gold data is read from --gold-dir and never copied into the repository.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import time
from pathlib import Path

from dramatis.text.segment import classified_spans, segment

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "benchmarks" / "spurious_audit.json"


def overlap_flags(
    gold: list[tuple[int, int]], pred: list[tuple[int, int]]
) -> tuple[list[bool], list[bool]]:
    """(gold span matched?, prediction matched?) by interval overlap, as score.py counts."""
    pred = sorted(pred)
    starts = [s for s, _ in pred]
    maxlen = max((e - s for s, e in pred), default=0)
    gold_hit = [False] * len(gold)
    pred_hit = [False] * len(pred)
    for gi, (gs, ge) in enumerate(gold):
        i = bisect.bisect_left(starts, gs - maxlen)
        while i < len(pred) and starts[i] < ge:
            if min(ge, pred[i][1]) > max(gs, starts[i]):
                gold_hit[gi] = pred_hit[i] = True
            i += 1
    return gold_hit, pred_hit


def _unwrapped(text: str) -> str:
    """One paragraph per line: line breaks inside paragraphs become spaces."""
    return re.sub(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)", lambda m: " " * len(m.group()), text)


def _curly(text: str) -> str:
    """Typographic double quotes, chosen by the characters beside each mark.  (These books
    nest speech in the same marks, which typeset text would not: curly scores run low.)"""

    def opens(i: int) -> bool:
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return before.isspace() or before in "([" or (before in "—-" and not after.isspace())

    return "".join(("“" if opens(i) else "”") if c == '"' else c for i, c in enumerate(text))


def _single(text: str) -> str:
    """British style: single quotes for speech, the same mark as apostrophes (and as the
    nested quotes, which these books already set in single quotes)."""
    return text.replace('"', "'")


# Other typings of the same books, to check that rules learnt on one typing generalise.
VARIANTS = {"plain": lambda t: t, "unwrapped": _unwrapped, "curly": _curly, "single": _single}


def load_audit(path: Path) -> dict[tuple[str, int, int], str]:
    """(novel, start, end) -> category of each spurious segment read by hand."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(x["novel"], x["start"], x["end"]): x["category"] for x in data["segments"]}


def report_audit(
    spurious: dict[str, list[tuple[int, int]]],
    dialogue: dict[str, int],
    audit: dict[tuple[str, int, int], str],
    texts: dict[str, str],
) -> None:
    """Spurious segments split into audited real speech, audited narration and unaudited."""
    print(
        f"\n{'audit':28s} {'spur':>4s} {'speech':>6s} {'narr':>4s} {'unaud':>5s} "
        f"{'raw%':>6s} {'narr%':>6s}"
    )
    cats: dict[str, int] = {}
    unaudited: list[tuple[str, int, int]] = []
    tot = [0, 0, 0, 0, 0]
    for novel, segs in spurious.items():
        speech = narr = unaud = 0
        for s, e in segs:
            cat = audit.get((novel, s, e))
            if cat is None:
                unaud += 1
                unaudited.append((novel, s, e))
                continue
            cats[cat] = cats.get(cat, 0) + 1
            if cat.startswith("speech"):
                speech += 1
            else:
                narr += 1
        row = [len(segs), speech, narr, unaud, dialogue[novel]]
        tot = [a + b for a, b in zip(tot, row, strict=True)]
        _audit_row(novel, row)
    _audit_row("ALL", tot)
    print("   (narr%: spurious segments less audited real speech, per dialogue segment)")
    for cat, n in sorted(cats.items(), key=lambda x: (not x[0].startswith("speech"), -x[1])):
        print(f"   {cat:18s} {n:4d}")
    for novel, s, e in unaudited:
        words = " ".join(texts[novel][s:e].split()[:8])
        print(f"   UNAUDITED {novel} {s} {e}: {words!r}")


def _audit_row(name: str, row: list[int]) -> None:
    n, speech, narr, unaud, dia = row
    print(
        f"{name[:28]:28s} {n:4d} {speech:6d} {narr:4d} {unaud:5d} "
        f"{n / max(1, dia):6.2%} {(n - speech) / max(1, dia):6.2%}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=ROOT.parent / "shared" / "attribution" / "dev")
    ap.add_argument("--only", action="append", help="novel file stem(s) to run")
    ap.add_argument("--show", type=int, default=0, help="print N spurious and N missed per novel")
    ap.add_argument("--reasons", action="store_true", help="narration rules: spans taken / gold")
    ap.add_argument(
        "--variant",
        choices=sorted(VARIANTS),
        default="plain",
        help="retype the text first (same offsets): unwrapped paragraphs, curly or single quotes",
    )
    ap.add_argument(
        "--audit",
        nargs="?",
        type=Path,
        const=AUDIT,
        help="split spurious segments by a hand audit (default benchmarks/spurious_audit.json)",
    )
    a = ap.parse_args()
    files = sorted(p for p in a.gold_dir.glob("*.json") if not p.name.startswith("_"))
    if a.only:
        files = [p for p in files if p.stem in a.only]
    print(
        f"{'novel':28s} {'gold':>5s} {'cover':>7s} {'dia':>5s} {'spur':>4s} {'spur%':>6s} {'sec':>5s}"
    )
    tg = tm = td = ts = 0
    tsec = 0.0
    reasons: dict[str, list[int]] = {}
    spurious: dict[str, list[tuple[int, int]]] = {}
    dialogue: dict[str, int] = {}
    texts: dict[str, str] = {}
    for p in files:
        data = json.loads(p.read_text(encoding="utf-8"))
        text = VARIANTS[a.variant](data["text"])
        t0 = time.perf_counter()
        segs = segment(text)
        dt = time.perf_counter() - t0
        pred = sorted((s.start, s.end) for s in segs if s.kind == "dialogue")
        gold = [(int(q["start"]), int(q["end"])) for q in data["quotes"]]
        gh, ph = overlap_flags(gold, pred)
        missed = gh.count(False)
        spur = ph.count(False)
        tg += len(gold)
        tm += missed
        td += len(pred)
        ts += spur
        tsec += dt
        spurious[p.stem] = [x for x, hit in zip(pred, ph, strict=True) if not hit]
        dialogue[p.stem] = len(pred)
        texts[p.stem] = text
        print(
            f"{p.stem[:28]:28s} {len(gold):5d} {1 - missed / max(1, len(gold)):7.2%} "
            f"{len(pred):5d} {spur:4d} {spur / max(1, len(pred)):6.2%} {dt:5.2f}"
        )
        if a.reasons:
            narr = [(s, e, r) for s, e, r in classified_spans(text) if r]
            _, hit = overlap_flags(gold, [(s, e) for s, e, _ in narr])
            for (_, _, r), h in zip(sorted(narr), hit, strict=True):
                reasons.setdefault(r, [0, 0])
                reasons[r][0] += 1
                reasons[r][1] += h
        if a.show:
            for (s, e), _hit in [x for x in zip(pred, ph, strict=True) if not x[1]][: a.show]:
                print(f"   SPUR {s}: {text[max(0, s - 60) : s]!r} >>> {text[s:e][:300]!r}")
            for (s, e), _hit in [x for x in zip(gold, gh, strict=True) if not x[1]][: a.show]:
                print(f"   MISS {s}: {text[max(0, s - 40) : e + 20][:300]!r}")
    print(
        f"{'ALL':28s} {tg:5d} {1 - tm / max(1, tg):7.2%} {td:5d} {ts:4d} "
        f"{ts / max(1, td):6.2%} {tsec:5.2f}"
    )
    for r, (n, g) in sorted(reasons.items(), key=lambda x: -x[1][0]):
        print(f"   narration by {r:10s} {n:5d} spans, {g:4d} of them speech in the gold")
    if a.audit:
        report_audit(spurious, dialogue, load_audit(a.audit), texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
