"""Assembly, judged on the decoded MP3: levels, peaks, room tone and pauses."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from audiokit import LOUD, NARRATOR, decode, script, silent_runs
from conftest import FFMPEG
from dramatis.audio.assemble import assemble_chapter, estimate_ms, split_parts
from dramatis.audio.check import check_file, measure
from dramatis.audio.dsp import limit
from dramatis.audio.encode import PROFILES
from dramatis.audio.render import PAUSE_MS, Placed
from dramatis.errors import DramatisError
from dramatis.model import Voice
from dramatis.speech.plan import Line
from dramatis.speech.synthesize import ClipCache

pytestmark = pytest.mark.needs(*FFMPEG)

# Narration and a much louder character, with every kind of pause once, in order.
SPEC = [
    (NARRATOR, "none", 3.0),
    (NARRATOR, "sentence", 2.5),
    (NARRATOR, "paragraph", 3.0),
    (LOUD, "speaker", 2.5),
    (LOUD, "sentence", 2.0),
    (NARRATOR, "speaker", 3.0),
    (NARRATOR, "scene", 3.0),
    (LOUD, "speaker", 2.5),
    (NARRATOR, "speaker", 2.0),
]


@pytest.fixture(scope="module")
def chapter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Placed]]:
    root = tmp_path_factory.mktemp("assemble")
    cache = ClipCache(root / "cache")
    lines, keys = script(cache, SPEC)
    out = root / "chapter.mp3"
    audio = assemble_chapter(lines, keys, cache, out, narrator_voice=repr(NARRATOR))
    return out, audio.placed


def _cues(placed: list[Placed]) -> list[tuple[int, int, str]]:
    return [(p.start_ms, p.end_ms, p.line.speaker or "Narrator") for p in placed]


def test_levels_meet_acx(chapter: tuple[Path, list[Placed]]) -> None:
    path, placed = chapter
    m = measure(path, _cues(placed))
    assert -20.0 <= m.lufs <= -18.0
    assert m.true_peak <= -3.0
    assert -23.0 <= m.rms <= -18.0
    # The voices were recorded 13 dB apart; levelled as wholes they meet within 1 LU.
    assert abs(m.voices["Loud"][0] - m.voices["Narrator"][0]) <= 1.0


def test_room_tone_not_digital_silence(chapter: tuple[Path, list[Placed]]) -> None:
    path, _ = chapter
    m = measure(path)
    assert m.noise_floor <= -60.0
    assert m.noise_floor > -80.0  # a bed is there, not nothing
    assert m.longest_zero_ms < 50
    assert m.head is not None and 0.5 <= m.head <= 1.0
    assert m.tail is not None and 1.0 <= m.tail <= 5.0


def test_pauses_grow_with_the_break(chapter: tuple[Path, list[Placed]]) -> None:
    path, _ = chapter
    x = decode(path)
    runs = silent_runs(x)
    # First and last runs are head and tail; between them, one pause per line after the first.
    gaps = [round(e - s, 2) for s, e in runs[1:-1]]
    assert len(gaps) == len(SPEC) - 1
    by_kind: dict[str, list[float]] = {}
    for (_v, kind, _s), gap in zip(SPEC[1:], gaps, strict=True):
        by_kind.setdefault(kind, []).append(gap)
    order = ["sentence", "paragraph", "speaker", "scene"]
    longest = [max(by_kind[k]) for k in order]
    shortest = [min(by_kind[k]) for k in order]
    assert all(a < b for a, b in zip(longest, shortest[1:], strict=False)), by_kind
    for kind, gap in zip(order, shortest, strict=True):  # near the planned length
        assert abs(gap - PAUSE_MS[kind] / 1000) < 0.15, (kind, gap)


def test_clips_land_where_placed(chapter: tuple[Path, list[Placed]]) -> None:
    """Cue times (used for transcripts and chapter marks) match the audio."""
    path, placed = chapter
    runs = silent_runs(decode(path))
    starts = [e for _s, e in runs[:-1]]  # speech begins where each quiet run ends
    assert len(starts) == len(placed)
    for p, t in zip(placed, starts, strict=True):
        assert abs(p.start_ms / 1000 - t) < 0.06


def test_podcast_profile_is_lighter_and_still_in_range(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "cache")
    lines, keys = script(cache, SPEC[:5])
    out = tmp_path / "p.mp3"
    assemble_chapter(lines, keys, cache, out, profile=PROFILES["podcast"])
    m = measure(out)
    assert -20.0 <= m.lufs <= -18.0 and m.true_peak <= -3.0
    assert m.longest_zero_ms < 50 and m.noise_floor <= -60.0
    from mutagen.mp3 import MP3

    assert 64_000 <= MP3(out).info.bitrate <= 96_000
    fmt = next(f for f in check_file(out).figures if f.name == "format")
    assert fmt.ok and "(podcast)" in fmt.rule, fmt


def test_limiter_holds_the_ceiling_and_leaves_the_rest() -> None:
    rng = np.random.default_rng(1)
    y = (rng.standard_normal(22050) * 0.05).astype(np.float32)
    y[5000] = 0.9
    y[15000:15020] = -0.8
    before = y.copy()
    out = limit(y, 0.5, 22050)
    assert np.abs(out).max() <= 0.5
    far = np.r_[0:4000, 7000:13500, 17000:22050]
    assert np.array_equal(out[far], before[far])


def test_limiter_sees_peaks_between_samples_across_its_steps() -> None:
    """A long clip is scanned in steps of CHUNK samples; a peak between two samples that
    straddle a step's edge (each sample under the ceiling, the waveform between them over
    it) is still caught, and so is one in the clip's last samples."""
    from dramatis.audio.dsp import CHUNK

    y = (np.random.default_rng(2).standard_normal(3 * CHUNK + 5) * 0.01).astype(np.float32)
    peaks = []
    for i in (CHUNK - 1, 2 * CHUNK, y.size - 3):  # the last pair with a sample either side
        y[i] = y[i + 1] = 0.48  # between them the signal reaches ~0.54
        peaks += [i, i + 1]
    out = limit(y.copy(), 0.5, 22050)
    assert (np.abs(out[peaks]) < 0.46).all(), out[peaks]
    far = np.r_[500 : CHUNK - 500, CHUNK + 500 : 2 * CHUNK - 500]
    assert np.array_equal(out[far], y[far])


