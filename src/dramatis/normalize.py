"""What the engine is told for a piece of story text (never the text itself).

Placeholder until the full normaliser lands: whitespace only, plus pronunciations.
"""

from __future__ import annotations

from collections.abc import Mapping


def speech(
    text: str, *, pronunciations: Mapping[str, str] | None = None, heading: bool = False
) -> str:
    from dramatis.cast import apply_pronunciations

    text = " ".join(text.split())
    return apply_pronunciations(text, dict(pronunciations)) if pronunciations else text
