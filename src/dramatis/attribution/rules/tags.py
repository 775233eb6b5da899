"""Explicit speech tags: the speaker a speech verb beside a line names.

'"...," said Jane', '"...," she replied', 'Jane said, "..."', 'Lydia laughed, and said,'
closing the paragraph before, '"...," was Mary's answer', 'thus accosted by Miss Bingley,'.
A name in a tag is right about 98% of the time on novels, a pronoun less often: the
confidence says which (0.95 / 0.85; a tag a paragraph away 0.85 / 0.8).
"""

from __future__ import annotations

import re

from dramatis.attribution.rules.patterns import (
    BOUNDARY,
    SAID_AFTER,
    SENT_END,
    SUBJ_FIRST,
    VERB_BEFORE_END,
    abbrev_before,
    no_abbrev,
    takes_object,
)
from dramatis.attribution.rules.resolve import resolve_pronoun, resolve_subject
from dramatis.attribution.state import AttributionState
from dramatis.text.lexicon import CLAUSE_OPENERS, PARTICLE_VERBS, SPEECH_VERB_RE

_NOUNS = (
    r"(?:reply|answer|rejoinder|remark|words|word|reasoning|language|declaration|complaint|"
    r"exclamation|question|observation|response|retort|cry|comment|reproach|greeting|"
    r"salutation|advice|explanation|inquiry|enquiry|assurance|apology|whisper|request|"
    r"reflection|conclusion|verdict|view|opinion|sentiment|speech)"
)
_POSS_SUBJ = r"(?P<subj>[Hh]is|[Hh]er|(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w'’-]*){0,3}(?:'s|’s))"
_NOUN_AFTER = re.compile(
    r"^[\s,;:—–-]*(?:was|were|had\s+been|came)\s+(?:"
    + _POSS_SUBJ
    + r"\s+(?:\w+\s+)?"
    + _NOUNS
    + r"|the\s+(?:\w+\s+)?"
    + _NOUNS
    + r"\s+of\s+(?P<subj2>[^,;.!?]{2,40}))\b"
)
_NOUN_BEFORE = re.compile(
    _POSS_SUBJ
    + r"\s+(?:\w+\s+){0,2}?"
    + _NOUNS
    + r"(?:\b[^.!?\"“”]{0,40}?\s(?:was|were)\b[^.!?\"“”]{0,30}|\s+of)[,:—–-]*\s*$"
)
_POSS_SPEAKS = re.compile(r"['’]s?\s+(?:(?:\w+ly)\s+)?(?:who\b|" + SPEECH_VERB_RE + r"(?<=ing)\b)")
_BY_AGENT = re.compile(r"\b[a-z]+ed\s+by\s+(?P<subj>(?:the\s+)?[A-Z][\w.'’ -]{0,30}?)[,:—–-]+\s*$")
# a paragraph of narration ending 'Sissy resumed in a lower voice.' introduces the next line
_INTRO_END = re.compile(
    r"\b(?P<verb>said|says|began|begins|continued|continues|resumed|resumes|went\s+on|goes\s+on|"
    r"answered|answers|replied|replies|added|adds|observed|remarked|whispered|murmured|"
    r"proceeded|pursued|rejoined|interposed|spoke|speaks)\b(?P<rest>[^.!?\"“”]{0,60})[.:]\s*$"
)
# ... and so does a paragraph ending as someone gets ready to speak: 'He opens his mouth to
# say thank you.', 'She cleared her throat.', 'He started to protest.'
_INTENT_END = re.compile(
    r"\b(?:(?:opens?|opened|opening)\s+(?:his|her|their)\s+(?:mouth|lips)|"
    r"(?:clears?|cleared)\s+(?:his|her|their)\s+throat|"
    r"(?:begins?|began|starts?|started|tries|tried|means?|meant|wants?|wanted|goes|went|"
    r"(?:is|was)\s+about|(?:is|was)\s+going|turns?\s+to|turned\s+to)\s+"
    r"(?:to\s+)?(?:say|speak|reply|answer|ask|protest|object|argue|explain|apologi[sz]e))"
    r"\b(?P<rest>[^.!?\"“”]{0,60})[.]\s*$"
)
_ADVERBIAL = re.compile(
    r"(?:\s*,?\s*(?:\w+ly|up|out|again|thus|aloud|first|at\s+last|at\s+length|at\s+once|"
    r"(?:in|with)\s+(?:a|an|the|his|her)\s+[\w\s-]+?|\w+ing\b[^,]*?))*\s*"
)
_OBJECT_LEAD = re.compile(
    r"\s*(?:\w+ly\s+)?(?:to|at|with|towards?|unto|upon|of|for|from|after|in|into|across)\b"
)
_TAG_PRONOUN = re.compile(
    r"[\s,;:—–-]*(?:\w+ly\s+)?(?:he|she|it)\b|[\s,;:—–-]*\w+\s+(?:he|she|it)\b"
)
_SUBJ_PRONOUN = re.compile(r"\b(?:he|she|He|She|I|you|You|it)\b")
_WHO_AFTER = re.compile(r",?\s*who\b")
_LAST_WORD = re.compile(r"(\w+)\W*$")
_GAP = re.compile(
    r"(?:\s*,?\s*(?:\w+ly|then|again|also|only|now|once|still|just|too|at\s+last|at\s+once|"
    r"at\s+length|presently|first|however|indeed|herself|himself|itself|not|never|ever|soon|"
    r"thus|had|has|have|was|is|were|did|does|do|would|could|should|will|shall|must|might|may|"
    r"can|cannot|help|began|begun|proceeded|continued|went\s+on|seemed|to)\b\s*,?)*\s*"
)


