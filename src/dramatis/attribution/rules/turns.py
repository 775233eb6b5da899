"""Conversation structure: action beats, who a line addresses, speeches carried over several
paragraphs, and turn-taking through runs of untagged lines.

Why: most lines in a novel carry no tag; who says them follows from the exchange (A, B, A,
B ...), from the one the previous line addressed by name, and from whoever acts in the
paragraph ("She turns away.").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection

from dramatis.attribution.rules.patterns import BOUNDARY, SENT_END
from dramatis.attribution.rules.resolve import resolve_subject
from dramatis.attribution.state import AttributionState
from dramatis.model import Segment

_SENT_OPEN = re.compile(r"(?:^|[.!?]\s+|\n)\s*")
_LISTENER_BEFORE = re.compile(r"\b(?:to|towards|addressing)\s+(?:the\s+)?$", re.I)
_QUOTE_MARKS = frozenset("\"'“”‘’«»„")


def beat(
    st: AttributionState, pi: int, spoken: dict[int, tuple[int, int]], exclude: frozenset[int]
) -> int | None:
    """Subject of the narration in paragraph pi (an action beat: "She turns away.")."""
    ps, pe = st.paras[pi]
    for k in st.para_segs[pi]:
        s = st.segs[k]
        if s.kind != "narration":
            continue
        a, b = max(s.start, ps), min(s.end, pe)
        chunk = st.text[a:b]
        # sentence-initial name or pronoun
        for m in _SENT_OPEN.finditer(chunk):
            rest = chunk[m.end() : m.end() + 60]
            if not rest:
                continue
            who = resolve_subject(st, rest, a + m.end(), spoken, exclude, possessive=True)
            if who is not None:
                return who
    return None


def tag_listeners(st: AttributionState, ks: list[int]) -> frozenset[int]:
    """Characters the narration beside a paragraph's lines names as listener: after "to",
    "towards" or "addressing" in the sentence right after a line or right before it."""
    text, segs = st.text, st.segs
    pi = st.para_of(segs[ks[0]].start)
    ps, pe = st.paras[pi]
    spans: list[tuple[int, int]] = []
    for k in ks:
        if k + 1 < len(segs) and segs[k + 1].kind == "narration":
            a = segs[k + 1].start
            b = min(segs[k + 1].end, pe, a + 200)
            m = SENT_END.search(text, a, b)
            spans.append((a, m.start() if m else b))
        if k > 0 and segs[k - 1].kind == "narration":
            b = segs[k - 1].end
            a = max(segs[k - 1].start, ps, b - 200)
            cut = [x.end() for x in BOUNDARY.finditer(text, a, b) if x.end() < b - 1]
            spans.append((cut[-1] if cut else a, b))
    out: set[int] = set()
    for a, b in spans:
        for x, _y, cis in st.names.find(text, a, b):
            if _LISTENER_BEFORE.search(text, max(a, x - 16), x):
                out.add(cis[0] if len(cis) == 1 else st.recent_of(cis, x))
    return frozenset(out)


def vocatives(st: AttributionState, q: Segment) -> list[int]:
    inner = st.text[q.start : q.end]
    out: list[int] = []
    for a, b, cis in st.names_in(q):
        before = inner[max(0, a - 6) : a]
        after = inner[b : b + 2]
        if re.search(r"(^\W*|,\s*|\b(?:dear|O|oh|Oh)\s+)$", before) and (
            re.match(r"\s*[,!?.;—–-]", after) or b >= len(inner) - 1
        ):
            out.extend(cis[:1])
    return out


def continued_paragraphs(st: AttributionState, dia: list[int]) -> dict[int, int]:
    """{paragraph: the previous one} where a quotation left open at a paragraph's end
    goes on in the next paragraph.

    Why: that convention (no closing mark, an opening mark on the next paragraph) marks
    one speech by one speaker; a tale told over many paragraphs is not turn-taking.
    """
    text, segs = st.text, st.segs
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for k in dia:
        pi = st.para_of(segs[k].start)
        first.setdefault(pi, k)
        last[pi] = k
    out: dict[int, int] = {}
    for pi, k in first.items():
        kp = last.get(pi - 1)
        if kp is None or segs[k].start != st.paras[pi][0]:
            continue
        prev = segs[kp]
        tail = text[prev.start : prev.end].rstrip()
        if text[prev.end : st.paras[pi - 1][1]].strip() or not tail:
            continue  # narration after it: the quotation was closed
        if tail[-1] not in _QUOTE_MARKS:
            out[pi] = pi - 1
    return out


def converse(
    st: AttributionState,
    by_para: dict[int, list[int]],
    voc: dict[int, frozenset[int]],
    pspk: dict[int, int],
    pconf: dict[int, float],
) -> None:
    """Fill unattributed quote paragraphs by turn-taking between their nearest anchors.

    A chain of unattributed lines between attributed ones alternates between two people:
    the anchor's speaker and the other participant, who is the one the anchor addressed
    by name, else the speaker just before it, else the last other person mentioned.
    """
    order = sorted(by_para)
    anchors = {pi: pspk[pi] for pi in order if pi in pspk}
    filled = pspk  # chains already decided (to the left) count as turns too
    heads = set(st.speech_groups())
    n = len(order)
    i = 0
    while i < n:
        if order[i] in anchors:
            i += 1
            continue
        j = i
        while j < n and order[j] not in anchors:
            j += 1
        chain = order[i:j]
        left = order[i - 1] if i > 0 else None
        right = order[j] if j < n else None
        lpair = (
            _pair(st, left, order, i - 1, anchors, voc, +1, filled, heads)
            if left is not None
            else None
        )
        rpair = (
            _pair(st, right, order, j, anchors, voc, -1, filled, heads)
            if right is not None
            else None
        )
        # a long narration gap makes an anchor a weak guide
        lgap = chain[0] - left if left is not None else 99
        rgap = right - chain[-1] if right is not None else 99
        for ci, pi in enumerate(chain):
            dl = ci + 1
            dr = len(chain) - ci
            use_left = lpair is not None and (rpair is None or dl + lgap <= dr + rgap)
            pair, d, gap = (lpair, dl, lgap) if use_left else (rpair, dr, rgap)
            if pair is None:
                who = recent_character(st, st.paras[pi][0], exclude=voc[pi])
                if who is not None:
                    pspk[pi], pconf[pi] = who, 0.2
                    st.pmethod[pi] = "recent"
                continue
            a, b = pair
            who = b if d % 2 == 1 else a
            if who is None or who in voc[pi]:
                who = a if who == b else b
            if who is None or who in voc[pi]:
                continue
            c = 0.75 * 0.88 ** (d - 1) * (1.0 if gap <= 2 else 0.7)
            pspk[pi], pconf[pi] = who, max(0.2, c)
            st.pmethod[pi] = "turn"
        i = j


def _pair(
    st: AttributionState,
    anchor: int,
    order: list[int],
    idx: int,
    anchors: dict[int, int],
    voc: dict[int, frozenset[int]],
    direction: int,
    filled: dict[int, int],
    heads: set[int],
) -> tuple[int, int | None]:
    """(anchor's speaker, the other participant) for alternation away from an anchor."""
    a = anchors[anchor]
    addressed = [x for x in voc[anchor] if x != a]
    if addressed:
        return a, addressed[0]
    # the speaker on the other side of the anchor, if they alternate
    k = idx - direction
    steps = 0
    while 0 <= k < len(order) and steps < 6:
        o = anchors.get(order[k])
        if o is None and direction > 0 and order[k] in heads:
            # a speech over several paragraphs, already decided: a turn like a tagged one
            o = filled.get(order[k])
        if o is not None and o != a:
            return a, o
        k -= direction
        steps += 1
    if direction > 0:
        return a, recent_character(st, st.paras[anchor][0], exclude=frozenset((a,)))
    return a, None


def recent_character(st: AttributionState, pos: int, exclude: Collection[int]) -> int | None:
    i = bisect_right(st.mpos, pos) - 1
    while i >= 0 and pos - st.mentions[i].pos < 5000:
        c = st.mentions[i].char
        if c >= 0 and c not in exclude and c != st.narrator:
            return c
        i -= 1
    return None
