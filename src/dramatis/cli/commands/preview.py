"""``dramatis preview``: a short MP3 of one character's voice saying one of their lines."""

from __future__ import annotations

from pathlib import Path

import click

from dramatis.cli.options import (
    CONTEXT,
    cache_option,
    engine_for,
    engine_option,
    verbose_option,
    voices_option,
)


@click.command(context_settings=CONTEXT)
@click.argument("name")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@voices_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The MP3 to write (default: preview-<name>.mp3).",
)
@engine_option
@cache_option
@verbose_option
def preview(
    name: str,
    paths: tuple[Path, ...],
    voices: Path,
    out: Path | None,
    engine: str | None,
    cache_dir: Path | None,
) -> None:
    """Hear a character's voice: a short MP3 of one of their own lines.

    NAME is a character (or an alias, or 'narrator'); their lines come from the stories in
    PATHS (default: stories/).  Try a voice, edit voices.yaml, preview again.
    """
    from dramatis.audio.encode import PROFILES, encode_mp3
    from dramatis.build.analysis import analyze_trial
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

    _listed, final, analyses = analyze_trial(paths, voices, engine)
    is_narrator = name.strip().lower() == NARRATOR
    who = NARRATOR if is_narrator else find_character(final, name, voices).name
    candidates = []  # (text, the cast of its story)
    for a in analyses:
        for s, spoken in zip(a.segments, a.spoken_flags(), strict=True):
            mine = s.kind == "narration" if is_narrator else s.speaker == who
            if mine and (is_narrator or s.kind == "dialogue") and spoken:
                candidates.append((a.story.text[s.start : s.end], a.cast))
    line = preview_line([t for t, _ in candidates], who)
    cast = next((c for t, c in candidates if line in " ".join(t.split())), final)
    voice = cast.voice_for(None if is_narrator else who)
    text = spoken_text(line, dialogue=True, heading=False, pronunciations=cast.pronunciations)
    facts = describe_engine(cast.engine or engine_for(engine, voices))
    key = clip_key(facts.identity, facts.key_voice(voice), text)
    clips = ClipCache(cache_dir or default_cache_dir())
    request = ClipRequest(key, text, voice, f"the preview of {who}", facts.name)
    synthesize([request], clips, jobs=1)
    out = out or Path(f"preview-{slugify(who) or 'voice'}.mp3")
    with atomic_path(out) as tmp:
        encode_mp3(clips.path(key), tmp, PROFILES["podcast"])
    click.echo(f"{out}: {who}, voice {describe_voice(voice)}, says: {line}")
