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
    fmt: str,
    credits: bool,
    cover: Path | None,
    base_url: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Build audiobooks from story files or folders (default: stories/).

    Writes OUT/<story>/<NN> - <chapter>.mp3, tagged, with transcripts beside them.
    New characters are added to the voices file with a voice of their own.
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
        quiet=quiet,
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
        from dramatis.build.pipeline import build as run_build

        summary = run_build(targets, opts)
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
    from dramatis.attribution.attribute import attribute
    from dramatis.cast.config import load_cast
    from dramatis.publish.script import render_json, render_text
    from dramatis.text.read import read_story
    from dramatis.text.segment import segment

    story = read_story(path)
    cast = load_cast(voices, None, story=story.slug)
    att = attribute(story.text, segment(story.text), cast)
    if fmt == "json":
        click.echo(json.dumps(render_json(story.text, att), ensure_ascii=False))
    else:
        click.echo(render_text(story.text, att))


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(["auto", "acx", "podcast"]),
    default="auto",
    show_default=True,
    help="Bit-rate rules to apply (auto: by each file's bit rate).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
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


@cli.group(context_settings=CONTEXT)
def cache() -> None:
    """Manage the clip cache (clips are reused across builds)."""


@cache.command("clear")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path))
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached clip."""
    from dramatis.speech.synthesize import ClipCache, default_cache_dir

    count, size = ClipCache(cache_dir or default_cache_dir()).clear()
    click.echo(f"removed {count} clip(s), {size / 1e6:.1f} MB")


@cache.command("info")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path))
def cache_info(cache_dir: Path | None) -> None:
    """Show where the cache is and how big it is."""
    from dramatis.speech.synthesize import ClipCache, default_cache_dir

    c = ClipCache(cache_dir or default_cache_dir())
    count, size = c.size()
    click.echo(f"{c.root}: {count} clip(s), {size / 1e6:.1f} MB (cap {c.max_bytes / 1e9:.1f} GB)")


@cli.command(context_settings=CONTEXT)
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("audio")
)
@click.option(
    "--base-url",
    required=True,
    help="Where DIRECTORY is published on the web, e.g. https://example.com/audiobooks/",
)
@click.option("--title", help="Podcast title (default: the story's, or a list of them).")
def feed(directory: Path, base_url: str, title: str | None) -> None:
    """Write DIRECTORY/feed.xml: a podcast with one episode per chapter.

    Also writes the transcripts, chapters and playlist each episode links to.  Upload
    DIRECTORY to BASE_URL and subscribe to BASE_URL/feed.xml in any podcast app.
    """
    from dramatis.publish.feed import write_feed

    path = write_feed(directory, base_url, title=title)
    click.echo(f"{path}  (subscribe to {base_url.rstrip('/')}/{path.name})")


@cli.command(context_settings=CONTEXT)
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
def serve(directory: Path, host: str, port: int, base_url: str | None) -> None:
    """Serve DIRECTORY (default: audio/) so podcast apps can subscribe and seek.

    The feed is rewritten to point at this server unless --base-url is given. Ctrl-C stops.
    """
    from dramatis.publish.serve import serve as run_serve

    run_serve(directory, host=host, port=port, base_url=base_url)


def _engine_voices(engine: str):
    """The engine's voices (only the list is needed here)."""
    from dramatis.speech.engines import engine_voices

    return engine_voices(engine)[0]


def _cast_preview(paths: tuple[Path, ...], voices: Path, engine: str):
    """Attribute the stories as a build would, adding new characters to a *copy* of voices.yaml.

    Returns the file's cast, the cast a build would end with, and per story (story, its cast,
    attribution).  The user's voices.yaml is never written: `cast` and `preview` only look.
    The engine's default voice counts as a build counts it (it is the narrator's when none is
    set, and no character gets it), so the voices shown are the ones a build will write.
    """
    import shutil
    import tempfile

    from dramatis.build.pipeline import BuildOptions, prepare
    from dramatis.cast.config import load_cast
    from dramatis.speech.engines import engine_voices as list_voices

    engine_voices, default = list_voices(engine)
    listed = load_cast(voices, engine_voices, default_voice=default)
    if not paths:
        paths = (Path("stories"),) if Path("stories").is_dir() else ()
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "voices.yaml"
        if voices.is_file():
            shutil.copyfile(voices, trial)
        opts = BuildOptions(voices=trial)
        per_story = prepare(list(paths), opts, engine_voices, default) if paths else []
        final = load_cast(trial, engine_voices, default_voice=default)
    return listed, final, per_story


