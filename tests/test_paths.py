import os
from pathlib import Path

import pytest

from dramatis.paths import atomic_path, safe_filename, slugify, write_atomic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("01 - The Storm", "01 - The Storm"),
        ('01 - What? "No": a/b\\c|d*', "01 - What No a b c d"),
        ("../../etc/passwd", "etc passwd"),
        ("CON", "_CON"),
        ("trailing dots...", "trailing dots"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_caps_bytes_without_breaking_utf8() -> None:
    out = safe_filename("é" * 200)
    assert len(out.encode()) <= 120
    out.encode("utf-8")  # still valid


def test_slugify() -> None:
    assert slugify("Chapter Two: The Storm!") == "chapter-two-the-storm"
    assert slugify("Ünïcödé café") == "unicode-cafe"
    assert slugify("***") == ""


def test_atomic_path_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.mp3"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_write_atomic_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.txt"
    write_atomic(target, "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.txt"]


def test_clip_cache_is_cleared_only_when_no_build_uses_it(tmp_path: Path, capsys) -> None:
    """A build registers as a user of the cache; `cache clear` (and pruning) wait for none."""
    from dramatis.build.lock import CacheUse
    from dramatis.cli import main

    clip = tmp_path / "ab" / "abcdef.wav"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"RIFF")
    with CacheUse(tmp_path) as build_use:
        with CacheUse(tmp_path) as other, other.alone() as others:
            assert others == [os.getpid()]  # the "build" above, seen from another user
        assert main(["cache", "clear", "--cache", str(tmp_path)]) == 75
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert f"a build is using the clip cache (pid {os.getpid()})" in line
        assert clip.is_file()
        with build_use.alone() as others:
            assert others == []  # alone once the other user has gone
    assert main(["cache", "clear", "--cache", str(tmp_path)]) == 0
    assert not clip.exists()


def test_progress_bars_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from dramatis.build.orchestrate import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    assert Progress(quiet=False).enabled
    assert not Progress(quiet=True).enabled  # --quiet and --json
    with Progress(quiet=False).bar(3, "Synthesizing", "clip") as bar:
        bar.update(3)
    assert "Synthesizing" in sys.stderr.getvalue()  # a person watching sees the bar
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a log file or a pipe
    assert not Progress(quiet=False).enabled
