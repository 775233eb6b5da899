"""Speaker attribution, cross-validated: leave-one-novel-out on the PDNC dev set, plus LitBank.

    PYTHONPATH=src python benchmarks/attribution.py [--model loo|shipped|sieve] [--only NOVEL]
        [--cond cast|none|both] [--no-litbank] [--litbank-only] [--jobs 2] [--dump DIR]

Conditions: "cast" (a Cast built from the gold characters with aliases and gender, placeholder
speakers excluded: what a voices.yaml listing the characters gives) and "none" (characters
discovered).  ``--model loo`` (the figure that counts): for each held-out novel the ranker is
fitted, with train_attribution.py's recipe, on the other novels only, then ``attribute()`` runs
on the held-out novel with that model; LitBank (never used for tuning) gets a model fitted on
all dev novels in this run.  ``shipped`` uses src/dramatis/data's model everywhere (in-sample
for the novels it was trained on), ``sieve`` the rules alone.

Prints, per novel and condition: quotation accuracy overall and by quote type, ``voice``
accuracy (right voice under the best one-to-one map of names found to characters: the
nothing-given figure), span accuracy, coverage (gold spans matched by a dialogue segment),
spurious dialogue segments and seconds; then micro (over quotations) and macro (mean over
novels) averages, and LitBank's.  Novels run in parallel (``--jobs``, 2 at most on this
machine).  The gold data is read from ../shared/attribution and never copied into the
repository.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import dramatis.attribution.pipeline as pipeline
import dramatis.attribution.ranker as rank
from dramatis.attribution import attribute
from dramatis.text.segment import segment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pdnc import DEV, LITBANK, TYPES, gold_cast, load_score, pdnc_name
from train_attribution import extract_all, fit_ranker

ROWS: dict[tuple[str, str], list] = {}  # (novel, condition) -> ranker rows, set before forking
MODEL: dict[str, object] = {}  # "litbank" -> the all-novels model, set before forking
CONDS: list[str] = ["cast", "none"]


def run(gold: dict, cond: str, model, pdnc: bool = True) -> tuple[dict, float]:
    """``attribute()`` on one gold text with ``model`` as its ranker (None: rules only)."""
    pipeline.load_weights = lambda: model  # attribute() looks the ranker up at call time
    t0 = time.perf_counter()
    text = gold["text"]
    att = attribute(text, segment(text), gold_cast(gold) if cond == "cast" else None)
    dt = time.perf_counter() - t0
    name = pdnc_name if pdnc else (lambda s: s or "")
    quotes = [
        {"start": s.start, "end": s.end, "speaker": name(s.speaker), "line_id": s.line_id}
        for s in att.segments
        if s.kind == "dialogue"
    ]
    return {"quotes": quotes, "characters": [c.name for c in att.characters]}, dt


def measure(gold: dict, pred: dict, dt: float, score) -> dict:
    r = score.score(gold, pred)
    q = r["quotation"]
    return {
        "n": q["n"],
        "all": (q["correct"], q["n"]),
        **{t: (q["by_type"][t]["correct"], q["by_type"][t]["n"]) for t in q["by_type"]},
        "voice": (r["voice"]["correct"], r["voice"]["n"]),
        "span": (r["span"]["correct"], r["span"]["n"]),
        "cover": (len(gold["quotes"]) - coverage_missed(gold, pred), len(gold["quotes"])),
        "spur": (r["spurious_predictions"], max(1, len(pred["quotes"]))),
        "sec": dt,
    }


def held_out(job: tuple[str, str, str, Path | None]) -> dict[str, dict]:
    """Fit the ranker without this novel (``loo``), then attribute and score it."""
    path, mode, _, dump = job
    p = Path(path)
    if mode == "loo":
        model = fit_ranker([r for (n, _c), rs in ROWS.items() if n != p.stem for r in rs])
    else:
        model = rank.load_weights() if mode == "shipped" else None
    gold = json.loads(p.read_text(encoding="utf-8"))
    score = load_score()
    out = {}
    for cond in CONDS:
        pred, dt = run(gold, cond, model)
        if dump:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{cond}-{p.name}").write_text(json.dumps(pred))
        out[cond] = measure(gold, pred, dt, score)
    return out


def litbank_one(path: str) -> dict[str, dict]:
    p = Path(path)
    gold = json.loads(p.read_text(encoding="utf-8"))
    score = load_score()
    out = {}
    for cond in CONDS:
        pred, dt = run(gold, cond, MODEL.get("litbank"), pdnc=False)
        out[cond] = measure(gold, pred, dt, score)
    return out


def fit_all(_: object) -> object:
    return fit_ranker([r for rs in ROWS.values() for r in rs])


COLS = ("all", *TYPES, "voice", "span", "cover", "spur")


def line(label: str, cond: str, m: dict) -> str:
    def f(k: str) -> str:
        c, n = m.get(k, (0, 0))
        return f"{c / n:6.3f}" if n else "     -"

    return (
        f"{label[:28]:28s} {cond:4s} {m['n']:5d} "
        + " ".join(f(k) for k in COLS)
        + (f" {m['sec']:6.1f}")
    )


def total(ms: list[dict]) -> dict:
    t: dict = {"sec": sum(m["sec"] for m in ms), "n": sum(m["n"] for m in ms)}
    for k in COLS:
        pairs = [m[k] for m in ms if k in m]
        t[k] = (sum(c for c, _ in pairs), sum(n for _, n in pairs))
    return t


def macro(ms: list[dict]) -> dict:
    """The mean over novels of each figure (as (mean, 1), so ``line`` prints it; n = novels)."""
    t: dict = {"sec": sum(m["sec"] for m in ms), "n": len(ms)}
    for k in COLS:
        vals = [m[k][0] / m[k][1] for m in ms if k in m and m[k][1]]
        if vals:
            t[k] = (sum(vals) / len(vals), 1)
    return t


def report(title: str, results: dict[str, dict[str, dict]], per_item: bool) -> None:
    print(f"\n{title}")
    print(
        f"{'novel':28s} {'cond':4s} {'quot':>5s} {'acc':>6s} "
        + " ".join(f"{t[:5]:>6s}" for t in COLS[1:])
        + f" {'sec':>6s}"
    )
    if per_item:
        for name, res in results.items():
            for cond in CONDS:
                print(line(name, cond, res[cond]))
    for cond in CONDS:
        ms = [res[cond] for res in results.values()]
        print(line("ALL (micro)", cond, total(ms)))
    for cond in CONDS:
        ms = [res[cond] for res in results.values()]
        print(line(f"MEAN over {len(ms)} (macro)", cond, macro(ms)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=DEV)
    ap.add_argument("--litbank-dir", type=Path, default=LITBANK)
    ap.add_argument("--model", choices=["loo", "shipped", "sieve"], default="loo")
    ap.add_argument("--only", action="append", help="held-out novel file stem(s) to score")
    ap.add_argument("--cond", choices=["cast", "none", "both"], default="both")
    ap.add_argument("--no-litbank", action="store_true")
    ap.add_argument("--litbank-only", action="store_true")
    ap.add_argument("--litbank-books", action="store_true", help="print every LitBank book")
    ap.add_argument("--jobs", type=int, default=2, help="processes (the machine has 2 cores)")
    ap.add_argument("--dump", type=Path, help="write predictions here (outside the repo)")
    a = ap.parse_args()
    CONDS[:] = ["cast", "none"] if a.cond == "both" else [a.cond]
    t0 = time.perf_counter()
    files = sorted(p for p in a.gold_dir.glob("*.json") if not p.name.startswith("_"))
    if a.model == "loo":
        ROWS.update(extract_all(files, a.jobs))
        print(f"features: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    scored = [p for p in files if not a.only or p.stem in a.only]
    ctx = get_context("fork")
    if not a.litbank_only:
        jobs = [(str(p), a.model, "", a.dump) for p in scored]
        with ctx.Pool(a.jobs) as pool:
            dev = dict(
                zip([p.stem for p in scored], pool.map(held_out, jobs, chunksize=1), strict=True)
            )
        report(f"PDNC dev, ranker: {a.model} (quotation accuracy)", dev, True)
        print(f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if a.no_litbank:
        return 0
    if a.model == "loo":
        MODEL["litbank"] = fit_all(None)
    elif a.model == "shipped":
        MODEL["litbank"] = rank.load_weights()
    books = sorted(p for p in a.litbank_dir.glob("*.json") if not p.name.startswith("_"))
    with ctx.Pool(a.jobs) as pool:
        lit = dict(
            zip([p.stem for p in books], pool.map(litbank_one, map(str, books)), strict=True)
        )
    model = "fitted on all dev novels" if a.model == "loo" else a.model
    report(f"LitBank openings ({len(books)}), ranker: {model}", lit, a.litbank_books)
    print(f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return 0


def coverage_missed(gold: dict, pred: dict) -> int:
    """Gold spans that no dialogue segment overlaps."""
    ps = sorted((q["start"], q["end"]) for q in pred["quotes"])
    starts = [s for s, _ in ps]
    missed = 0
    for q in gold["quotes"]:
        i = bisect.bisect_left(starts, q["end"]) - 1
        hit = False
        while i >= 0 and ps[i][1] > q["start"]:
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
