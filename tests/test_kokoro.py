"""The Kokoro engine (the ``neural`` extra): model assembly, voices, a real multi-voice build.

CI installs the extra (``./setup.sh test``), so these run the real model: kept to a few
short sentences (the model makes ~1.5 s of audio per CPU second).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from audiokit import decode
from conftest import FFMPEG
from dramatis.cli import main
from dramatis.errors import DramatisError
from dramatis.model import Voice
from dramatis.speech.engines import create_engine
from dramatis.speech.engines import kokoro_model as km
from dramatis.speech.engines.kokoro import (
    HIBARI_VOICE,
    KokoroEngine,
    check_words,
    requests_for,
)


def test_model_is_joined_from_its_parts_verified_and_a_corrupt_copy_rebuilt(tmp_path: Path):
    model = km.ensure_model(tmp_path)
    assert model == tmp_path / km.MODEL_FILE
    assert km.file_sha256(model) == km.MODEL_SHA256
    size = model.stat().st_size

    with open(model, "r+b") as f:  # one flipped byte in the middle
        f.seek(size // 2)
        byte = f.read(1)
        f.seek(size // 2)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert km.file_sha256(model) != km.MODEL_SHA256
    assert km.file_sha256(km.ensure_model(tmp_path)) == km.MODEL_SHA256

    with open(model, "r+b") as f:  # a partial file (an interrupted first run)
        f.truncate(size // 3)
    assert km.ensure_model(tmp_path).stat().st_size == size
    assert sorted(p.name for p in tmp_path.iterdir()) == [km.MODEL_FILE]  # no temp files


def test_parts_that_do_not_match_the_checksum_leave_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(km, "MODEL_SHA256", "0" * 64)
    with pytest.raises(DramatisError, match="wrong sha256"):
        km.ensure_model(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_every_vendored_voice_is_listed_with_gender_accent_and_its_own_family():
    files = {p.stem for p in km.voice_dir().glob("*.bin")}
    assert files == {v.id for v in km.VOICES}
    assert (km.voice_dir() / "NOTICE").is_file() and (km.voice_dir() / "LICENSE").is_file()
    assert km.load_voice("bm_george").shape == km.VOICE_SHAPE

    infos = {v.id: v for v in KokoroEngine().voices()}
    assert infos["af_heart"].gender == "female" and infos["af_heart"].accent == "en-us"
    assert infos["am_michael"].gender == "male" and infos["am_michael"].accent == "en-us"
    assert infos["bf_emma"].gender == "female" and infos["bf_emma"].accent == "en-gb"
    assert infos["bm_george"].gender == "male" and infos["bm_george"].accent == "en-gb"
    kokoro_families = [v.family for i, v in infos.items() if i != HIBARI_VOICE]
    assert len(set(kokoro_families)) == len(kokoro_families) == len(km.VOICES)
    assert "whispering" in infos["af_nicole"].name  # casting keeps it for last
    # The fast narrator is af_heart's student: casting must treat them as one sound.
    assert infos[HIBARI_VOICE].family == "af_heart"


def test_voices_command_lists_them(capsys):
    assert main(["voices", "--engine", "kokoro", "--json"]) == 0
    voices = {v["id"]: v for v in json.loads(capsys.readouterr().out)["voices"]}
    assert voices["bm_fable"]["gender"] == "male"
    assert "en-gb" in voices["bm_fable"]["languages"]
    assert {v["gender"] for v in voices.values()} == {"female", "male"}


def test_a_missing_extra_is_one_line_naming_the_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "kokoro_onnx", None)  # as if it were not installed
    with pytest.raises(DramatisError, match=re.escape("pip install -e '.[neural]'")):
        create_engine("kokoro")
    assert main(["voices", "--engine", "kokoro"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "install the neural extra" in err


def test_requests_keep_every_phoneme_within_the_limit():
    sentence = "ðɪ ˈoʊld mˈæn lˈʊkt ˌʌp fɹʌm hɪz bˈʊk, ænd hiː sˈɛd nˈʌθɪŋ"
    long_line = ". ".join([sentence] * 12) + "."  # ~800 phonemes: past the model's 510
    from kokoro_onnx import chunker

    requests = requests_for(long_line, chunker)
    assert all(0 < len(r) <= 200 for r in requests)
    assert "".join(" ".join(requests).split()) == "".join(long_line.split())
    run_on = " ".join([sentence] * 12)  # one sentence longer than a request
    assert "".join(" ".join(requests_for(run_on, chunker)).split()) == "".join(run_on.split())


def test_lost_words_are_an_error_not_a_shorter_clip():
    check_words("Of the two, she chose the red one.", "ʌvðə tˈuː, ʃiː tʃˈoʊz ðə ɹˈɛd wˈʌn.")
    with pytest.raises(ValueError, match="word groups"):
        check_words("Of the two, she chose the red one.", "ʌvðə tˈuː.")


def test_speed_follows_the_rate_and_british_voices_speak_british():
    engine = KokoroEngine()
    text = "She waited by the lighthouse until the boat came home."
    normal = engine.synthesize(text, Voice("bf_emma"))
    fast = engine.synthesize(text, Voice("bf_emma", rate=int(engine.natural_wpm * 1.5)))
    assert normal.sample_rate == 24_000
    assert fast.seconds == pytest.approx(normal.seconds / 1.5, rel=0.2)
    assert np.abs(normal.samples).max() > 0.1  # speech, not near-silence
    narrator = engine.synthesize(text, Voice(None))  # the default: the fast narrator
    assert narrator.seconds == pytest.approx(normal.seconds, rel=0.35)
    engine.close()


STORY = """\
The Lighthouse

