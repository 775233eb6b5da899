"""``dramatis check``: measure delivered audiobook files against ACX and podcast norms.

Every figure is measured on the file as a listener's player decodes it, never taken from
the build's own numbers: ffmpeg decodes, its ``ebur128`` filter (an independent BS.1770
implementation) gives the integrated loudness, and the decoded samples stream through this
module for true peak, RMS, noise floor, digital silence and room tone at each end.
When the story's ``dramatis.json`` is beside the file, each speaker's loudness is compared
with the narrator's, and chapter marks and credits with what the build placed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dramatis.errors import DramatisError

AUDIO_SUFFIXES = {".mp3", ".m4b", ".m4a"}
LUFS_TARGET, LUFS_TOLERANCE = -19.0, 1.0
RMS_RANGE = (-23.0, -18.0)
TRUE_PEAK_MAX = -3.0
NOISE_FLOOR_MAX = -60.0
ZERO_RUN_MAX_MS = 50
HEAD_RANGE = (0.5, 1.0)
TAIL_RANGE = (1.0, 5.0)
MAX_MINUTES = 120
VOICE_TOLERANCE = 1.0
#: A speaker with less than this much measurable speech (whole 400 ms blocks inside their
#: lines) is reported but not judged: a few words are too short for a stable loudness.
VOICE_MIN_SECONDS = 5.0
#: Sound louder than this (10 ms RMS) is speech when measuring room tone at each end.
SPEECH_DB = -50.0
KBPS = {"acx": (192, 320), "podcast": (64, 96)}


@dataclass(slots=True)
class Figure:
    """One measured property: what it is, what was found, whether it passes."""

    name: str
    value: str
    ok: bool
    rule: str = ""


@dataclass(slots=True)
class FileReport:
    path: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.figures)

    def add(self, name: str, value: str, ok: bool, rule: str = "") -> None:
        self.figures.append(Figure(name, value, bool(ok), rule))


@dataclass(slots=True)
class Measures:
    """What decoding a file yields (all levels in dB, times in seconds)."""

    rate: int
    duration: float
    lufs: float
    true_peak: float
    rms: float
    noise_floor: float
    longest_zero_ms: float
    head: float | None
    tail: float | None
    voices: dict[str, tuple[float, float]]  # speaker -> (LUFS, seconds measured)


def audio_files(path: Path) -> list[Path]:
    """The audiobook files at ``path`` (a file, or every one under a folder)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DramatisError("no such file or folder", path)
    found = sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() in AUDIO_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    if not found:
        raise DramatisError("no MP3 or M4B files here", path)
    return found


def _db(power: float) -> float:
    return 10 * math.log10(power) if power > 0 else float("-inf")


