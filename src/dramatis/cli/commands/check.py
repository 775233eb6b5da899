"""``dramatis check``: measure delivered files against ACX's rules."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, verbose_option


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(["auto", "acx", "podcast"]),
    default="auto",
    show_default=True,
    help="Bit-rate rules to apply (auto: by each file's bit rate).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@verbose_option
def check(paths: tuple[Path, ...], profile: str, as_json: bool) -> None:
    """Measure delivered audiobook files (or folders of them) against ACX's rules.

    Prints each figure with pass or fail; exit status 1 when anything fails.
    """
    from dramatis.audio.check import check_paths, render, to_json

    reports = check_paths(list(paths), profile)
    if as_json:
        click.echo(json.dumps(to_json(reports), ensure_ascii=False))
    else:
        click.echo(render(reports))
    if not all(r.ok for r in reports):
        raise click.exceptions.Exit(1)
