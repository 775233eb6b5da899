"""Train the speaker ranker (src/dramatis/data/speaker_ranker.json) on the PDNC dev set.

    PYTHONPATH=src python benchmarks/train_attribution.py [--gold-dir DIR] [--hidden 8] [--write]

A conditional logit (softmax over each quote's candidate speakers) with L2 regularisation,
optionally with a tanh hidden layer (--hidden), fitted with numpy/scipy here and never
imported by Dramatis itself.  Both conditions (cast given, characters discovered) are pooled.
Prints leave-one-novel-out accuracy (the figure that says whether it generalises) next to the
sieve's and the all-novels fit; ``--write`` stores the all-novels model.  The gold data is
read from --gold-dir, never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

from dramatis.attribution import sieve
from dramatis.attribution.ranker.features import ALT as SHIPPED_ALT
from dramatis.attribution.ranker.features import NULL, Ranker, candidates, decode
from dramatis.text.segment import segment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attribution import ROOT, TYPES, gold_cast, load_score

ALT: float | None = None
OUT = ROOT / "src" / "dramatis" / "data" / "speaker_ranker.json"


def extract(gold: dict, cast, score) -> dict:
    """Candidates, features and labels for every dialogue segment of one novel."""
    text = gold["text"]
    att = sieve(text, segment(text), cast)
    d = {"att": att, "gold": gold, "resolver": score.Resolver(gold["characters"])}
    d["rows"] = label(d, candidates(att))
    return d


def label(d: dict, rows) -> list:
    """Add to each (segment, candidates, features) row whether each candidate is right."""
    import bisect

    att, resolver = d["att"], d["resolver"]
    gq = sorted(d["gold"]["quotes"], key=lambda q: q["start"])
    starts = [q["start"] for q in gq]
    out = []
    for k, cands, feats in rows:
        s = att.segs[k]
        i = bisect.bisect_left(starts, s.end) - 1
        best, ov = None, 0
        while i >= 0 and gq[i]["end"] > s.start - 5000:
            o = min(s.end, gq[i]["end"]) - max(s.start, gq[i]["start"])
            if o > ov:
                best, ov = gq[i], o
            i -= 1
        gold_spk = best["speaker"] if best else None
        labels = [
            bool(gold_spk) and resolver.candidates(att.chars[c].name) == {gold_spk} for c in cands
        ]
        out.append((k, cands, feats, labels))
    return out


def second_rows(d: dict, first: Ranker) -> dict:
    """The rows the second pass sees: features recomputed after the first model's answers."""
    att = d["att"]
    decode(att, d["rows"], first, None)
    rows = label(d, candidates(att))
    att.spk, att.conf = dict(att.spk0), dict(att.conf0)
    return {"rows": rows}


def fit_stacked(data: list[dict], vocab: list[str], a) -> Ranker:
    """First-pass model on the sieve's context; with --stack a second-pass model fitted on
    the context the first pass leaves (what the joint-decoding pass really sees)."""
    first = fit(data, vocab, a.l2, a.hidden, a.l2h)
    if not a.stack:
        return first
    second = fit([second_rows(d, first) for d in data], vocab, a.l2, a.hidden, a.l2h)
    first.second = second
    return first


def matrix(data: list[dict], vocab: list[str]):
    """Sparse candidate-by-feature matrix, group (quote) ids and labels."""
    idx = {n: i for i, n in enumerate(vocab)}
    vals, cols, ptr, groups, ys = [], [], [0], [], []
    g = 0
    for d in data:
        for _k, cands, feats, labels in d["rows"]:
            if not cands:
                continue
            # the null option ("someone else") is right when no candidate is
            for f, y in zip([*feats, {NULL: 1.0}], [*labels, not any(labels)], strict=True):
                for n, x in f.items():
                    if n in idx:
                        cols.append(idx[n])
                        vals.append(x)
                ptr.append(len(cols))
                groups.append(g)
                ys.append(y)
            g += 1
    X = csr_matrix((vals, cols, ptr), shape=(len(ptr) - 1, len(vocab)))
    return X, np.array(groups), np.array(ys, dtype=float), g


def fit(
    data: list[dict], vocab: list[str], l2: float, hidden: int = 0, l2h: float = 10.0, seed: int = 0
) -> Ranker:
    """Maximum likelihood of the right candidate (softmax within each quote), L2-penalised.

    With ``hidden`` > 0 a tanh layer is added on top of the linear part (started from the
    linear fit), the same objective, the gradients written out by hand for L-BFGS.
    """
    X, grp, y, _ng = matrix(data, vocab)
    d = len(vocab)

    heads = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])  # groups are contiguous

    def softmax_grad(s: np.ndarray):
        mx = np.maximum.reduceat(s, heads)
        e = np.exp(s - mx[grp])
        z = np.add.reduceat(e, heads)
        zp = np.add.reduceat(e * y, heads)
        loss = -np.sum(np.log(zp) - np.log(z))
        return loss, e / z[grp] - e * y / zp[grp]

    def obj(w: np.ndarray):
        loss, ds = softmax_grad(X @ w)
        return loss + l2 * w @ w, X.T @ ds + 2 * l2 * w

    w0 = minimize(obj, np.zeros(d), jac=True, method="L-BFGS-B").x
    if not hidden:
        return Ranker(vocab, w0.tolist())
    h = hidden

    def unpack(t: np.ndarray):
        return t[:d], t[d : d + h * d].reshape(h, d), t[d + h * d : d + h * d + h], t[-h:]

    def obj2(t: np.ndarray):
        w, w1, b1, v = unpack(t)
        a = np.tanh(X @ w1.T + b1)
        loss, ds = softmax_grad(X @ w + a @ v)
        dz = (ds[:, None] * v[None, :]) * (1 - a * a)
        grad = np.concatenate(
            [
                X.T @ ds + 2 * l2 * w,
                ((X.T @ dz).T + 2 * l2h * w1).ravel(),
                dz.sum(0),
                a.T @ ds + 2 * l2h * v,
            ]
        )
        return loss + l2 * (w @ w) + l2h * (np.sum(w1 * w1) + v @ v), grad

    rng = np.random.default_rng(seed)
    t0 = np.concatenate([w0, rng.normal(0, 0.3, h * d), np.zeros(h), rng.normal(0, 0.3, h)])
    t = minimize(obj2, t0, jac=True, method="L-BFGS-B", options={"maxiter": 200}).x
    w, w1, b1, v = unpack(t)
    return Ranker(vocab, w.tolist(), {"W": w1.tolist(), "b": b1.tolist(), "v": v.tolist()})


