"""The ranker's candidates and their features.

Why: the sieve's rules are each right most of the time, but which one to trust depends on
the scene (a "she said" after a long exchange, a vocative against turn-taking, a beat that
names the listener).  A small model over candidate speakers weighs that evidence together
(as in He et al. 2013 and Muzny et al. 2017): the candidates of a quote are the speakers the
sieve gave nearby lines, the characters named around it, and, further afield, speakers of
the last dozen lines and characters named in recent lines or the last pages; each gets a
feature vector (``model`` scores it; ``decode`` turns the scores into speakers).  A
first-person narrator's "I" in the narration has features of its own, so a model trained on
third-person novels does not take it for an ordinary mention.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from dramatis.attribution.ranker.narration import first_pronoun, last_pronoun, last_subject
from dramatis.attribution.state import AttributionState, Mention
from dramatis.model import Segment
from dramatis.text.lexicon import SPEECH_VERB_RE

_METHODS = ("explicit", "beat", "para", "turn", "recent")
_FIRST = re.compile(r"\b(?:I|me|my|My|Me)\b")
_SECOND = re.compile(r"\b(?:you|You|your|Your)\b")
_SENT_END = re.compile(r"[.!?]")
_VERB = re.compile(r"\b" + SPEECH_VERB_RE + r"\b")
_LOOK = 6  # dialogue paragraphs looked at on each side
_WIDE_LOOK = 14  # ... and further back for the wider candidate set
WIDE = True


Row = tuple[int, list[int], list[dict[str, float]]]
Spans = list[tuple[int, int]]


@dataclass(slots=True)
class _Dialogue:
    """What every line's features look up: the quote paragraphs in reading order and what
    the sieve said of each (its first line's speaker and rule, whom it addresses, whom its
    lines name), how much each character speaks and is named, and where a first/second-
    person narrator's "I"/"you" stands in the narration."""

    order: list[int]
    where: dict[int, int]
    pspk: dict[int, int | None]
    pmeth: dict[int, str]
    pvoc: dict[int, frozenset[int]]
    pinq: dict[int, set[int]]
    nlines: dict[int, int]
    nments: dict[int, int]
    last_spoke: list[dict[int, int]]
    npos: list[int]

    def prev(self, i: int, pi: int, n: int) -> tuple[int | None, bool, str]:
        """Speaker, adjacency and rule of the quote paragraph ``n`` before number ``i``."""
        order = self.order
        j = i - n
        if j < 0:
            return None, False, ""
        contiguous = order[j] == pi - n and all(order[i - x] == pi - x for x in range(n))
        return self.pspk[order[j]], contiguous, self.pmeth[order[j]]

    def next(self, i: int, pi: int, n: int) -> tuple[int | None, bool]:
        """Speaker and adjacency of the quote paragraph ``n`` after number ``i``."""
        j = i + n
        if j >= len(self.order):
            return None, False
        return self.pspk[self.order[j]], self.order[j] == pi + n


def _dialogue(att: AttributionState) -> _Dialogue:
    text, segs = att.text, att.segs
    order = sorted(att.by_para)
    where = {pi: i for i, pi in enumerate(order)}
    first = {pi: ks[0] for pi, ks in att.by_para.items()}
    pspk = {pi: att.spk.get(k) for pi, k in first.items()}
    pmeth = {pi: att.method.get(k, "") for pi, k in first.items()}
    pvoc = {
        pi: frozenset().union(*(att.vocs[k] for k in ks)) | att.listeners.get(pi, frozenset())
        for pi, ks in att.by_para.items()
    }
    pinq = {
        pi: {cis[0] for k in ks for _a, _b, cis in att.names.find(text, segs[k].start, segs[k].end)}
        for pi, ks in att.by_para.items()
    }
    nlines: dict[int, int] = {}
    for ci in att.spk.values():
        nlines[ci] = nlines.get(ci, 0) + 1
    nments: dict[int, int] = {}
    for m in att.mentions:
        nments[m.char] = nments.get(m.char, 0) + 1
    if att.narrator is not None and att.person and nments:
        # a first/second-person narrator is seldom named but always present ("I"): as
        # prominent as the most-named character, not a voice that speaks without a name
        nments[att.narrator] = max(nments.values())
    # when each character last spoke, by dialogue-paragraph number (sieve speakers)
    last_spoke: list[dict[int, int]] = []
    cur: dict[int, int] = {}
    for i, pi in enumerate(order):
        last_spoke.append(dict(cur))
        who = pspk[pi]
        if who is not None:
            cur[who] = i
    # "I"/"you" in the narration of a first/second-person story mention the narrator
    npos: list[int] = []
    if att.narrator is not None and att.person:
        pr = _FIRST if att.person == "first" else _SECOND
        for sg in segs:
            if sg.kind == "narration":
                npos.extend(m.start() for m in pr.finditer(text, sg.start, sg.end))
    return _Dialogue(order, where, pspk, pmeth, pvoc, pinq, nlines, nments, last_spoke, npos)


