"""Reading the attribution gold sets (PDNC dev novels, LitBank openings) for the benchmarks.

The data lives outside the repository (../shared/attribution/ by default) and is never copied in.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dramatis.model import Cast, Character
from dramatis.text.lexicon import CROWD, EXTRAS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "attribution"
DEV = DATA / "dev"
LITBANK = DATA / "litbank"
GENDERS = {"F": "female", "M": "male"}
TYPES = ("explicit", "anaphoric", "implicit")


def load_score(data: Path = DATA):
    """The corpus's own scorer (score.py beside dev/ and litbank/)."""
    spec = importlib.util.spec_from_file_location("pdnc_score", data / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def gold_cast(gold: dict, all_listed: bool = False) -> Cast:
    """The voices.yaml a reader would write: speakers with aliases and gender.

    Entries with gender X ("not annotated": never-speaking mentions such as "Fact", "Heaven",
    "Kellynch Hall", or a bare "Bounderby" beside "Josiah Bounderby") are left out unless
    ``all_listed``.  Placeholders (_unknowable, _group, _narr) are never listed.
    """
    chars = {}
    for c in gold["characters"]:
        if c.get("pseudo") or c["name"].startswith("_"):
            continue
        if c["gender"] == "X" and not all_listed:
            continue
        aliases = [a for a in c.get("aliases", []) if a != c["name"]]
        chars[c["name"]] = Character(c["name"], aliases, GENDERS.get(c["gender"], "unknown"))
    return Cast(characters=chars)


def pdnc_name(speaker: str | None) -> str:
    """Our speaker in PDNC's vocabulary: its placeholders _group and _unknowable are what our
    extras (Crowd; Someone, A man, A woman) stand for.  (LitBank has no placeholders: its
    "A man" is a character, so LitBank predictions keep our names.)"""
    if speaker == CROWD:
        return "_group"
    if speaker in EXTRAS:
        return "_unknowable"
    return speaker or ""
