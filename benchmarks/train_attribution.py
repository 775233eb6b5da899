"""Train the speaker ranker (src/dramatis/data/speaker_ranker.json) on the PDNC dev set.

    PYTHONPATH=src python benchmarks/train_attribution.py [--gold-dir DIR] [--write]

A conditional logit (softmax over each quote's candidate speakers) with L2 regularisation and
a small tanh hidden layer, fitted with numpy/scipy here and never imported by Dramatis itself.
Both conditions (cast given, characters discovered) are pooled.  ``fit_ranker`` is the one
recipe: ``benchmarks/attribution.py`` calls it once per held-out novel for the leave-one-novel-out
figure (the one that counts), and this script calls it on all novels to write the shipped model.
The gold data is read from --gold-dir, never copied.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import pickle
import sys
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

import dramatis.attribution.ranker.decode as rank_decode
import dramatis.attribution.ranker.features as rank_features
from dramatis.attribution import sieve
from dramatis.attribution.ranker import NULL, Ranker, candidates, decode
from dramatis.text.segment import segment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pdnc import DEV, ROOT, gold_cast, load_score, pdnc_name

OUT = ROOT / "src" / "dramatis" / "data" / "speaker_ranker.json"
# the recipe: L2 on the linear part, tanh units and their L2
RECIPE = {"l2": 1.0, "hidden": 8, "l2h": 10.0}
CACHE = Path("/tmp/dramatis-attribution-rows")


def label(att, gold: dict, resolver, rows) -> list:
    """Add to each (segment, candidates, features) row whether each candidate is right."""
    gq = sorted(gold["quotes"], key=lambda q: q["start"])
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


def _code_key() -> str:
    """A hash of Dramatis's source: cached rows are reused only for the same code."""
    h = hashlib.sha1()
    for p in sorted((ROOT / "src" / "dramatis").rglob("*.py")):
        h.update(p.read_bytes())
    h.update(json.dumps(SETTINGS, sort_keys=True).encode())
    return h.hexdigest()[:16]


def extract(job: tuple[Path, str, str]) -> list:
    """Candidate rows with labels for one (novel, condition), cached under /tmp by code hash
    (with the sieve's state, which ``--quick`` decodes without running the sieve again)."""
    path, cond, key = job
    cached = CACHE / key / f"{path.stem}-{cond}.pkl"
    if cached.exists():
        return pickle.loads(cached.read_bytes())[1]
    gold = json.loads(path.read_text(encoding="utf-8"))
    score = load_score()
    text = gold["text"]
    att = sieve(text, segment(text), gold_cast(gold) if cond == "cast" else None)
    rows = label(att, gold, score.Resolver(gold["characters"]), candidates(att))
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps((att, rows)))
    tmp.replace(cached)
    return rows


def quick(job: tuple[str, str, str]) -> dict:
    """A fold of the quick check: fit without ``novel``, decode its cached sieve state as
    ``attribute()`` does (two passes, the second joint) and score it, both conditions."""
    novel, key, gold_dir = job
    tag = hashlib.sha1(json.dumps(RECIPE, sort_keys=True).encode()).hexdigest()[:10]
    saved = CACHE / key / f"model-{tag}-{novel}.json"
    if saved.exists():
        model = Ranker.from_json(json.loads(saved.read_text()))
    else:
        model = fit_ranker([r for (n, _c), rs in ROWS.items() if n != novel for r in rs])
        saved.write_text(json.dumps(model.to_json()))
    for name, value in DECODE.items():
        set_constant(name, value)
    gold = json.loads((Path(gold_dir) / f"{novel}.json").read_text(encoding="utf-8"))
    score = load_score()
    out = {}
    for cond in ("cast", "none"):
        att, rows = pickle.loads((CACHE / key / f"{novel}-{cond}.pkl").read_bytes())
        decode(att, rows, model, None)
        decode(att, candidates(att), model.second or model, rank_decode.ALT)
        quotes = [
            {
                "start": att.segs[k].start,
                "end": att.segs[k].end,
                "speaker": pdnc_name(att.chars[att.spk[k]].name) if k in att.spk else "",
            }
            for k in att.dia
        ]
        r = score.score(gold, {"quotes": quotes})
        q = r["quotation"]
        out[cond] = {t: (b["correct"], b["n"]) for t, b in q["by_type"].items()}
        out[cond]["all"] = (q["correct"], q["n"])
        out[cond]["voice"] = (r["voice"]["correct"], r["voice"]["n"])
    return out


ROWS: dict[tuple[str, str], list] = {}  # set before forking the quick check's workers


def set_constant(name: str, value: float) -> None:
    """Set a ranker constant on the module that reads it: ranker/features.py (candidates and
    their features) or ranker/decode.py (decoding: ALT, ABA, REPLY, OVERTURN)."""
    mod = rank_decode if hasattr(rank_decode, name) else rank_features
    setattr(mod, name, value)


SETTINGS: dict[str, float] = {}  # rank module constants to try (--set RUN_FEATURES=0)
DECODE: dict[str, float] = {}  # decoding constants to try (--decode ALT=0.8): rows unchanged