def candidates(att: AttributionState) -> list[Row]:
    """For each dialogue segment: (segment index, candidate characters, their features)."""
    dl = _dialogue(att)
    out: list[Row] = []
    for k in att.dia:
        if k in att.extras:
            out.append((k, [], []))  # "said some one": that extra's line, not up for ranking
            continue
        line = _line(att, dl, k)
        if not line.cands:
            out.append((k, [], []))
            continue
        _evidence(att, dl, line)
        feats: list[dict[str, float]] = [dict(line.scene) for _c in line.cands]
        _turn_features(att, line, feats)
        _mention_features(att, line, feats)
        _pronoun_features(att, line, feats)
        _prominence_features(att, dl, line, feats)
        out.append((k, line.cands, feats))
    return out


@dataclass(slots=True)
class _Line:
    """One line's context, the same for all its candidates."""

    k: int
    q: Segment
    pi: int  # its paragraph
    i: int  # its quote paragraph's number in reading order
    before: Spans  # narration of its paragraph before it
    after: Spans  # ... and after it
    told: Spans  # narration before it that may tag it (with a tag closing the paragraph before)
    window: list[Mention]  # mentions from a few paragraphs before to the next one
    cands: list[int]
    wide: set[int]  # candidates from further afield
    inqw: set[int]  # named inside the recent lines
    # filled by _evidence
    p1: int | None = None
    p1a: bool = False
    p1m: str = ""
    p2: int | None = None
    p2a: bool = False
    n1: int | None = None
    n1a: bool = False
    n2: int | None = None
    n2a: bool = False
    vprev: frozenset[int] = frozenset()
    vnext: frozenset[int] = frozenset()
    vpara: frozenset[int] = frozenset()
    inquote: set[int] = field(default_factory=set)
    recent: list[int] = field(default_factory=list)
    lastpos: dict[int, int] = field(default_factory=dict)
    cnt3k: dict[int, int] = field(default_factory=dict)
    inb: dict[int, str] = field(default_factory=dict)
    ina: dict[int, str] = field(default_factory=dict)
    nlast: int | None = None
    ncnt: int = 0
    nbefore: bool = False
    nafter: bool = False
    prevpara: set[int] = field(default_factory=set)
    lsub: tuple[str, int | None] | None = None
    lsq: str = ""
    pa: str | None = None
    atag: str = "pa"
    pb: str | None = None
    bare: bool = False
    scene: dict[str, float] = field(default_factory=dict)
    conv_fit: dict[str, int] = field(default_factory=dict)


