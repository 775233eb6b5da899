"""The per-story manifest ``<out>/<story-slug>/dramatis.json``: what the build made, and when.

The build's assemble/tag stages know exactly where each clip starts and ends, so they write
that down here once; publishing (transcripts, chapters, playlist, feed) reads only this file
and the audio on disk, never the story again.  That keeps ``dramatis feed`` and
``dramatis serve`` fast and lets them run on a folder copied to another machine.

A manifest is input we did not necessarily write ourselves (a user can edit or copy it), so
:meth:`Manifest.load` checks every field and names the file on any problem.  File names in
it must be bare names inside the story folder: a manifest can never point publishing at a
file elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from dramatis.errors import DramatisError
from dramatis.paths import write_atomic

MANIFEST_NAME = "dramatis.json"
VERSION = 1


@dataclass(slots=True)
class Cue:
    """One spoken line, timed from its clip: ``text`` is the exact story text it speaks."""

    start_ms: int
    end_ms: int
    speaker: str | None
    text: str


@dataclass(slots=True)
class Mark:
    """A point inside a chapter file listeners can jump to (a scene)."""

    start_ms: int
    title: str


@dataclass(slots=True)
class ChapterEntry:
    """One chapter file of a story; ``file`` is a bare name inside the story folder."""

    index: int
    title: str
    file: str
    duration_ms: int
    cues: list[Cue] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)


@dataclass(slots=True)
class Manifest:
    """Everything publishing needs to know about one built story."""

    title: str
    slug: str
    chapters: list[ChapterEntry] = field(default_factory=list)
    author: str | None = None
    summary: str | None = None
    language: str = "en"
    cover: str | None = None  # bare file name in the story folder
    explicit: bool = False
    version: int = VERSION

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        # Keep the documented key order: it is a file people read.
        order = ["version", "title", "author", "summary", "language", "slug", "cover", "explicit"]
        return {**{k: data[k] for k in order}, "chapters": data["chapters"]}

    def save(self, path: Path) -> None:
        """Write the manifest atomically (a reader never sees half of it)."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
        write_atomic(Path(path), text + "\n")

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read and check a manifest; any problem is one :class:`DramatisError` naming ``path``."""
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DramatisError("no manifest here; run `dramatis build` first", path) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DramatisError(f"cannot read manifest ({exc})", path) from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DramatisError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: Any, path: Path | str | None = None) -> Manifest:
        r = _Reader(path)
        obj = r.obj(data, "manifest")
        version = r.int_(obj.get("version", VERSION), "version")
        if version != VERSION:
            r.fail(f"manifest version {version} is not supported (expected {VERSION})")
        chapters_raw = obj.get("chapters", [])
        if not isinstance(chapters_raw, list):
            r.fail("'chapters' must be a list")
        chapters = [r.chapter(c, i) for i, c in enumerate(chapters_raw)]
        files = [c.file for c in chapters]
        if len(set(files)) != len(files):
            r.fail("two chapters share one file name")
        cover = r.opt_str(obj.get("cover"), "cover")
        return cls(
            title=r.str_(obj.get("title"), "title"),
            slug=r.str_(obj.get("slug"), "slug"),
            chapters=chapters,
            author=r.opt_str(obj.get("author"), "author"),
            summary=r.opt_str(obj.get("summary"), "summary"),
            language=r.opt_str(obj.get("language"), "language") or "en",
            cover=r.bare_name(cover, "cover") if cover else None,
            explicit=r.bool_(obj.get("explicit", False), "explicit"),
            version=version,
        )


def is_bare_name(name: str) -> bool:
    """True for a plain file name that stays inside its folder on every OS."""
    return (
        bool(name)
        and name not in {".", ".."}
        and not name.startswith(".")
        and not any(ch in "/\\:" or ch < " " or ch == "\x7f" for ch in name)
    )


class _Reader:
    """Type checks with messages that say which field is wrong."""

    def __init__(self, path: Path | str | None):
        self.path = path

    def fail(self, message: str) -> NoReturn:
        raise DramatisError(f"{message}; rebuild the story to rewrite it", self.path)

    def obj(self, value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(f"{what} must be a JSON object")
        return value

    def str_(self, value: Any, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{what}' must be a non-empty string")
        return value

    def opt_str(self, value: Any, what: str) -> str | None:
        if value is not None and not isinstance(value, str):
            self.fail(f"'{what}' must be a string or null")
        return value

    def int_(self, value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(f"'{what}' must be a whole number >= 0")
        return value

    def bool_(self, value: Any, what: str) -> bool:
        if not isinstance(value, bool):
            self.fail(f"'{what}' must be true or false")
        return value

    def bare_name(self, value: str, what: str) -> str:
        if not is_bare_name(value):
            self.fail(f"'{what}' must be a plain file name in the story folder, not {value!r}")
        return value

    def chapter(self, value: Any, i: int) -> ChapterEntry:
        where = f"chapters[{i}]"
        c = self.obj(value, where)
        duration = self.int_(c.get("duration_ms"), f"{where}.duration_ms")
        cues = c.get("cues", [])
        marks = c.get("marks", [])
        if not isinstance(cues, list) or not isinstance(marks, list):
            self.fail(f"'{where}.cues' and '{where}.marks' must be lists")
        return ChapterEntry(
            index=self.int_(c.get("index"), f"{where}.index"),
            title=self.str_(c.get("title"), f"{where}.title"),
            file=self.bare_name(self.str_(c.get("file"), f"{where}.file"), f"{where}.file"),
            duration_ms=duration,
            cues=[self.cue(q, f"{where}.cues[{j}]") for j, q in enumerate(cues)],
            marks=[self.mark(m, f"{where}.marks[{j}]") for j, m in enumerate(marks)],
        )

    def cue(self, value: Any, where: str) -> Cue:
        q = self.obj(value, where)
        start = self.int_(q.get("start_ms"), f"{where}.start_ms")
        end = self.int_(q.get("end_ms"), f"{where}.end_ms")
        if end < start:
            self.fail(f"'{where}' ends before it starts")
        text = q.get("text")
        if not isinstance(text, str):
            self.fail(f"'{where}.text' must be a string")
        return Cue(start, end, self.opt_str(q.get("speaker"), f"{where}.speaker"), text)

    def mark(self, value: Any, where: str) -> Mark:
        m = self.obj(value, where)
        return Mark(
            self.int_(m.get("start_ms"), f"{where}.start_ms"),
            self.str_(m.get("title"), f"{where}.title"),
        )
