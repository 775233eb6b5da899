"""Engine plug-ins: the registry, what engines return, and the pyttsx3 internals we rely on."""

from __future__ import annotations

from importlib.metadata import entry_points, version

import numpy as np
import pytest

from conftest import ESPEAK
from dramatis.errors import DramatisError
from dramatis.model import Voice
from dramatis.speech.engines import GROUP, available_engines, create_engine, pyttsx3_adapter
from dramatis.speech.engines.base import Engine

needs_espeak = pytest.mark.needs(*ESPEAK)


def test_builtin_engines_are_registered_as_entry_points() -> None:
    registered = {ep.name: ep.value for ep in entry_points(group=GROUP)}
    assert registered["pyttsx3"] == "dramatis.speech.engines.pyttsx3_engine:Pyttsx3Engine"
    assert registered["espeak-ng"] == "dramatis.speech.engines.espeak_cli:EspeakCliEngine"
    assert available_engines()[0] == "pyttsx3"
    for name in ("pyttsx3", "espeak-ng"):
        cls = registered[name].split(":")
        module = __import__(cls[0], fromlist=[cls[1]])
        assert issubclass(getattr(module, cls[1]), Engine)


def test_unknown_engine_is_one_line_naming_the_choices() -> None:
    with pytest.raises(DramatisError) as err:
        create_engine("festival")
    message = str(err.value)
    assert "\n" not in message
    assert "'festival'" in message and "pyttsx3" in message and "espeak-ng" in message


def test_pyttsx3_internals_are_where_the_adapter_expects_them() -> None:
    """Fails loudly when a pyttsx3 release moves what the adapter reaches into."""
    installed = version("pyttsx3")
    missing = pyttsx3_adapter.missing_internals()
    assert not missing, (
        f"pyttsx3 {installed} lacks {', '.join(missing)}: update "
        "dramatis/speech/engines/pyttsx3_adapter.py (and its pin in pyproject.toml)"
    )
    assert installed in pyttsx3_adapter.TESTED_VERSIONS, (
        f"pyttsx3 {installed} was never tested with the adapter; test it, then add it to "
        "TESTED_VERSIONS and to pyproject's pin"
    )


@needs_espeak
@pytest.mark.parametrize("name", ["pyttsx3", "espeak-ng"])
def test_engines_return_float_audio_at_the_neutral_rate(name: str) -> None:
    """Float samples in [-1, 1]; rate is words per minute for every engine, so the same
    text at half the rate lasts about twice as long, and no rate means natural_wpm."""
    engine = create_engine(name)
    try:
        text = "The river was wide and slow, and the boat drifted past the sleeping town."
        words = len(text.split())
        natural = engine.synthesize(text, Voice("gmw/en"))
        slow = engine.synthesize(text, Voice("gmw/en", rate=round(engine.natural_wpm / 2)))
    finally:
        engine.close()
    assert natural.samples.dtype == np.float32 and natural.samples.ndim == 1
    assert 0.1 < float(np.abs(natural.samples).max()) <= 1.0
    expected = words * 60 / engine.natural_wpm
    assert 0.6 * expected < natural.seconds < 1.6 * expected
    assert 1.6 < slow.seconds / natural.seconds < 2.4
    assert engine.identity().startswith(name)


def test_clip_key_follows_engine_identity_and_only_the_settings_it_honours() -> None:
    from dataclasses import replace

    from dramatis.speech.engines import EngineFacts
    from dramatis.speech.synthesize import clip_key

    facts = EngineFacts("neural", "neural 1.0 model:ab12", frozenset({"rate"}), 160.0, [], None)
    retrained = replace(facts, identity="neural 1.0 model:cd34")
    text = "Hello there."

    def key(f: EngineFacts, voice: Voice) -> str:
        return clip_key(f.identity, f.key_voice(voice), text)

    voice = Voice("af_heart", rate=150, pitch=30)
    assert key(facts, voice) != key(retrained, voice)  # a swapped model never reuses clips
    assert key(facts, voice) == key(facts, Voice("af_heart", rate=150, pitch=80))  # ignored
    assert key(facts, voice) != key(facts, Voice("af_heart", rate=151, pitch=30))


STORY = """\
The Drop

"Hold on to something," said Clarke.

"We're going to die down here," Bellamy said.
"""


@needs_espeak
@pytest.mark.parametrize(
    ("yaml", "flag", "expected"),
    [
        ("engine: espeak-ng\n", None, "espeak-ng"),  # the top level
        ("engine: espeak-ng\nstories:\n  drop.txt: {engine: pyttsx3}\n", None, "pyttsx3"),
        ("stories:\n  drop: {engine: espeak-ng}\n", None, "espeak-ng"),  # by name
        ("engine: espeak-ng\n", "pyttsx3", "pyttsx3"),  # --engine wins
        ("", None, "pyttsx3"),  # the default
    ],
)
def test_the_build_speaks_with_the_engine_voices_yaml_names(tmp_path, yaml, flag, expected):
    from dramatis.build.analysis import analyze_paths
    from dramatis.build.chapters import plan
    from dramatis.build.state import BuildOptions
    from dramatis.speech.engines import EngineBook
    from dramatis.speech.synthesize import clip_key

    (tmp_path / "drop.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "voices.yaml").write_text(yaml, encoding="utf-8")
    opts = BuildOptions(voices=tmp_path / "voices.yaml", out=tmp_path / "out", engine=flag)
    engines = EngineBook()
    analyses = analyze_paths(
        [tmp_path / "drop.txt"], opts.voices, engine=flag, engines=engines, add_new=True
    )
    assert analyses[0].cast.engine == expected
    chapter = plan(analyses, opts, engines)[0].chapters[0]
    facts = engines[expected]
    assert chapter.engine == expected
    assert chapter.keys == [
        clip_key(facts.identity, facts.key_voice(ln.voice), ln.text) for ln in chapter.lines
    ]


def test_an_engine_voices_yaml_names_must_be_installed(tmp_path, capsys):
    from dramatis.cli import main

    (tmp_path / "voices.yaml").write_text("narrator: {rate: 170}\nengine: espeak\n")
    assert main(["voices", "--voices", str(tmp_path / "voices.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"dramatis: error: {tmp_path / 'voices.yaml'}:2: engine 'espeak'")
    assert "espeak-ng" in err and "\n" not in err
    assert main(["voices", "--engine", "festival"]) == 2  # click.Choice of registered names
    assert "'festival' is not one of 'pyttsx3', 'espeak-ng'" in capsys.readouterr().err
