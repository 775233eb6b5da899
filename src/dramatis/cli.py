"""The ``dramatis`` command: a thin click layer over the pipeline stages.

Every user mistake surfaces as one line on stderr with exit status 2 (never a traceback);
work is done by the stage modules, imported inside each command so ``--help`` stays instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dramatis import __version__
from dramatis.errors import DramatisError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _voices_option(f):
    return click.option(
        "--voices",
        "voices",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("voices.yaml"),
        show_default=True,
        help="The cast file: voices for the narrator and each character.",
    )(f)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="dramatis")
def cli() -> None:
    """Turn stories into multi-voice audiobooks, offline.

    \b
    Typical use:
      dramatis build                 build every story in stories/ into audio/
      dramatis script story.txt      see who speaks each line
      (edit voices.yaml, then build again: only what changed is redone)
    """


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_voices_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("audio"),
    show_default=True,
    help="Folder for the audiobooks (one sub-folder per story).",
)
@click.option(
    "--engine", default="pyttsx3", show_default=True, help="Speech engine: pyttsx3 or espeak-ng."
)
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
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Clip cache folder (default: the user cache folder).",
)
@click.option("--notes/--no-notes", default=False, help="Also read author's notes aloud.")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON summary on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
def build(
    paths: tuple[Path, ...],
    voices: Path,
    out: Path,
    engine: str,
    jobs: int,
    profile: str,
    cache_dir: Path | None,
    notes: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Build audiobooks from story files or folders (default: stories/).

    Writes OUT/<story>/<NN> - <chapter>.mp3, tagged, with transcripts beside them.
    New characters are added to the voices file with a voice of their own.
    """
    from dramatis.pipeline import BuildOptions
    from dramatis.pipeline import build as run_build

    opts = BuildOptions(
        voices=voices,
        out=out,
        engine=engine,
        jobs=jobs,
        profile=profile,
        cache_dir=cache_dir,
        quiet=quiet,
        include_notes=notes,
    )
    summary = run_build(list(paths) or [Path("stories")], opts)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
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


@cli.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@_voices_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def script(path: Path, voices: Path, fmt: str) -> None:
    """Show who speaks each line of a story (writes no files).

    The text format is a speaker-labelled script; lines marked '?' are guesses worth a look.
    Pin a line's speaker in voices.yaml under 'pins:' with the id shown in brackets.
    """
    from dramatis.attribute import attribute
    from dramatis.cast import load_cast
    from dramatis.read import read_story
    from dramatis.script import render_json, render_text
    from dramatis.segment import segment

    story = read_story(path)
    cast = load_cast(voices, None, story=story.slug)
    att = attribute(story.text, segment(story.text), cast)
    if fmt == "json":
        click.echo(json.dumps(render_json(story.text, att), ensure_ascii=False))
    else:
        click.echo(render_text(story.text, att))


@cli.group(context_settings=CONTEXT)
def cache() -> None:
    """Manage the clip cache (clips are reused across builds)."""


@cache.command("clear")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path))
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached clip."""
    from dramatis.synthesize import ClipCache, default_cache_dir

    count, size = ClipCache(cache_dir or default_cache_dir()).clear()
    click.echo(f"removed {count} clip(s), {size / 1e6:.1f} MB")


@cache.command("info")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path))
def cache_info(cache_dir: Path | None) -> None:
    """Show where the cache is and how big it is."""
    from dramatis.synthesize import ClipCache, default_cache_dir

    c = ClipCache(cache_dir or default_cache_dir())
    count, size = c.size()
    click.echo(f"{c.root}: {count} clip(s), {size / 1e6:.1f} MB (cap {c.max_bytes / 1e9:.1f} GB)")


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line and exit status 2."""
    try:
        cli.main(args=argv, prog_name="dramatis", standalone_mode=False)
    except DramatisError as exc:
        click.echo(f"dramatis: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("dramatis: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("dramatis: interrupted; run the same command again to resume", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
