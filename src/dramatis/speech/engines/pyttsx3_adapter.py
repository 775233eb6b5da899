"""Everything Dramatis needs of pyttsx3's internals, in one place, for the versions in
:data:`TESTED_VERSIONS` (pyproject pins the same range; ``tests/test_engines.py`` fails
loudly, naming what moved, when an upgrade changes any of it).

Why reach inside pyttsx3 at all (measured on Linux, where pyttsx3 drives libespeak-ng):

* Clips go straight through pyttsx3's own libespeak-ng binding (``pyttsx3.drivers._espeak``)
  instead of its event loop: the loop sleeps 10 ms per clip, grows its audio buffer by bytes
  concatenation (quadratic in clip length) and is where its silent "no file written" fault
  lives.
* libespeak-ng is started in synchronous mode rather than pyttsx3's asynchronous retrieval
  mode, whose thread hand-off costs ~15 ms per clip ("Hi." took 17 ms, now 0.6 ms).  The
  library can be initialised once per process, so pyttsx3 is told (``_moduleInitialized``)
  that it was done.
* pyttsx3 does not say which driver it picked except through ``proxy._driver``.

Same library, same voices and settings as pyttsx3's own path.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any

#: pyttsx3 releases whose internals below were checked (keep in step with pyproject.toml).
TESTED_VERSIONS = ("2.98", "2.99")
#: libespeak-ng's output rate (pyttsx3 assumes the same).
ESPEAK_SAMPLE_RATE = 22050

#: What of ``pyttsx3.drivers._espeak`` is used.
_ESPEAK_NAMES = (
    "Initialize",
    "AUDIO_OUTPUT_SYNCHRONOUS",
    "GetCurrentVoice",
    "SetSynthCallback",
    "SetVoiceByName",
    "SetParameter",
    "RATE",
    "VOLUME",
    "PITCH",
    "Synth",
    "ENDPAUSE",
    "CHARS_UTF8",
    "Synchronize",
    "EVENT_LIST_TERMINATED",
    "EVENT_MSG_TERMINATED",
    "VOICE",
    "ListVoices",
    "Info",
)
#: What of ``pyttsx3.drivers.espeak.EspeakDriver`` is used.
_DRIVER_NAMES = ("_moduleInitialized", "_defaultVoice")

# libespeak-ng is process-wide native state; this mirrors one fact about it: whether this
# process initialised it in synchronous mode (then Synth returns only when the clip is done).
_synchronous = False


def missing_internals() -> list[str]:
    """The pyttsx3 internals this adapter uses that the installed pyttsx3 lacks."""
    missing = []
    try:
        from pyttsx3.driver import DriverProxy
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver
    except ImportError as exc:
        return [f"pyttsx3.drivers._espeak / espeak ({exc})"]
    missing += [f"_espeak.{n}" for n in _ESPEAK_NAMES if not hasattr(_espeak, n)]
    missing += [f"EspeakDriver.{n}" for n in _DRIVER_NAMES if not hasattr(EspeakDriver, n)]
    if "_driver" not in DriverProxy.__init__.__code__.co_names:
        missing.append("DriverProxy._driver")
    return missing


def driver_name(engine: Any) -> str:
    """Which pyttsx3 driver an engine runs on: "espeak", "sapi5", "nsss", ..."""
    return type(engine.proxy._driver).__module__.rsplit(".", 1)[-1]


def start_espeak_synchronous() -> None:
    """On Linux, start libespeak-ng in synchronous mode before pyttsx3 starts it its way.

    Call before ``pyttsx3.init()``.  Elsewhere (SAPI5, NSSpeech) this does nothing.
    """
    global _synchronous
    if sys.platform in ("win32", "darwin"):
        return
    try:
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver
    except (ImportError, OSError, RuntimeError):  # no libespeak-ng: pyttsx3 will say so
        return
    if EspeakDriver._moduleInitialized:
        return
    if _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0) == -1:
        return
    _synchronous = True
    current = _espeak.GetCurrentVoice()
    if current and current.contents.name:
        EspeakDriver._defaultVoice = current.contents.name.decode("utf-8")
    else:
        EspeakDriver._defaultVoice = "gmw/en"
    EspeakDriver._moduleInitialized = True


def espeak_version() -> str:
    """libespeak-ng's version string (e.g. "1.51")."""
    from pyttsx3.drivers import _espeak

    return (_espeak.Info(None) or b"?").decode("utf-8", "replace")


def espeak_variants() -> list[tuple[str, str, object]]:
    """espeak-ng's voice variants as (id, name, gender code): ``gmw/en+f3`` etc."""
    from pyttsx3.drivers import _espeak

    spec = _espeak.VOICE()
    spec.languages = b"variant"
    return [
        (v.identifier.decode().split("/", 1)[-1], v.name.decode(), v.gender)
        for v in _espeak.ListVoices(ctypes.pointer(spec))
    ]


def espeak_synthesize(text: str, voice_id: str, rate: int, pitch: int, volume: int) -> bytes:
    """16-bit PCM at :data:`ESPEAK_SAMPLE_RATE` from libespeak-ng, in espeak's own units
    (words per minute, pitch 0-99, volume 0-200)."""
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
    if _espeak.SetVoiceByName(voice_id.encode("utf-8")) != 0:
        raise ValueError(f"espeak-ng has no voice {voice_id!r}")
    _espeak.SetParameter(_espeak.RATE, rate, 0)
    _espeak.SetParameter(_espeak.VOLUME, volume, 0)
    _espeak.SetParameter(_espeak.PITCH, pitch, 0)
    _espeak.Synth(text.encode("utf-8"), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8)
    if not _synchronous and not (_espeak.Synchronize() == 0 and finished.wait(timeout=120)):
        raise TimeoutError("espeak-ng did not finish the clip")
    return b"".join(chunks)