def measure(path: Path, cues: list[tuple[int, int, str]] | None = None) -> Measures:
    """Decode ``path`` once and measure it; ``cues`` are (start_ms, end_ms, speaker)."""
    from dramatis.audio.loudness import StepMeter, TruePeak, integrated

    info = ffprobe(path)
    stream = next((s for s in info.get("streams", []) if s.get("codec_type") == "audio"), None)
    if stream is None:
        raise DramatisError("no audio stream", path)
    rate = int(stream["sample_rate"])
    with tempfile.TemporaryFile() as err:
        cmd = [
            "ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-v", "info", "-i", str(path),
            "-map", "0:a:0", "-af", "ebur128=framelog=verbose",
            "-ac", "1", "-f", "f32le", "-c:a", "pcm_f32le", "-",
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        tick = max(1, rate // 100)  # 10 ms
        chunk = tick * 100
        meter = StepMeter(rate) if cues else None
        peak = TruePeak()
        ticks: list[np.ndarray] = []
        carry = np.zeros(0, dtype=np.float32)
        total, sumsq = 0, 0.0
        longest_zero, zero_run = 0, 0
        assert proc.stdout is not None
        while True:
            raw = proc.stdout.read(chunk * 4)
            if not raw:
                break
            x = np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<f4")
            total += x.size
            x64 = x.astype(np.float64)
            sumsq += float(np.dot(x64, x64))
            nz = np.flatnonzero(x != 0.0)
            if nz.size == 0:
                zero_run += x.size
            else:
                inner = int((np.diff(nz) - 1).max()) if nz.size > 1 else 0
                longest_zero = max(longest_zero, zero_run + int(nz[0]), inner)
                zero_run = x.size - 1 - int(nz[-1])
            peak.feed(x)
            if meter is not None:
                meter.feed(x)
            both = np.concatenate((carry, x))
            whole = both.size // tick * tick
            sq = both[:whole].astype(np.float64) ** 2
            ticks.append(sq.reshape(-1, tick).mean(axis=1))
            carry = both[whole:]
        proc.wait()
        err.seek(0)
        log = err.read().decode(errors="replace")
    if proc.returncode != 0 or total == 0:
        reason = (log.strip().splitlines() or ["unknown error"])[-1]
        raise DramatisError(f"ffmpeg could not decode the file: {reason}", path)
    longest_zero = max(longest_zero, zero_run)
    lufs = _summary_value(log, "I:")
    tick_power = np.concatenate(ticks) if ticks else np.zeros(0)
    # Quietest 0.5 s: the smallest mean of 50 consecutive 10 ms powers.
    if tick_power.size >= 50:
        csum = np.concatenate(([0.0], np.cumsum(tick_power)))
        floor = _db(float(((csum[50:] - csum[:-50]) / 50).min()))
    else:
        floor = _db(float(tick_power.mean())) if tick_power.size else float("-inf")
    loud = np.flatnonzero(tick_power > 10 ** (SPEECH_DB / 10))
    head = loud[0] * tick / rate if loud.size else None
    tail = (total - (loud[-1] + 1) * tick) / rate if loud.size else None
    voices: dict[str, tuple[float, float]] = {}
    if meter is not None and cues:
        by_speaker: dict[str, list[np.ndarray]] = {}
        for start_ms, end_ms, speaker in cues:
            first, last = math.ceil(start_ms / 100), math.floor(end_ms / 100)
            if last - first >= 4:
                by_speaker.setdefault(speaker, []).append(meter.block_powers(first, last))
        for speaker, powers in by_speaker.items():
            p = np.concatenate(powers)
            voices[speaker] = (integrated(p), (p.size + 3 * len(powers)) * 0.1)
    return Measures(
        rate=rate,
        duration=total / rate,
        lufs=lufs,
        true_peak=peak.db(),
        rms=_db(sumsq / total),
        noise_floor=floor,
        longest_zero_ms=longest_zero * 1000 / rate,
        head=head,
        tail=tail,
        voices=voices,
    )


def _summary_value(log: str, label: str) -> float:
    """A figure from the summary ffmpeg's ebur128 filter prints at the end."""
    summary = log[log.rfind("Summary:") :]
    m = re.search(rf"^\s*{re.escape(label)}\s*(-?[\d.]+|-inf|nan)", summary, re.MULTILINE)
    if not m:
        return float("nan")
    return float(m.group(1))


def ffprobe(path: Path) -> dict:
    try:
        out = subprocess.run(
            [
                "ffprobe", "-v", "error", "-print_format", "json",
                "-show_format", "-show_streams", "-show_chapters", str(path),
            ],
            capture_output=True, check=True, text=True,
        ).stdout  # fmt: skip
    except FileNotFoundError as exc:
        raise DramatisError("ffprobe is not installed (it comes with ffmpeg)") from exc
    except subprocess.CalledProcessError as exc:
        last = (exc.stderr.strip().splitlines() or ["unreadable"])[-1]
        raise DramatisError(f"not a readable audio file ({last})", path) from None
    return json.loads(out)


# --- the rules ----------------------------------------------------------------------------


def _manifest_entry(path: Path):
    """The manifest's record of this file, if the story's dramatis.json is beside it."""
    from dramatis.publish.manifest import MANIFEST_NAME, Manifest

    mpath = path.parent / MANIFEST_NAME
    if not mpath.is_file():
        return None, None
    with contextlib.suppress(DramatisError):
        manifest = Manifest.load(mpath)
        for i, entry in enumerate(manifest.chapters):
            if entry.file == path.name:
                return manifest, i
    return None, None


def check_file(path: Path, profile: str = "auto") -> FileReport:
    """Measure one delivered file; every figure says pass or fail."""
    path = Path(path)
    report = FileReport(str(path))
    info = ffprobe(path)
    stream: dict[str, Any] = next(
        (s for s in info.get("streams", []) if s.get("codec_type") == "audio"), {}
    )
    is_mp3 = stream.get("codec_name") == "mp3"
    manifest, index = _manifest_entry(path)
    entry = manifest.chapters[index] if manifest is not None and index is not None else None
    cues = [(c.start_ms, c.end_ms, c.speaker or "Narrator") for c in entry.cues] if entry else None

    if is_mp3:
        _check_mp3_format(path, stream, report, profile)
    else:
        _check_mp4_format(path, stream, report)

    m = measure(path, cues)
    if is_mp3:
        report.add(
            "duration",
            f"{m.duration / 60:.1f} min",
            m.duration <= MAX_MINUTES * 60,
            f"<= {MAX_MINUTES} min",
        )
    else:
        report.add("duration", f"{m.duration / 60:.1f} min", m.duration > 0, "one file per book")
    report.add(
        "loudness",
        f"{m.lufs:.1f} LUFS",
        abs(m.lufs - LUFS_TARGET) <= LUFS_TOLERANCE,
        f"{LUFS_TARGET:g} +/- {LUFS_TOLERANCE:g}",
    )
    report.add(
        "rms",
        f"{m.rms:.1f} dB",
        RMS_RANGE[0] <= m.rms <= RMS_RANGE[1],
        f"{RMS_RANGE[0]:g} to {RMS_RANGE[1]:g}",
    )
    report.add("true peak", f"{m.true_peak:.1f} dBTP", m.true_peak <= TRUE_PEAK_MAX, "<= -3")
    report.add(
        "noise floor",
        f"{m.noise_floor:.1f} dB",
        m.noise_floor <= NOISE_FLOOR_MAX,
        f"<= {NOISE_FLOOR_MAX:g} (quietest 0.5 s)",
    )
    report.add(
        "digital silence",
        f"longest {m.longest_zero_ms:.0f} ms",
        m.longest_zero_ms < ZERO_RUN_MAX_MS,
        f"< {ZERO_RUN_MAX_MS} ms of zeros",
    )
    report.add(
        "head room tone",
        "no speech" if m.head is None else f"{m.head:.2f} s",
        m.head is not None and HEAD_RANGE[0] <= m.head <= HEAD_RANGE[1],
        f"{HEAD_RANGE[0]:g}-{HEAD_RANGE[1]:g} s",
    )
    report.add(
        "tail room tone",
        "no speech" if m.tail is None else f"{m.tail:.2f} s",
        m.tail is not None and TAIL_RANGE[0] <= m.tail <= TAIL_RANGE[1],
        f"{TAIL_RANGE[0]:g}-{TAIL_RANGE[1]:g} s",
    )
    if m.voices:
        _check_voices(m.voices, report)
    if is_mp3:
        _check_id3(path, report)
    else:
        _check_mp4_tags(path, report)
    _check_chapters(info, m.duration, entry, report)
    if manifest is not None and index is not None:
        _check_credits(manifest, index, report)
    return report


def _check_mp3_format(path: Path, stream: dict, report: FileReport, profile: str) -> None:
    from mutagen.mp3 import MP3, BitrateMode

    # mutagen's hints declare FileType.info as None and leave MPEGInfo's fields undeclared
    info: Any = MP3(path).info
    kbps = round(info.bitrate / 1000)
    cbr = info.bitrate_mode == BitrateMode.CBR
    if profile == "auto":
        profile = "podcast" if kbps <= KBPS["podcast"][1] else "acx"
    lo, hi = KBPS[profile]
    ok = info.channels == 1 and info.sample_rate == 44100 and cbr and lo <= kbps <= hi
    report.add(
        "format",
        f"MP3 {'mono' if info.channels == 1 else f'{info.channels} ch'} {info.sample_rate} Hz "
        f"{'CBR' if cbr else 'VBR/ABR'} {kbps} kb/s",
        ok,
        f"mono 44100 Hz CBR {lo}-{hi} kb/s ({profile})",
    )


def _check_mp4_format(path: Path, stream: dict, report: FileReport) -> None:
    channels = int(stream.get("channels", 0))
    rate = int(stream.get("sample_rate", 0))
    kbps = round(int(stream.get("bit_rate", 0) or 0) / 1000)
    ok = stream.get("codec_name") == "aac" and channels == 1 and rate == 44100
    report.add(
        "format",
        f"{str(stream.get('codec_name', '?')).upper()} {'mono' if channels == 1 else f'{channels} ch'} "
        f"{rate} Hz {kbps} kb/s",
        ok,
        "AAC mono 44100 Hz",
    )


def _check_voices(voices: dict[str, tuple[float, float]], report: FileReport) -> None:
    narrator = voices.get("Narrator")
    judged = {s: v for s, v in voices.items() if v[1] >= VOICE_MIN_SECONDS}
    if narrator is None or narrator[1] < VOICE_MIN_SECONDS:
        ref_name, ref = max(judged.items(), key=lambda kv: kv[1][1], default=(None, None))
    else:
        ref_name, ref = "Narrator", narrator
    parts, ok = [], True
    for speaker, (lufs, seconds) in sorted(voices.items(), key=lambda kv: -kv[1][1]):
        if ref is None or speaker not in judged:
            parts.append(f"{speaker} {lufs:.1f} ({seconds:.0f} s, not judged)")
            continue
        diff = lufs - ref[0]
        ok = ok and abs(diff) <= VOICE_TOLERANCE
        parts.append(f"{speaker} {lufs:.1f}" + ("" if speaker == ref_name else f" ({diff:+.1f})"))
    rule = (
        f"each within {VOICE_TOLERANCE:g} LU of {ref_name}"
        if ref_name
        else f"nobody has {VOICE_MIN_SECONDS:g} s of speech to compare"
    )
    report.add("voices", "; ".join(parts), ok, rule)


def _check_id3(path: Path, report: FileReport) -> None:
    from mutagen import MutagenError
    from mutagen.id3 import ID3

    try:
        id3 = ID3(path)
    except MutagenError:
        report.add("tags", "no ID3 tag", False, "ID3v2.3")
        report.add("cover", "none", False, "embedded picture")
        return
    needed = {"TIT2": "title", "TALB": "album", "TPE1": "artist", "TRCK": "track", "TCON": "genre"}
    missing = [name for frame, name in needed.items() if not id3.getall(frame)]
    version = f"ID3v2.{id3.version[1]}"
    report.add(
        "tags",
        version
        + (f", missing {', '.join(missing)}" if missing else ", " + ", ".join(needed.values())),
        id3.version[:2] == (2, 3) and not missing,
        "ID3v2.3 with title, album, artist, track, genre",
    )
    pics = id3.getall("APIC")
    _cover_figure(pics[0].data if pics else None, report)


def _check_mp4_tags(path: Path, report: FileReport) -> None:
    from mutagen.mp4 import MP4, MP4Tags

    tags: MP4Tags | dict[str, list[Any]] = MP4(path).tags or {}
    stik = tags.get("stik", [None])[0]
    missing = [n for k, n in (("\xa9nam", "title"), ("\xa9ART", "artist")) if k not in tags]
    report.add(
        "tags",
        f"media kind {stik}" + (f", missing {', '.join(missing)}" if missing else ""),
        stik == 2 and not missing,
        "media kind audiobook (stik 2), title, artist",
    )
    covers = tags.get("covr", [])
    _cover_figure(bytes(covers[0]) if covers else None, report)


def _cover_figure(data: bytes | None, report: FileReport) -> None:
    if not data:
        report.add("cover", "none", False, "embedded picture")
        return
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as img:
            w, h = img.size
            kind = img.format
    except (UnidentifiedImageError, OSError):
        report.add("cover", "unreadable picture", False, "embedded picture")
        return
    report.add("cover", f"{w}x{h} {kind}", True, "embedded picture")


def _check_chapters(info: dict, duration: float, entry, report: FileReport) -> None:
    """Chapter marks as players list them: in time order, inside the file, as planned."""
    chapters = info.get("chapters", [])
    starts = [round(float(c["start_time"]) * 1000) for c in chapters]
    expected = [m.start_ms for m in entry.marks] if entry is not None else None
    if not chapters:
        ok = expected is None or len(expected) <= 1
        report.add("chapters", "none", ok, "marks for every scene")
        return
    ordered = all(a < b for a, b in itertools.pairwise(starts)) and starts[0] == 0
    inside = float(chapters[-1]["end_time"]) <= duration + 0.5
    matches = expected is None or starts == expected
    titles = [c.get("tags", {}).get("title", "") for c in chapters]
    report.add(
        "chapters",
        f"{len(chapters)} marks" + ("" if ordered else ", out of order")
        + ("" if matches else f", expected {len(expected or [])} at the planned times"),
        ordered and inside and matches and all(titles),
        "titled, in time order, as planned",
    )  # fmt: skip


def _check_credits(manifest, index: int, report: FileReport) -> None:
    """Opening credits at the start of the first file, "The End" at the end of the last."""
    entry = manifest.chapters[index]
    if not entry.cues:
        return
    if index == 0:
        first = entry.cues[0].text
        ok = manifest.title.lower() in first.lower() or "read by" in first.lower()
        report.add("opening credits", repr(first[:60]), ok, "title, author, reader first")
    if index == len(manifest.chapters) - 1:
        last = entry.cues[-1].text.strip()
        report.add(
            "closing credits",
            repr(last[-40:]),
            last.lower().startswith("the end"),
            '"The End" last',
        )


def check_paths(paths: list[Path], profile: str = "auto") -> list[FileReport]:
    files = [f for p in paths for f in audio_files(p)]
    return [check_file(f, profile) for f in files]


def render(reports: list[FileReport]) -> str:
    lines = []
    for r in reports:
        lines.append(r.path)
        for f in r.figures:
            lines.append(f"  {'pass' if f.ok else 'FAIL'}  {f.name:<16} {f.value}  [{f.rule}]")
    failed = sum(not r.ok for r in reports)
    lines.append(f"{len(reports)} file(s) checked, {failed} failed")
    return "\n".join(lines)


def to_json(reports: list[FileReport]) -> dict:
    return {
        "files": [
            {"path": r.path, "ok": r.ok, "figures": [asdict(f) for f in r.figures]} for r in reports
        ],
        "ok": all(r.ok for r in reports),
    }