def explicit(
    st: AttributionState,
    k: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int],
    avoid: int | None = None,
) -> tuple[int | None, float]:
    """Speaker named by a speech verb next to dialogue segment k."""
    st.soft = _talked_about(st, k)
    try:
        who, c = _explicit(st, k, spoken, exclude, avoid)
    finally:
        st.soft = frozenset()
    if (
        who is not None
        and who == st.narrator
        and st.person
        and st.para_of(st.segs[k].start) not in st.cont
    ):
        # "said I" in a first-person story is as good as a name: "I" means one person
        # (but not inside a tale told over several paragraphs: there "I" is its teller)
        c = max(c, 0.95)
    return who, c


def _talked_about(st: AttributionState, k: int) -> frozenset[int]:
    """Characters a line names in the third person, and those its tag names after the
    verb ('she said, turning to Matthew'): unlikely to be who "she" is."""
    text, segs = st.text, st.segs
    q = segs[k]
    out = {cis[0] for _a, _b, cis in st.names_in(q) if len(cis) == 1}
    if k + 1 < len(segs) and segs[k + 1].kind == "narration":
        a = segs[k + 1].start
        m = SENT_END.search(text, a, min(segs[k + 1].end, a + 200))
        b = m.start() if m else min(segs[k + 1].end, a + 200)
        tag = text[a:b]
        if _TAG_PRONOUN.match(tag):
            out.update(cis[0] for _a, _b, cis in st.names.find(text, a, b) if len(cis) == 1)
    return frozenset(out)


def _explicit(
    st: AttributionState,
    k: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int],
    avoid: int | None = None,
) -> tuple[int | None, float]:
    # confidences: a name in a tag, after or before the line, 0.95 (both measured near
    # 0.98 right on novels); a pronoun 0.85; a tag a paragraph away 0.85/0.8
    who, c = _tag_after(st, k, spoken, exclude, avoid)
    if c >= 0.9:
        return who, c
    # 'Mr. Gradgrind addressed the old lady: / "I am surprised," he observed': a name
    # before the line outweighs a pronoun after it
    who2, c2 = _tag_before(st, k, spoken, exclude, avoid)
    if who is None or c2 >= 0.9:
        return who2, c2
    return who, c


def _tag_after(
    st: AttributionState,
    k: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int],
    avoid: int | None = None,
) -> tuple[int | None, float]:
    """A speech tag after the line: '"...," said Jane', '"...," she replied'."""
    text, segs = st.text, st.segs
    q = segs[k]
    pi = st.para_of(q.start)
    _ps, pe = st.paras[pi]
    # after the quote
    if k + 1 < len(segs) and segs[k + 1].kind == "narration":
        a, b = segs[k + 1].start, min(segs[k + 1].end, pe)
        after = text[a:b]
        m = SAID_AFTER.match(after)
        if m and _particle_ok(m) and not takes_object(m.group("verb")):
            subj = m.group("subj")
            who = resolve_subject(st, subj, q.start, spoken, exclude, avoid=avoid, adjective=True)
            if who is not None:
                return who, 0.95 if not _is_pronoun(subj) else 0.85
        m = SUBJ_FIRST.match(after)
        if m and _particle_ok(m) and not SENT_END.search(no_abbrev(m.group("subj"))):
            who = resolve_subject(st, m.group("subj"), q.start, spoken, exclude, avoid=avoid)
            if who is not None:
                return who, 0.95 if not _is_pronoun(m.group("subj")) else 0.85
        # '"...," was Mary's answer' / 'was the opinion of Mr. Hale'
        m = _NOUN_AFTER.match(after)
        if m:
            subj = _strip_poss(m.group("subj") or m.group("subj2"))
            who = resolve_subject(st, subj, q.start, spoken, exclude, True, avoid)
            if who is not None:
                return who, 0.95
    return None, 0.0


