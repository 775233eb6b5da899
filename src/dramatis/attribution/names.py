"""Finding known characters' names in text: listed names, aliases and their shorter forms.

Why a module of its own: the sieve's rules, narrator detection and the ranker's features all
look names up, and every one of them must agree on what a name matches ("Mr. Bounderby" is
Josiah Bounderby; "Long" of Mrs. Long is mostly the word "long").
"""

from __future__ import annotations

import re

from dramatis.model import Character
from dramatis.text.lexicon import FEMALE_TITLES, GENERIC_PEOPLE, MALE_TITLES, STOP_NAMES, TITLES

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


def gender_code(g: str) -> str:
    """One letter per gender ("f", "m" or "u"): what the rules compare."""
    return {"female": "f", "male": "m"}.get(g, "u")


_TITLE_BEFORE = re.compile(r"\b(" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.?\s+$")


class NameIndex:
    """Finds mentions of known characters (names, aliases and their shorter forms) in text.

    Listed names and aliases win over derived forms; a bare surname shared by a man and a
    woman means the man (English usage: she is "Mrs." or "Miss", or her first name); a title
    before a bare name must fit the character's gender ("Mrs. Gradgrind" is not Thomas
    Gradgrind when she is not listed herself).
    """

    def __init__(self, chars: list[Character], text: str = ""):
        self.chars = chars
        genders = [gender_code(c.gender) for c in chars]
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
