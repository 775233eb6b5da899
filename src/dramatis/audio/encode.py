"""Delivery profiles and the ffmpeg processes that encode a chapter."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dramatis.audio.dsp import CHUNK
from dramatis.errors import DramatisError


@dataclass(frozen=True, slots=True)
class Profile:
    """Delivery settings: ``acx`` (the default) meets Audible's; ``podcast`` is lighter."""

    name: str
    bitrate: str  # MP3, constant bit rate
    kbps: tuple[int, int]  # what ``dramatis check`` accepts
    aac_bitrate: str = "128k"  # M4B
    sample_rate: int = 44100
    lufs: float = -19.0
    true_peak: float = -3.0
    room_tone_db: float = -67.0  # RMS of the room-tone bed, dBFS
    #: LAME's algorithm quality (0 best .. 9 fastest).  Measured here on a seed chapter at
    #: 192 kb/s mono: 7 and 5 give the same signal-to-noise ratio (46.4 and 46.3 dB), level
    #: and true peak, and 7 needs 21% less CPU; with the low-pass at the engine's Nyquist
    #: frequency it encodes 1.7x faster than ffmpeg's default (LAME's 3).  The podcast
    #: profile's lower bit rate keeps 5, where LAME's finer noise shaping earns its keep.
    lame_quality: int = 7
    #: Measured here: LAME's output reads this much quieter than its input (a 1 kHz tone
    #: and speech alike: 0.3 LU at 192 kb/s, 0.5 LU at 64-80 kb/s); we aim that much higher.
    codec_loss_db: float = 0.3
    #: Head-room below the true-peak limit for what resampling and the coder add (0.8 dB
    #: let a chapter of Alice, bright high variants, reach -2.4 dBTP; 2 dB holds on the dev novels).
    peak_margin_db: float = 2.0


PROFILES = {
    "acx": Profile("acx", "192k", (192, 320)),
    # Podcast norms for mono speech (AES TD1004: -19 LUFS mono) are ACX's levels too.
    "podcast": Profile(
        "podcast",
        "80k",
        (64, 96),
        aac_bitrate="64k",
        lame_quality=5,
        codec_loss_db=0.5,
        peak_margin_db=2.2,
    ),
}


class Encoder:
    """An ffmpeg process reading 16-bit mono PCM on stdin and writing ``out``.

    Streaming into a pipe keeps memory flat and lets the encoder run on the other core
    while Python prepares the next clips.
    """

    def __init__(self, out: Path, rate: int, output_args: list[str]) -> None:
        self.out = out
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()/abort()
        cmd = [
            "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
            *output_args, str(out),
        ]  # fmt: skip
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=self._err)
        except FileNotFoundError as exc:
            self._err.close()
            raise DramatisError(
                "ffmpeg is not installed; run the README's setup command (or install ffmpeg)"
            ) from exc
        self.samples = 0

    def write(self, y: np.ndarray) -> None:
        try:
            for a in range(0, y.size, CHUNK):  # a long clip converts in steps
                part = y[a : a + CHUNK] * np.float32(32768.0)
                np.clip(part, -32768, 32767, out=part)
                self._proc.stdin.write(part.astype("<i2").data)  # type: ignore[union-attr]
        except BrokenPipeError:
            self.close()  # raises with ffmpeg's message
            raise
        self.samples += y.size

    def close(self) -> None:
        """Finish the file; raise :class:`DramatisError` with ffmpeg's reason on failure."""
        if self._proc.stdin and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        code = self._proc.wait()
        self._err.seek(0)
        err = self._err.read().decode(errors="replace").strip().splitlines()
        self._err.close()
        if code != 0:
            raise DramatisError(
                f"ffmpeg could not encode {self.out.name}: {(err or ['unknown error'])[-1]}"
            )

    def abort(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if not self._err.closed:
            self._err.close()


def mp3_args(profile: Profile, source_rate: int | None = None) -> list[str]:
    """Resample (SoX's resampler, fast and clean) and encode constant-bit-rate mono MP3.

    With the source's rate known, LAME's low-pass sits at the source's Nyquist frequency:
    nothing above it exists, and not analysing the empty band makes LAME ~15% faster.
    """
    cutoff = ["-cutoff", str(min(source_rate // 2, 20000))] if source_rate else []
    return [
        "-af", f"aresample={profile.sample_rate}:resampler=soxr",
        "-ac", "1", "-ar", str(profile.sample_rate),
        "-c:a", "libmp3lame", "-b:a", profile.bitrate,
        "-compression_level", str(profile.lame_quality), *cutoff,
        # Every frame self-contained, so pieces of a chapter join (dramatis.formats.mp3frames);
        # measured here at 192 kb/s mono: the same signal-to-noise ratio and CPU time.
        "-reservoir", "0",
        "-write_xing", "1",  # exact length and encoder delay for players and CHAP times
        "-id3v2_version", "0", "-write_id3v1", "0",  # tags come from dramatis.formats.tag
        "-f", "mp3",
    ]  # fmt: skip


def encode_mp3(wav: Path, out: Path, profile: Profile) -> None:
    """Encode a WAV file as it is (a voice preview, say) with the profile's MP3 settings."""
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav)]
    try:
        subprocess.run([*cmd, *mp3_args(profile), str(out)], check=True, capture_output=True)
    except FileNotFoundError as exc:
        raise DramatisError(
            "ffmpeg is not installed; run the README's setup command (or install ffmpeg)"
        ) from exc
    except subprocess.CalledProcessError as exc:
        msg = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
        raise DramatisError(f"ffmpeg could not encode {out.name}: {msg[0]}") from None
