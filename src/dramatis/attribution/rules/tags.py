"""Decide who speaks each dialogue segment.

A sieve of small rules, most reliable first, in the spirit of Muzny et al. (2017) and of the
PDNC findings (explicit quotes are easy; the rest is conversation structure):

1. pins from voices.yaml (always win);
2. a speech verb beside the quote with a name or pronoun ("said Jane", "she whispered",
   "Jane said, ..."), pronouns resolved by gender against recent mentions and speakers;
3. an interrupted quotation shares its first part's speaker; one speaker per paragraph, and
   per speech carried over several paragraphs (no closing mark until its last);
4. action beats: the subject of the paragraph's narration ("She turns away.");
5. turn-taking through runs of unattributed lines (A, B, A, B ...), helped by vocatives
   and tags that name a listener ("said Jane to Kitty"): the one addressed is likely to
   answer next;
6. fall back to the most recent other speaker.

First- and second-person narrators ("said I", "you say") are identified by the name others
call them by, so their lines get their own voice; "said I" then counts as a named tag.
Everything is pure Python and regex: ``dramatis script`` must stay fast on a whole novel.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from dramatis.model import NARRATOR, Cast, Character, Segment
from dramatis.text.lexicon import (
    A_MAN,
    A_WOMAN,
    CLAUSE_OPENERS,
    CROWD,
    DESCRIBED_PEOPLE,
    EXTRAS,
    FEMALE_NAMES,
    FEMALE_PLURALS,
    FEMALE_TITLES,
    GENERIC_PEOPLE,
    GROUP_NOUNS,
    INVERTED_ONLY,
    MALE_NAMES,
    MALE_PLURALS,
    MALE_TITLES,
    NOT_ADJ,
    OBJECT_VERBS,
    PARTICLE_VERBS,
    RELATIONS,
    SOMEONE,
    SPEECH_VERB_RE,
    STOP_NAMES,
    TITLES,
)
from dramatis.text.quotes import paragraphs

LOW_CONFIDENCE = 0.5
AVOID = False
SAL = [2.0, 2.0, 600.0]
WINDOW = 1500
FORWARD = 8000  # how far ahead a he/she with no antecedent looks for the one it means
NEAR = 400  # a shared name means whichever of its bearers was named this close before

_VERB = SPEECH_VERB_RE
_PRON = r"(?:he|she|I|you|He|She|You)"
_ADV = r"(?:\w+ly,?\s+)?"


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


@dataclass(slots=True)
class _Mention:
    pos: int
    end: int
    char: int  # index into characters
    role: str = ""  # "s" when the name opens a sentence or clause (likely its subject)


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


_ARTICLE = re.compile(r"^(?:The|A|An)\s+(?=[A-Z])")
# a listed description led by one of these ("The Mariner", "Her Sister") is matched in any case
_DETERMINERS = frozenset(("the", "a", "an", "his", "her", "my", "our", "their"))
_CONNECTORS = frozenset(("of", "the", "in", "on", "with", "and", "de", "la", "le", "du", "van"))
_SURNAME_PARTICLES = frozenset(("De", "de", "Van", "van", "Von", "von", "Du", "du", "Le", "La"))
_INITIAL = re.compile(r"^[A-Z]\.?$")
_NAME_TOKEN = re.compile(r"[A-Z][\w'’-]*\.?$")


def _variants(alias: str) -> list[str]:
    """Forms an alias takes in running text.

    "The Mock Turtle" is "the Mock Turtle" mid-sentence; a cast that lists a description
    ("The Mariner", "A Lady In The Group", "Her Sister") means the phrase in any case
    ("said the mariner", "said the young crab", "said her sister").
    """
    if not alias:
        return []
    out = [alias]
    m = _ARTICLE.match(alias)
    if m:
        rest = alias[m.end() :]
        if len(rest) > 2:
            out.append(rest)
    return out


def _derived(c: Character) -> list[tuple[str, str]]:
    """Shorter forms of a character's names, as (form, kind) with kind "surname" or "other".

    A voices.yaml lists "Josiah Bounderby"; the story says "Bounderby", "Mr. Bounderby",
    "Josiah".  A woman is "Mrs."/"Miss" + surname, a man "Mr." + surname; "Sir Walter Elliot"
    is also "Sir Walter".  Someone listed by a description with an indefinite article
    ("A Gryphon") is "the Gryphon" once introduced.
    """
    out: list[tuple[str, str]] = []
    g = c.gender
    for n in c.names:
        m = _ARTICLE.match(n)
        if m:
            rest = n[m.end() :]
            if m.group().strip() in ("A", "An") and rest.lower() not in GENERIC_PEOPLE:
                out.append((f"the {rest}", "other"))
            continue
        toks = n.split()
        titles: list[str] = []
        while toks and toks[0].rstrip(".") in TITLES:
            titles.append(toks.pop(0).rstrip("."))
        if not toks or any(t.lower() in _CONNECTORS and t not in _SURNAME_PARTICLES for t in toks):
            continue
        if not all(_NAME_TOKEN.match(t) for t in toks):
            continue  # "Small, Dark, Brisk Man" is a description, not a name
        last = toks[-1]
        if len(toks) >= 2 and toks[-2] in _SURNAME_PARTICLES:
            last = " ".join(toks[-2:])
        if len(toks) == 1 and not titles:
            continue
        if not _INITIAL.match(last) and last not in STOP_NAMES:
            out.append((last, "surname"))
            plain = not titles or titles[0] in ("Mr", "Mrs", "Miss", "Ms")
            if plain and g == "male":
                out.append((f"Mr. {last}", "other"))
            elif plain and g == "female":
                out += [(f"Mrs. {last}", "other"), (f"Miss {last}", "other")]
        first = toks[0]
        if len(toks) >= 2 and not _INITIAL.match(first) and first not in STOP_NAMES:
            married = bool(titles) and titles[0] in ("Mrs", "Lady") and g != "male"
            if not married or titles[0] == "Lady":
                out.append((first, "other"))
            if titles and titles[0] in ("Sir", "Lady", "Lord", "Dame"):
                out.append((f"{titles[0]} {first}", "other"))
    return out


def _described(form: str) -> bool:
    """A description led by an article or possessive ("the Mariner"), matched in any case."""
    w = form.split(None, 1)
    return len(w) == 2 and w[0].lower() in _DETERMINERS


def _key(s: str) -> str:
    """Lookup form of a name: periods dropped, whitespace squashed ("Mr.\\nDarcy" = "Mr Darcy"),
    descriptions lowercased."""
    k = " ".join(s.replace(".", " ").split())
    return k.lower() if _described(k) else k


def _pattern(form: str) -> str:
    """Regex for a name form: any whitespace between words (hard-wrapped text), an optional
    period after an abbreviation ("Mr Shepherd" and "Mr. Shepherd"), any case for a
    description."""
    parts = []
    for t in form.replace(".", ". ").split():
        if t.endswith("."):
            parts.append(re.escape(t[:-1]) + r"\.?")
        elif t in TITLES:
            parts.append(re.escape(t) + r"\.?")
        else:
            parts.append(re.escape(t))
    pat = r"\s+".join(parts)
    return f"(?i:{pat})" if _described(form) else pat


def _gender_code(g: str) -> str:
    return {"female": "f", "male": "m"}.get(g, "u")


_TITLE_BEFORE = re.compile(r"\b(" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.?\s+$")


class _Names:
    """Finds mentions of known characters (names, aliases and their shorter forms) in text.

    Listed names and aliases win over derived forms; a bare surname shared by a man and a
    woman means the man (English usage: she is "Mrs." or "Miss", or her first name); a title
    before a bare name must fit the character's gender ("Mrs. Gradgrind" is not Thomas
    Gradgrind when she is not listed herself).
    """

    def __init__(self, chars: list[Character], text: str = ""):
        self.chars = chars
        genders = [_gender_code(c.gender) for c in chars]
        table: dict[str, list[int]] = {}
        forms: set[str] = set()
        for ci, c in enumerate(chars):
            for a in c.names:
                for v in _variants(a.strip()):
                    forms.add(v)
                    if ci not in table.setdefault(_key(v), []):
                        table[_key(v)].append(ci)
        derived: dict[str, list[int]] = {}
        surname: set[str] = set()
        for ci, c in enumerate(chars):
            for v, kind in _derived(c):
                k = _key(v)
                if k in table:
                    continue
                if text and " " not in v and text.count(f" {v.lower()} ") > text.count(v):
                    continue  # "Long" of Mrs. Long is mostly the word "long"
                forms.add(v)
                if ci not in derived.setdefault(k, []):
                    derived[k].append(ci)
                if kind == "surname":
                    surname.add(k)
        for k, cis in derived.items():
            if k in surname and len(cis) > 1:
                men = [ci for ci in cis if genders[ci] != "f"]
                if men:
                    cis[:] = men
            table[k] = cis
        self.table = table
        self.genders = genders
        pats = sorted({_pattern(f) for f in forms}, key=len, reverse=True)
        # the possible first letters, checked first: most positions fail at once
        first = {f[0] for f in forms if f} | {f[0].swapcase() for f in forms if f and _described(f)}
        lead = "(?=[" + re.escape("".join(sorted(first))) + "])" if first else ""
        self.regex = (
            re.compile(lead + r"(?<![\w.])(?:" + "|".join(pats) + r")(?![\w])") if pats else None
        )

    def find(self, text: str, start: int, end: int) -> list[tuple[int, int, list[int]]]:
        if self.regex is None:
            return []
        out = []
        for m in self.regex.finditer(text, start, end):
            cis = self.table.get(_key(m.group()))
            if not cis:
                continue
            if " " not in m.group().strip():
                t = _TITLE_BEFORE.search(text, max(0, m.start() - 12), m.start())
                if t:
                    w = t.group(1)
                    bad = "m" if w in FEMALE_TITLES else "f" if w in MALE_TITLES else ""
                    if bad:
                        cis = [ci for ci in cis if self.genders[ci] != bad]
                        if not cis:
                            continue
            out.append((m.start(), m.end(), cis))
        return out


_SENT_END = re.compile(r"[.!?]")
_SUBJ_BEFORE = re.compile(r"(?:^|[.!?;]['\"”’]?\s+|\n\s*|,\s+(?:and|but)\s+|\band\s+|\bthen\s+)$")
_SENT_OPEN = re.compile(r"(?:^|[.!?]\s+|\n)\s*")
_NAME_PREFIXES = frozenset(("the", "little", "old", "young", "poor", "dear", "and", "then"))
_SUBJ_PRON = re.compile(r"(he|she|I|you|it)\b", re.I)
_SUBJ_PRON_POSS = re.compile(r"(he|she|I|you|his|her|my|your)\b", re.I)
_PRON_NORM = {"his": "he", "her": "she", "my": "i", "your": "you"}
_PRONOUN_RE = re.compile(r"\b(he|she|him|her|his|I|me|my|you|He|She|Him|Her|His|My|You|Me)\b")
_SAID_AFTER = re.compile(
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
_SUBJ_FIRST = re.compile(
    r"^[\s,;:—–\-]*(?P<subj>\S.{0,60}?)\s+(?:\w+ly\s+|had\s+|has\s+|was\s+|is\s+)?(?:\w+ly\s+)?(?P<verb>"
    + _VERB
    + r")\b",
    re.S,
)
_VERB_BEFORE_END = re.compile(
    r"(?P<verb>"
    + _VERB
    + r")\b(?P<rest>(?:[^.!?\"“”]|(?<=Mr)\.|(?<=Mrs)\.|(?<=Ms)\.|(?<=Dr)\.|(?<=St)\.){0,60})"
    r"[,:]?\s*$",
    re.S,
)
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
_BOUNDARY = re.compile(r"[.!?;]['\"”’)]*\s+|[\"“”]")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Rev|Prof|Messrs)|\b[A-Z])$")
_TAG_PRONOUN = re.compile(
    r"[\s,;:—–-]*(?:\w+ly\s+)?(?:he|she|it)\b|[\s,;:—–-]*\w+\s+(?:he|she|it)\b"
)
_SUBJ_PRONOUN = re.compile(r"\b(?:he|she|He|She|I|you|You|it)\b")
_LISTENER_BEFORE = re.compile(r"\b(?:to|towards|addressing)\s+(?:the\s+)?$", re.I)
_QUOTE_MARKS = frozenset("\"'“”‘’«»„")
_WHO_AFTER = re.compile(r",?\s*who\b")
_LAST_WORD = re.compile(r"(\w+)\W*$")
_GAP = re.compile(
    r"(?:\s*,?\s*(?:\w+ly|then|again|also|only|now|once|still|just|too|at\s+last|at\s+once|"
    r"at\s+length|presently|first|however|indeed|herself|himself|itself|not|never|ever|soon|"
    r"thus|had|has|have|was|is|were|did|does|do|would|could|should|will|shall|must|might|may|"
    r"can|cannot|help|began|begun|proceeded|continued|went\s+on|seemed|to)\b\s*,?)*\s*"
)
_DET_ADJ = re.compile(r"(the|a|an)\s+([a-z]+(?:-[a-z]+)?)\s+(?=[a-z])")
_ADJ_PREFIX = re.compile(r"(?:(?:the|a|an)\s+)?[a-z]+(?:-[a-z]+)?")
_VOC_NAME = re.compile(r"(?:[\"“‘']|,\s*)([A-Z][a-z]+)(?=\s*[,.!?—–-])")
_VOC_PATTERNS = (r"^\W*{n}\s*[,!?.;—–-]", r",\s*{n}\s*[,!?.;—–-]", r"\b(?:dear|O|oh|Oh)\s+{n}\b")


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


class _Attributor:
    def __init__(self, text: str, segments: list[Segment], chars: list[Character]):
        self.text = text
        self.segs = segments
        self.chars = chars
        self.names = _Names(chars, text)
        self.genders = [_gender_code(c.gender) for c in chars]
        self.paras = paragraphs(text)
        self.pstarts = [p[0] for p in self.paras]
        self.mentions: list[_Mention] = []
        self.plain: dict[int, int] = {}
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
        self._filled: dict[int, int] = {}  # paragraph speakers so far, while conversing
        self._heads: set[int] = set()  # first paragraphs of speeches over several
        # a line introduced by the paragraph before ('Lydia laughed, and said,' / 'He opens
        # his mouth to say thank you.'): the span of that tag, narration "before" the line
        self.intro: dict[int, tuple[int, int]] = {}
        # lines an unnamed speaker says -> that extra's index (characters appended last,
        # never mentioned by name and never a candidate for anyone else's line)
        self.extras: dict[int, int] = {}
        self.extra_ids: frozenset[int] = frozenset()

    # --- context -----------------------------------------------------------------------
    def para_of(self, pos: int) -> int:
        return max(0, bisect_right(self.pstarts, pos) - 1)

    def collect_mentions(self) -> None:
        """Name mentions in the narration (with a subject flag), and pronoun counts."""
        ments: list[_Mention] = []
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
                    _Mention(a, b, ci, "s" if _SUBJ_BEFORE.search(text, max(0, a - 4), a) else "")
                )
            for m in _PRONOUN_RE.finditer(text, s.start, s.end):
                w = m.group().lower()
                pron["i" if w in ("i", "me", "my") else "you" if w == "you" else "3"] += 1
        ments.sort(key=lambda m: m.pos)
        self.mentions = ments
        self.mpos = [m.pos for m in ments]
        self.pron_counts = pron

    def _pick(self, cis: list[int], ments: list[_Mention], pos: int) -> int:
        """An alias shared by several characters: the one just mentioned, else the default."""
        for m in reversed(ments[-50:]):
            if pos - m.pos > NEAR:
                break
            if m.char in cis:
                return m.char
        return self._default(cis)

    def _default(self, cis: list[int]) -> int:
        return min(cis, key=lambda c: (self.plain.get(c, 0), cis.index(c)))

    # --- resolving a mention string ------------------------------------------------------
    def resolve_subject(
        self,
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
                for a, _b, cis in self.names.find(m.group(1) + " " + s[m.end() :], 0, 40):
                    if a == 0:
                        best = cis[0] if len(cis) == 1 else self._recent_of(cis, pos)
                        return None if best in exclude else best
                    break
        for a, b, cis in self.names.find(s, 0, min(len(s), 60)):
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
                best = cis[0] if len(cis) == 1 else self._recent_of(cis, pos)
                return None if best in exclude else best
            break
        d = _description(s)
        if d is not None:
            # "said the young girl" is a "she"; "retorted her father" is a man other than
            # the woman "her" means
            want, owner = d
            if owner:
                o = self.resolve_pronoun(owner, pos, spoken, exclude, avoid)
                if o is not None:
                    exclude = exclude | {o}
            return self.resolve_pronoun(want, pos, spoken, exclude, None if owner else avoid)
        m = (_SUBJ_PRON_POSS if possessive else _SUBJ_PRON).match(s)
        if m:
            p = _PRON_NORM.get(m.group(1).lower(), m.group(1).lower())
            return self.resolve_pronoun(p, pos, spoken, exclude, avoid)
        return None

    def _recent_of(self, cis: list[int], pos: int) -> int:
        i = bisect_right(self.mpos, pos) - 1
        while i >= 0 and pos - self.mentions[i].pos < NEAR:
            if self.mentions[i].char in cis:
                return self.mentions[i].char
            i -= 1
        return self._default(cis)

    def resolve_pronoun(
        self,
        p: str,
        pos: int,
        spoken: dict[int, tuple[int, int]],
        exclude: frozenset[int] = frozenset(),
        avoid: int | None = None,
    ) -> int | None:
        """The character a he/she at ``pos`` most likely means: the most salient of that gender.

        Characters in ``self.soft`` (named inside the line, or as listener in its tag) come
        last.

        Salience adds recent name mentions (sentence subjects count double) and recent
        speakers, decaying with distance.  ``avoid`` is the previous line's speaker: in a
        conversation a "said she" right after her own line usually means the other woman.
        """
        if p in ("i", "you"):
            who = self.narrator if self.person == ("first" if p == "i" else "second") else None
            return None if who in exclude else who
        # "it" is an animal or a voice: anyone not known to be a woman
        want = {"he": "m", "she": "f", "any": "mfu"}.get(p, "mu")

        def ok(ci: int) -> bool:
            return self.genders[ci] in want and ci != self.narrator and ci not in exclude

        # recent mentions of that gender, most recent first; speakers count as subjects
        cands: list[tuple[int, int, bool]] = []  # (pos, char, is_subject)
        i = bisect_right(self.mpos, pos) - 1
        while i >= 0 and pos - self.mentions[i].pos < WINDOW:
            m = self.mentions[i]
            if ok(m.char):
                cands.append((m.pos, m.char, bool(m.role)))
            i -= 1
        for ci, (spos, _) in spoken.items():
            if 0 <= pos - spos < WINDOW and ok(ci):
                cands.append((spos, ci, True))
        cands.sort(key=lambda c: -c[0])
        soft = self.soft
        ranked: list[int] = []
        for _p, ci, subj in cands:
            if subj and ci not in ranked:
                ranked.append(ci)
        for _p, ci, _s in cands:
            if ci not in ranked:
                ranked.append(ci)
        pref = [c for c in self.addressed if ok(c)]
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
        i = bisect_right(self.mpos, pos) - 1
        while i >= 0 and pos - self.mentions[i].pos < 30000:
            if ok(self.mentions[i].char):
                return self.mentions[i].char
            i -= 1
        i = bisect_right(self.mpos, pos) - 1
        while i >= 0 and pos - self.mentions[i].pos < 3000:
            ci = self.mentions[i].char
            if self.genders[ci] == "u" and ci != self.narrator and ci not in exclude:
                return ci
            i -= 1
        # nobody of that gender named yet: a story may say "she" before it names her (a
        # book's or chapter's opening scene); the one of that gender the next pages name
        # most (as a subject counting double)
        ahead: dict[int, int] = {}
        i = bisect_right(self.mpos, pos)
        while i < len(self.mentions) and self.mentions[i].pos - pos < FORWARD:
            m = self.mentions[i]
            if ok(m.char) and self.genders[m.char] != "u":
                ahead[m.char] = ahead.get(m.char, 0) + (2 if m.role else 1)
            i += 1
        return max(ahead, key=ahead.__getitem__) if ahead else None

    # --- the sieve -----------------------------------------------------------------------
    def explicit(
        self,
        k: int,
        spoken: dict[int, tuple[int, int]],
        exclude: frozenset[int],
        avoid: int | None = None,
    ) -> tuple[int | None, float]:
        """Speaker named by a speech verb next to dialogue segment k."""
        self.soft = self._talked_about(k)
        try:
            who, c = self._explicit(k, spoken, exclude, avoid)
        finally:
            self.soft = frozenset()
        if (
            who is not None
            and who == self.narrator
            and self.person
            and self.para_of(self.segs[k].start) not in self.cont
        ):
            # "said I" in a first-person story is as good as a name: "I" means one person
            # (but not inside a tale told over several paragraphs: there "I" is its teller)
            c = max(c, 0.95)
        return who, c

    def _talked_about(self, k: int) -> frozenset[int]:
        """Characters a line names in the third person, and those its tag names after the
        verb ('she said, turning to Matthew'): unlikely to be who "she" is."""
        text, segs = self.text, self.segs
        q = segs[k]
        out = {cis[0] for _a, _b, cis in self._names_in(q) if len(cis) == 1}
        if k + 1 < len(segs) and segs[k + 1].kind == "narration":
            a = segs[k + 1].start
            m = _SENT_END.search(text, a, min(segs[k + 1].end, a + 200))
            b = m.start() if m else min(segs[k + 1].end, a + 200)
            tag = text[a:b]
            if _TAG_PRONOUN.match(tag):
                out.update(cis[0] for _a, _b, cis in self.names.find(text, a, b) if len(cis) == 1)
        return frozenset(out)

    def _explicit(
        self,
        k: int,
        spoken: dict[int, tuple[int, int]],
        exclude: frozenset[int],
        avoid: int | None = None,
    ) -> tuple[int | None, float]:
        # confidences: a name in a tag, after or before the line, 0.95 (both measured near
        # 0.98 right on novels); a pronoun 0.85; a tag a paragraph away 0.85/0.8
        who, c = self._tag_after(k, spoken, exclude, avoid)
        if c >= 0.9:
            return who, c
        # 'Mr. Gradgrind addressed the old lady: / "I am surprised," he observed': a name
        # before the line outweighs a pronoun after it
        who2, c2 = self._tag_before(k, spoken, exclude, avoid)
        if who is None or c2 >= 0.9:
            return who2, c2
        return who, c

    def _tag_after(
        self,
        k: int,
        spoken: dict[int, tuple[int, int]],
        exclude: frozenset[int],
        avoid: int | None = None,
    ) -> tuple[int | None, float]:
        """A speech tag after the line: '"...," said Jane', '"...," she replied'."""
        text, segs = self.text, self.segs
        q = segs[k]
        pi = self.para_of(q.start)
        _ps, pe = self.paras[pi]
        # after the quote
        if k + 1 < len(segs) and segs[k + 1].kind == "narration":
            a, b = segs[k + 1].start, min(segs[k + 1].end, pe)
            after = text[a:b]
            m = _SAID_AFTER.match(after)
            if m and self._particle_ok(m) and not _takes_object(m.group("verb")):
                subj = m.group("subj")
                who = self.resolve_subject(
                    subj, q.start, spoken, exclude, avoid=avoid, adjective=True
                )
                if who is not None:
                    return who, 0.95 if not _is_pronoun(subj) else 0.85
            m = _SUBJ_FIRST.match(after)
            if m and self._particle_ok(m) and not _SENT_END.search(_no_abbrev(m.group("subj"))):
                who = self.resolve_subject(m.group("subj"), q.start, spoken, exclude, avoid=avoid)
                if who is not None:
                    return who, 0.95 if not _is_pronoun(m.group("subj")) else 0.85
            # '"...," was Mary's answer' / 'was the opinion of Mr. Hale'
            m = _NOUN_AFTER.match(after)
            if m:
                subj = _strip_poss(m.group("subj") or m.group("subj2"))
                who = self.resolve_subject(subj, q.start, spoken, exclude, True, avoid)
                if who is not None:
                    return who, 0.95
        return None, 0.0

    def _tag_before(
        self,
        k: int,
        spoken: dict[int, tuple[int, int]],
        exclude: frozenset[int],
        avoid: int | None = None,
    ) -> tuple[int | None, float]:
        """A speech tag before the line: 'Jane said, "..."', 'Lydia laughed, and said,'."""
        text, segs = self.text, self.segs
        q = segs[k]
        pi = self.para_of(q.start)
        ps, _pe = self.paras[pi]
        # same paragraph, or a paragraph ending "Lydia laughed, and said,"
        if k > 0 and segs[k - 1].kind == "narration":
            a, b = max(segs[k - 1].start, ps), segs[k - 1].end
            if a >= b - 1 and q.start == ps and pi > 0:
                pps, ppe = self.paras[pi - 1]
                if segs[k - 1].start < ppe and text[ppe - 1] in ",:-—":
                    a, b = max(segs[k - 1].start, pps), ppe
            before = text[a:b]
            m = _VERB_BEFORE_END.search(before)
            if m:
                who = None
                rest = m.group("rest")
                pron = _is_pronoun(rest)
                if not _takes_object(m.group("verb")) and not _OBJECT_LEAD.match(rest):
                    # inverted: 'said Jane, "..."' (but not 'said to Jane, "..."')
                    who = self.resolve_subject(rest, q.start, spoken, exclude, avoid=avoid)
                if who is None:
                    who, pron = self.subject_before(
                        a, a + m.start(), q.start, spoken, exclude, avoid
                    )
                if who is not None:
                    if a < ps:
                        self.intro[k] = (a, b)
                    return who, 0.85 if pron else 0.95
            # 'Elizabeth's reply was, "..."'
            m = _NOUN_BEFORE.search(before)
            if m:
                subj = _strip_poss(m.group("subj"))
                who = self.resolve_subject(subj, q.start, spoken, exclude, True, avoid)
                if who is not None:
                    return who, 0.95
            # 'thus accosted by Miss Bingley,'
            m = _BY_AGENT.search(before)
            if m:
                who = self.resolve_subject(m.group("subj"), q.start, spoken, exclude, avoid=avoid)
                if who is not None:
                    return who, 0.95
            # 'Sissy resumed in a lower voice.' closing a paragraph of narration only
            if q.start == ps and pi > 0 and a >= b - 1:
                pps, ppe = self.paras[pi - 1]
                if segs[k - 1].start <= pps:
                    m = _INTRO_END.search(text, max(pps, ppe - 200), ppe)
                    if not (m and _ADVERBIAL.fullmatch(m.group("rest"))):
                        m = _INTENT_END.search(text, max(pps, ppe - 200), ppe)
                    if m:
                        sent = max(
                            [pps]
                            + [
                                x.end()
                                for x in _BOUNDARY.finditer(text, pps, m.start())
                                if not _abbrev_before(text, x.start())
                            ]
                        )
                        who, pron = self.subject_before(
                            sent, m.start(), q.start, spoken, exclude, avoid
                        )
                        if who is not None:
                            self.intro[k] = (sent, ppe)
                            return who, 0.8 if pron else 0.85
        return None, 0.0

    def _tag_extra(self, k: int) -> tuple[bool, str | None]:
        """Whether line ``k`` has a speech tag beside it, and the extra it names when its
        subject is nobody named ("said some one", "the others cried in chorus")."""
        text, segs = self.text, self.segs
        ps, pe = self.paras[self.para_of(segs[k].start)]
        tagged = False
        if k + 1 < len(segs) and segs[k + 1].kind == "narration":
            after = text[segs[k + 1].start : min(segs[k + 1].end, pe)]
            m = _SAID_AFTER.match(after)
            if m and not _takes_object(m.group("verb")):
                tagged = True
                subj = m.group("subj")
                x = _unnamed(subj)
                end = _SENT_END.search(subj)
                if x or _CHORUS.search(subj, 0, end.start() if end else len(subj)):
                    return True, x or CROWD
            m = _SUBJ_FIRST.match(after)
            if m and not _SENT_END.search(_no_abbrev(m.group("subj"))):
                x = _unnamed(m.group("subj"), whole=True)
                if x or (not tagged and _CHORUS.search(after, m.end(), m.end() + 30)):
                    return True, x or CROWD
                tagged = True
        if not tagged and k > 0 and segs[k - 1].kind == "narration":
            a = max(segs[k - 1].start, ps)
            before = text[a : segs[k - 1].end]
            m = _VERB_BEFORE_END.search(before)
            if m:
                tagged = True
                rest = m.group("rest")
                x = _unnamed(rest, whole=True) if rest.strip() else None
                if x is None:
                    w = _UNNAMED_END.search(before, 0, m.start())
                    x = _unnamed(w.group("who"), whole=True) if w else None
                if x is None:
                    cut = max(
                        (e.end() for e in _SENT_END.finditer(before, 0, m.start())), default=0
                    )
                    if _CHORUS.search(before, cut):
                        x = CROWD
                if x:
                    return True, x
        return tagged, None

    def unnamed_lines(self, by_para: dict[int, list[int]]) -> dict[int, str]:
        """{line: extra} for lines a speaker nobody names says, and the untagged lines of
        their paragraph that go with them (a line joins the tagged line before it, else the
        one after).  Why: "whispered one of the girls" is nobody's line in the cast, and
        giving it to the nearest named woman puts words in her mouth."""
        out: dict[int, str] = {}
        for ks in by_para.values():
            tags = [self._tag_extra(k) for k in ks]
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

    def subject_before(
        self,
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
        text = self.text
        bounds = [a] + [
            m.end() for m in _BOUNDARY.finditer(text, a, v) if not _abbrev_before(text, m.start())
        ]
        spans = list(zip(bounds, [*bounds[1:], v], strict=True))
        cands = self._clause_candidates(*spans[-1], exclude)
        if cands:
            last = cands[-1]
            if _GAP.fullmatch(text, last[1], v):
                return self._cand_who(last, pos, spoken, exclude, avoid)
            subj = [c for c in cands if c[3]]
            if not subj:
                # none in subject position: the first one named ("soon after Mr. Darcy,
                # drawing near Elizabeth, said")
                names = [c for c in cands if c[2] != "it"]
                if not names:
                    return None, False
                return self._cand_who(names[0], pos, spoken, exclude, avoid)
            return self._cand_who(subj[-1], pos, spoken, exclude, avoid)
        if len(spans) > 1:
            subj = [c for c in self._clause_candidates(*spans[-2], exclude) if c[3]]
            if subj:
                return self._cand_who(subj[0], pos, spoken, exclude, avoid)
        return None, False

    def _clause_candidates(
        self, s0: int, s1: int, exclude: frozenset[int]
    ) -> list[tuple[int, int, str | list[int], bool]]:
        """Names and he/she in text[s0:s1]: (start, end, char list or pronoun, subject-like)."""
        text = self.text
        out: list[tuple[int, int, str | list[int], bool]] = []
        for x, y, cis in self.names.find(text, s0, s1):
            if (text[y : y + 2] in ("'s", "’s") or text[y : y + 1] in ("'", "’")) and not (
                _POSS_SPEAKS.match(text, y)
            ):
                continue  # possessive: "Marilla's lap", but "Mrs Croft's suddenly saying"
            cis = [c for c in cis if c not in exclude]
            if cis:
                out.append((x, y, cis, self._subject_like(s0, x, y)))
        for m in _SUBJ_PRONOUN.finditer(text, s0, s1):
            p = m.group().lower()
            if p == "it":
                out.append((m.start(), m.end(), p, False))  # only right before the verb
            elif p in ("he", "she") or ((p == "i") == (self.person == "first") and self.person):
                out.append((m.start(), m.end(), p, True))
        out.sort(key=lambda c: c[0])
        return out

    def _subject_like(self, s0: int, x: int, y: int) -> bool:
        text = self.text
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
        self,
        c: tuple[int, int, str | list[int], bool],
        pos: int,
        spoken: dict[int, tuple[int, int]],
        exclude: frozenset[int],
        avoid: int | None,
    ) -> tuple[int | None, bool]:
        if isinstance(c[2], str):
            return self.resolve_pronoun(c[2], c[0], spoken, exclude, avoid), True
        cis = c[2]
        return (cis[0] if len(cis) == 1 else self._recent_of(cis, pos)), False

    def _particle_ok(self, m: re.Match[str]) -> bool:
        v = m.group("verb").lower()
        need = PARTICLE_VERBS.get(v)
        if need is None:
            return True
        part = (m.groupdict().get("part") or "").strip()
        if part:
            return part == need
        rest = m.string[m.end("verb") : m.end("verb") + 6].split()
        return bool(rest) and rest[0].strip(",.;:!?—–-") == need

    def beat(
        self, pi: int, spoken: dict[int, tuple[int, int]], exclude: frozenset[int]
    ) -> int | None:
        """Subject of the narration in paragraph pi (an action beat: "She turns away.")."""
        ps, pe = self.paras[pi]
        for k in self.para_segs[pi]:
            s = self.segs[k]
            if s.kind != "narration":
                continue
            a, b = max(s.start, ps), min(s.end, pe)
            chunk = self.text[a:b]
            # sentence-initial name or pronoun
            for m in _SENT_OPEN.finditer(chunk):
                rest = chunk[m.end() : m.end() + 60]
                if not rest:
                    continue
                who = self.resolve_subject(rest, a + m.end(), spoken, exclude, possessive=True)
                if who is not None:
                    return who
        return None

    def _names_in(self, q: Segment) -> list[tuple[int, int, list[int]]]:
        """Names inside a line, offsets relative to it (cached: several rules ask)."""
        key = (q.start, q.end, id(self.names))
        hit = self._qnames.get(key)
        if hit is None:
            inner = self.text[q.start : q.end]
            hit = self._qnames[key] = self.names.find(inner, 0, len(inner))
        return hit

    def tag_listeners(self, ks: list[int]) -> frozenset[int]:
        """Characters the narration beside a paragraph's lines names as listener: after "to",
        "towards" or "addressing" in the sentence right after a line or right before it."""
        text, segs = self.text, self.segs
        pi = self.para_of(segs[ks[0]].start)
        ps, pe = self.paras[pi]
        spans: list[tuple[int, int]] = []
        for k in ks:
            if k + 1 < len(segs) and segs[k + 1].kind == "narration":
                a = segs[k + 1].start
                b = min(segs[k + 1].end, pe, a + 200)
                m = _SENT_END.search(text, a, b)
                spans.append((a, m.start() if m else b))
            if k > 0 and segs[k - 1].kind == "narration":
                b = segs[k - 1].end
                a = max(segs[k - 1].start, ps, b - 200)
                cut = [x.end() for x in _BOUNDARY.finditer(text, a, b) if x.end() < b - 1]
                spans.append((cut[-1] if cut else a, b))
        out: set[int] = set()
        for a, b in spans:
            for x, _y, cis in self.names.find(text, a, b):
                if _LISTENER_BEFORE.search(text, max(a, x - 16), x):
                    out.add(cis[0] if len(cis) == 1 else self._recent_of(cis, x))
        return frozenset(out)

    def vocatives(self, q: Segment) -> list[int]:
        inner = self.text[q.start : q.end]
        out: list[int] = []
        for a, b, cis in self._names_in(q):
            before = inner[max(0, a - 6) : a]
            after = inner[b : b + 2]
            if re.search(r"(^\W*|,\s*|\b(?:dear|O|oh|Oh)\s+)$", before) and (
                re.match(r"\s*[,!?.;—–-]", after) or b >= len(inner) - 1
            ):
                out.extend(cis[:1])
        return out

    def run(self) -> None:
        segs = self.segs
        self.collect_mentions()
        self.para_segs: list[list[int]] = [[] for _ in self.paras]
        for k, sg in enumerate(segs):
            pi = self.para_of(sg.start)
            self.para_segs[pi].append(k)
            if sg.kind == "narration":  # a narration segment can span paragraphs
                j = pi + 1
                while j < len(self.paras) and self.paras[j][0] < sg.end:
                    self.para_segs[j].append(k)
                    j += 1
        self.detect_narrator()
        dia = [k for k, s in enumerate(segs) if s.kind == "dialogue"]
        self.cont = self.continued_paragraphs(dia)
        by_para: dict[int, list[int]] = {}
        for k in dia:
            by_para.setdefault(self.para_of(segs[k].start), []).append(k)
        ids: dict[str, int] = {}
        for k, name in self.unnamed_lines(by_para).items():
            if name not in ids:
                ids[name] = len(self.chars)
                self.chars.append(Character(name, [], EXTRAS[name]))
                self.genders.append(_gender_code(EXTRAS[name]))
            self.extras[k] = ids[name]
        self.extra_ids = frozenset(ids.values())
        vocs = {k: frozenset(self.vocatives(segs[k])) for k in dia}
        spk: dict[int, int] = {}
        conf: dict[int, float] = {}
        # who a paragraph's lines are addressed to: vocatives, and listeners its tags name
        # ("said Jane to Elizabeth", "turning to Kitty"); they are not its speaker, and they
        # are likely to answer next
        self.listeners = {pi: self.tag_listeners(ks) for pi, ks in by_para.items()}
        pvoc = {
            pi: frozenset().union(*(vocs[k] for k in ks)) | self.listeners[pi]
            for pi, ks in by_para.items()
        }
        pspk: dict[int, int] = {}
        pconf: dict[int, float] = {}
        spoken: dict[int, tuple[int, int]] = {}
        prev_pi: int | None = None
        prev_spk: int | None = None
        before_prev: int | None = None
        # 2-4 in reading order, so pronouns can use the speakers of earlier lines
        for pi in sorted(by_para):
            ks = by_para[pi]
            adjacent = prev_pi is not None and pi - prev_pi == 1
            avoid = prev_spk if adjacent and AVOID else None
            for k in ks:
                if k in self.extras:
                    spk[k], conf[k] = self.extras[k], 0.9
                    self.method[k] = "extra"
                    continue
                # the one the previous line addressed by name answers: '"But, Captain
                # Wentworth," cried Louisa.' then '"I knew it," said he.'
                self.addressed = (
                    frozenset(x for x in pvoc.get(prev_pi, ()) if x != prev_spk)
                    if adjacent and prev_pi is not None and k == ks[0]
                    else frozenset()
                )
                who, c = self.explicit(k, spoken, vocs[k], avoid)
                if who is not None:
                    spk[k], conf[k] = who, c
                    self.method[k] = "explicit"
                    # a later "she added" in this paragraph most likely means the same woman
                    spoken[who] = (segs[k].start, k)
            self.addressed = frozenset()
            known = [spk[k] for k in ks if k in spk]
            if known:
                pspk[pi] = known[0]
                pconf[pi] = max(conf[k] for k in ks if k in spk)
            elif pi in self.cont and self.cont[pi] in pspk:
                # the previous paragraph's quotation goes on: the same speaker
                pspk[pi], pconf[pi] = pspk[self.cont[pi]], pconf[self.cont[pi]]
                self.pmethod[pi] = "cont"
            else:
                who = self.beat(pi, spoken, pvoc[pi])
                if who is not None:
                    pspk[pi], pconf[pi] = who, 0.7
                    self.pmethod[pi] = "beat"
            cur = pspk.get(pi)
            if cur is None and adjacent:
                # provisional turn-taking guess, only to keep salience up to date
                addressed = (
                    [x for x in pvoc.get(prev_pi, ()) if x != prev_spk]
                    if prev_pi is not None
                    else []
                )
                cur = addressed[0] if addressed else before_prev
            if cur is not None and cur not in self.extra_ids:
                spoken[cur] = (self.paras[pi][0], ks[0])
            before_prev = prev_spk if adjacent else None
            prev_pi, prev_spk = pi, cur
        # 5: turn-taking between the attributed lines; a speech running over several
        # paragraphs is one turn, spoken by whoever a tag in any of them names
        groups = self.speech_groups()
        for members in groups.values():
            named = [pi for pi in members if pi in pspk and pconf[pi] >= 0.95]
            if named:
                for pi in members:
                    if pi not in pspk or self.pmethod.get(pi) == "cont" or pconf[pi] < 0.95:
                        pspk[pi], pconf[pi] = pspk[named[0]], pconf[named[0]]
        heads = {pi: ks for pi, ks in by_para.items() if pi not in self.cont}
        self.converse(heads, pvoc, pspk, pconf)
        for head, members in groups.items():
            if head in pspk:
                for pi in members[1:]:
                    if pi not in pspk or self.pmethod.get(pi) in ("cont", "beat"):
                        pspk[pi], pconf[pi] = pspk[head], pconf[head]
                        self.pmethod[pi] = "cont"
        for pi, ks in by_para.items():
            # a line without a tag continues the last tagged line before it in the paragraph
            # (an interrupted quotation, or a paragraph holding several turns), else the
            # paragraph's speaker
            last: int | None = None
            for k in ks:
                if k in spk:
                    last = k
                elif last is not None:
                    spk[k], conf[k] = spk[last], conf[last]
                    self.method[k] = "para"
                elif pi in pspk:
                    spk[k], conf[k] = pspk[pi], pconf[pi]
                    self.method[k] = self.pmethod.get(pi, "para")
        for k in [k for k, c in spk.items() if c in self.extra_ids and k not in self.extras]:
            del spk[k], conf[k]  # turn-taking never hands a line to an unnamed speaker
        self.spk, self.conf, self.vocs, self.by_para, self.dia = spk, conf, vocs, by_para, dia
        self.spk0, self.conf0 = dict(spk), dict(conf)  # the sieve's own answers, kept
        self.apply()

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

    def continued_paragraphs(self, dia: list[int]) -> dict[int, int]:
        """{paragraph: the previous one} where a quotation left open at a paragraph's end
        goes on in the next paragraph.

        Why: that convention (no closing mark, an opening mark on the next paragraph) marks
        one speech by one speaker; a tale told over many paragraphs is not turn-taking.
        """
        text, segs = self.text, self.segs
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for k in dia:
            pi = self.para_of(segs[k].start)
            first.setdefault(pi, k)
            last[pi] = k
        out: dict[int, int] = {}
        for pi, k in first.items():
            kp = last.get(pi - 1)
            if kp is None or segs[k].start != self.paras[pi][0]:
                continue
            prev = segs[kp]
            tail = text[prev.start : prev.end].rstrip()
            if text[prev.end : self.paras[pi - 1][1]].strip() or not tail:
                continue  # narration after it: the quotation was closed
            if tail[-1] not in _QUOTE_MARKS:
                out[pi] = pi - 1
        return out

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

    def converse(
        self,
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
        self._filled = pspk  # chains already decided (to the left) count as turns too
        self._heads = set(self.speech_groups())
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
            lpair = self._pair(left, order, i - 1, anchors, voc, +1) if left is not None else None
            rpair = self._pair(right, order, j, anchors, voc, -1) if right is not None else None
            # a long narration gap makes an anchor a weak guide
            lgap = chain[0] - left if left is not None else 99
            rgap = right - chain[-1] if right is not None else 99
            for ci, pi in enumerate(chain):
                dl = ci + 1
                dr = len(chain) - ci
                use_left = lpair is not None and (rpair is None or dl + lgap <= dr + rgap)
                pair, d, gap = (lpair, dl, lgap) if use_left else (rpair, dr, rgap)
                if pair is None:
                    who = self.recent_character(self.paras[pi][0], exclude=voc[pi])
                    if who is not None:
                        pspk[pi], pconf[pi] = who, 0.2
                        self.pmethod[pi] = "recent"
                    continue
                a, b = pair
                who = b if d % 2 == 1 else a
                if who is None or who in voc[pi]:
                    who = a if who == b else b
                if who is None or who in voc[pi]:
                    continue
                c = 0.75 * 0.88 ** (d - 1) * (1.0 if gap <= 2 else 0.7)
                pspk[pi], pconf[pi] = who, max(0.2, c)
                self.pmethod[pi] = "turn"
            i = j

    def _pair(
        self,
        anchor: int,
        order: list[int],
        idx: int,
        anchors: dict[int, int],
        voc: dict[int, frozenset[int]],
        direction: int,
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
            if o is None and direction > 0 and order[k] in self._heads:
                # a speech over several paragraphs, already decided: a turn like a tagged one
                o = self._filled.get(order[k])
            if o is not None and o != a:
                return a, o
            k -= direction
            steps += 1
        if direction > 0:
            return a, self.recent_character(self.paras[anchor][0], exclude=frozenset((a,)))
        return a, None

    def recent_character(self, pos: int, exclude: Collection[int]) -> int | None:
        i = bisect_right(self.mpos, pos) - 1
        while i >= 0 and pos - self.mentions[i].pos < 5000:
            c = self.mentions[i].char
            if c >= 0 and c not in exclude and c != self.narrator:
                return c
            i -= 1
        return None

    # --- first / second person ---------------------------------------------------------
    def detect_narrator(self) -> None:
        """Find a first/second-person narrator and name them by what others call them."""
        from dramatis.attribution.discover import mid_sentence_caps

        counts = self.pron_counts
        total = sum(counts.values()) or 1
        said_i = len(
            re.findall(
                r"\b(?:said|asked|cried|replied|answered) I\b"
                r"|\bI (?:said|asked|cried|replied|answered)\b",
                self.text,
            )
        )
        said_you = len(
            re.findall(
                r"\byou (?:say|ask|tell|whisper|reply|answer|call|respond)\b", self.text, re.I
            )
        )
        if counts["i"] / total > 0.2 and said_i >= 1:
            self.person = "first"
        elif counts["you"] / total > 0.25 and said_you >= 1:
            self.person = "second"
        else:
            return
        # the narrator: most often addressed by name, rarely named in the narration
        voc: dict[int, int] = {}
        for s in self.segs:
            if s.kind == "dialogue":
                for ci in self.vocatives(s):
                    voc[ci] = voc.get(ci, 0) + 1
        named = self._named_in_narration()
        best, score = None, 0.0
        for ci, v in voc.items():
            sc = v / (1 + named.get(ci, 0))
            if v >= 2 and sc > score:
                best, score = ci, sc
        # the name may never appear outside quotes ("Clarke," she says): a new character
        seen: dict[str, int] = {}
        mid = mid_sentence_caps(self.text)  # "Shucks," opens a line but is no one's name
        for s in self.segs:
            if s.kind == "dialogue":
                for m in _VOC_NAME.finditer(self.text, s.start, s.end):
                    w = m.group(1)
                    if w not in STOP_NAMES and mid[w] and not self.names.find(w, 0, len(w)):
                        seen[w] = seen.get(w, 0) + 1
        if seen:
            w, v = max(seen.items(), key=lambda kv: kv[1])
            if v >= 2 and v > score:
                self.chars.append(Character(w, [], guess_gender(w)))  # type: ignore[arg-type]
                self.genders.append(_gender_code(self.chars[-1].gender))
                self.names = _Names(self.chars, self.text)
                best, score = len(self.chars) - 1, float(v)
        if best is not None and score >= 0.2:
            self.narrator = best
        else:
            label = "Narrator (I)" if self.person == "first" else "Narrator (you)"
            self.chars.append(Character(label, [], "unknown"))
            self.genders.append("u")
            self.narrator = len(self.chars) - 1

    def _named_in_narration(self) -> dict[int, int]:
        """How often the narration names each character as a third person.

        Why not a plain count: a newspaper, letter or inscription the narrator reads out is
        narration too, and it names the narrator ("Mr. Holmes and Dr. Watson, who had...").
        A name inside quote marks within the narration is not counted, and one paragraph
        counts once, so a single long document cannot outweigh the whole story.
        """
        named: dict[int, int] = {}
        seen: set[tuple[int, int]] = set()
        for m in self.mentions:
            if m.char < 0:
                continue
            pi = self.para_of(m.pos)
            if (m.char, pi) in seen or _inside_quotes(self.text, self.paras[pi][0], m.pos):
                continue
            seen.add((m.char, pi))
            named[m.char] = named.get(m.char, 0) + 1
        return named


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """``pos`` lies inside a quotation opened since ``start`` (a paragraph's start)."""
    chunk = text[start:pos]
    return chunk.count('"') % 2 == 1 or chunk.count("“") > chunk.count("”")


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


def _takes_object(verb: str) -> bool:
    """'"...," addressing Sissy': the name after a participle or "told" is the listener."""
    v = verb.lower()
    return v.endswith("ing") or v in OBJECT_VERBS


def _abbrev_before(text: str, i: int) -> bool:
    """The period at ``i`` ends "Mr." or an initial, not a sentence."""
    return text[i] == "." and bool(_ABBREV.search(text, max(0, i - 6), i))


def _strip_poss(s: str) -> str:
    return re.sub(r"(?:'s|’s)$", "", s.strip())


def _no_abbrev(s: str) -> str:
    return re.sub(r"\b(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Rev|Prof)\.", "", s)


def _is_pronoun(s: str) -> bool:
    return bool(re.match(r"\s*(he|she|I|you|it)\b", s, re.I))


def _cast_characters(cast: Cast | None) -> list[Character]:
    if cast is None:
        return []
    out = []
    for name, c in cast.characters.items():
        if name in EXTRAS:
            continue  # an extra is only ever a tag's unnamed subject, never a name in the text
        out.append(Character(name=name, aliases=list(c.aliases), gender=c.gender, voice=c.voice))
    return out


def _name_tokens(name: str) -> set[str]:
    toks = name.replace(".", " ").split()
    return {t for t in toks if t not in MALE_TITLES and t not in FEMALE_TITLES and t[:1].isupper()}


def merge_cast(
    listed: list[Character], found: list[Character], speakers: set[str] | None = None
) -> list[Character]:
    """The listed characters, then discovered ones the cast does not already name.

    Why: a voices.yaml rarely lists everyone; a new character's lines must not fall to a
    listed one, and the build adds the newcomers to voices.yaml.  A discovered character is
    the same as a listed one when any name or alias is equal, or when its name words are all
    words of a listed name ("Darcy" in "Fitzwilliam Darcy"); the cast's names win.  With
    ``speakers`` given, a newcomer must be among them (named in a speech tag, or acting in
    the narration): a cast lists who speaks, so one only addressed or talked about ("Dinah",
    the cat) is not added, but one the cast of another story lacks ("Lexa nods") is.
    """
    if not listed:
        return found
    names = {n.lower() for c in listed for n in c.names}
    words = set().union(*(_name_tokens(n) for c in listed for n in c.names))
    out = [
        Character(name=c.name, aliases=list(c.aliases), gender=c.gender, voice=c.voice)
        for c in listed
    ]
    ctoks = [set().union(*(_name_tokens(n) for n in c.names)) for c in out]
    for c in found:
        if any(n.lower() in names for n in c.names):
            continue
        if any((t := _name_tokens(n)) and t <= words for n in c.names):
            # "Mr. Bounderby" when the cast says "Josiah Bounderby": the listed character
            # of that name (and a compatible gender) answers to it too, when only one does
            toks = set().union(*(_name_tokens(n) for n in c.names))
            fit = [
                i
                for i, lc in enumerate(out[: len(ctoks)])
                if toks <= ctoks[i]
                and not (c.gender != "unknown" and lc.gender != "unknown" and c.gender != lc.gender)
            ]
            if len(fit) == 1:
                lc = out[fit[0]]
                lc.aliases.extend(n for n in c.names if n.lower() not in names)
                names.update(n.lower() for n in c.names)
            continue
        if speakers is None or c.name in speakers:
            out.append(c)
    return out


def guess_gender(name: str) -> str:
    """Gender from a title or a common first name, else unknown."""
    toks = name.replace(".", " ").split()
    if not toks:
        return "unknown"
    if toks[0] in MALE_TITLES:
        return "male"
    if toks[0] in FEMALE_TITLES:
        return "female"
    for t in toks:
        if t in FEMALE_NAMES:
            return "female"
        if t in MALE_NAMES:
            return "male"
    return "unknown"


def sieve(text: str, segments: list[Segment], cast: Cast | None = None) -> _Attributor:
    """Characters (listed and discovered) and the rule sieve's speakers, before ranking."""
    from dramatis.attribution.discover import discover

    segs = [Segment(s.start, s.end, s.kind) for s in segments]
    for s, lid in zip(segs, line_ids(text, segs), strict=True):
        s.line_id = lid
    from dramatis.attribution.discover import discover_descriptions

    speakers: set[str] = set()
    found = discover(text, segs, speakers=speakers)
    if cast is None:
        # with no cast at all, also the speakers the story only describes ("the mariner");
        # a listed cast usually names them, and a description can mean a listed person
        found += discover_descriptions(text, segs, found)
    chars = merge_cast(_cast_characters(cast), found, speakers)
    att = _Attributor(text, segs, chars)
    att.run()
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
    from dramatis.attribution.ranker.features import ALT, load_weights, rerank

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