def _tag_before(
    st: AttributionState,
    k: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int],
    avoid: int | None = None,
) -> tuple[int | None, float]:
    """A speech tag before the line: 'Jane said, "..."', 'Lydia laughed, and said,'."""
    text, segs = st.text, st.segs
    q = segs[k]
    pi = st.para_of(q.start)
    ps, _pe = st.paras[pi]
    # same paragraph, or a paragraph ending "Lydia laughed, and said,"
    if k > 0 and segs[k - 1].kind == "narration":
        a, b = max(segs[k - 1].start, ps), segs[k - 1].end
        if a >= b - 1 and q.start == ps and pi > 0:
            pps, ppe = st.paras[pi - 1]
            if segs[k - 1].start < ppe and text[ppe - 1] in ",:-—":
                a, b = max(segs[k - 1].start, pps), ppe
        before = text[a:b]
        m = VERB_BEFORE_END.search(before)
        if m:
            who = None
            rest = m.group("rest")
            pron = _is_pronoun(rest)
            if not takes_object(m.group("verb")) and not _OBJECT_LEAD.match(rest):
                # inverted: 'said Jane, "..."' (but not 'said to Jane, "..."')
                who = resolve_subject(st, rest, q.start, spoken, exclude, avoid=avoid)
            if who is None:
                who, pron = subject_before(st, a, a + m.start(), q.start, spoken, exclude, avoid)
            if who is not None:
                if a < ps:
                    st.intro[k] = (a, b)
                return who, 0.85 if pron else 0.95
        # 'Elizabeth's reply was, "..."'
        m = _NOUN_BEFORE.search(before)
        if m:
            subj = _strip_poss(m.group("subj"))
            who = resolve_subject(st, subj, q.start, spoken, exclude, True, avoid)
            if who is not None:
                return who, 0.95
        # 'thus accosted by Miss Bingley,'
        m = _BY_AGENT.search(before)
        if m:
            who = resolve_subject(st, m.group("subj"), q.start, spoken, exclude, avoid=avoid)
            if who is not None:
                return who, 0.95
        # 'Sissy resumed in a lower voice.' closing a paragraph of narration only
        if q.start == ps and pi > 0 and a >= b - 1:
            pps, ppe = st.paras[pi - 1]
            if segs[k - 1].start <= pps:
                m = _INTRO_END.search(text, max(pps, ppe - 200), ppe)
                if not (m and _ADVERBIAL.fullmatch(m.group("rest"))):
                    m = _INTENT_END.search(text, max(pps, ppe - 200), ppe)
                if m:
                    sent = max(
                        [pps]
                        + [
                            x.end()
                            for x in BOUNDARY.finditer(text, pps, m.start())
                            if not abbrev_before(text, x.start())
                        ]
                    )
                    who, pron = subject_before(st, sent, m.start(), q.start, spoken, exclude, avoid)
                    if who is not None:
                        st.intro[k] = (sent, ppe)
                        return who, 0.8 if pron else 0.85
    return None, 0.0


