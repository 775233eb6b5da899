"""The default engine: pyttsx3 (espeak-ng on Linux, SAPI5 on Windows, NSSpeech on macOS).

Nothing to download and no GPU.  On Linux clips come straight from libespeak-ng through
pyttsx3's own binding, in synchronous mode (~15 ms a clip faster, no event loop, no silent
"no file" fault): see :mod:`dramatis.speech.engines.pyttsx3_adapter`, the one module that
touches pyttsx3's internals.  Other drivers are driven one clip per ``runAndWait`` (queued
``save_to_file`` calls keep only the last) into a temporary file, the only way they give
audio; their stdout chatter is swallowed here.

Pitfalls the rest of the pipeline guards against: pyttsx3 can fail silently or write a
truncated file, so every clip is verified (it exists, decodes, and lasts plausibly long for
its text) and retried; drivers keep global native state and print to stdout, so engines run
in their own worker processes (:mod:`dramatis.speech.synthesize`).
"""

from __future__ import annotations

import contextlib
import io
import platform
import tempfile
from importlib.metadata import version
from pathlib import Path

from dramatis.errors import DramatisError
from dramatis.model import Gender, Voice
from dramatis.speech.engines import pyttsx3_adapter as adapter
from dramatis.speech.engines.base import NEUTRAL_PITCH, Audio, Engine, VoiceInfo, read_audio
from dramatis.speech.engines.espeak_cli import ESPEAK_DEFAULT_WPM, espeak_voices


class Pyttsx3Engine(Engine):
    name = "pyttsx3"
    # pitch reaches only espeak-ng; SAPI5 and NSSpeech ignore it.
    settings = frozenset({"rate", "pitch", "volume"})
    #: Why not pyttsx3's reported rate: its espeak driver reports 175 or 200 at random from
    #: one start to the next (measured: 1 start in 6 said 200), so the same clip came out 14%
    #: faster or slower.  espeak-ng's own default is used instead (SAPI5's and NSSpeech's
    #: rates are also words per minute).
    natural_wpm = ESPEAK_DEFAULT_WPM
    memory_mb = 40

    def __init__(self) -> None:
        try:
            import pyttsx3
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise DramatisError(
                f"pyttsx3 is not installed ({exc}); run the README's setup"
            ) from exc
        try:
            adapter.start_espeak_synchronous()
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine = pyttsx3.init()
        except Exception as exc:
            raise DramatisError(
                f"the speech engine could not start ({exc}); install espeak-ng "
                "(Linux: 'apt-get install espeak-ng') or run the README's setup command"
            ) from exc
        self._driver_name = adapter.driver_name(self._engine)
        self._default_voice: str | None = self._engine.getProperty("voice")
        self._voices: list[VoiceInfo] | None = None

    def identity(self) -> str:
        ident = f"pyttsx3 {version('pyttsx3')} {self._driver_name}"
        if self.is_espeak:
            return f"{ident} libespeak-ng {adapter.espeak_version()}"
        return f"{ident} {platform.system()} {platform.release()}"

    @property
    def default_voice(self) -> str | None:
        return self._default_voice

    @property
    def is_espeak(self) -> bool:
        return self._driver_name == "espeak"

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            raw = self._engine.getProperty("voices")
            if self.is_espeak:
                rows = [
                    (str(v.id), str(v.name or v.id), lang, str(v.gender or "").lower())
                    for v in raw
                    for lang in [str((v.languages or ["?"])[0])]
                ]
                self._voices = espeak_voices(rows, adapter.espeak_variants())
            else:
                self._voices = [
                    VoiceInfo(
                        id=str(v.id),
                        name=str(v.name or v.id),
                        languages=tuple(str(lang) for lang in (v.languages or ())),
                        gender=_gender(v.gender),
                        family=str(v.id),
                    )
                    for v in raw
                ]
        return self._voices

    def synthesize(self, text: str, voice: Voice) -> Audio:
        rate = round(voice.rate) if voice.rate is not None else ESPEAK_DEFAULT_WPM
        volume = voice.volume if voice.volume is not None else 1.0
        if self.is_espeak:
            pitch = voice.pitch if voice.pitch is not None else NEUTRAL_PITCH
            pcm = adapter.espeak_synthesize(
                text,
                voice.id or self._default_voice or "gmw/en",
                rate=rate,
                pitch=min(99, max(0, round(pitch))),
                volume=round(volume * 100),
            )
            return Audio.from_pcm16(pcm, adapter.ESPEAK_SAMPLE_RATE)
        engine = self._engine
        engine.setProperty("voice", voice.id or self._default_voice)
        engine.setProperty("rate", rate)
        engine.setProperty("volume", volume)
        with tempfile.TemporaryDirectory(prefix="dramatis-pyttsx3-") as tmp:
            out = Path(tmp) / "clip.wav"  # AIFF on macOS despite the name; decoded either way
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, str(out))
                engine.runAndWait()
            return read_audio(out)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._engine.stop()


def _gender(value: object) -> Gender:
    g = str(value or "").lower()
    return "male" if g == "male" else "female" if g == "female" else "unknown"
