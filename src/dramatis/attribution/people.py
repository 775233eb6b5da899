# ruff: noqa: SIM905  (word lists read best as one string each)
"""One person's names: the forms discovery found ("Mr. Darcy", "Lizzy", "the Admiral")
merged into characters with a canonical name, aliases and a gender.

Why a module of its own: which forms are one person (nicknames, diminutives, title +
surname) and which are relatives sharing a surname is a question apart from finding the
forms in the text (discover.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from dramatis.model import Character, Gender
from dramatis.text.lexicon import (
    FEMALE_NAMES,
    FEMALE_TITLES,
    MALE_NAMES,
    MALE_TITLES,
    NEUTRAL_TITLES,
    NICKNAMES,
    TITLES,
)


def _title_gender(title: str | None) -> Gender:
    if not title:
        return "unknown"
    if title in MALE_TITLES:
        return "male"
    if title in FEMALE_TITLES:
        return "female"
    return "unknown"


def norm_title(t: str | None) -> str:
    return (
        (t + "." if t in {"Mr", "Mrs", "Ms", "Dr", "St", "Rev", "Prof", "Mme", "Mlle"} else t)
        if t
        else ""
    )


class _Entity:
    def __init__(self, title: str, name: str, gender: Gender):
        self.forms: Counter[str] = Counter()
        self.title = title
        self.name = name
        self.gender = gender
        self.first = name.split()[0] if len(name.split()) > 1 or not title else ""
        if self.first in _KIN:
            self.first = name.split()[1]  # "Cousin Tony" is called "Tony"
        if self.first and title in ("Mrs", "Mrs.") and _first_name_gender(self.first) == "male":
            self.first = ""  # "Mrs. Charles Musgrove" is styled by her husband's name
        self.last = name.split()[-1]
        self.pron: Counter[str] = Counter()
        self.sents: set[int] = set()  # sentences naming this person

    def add(self, form: str, n: int, sents: set[int] | None = None) -> None:
        self.forms[form] += n
        self.sents |= sents or set()

    def together(self, other: _Entity) -> int:
        """Sentences naming both: "Mr. Knightley and Mr. John Knightley" are two people."""
        return len(self.sents & other.sents)


# A foreign honorific is its English one for matching ("Monsieur Poirot" is Mr. Poirot)
_TITLE_EQ = {
    **dict.fromkeys("Monsieur Herr Signor Senor Mister".split(), "Mr"),
    **dict.fromkeys("Madame Mme Signora Senora Frau".split(), "Mrs"),
    **dict.fromkeys("Mademoiselle Mlle Signorina Fraulein".split(), "Miss"),
}


def _same_title(a: str, b: str) -> bool:
    return _TITLE_EQ.get(a, a) == _TITLE_EQ.get(b, b)


_KIN = frozenset("Aunt Uncle Cousin Sister Brother Grandma Grandpa Granny".split())


def _first_name_gender(name: str) -> Gender:
    first = name.split()[0]
    first = NICKNAMES.get(first, first)
    if first in FEMALE_NAMES:
        return "female"
    if first in MALE_NAMES:
        return "male"
    return "unknown"


def merge_forms(
    cands: dict[tuple[str, str], int],
    pron,
    speech,
    min_count: int,
    the_count: Counter[str],
    sents: dict[str, set[int]],
) -> list[Character]:
    """Characters from name forms and their counts.  ``sents`` gives the sentences each form
    is named in: two forms named in one sentence are two people."""
    ents = _untitled_names(cands, sents)
    _titled_names(cands, sents, ents)
    _single_names(cands, sents, ents)
    # nicknames ("Lizzy", "Miss Eliza") and a title used as a name ("the Admiral")
    ents = _merge_aliases(ents)
    return _characters(ents, pron, speech, min_count, the_count)


def _untitled_names(cands: dict[tuple[str, str], int], sents: dict[str, set[int]]) -> list[_Entity]:
    """Step 1: multi-word untitled names ("Elizabeth Bennet", "Sherlock Holmes")."""
    ents: list[_Entity] = []
    by_full: dict[str, _Entity] = {}
    # 1. multi-word untitled names: "Elizabeth Bennet", "Sherlock Holmes"
    for (title, name), n in sorted(cands.items(), key=lambda kv: -len(kv[0][1].split())):
        if title or len(name.split()) < 2:
            continue
        # "Sherlock Holmes" inside "Mr. Sherlock Holmes" is the same person
        if name in by_full:
            by_full[name].add(name, n, sents.get(name))
            continue
        e = _Entity("", name, _first_name_gender(name))
        e.add(name, n, sents.get(name))
        ents.append(e)
        by_full[name] = e
    return ents


def _titled_names(
    cands: dict[tuple[str, str], int], sents: dict[str, set[int]], ents: list[_Entity]
) -> None:
    """Step 2: titled forms join or start entities, fullest first ("Mrs. Rachel Lynde"
    before "Mrs. Lynde")."""
    by_full = {e.name: e for e in ents}
    titled: dict[tuple[str, str], _Entity] = {}
    for (title, name), n in sorted(cands.items(), key=lambda kv: (-len(kv[0][1].split()), -kv[1])):
        if not title:
            continue
        tg = _title_gender(title)
        form = (norm_title(title) + " " + name).strip()
        toks = name.split()

        def compatible(x: _Entity, tg: str = tg) -> bool:
            return tg == "unknown" or x.gender in ("unknown", tg)

        if name in by_full and compatible(by_full[name]):
            fits = [by_full[name]]
        elif len(toks) > 1:
            fits = [x for x in ents if x.last == toks[-1] and x.first == toks[0] and compatible(x)]
        else:
            tok = toks[0]
            fits = [x for x in ents if x.last == tok and _same_title(x.title, title)]
            if not fits and _TITLE_EQ.get(title, title) not in ("Mr", "Mrs"):
                # "Miss Roylott" is not Dr. Grimesby Roylott, whose sex no title tells
                # ("Lady Brenda" is Brenda, a name no list knows the sex of)
                fits = [
                    x
                    for x in ents
                    if x.last == tok
                    and (tg in ("unknown", x.gender) or (x.first in ("", tok) and compatible(x)))
                ]
            if not fits and (title in _KIN or _first_name_gender(tok) != "unknown"):
                fits = [x for x in ents if x.first == tok and compatible(x)]
            elif not fits:
                # "Mr. Thaddeus" is Mr. Thaddeus Sholto: a first name no list knows, with the
                # same title ("Colonel Fitzwilliam" is not Mr. Fitzwilliam Darcy)
                fits = [
                    x
                    for x in ents
                    if x.first == tok and len(x.name.split()) > 1 and x.title == title
                ]
            # "Mr. Knightley" is not "Mr. John Knightley" when one sentence names both
            here = sents.get(form, set())
            fits = [x for x in fits if len(x.name.split()) == 1 or not here & x.sents]
        found = fits[0] if len(fits) == 1 else titled.get((title, name))
        if found is not None:
            e = found
        else:
            e = _Entity(title, name, tg)
            if len(toks) == 1 and (_first_name_gender(name) != "unknown" or title in _KIN):
                e.first = name
            ents.append(e)
            titled[(title, name)] = e
        if e.gender == "unknown":
            e.gender = tg
        if not e.title:
            e.title = title
        e.add(form, n, sents.get(form))


def _single_names(
    cands: dict[tuple[str, str], int], sents: dict[str, set[int]], ents: list[_Entity]
) -> None:
    """Step 3: single words join the entity whose first name, nickname or surname they are."""
    for (title, name), n in sorted(cands.items(), key=lambda kv: -kv[1]):
        if title or len(name.split()) != 1:
            continue
        formal = NICKNAMES.get(name)
        fits = [x for x in ents if x.first == name]
        if not fits and formal:
            fits = [
                x for x in ents if x.first == formal and (len(x.name.split()) > 1 or not x.title)
            ]
        if len(fits) > 1:
            # a lone first name is mostly the best-known bearer's ("Anne" -> Anne Shirley)
            fits = sorted(fits, key=lambda x: -sum(x.forms.values()))[:1]
        if not fits:
            fits = [x for x in ents if x.last == name and len(x.name.split()) >= 1 and x.forms]
            if len(fits) > 1:
                # "Bennet": several of that family; attach to none unless one dominates
                tot = sorted(fits, key=lambda x: -sum(x.forms.values()))
                if sum(tot[0].forms.values()) >= 3 * sum(tot[1].forms.values()):
                    fits = tot[:1]
                else:
                    continue
        if len(fits) == 1:
            fits[0].add(name, n, sents.get(name))
            continue
        if len(fits) > 1:
            continue
        e = _Entity("", name, "unknown")
        e.add(name, n, sents.get(name))
        ents.append(e)


def _characters(
    ents: list[_Entity], pron, speech, min_count: int, the_count: Counter[str]
) -> list[Character]:
    """Step 4: gender and canonical name; an entity without a sign of a person is dropped."""
    out: list[Character] = []
    seen_names: set[str] = set()
    for e in ents:
        total = sum(e.forms.values())
        spoke = sum(speech[f] for f in e.forms)
        if total < min_count and not spoke:
            continue
        pc: Counter[str] = Counter()
        for f in e.forms:
            t, _, rest = f.partition(" ") if f.split()[0].rstrip(".") in TITLES else ("", "", f)
            pc.update(pron.get((t.rstrip("."), rest), {}))
        male = pc["he"] + pc["his"]
        female = pc["she"] + pc["her"]
        voc = sum(speech["voc:" + f] for f in e.forms)
        g = e.gender
        if g == "unknown":
            first = e.name.split()[0]
            if first in FEMALE_NAMES or NICKNAMES.get(first) in FEMALE_NAMES:
                g = "female"
            elif first in MALE_NAMES or NICKNAMES.get(first) in MALE_NAMES:
                g = "male"
            elif male + female >= 1:
                g = "male" if male > 1.5 * female else "female" if female > 1.5 * male else g
        if g == "unknown" and len(e.name.split()) == 1:
            g = _title_gender(e.name)
        if e.title and e.title in NEUTRAL_TITLES and g == "unknown" and male + female >= 2:
            g = "male" if male >= female else "female"
        named_like = _first_name_gender(e.name) != "unknown"
        weak = g == "unknown" or (male + female < 2 and not named_like)
        if not e.title and not spoke and not voc and weak:
            continue  # no sign of a person: a place, a thing, a society (one "he" is luck)
        top = max(e.forms.values())
        # the usual name, not a bare title ("Admiral") or a nickname ("Miss Eliza")
        common = [f for f, n in e.forms.items() if n >= 0.25 * top and f not in TITLES]
        words = {t for f in e.forms for t in f.split()}
        common = [f for f in common if _nickname_form(f) not in words] or common
        common = common or [f for f, n in e.forms.items() if n >= 0.25 * top]
        canon = max(common, key=lambda f: (len(f.split()), e.forms[f]))
        aliases = [f for f, _ in e.forms.most_common() if f != canon]
        if not e.title and the_count[canon] > 0.5 * e.forms[canon]:
            if not spoke:
                continue  # "the Grounder camp", "a Grounder": a kind of person, never a speaker
            aliases.insert(0, canon)  # "the Hatter" is called "The Hatter"
            canon = "The " + canon
        if canon in seen_names:
            continue
        seen_names.add(canon)
        out.append(Character(name=canon, aliases=aliases, gender=g))
    return out


def _nickname_form(form: str) -> str:
    """The formal first name when ``form`` uses a nickname ("Miss Eliza" -> "Elizabeth")."""
    toks = [t.rstrip(".") for t in form.split()]
    if len(toks) > 1 and toks[0] in TITLES:
        toks = toks[1:]
    return NICKNAMES.get(toks[0], "")


def _diminutive_stem(name: str) -> str:
    """The part of a name a longer name must begin with to be its full form: "Huck" for
    "Hucky", "Tom" for "Tommy", "Sid" for "Sid" (English shortens names from the front)."""
    for suffix in ("ie", "ey", "y"):
        stem = name[: -len(suffix)]
        if name.endswith(suffix) and len(stem) >= 3:
            return stem[:-1] if stem[-1] == stem[-2] else stem
    return name if len(name) >= 3 else name + "\0"  # "Jo" is too short to tell


def _merge_aliases(ents: list[_Entity]) -> list[_Entity]:
    """Fold a nickname's entity into the formal name's, and "the Admiral" into Admiral Croft.

    Why: "Lizzy", "Miss Eliza" and "Elizabeth" are one person with three voices otherwise;
    a hypocoristic table (general English knowledge) says which first names belong
    together.  The formal bearer must be known by the first name without a title
    ("Elizabeth", "Elizabeth Bennet": not "Lady Catherine", whom no one calls Kitty), of a
    compatible sex and surname; when several fit, one must be named three times as often.
    The formal name alone must be said at least twice as often as the nickname's forms.
    A first name with a title ("Mr. Tom") joins the one called by the plain first name.
    A bare title ("the Admiral") joins the one bearer of that title, or the dominant one.
    """

    def size(x: _Entity) -> int:
        return sum(x.forms.values())

    def called(b: _Entity, first: str) -> int:
        """How often ``b`` is named with the first name (alone, "Lord Henry", "Henry Wotton")."""
        return sum(n for f, n in b.forms.items() if first in f.split())

    def dominant(fits: list[_Entity]) -> _Entity | None:
        if not fits:
            return None
        fits = sorted(fits, key=lambda x: -size(x))
        if len(fits) == 1 or size(fits[0]) >= 3 * size(fits[1]):
            return fits[0]
        return None

    # "Sam Boulter" and "Sam Sloane" are two people: neither is the story's plain "Samuel"
    surnames_of: dict[str, set[str]] = defaultdict(set)
    for e in ents:
        if e.first in NICKNAMES and len(e.name.split()) > 1:
            surnames_of[NICKNAMES[e.first]].add(e.last)
    gone: set[int] = set()
    for a in sorted(ents, key=size):
        if id(a) in gone:
            continue
        toks = a.name.split()
        target = None

        def fit(b: _Entity, first: str, least: int, a: _Entity = a) -> bool:
            return (
                b is not a
                and id(b) not in gone
                and b.first == first
                and called(b, first) >= least
                and (a.gender == b.gender or "unknown" in (a.gender, b.gender))
                and (len(a.name.split()) == 1 or len(b.name.split()) == 1 or b.last == a.last)
                and a.together(b) < 2
            )

        formal = NICKNAMES.get(a.first) if a.first else None
        if a.first and a.title and len(toks) == 1:
            # "Mr. Tom", "Miss Louisa": the one called plain "Tom", "Louisa"
            target = dominant([b for b in ents if fit(b, a.first, 1) and b.forms[a.first]])
        # (a nickname mostly said alone, "Loo", is one person whatever her married name)
        alone = a.forms[a.first] >= 0.5 * size(a)
        if target is None and formal and (alone or len(surnames_of[formal]) <= 1):
            # the formal name must be the bearer's usual one: "Thomas" (25) is not "Tom" (210)
            target = dominant([b for b in ents if fit(b, formal, max(5, 2 * size(a)))])
        if target is None and formal and len(toks) > 1:
            # "Tom Sawyer" and "Thomas Sawyer": a nickname and its formal name, one surname
            target = dominant(
                [
                    b
                    for b in ents
                    if b.last == a.last and len(b.name.split()) > 1 and fit(b, formal, 1)
                ]
            )
        if target is None and not a.title and len(toks) == 1:
            # "Huck", "Hucky" and "Huckleberry Finn"; "Sid" and "Sidney"
            stem = _diminutive_stem(a.name)
            target = dominant(
                [
                    b
                    for b in ents
                    if b.first != a.name
                    and len(b.first) > len(stem)
                    and b.first.startswith(stem)
                    and b.first not in NICKNAMES
                    and fit(b, b.first, 1)
                ]
            )
        if target is None and not a.title and len(toks) == 1 and a.name in TITLES:
            target = dominant([b for b in ents if b is not a and b.title == a.name])
        if target is None:
            continue
        target.forms.update(a.forms)
        if target.gender == "unknown":
            target.gender = a.gender
        gone.add(id(a))
    return [e for e in ents if id(e) not in gone]
