"""``dramatis voices``: the engine's voices, the ids voices.yaml accepts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, engine_for, engine_option, voices_option
from dramatis.errors import DramatisError


@click.command("voices", context_settings=CONTEXT)
@click.option("--language", "-l", help="Only voices for this language (en, en-gb, fr...).")
@voices_option
@engine_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def voices_cmd(language: str | None, voices: Path, engine: str | None, as_json: bool) -> None:
    """List the engine's voices: the ids voices.yaml's 'voice:' accepts."""
    from dramatis.cast.assign import filter_voices
    from dramatis.cast.report import format_voices_table
    from dramatis.speech.engines import engine_voices

    engine = engine_for(engine, voices)
    found = filter_voices(engine_voices(engine)[0], language)
    if as_json:
        rows = [
            {
                "id": v.id,
                "name": v.name,
                "languages": list(v.languages),
                "gender": v.gender,
                "accent": v.accent,
                "family": v.family,
            }
            for v in found
        ]
        click.echo(json.dumps({"voices": rows}, ensure_ascii=False))
    elif not found:
        raise DramatisError(
            f"the {engine} engine has no voice for language {language!r}; "
            "run `dramatis voices` to see them all"
        )
    else:
        click.echo(format_voices_table(found))
