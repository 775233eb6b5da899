"""Joint decoding: the ranker's scores become speakers, one per paragraph (and per speech
carried over several), and runs of adjacent quote paragraphs are read as one exchange.
"""

from __future__ import annotations

import math
import re

from dramatis.attribution.ranker.features import candidates
from dramatis.attribution.ranker.model import NULL, Ranker
from dramatis.attribution.state import AttributionState

# a line opening 'No, I don't.' / 'I can't.' / 'Yes, I am.': an answer in the first person
_REPLY = re.compile(
    r"\W*(?:(?:no|yes|oh|well|why|ah|nay|indeed|sure|of\s+course)\b[\s,!.—–-]*)*I\s*"
    r"(?:do|don't|did|didn't|am|'m|was|wasn't|will|won't|can|can't|cannot|have|haven't|"
    r"shall|shan't|should|would|could|must|know|think)\b",
    re.I,
)
_YOU = re.compile(r"\byou\b", re.I)
REPLY = 4.0  # cost, in joint decoding, of answering one's own "you" line in the first person
ABA = 1.0  # bonus for A-B-A turn-taking in joint decoding
ALT = 0.5  # cost of the same speaker in two adjacent quote paragraphs (joint decoding)


def rerank(att: AttributionState, weights: Ranker, alt: float | None = None) -> None:
    """Replace the sieve's speakers with the ranker's choice, confidence its probability.

    With ``alt`` the first lines of adjacent quote paragraphs are decoded together (Viterbi):
    each line's ranker log-probabilities plus a penalty ``alt`` when a paragraph's speaker is
    the previous paragraph's, so a run of lines is read as one exchange, not line by line.
    That pass (the second) uses the ranker's second-stage model when it has one.
    """
    model = weights.second if alt is not None and weights.second is not None else weights
    decode(att, candidates(att), model, alt)


def decode(att: AttributionState, rows, weights: Ranker, alt: float | None = None) -> None:
    """Write speakers and confidences for ``rows`` (from ``candidates``) into ``att``.

    One speaker per paragraph: the segments of a paragraph pool their log-probabilities
    (a candidate a segment did not consider gets that segment's "someone else" share), so
    a quote's second half follows its "he answered" first half.  Only a segment with its
    own speech verb keeps a different answer.
    """
    rows = [r for r in rows if r[1]]
    allf = [f for r in rows for f in r[2]]
    allf.append({NULL: 1.0})
    sc = weights.score(weights.matrix(allf)).tolist()
    null = sc[-1]
    paras: dict[int, list[tuple[int, list[int], list[float], float]]] = {}
    at = 0
    for k, cands, _feats, *_ in rows:
        scores = sc[at : at + len(cands)]
        at += len(cands)
        top = max(scores)
        lz = top + math.log(sum(math.exp(s - top) for s in scores) + math.exp(null - top))
        # a speech continued over several paragraphs pools them all: one speaker
        pi = att.group_head(att.para_of(att.segs[k].start))
        paras.setdefault(pi, []).append((k, cands, [s - lz for s in scores], null - lz))
    # (para, its segments that follow the paragraph's speaker, cands, logp)
    chain: list[tuple[int, list[int], list[int], list[float]]] = []
    for pi in sorted(paras):
        segs = paras[pi]
        pc, plp = _pool(segs)
        best = pc[plp.index(max(plp))]
        anchored: int | None = None
        follow = []
        tagged = {
            k: _tagged(att, k, cands, lp)
            for k, cands, lp, _ln in segs
            if att.method.get(k) == "explicit"
        }
        # two tagged turns by different people: the paragraph holds several turns, and an
        # untagged part continues the tagged line before it
        several = len(set(tagged.values())) > 1
        last = next(iter(tagged.values()), None)
        for k, _cands, lp, _ln in segs:
            if k in tagged:
                # a tagged line keeps its own answer
                last = tagged[k]
                att.spk[k], att.conf[k] = last, math.exp(max(lp))
                if att.conf0.get(k, 0.0) >= 0.95 and anchored is None:
                    anchored = last
            elif several and last is not None:  # several tagged: last is never None
                att.spk[k], att.conf[k] = last, math.exp(max(lp))
            else:
                att.spk[k], att.conf[k] = best, math.exp(max(plp))
                follow.append(k)
        if alt is not None:
            if anchored is not None:
                # "said Mr. Bennet": a named speech verb is not up for debate, but it anchors
                # the turn-taking around it
                chain.append((pi, [], [anchored], [0.0]))
            else:
                chain.append((pi, follow, pc, plp))
    if alt is not None:
        _decode_runs(att, chain, alt)