def _line(att: AttributionState, dl: _Dialogue, k: int) -> _Line:
    """Line ``k``'s narration around it and its candidate speakers."""
    text, segs = att.text, att.segs
    q = segs[k]
    pi = att.para_of(q.start)
    i = dl.where[pi]
    ps, pe = att.paras[pi]
    lo = max(att.paras[max(0, pi - 6)][0], ps - 3000)
    hi = att.paras[min(len(att.paras) - 1, pi + 1)][1]
    # narration pieces of this paragraph, before and after the quote
    before: Spans = []
    after: Spans = []
    for j in att.para_segs[pi]:
        s = segs[j]
        if s.kind != "narration":
            continue
        a, b = max(s.start, ps), min(s.end, pe)
        if a < b:
            (before if b <= q.start else after).append((a, b))
    # a tag closing the paragraph before introduces the line: narration before it too
    # (its pronoun and names count as a same-paragraph tag's would)
    told = ([att.intro[k]] if k in att.intro else []) + [
        (a, b) for a, b in before if text[a:b].strip(" \t\n\"“‘'")
    ]
    # mentions in the window
    m0 = bisect_left(att.mpos, lo)
    m1 = bisect_right(att.mpos, hi)
    window = att.mentions[m0:m1]
    cands, wide, inqw = _candidate_set(att, dl, k, i, pi, window, m0)
    return _Line(k, q, pi, i, before, after, told, window, cands, wide, inqw)


def _candidate_set(
    att: AttributionState, dl: _Dialogue, k: int, i: int, pi: int, window: list[Mention], m0: int
) -> tuple[list[int], set[int], set[int]]:
    """The sieve's answer, speakers of nearby lines, characters named nearby and, further
    afield, speakers and names of the last pages; with those the lines around address."""
    order, pspk, pvoc = dl.order, dl.pspk, dl.pvoc
    ps = att.paras[pi][0]
    cset: dict[int, None] = {}
    if k in att.spk0:
        cset[att.spk0[k]] = None
    if k in att.spk:
        cset[att.spk[k]] = None
    for d in range(-_LOOK, 3):
        j = i + d
        near = pspk[order[j]] if d and 0 <= j < len(order) else None
        if near is not None and abs(att.paras[order[j]][0] - ps) < 4000:
            cset[near] = None
    for m in window:
        cset[m.char] = None
    wide: set[int] = set()  # further afield: the right speaker is often among these
    inqw: set[int] = set()  # named inside the recent lines (addressed or talked about)
    if WIDE:
        for d in range(-_WIDE_LOOK, 4):
            j = i + d
            if d and 0 <= j < len(order) and abs(att.paras[order[j]][0] - ps) < 8000:
                c = pspk[order[j]]
                if c is not None and c not in cset:
                    wide.add(c)
                if d < 0 and d >= -_LOOK:
                    inqw.update(dl.pinq[order[j]])
        for m in att.mentions[bisect_left(att.mpos, ps - 8000) : m0]:
            if m.char not in cset:
                wide.add(m.char)
        for c in inqw:
            if c not in cset:
                wide.add(c)
        for c in wide:
            cset[c] = None
    if i > 0:
        for ci in pvoc[order[i - 1]]:
            cset[ci] = None
    if i + 1 < len(order) and order[i + 1] == pi + 1:
        for ci in pvoc[order[i + 1]]:
            cset[ci] = None
    if att.narrator is not None and att.person:
        cset[att.narrator] = None
    cands = [c for c in cset if c >= 0 and c not in att.extra_ids]
    return cands, wide, inqw


