"""``dramatis feed``: a podcast feed for a folder of built audiobooks."""

from __future__ import annotations

from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, verbose_option


@click.command(context_settings=CONTEXT)
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("audio")
)
@click.option(
    "--base-url",
    envvar="DRAMATIS_BASE_URL",
    help="Where DIRECTORY is published on the web, e.g. https://example.com/audiobooks/ "
    "(default: links relative to feed.xml).",
)
@click.option("--title", help="Podcast title (default: the story's, or a list of them).")
@verbose_option
def feed(directory: Path, base_url: str | None, title: str | None) -> None:
    """Write DIRECTORY/feed.xml: a podcast with one episode per chapter.

    Also writes the transcripts, chapters and playlist each episode links to.  Upload
    DIRECTORY to BASE_URL and subscribe to BASE_URL/feed.xml in any podcast app.  Without
    --base-url the links are relative to feed.xml: fine for feed readers that resolve them
    (most do), but some podcast apps need absolute addresses.
    """
    import contextlib

    from dramatis.build.lock import output_lock
    from dramatis.publish.feed import write_feed

    # The feed and its sidecars are written into DIRECTORY: not while a build writes there.
    with output_lock(directory) if directory.is_dir() else contextlib.nullcontext():
        path = write_feed(directory, base_url, title=title)
    if base_url is not None:
        click.echo(f"{path}  (subscribe to {base_url.rstrip('/')}/{path.name})")
    else:
        click.echo(f"{path}  (links relative to it; give --base-url for apps that need URLs)")
