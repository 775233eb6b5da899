"""Who a name, description or pronoun at a position means.

Why: every rule ends in the same question ("said she", "the young girl", "her father",
"Mr. Darcy" when two Darcys are about), and it is answered by salience: recent mentions
(sentence subjects first) and recent speakers, of the right gender.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from dramatis.attribution.state import AttributionState
from dramatis.text.lexicon import DESCRIBED_PEOPLE, NOT_ADJ, RELATIONS

WINDOW = 1500
FORWARD = 8000  # how far ahead a he/she with no antecedent looks for the one it means

_NAME_PREFIXES = frozenset(("the", "little", "old", "young", "poor", "dear", "and", "then"))
_SUBJ_PRON = re.compile(r"(he|she|I|you|it)\b", re.I)
_SUBJ_PRON_POSS = re.compile(r"(he|she|I|you|his|her|my|your)\b", re.I)
_PRON_NORM = {"his": "he", "her": "she", "my": "i", "your": "you"}
_DET_ADJ = re.compile(r"(the|a|an)\s+([a-z]+(?:-[a-z]+)?)\s+(?=[a-z])")
_ADJ_PREFIX = re.compile(r"(?:(?:the|a|an)\s+)?[a-z]+(?:-[a-z]+)?")


def resolve_subject(
    st: AttributionState,
    s: str,
    pos: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int] = frozenset(),
    possessive: bool = False,
    avoid: int | None = None,
    adjective: bool = False,
) -> int | None:
    """Character index named at the start of ``s`` (name, alias or pronoun), else None.

    With ``possessive`` a sentence opening "Her voice..." counts as "she" (an action beat).
    With ``adjective`` one describing word may come first ("remarked skeptical Anne").
    """
    s = s.lstrip(" \n\t,")
    if adjective:
        # "said the burly barman" is the listed "The Barman"
        m = _DET_ADJ.match(s)
        if m and m.group(2).lower() not in NOT_ADJ:
            for a, _b, cis in st.names.find(m.group(1) + " " + s[m.end() :], 0, 40):
                if a == 0:
                    best = cis[0] if len(cis) == 1 else st.recent_of(cis, pos)
                    return None if best in exclude else best
                break
    for a, b, cis in st.names.find(s, 0, min(len(s), 60)):
        pre = s[:a].strip().lower()
        if (
            not pre
            or pre in _NAME_PREFIXES
            or (
                adjective
                and a <= 16
                and _ADJ_PREFIX.fullmatch(pre)
                and pre.split()[-1] not in NOT_ADJ
            )
        ):
            if s[b : b + 2] in ("'s", "’s"):
                return None  # "said Mary's sister"
            best = cis[0] if len(cis) == 1 else st.recent_of(cis, pos)
            return None if best in exclude else best
        break
    d = _description(s)
    if d is not None:
        # "said the young girl" is a "she"; "retorted her father" is a man other than
        # the woman "her" means
        want, owner = d
        if owner:
            o = resolve_pronoun(st, owner, pos, spoken, exclude, avoid)
            if o is not None:
                exclude = exclude | {o}
        return resolve_pronoun(st, want, pos, spoken, exclude, None if owner else avoid)
    m = (_SUBJ_PRON_POSS if possessive else _SUBJ_PRON).match(s)
    if m:
        p = _PRON_NORM.get(m.group(1).lower(), m.group(1).lower())
        return resolve_pronoun(st, p, pos, spoken, exclude, avoid)
    return None


def resolve_pronoun(
    st: AttributionState,
    p: str,
    pos: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int] = frozenset(),
    avoid: int | None = None,
) -> int | None:
    """The character a he/she at ``pos`` most likely means: the most salient of that gender.

    Characters in ``st.soft`` (named inside the line, or as listener in its tag) come
    last.

    Salience adds recent name mentions (sentence subjects count double) and recent
    speakers, decaying with distance.  ``avoid`` is the previous line's speaker: in a
    conversation a "said she" right after her own line usually means the other woman.
    """
    if p in ("i", "you"):
        who = st.narrator if st.person == ("first" if p == "i" else "second") else None
        return None if who in exclude else who
    # "it" is an animal or a voice: anyone not known to be a woman
    want = {"he": "m", "she": "f", "any": "mfu"}.get(p, "mu")

    def ok(ci: int) -> bool:
        return st.genders[ci] in want and ci != st.narrator and ci not in exclude

    # recent mentions of that gender, most recent first; speakers count as subjects
    cands: list[tuple[int, int, bool]] = []  # (pos, char, is_subject)
    i = bisect_right(st.mpos, pos) - 1
    while i >= 0 and pos - st.mentions[i].pos < WINDOW:
        m = st.mentions[i]
        if ok(m.char):
            cands.append((m.pos, m.char, bool(m.role)))
        i -= 1
    for ci, (spos, _) in spoken.items():
        if 0 <= pos - spos < WINDOW and ok(ci):
            cands.append((spos, ci, True))
    cands.sort(key=lambda c: -c[0])
    soft = st.soft
    ranked: list[int] = []
    for _p, ci, subj in cands:
        if subj and ci not in ranked:
            ranked.append(ci)
    for _p, ci, _s in cands:
        if ci not in ranked:
            ranked.append(ci)
    pref = [c for c in st.addressed if ok(c)]
    if len(pref) == 1:
        return pref[0]
    if ranked and soft:
        # someone the line talks about, or the tag names as listener, is not its speaker
        ranked = [c for c in ranked if c not in soft] + [c for c in ranked if c in soft]
    if ranked:
        if avoid is not None and ranked[0] == avoid and len(ranked) > 1:
            return ranked[1]
        return ranked[0]
    # nobody of that gender nearby: look further back, then anyone of unknown gender
    i = bisect_right(st.mpos, pos) - 1
    while i >= 0 and pos - st.mentions[i].pos < 30000:
        if ok(st.mentions[i].char):
            return st.mentions[i].char
        i -= 1
    i = bisect_right(st.mpos, pos) - 1
    while i >= 0 and pos - st.mentions[i].pos < 3000:
        ci = st.mentions[i].char
        if st.genders[ci] == "u" and ci != st.narrator and ci not in exclude:
            return ci
        i -= 1
    # nobody of that gender named yet: a story may say "she" before it names her (a
    # book's or chapter's opening scene); the one of that gender the next pages name
    # most (as a subject counting double)
    ahead: dict[int, int] = {}
    i = bisect_right(st.mpos, pos)
    while i < len(st.mentions) and st.mentions[i].pos - pos < FORWARD:
        m = st.mentions[i]
        if ok(m.char) and st.genders[m.char] != "u":
            ahead[m.char] = ahead.get(m.char, 0) + (2 if m.role else 1)
        i += 1
    return max(ahead, key=ahead.__getitem__) if ahead else None


def _description(s: str) -> tuple[str, str] | None:
    """A person described, not named: ("she", "") for "the young girl", ("he", "she") for
    "her father" (a man, other than the woman "her" means), else None."""
    w = re.findall(r"[a-z-]+", s[:40].lower())
    if len(w) < 2:
        return None
    det = w[0]
    nouns = [w[1]] + ([w[2]] if len(w) > 2 else [])
    if det in ("the", "this", "that", "a", "an"):
        for n in nouns:
            if n in DESCRIBED_PEOPLE:
                return DESCRIBED_PEOPLE[n], ""
        return None
    if det in ("his", "her") and s.lstrip()[:3].lower() == det[:3]:
        n = w[1]
        if n in RELATIONS:
            return RELATIONS[n], "he" if det == "his" else "she"
    return None