def test_running_min_and_mean_match_brute_force() -> None:
    from dramatis.audio.dsp import running_mean, running_min

    rng = np.random.default_rng(2)
    for n, r in [(1, 3), (5, 2), (37, 20), (500, 11)]:
        x = rng.random(n).astype(np.float32)
        padded = np.concatenate((np.full(r, x[0]), x, np.full(r, x[-1])))
        windows = [padded[i : i + 2 * r + 1] for i in range(n)]
        assert np.array_equal(running_min(x, r), [w.min() for w in windows])
        assert np.allclose(running_mean(x, r), [w.mean() for w in windows], atol=1e-6)


def test_missing_clip_is_a_clear_error(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "cache")
    lines = [Line(0, 0, None, "hello", Voice())]
    with pytest.raises(DramatisError, match="missing from the cache"):
        assemble_chapter(lines, ["nosuchkey"], cache, tmp_path / "x.mp3")
    assert not (tmp_path / "x.mp3").exists()


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dramatis.audio.assemble

    monkeypatch.setattr(dramatis.audio.assemble, "MAX_FILE_MS", 5000)
    cache = ClipCache(tmp_path / "cache")
    lines, keys = script(cache, SPEC[:3])
    with pytest.raises(DramatisError, match="limit for one file"):
        assemble_chapter(lines, keys, cache, tmp_path / "long.mp3")
    assert not (tmp_path / "long.mp3").exists()


def _long_chapter(n: int, scene_every: int = 15) -> list[Line]:
    # 30 s lines (510 characters at 17 a second); a scene break every few lines.
    return [
        Line(
            0, 0, None, "x" * 510, Voice(rate=175), "scene" if i % scene_every == 0 else "paragraph"
        )
        for i in range(n)
    ]


def test_split_parts_keeps_parts_under_the_limit_at_scene_breaks() -> None:
    lines = _long_chapter(60)  # ~31 minutes, scenes every ~7.7 minutes
    limit_ms = 10 * 60_000
    parts = split_parts(lines, limit_ms)
    assert len(parts) == 4
    assert parts[0][0] == 0 and parts[-1][1] == len(lines)
    assert all(a < b for a, b in parts)
    assert all(b == a2 for (_a, b), (a2, _b) in itertools.pairwise(parts))
    for a, b in parts:
        assert estimate_ms(lines[a:b]) <= limit_ms
    for _a, b in parts[:-1]:
        assert lines[b].pause_before == "scene"


def test_split_parts_without_good_breaks_still_fits() -> None:
    lines = _long_chapter(50, scene_every=1000)
    parts = split_parts(lines, 7 * 60_000)
    assert parts[0][0] == 0 and parts[-1][1] == 50
    for a, b in parts:
        assert estimate_ms(lines[a:b]) <= 7 * 60_000


def test_short_chapter_is_one_part() -> None:
    assert split_parts(_long_chapter(5)) == [(0, 5)]
