"""Render an analysis as a script a person can read, or as the JSON ``dramatis script`` prints.

The text form is for proof-listening before a build: one line per paragraph piece, each
dialogue line with its stable id (to pin a speaker in voices.yaml) and a ``?`` after the
speaker when the attributor was unsure.  It shows the build's own analysis
(:func:`dramatis.build.analysis.analyze`), so parts the build never speaks are marked
``[hidden: <reason>]`` (or left out with ``spoken_only``), never shown as if read aloud.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dramatis.attribution import LOW_CONFIDENCE

if TYPE_CHECKING:
    from dramatis.build.analysis import Analysis


def _label(name: str | None) -> str:
    return (name or "NARRATOR").upper()


def _pieces(
    start: int, end: int, holes: list[tuple[int, int, str]]
) -> list[tuple[int, int, str | None]]:
    """[start, end) cut at the holes: (a, b, None) for spoken text, (a, b, reason) for not."""
    out: list[tuple[int, int, str | None]] = []
    pos = start
    for a, b, why in holes:
        if b <= pos or a >= end:
            continue
        if a > pos:
            out.append((pos, a, None))
        out.append((max(a, pos), min(b, end), why))
        pos = max(pos, b)
    if pos < end:
        out.append((pos, end, None))
    return out


def render_text(analysis: Analysis, *, spoken_only: bool = False) -> str:
    """One block per segment: ``[L3f9a2c] CLARKE: "..."``; narration as ``NARRATOR: ...``.

    Whitespace inside a segment is squashed so each block is one line; blank lines separate
    paragraphs as in the story.  Text the build does not speak is shown as
    ``[hidden: front matter] ...`` (``[scene break]`` for a break), or not at all with
    ``spoken_only``.
    """
    text = analysis.story.text
    holes = analysis.holes()
    lines: list[str] = []
    if analysis.narrator:
        lines.append(f"# narrator (first/second person): {analysis.narrator}")
    for s in analysis.segments:
        raw = text[s.start : s.end]
        for a, b, why in _pieces(s.start, s.end, holes):
            body = " ".join(text[a:b].split())
            if not body:
                continue
            if why is not None:
                if spoken_only:
                    continue
                if why == "scene break":
                    lines.append("[scene break]")
                else:
                    lines.append(f"[hidden: {why}] {body}")
            elif s.kind == "dialogue":
                who = _label(s.speaker) if s.speaker else "UNKNOWN"
                mark = "?" if s.confidence < LOW_CONFIDENCE else ""
                lines.append(f"[{s.line_id}] {who}{mark}: {body}")
            else:
                lines.append(f"{_label(None)}: {body}")
        if not raw.strip():
            if raw.count("\n") >= 2 and lines and lines[-1] != "":
                lines.append("")
            continue
        if raw.rstrip(" \t").endswith("\n") and lines and lines[-1] != "":
            lines.append("")
    return "\n".join(lines).strip("\n") + "\n"


def render_json(analysis: Analysis, *, spoken_only: bool = False) -> dict:
    """The analysis as data: offsets index ``text`` (the decoded story text).

    ``{"text", "title", "narrator", "chapters": [{"title", "start", "end"}],
    "hidden": [{"start", "end", "reason"}], "segments": [{"start", "end", "kind",
    "speaker", "confidence", "line_id", "spoken"}]}``.  Segments are cut where a hidden
    span or scene break starts or ends, so each is wholly spoken or wholly not, and together
    they still tile the text; ``spoken_only`` keeps only the spoken ones.
    """
    story = analysis.story
    holes = analysis.holes()
    segments = []
    for s in analysis.segments:
        # Cut at hidden spans and scene breaks: each piece is wholly spoken or wholly not.
        for a, b, why in _pieces(s.start, s.end, holes):
            spoken = why is None and any(ch.isalnum() for ch in story.text[a:b])
            if spoken_only and not spoken:
                continue
            segments.append(
                {
                    "start": a,
                    "end": b,
                    "kind": s.kind,
                    "speaker": s.speaker if s.kind == "dialogue" else None,
                    "confidence": round(s.confidence, 3) if s.kind == "dialogue" else 1.0,
                    "line_id": s.line_id,
                    "spoken": spoken,
                }
            )
    return {
        "title": story.title,
        "text": story.text,
        "narrator": analysis.narrator,
        "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in story.chapters],
        "hidden": [{"start": h.start, "end": h.end, "reason": h.reason} for h in analysis.hidden],
        "segments": segments,
    }
