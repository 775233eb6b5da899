"""Render an attribution as a script a person can read, or as the JSON ``dramatis script`` prints.

The text form is for proof-listening before a build: one line per paragraph piece, each
dialogue line with its stable id (to pin a speaker in voices.yaml) and a ``?`` after the
speaker when the attributor was unsure.
"""

from __future__ import annotations

from dramatis.attribution.attribute import LOW_CONFIDENCE, Attribution


def _label(name: str | None) -> str:
    return (name or "NARRATOR").upper()


def render_text(text: str, att: Attribution) -> str:
    """One block per segment: ``[L3f9a2c] CLARKE: "..."``; narration as ``NARRATOR: ...``.

    Whitespace inside a segment is squashed so each block is one line; blank lines separate
    paragraphs as in the story.
    """
    lines: list[str] = []
    if att.narrator:
        lines.append(f"# narrator (first/second person): {att.narrator}")
    for s in att.segments:
        raw = text[s.start : s.end]
        body = " ".join(raw.split())
        if not body:
            if raw.count("\n") >= 2 and lines and lines[-1] != "":
                lines.append("")
            continue
        if s.kind == "dialogue":
            who = _label(s.speaker) if s.speaker else "UNKNOWN"
            mark = "?" if s.confidence < LOW_CONFIDENCE else ""
            lines.append(f"[{s.line_id}] {who}{mark}: {body}")
        else:
            lines.append(f"{_label(None)}: {body}")
        if "\n" in raw.rstrip(" \t") and raw.rstrip(" \t").endswith("\n") and lines[-1] != "":
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_json(text: str, att: Attribution) -> dict:
    """``{"segments": [{"start", "end", "kind", "speaker", "confidence", "line_id"}]}``."""
    return {
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "kind": s.kind,
                "speaker": s.speaker if s.kind == "dialogue" else None,
                "confidence": round(s.confidence, 3) if s.kind == "dialogue" else 1.0,
                "line_id": s.line_id,
            }
            for s in att.segments
        ]
    }
