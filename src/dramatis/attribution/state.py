"""What the attribution rules and the ranker share: the story, its characters, and the
decisions so far.

Why one object: every rule reads the same context (paragraphs, name mentions, who spoke
before) and writes its answers where the next rule and the ranker find them.  The rules are
functions over this state (``dramatis.attribution.rules``); the ranker reads it through the
public attributes documented on :class:`AttributionState`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from dramatis.attribution.names import NameIndex, gender_code
from dramatis.model import Character, Segment
from dramatis.text.quotes import paragraphs

NEAR = 400  # a shared name means whichever of its bearers was named this close before

_SUBJ_BEFORE = re.compile(r"(?:^|[.!?;]['\"”’]?\s+|\n\s*|,\s+(?:and|but)\s+|\band\s+|\bthen\s+)$")
_PRONOUN_RE = re.compile(r"\b(he|she|him|her|his|I|me|my|you|He|She|Him|Her|His|My|You|Me)\b")


@dataclass(slots=True)
class Mention:
    """A character named in the narration."""

    pos: int
    end: int
    char: int  # index into characters
    role: str = ""  # "s" when the name opens a sentence or clause (likely its subject)


class AttributionState:
    """The story being attributed, its characters and the decisions so far.

    Set up from the text:

    - ``text``: the whole story; ``segs``: its segments (narration and dialogue, tiling the
      text; dialogue speakers are written into them by :meth:`apply`).
    - ``chars``: the candidate characters (listed, discovered, then extras and a narrator the
      rules add); characters are referred to everywhere by their index in this list.
      ``genders``: one letter per character ("f", "m", "u"); ``names``: the name finder.
    - ``paras``: (start, end) of each paragraph; ``pstarts``: their starts (for
      :meth:`para_of`); ``para_segs``: the segments in each paragraph (a narration segment
      can span several).
    - ``mentions``: characters named in the narration, in text order; ``mpos``: their
      positions; ``plain``: how often each character is named unambiguously;
      ``pron_counts``: first-person, second-person and third-person pronouns in the narration.

    The sieve's results (``rules.sieve.run_rules``):

    - ``dia``: indices of the dialogue segments; ``by_para``: {paragraph: its dialogue
      segments}; ``vocs``: {line: characters it addresses by name}; ``listeners``:
      {paragraph: characters its tags name as listener}; ``cont``: {paragraph: the previous
      one its quotation goes on from}; ``intro``: {line: span of a tag closing the paragraph
      before it}.
    - ``narrator`` (a character index or None) and ``person`` ("first", "second" or "").
    - ``extras``: {line: an extra's index} for lines an unnamed speaker says;
      ``extra_ids``: those extras' indices.
    - ``spk``/``conf``: {line: speaker index / confidence}, the current answers (the ranker
      rewrites them); ``spk0``/``conf0``: the sieve's own answers, kept; ``method``: {line:
      the rule that decided it}; ``pmethod``: the same per paragraph.

    Context of the line being resolved (set by the rules while they read a line):
    ``soft``: characters unlikely to be its "he"/"she" (named inside it, or as listener);
    ``addressed``: those the previous line named, likely to answer.
    """

    def __init__(self, text: str, segments: list[Segment], chars: list[Character]):
        self.text = text
        self.segs = segments
        self.chars = chars
        self.names = NameIndex(chars, text)
        self.genders = [gender_code(c.gender) for c in chars]
        self.paras = paragraphs(text)
        self.pstarts = [p[0] for p in self.paras]
        self.para_segs: list[list[int]] = []
        self.mentions: list[Mention] = []
        self.plain: dict[int, int] = {}
        self.pron_counts: dict[str, int] = {}
        self._qnames: dict[tuple[int, int, int], list[tuple[int, int, list[int]]]] = {}
        self.mpos: list[int] = []
        self.narrator: int | None = None
        self.person = ""  # "first" / "second" / ""
        self.method: dict[int, str] = {}  # how each line was attributed (for diagnostics)
        self.soft: frozenset[int] = frozenset()  # unlikely referents of the current pronoun
        self.addressed: frozenset[int] = frozenset()  # named by the previous line: answers
        self.pmethod: dict[int, str] = {}
        self.cont: dict[int, int] = {}  # paragraph -> the previous one its quotation goes on from
        self.listeners: dict[int, frozenset[int]] = {}  # paragraph -> who its tags address
        # a line introduced by the paragraph before ('Lydia laughed, and said,' / 'He opens
        # his mouth to say thank you.'): the span of that tag, narration "before" the line
        self.intro: dict[int, tuple[int, int]] = {}
        # lines an unnamed speaker says -> that extra's index (characters appended last,
        # never mentioned by name and never a candidate for anyone else's line)
        self.extras: dict[int, int] = {}
        self.extra_ids: frozenset[int] = frozenset()
        self.dia: list[int] = []
        self.by_para: dict[int, list[int]] = {}
        self.vocs: dict[int, frozenset[int]] = {}
        self.spk: dict[int, int] = {}
        self.conf: dict[int, float] = {}
        self.spk0: dict[int, int] = {}
        self.conf0: dict[int, float] = {}

    def para_of(self, pos: int) -> int:
        return max(0, bisect_right(self.pstarts, pos) - 1)

    def collect_mentions(self) -> None:
        """Name mentions in the narration (with a subject flag), and pronoun counts."""
        ments: list[Mention] = []
        text = self.text
        pron = {"i": 0, "you": 0, "3": 0}
        found = [
            (s, self.names.find(text, s.start, s.end)) for s in self.segs if s.kind == "narration"
        ]
        # how often each character is named unambiguously: a name shared by two ("Charles")
        # means, away from a fresh mention of either, the one the story seldom names in
        # full (the other Charles is "Charles Hayter" to tell him apart)
        plain: dict[int, int] = {}
        for _s, hits in found:
            for _a, _b, cis in hits:
                if len(cis) == 1:
                    plain[cis[0]] = plain.get(cis[0], 0) + 1
        self.plain = plain
        for s, hits in found:
            for a, b, cis in hits:
                ci = cis[0] if len(cis) == 1 else self._pick(cis, ments, a)
                ments.append(
                    Mention(a, b, ci, "s" if _SUBJ_BEFORE.search(text, max(0, a - 4), a) else "")
                )
            for m in _PRONOUN_RE.finditer(text, s.start, s.end):
                w = m.group().lower()
                pron["i" if w in ("i", "me", "my") else "you" if w == "you" else "3"] += 1
        ments.sort(key=lambda m: m.pos)
        self.mentions = ments
        self.mpos = [m.pos for m in ments]
        self.pron_counts = pron

    def _pick(self, cis: list[int], ments: list[Mention], pos: int) -> int:
        """An alias shared by several characters: the one just mentioned, else the default."""
        for m in reversed(ments[-50:]):
            if pos - m.pos > NEAR:
                break
            if m.char in cis:
                return m.char
        return self._default(cis)

    def _default(self, cis: list[int]) -> int:
        return min(cis, key=lambda c: (self.plain.get(c, 0), cis.index(c)))

    def recent_of(self, cis: list[int], pos: int) -> int:
        """Of the characters sharing a name, the one named last within NEAR of ``pos``."""
        i = bisect_right(self.mpos, pos) - 1
        while i >= 0 and pos - self.mentions[i].pos < NEAR:
            if self.mentions[i].char in cis:
                return self.mentions[i].char
            i -= 1
        return self._default(cis)

    def names_in(self, q: Segment) -> list[tuple[int, int, list[int]]]:
        """Names inside a line, offsets relative to it (cached: several rules ask)."""
        key = (q.start, q.end, id(self.names))
        hit = self._qnames.get(key)
        if hit is None:
            inner = self.text[q.start : q.end]
            hit = self._qnames[key] = self.names.find(inner, 0, len(inner))
        return hit

    def speech_groups(self) -> dict[int, list[int]]:
        """Runs of paragraphs holding one continued speech: {first paragraph: all of them}."""
        groups: dict[int, list[int]] = {}
        for pi in sorted(self.cont):
            head = self.cont[pi]
            while head in self.cont:
                head = self.cont[head]
            groups.setdefault(head, [head]).append(pi)
        return groups

    def group_head(self, pi: int) -> int:
        """The first paragraph of the continued speech ``pi`` belongs to (itself if none)."""
        while pi in self.cont:
            pi = self.cont[pi]
        return pi

    def apply(self) -> None:
        """Write the chosen speakers and confidences into the dialogue segments."""
        segs, spk, conf = self.segs, self.spk, self.conf
        for k in self.dia:
            if k in spk:
                segs[k].speaker = self.chars[spk[k]].name
                segs[k].confidence = round(conf[k], 3)
            else:
                segs[k].speaker = None
                segs[k].confidence = 0.0