@cli.command("voices", context_settings=CONTEXT)
@click.option("--language", "-l", help="Only voices for this language (en, en-gb, fr...).")
@click.option("--engine", default="pyttsx3", show_default=True, help="Speech engine.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def voices_cmd(language: str | None, engine: str, as_json: bool) -> None:
    """List the engine's voices: the ids voices.yaml's 'voice:' accepts."""
    from dramatis.cast.assign import filter_voices
    from dramatis.cast.report import format_voices_table

    found = filter_voices(_engine_voices(engine), language)
    if as_json:
        rows = [
            {"id": v.id, "name": v.name, "languages": list(v.languages), "gender": v.gender}
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


@cli.command("cast", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_voices_option
@click.option("--engine", default="pyttsx3", show_default=True, help="Speech engine.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def cast_cmd(paths: tuple[Path, ...], voices: Path, engine: str, fmt: str) -> None:
    """Who speaks how much in the stories (default: stories/), and with which voice.

    Writes no files; characters a build would add to the voices file are marked.
    """
    from dramatis.cast.report import cast_json, cast_report, format_cast_table

    listed, final, per_story = _cast_preview(paths, voices, engine)
    lines = [
        (s.speaker, story.text[s.start : s.end])
        for story, _cast, att in per_story
        for s in att.segments
        if s.kind == "dialogue"
    ]
    shown = per_story[0][1] if len(per_story) == 1 else final  # one story: its overrides
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


@cli.command(context_settings=CONTEXT)
@click.argument("name")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_voices_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The MP3 to write (default: preview-<name>.mp3).",
)
@click.option("--engine", default="pyttsx3", show_default=True, help="Speech engine.")
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Clip cache folder (default: the user cache folder).",
)
def preview(
    name: str,
    paths: tuple[Path, ...],
    voices: Path,
    out: Path | None,
    engine: str,
    cache_dir: Path | None,
) -> None:
    """Hear a character's voice: a short MP3 of one of their own lines.

    NAME is a character (or an alias, or 'narrator'); their lines come from the stories in
    PATHS (default: stories/).  Try a voice, edit voices.yaml, preview again.
    """
    from dramatis.audio.encode import PROFILES, encode_mp3
    from dramatis.cast.report import describe_voice, find_character, preview_line
    from dramatis.model import NARRATOR
    from dramatis.paths import atomic_path, slugify
    from dramatis.speech.engines import describe_engine
    from dramatis.speech.plan import spoken_text
    from dramatis.speech.synthesize import (
        ClipCache,
        ClipRequest,
        clip_key,
        default_cache_dir,
        synthesize,
    )

    _listed, final, per_story = _cast_preview(paths, voices, engine)
    is_narrator = name.strip().lower() == NARRATOR
    who = NARRATOR if is_narrator else find_character(final, name, voices).name
    candidates = []  # (text, the cast of its story)
    for story, cast, att in per_story:
        for s in att.segments:
            mine = s.kind == "narration" if is_narrator else s.speaker == who
            if mine and (is_narrator or s.kind == "dialogue"):
                candidates.append((story.text[s.start : s.end], cast))
    line = preview_line([t for t, _ in candidates], who)
    cast = next((c for t, c in candidates if line in " ".join(t.split())), final)
    voice = cast.voice_for(None if is_narrator else who)
    text = spoken_text(line, dialogue=True, heading=False, pronunciations=cast.pronunciations)
    facts = describe_engine(engine)
    key = clip_key(facts.identity, facts.key_voice(voice), text)
    clips = ClipCache(cache_dir or default_cache_dir())
    synthesize(
        [ClipRequest(key, text, voice, f"the preview of {who}")], clips, engine=engine, jobs=1
    )
    out = out or Path(f"preview-{slugify(who) or 'voice'}.mp3")
    with atomic_path(out) as tmp:
        encode_mp3(clips.path(key), tmp, PROFILES["podcast"])
    click.echo(f"{out}: {who}, voice {describe_voice(voice)}, says: {line}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line and exit status 2."""
    try:
        status = cli.main(args=argv, prog_name="dramatis", standalone_mode=False)
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
    # A command that found problems (``check``) ends with click's Exit(1), which click
    # hands back as the return value outside standalone mode.
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
