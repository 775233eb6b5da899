"""The characters attribution works with: a cast's listed ones merged with those discovered."""

from __future__ import annotations

from dramatis.model import Cast, Character
from dramatis.text.lexicon import EXTRAS, FEMALE_NAMES, FEMALE_TITLES, MALE_NAMES, MALE_TITLES


def cast_characters(cast: Cast | None) -> list[Character]:
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