def _evidence(att: AttributionState, dl: _Dialogue, ln: _Line) -> None:
    """The turns around the line, whom they address, and the names before it."""
    text, q, i, pi = att.text, ln.q, ln.i, ln.pi
    ps = att.paras[pi][0]
    order, pvoc = dl.order, dl.pvoc
    ln.p1, ln.p1a, ln.p1m = dl.prev(i, pi, 1)
    ln.p2, ln.p2a, _ = dl.prev(i, pi, 2)
    ln.n1, ln.n1a = dl.next(i, pi, 1)
    ln.n2, ln.n2a = dl.next(i, pi, 2)
    ln.vprev = pvoc[order[i - 1]] if i > 0 and order[i - 1] == pi - 1 else frozenset()
    ln.vnext = pvoc[order[i + 1]] if ln.n1a else frozenset()
    ln.vpara = pvoc[pi] - att.vocs[ln.k]
    ln.inquote = {c for _a, _b, cis in att.names.find(text, q.start, q.end) for c in cis[:1]}
    # last mention of each candidate before the quote, and the most recent ones
    recent: list[int] = []
    lastpos: dict[int, int] = {}
    j = bisect_left(att.mpos, q.start) - 1
    while j >= 0 and q.start - att.mentions[j].pos < 6000:
        c = att.mentions[j].char
        if c not in lastpos:
            lastpos[c] = att.mentions[j].pos
            recent.append(c)
        j -= 1
    cnt3k: dict[int, int] = {}
    j = bisect_left(att.mpos, q.start) - 1
    while j >= 0 and q.start - att.mentions[j].pos < 3000:
        c = att.mentions[j].char
        cnt3k[c] = cnt3k.get(c, 0) + 1
        j -= 1
    ln.recent, ln.lastpos, ln.cnt3k = recent, lastpos, cnt3k
    told, after = ln.told, ln.after
    ln.inb = {m.char: m.role for m in ln.window if any(a <= m.pos < b for a, b in told)}
    ln.ina = {m.char: m.role for m in ln.window if any(a <= m.pos < b for a, b in after)}
    _narrator_evidence(att, dl, ln)
    if pi > 0:
        ln.prevpara = {m.char for m in ln.window if att.paras[pi - 1][0] <= m.pos < ps}
    # who acts last before the line: the subject of the previous paragraph's last sentence
    # when it is narration ("He searches her face ... shaking his head." / "Please.")
    before = ln.before
    if pi > 0 and (not before or not text[before[0][0] : before[-1][1]].strip()):
        ln.lsub = last_subject(att, pi - 1)
        ln.lsq = "_q" if (pi - 1) in att.by_para else "_n"  # did that paragraph hold a line?
    _pronoun_evidence(att, ln)
    ln.bare = not any(text[a:b].strip() for a, b in ln.before + ln.after)
    ln.scene = _scene(att, dl, ln)
    ln.conv_fit = _conversation_fit(att, dl, ln)


def _narrator_evidence(att: AttributionState, dl: _Dialogue, ln: _Line) -> None:
    """The narrator's last "I"/"you" before the line, how many lately, and whether the
    line's own paragraph has one before or after it."""
    npos, start = dl.npos, ln.q.start
    if not npos:
        return
    ps, pe = att.paras[ln.pi]
    j = bisect_left(npos, start) - 1
    if j >= 0 and start - npos[j] < 6000:
        ln.nlast = npos[j]
        ln.ncnt = bisect_left(npos, start) - bisect_left(npos, start - 3000)
    j0, j1 = bisect_left(npos, ps), bisect_left(npos, pe)
    for x in npos[j0:j1]:
        ln.nbefore = ln.nbefore or any(a <= x < b for a, b in ln.before)
        ln.nafter = ln.nafter or any(a <= x < b for a, b in ln.after)


def _pronoun_evidence(att: AttributionState, ln: _Line) -> None:
    """The he/she of the narration after the line and of a tag before it."""
    text, after, told = att.text, ln.after, ln.told
    ln.pa = first_pronoun(text, after)
    # a beat without a speech verb ("She looks down.") is often the listener's reaction
    if ln.pa is not None and after:
        a0, b0 = after[0]
        stop = _SENT_END.search(text, a0 + 1, b0)
        if not _VERB.search(text, a0, stop.start() if stop else b0):
            ln.atag = "pab"
    if ln.k in att.intro and len(told) == 1:
        # the tag's subject: "He opens his mouth to say thank you."
        ln.pb = first_pronoun(text, told)
    else:
        ln.pb = last_pronoun(text, told)


