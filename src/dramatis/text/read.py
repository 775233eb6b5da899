"""Stage 1, read: a story file in any supported format -> :class:`dramatis.model.Story`.

``.txt`` keeps the file's text exactly as decoded (offsets index it); ``.md``, ``.html`` and
``.epub`` yield the plain text extracted from them, paragraphs separated by blank lines. See
:mod:`dramatis.text.readers.structure` for what chapters, breaks and hidden spans promise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from dramatis.errors import DramatisError, warn
from dramatis.model import Story
from dramatis.text.readers.common import load_bytes

Reader = Callable[..., Story]


def _txt(path: Path, data: bytes, *, include_notes: bool) -> Story:
    from dramatis.text.readers.txt import read_txt

    return read_txt(path, data, include_notes=include_notes)


def _md(path: Path, data: bytes, *, include_notes: bool) -> Story:
    from dramatis.text.readers.markup import read_markdown

    return read_markdown(path, data, include_notes=include_notes)


def _html(path: Path, data: bytes, *, include_notes: bool) -> Story:
    from dramatis.text.readers.markup import read_html

    return read_html(path, data, include_notes=include_notes)


def _epub(path: Path, data: bytes, *, include_notes: bool) -> Story:
    from dramatis.text.readers.epub import read_epub

    return read_epub(path, data, include_notes=include_notes)


READERS: dict[str, Reader] = {
    ".txt": _txt,
    ".text": _txt,
    "": _txt,
    ".md": _md,
    ".markdown": _md,
    ".html": _html,
    ".htm": _html,
    ".xhtml": _html,
    ".epub": _epub,
}
SUFFIXES = sorted(s for s in READERS if s)
#: Book and document formats people keep beside their stories, named when a folder is read
#: (other files, such as a cover picture or voices.yaml, belong there and are not mentioned).
UNSUPPORTED = {
    ".mobi", ".azw", ".azw3", ".kf8", ".kfx", ".prc", ".pdf", ".doc", ".docx", ".odt", ".rtf",
    ".fb2", ".lit", ".lrf", ".djvu", ".pdb", ".cbz", ".cbr", ".pages", ".wpd", ".tex",
}  # fmt: skip


def read_story(path: Path, *, include_notes: bool = False) -> Story:
    """Read one story file; raises DramatisError (one line, naming the file) on bad input.

    ``include_notes`` speaks author's notes instead of hiding them.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DramatisError(
            f"unsupported file type {path.suffix!r}; give a .txt, .md, .html or .epub story", path
        )
    data = load_bytes(path)
    story = reader(path, data, include_notes=include_notes)
    if not story.chapters:
        raise DramatisError(
            "has no story text to read (only metadata, notes or decoration); "
            "check that this is the right file",
            path,
        )
    return story


def story_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders expanded to the story files inside them (sorted, recursive,
    hidden files and folders skipped). A missing path or a folder without stories is an error."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            _warn_unsupported(path)
            if not inside:
                raise DramatisError(
                    f"no story files ({', '.join(SUFFIXES)}) in this folder; add some", path
                )
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise DramatisError("no such file or folder; check the path", path)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def _warn_unsupported(folder: Path) -> None:
    """One line naming the books in ``folder`` that are skipped, so none goes missing
    silently: "a .mobi in the stories folder is skipped without a message" was a bug."""
    skipped = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in UNSUPPORTED
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if skipped:
        shown = ", ".join(skipped[:5]) + (
            f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        )
        warn(
            f"skipped {len(skipped)} file(s) Dramatis cannot read: {shown}; "
            "convert them to EPUB (calibre does) or plain text",
            folder,
        )
