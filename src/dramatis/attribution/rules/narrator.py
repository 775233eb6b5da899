"""A first- or second-person narrator ("said I", "you say"), named by what others call them.

Why: their lines get a voice of their own, and "said I" is then as good as a named tag.
"""

from __future__ import annotations

import re

from dramatis.attribution.characters import guess_gender
from dramatis.attribution.discover import mid_sentence_caps
from dramatis.attribution.names import NameIndex, gender_code
from dramatis.attribution.rules.turns import vocatives
from dramatis.attribution.state import AttributionState
from dramatis.model import Character
from dramatis.text.lexicon import STOP_NAMES

_VOC_NAME = re.compile(r"(?:[\"“‘']|,\s*)([A-Z][a-z]+)(?=\s*[,.!?—–-])")


def detect_narrator(st: AttributionState) -> None:
    """Find a first/second-person narrator and name them by what others call them."""
    counts = st.pron_counts
    total = sum(counts.values()) or 1
    said_i = len(
        re.findall(
            r"\b(?:said|asked|cried|replied|answered) I\b"
            r"|\bI (?:said|asked|cried|replied|answered)\b",
            st.text,
        )
    )
    said_you = len(
        re.findall(r"\byou (?:say|ask|tell|whisper|reply|answer|call|respond)\b", st.text, re.I)
    )
    if counts["i"] / total > 0.2 and said_i >= 1:
        st.person = "first"
    elif counts["you"] / total > 0.25 and said_you >= 1:
        st.person = "second"
    else:
        return
    # the narrator: most often addressed by name, rarely named in the narration
    voc: dict[int, int] = {}
    for s in st.segs:
        if s.kind == "dialogue":
            for ci in vocatives(st, s):
                voc[ci] = voc.get(ci, 0) + 1
    named = _named_in_narration(st)
    best, score = None, 0.0
    for ci, v in voc.items():
        sc = v / (1 + named.get(ci, 0))
        if v >= 2 and sc > score:
            best, score = ci, sc
    # the name may never appear outside quotes ("Clarke," she says): a new character
    seen: dict[str, int] = {}
    mid = mid_sentence_caps(st.text)  # "Shucks," opens a line but is no one's name
    for s in st.segs:
        if s.kind == "dialogue":
            for m in _VOC_NAME.finditer(st.text, s.start, s.end):
                w = m.group(1)
                if w not in STOP_NAMES and mid[w] and not st.names.find(w, 0, len(w)):
                    seen[w] = seen.get(w, 0) + 1
    if seen:
        w, v = max(seen.items(), key=lambda kv: kv[1])
        if v >= 2 and v > score:
            st.chars.append(Character(w, [], guess_gender(w)))  # type: ignore[arg-type]
            st.genders.append(gender_code(st.chars[-1].gender))
            st.names = NameIndex(st.chars, st.text)
            best, score = len(st.chars) - 1, float(v)
    if best is not None and score >= 0.2:
        st.narrator = best
    else:
        label = "Narrator (I)" if st.person == "first" else "Narrator (you)"
        st.chars.append(Character(label, [], "unknown"))
        st.genders.append("u")
        st.narrator = len(st.chars) - 1


def _named_in_narration(st: AttributionState) -> dict[int, int]:
    """How often the narration names each character as a third person.

    Why not a plain count: a newspaper, letter or inscription the narrator reads out is
    narration too, and it names the narrator ("Mr. Holmes and Dr. Watson, who had...").
    A name inside quote marks within the narration is not counted, and one paragraph
    counts once, so a single long document cannot outweigh the whole story.
    """
    named: dict[int, int] = {}
    seen: set[tuple[int, int]] = set()
    for m in st.mentions:
        if m.char < 0:
            continue
        pi = st.para_of(m.pos)
        if (m.char, pi) in seen or _inside_quotes(st.text, st.paras[pi][0], m.pos):
            continue
        seen.add((m.char, pi))
        named[m.char] = named.get(m.char, 0) + 1
    return named


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """``pos`` lies inside a quotation opened since ``start`` (a paragraph's start)."""
    chunk = text[start:pos]
    return chunk.count('"') % 2 == 1 or chunk.count("“") > chunk.count("”")
