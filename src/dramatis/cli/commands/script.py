"""``dramatis script``: who speaks each line, exactly as a build would speak it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, verbose_option, voices_option


@click.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@voices_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--notes/--no-notes", default=False, help="Author's notes spoken, as in build.")
@click.option("--spoken-only", is_flag=True, help="Leave out the parts a build does not speak.")
@verbose_option
def script(path: Path, voices: Path, fmt: str, notes: bool, spoken_only: bool) -> None:
    """Show who speaks each line of a story (writes no files).

    The text format is a speaker-labelled script; lines marked '?' are guesses worth a look,
    and parts a build never speaks (front matter, notes, licences) are marked '[hidden: ...]'.
    Pin a line's speaker in voices.yaml under 'pins:' with the id shown in brackets.
    """
    from dramatis.build.analysis import analyze, cast_for
    from dramatis.publish.script import render_json, render_text
    from dramatis.text.read import read_story

    story = read_story(path, include_notes=notes)
    found = analyze(story, cast_for(story, voices))
    if fmt == "json":
        data = render_json(found, spoken_only=spoken_only)
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        click.echo(render_text(found, spoken_only=spoken_only), nl=False)
