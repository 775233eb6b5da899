"""``dramatis cast``: who speaks how much, and with which voice (writes nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, engine_option, verbose_option, voices_option


@click.command("cast", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@voices_option
@engine_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@verbose_option
def cast_cmd(paths: tuple[Path, ...], voices: Path, engine: str | None, fmt: str) -> None:
    """Who speaks how much in the stories (default: stories/), and with which voice.

    Writes no files; characters a build would add to the voices file are marked.
    """
    from dramatis.build.analysis import analyze_trial
    from dramatis.cast.report import cast_json, cast_report, format_cast_table

    listed, final, analyses = analyze_trial(paths, voices, engine)
    lines = [
        (s.speaker, a.story.text[s.start : s.end])
        for a in analyses
        for s, spoken in zip(a.segments, a.spoken_flags(), strict=True)
        if s.kind == "dialogue" and spoken
    ]
    shown = analyses[0].cast if len(analyses) == 1 else final  # one story: its overrides
    unlisted = [c for name, c in final.characters.items() if name not in listed.characters]
    base = type(shown)(
        narrator=shown.narrator,
        characters={n: c for n, c in shown.characters.items() if n in listed.characters},
    )
    rows = cast_report(lines, base, unlisted=[shown.characters.get(c.name, c) for c in unlisted])
    if fmt == "json":
        click.echo(json.dumps(cast_json(rows), ensure_ascii=False))
    else:
        click.echo(format_cast_table(rows))
