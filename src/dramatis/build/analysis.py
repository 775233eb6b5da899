"""The one analysis path: a story and its cast become what will be spoken.

``build``, ``script``, ``cast`` and ``preview`` all go through :func:`analyze` (one story)
or :func:`analyze_paths` (files and folders, adding new characters to voices.yaml when
asked), so what ``dramatis script`` shows is exactly what a build speaks: the same
chapters, the same hidden spans, the same segments with the same speakers, pins and
per-story overrides (by slug *and* by file name) applied the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dramatis.attribution import Attribution, attribute
from dramatis.build.lock import voices_lock
from dramatis.cast.config import add_characters, engine_named, load_cast
from dramatis.model import Cast, Chapter, Hidden, Segment, Story
from dramatis.speech.engines import DEFAULT_ENGINE, EngineBook, EngineFacts
from dramatis.text.read import read_story, story_files
from dramatis.text.segment import segment

#: Why text outside every chapter is not spoken (readers tile chapters from the first
#: spoken character, so this is only ever leading text no reader marked).
OUTSIDE = "outside chapters"
SCENE_BREAK = "scene break"

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Analysis:
    """What will be spoken of one story: every stage downstream reads only this."""

    story: Story
    cast: Cast
    attribution: Attribution

    @property
    def segments(self) -> list[Segment]:
        return self.attribution.segments

    @property
    def chapters(self) -> list[Chapter]:
        return self.story.chapters

    @property
    def narrator(self) -> str | None:
        """The first/second-person narrator's name, if the story has one."""
        return self.attribution.narrator

    @property
    def hidden(self) -> list[Hidden]:
        """Spans never spoken, in order: the reader's hidden spans and text before chapters."""
        text = self.story.text
        spans = sorted(self.story.hidden)
        first = self.story.chapters[0].start if self.story.chapters else len(text)
        pos, extra = 0, []
        for h in [*spans, Hidden(first, first, "")]:
            end = min(h.start, first)
            if end > pos and _has_word(text, pos, end):
                extra.append(Hidden(pos, end, OUTSIDE))
            pos = max(pos, h.end)
            if pos >= first:
                break
        return sorted(spans + extra)

    def holes(self) -> list[tuple[int, int, str]]:
        """Everything not spoken as words, in order: hidden spans (their reason) and scene
        breaks (``"scene break"``: a pause instead)."""
        spans = [(h.start, h.end, h.reason) for h in self.hidden]
        spans += [(a, b, SCENE_BREAK) for a, b in self.story.breaks]
        return sorted(spans)

    def spoken_flags(self) -> list[bool]:
        """For each segment: whether any word of it is spoken (in a chapter, not hidden)."""
        text = self.story.text
        holes = self.holes()
        flags = []
        first = 0  # holes before this one end before every later segment starts
        for seg in self.segments:
            while first < len(holes) and holes[first][1] <= seg.start:
                first += 1
            pos, spoken = seg.start, False
            for a, b, _why in holes[first:]:
                if a >= seg.end:
                    break
                if a > pos and _has_word(text, pos, a):
                    spoken = True
                    break
                pos = max(pos, b)
            flags.append(spoken or (pos < seg.end and _has_word(text, pos, seg.end)))
        return flags


def _has_word(text: str, start: int, end: int) -> bool:
    return any(ch.isalnum() for ch in text[start:end])


def story_keys(story: Story) -> list[str]:
    """The names voices.yaml's ``stories:`` section may use for this story."""
    return [story.slug, story.source.name, story.source.stem]


def story_engine(
    story: Story, voices: Path, engine: str | None, engines: EngineBook
) -> EngineFacts:
    """The engine that speaks ``story``: ``engine`` (``--engine``), else voices.yaml's
    ``engine:`` for it (its ``stories:`` entry, else the top level), else the default."""
    return engines[engine or engine_named(voices, story_keys(story)) or DEFAULT_ENGINE]


def cast_for(story: Story, voices: Path, engine: EngineFacts | None = None) -> Cast:
    """The cast for one story: the global settings with its per-story overrides merged in
    (voice ids checked and completed for ``engine`` when given)."""
    return load_cast(voices, engine, story=story_keys(story))


def analyze(story: Story, cast: Cast) -> Analysis:
    """Segment the story and give every line a speaker (the cast's pins win)."""
    text = story.text
    return Analysis(story, cast, attribute(text, segment(text), cast, story.stories()))


def analyze_paths(
    paths: Sequence[Path],
    voices: Path,
    *,
    include_notes: bool = False,
    engine: str | None = None,
    engines: EngineBook | None = None,
    add_new: bool = False,
    notes_as: Path | None = None,
) -> list[Analysis]:
    """Read every story under ``paths`` and analyze it with its own cast.

    With ``engines``, each story's cast is loaded for the engine that speaks it
    (:func:`story_engine`; ``engine`` is ``--engine``), its voice ids checked and completed.
    Every story's cast is validated before anything is written.  With ``add_new`` (a build)
    characters who speak but are not in ``voices`` are added to that file, and later
    stories see them; each analysis's cast is then re-read so it holds their voices.
    """
    stories = [read_story(f, include_notes=include_notes) for f in story_files(list(paths))]
    if add_new and engines is None:
        engines = EngineBook()  # new characters are given voices: an engine is needed

    def facts(story: Story) -> EngineFacts | None:
        return story_engine(story, voices, engine, engines) if engines is not None else None

    def casts() -> dict[int, Cast]:
        return {id(s): cast_for(s, voices, facts(s)) for s in stories}

    by_story = casts()
    result = []
    for story in stories:
        found = analyze(story, by_story[id(story)])
        if add_new:
            cast = found.cast
            speaking = {s.speaker for s in found.segments if s.kind == "dialogue" and s.speaker}
            new = [
                c
                for c in found.attribution.characters
                if c.name in speaking and c.name not in cast.characters
            ]
            if new:
                speaker = facts(story)
                assert speaker is not None
                with voices_lock(voices):  # a read-modify-write of the user's file
                    added = add_characters(voices, new, speaker)
                if added:
                    by_story = casts()  # the file changed: read it again
                    found.cast = by_story[id(story)]
        result.append(found)
    # What the engines ignore, once each, naming the user's file (``notes_as``: the file a
    # trial copy stands for).
    for note in dict.fromkeys(n for a in result for n in a.cast.notes):
        log.warning(note.replace(str(voices), str(notes_as)) if notes_as else note)
    return result


def analyze_trial(
    paths: Sequence[Path], voices: Path, engine: str | None
) -> tuple[Cast, Cast, list[Analysis]]:
    """Analyze as a build would, adding new characters to a *copy* of voices.yaml.

    Returns the file's cast, the cast a build would end with, and each story's analysis.
    The user's voices.yaml is never written: ``cast`` and ``preview`` only look.  The
    engine's default voice counts as a build counts it (it is the narrator's when none is
    set, and no character gets it), so the voices shown are the ones a build will write.
    """
    import shutil
    import tempfile

    engines = EngineBook()
    facts = engines[engine or engine_named(voices) or DEFAULT_ENGINE]
    listed = load_cast(voices, facts)
    if not paths:
        paths = (Path("stories"),) if Path("stories").is_dir() else ()
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "voices.yaml"
        if voices.is_file():
            shutil.copyfile(voices, trial)
        analyses = (
            analyze_paths(
                paths, trial, engine=engine, engines=engines, add_new=True, notes_as=voices
            )
            if paths
            else []
        )
        final = load_cast(trial, facts)
    return listed, final, analyses