Anna climbed the stairs slowly. The wind howled outside.

"Is anyone there?" Anna asked.

"Only me," said Tom. "I have been waiting for you."

She smiled and sat down beside him.
"""


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run(
        [sys.executable, "-m", "dramatis.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.needs(*FFMPEG)
def test_a_kokoro_build_speaks_every_line_audibly_in_order(tmp_path: Path):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "lighthouse.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "voices.yaml").write_text("engine: kokoro\n", encoding="utf-8")
    result = _run("build", "--json", "--quiet", "--no-credits", "-j", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    cast = YAML(typ="safe").load((tmp_path / "voices.yaml").read_text())["characters"]
    voices = {name: cast[name]["voice"] for name in ("Anna", "Tom")}
    assert voices["Anna"].startswith(("af_", "bf_")) and voices["Tom"].startswith(("am_", "bm_"))
    assert "af_heart" not in voices.values()  # the narrator's sound (hibari's af_heart)

    (found,) = (tmp_path / "audio").glob("*/dramatis.json")
    book = found.parent
    manifest = json.loads(found.read_text())
    (chapter,) = manifest["chapters"]
    cues = chapter["cues"]
    words = [w for c in cues for w in re.findall(r"[A-Za-z']+", c["text"])]
    assert words == re.findall(r"[A-Za-z']+", STORY)  # every word, once, in order
    assert [c["speaker"] for c in cues][1:5] == ["Narrator", "Anna", "Narrator", "Tom"]

    samples = decode(book / chapter["file"])
    assert len(samples) / 44100 == pytest.approx(chapter["duration_ms"] / 1000, abs=0.2)
    for cue in cues:  # each line's span holds speech, at a pace a person could speak
        a, b = cue["start_ms"] * 441 // 10, cue["end_ms"] * 441 // 10
        span = samples[a:b]
        assert np.sqrt(np.mean(span**2)) > 0.02, cue["text"]
        seconds = (b - a) / 44100
        n = len(cue["text"].split())
        assert n * 60 / 400 < seconds < n * 60 / 60 + 1.5, cue["text"]
    gaps = [b["start_ms"] - a["end_ms"] for a, b in itertools.pairwise(cues)]
    assert all(g >= 0 for g in gaps)  # in order, never overlapping

    check = _run("check", "audio", cwd=tmp_path)
    failed = [ln for ln in check.stdout.splitlines() if "FAIL" in ln]
    assert all("credits" in ln for ln in failed), check.stdout  # built --no-credits
