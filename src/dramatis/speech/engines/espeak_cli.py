"""espeak-ng through its command line: a second engine behind the same interface.

Useful where pyttsx3 cannot load libespeak-ng, and as proof that engines plug in.  Audio comes
back on the pipe (``--stdout``), never through a file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence

from dramatis.errors import DramatisError
from dramatis.model import Gender, Voice
from dramatis.speech.engines.base import Audio, Engine, VoiceInfo

#: espeak-ng's gender codes: letters on its command line, numbers or words through the library.
_GENDER: dict[object, Gender] = {
    "M": "male",
    "F": "female",
    "male": "male",
    "female": "female",
    1: "male",
    2: "female",
}
_LINE = re.compile(r"^\s*\d+\s+(\S+)\s+\S*?/?([MF-])\s+(\S+)\s+(\S+)")
#: espeak-ng's own speed when none is given (its ``-s`` is in words per minute).
ESPEAK_DEFAULT_WPM = 175


def parse_wav_stream(data: bytes) -> Audio:
    """16-bit mono WAV as espeak-ng streams it: its RIFF sizes are placeholders, so the
    chunks are walked by hand and the data chunk runs to the end of the stream."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("espeak-ng did not return WAV audio")
    pos, rate = 12, 0
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if cid == b"fmt ":
            channels = int.from_bytes(data[pos + 10 : pos + 12], "little")
            rate = int.from_bytes(data[pos + 12 : pos + 16], "little")
            bits = int.from_bytes(data[pos + 22 : pos + 24], "little")
            if (channels, bits) != (1, 16):
                raise ValueError(f"unexpected espeak-ng audio: {channels} ch, {bits} bit")
        elif cid == b"data":
            return Audio.from_pcm16(data[pos + 8 :], rate)
        pos += 8 + size
    raise ValueError("espeak-ng returned no audio data")


def espeak_voices(
    rows: Sequence[tuple[str, str, str, object]], variants: Sequence[tuple[str, str, object]]
) -> list[VoiceInfo]:
    """Base voices (file id, name, language, gender) and every base + variant combination.

    The family is the variant (``f3``; ``base`` for a voice without one): the variant sets
    the timbre, so gmw/en+f3 and gmw/en-us+f3 sound like one person with two accents, while
    gmw/en-us+f3 and gmw/en-us+m1 sound like two people.  The accent is the base voice's
    language (``en-us``, ``en-gb-x-rp``...).
    """
    base = [
        VoiceInfo(
            id=f,
            name=n,
            languages=(lang,),
            gender=_GENDER.get(g, "unknown"),
            accent=lang.lower(),
            family="base",
        )
        for f, n, lang, g in rows
    ]
    return base + [
        VoiceInfo(
            f"{b.id}+{v}",
            f"{b.name} + {n}",
            b.languages,
            _GENDER.get(g, "unknown"),
            accent=b.accent,
            family=v.casefold(),
        )
        for b in base
        if not b.id.startswith("mb/")  # mbrola voices need extra data files
        for v, n, g in variants
    ]


class EspeakCliEngine(Engine):
    name = "espeak-ng"
    settings = frozenset({"rate", "pitch", "volume"})
    natural_wpm = ESPEAK_DEFAULT_WPM
    memory_mb = 30

    def __init__(self) -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise DramatisError("espeak-ng is not installed; run the README's setup command")
        self._exe = exe
        self._voices: list[VoiceInfo] | None = None
        self._identity: str | None = None

    @property
    def default_voice(self) -> str | None:
        return "gmw/en"  # what espeak-ng speaks with when given no voice ("en")

    def identity(self) -> str:
        if self._identity is None:
            out = subprocess.run(
                [self._exe, "--version"], capture_output=True, text=True, check=True
            ).stdout
            m = re.search(r"text-to-speech:\s*(\S+)", out)
            self._identity = f"espeak-ng {m.group(1) if m else out.strip()}"
        return self._identity

    def _list(self, arg: str) -> list[tuple[str, str, str, str]]:
        out = subprocess.run(
            [self._exe, f"--voices{arg}"], capture_output=True, text=True, check=True
        ).stdout
        rows = []
        for line in out.splitlines()[1:]:
            m = _LINE.match(line)
            if m:
                rows.append((m.group(4), m.group(3).replace("_", " "), m.group(1), m.group(2)))
        return rows

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            variants = [(f.split("/", 1)[-1], n, g) for f, n, _, g in self._list("=variant")]
            rows = [r for r in self._list("") if not r[0].startswith("mb/")]
            self._voices = espeak_voices(rows, variants)
        return self._voices

    def synthesize(self, text: str, voice: Voice) -> Audio:
        cmd = [self._exe, "--stdout", "--stdin"]
        if voice.id:
            cmd += ["-v", voice.id]
        if voice.rate is not None:
            cmd += ["-s", str(round(voice.rate))]
        if voice.pitch is not None:
            cmd += ["-p", str(min(99, max(0, round(voice.pitch))))]
        if voice.volume is not None:
            cmd += ["-a", str(round(voice.volume * 100))]
        done = subprocess.run(
            cmd, input=text.encode(), capture_output=True, check=True, timeout=600
        )
        return parse_wav_stream(done.stdout)
