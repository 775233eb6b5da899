"""``dramatis build``: stories in, tagged audiobook files out."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, cache_option, engine_option, verbose_option, voices_option


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@voices_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("audio"),
    show_default=True,
    help="Folder for the audiobooks (one sub-folder per story).",
)
@engine_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0, 64),
    default=0,
    help="Worker processes (default: one per core).",
)
@click.option(
    "--profile",
    type=click.Choice(["acx", "podcast"]),
    default="acx",
    show_default=True,
    help="acx: 192 kb/s, Audible's levels; podcast: lighter files for phones.",
)
@cache_option
@click.option("--notes/--no-notes", default=False, help="Also read author's notes aloud.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mp3", "m4b"]),
    default="mp3",
    show_default=True,
    help="mp3: one file per chapter; m4b: one audiobook file per story, with chapter marks.",
)
@click.option(
    "--credits/--no-credits",
    default=True,
    show_default=True,
    help='Opening credits (title, author, reader) and "The End", as ACX asks.',
)
@click.option(
    "--cover",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Cover image (JPEG or PNG); default: the story's own, else a generated title card.",
)
@click.option(
    "--base-url",
    envvar="DRAMATIS_BASE_URL",
    help="Also write OUT/feed.xml for podcast apps, with OUT published at this URL.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print only a JSON summary on stdout (no bars)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@verbose_option
def build(
    paths: tuple[Path, ...],
    voices: Path,
    out: Path,
    engine: str | None,
    jobs: int,
    profile: str,
    cache_dir: Path | None,
    notes: bool,
    fmt: str,
    credits: bool,
    cover: Path | None,
    base_url: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Build audiobooks from story files or folders (default: stories/).

    Writes OUT/<story>/<NN> - <chapter>.mp3, tagged, with transcripts beside them.
    New characters are added to the voices file with a voice of their own.  One build at a
    time writes into OUT: a second one waits a few seconds, then stops and says which
    build holds it.  Progress bars appear only on a terminal.
    """
    import os
    import time

    # numpy's OpenBLAS would start a thread per core, each with its own buffers (~8 MB
    # resident, measured), for matrix products far too small to gain from them.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from dramatis.build.state import BuildOptions, inputs_key, reuse
    from dramatis.speech.synthesize import default_cache_dir
    from dramatis.text.read import story_files

    t0 = time.monotonic()
    opts = BuildOptions(
        voices=voices,
        out=out,
        engine=engine,
        jobs=jobs,
        profile=profile,
        cache_dir=cache_dir,
        quiet=quiet or as_json,
        include_notes=notes,
        format=fmt,
        credits=credits,
        cover=cover,
        base_url=base_url,
    )
    targets = list(paths) or [Path("stories")]
    # Nothing changed since the last build: answer at once, without the audio stack.
    key = inputs_key(story_files(targets), opts)
    summary = reuse(cache_dir or default_cache_dir(), key, opts)
    if summary is not None:
        summary["seconds"] = round(time.monotonic() - t0, 3)
    else:
        from dramatis.build.orchestrate import build as run_build
        from dramatis.build.orchestrate import release_freed_memory

        release_freed_memory()  # this process is ours: tune its allocator for assembly
        summary = run_build(targets, opts)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for story in summary["stories"]:
        minutes = sum(c["duration_s"] for c in story["chapters"]) / 60
        click.echo(
            f"{story['title']}: {len(story['chapters'])} chapter(s), {minutes:.1f} min -> {story['dir']}"
        )
    clips = summary["clips"]
    click.echo(
        f"{clips['synthesized']} clip(s) synthesized, {clips['reused']} reused, "
        f"{summary['seconds']:.1f} s"
    )
