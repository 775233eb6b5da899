"""The default engine: pyttsx3 (espeak-ng on Linux, SAPI5 on Windows, NSSpeech on macOS).

Nothing to download and no GPU. pyttsx3 is driven one clip per ``runAndWait`` because queued
``save_to_file`` calls keep only the last; its stdout chatter is swallowed here; its silent
"no file written" failures are caught by the caller's verification and retried.

With the espeak driver (Linux) clips go straight through pyttsx3's own libespeak-ng binding
(``pyttsx3.drivers._espeak``) instead of its event loop: the loop sleeps 10 ms per clip,
grows its audio buffer by bytes concatenation (quadratic in clip length) and is where the
"no file" fault lives.  libespeak-ng is also started in synchronous mode rather than
pyttsx3's asynchronous retrieval mode, whose thread hand-off costs ~15 ms per clip (measured:
"Hi." took 17 ms, now 0.6 ms).  Same library, same voices and settings.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path
from typing import Any

from dramatis.errors import DramatisError
from dramatis.model import Gender, Voice
from dramatis.speech.engines.base import Engine, VoiceInfo

_ESPEAK_RATE = 22050  # libespeak-ng's output rate (pyttsx3 assumes the same)
#: Words per minute when a voice sets no rate: espeak-ng's own default.  Why not pyttsx3's
#: reported rate: its espeak driver reports 175 or 200 at random from one start to the next
#: (measured: 1 start in 6 said 200), so the same clip came out 14% faster or slower.
ESPEAK_DEFAULT_WPM = 175
_GENDERS: dict[Any, Gender] = {"male": "male", "female": "female", 1: "male", 2: "female"}


_SYNCHRONOUS = False  # True once libespeak-ng runs in synchronous mode in this process


def _espeak_synchronous() -> None:
    """On Linux, start libespeak-ng in synchronous mode before pyttsx3 starts it its way.

    libespeak-ng can be initialised once per process; pyttsx3 skips its own initialisation
    when told it was done.  Elsewhere (SAPI5, NSSpeech) this does nothing.
    """
    if sys.platform in ("win32", "darwin"):
        return
    try:
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver
    except (ImportError, OSError):  # no libespeak-ng: pyttsx3 will say so itself
        return
    if EspeakDriver._moduleInitialized:
        return
    global _SYNCHRONOUS
    if _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0) == -1:
        return
    _SYNCHRONOUS = True
    current = _espeak.GetCurrentVoice()
    if current and current.contents.name:
        EspeakDriver._defaultVoice = current.contents.name.decode("utf-8")
    else:
        EspeakDriver._defaultVoice = "gmw/en"
    EspeakDriver._moduleInitialized = True


class Pyttsx3Engine(Engine):
    name = "pyttsx3"

    def __init__(self) -> None:
        try:
            import pyttsx3
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise DramatisError(
                f"pyttsx3 is not installed ({exc}); run the README's setup"
            ) from exc
        try:
            _espeak_synchronous()
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine = pyttsx3.init()
        except Exception as exc:
            raise DramatisError(
                f"the speech engine could not start ({exc}); install espeak-ng "
                "(Linux: 'apt-get install espeak-ng') or run the README's setup command"
            ) from exc
        self._driver_name = type(self._engine.proxy._driver).__module__.rsplit(".", 1)[-1]
        self._default_voice: str | None = self._engine.getProperty("voice")
        self._defaults = {
            "rate": self._engine.getProperty("rate"),
            "volume": self._engine.getProperty("volume"),
        }
        self._voices: list[VoiceInfo] | None = None

    @property
    def default_voice(self) -> str | None:
        return self._default_voice

    @property
    def is_espeak(self) -> bool:
        return self._driver_name == "espeak"

    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            base = [
                VoiceInfo(
                    id=str(v.id),
                    name=str(v.name or v.id),
                    languages=tuple(str(lang) for lang in (v.languages or ())),
                    gender=_GENDERS.get(str(v.gender or "").lower(), "unknown"),
                )
                for v in self._engine.getProperty("voices")
            ]
            self._voices = base + (self._espeak_variants(base) if self.is_espeak else [])
        return self._voices

    @staticmethod
    def _espeak_variants(base: list[VoiceInfo]) -> list[VoiceInfo]:
        """espeak-ng voices combine with variants (``gmw/en+f3``): many distinct voices."""
        import ctypes

        from pyttsx3.drivers import _espeak

        spec = _espeak.VOICE()
        spec.languages = b"variant"
        variants = [
            (
                v.identifier.decode().split("/", 1)[-1],
                v.name.decode(),
                _GENDERS.get(v.gender, "unknown"),
            )
            for v in _espeak.ListVoices(ctypes.pointer(spec))
        ]
        return [
            VoiceInfo(
                id=f"{b.id}+{vid}", name=f"{b.name} + {vname}", languages=b.languages, gender=g
            )
            for b in base
            if not b.id.startswith("mb/")  # mbrola voices need extra data files
            for vid, vname, g in variants
        ]

    def synthesize(self, text: str, voice: Voice, out: Path) -> None:
        if self.is_espeak:
            self._synthesize_espeak(text, voice, out)
            return
        engine = self._engine
        engine.setProperty("voice", voice.id or self._default_voice)
        engine.setProperty("rate", voice.rate if voice.rate is not None else self._defaults["rate"])
        engine.setProperty(
            "volume", voice.volume if voice.volume is not None else self._defaults["volume"]
        )
        if self.is_espeak:
            engine.setProperty("pitch", voice.pitch if voice.pitch is not None else 50)
        with contextlib.redirect_stdout(io.StringIO()):
            engine.save_to_file(text, str(out))
            engine.runAndWait()

    def _synthesize_espeak(self, text: str, voice: Voice, out: Path) -> None:
        import ctypes
        import threading
        import wave

        from pyttsx3.drivers import _espeak

        chunks: list[bytes] = []
        finished = threading.Event()

        def collect(wav, numsamples, events) -> int:
            # Runs inside Synth (synchronous mode), or on espeak-ng's thread if pyttsx3
            # started it asynchronously: the end-of-message event covers both.
            if numsamples > 0:
                chunks.append(ctypes.string_at(wav, numsamples * 2))
            i = 0
            while events[i].type != _espeak.EVENT_LIST_TERMINATED:
                if events[i].type == _espeak.EVENT_MSG_TERMINATED:
                    finished.set()
                i += 1
            return 0

        _espeak.SetSynthCallback(collect)
        voice_id = voice.id or self._default_voice or "gmw/en"
        if _espeak.SetVoiceByName(voice_id.encode("utf-8")) != 0:
            raise ValueError(f"espeak-ng has no voice {voice_id!r}")
        _espeak.SetParameter(_espeak.RATE, int(voice.rate or ESPEAK_DEFAULT_WPM), 0)
        volume = voice.volume if voice.volume is not None else self._defaults["volume"]
        _espeak.SetParameter(_espeak.VOLUME, round(volume * 100), 0)
        _espeak.SetParameter(_espeak.PITCH, int(voice.pitch if voice.pitch is not None else 50), 0)
        _espeak.Synth(text.encode("utf-8"), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8)
        if not _SYNCHRONOUS and not (_espeak.Synchronize() == 0 and finished.wait(timeout=120)):
            raise TimeoutError("espeak-ng did not finish the clip")
        with wave.open(str(out), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(_ESPEAK_RATE)
            w.writeframes(b"".join(chunks))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._engine.stop()
