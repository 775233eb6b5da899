"""espeak-ng through its command line: a second engine behind the same interface.

Useful where pyttsx3 cannot load libespeak-ng, and as proof that engines plug in.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from dramatis.errors import DramatisError
from dramatis.model import Gender, Voice
from dramatis.speech.engines.base import Engine, VoiceInfo

_GENDER: dict[str, Gender] = {"M": "male", "F": "female"}
_LINE = re.compile(r"^\s*\d+\s+(\S+)\s+\S*?/?([MF-])\s+(\S+)\s+(\S+)")


class EspeakCliEngine(Engine):
    name = "espeak-ng"

    def __init__(self) -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise DramatisError("espeak-ng is not installed; run the README's setup command")
        self._exe = exe
        self._voices: list[VoiceInfo] | None = None

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
            base = [
                VoiceInfo(id=f, name=n, languages=(lang,), gender=_GENDER.get(g, "unknown"))
                for f, n, lang, g in self._list("")
                if not f.startswith("mb/")
            ]
            variants = [(f.split("/", 1)[-1], n, g) for f, n, _, g in self._list("=variant")]
            self._voices = base + [
                VoiceInfo(f"{b.id}+{v}", f"{b.name} + {n}", b.languages, _GENDER.get(g, "unknown"))
                for b in base
                for v, n, g in variants
            ]
        return self._voices

    def synthesize(self, text: str, voice: Voice, out: Path) -> None:
        cmd = [self._exe, "-w", str(out), "--stdin"]
        if voice.id:
            cmd += ["-v", voice.id]
        if voice.rate is not None:
            cmd += ["-s", str(voice.rate)]
        if voice.pitch is not None:
            cmd += ["-p", str(voice.pitch)]
        if voice.volume is not None:
            cmd += ["-a", str(round(voice.volume * 100))]
        subprocess.run(cmd, input=text.encode(), capture_output=True, check=True, timeout=600)
