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
