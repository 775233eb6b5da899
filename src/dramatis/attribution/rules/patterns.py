"""The speech-tag grammar several rules share: a tag after a line ('"...," said Jane'), a
subject before its verb ('Jane said,'), a verb closing the narration before a line, and
sentence boundaries that are not abbreviations.

Why shared: the explicit-tag rule finds a named speaker with these, and the extras rule
must recognise exactly the same tags to see when their subject names nobody.
"""

from __future__ import annotations

import re

from dramatis.text.lexicon import INVERTED_ONLY, OBJECT_VERBS, SPEECH_VERB_RE

_VERB = SPEECH_VERB_RE
_ADV = r"(?:\w+ly,?\s+)?"

SENT_END = re.compile(r"[.!?]")
SAID_AFTER = re.compile(
    r"^[\s,;:—–\-]*(?:(?:and|then)\s+)?"
    + _ADV
    + r"(?P<verb>"
    + _VERB
    + "|"
    + "|".join(INVERTED_ONLY)
    + r")(?P<part>\s+(?:on|in|back|out|up))?\s+"
    r"(?:(?:to\s+\w+|\w+ly)\s+)?(?P<subj>\S.{0,40})",
    re.S,
)
SUBJ_FIRST = re.compile(
    r"^[\s,;:—–\-]*(?P<subj>\S.{0,60}?)\s+(?:\w+ly\s+|had\s+|has\s+|was\s+|is\s+)?(?:\w+ly\s+)?(?P<verb>"
    + _VERB
    + r")\b",
    re.S,
)
VERB_BEFORE_END = re.compile(
    r"(?P<verb>"
    + _VERB
    + r")\b(?P<rest>(?:[^.!?\"“”]|(?<=Mr)\.|(?<=Mrs)\.|(?<=Ms)\.|(?<=Dr)\.|(?<=St)\.){0,60})"
    r"[,:]?\s*$",
    re.S,
)
BOUNDARY = re.compile(r"[.!?;]['\"”’)]*\s+|[\"“”]")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Rev|Prof|Messrs)|\b[A-Z])$")


def takes_object(verb: str) -> bool:
    """'"...," addressing Sissy': the name after a participle or "told" is the listener."""
    v = verb.lower()
    return v.endswith("ing") or v in OBJECT_VERBS


def abbrev_before(text: str, i: int) -> bool:
    """The period at ``i`` ends "Mr." or an initial, not a sentence."""
    return text[i] == "." and bool(_ABBREV.search(text, max(0, i - 6), i))


def no_abbrev(s: str) -> str:
    return re.sub(r"\b(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Rev|Prof)\.", "", s)
