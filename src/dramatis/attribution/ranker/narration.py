"""Who acts in the narration around a line: the subject closing the paragraph before it,
and the he/she of the narration after it or of a tag before it.

Why a module of its own: these read the narration, not the dialogue, and the ranker's
features (``features``) ask them for every line.
"""

from __future__ import annotations

import re

from dramatis.attribution.rules.resolve import resolve_pronoun
from dramatis.attribution.state import AttributionState

_SENT_END = re.compile(r"[.!?]")
_CLAUSE = re.compile(r",?\s+(?:and|but|then|so|while)\s+(?=(?:he|she|[A-Z])\b)")
_LEAD_POSS = re.compile(r"[\s,.!?]*(His|Her)\b")
_PRON = re.compile(r"\b(he|she|I|you|He|She|You)\b")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’']?\s+")
_LEAD_PRON = re.compile(r"\W*(he|she|his|her)\b", re.I)


def last_subject(att: AttributionState, pj: int) -> tuple[str, int | None] | None:
    """("name", character) or ("pron", character) for the last narration sentence of
    paragraph ``pj`` when the paragraph ends in narration, else None."""
    ps, pe = att.paras[pj]
    tail = att.text[ps:pe].rstrip()
    if not tail or tail[-1] in "\"”’'":
        return None
    sents = _SENT_SPLIT.split(tail)
    last = sents[-1] if sents else ""
    if not last or '"' in last or "“" in last:
        return None
    clauses = _CLAUSE.split(last)  # "She offers it to him but he shakes his head."
    last = clauses[-1]
    pos = ps + len(tail) - len(last)
    for a, _b, cis in att.names.find(last, 0, min(len(last), 30)):
        if a <= 4:
            return "name", cis[0] if len(cis) == 1 else att.recent_of(cis, pos)
        break
    m = _LEAD_PRON.match(last)
    if m:
        p = m.group(1).lower()
        p = {"his": "he", "her": "she"}.get(p, p)
        return "pron", resolve_pronoun(att, p, pos, {})
    return None


def first_pronoun(text: str, spans: list[tuple[int, int]]) -> str | None:
    for a, b in spans:
        lead = _LEAD_POSS.match(text, a, b)  # "His words ring of truth."
        if lead:
            return "he" if lead.group(1) == "His" else "she"
        stop = _SENT_END.search(text, a + 1, min(b, a + 40))  # the first sentence only
        m = _PRON.search(text, a, stop.start() if stop else min(b, a + 40))
        if m:
            return m.group().lower()
        return None
    return None


def last_pronoun(text: str, spans: list[tuple[int, int]]) -> str | None:
    if not spans:
        return None
    a, b = spans[-1]
    ms = list(_PRON.finditer(text, max(a, b - 60), b))
    return ms[-1].group().lower() if ms else None