def _pool(segs: list[tuple[int, list[int], list[float], float]]) -> tuple[list[int], list[float]]:
    """A paragraph's candidates and their pooled log-probabilities: each segment's, a
    candidate a segment did not consider getting that segment's "someone else" share."""
    pool: dict[int, float] = {}
    for _k, cands, _lp, _ln in segs:
        for c in cands:
            pool.setdefault(c, 0.0)
    for _k, cands, lp, ln in segs:
        own = dict(zip(cands, lp, strict=True))
        for c in pool:
            pool[c] += own.get(c, ln)
    pc = list(pool)
    plp = [pool[c] for c in pc]
    # back to a distribution over the paragraph's candidates (and "someone else")
    top = max(plp)
    lnull = sum(ln for *_x, ln in segs)
    lz = top + math.log(sum(math.exp(x - top) for x in plp) + math.exp(lnull - top))
    return pc, [x - lz for x in plp]


def _decode_runs(
    att: AttributionState, chain: list[tuple[int, list[int], list[int], list[float]]], alt: float
) -> None:
    """Decode each run of adjacent quote paragraphs (a continued speech counting as one)
    jointly, as one exchange."""
    group_end = {pi: max(ms) for pi, ms in att.speech_groups().items()}
    answers = replies(att)
    i = 0
    while i < len(chain):
        j = i + 1
        while j < len(chain) and chain[j][0] == group_end.get(chain[j - 1][0], chain[j - 1][0]) + 1:
            j += 1
        if j - i > 1:
            _viterbi(att, chain[i:j], alt, answers)
        i = j


def replies(att: AttributionState) -> set[int]:
    """Paragraphs opening with a first-person answer to a line that said "you" in the
    paragraph just before ('"You know why."' / '"No, I don't."').  In the dev set the
    speaker changes in 274 of 285 of them, whatever beat follows the answer."""
    text, segs = att.text, att.segs
    out: set[int] = set()
    for pi, ks in att.by_para.items():
        prev = att.by_para.get(pi - 1)
        if not prev:
            continue
        q0, qp = segs[ks[0]], segs[prev[-1]]
        if (
            not text[att.paras[pi][0] : q0.start].strip(" \t\n\"“‘'")
            and _REPLY.match(text, q0.start, q0.end)
            and _YOU.search(text, qp.start, qp.end)
        ):
            out.add(pi)
    return out


def _tagged(att: AttributionState, k: int, cands: list[int], lp: list[float]) -> int:
    """The speaker of a line with its own speech verb: the ranker's choice, except that a
    named tag ("cried Mr. Bennet") is only overturned by clearly stronger evidence (a short
    text gives the context features little to go on)."""
    best = cands[lp.index(max(lp))]
    named = att.spk0.get(k)
    if (
        att.conf0.get(k, 0.0) >= 0.95
        and named in cands
        and best != named
        and max(lp) - lp[cands.index(named)] < OVERTURN
    ):
        return named
    return best


OVERTURN = 1.5  # log-odds by which the ranker must prefer another speaker to a named tag
_BEAM = 4  # candidates per line kept in the joint decoding


def _viterbi(att: AttributionState, run, alt: float, answers: set[int]) -> None:
    """Second-order decoding of one exchange: a repeated speaker costs ``alt`` (``REPLY``
    for a paragraph in ``answers``), and the A-B-A pattern of a two-person exchange earns
    ``ABA``."""
    steps = []
    costs = []
    for p, k, cands, lp in run:
        top = sorted(range(len(cands)), key=lambda x: -lp[x])[:_BEAM]
        steps.append((k, [cands[x] for x in top], [lp[x] for x in top]))
        costs.append(REPLY if p in answers else alt)
    # state: (candidate index at n-1, candidate index at n) -> score
    _k, c0, e0 = steps[0]
    score: dict[tuple[int, int], float] = {(-1, y): e for y, e in enumerate(e0)}
    prevc: list[int] = []
    back: list[dict[tuple[int, int], tuple[int, int]]] = []
    cur = c0
    for (_k, cn, en), cost in zip(steps[1:], costs[1:], strict=True):
        ns: dict[tuple[int, int], float] = {}
        bp: dict[tuple[int, int], tuple[int, int]] = {}
        for (x, y), sc in score.items():
            a = prevc[x] if x >= 0 else None
            b = cur[y]
            for z, e in enumerate(en):
                c = cn[z]
                t = sc + e
                if c == b:
                    t -= cost
                elif c == a:
                    t += ABA
                key = (y, z)
                if t > ns.get(key, -1e18):
                    ns[key] = t
                    bp[key] = (x, y)
        back.append(bp)
        score, prevc, cur = ns, cur, cn
    state = max(score, key=score.__getitem__)
    for n in range(len(steps) - 1, -1, -1):
        for k in steps[n][0]:
            att.spk[k] = steps[n][1][state[1]]
        if n:
            state = back[n - 1][state]