def evaluate(d: dict, weights: Ranker | None, score, passes: int = 1) -> dict:
    att = d["att"]
    if weights is not None:
        for n in range(passes):
            rows = d["rows"] if n == 0 else candidates(att)
            model = weights.second if n and weights.second is not None else weights
            decode(att, rows, model, ALT if n == passes - 1 else None)
    quotes = [
        {
            "start": att.segs[k].start,
            "end": att.segs[k].end,
            "speaker": att.chars[att.spk[k]].name if k in att.spk else "",
        }
        for k in att.dia
    ]
    att.spk, att.conf = dict(att.spk0), dict(att.conf0)
    return score.score(d["gold"], {"quotes": quotes})["quotation"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=ROOT.parent / "shared" / "attribution" / "dev")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--hidden", type=int, default=0, help="tanh units on top of the linear part")
    ap.add_argument("--l2h", type=float, default=10.0, help="L2 on the hidden layer")
    ap.add_argument("--stack", action="store_true", help="a second model for the second pass")
    ap.add_argument("--narrow", action="store_true", help="without the wider candidate set")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--passes", type=int, default=2, help="2 = what attribute() does")
    ap.add_argument(
        "--alt", type=float, default=SHIPPED_ALT, help="Viterbi cost of a repeated speaker"
    )
    ap.add_argument("--aba", type=float, help="Viterbi bonus for A-B-A turn-taking")
    a = ap.parse_args()
    global ALT
    ALT = a.alt
    if a.narrow:
        import dramatis.attribution.ranker.features as R

        R.WIDE = False
    if a.aba is not None:
        import dramatis.attribution.ranker.features as R

        R.ABA = a.aba
    score = load_score(a.gold_dir)
    files = sorted(p for p in a.gold_dir.glob("*.json") if not p.name.startswith("_"))
    data: dict[tuple[str, str], dict] = {}
    for p in files:
        gold = json.loads(p.read_text(encoding="utf-8"))
        for cond in ("cast", "none"):
            data[(p.stem, cond)] = extract(gold, gold_cast(gold) if cond == "cast" else None, score)
        print(f"features: {p.stem}", file=sys.stderr)
    vocab = sorted({n for d in data.values() for r in d["rows"] for f in r[2] for n in f} | {NULL})
    for cond in ("cast", "none"):
        rows = [r for (_n, c), d in data.items() if c == cond for r in d["rows"]]
        hit = sum(any(r[3]) for r in rows)
        print(f"candidate recall {cond}: {hit / len(rows):.3f} of {len(rows)} dialogue segments")
    weights_all = fit_stacked(list(data.values()), vocab, a)
    tot = {
        (m, c): {t: [0, 0] for t in ("all", *TYPES)}
        for m in ("sieve", "loo", "all")
        for c in ("cast", "none")
    }
    print(f"{'novel':28s} cond  sieve    LOO    all   (quotation accuracy)")
    for p in files:
        wl = fit_stacked([d for (n, _c), d in data.items() if n != p.stem], vocab, a)
        for cond in ("cast", "none"):
            d = data[(p.stem, cond)]
            res = {
                "sieve": evaluate(d, None, score),
                "loo": evaluate(d, wl, score, a.passes),
                "all": evaluate(d, weights_all, score, a.passes),
            }
            for m, q in res.items():
                for t, b in [("all", q)] + [(t, q["by_type"].get(t)) for t in TYPES]:
                    if b:
                        tot[(m, cond)][t][0] += b["correct"]
                        tot[(m, cond)][t][1] += b["n"]
            print(
                f"{p.stem[:28]:28s} {cond:4s} "
                + " ".join(f"{res[m]['accuracy']:6.3f}" for m in ("sieve", "loo", "all"))
            )
    for cond in ("cast", "none"):
        for m in ("sieve", "loo", "all"):
            t = tot[(m, cond)]
            print(
                f"ALL (micro) {cond:4s} {m:5s} "
                + " ".join(f"{k[:5]} {t[k][0] / max(1, t[k][1]):.3f}" for k in ("all", *TYPES))
            )
    for n, v in sorted(zip(vocab, weights_all.w, strict=True), key=lambda kv: -abs(kv[1])):
        print(f"  {n:16s} {v:+.3f}", file=sys.stderr)
    if a.write:
        OUT.write_text(json.dumps(weights_all.to_json()) + "\n")
        print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