def subject_before(
    st: AttributionState,
    a: int,
    v: int,
    pos: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int],
    avoid: int | None,
) -> tuple[int | None, bool]:
    """The subject of a speech verb at ``v`` in narration starting at ``a``.

    Regex grammar for 'Lady Catherine approached, and, after a pause, said to Darcy,':
    a name or he/she right before the verb (adverbs and auxiliaries between) is its
    subject; else the nearest one in subject position (opening the sentence or a
    clause, or followed by "who"); names after a preposition or verb ("turned to
    Elizabeth") and possessives are objects.  With none in the sentence, the subject of
    the sentence before ("Mr. Collins was gratified; and with a smile replied,").
    Returns the character and whether a pronoun named it.
    """
    text = st.text
    bounds = [a] + [
        m.end() for m in BOUNDARY.finditer(text, a, v) if not abbrev_before(text, m.start())
    ]
    spans = list(zip(bounds, [*bounds[1:], v], strict=True))
    cands = _clause_candidates(st, *spans[-1], exclude)
    if cands:
        last = cands[-1]
        if _GAP.fullmatch(text, last[1], v):
            return _cand_who(st, last, pos, spoken, exclude, avoid)
        subj = [c for c in cands if c[3]]
        if not subj:
            # none in subject position: the first one named ("soon after Mr. Darcy,
            # drawing near Elizabeth, said")
            names = [c for c in cands if c[2] != "it"]
            if not names:
                return None, False
            return _cand_who(st, names[0], pos, spoken, exclude, avoid)
        return _cand_who(st, subj[-1], pos, spoken, exclude, avoid)
    if len(spans) > 1:
        subj = [c for c in _clause_candidates(st, *spans[-2], exclude) if c[3]]
        if subj:
            return _cand_who(st, subj[0], pos, spoken, exclude, avoid)
    return None, False


def _clause_candidates(
    st: AttributionState, s0: int, s1: int, exclude: frozenset[int]
) -> list[tuple[int, int, str | list[int], bool]]:
    """Names and he/she in text[s0:s1]: (start, end, char list or pronoun, subject-like)."""
    text = st.text
    out: list[tuple[int, int, str | list[int], bool]] = []
    for x, y, cis in st.names.find(text, s0, s1):
        if (text[y : y + 2] in ("'s", "’s") or text[y : y + 1] in ("'", "’")) and not (
            _POSS_SPEAKS.match(text, y)
        ):
            continue  # possessive: "Marilla's lap", but "Mrs Croft's suddenly saying"
        cis = [c for c in cis if c not in exclude]
        if cis:
            out.append((x, y, cis, _subject_like(st, s0, x, y)))
    for m in _SUBJ_PRONOUN.finditer(text, s0, s1):
        p = m.group().lower()
        if p == "it":
            out.append((m.start(), m.end(), p, False))  # only right before the verb
        elif p in ("he", "she") or ((p == "i") == (st.person == "first") and st.person):
            out.append((m.start(), m.end(), p, True))
    out.sort(key=lambda c: c[0])
    return out


def _subject_like(st: AttributionState, s0: int, x: int, y: int) -> bool:
    text = st.text
    if _WHO_AFTER.match(text, y):
        return True
    pre = text[max(s0, x - 30) : x]
    if not pre.strip() or pre.rstrip().endswith((",", ";", ":", "—", "-", "(")):
        return True
    w = _LAST_WORD.search(pre)
    if w is None:
        return True
    word = w.group(1).lower()
    if word in ("the", "a", "an", "old", "young", "little", "poor", "dear"):
        # "the Queen": look at the word before the determiner
        w2 = _LAST_WORD.search(pre[: w.start()])
        if w2 is None or not pre[: w.start()].strip():
            return True
        word = w2.group(1).lower()
        if pre[: w.start()].rstrip().endswith((",", ";", ":")):
            return True
    return word in CLAUSE_OPENERS


def _cand_who(
    st: AttributionState,
    c: tuple[int, int, str | list[int], bool],
    pos: int,
    spoken: dict[int, tuple[int, int]],
    exclude: frozenset[int],
    avoid: int | None,
) -> tuple[int | None, bool]:
    if isinstance(c[2], str):
        return resolve_pronoun(st, c[2], c[0], spoken, exclude, avoid), True
    cis = c[2]
    return (cis[0] if len(cis) == 1 else st.recent_of(cis, pos)), False


def _particle_ok(m: re.Match[str]) -> bool:
    v = m.group("verb").lower()
    need = PARTICLE_VERBS.get(v)
    if need is None:
        return True
    part = (m.groupdict().get("part") or "").strip()
    if part:
        return part == need
    rest = m.string[m.end("verb") : m.end("verb") + 6].split()
    return bool(rest) and rest[0].strip(",.;:!?—–-") == need


def _strip_poss(s: str) -> str:
    return re.sub(r"(?:'s|’s)$", "", s.strip())


def _is_pronoun(s: str) -> bool:
    return bool(re.match(r"\s*(he|she|I|you|it)\b", s, re.I))