def _scene(att: AttributionState, dl: _Dialogue, ln: _Line) -> dict[str, float]:
    """The scene, the same for every candidate: only the hidden layer can use these, to
    weigh the other evidence differently in a question-and-answer exchange, a three-person
    scene, a long speech or a conversation's opening line."""
    text, segs, order, i, q = att.text, att.segs, dl.order, ln.i, ln.q
    scene: dict[str, float] = {}
    if ln.p1a:
        pq = segs[att.by_para[order[i - 1]][-1]]
        if text[pq.start : pq.end].rstrip()[-1:] == "?":
            scene["q_prevq"] = 1.0
    else:
        scene["q_first"] = 1.0
    if len({dl.pspk[order[j]] for j in range(max(0, i - 6), i)} - {None}) >= 3:
        scene["q_three"] = 1.0
    if q.end - q.start > 300:
        scene["q_long"] = 1.0
    if ln.bare:
        scene["q_bare"] = 1.0
    return scene


def _conversation_fit(att: AttributionState, dl: _Dialogue, ln: _Line) -> dict[str, int]:
    """The people of the exchange under way (speakers of the adjacent lines before, and
    whom the line before addressed): a "she said" means the one woman among them."""
    conv: set[int] = set(ln.vprev)
    for n in range(1, 5):
        c_n, adj, _m = dl.prev(ln.i, ln.pi, n)
        if not adj:
            break
        if c_n is not None:
            conv.add(c_n)
    conv_fit: dict[str, int] = {}
    for want in ("m", "f"):
        fit = [
            x
            for x in conv
            if att.genders[x] == want and x != att.narrator and x not in att.extra_ids
        ]
        if len(fit) == 1:
            conv_fit[want] = fit[0]
    return conv_fit


def _turn_features(att: AttributionState, ln: _Line, feats: list[dict[str, float]]) -> None:
    """The sieve's answer, the speakers of the lines around, and whom those lines address."""
    k, p1, p1a, p2, p2a, n1, n1a, n2, n2a = (
        ln.k,
        ln.p1,
        ln.p1a,
        ln.p2,
        ln.p2a,
        ln.n1,
        ln.n1a,
        ln.n2,
        ln.n2a,
    )
    vprev, vnext, vpara, vself = ln.vprev, ln.vnext, ln.vpara, att.vocs[k]
    inquote, wide, inqw, bare = ln.inquote, ln.wide, ln.inqw, ln.bare
    sieve, meth, sconf = att.spk0.get(k), att.method.get(k, ""), att.conf0.get(k, 0.0)
    for c, f in zip(ln.cands, feats, strict=True):
        if bare:
            # a paragraph that is only a quote: turn-taking is all there is
            if c == p1 and p1a:
                f["bare_p1"] = 1.0
            if c == p2 and p2a:
                f["bare_p2"] = 1.0
            if c in vprev:
                f["bare_voc_prev"] = 1.0
        if c == sieve:
            if meth == "explicit":
                f[
                    "s_expl_name"
                    if sconf >= 0.95
                    else "s_expl_pron"
                    if sconf < 0.9
                    else "s_expl_pre"
                ] = 1
            else:
                f["s_" + (meth if meth in _METHODS else "other")] = 1.0
                f["s_conf"] = sconf
        if c == p1:
            f["p1_adj" if p1a else "p1_far"] = 1.0
            if ln.p1m == "explicit":
                f["p1_expl"] = 1.0
        if c == p2:
            f["p2_adj" if p2a else "p2_far"] = 1.0
        if c == n1:
            f["n1_adj" if n1a else "n1_far"] = 1.0
        if c == n2:
            f["n2_adj" if n2a else "n2_far"] = 1.0
        if c in vself:
            f["voc_self"] = 1.0
        if c in vpara:
            f["voc_para"] = 1.0
        if c in vprev:
            f["voc_prev"] = 1.0
        if c in vnext:
            f["voc_next"] = 1.0
        if c in inquote and c not in vself:
            f["in_quote"] = 1.0
        if c in wide:
            f["wide"] = 1.0
        if c in inqw:
            f["inq_win"] = 1.0


