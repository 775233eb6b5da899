"""Decide who speaks each dialogue segment: characters, the rule sieve, the ranker, pins.

1. characters: the cast's, merged with those discovered in the text (``characters``,
   ``discover``);
2. the rule sieve (``rules``) gives each line a speaker and a confidence;
3. the learned ranker (``ranker``) weighs the sieve's answers with the context and decides;
4. pins from voices.yaml always win.

Everything is pure Python, regex and a few numpy products: ``dramatis script`` must stay
fast on a whole novel.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from dramatis.attribution.characters import cast_characters, merge_cast
from dramatis.attribution.discover import discover, discover_descriptions
from dramatis.attribution.ranker import ALT, load_weights, rerank
from dramatis.attribution.rules.sieve import run_rules
from dramatis.attribution.state import AttributionState
from dramatis.model import NARRATOR, Cast, Character, Segment

LOW_CONFIDENCE = 0.5


@dataclass(slots=True)
class Attribution:
    """Segments with speakers, the characters they name, and a first/second-person narrator."""

    segments: list[Segment]
    characters: list[Character] = field(default_factory=list)
    narrator: str | None = None

    def character(self, name: str) -> Character | None:
        for c in self.characters:
            if c.name == name:
                return c
        return None


def line_ids(text: str, segments: list[Segment]) -> list[str | None]:
    """Stable short ids for dialogue lines: a hash of the line's own words plus an occurrence count.

    Editing text elsewhere changes no id; only a repeated identical line earlier in the text
    shifts the counter of its later twins.
    """
    seen: dict[str, int] = {}
    used: set[str] = set()
    out: list[str | None] = []
    for s in segments:
        if s.kind != "dialogue":
            out.append(None)
            continue
        words = " ".join(text[s.start : s.end].split())
        n = seen.get(words, 0)
        seen[words] = n + 1
        salt = 0
        while True:
            h = hashlib.blake2s(f"{words}\x00{n}\x00{salt}".encode(), digest_size=4).hexdigest()
            lid = "L" + h[:6]
            if lid not in used:
                break
            salt += 1
        used.add(lid)
        out.append(lid)
    return out


def sieve(text: str, segments: list[Segment], cast: Cast | None = None) -> AttributionState:
    """Characters (listed and discovered) and the rule sieve's speakers, before ranking."""
    segs = [Segment(s.start, s.end, s.kind) for s in segments]
    for s, lid in zip(segs, line_ids(text, segs), strict=True):
        s.line_id = lid
    speakers: set[str] = set()
    found = discover(text, segs, speakers=speakers)
    if cast is None:
        # with no cast at all, also the speakers the story only describes ("the mariner");
        # a listed cast usually names them, and a description can mean a listed person
        found += discover_descriptions(text, segs, found)
    chars = merge_cast(cast_characters(cast), found, speakers)
    att = AttributionState(text, segs, chars)
    run_rules(att)
    return att


def attribute(
    text: str,
    segments: list[Segment],
    cast: Cast | None = None,
    scopes: Sequence[tuple[int, int]] = (),
) -> Attribution:
    """Give every dialogue segment a speaker, a confidence and a stable line id.

    ``scopes`` (the stories of a collection, as spans of ``text``) are attributed one by one,
    each with the characters found in it: a character of one story never speaks in the next.
    """
    if len(scopes) > 1:
        return _attribute_scoped(text, segments, cast, scopes)
    att = sieve(text, segments, cast)
    segs, chars = att.segs, att.chars
    weights = load_weights()
    if weights:
        # twice: the second pass sees the first pass's speakers of the neighbouring lines,
        # and decodes each run of adjacent lines jointly as one exchange
        rerank(att, weights)
        rerank(att, weights, ALT)
        att.apply()
    narrator = chars[att.narrator].name if att.narrator is not None else None
    apply_pins(segs, chars, cast)
    return Attribution(segments=segs, characters=chars, narrator=narrator)


def apply_pins(segs: list[Segment], chars: list[Character], cast: Cast | None) -> None:
    """The user's pinned speakers win over any guess."""
    if cast is None or not cast.pins:
        return
    by_name = {n.lower(): c.name for c in chars for n in c.names}
    for s in segs:
        if s.line_id in cast.pins:
            want = cast.pins[s.line_id]
            if want.lower() == NARRATOR:
                s.speaker = None
            else:
                s.speaker = by_name.get(want.lower(), want)
            s.confidence = 1.0


def _attribute_scoped(
    text: str, segments: list[Segment], cast: Cast | None, scopes: Sequence[tuple[int, int]]
) -> Attribution:
    """Attribute each scope on its own text, then put the pieces back in place.

    Why separately rather than one pass with per-scope candidates: discovery, the narrator
    and every rule then see only the story at hand, as they would a single story.  Text
    before the first scope joins it; a scope runs to the next one.  Line ids are made over
    the whole text afterwards (a repeated line's count runs across stories) and pins then
    apply as usual.  Characters of the same name in two stories share one entry (one voice).
    """
    starts = sorted({a for a, _ in scopes} | {0})
    bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
    local = replace(cast, pins={}) if cast is not None else None
    segs: list[Segment] = []
    chars: dict[str, Character] = {}
    narrator = None
    for a, b in bounds:
        part = [s for s in segments if a <= s.start < b]
        if not part:
            continue
        end = max(b, part[-1].end)
        sub = attribute(text[a:end], [Segment(s.start - a, s.end - a, s.kind) for s in part], local)
        for s in sub.segments:
            s.start, s.end = s.start + a, s.end + a
        segs += sub.segments
        for c in sub.characters:
            chars.setdefault(c.name, c)
        narrator = narrator or sub.narrator
    for s, lid in zip(segs, line_ids(text, segs), strict=True):
        s.line_id = lid
    apply_pins(segs, list(chars.values()), cast)
    return Attribution(segments=segs, characters=list(chars.values()), narrator=narrator)
