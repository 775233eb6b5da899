"""File names that are safe on every OS, and writes a reader never sees half done."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def slugify(text: str, max_len: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens: for folder names and URLs."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text[:max_len].rstrip("-")


def safe_filename(name: str, max_len: int = 120) -> str:
    """Keep the title readable but drop what Windows, macOS or Linux reject (and ``..``)."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f]', " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name or name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    encoded = name.encode("utf-8")[:max_len]
    return encoded.decode("utf-8", "ignore").rstrip(" .")


def staging_dir(out_root: Path) -> Path:
    """Where a build's unfinished files for ``out_root`` live: beside it, never inside it.

    A build killed with ``kill -9`` cannot clean up after itself; keeping its partial files
    out of the output folder means players, feeds and ``dramatis serve`` never see them.
    Only the build holding the output folder's lock uses it (see ``dramatis.build.lock``),
    so it is that build's own scratch space.
    """
    out_root = Path(out_root).absolute()
    return out_root.parent / f".{out_root.name}.partial"


def open_stage(out_root: Path) -> Path:
    """Create ``out_root``'s staging folder, removing loose files an interrupted build left.

    Sub-folders (encoded pieces of unfinished chapters) are kept: the next build resumes
    from them.
    """
    stage = staging_dir(out_root)
    if stage.is_dir():
        for p in stage.iterdir():
            if not p.is_dir():
                with contextlib.suppress(OSError):
                    p.unlink()
    stage.mkdir(parents=True, exist_ok=True)
    return stage


def close_stage(stage: Path) -> None:
    """Remove the staging folder if nothing but empty folders is left in it."""
    if not stage.is_dir():
        return
    for folder in sorted((p for p in stage.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
    with contextlib.suppress(OSError):
        stage.rmdir()


def temp_for(target: Path, stage: Path | None = None) -> Path:
    """A new empty temporary file to write ``target``'s content into (see :func:`publish`).

    It is in ``stage`` (a build's staging folder, on the same file system as ``target`` so
    the final rename is atomic) when given, else beside ``target`` named ``.<name>.part``
    so that players and feed readers skip it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.stem[:40]}.",
        suffix=f"{target.suffix}.part",
        dir=stage if stage is not None else target.parent,
    )
    os.close(fd)
    return Path(tmp)


def publish(tmp: Path, target: Path) -> None:
    """Move a finished temporary file onto ``target`` in one step (readers never see half)."""
    # mkstemp makes private files; a finished output gets the usual permissions.
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, target)


@contextlib.contextmanager
def atomic_path(target: Path, stage: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path; it replaces ``target`` only if the block succeeds."""
    tmp_path = temp_for(target, stage)
    try:
        yield tmp_path
        publish(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, data: bytes | str, stage: Path | None = None) -> None:
    """Write ``data`` to ``target`` atomically (text is written as UTF-8)."""
    with atomic_path(target, stage) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def user_cache_dir() -> Path:
    """Dramatis's folder in the user cache (XDG_CACHE_HOME, LOCALAPPDATA on Windows, else
    ~/.cache): one place that knows the platform's rule, for clips and models alike."""
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    )
    return Path(base or Path.home() / ".cache") / "dramatis"