def quick_loo(files: list[Path], jobs: int, only: list[str] | None) -> None:
    """Leave-one-novel-out from cached sieve states: for iterating on the ranker (the sieve is
    not re-run; ``attribution.py`` gives the figure of the whole pipeline)."""
    ROWS.update(extract_all(files, jobs))
    key = _code_key()
    held = [p.stem for p in files if not only or p.stem in only]
    with get_context("fork").Pool(jobs) as pool:
        res = pool.map(quick, [(n, key, str(files[0].parent)) for n in held], chunksize=1)
    cols = ("all", "explicit", "anaphoric", "implicit", "voice")
    print(f"{'novel':28s} cond " + " ".join(f"{c[:6]:>6s}" for c in cols))
    tot: dict = {}
    for n, r in zip(held, res, strict=True):
        for cond in ("cast", "none"):
            vals = []
            for c in cols:
                a, b = r[cond].get(c, (0, 0))
                t = tot.setdefault((cond, c), [0, 0, []])
                t[0] += a
                t[1] += b
                if b:
                    t[2].append(a / b)
                vals.append(f"{a / b:6.3f}" if b else "     -")
            print(f"{n[:28]:28s} {cond:4s} " + " ".join(vals))
    for cond in ("cast", "none"):
        micro = " ".join(f"{tot[cond, c][0] / max(1, tot[cond, c][1]):6.3f}" for c in cols)
        mac = " ".join(f"{sum(tot[cond, c][2]) / max(1, len(tot[cond, c][2])):6.3f}" for c in cols)
        print(f"{'ALL (micro)':28s} {cond:4s} {micro}")
        print(f"{'MEAN (macro)':28s} {cond:4s} {mac}")


def extract_all(files: list[Path], jobs: int = 2) -> dict[tuple[str, str], list]:
    """{(novel, condition): rows} for every novel, both conditions, ``jobs`` processes."""
    key = _code_key()
    work = [(p, c, key) for p in files for c in ("cast", "none")]
    with get_context("fork").Pool(jobs) as pool:
        res = pool.map(extract, work, chunksize=1)
    return {(p.stem, c): r for (p, c, _k), r in zip(work, res, strict=True)}


def vocabulary(rows: list) -> list[str]:
    return sorted({n for r in rows for f in r[2] for n in f} | {NULL})


def fit_ranker(rows: list, recipe: dict | None = None) -> Ranker:
    """The shipped recipe on these rows (any mix of novels and conditions)."""
    r = {**RECIPE, **(recipe or {})}
    return fit(rows, vocabulary(rows), r["l2"], r["hidden"], r["l2h"])


def matrix(rows: list, vocab: list[str]):
    """Sparse candidate-by-feature matrix, group (quote) ids and labels."""
    idx = {n: i for i, n in enumerate(vocab)}
    vals, cols, ptr, groups, ys = [], [], [0], [], []
    g = 0
    for _k, cands, feats, labels in rows:
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
    rows: list, vocab: list[str], l2: float, hidden: int = 0, l2h: float = 10.0, seed: int = 0
) -> Ranker:
    """Maximum likelihood of the right candidate (softmax within each quote), L2-penalised.

    With ``hidden`` > 0 a tanh layer is added on top of the linear part (started from the
    linear fit), the same objective, the gradients written out by hand for L-BFGS.
    """
    X, grp, y, _ng = matrix(rows, vocab)
    X = X.toarray()  # dense products are several times faster than sparse ones here
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold-dir", type=Path, default=DEV)
    ap.add_argument("--write", action="store_true", help="store the all-novels model")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="leave-one-novel-out from cached sieves")
    ap.add_argument("--only", action="append", help="with --quick: held-out novels to score")
    ap.add_argument("--recipe", type=json.loads, default={}, help='e.g. {"hidden": 0}')
    ap.add_argument("--set", action="append", help="a rank constant for features: RUN_FEATURES=0")
    ap.add_argument("--decode", action="append", help="with --quick: a decoding constant, ALT=0.8")
    a = ap.parse_args()
    RECIPE.update(a.recipe)
    for kv in a.set or []:
        k, v = kv.split("=")
        SETTINGS[k] = float(v)
        set_constant(k, float(v))
    for kv in a.decode or []:
        k, v = kv.split("=")
        DECODE[k] = float(v)
    files = sorted(p for p in a.gold_dir.glob("*.json") if not p.name.startswith("_"))
    if a.quick:
        quick_loo(files, a.jobs, a.only)
        return 0
    data = extract_all(files, a.jobs)
    for cond in ("cast", "none"):
        rows = [r for (_n, c), rs in data.items() if c == cond for r in rs if r[1]]
        hit = sum(any(r[3]) for r in rows)
        print(f"candidate recall {cond}: {hit / len(rows):.3f} of {len(rows)} dialogue segments")
    model = fit_ranker([r for rs in data.values() for r in rs])
    for n, v in sorted(zip(model.features, model.w, strict=True), key=lambda kv: -abs(kv[1])):
        print(f"  {n:16s} {v:+.3f}")
    if a.write:
        OUT.write_text(json.dumps(model.to_json()) + "\n")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