def _mention_features(att: AttributionState, ln: _Line, feats: list[dict[str, float]]) -> None:
    """Where the candidate is named: in a tag before or after the line, in the paragraph
    before, how lately and how often."""
    inb, ina, prevpara, lastpos, recent, cnt3k = (
        ln.inb,
        ln.ina,
        ln.prevpara,
        ln.lastpos,
        ln.recent,
        ln.cnt3k,
    )
    narrator = att.narrator if att.person else None
    start = ln.q.start
    for c, f in zip(ln.cands, feats, strict=True):
        if c in inb:
            f["m_before"] = 1.0
            if inb[c]:
                f["m_before_subj"] = 1.0
        if c in ina:
            f["m_after"] = 1.0
            if ina[c]:
                f["m_after_subj"] = 1.0
        if c in prevpara:
            f["m_prevpara"] = 1.0
        if c == narrator and narrator is not None:
            f["narrator"] = 1.0
        if c in lastpos:
            f["dist"] = math.log1p((start - lastpos[c]) / 100.0)
            r = recent.index(c) if c in recent else 9
            if r < 3:
                f[f"rank{r}"] = 1.0
        else:
            f["no_mention"] = 1.0
        if c in cnt3k:
            f["cnt3k"] = math.log1p(cnt3k[c])


def _pronoun_features(att: AttributionState, ln: _Line, feats: list[dict[str, float]]) -> None:
    """Whether the he/she (or narrator's I/you) around the line fits the candidate, and
    whether the candidate acted last before it."""
    genders, narrator, person = att.genders, att.narrator, att.person
    p1, p1a, atag, conv_fit, lsub, lsq = ln.p1, ln.p1a, ln.atag, ln.conv_fit, ln.lsub, ln.lsq
    tags = ((atag, ln.pa), ("pb", ln.pb))
    for c, f in zip(ln.cands, feats, strict=True):
        g = genders[c]
        if atag == "pab" and c == p1 and p1a:
            f["pab_p1"] = 1.0
        for tag, p in tags:
            if p is None:
                continue
            if p in ("i", "you"):
                if c == narrator and person == ("first" if p == "i" else "second"):
                    f[tag + "_match"] = 1.0
                continue
            if c == narrator and person:
                # "she"/"he" never means the "I"/"you" who tells the story
                f[tag + "_clash"] = 1.0
                continue
            want = "m" if p == "he" else "f"
            if g == want:
                f[tag + "_match"] = 1.0
                if tag == "pb" and c == p1 and p1a:
                    # "She glares at him." by the one who spoke last: as often a
                    # reaction to the line as her own next turn
                    f["pb_p1"] = 1.0
                if conv_fit.get(want) == c:
                    f[tag + "_conv"] = 1.0
            elif g != "u":
                f[tag + "_clash"] = 1.0
        if lsub is not None:
            kind, who = lsub
            if who == c:
                f["ls_" + kind + lsq] = 1.0


def _prominence_features(
    att: AttributionState, dl: _Dialogue, ln: _Line, feats: list[dict[str, float]]
) -> None:
    """How much the candidate speaks and is named, how long since they last spoke, and a
    first/second-person narrator's own evidence."""
    genders, narrator = att.genders, att.narrator
    nlines, nments, ls, i = dl.nlines, dl.nments, dl.last_spoke[ln.i], ln.i
    for c, f in zip(ln.cands, feats, strict=True):
        if genders[c] == "u" and c != narrator:
            f["g_unknown"] = 1.0
        f["lines"] = math.log1p(nlines.get(c, 0)) / 5.0
        f["ments"] = math.log1p(nments.get(c, 0)) / 7.0
        if c in ls:
            since = i - ls[c]
            f["since"] = min(since, 10) / 10.0
            if since <= 2:
                f[f"since{since}"] = 1.0
        else:
            f["never_spoke"] = 1.0
        if c == narrator and att.person:
            # "I"/"you" in the narration fills a first-person story far more densely
            # than any name or he/she: its evidence goes under names of its own, so a
            # model trained on third-person novels does not read it as mentions
            if ln.nlast is not None:
                f["nar_dist"] = math.log1p((ln.q.start - ln.nlast) / 100.0)
            if ln.ncnt:
                f["nar_cnt3k"] = math.log1p(ln.ncnt)
            if ln.nbefore:
                f["nar_before"] = 1.0
            if ln.nafter:
                f["nar_after"] = 1.0
