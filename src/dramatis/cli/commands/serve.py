"""``dramatis serve``: the audio folder for podcast apps, with seeking."""

from __future__ import annotations

from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, verbose_option


@click.command(context_settings=CONTEXT)
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("audio")
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 shares with phones on your home network.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--base-url",
    help="Public address of DIRECTORY if behind another server (default: this server).",
)
@verbose_option
def serve(directory: Path, host: str, port: int, base_url: str | None) -> None:
    """Serve DIRECTORY (default: audio/) so podcast apps can subscribe and seek.

    The feed is rewritten to point at this server unless --base-url is given. Ctrl-C stops.
    """
    from dramatis.publish.serve import serve as run_serve

    run_serve(directory, host=host, port=port, base_url=base_url)
