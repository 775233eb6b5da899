"""Extras: lines a speaker nobody names says ("said some one", "whispered one of the girls",
"they cried in chorus") go to Someone, A man, A woman or Crowd.

Why: such a line is nobody's in the cast, and giving it to the nearest named character puts
words in their mouth.  Extras never enter turn-taking or another line's candidates.
"""

from __future__ import annotations

import re

from dramatis.attribution.rules.patterns import (
    SAID_AFTER,
    SENT_END,
    SUBJ_FIRST,
    VERB_BEFORE_END,
    no_abbrev,
    takes_object,
)
from dramatis.attribution.state import AttributionState
from dramatis.text.lexicon import (
    A_MAN,
    A_WOMAN,
    CROWD,
    FEMALE_PLURALS,
    FEMALE_TITLES,
    GROUP_NOUNS,
    MALE_PLURALS,
    SOMEONE,
)

# Who an unnamed speaker is: 'some one', 'one of the girls', 'the others', 'they both'
# (not 'a voice': a voice heard is mostly a character the scene reveals, "the Voice" a name)
_UNNAMED = re.compile(
    r"(?:(?P<one>some\s?one|somebody|another(?!\s+of\b))(?:\s+else)?\b|"
    r"(?P<all>every\s?one|everybody|all\s+of\s+(?:them|us)|both\s+of\s+(?:them|us)|"
    r"they\s+(?:all|both)|the\s+others|the\s+rest|(?:one|the\s+other)\s+half\s+of\s+the\s+\w+|"
    r"(?:several|many|a\s+dozen|a\s+few|a\s+score\s+of|other|some|a\s+hundred)\s+voices)\b|"
    r"(?P<n>one|another|each|any|some|several|two|three|a\s+few|most|many|all|both)\s+of\s+"
    r"(?:the|them|us|those|these|his|her|their)\b(?:\s+(?P<noun>[A-Za-z]+))?|"
    r"(?:the|a)\s+(?P<group>[a-z]+)\b)",
    re.I,
)
_UNNAMED_TAIL = re.compile(r"[\s,]*(?:(?:at\s+once|together|in\s+chorus|in\s+unison|again)\b)?\W*$")
_CHORUS = re.compile(r"\b(?:in\s+chorus|in\s+unison|with\s+one\s+voice|all\s+together)\b", re.I)
_UNNAMED_END = re.compile(
    r"(?:^|[.!?;:,—–-]\s*|\b(?:and|then|when|till|until|but|while)\s+)(?P<who>[\w\s]{2,40}?)"
    r"\s+(?:\w+ly\s+)?$"
)


def _unnamed(subj: str, whole: bool = False) -> str | None:
    """The extra who speaks when a tag's subject names nobody ("said some one" -> Someone,
    "whispered one of the girls" -> A woman), else None.  With ``whole`` the subject must be
    only that phrase (a subject found before the verb)."""
    s = subj.lstrip(" \n\t,")
    m = _UNNAMED.match(s)
    if m is None or (whole and not _UNNAMED_TAIL.fullmatch(s, m.end())):
        return None
    if m.group("one"):
        return SOMEONE
    if m.group("all"):
        return CROWD
    if m.group("group"):
        g = m.group("group")
        return CROWD if g in GROUP_NOUNS else None  # lower case: "a People" is a name
    if m.group("n").lower() not in ("one", "another", "each", "any"):
        return CROWD
    noun = (m.group("noun") or "").lower()
    if noun in FEMALE_PLURALS or noun.capitalize() in FEMALE_TITLES:
        return A_WOMAN
    if noun in MALE_PLURALS:
        return A_MAN
    return SOMEONE


def _tag_extra(st: AttributionState, k: int) -> tuple[bool, str | None]:
    """Whether line ``k`` has a speech tag beside it, and the extra it names when its
    subject is nobody named ("said some one", "the others cried in chorus")."""
    text, segs = st.text, st.segs
    ps, pe = st.paras[st.para_of(segs[k].start)]
    tagged = False
    if k + 1 < len(segs) and segs[k + 1].kind == "narration":
        after = text[segs[k + 1].start : min(segs[k + 1].end, pe)]
        m = SAID_AFTER.match(after)
        if m and not takes_object(m.group("verb")):
            tagged = True
            subj = m.group("subj")
            x = _unnamed(subj)
            end = SENT_END.search(subj)
            if x or _CHORUS.search(subj, 0, end.start() if end else len(subj)):
                return True, x or CROWD
        m = SUBJ_FIRST.match(after)
        if m and not SENT_END.search(no_abbrev(m.group("subj"))):
            x = _unnamed(m.group("subj"), whole=True)
            if x or (not tagged and _CHORUS.search(after, m.end(), m.end() + 30)):
                return True, x or CROWD
            tagged = True
    if not tagged and k > 0 and segs[k - 1].kind == "narration":
        a = max(segs[k - 1].start, ps)
        before = text[a : segs[k - 1].end]
        m = VERB_BEFORE_END.search(before)
        if m:
            tagged = True
            rest = m.group("rest")
            x = _unnamed(rest, whole=True) if rest.strip() else None
            if x is None:
                w = _UNNAMED_END.search(before, 0, m.start())
                x = _unnamed(w.group("who"), whole=True) if w else None
            if x is None:
                cut = max((e.end() for e in SENT_END.finditer(before, 0, m.start())), default=0)
                if _CHORUS.search(before, cut):
                    x = CROWD
            if x:
                return True, x
    return tagged, None


def unnamed_lines(st: AttributionState, by_para: dict[int, list[int]]) -> dict[int, str]:
    """{line: extra} for lines a speaker nobody names says, and the untagged lines of
    their paragraph that go with them (a line joins the tagged line before it, else the
    one after).  Why: "whispered one of the girls" is nobody's line in the cast, and
    giving it to the nearest named woman puts words in her mouth."""
    out: dict[int, str] = {}
    for ks in by_para.values():
        tags = [_tag_extra(st, k) for k in ks]
        if not any(x for _t, x in tags):
            continue
        for i, k in enumerate(ks):
            tagged, x = tags[i]
            if not tagged:
                near = [t for t in tags[:i][::-1] + tags[i + 1 :] if t[0]]
                x = near[0][1] if near else None
            if x:
                out[k] = x
    return out
