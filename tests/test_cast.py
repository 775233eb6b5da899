"""voices.yaml: validation, voice assignment, byte-exact auto-add, overrides, reports.

Engine voices are built by hand (shaped like espeak-ng's ids) so these tests need no engine.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dramatis.cast.assign import DEFAULT_PITCH, assign_voices, filter_voices, stable_hash
from dramatis.cast.config import add_characters, load_cast
from dramatis.cast.report import (
    cast_report,
    find_character,
    format_cast_table,
    format_voices_table,
    preview_line,
)
from dramatis.errors import DramatisError
from dramatis.model import Cast, Character, Voice
from dramatis.speech.engines import DEFAULT_ENGINE, EngineFacts
from dramatis.speech.engines.base import SETTINGS, VoiceInfo
from dramatis.speech.engines.espeak_cli import espeak_voices
from dramatis.text.normalize import apply_pronunciations

BASES = [("gmw/en", "en-gb"), ("gmw/en-us", "en-us"), ("gmw/en-gb-x-rp", "en-gb-x-rp")]
VARIANTS = [
    ("f1", "female"),
    ("f2", "female"),
    ("Alicia", "female"),
    ("m1", "male"),
    ("m2", "male"),
    ("m3", "male"),
    ("whisperf", "female"),
    ("robosoft", "male"),
]


def espeak_like(bases=BASES, variants=VARIANTS) -> list[VoiceInfo]:
    """Voices as the espeak-ng engines describe them (families are variants)."""
    return espeak_voices(
        [(base, base, lang, "male") for base, lang in bases],
        [(var, var, gender) for var, gender in variants],
    )


VOICES = [
    *espeak_like(),
    VoiceInfo("roa/fr", "French", ("fr-fr",), "male", "fr-fr", "base"),
    VoiceInfo("roa/fr+f1", "French f1", ("fr-fr",), "female", "fr-fr", "f1"),
]


def facts(voices=VOICES, default_voice=None, settings=SETTINGS, name=DEFAULT_ENGINE):
    """An engine as the cast sees it (no engine started)."""
    return EngineFacts(name, f"{name} test", settings, 175.0, list(voices), default_voice)


ENGINE = facts()

HAND_WRITTEN = """\
# My cast, kept in the order I like.
narrator: {voice: gmw/en-us,   rate: 170}   # calm and slow

characters:
    # the leads first
    Clarke:          # the princess
        aliases: [ Princess, "Clarke Griffin" ]
        gender: female
        rate:   180


    'Bellamy':
        gender: male    # big brother
        voice: gmw/en+m1
    # Octavia comes later

# per-story tweaks
stories:
  the-drop:
    characters: {Clarke: {rate: 170}}   # slower in this one
pronunciations:
  Bellamy: "BELL-a-mee"
"""


def write(tmp_path: Path, text: str, name: str = "voices.yaml") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def added_lines(old: bytes, new: bytes) -> tuple[int, list[bytes]]:
    """Where ``new`` differs from ``old`` by one block of inserted lines: (index, lines).

    Fails the test if anything of ``old`` changed: ``new`` must be ``old`` with lines
    inserted at one place, byte for byte.
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    n = len(b) - len(a)
    assert n > 0
    assert b[:i] == a[:i] and b[i + n :] == a[i:], "user lines changed"
    assert b"".join(b[:i] + b[i + n :]) == old
    return i, b[i : i + n]


# ----------------------------------------------------------------------- auto-add


def test_auto_add_keeps_every_user_byte(tmp_path):
    p = write(tmp_path, HAND_WRITTEN)
    old = p.read_bytes()
    added = add_characters(
        p,
        [
            Character("Clarke", ["Princess"], "female"),  # already there
            Character("Octavia", ["O"], "female"),
            Character("bellamy blake", ["BELLAMY"], "male"),  # alias of a listed name
            Character("Finn", [], "male"),
        ],
        ENGINE,
    )
    assert added == ["Octavia", "Finn"]
    at, lines = added_lines(old, p.read_bytes())
    # Inside the characters block: after "# Octavia comes later", before "# per-story".
    old_lines = old.splitlines(keepends=True)
    assert old_lines[at - 1].strip() == b"# Octavia comes later"
    assert old_lines[at].strip() == b""
    assert all(line.startswith(b"    ") for line in lines)  # the file's own indentation
    cast = load_cast(p, ENGINE)
    assert list(cast.characters) == ["Clarke", "Bellamy", "Octavia", "Finn"]
    assert cast.characters["Octavia"].aliases == ["O"]
    assert cast.characters["Octavia"].gender == "female"
    assert cast.characters["Finn"].gender == "male"
    assert cast.characters["Bellamy"].voice.id == "gmw/en+m1"  # untouched
    assert cast.pronunciations == {"Bellamy": "BELL-a-mee"}


def test_auto_add_crlf_bom_and_no_final_newline(tmp_path):
    text = "\ufeffnarrator:\r\n  voice: gmw/en\r\ncharacters:\r\n  Clarke: {gender: female}"
    p = write(tmp_path, text)
    old = p.read_bytes()
    assert add_characters(p, [Character("Raven", [], "female")], ENGINE) == ["Raven"]
    new = p.read_bytes()
    assert new.startswith(old + b"\r\n")  # only a line end where the file had none
    tail = new[len(old) + 2 :]
    assert tail.endswith(b"\r\n") and b"\n" not in tail.replace(b"\r\n", b"")
    # The file wrote its entries in flow style; the new one follows suit.
    assert tail.startswith(b"  Raven: {gender: female, voice: ")
    assert load_cast(p, ENGINE).characters["Raven"].voice.id is not None


def test_auto_add_creates_missing_file_with_header(tmp_path):
    p = tmp_path / "sub" / "voices.yaml"
    assert add_characters(p, [Character("Clarke", ["Princess"], "female")], ENGINE)
    text = p.read_text()
    assert text.startswith("# Dramatis cast")
    assert "  Clarke:\n    aliases: [Princess]\n    gender: female\n    voice: gmw/" in text
    assert not [f for f in p.parent.iterdir() if f.name != "voices.yaml"]  # no temp files


def test_auto_add_never_writes_when_nothing_is_new(tmp_path):
    p = write(tmp_path, HAND_WRITTEN)
    before = p.stat()
    assert add_characters(p, [Character("clarke griffin", [], "female")], ENGINE) == []
    assert add_characters(p, [], ENGINE) == []
    after = p.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not add_characters(tmp_path / "absent.yaml", [], ENGINE)
    assert not (tmp_path / "absent.yaml").exists()


def shipped_voices_yaml() -> str:
    """voices.yaml as committed, not as the workspace has it: `./setup.sh` adds the seed
    stories' characters to the working copy (with this machine's voices), as designed."""
    repo = Path(__file__).resolve().parents[1]
    if shutil.which("git") is None or not (repo / ".git").exists():
        pytest.skip("not a git checkout: the committed voices.yaml is not known")
    return subprocess.run(
        ["git", "show", "HEAD:voices.yaml"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def test_auto_add_into_the_example_file(tmp_path):
    """The shipped voices.yaml has an empty `characters:` followed by commented sections."""
    p = write(tmp_path, shipped_voices_yaml())
    old = p.read_bytes()
    add_characters(p, [Character("Clarke", [], "female")], ENGINE)
    at, lines = added_lines(old, p.read_bytes())
    assert old.splitlines()[at - 1] == b"characters:"
    assert lines[0] == b"  Clarke:\n"
    assert list(load_cast(p, ENGINE).characters) == ["Clarke"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "narrator:\n  rate: 170\n",
        "narrator: {rate: 170}\ncharacters: {}\n",
        "characters:   # add yours\npins: {}\n",
    ],
)
def test_auto_add_to_files_without_characters(tmp_path, text):
    p = write(tmp_path, text)
    assert add_characters(p, [Character("Clarke", [], "female")], ENGINE) == ["Clarke"]
    cast = load_cast(p, ENGINE)
    assert list(cast.characters) == ["Clarke"]
    assert cast.characters["Clarke"].voice.id.endswith(("+f1", "+f2", "+Alicia"))
    if "{}" not in text:  # block files: strictly an insertion
        added_lines(text.encode(), p.read_bytes())


def test_invalid_file_is_reported_not_overwritten(tmp_path):
    p = write(tmp_path, "characters:\n  Clarke:\n    rate: 9000\n")
    old = p.read_bytes()
    with pytest.raises(DramatisError, match=r"voices.yaml:3: .*rate 9000 is out of range"):
        add_characters(p, [Character("Raven")], ENGINE)
    assert p.read_bytes() == old


# ----------------------------------------------------------------------- validation

ERRORS = [
    # (file text, line, message pattern)
    ("narator:\n  rate: 170\n", 1, r"unknown key 'narator'.*did you mean 'narrator'\?"),
    ("characters:\n  Clarke:\n    gendre: female\n", 3, r"'gendre'.*did you mean 'gender'"),
    ("narrator:\n  rate: 900\n", 2, r"narrator.rate 900 is out of range \(80-450"),
    ("narrator:\n  rate: 79\n", 2, r"out of range"),
    ("narrator:\n  rate: fast\n", 2, r"rate must be a whole number.*not text 'fast'"),
    ("narrator:\n  pitch: 101\n", 2, r"pitch 101 is out of range \(0-100\)"),
    ("narrator:\n  pitch: 50.5\n", 2, r"pitch must be a whole number"),
    ("narrator:\n  volume: 1.5\n", 2, r"volume 1.5 is out of range \(0.0-1.0\)"),
    ("narrator:\n  volume: true\n", 2, r"volume must be a number"),
    ("narrator: gmw/en\n", 1, r"narrator must be a mapping"),
    ("characters:\n  Clarke:\n    gender: femal\n", 3, r"'femal'.*did you mean 'female'"),
    ("characters:\n  Clarke:\n    aliases: {a: 1}\n", 3, r"aliases must be a list"),
    ("characters:\n  Clarke:\n    aliases:\n      - P\n      - 7\n", 5, r"7 is not a name"),
    ("characters:\n  Narrator:\n    rate: 170\n", 2, r"reserved for the narrator"),
    ("characters:\n  A:\n    aliases: [X]\n  B:\n    aliases: [x]\n", 4, r"already used"),
    ("characters:\n  12: {}\n", 2, r"12 is not a name"),
    ("characters:\n  - Clarke\n", 2, r"characters must be a mapping"),
    ("- Clarke\n", 1, r"the file must be a mapping"),
    ("characters:\n  Clarke:\n    voice: gmw/en+f9\n", 3, r"unknown voice id 'gmw/en\+f9'.*\+f1"),
    ("characters:\n  Clarke:\n    voice: Alicia\n", 3, r"did you mean 'gmw/en\+Alicia'"),
    ("characters:\n  Clarke:\n    voice: 5\n", 3, r"voice must be a voice id"),
    ("narrator:\n  rate: [170\n", 3, r"invalid YAML: .*flow sequence started on line 2"),
    ("narrator:\n  rate: 170\n  rate: 180\n", 3, r"invalid YAML: .*duplicate key"),
    ("characters:\n\tClarke: {}\n", 2, r"invalid YAML"),
    ("stories:\n  s1:\n    narator: {}\n", 3, r"stories.s1.*did you mean 'narrator'"),
    ("stories:\n  s1:\n    characters:\n      A: {rate: 1}\n", 4, r"stories.s1.characters.A.rate"),
    ("stories:\n  s1:\n    stories: {}\n", 3, r"unknown key 'stories'"),
    ("pronunciations:\n  Bellamy: [a]\n", 2, r"how to say it"),
    ("characters:\n  Clarke: {}\npins:\n  L1: Clark\n", 4, r"'Clark'.*did you mean 'Clarke'"),
    ("pins:\n  L1: 3\n", 2, r"speaker's name"),
]


@pytest.mark.parametrize(("text", "line", "pattern"), ERRORS)
def test_validation_errors_name_file_and_line(tmp_path, text, line, pattern):
    p = write(tmp_path, text)
    with pytest.raises(DramatisError) as info:
        load_cast(p, ENGINE)
    err = info.value
    assert (err.path, err.line) == (p, line)
    message = str(err)
    assert message.startswith(f"{p}:{line}: ")
    assert "\n" not in message
    assert err.exit_code == 2
    assert re.search(pattern, message), message


def test_voice_ids_checked_only_with_engine_voices(tmp_path):
    p = write(tmp_path, "characters:\n  Clarke:\n    voice: nonesuch\n")
    assert load_cast(p).characters["Clarke"].voice.id == "nonesuch"
    with pytest.raises(DramatisError, match="unknown voice id"):
        load_cast(p, ENGINE)


def test_voice_id_case_is_forgiven(tmp_path):
    p = write(tmp_path, "narrator:\n  voice: GMW/EN-US\n")
    assert load_cast(p, ENGINE).narrator.id == "gmw/en-us"


def test_missing_empty_and_binary_files(tmp_path):
    assert load_cast(tmp_path / "nope.yaml", ENGINE) == Cast(engine=DEFAULT_ENGINE)
    assert load_cast(write(tmp_path, "# nothing yet\n"), ENGINE) == Cast(engine=DEFAULT_ENGINE)
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(DramatisError, match="not a UTF-8 text file"):
        load_cast(bad)


def test_every_key_is_optional(tmp_path):
    p = write(tmp_path, "narrator:\ncharacters:\n  Clarke:\n  Bellamy: {}\n")
    cast = load_cast(p)
    assert cast.narrator == Voice()
    assert cast.characters["Clarke"] == Character("Clarke")


# ----------------------------------------------------------------------- assignment


def sounds(voices):
    return [(v.id, v.pitch or DEFAULT_PITCH, v.rate or 175) for v in voices]


def test_assignment_is_deterministic_and_by_gender():
    chars = [Character("Clarke", [], "female"), Character("Bellamy", [], "male")]
    narrator = Voice("gmw/en-us")
    first = assign_voices(chars, ENGINE, narrator=narrator)
    again = assign_voices(chars, facts(list(reversed(VOICES))), narrator=narrator)
    assert first == again
    info = {v.id: v for v in VOICES}
    assert info[first["Clarke"].id].gender == "female"
    assert info[first["Bellamy"].id].gender == "male"
    # Same language as the narrator, never a novelty voice while normal ones are free.
    for v in first.values():
        assert v.id.startswith("gmw/") and "whisper" not in v.id and "robo" not in v.id


def test_a_character_keeps_its_voice_from_story_to_story(tmp_path):
    p = write(tmp_path, "narrator: {voice: gmw/en-us}\n")
    add_characters(p, [Character("Clarke", [], "female"), Character("Finn", [], "male")], ENGINE)
    clarke = load_cast(p, ENGINE).characters["Clarke"].voice
    # A second story meets Clarke again (by alias) and someone new.
    added = add_characters(
        p, [Character("Raven", [], "female"), Character("clarke", [], "female")], ENGINE
    )
    assert added == ["Raven"]
    cast = load_cast(p, ENGINE)
    assert cast.characters["Clarke"].voice == clarke
    assert cast.characters["Raven"].voice != clarke
    # A fresh file meeting the same character first gets the same choice too.
    q = write(tmp_path, "narrator: {voice: gmw/en-us}\n", "other.yaml")
    add_characters(q, [Character("Clarke", [], "female")], ENGINE)
    assert load_cast(q, ENGINE).characters["Clarke"].voice == clarke


def test_distinct_voices_never_the_narrators_and_varied_when_they_run_out():
    narrator = Voice("gmw/en+f1")
    women = [Character(f"Woman {i}", [], "female") for i in range(20)]
    got = assign_voices(women, ENGINE, narrator=narrator)
    assert len(got) == 20
    heard = sounds(got.values())
    assert len(set(heard)) == 20  # no two alike
    assert all(v.id != narrator.id for v in got.values())
    info = {v.id: v for v in VOICES}
    assert all(info[v.id].gender == "female" for v in got.values())
    english_female = {
        v.id for v in VOICES if v.gender == "female" and v.accent.startswith("en")
    } - {narrator.id}
    normal = {i for i in english_female if "whisper" not in i}
    ids = [v.id for v in got.values()]
    # Every normal female voice is used before any is shared; then pitch/rate vary.
    assert normal <= set(ids)
    shared = [v for v in got.values() if ids.count(v.id) > 1]
    assert shared and any(v.pitch is not None or v.rate is not None for v in shared)
    for v in got.values():
        assert v.rate is None or 80 <= v.rate <= 450
        assert v.pitch is None or 0 <= v.pitch <= 100


def test_fresh_variants_come_before_fresh_accents():
    got = assign_voices(
        [Character(f"M{i}", [], "male") for i in range(3)], ENGINE, narrator=Voice("gmw/en-us")
    )
    # Three male variants m1, m2, m3: each used once (a base voice sounds like the narrator).
    assert sorted(v.id.partition("+")[2] for v in got.values()) == ["m1", "m2", "m3"]


def test_unset_narrator_avoids_engine_default():
    chars = [Character(f"M{i}", [], "male") for i in range(12)]
    got = assign_voices(chars, facts(default_voice="gmw/en"))
    assert "gmw/en" not in {v.id for v in got.values()}


def test_user_voices_are_taken_and_user_settings_kept():
    chars = [
        Character("A", [], "female", Voice("gmw/en+f1")),
        Character("B", [], "female", Voice(rate=200)),
    ]
    got = assign_voices(chars, ENGINE, narrator=Voice("gmw/en-us"))
    assert set(got) == {"B"}
    assert got["B"].id != "gmw/en+f1" and got["B"].rate == 200


def test_one_voice_engine_still_varies():
    only = [VoiceInfo("default", "Default", ("en",), "unknown")]
    chars = [Character(n) for n in ("A", "B", "C")]
    got = assign_voices(chars, facts(only), narrator=Voice("default"))
    heard = sounds(got.values()) + sounds([Voice("default")])
    assert len(set(heard)) == 4


def test_load_cast_assigns_missing_voices_in_memory(tmp_path):
    text = "narrator: {voice: gmw/en+m1}\ncharacters:\n  Clarke: {gender: female}\n  Finn:\n"
    p = write(tmp_path, text)
    cast = load_cast(p, ENGINE)
    assert p.read_text() == text  # nothing written
    voices = [c.voice for c in cast.characters.values()]
    assert all(v.id for v in voices) and voices[0] != voices[1]
    assert "gmw/en+m1" not in {v.id for v in voices}
    assert cast == load_cast(p, ENGINE)


# ----------------------------------------------------------------------- per-story


STORIES = """\
narrator: {voice: gmw/en-us, rate: 170}
characters:
  Clarke: {aliases: [Princess], gender: female, voice: gmw/en+f2, rate: 180}
  Finn: {gender: male}
pronunciations: {Bellamy: BELL-a-mee}
pins: {L1: princess}
stories:
  the-drop:
    narrator: {rate: 150}
    characters:
      clarke: {pitch: 60}
      Wells: {gender: male}
    pronunciations: {Arkadia: ar-KAY-dee-a}
    pins: {L2: Wells}
  Second Dawn.txt:
    narrator: {voice: gmw/en-gb-x-rp}
"""


def test_per_story_overrides(tmp_path):
    p = write(tmp_path, STORIES)
    plain = load_cast(p, ENGINE)
    assert plain.narrator == Voice("gmw/en-us", 170)
    assert "Wells" not in plain.characters
    assert plain.pins == {"L1": "Clarke"}  # the alias resolved

    drop = load_cast(p, ENGINE, story="the-drop")
    assert drop.narrator == Voice("gmw/en-us", 150)
    assert drop.characters["Clarke"].voice == Voice("gmw/en+f2", 180, 60)
    assert drop.characters["Finn"].voice == plain.characters["Finn"].voice
    wells = drop.characters["Wells"].voice
    assert wells.id and wells not in {c.voice for n, c in drop.characters.items() if n != "Wells"}
    assert drop.pronunciations == {"Bellamy": "BELL-a-mee", "Arkadia": "ar-KAY-dee-a"}
    assert drop.pins == {"L1": "Clarke", "L2": "Wells"}

    # Keyed by file name: matches the story's slug or its file name.
    for name in ("second-dawn", "Second Dawn.txt", ["Some Title", "second dawn.txt"]):
        assert load_cast(p, ENGINE, story=name).narrator.id == "gmw/en-gb-x-rp"
    # Automatic voices avoid every narrator in the file, so they hold in every story.
    assert plain.characters["Finn"].voice.id not in {"gmw/en-us", "gmw/en-gb-x-rp"}


# ----------------------------------------------------------------------- pronunciations


def test_pronunciations_whole_words_case_aware():
    say = {"Bellamy": "BELL-a-mee", "tardis": "TAR-diss", "Reading": "REDDING", "Mr. X": "Mister X"}
    text = "Bellamy's TARDIS; Bellamyx and bellamy. Reading, reading. Tardis! Mr. X left."
    assert apply_pronunciations(text, say) == (
        "BELL-a-mee's TAR-diss; Bellamyx and bellamy. REDDING, reading. TAR-diss! Mister X left."
    )
    assert apply_pronunciations(text, {}) == text


# ----------------------------------------------------------------------- reports


def test_cast_report_counts_lines_words_and_share():
    cast = Cast(
        narrator=Voice("gmw/en-us"),
        characters={
            "Clarke": Character("Clarke", ["Princess"], "female", Voice("gmw/en+f2")),
            "Finn": Character("Finn", [], "male", Voice("gmw/en+m1")),
            "Wells": Character("Wells", [], "male", Voice("gmw/en+m2")),
        },
    )
    lines = [
        ("Clarke", '"We go down together."'),
        ("Princess", '"Don\'t."'),
        ("Finn", '"Space walker, at your service, ma\'am."'),
        (None, '"Who said that?"'),
    ]
    rows = cast_report(lines, cast)
    got = [(r.name, r.lines, r.words, round(r.share, 3)) for r in rows]
    assert got == [
        ("Finn", 1, 6, 0.429),
        ("Clarke", 2, 5, 0.357),
        ("narrator", 1, 3, 0.214),
        ("Wells", 0, 0, 0.0),
    ]
    assert rows[0].voice.id == "gmw/en+m1" and rows[2].voice.id == "gmw/en-us"
    table = format_cast_table(rows)
    assert table.splitlines()[1].split() == ["Finn", "male", "1", "6", "43%", "gmw/en+m1"]


def test_find_character_and_preview_line():
    cast = Cast(characters={"Clarke": Character("Clarke", ["Princess"], "female")})
    assert find_character(cast, "princess").name == "Clarke"
    with pytest.raises(DramatisError, match=r"'Clark'.*did you mean 'Clarke'"):
        find_character(cast, "Clark")
    texts = ['"No."', '"We go down together, or not at all, Bellamy."', "x" * 300]
    assert preview_line(texts, "Clarke") == "We go down together, or not at all, Bellamy."
    assert "Clarke" in preview_line([], "Clarke")


def test_filter_voices_by_language():
    assert {v.id for v in filter_voices(VOICES, "fr")} == {"roa/fr", "roa/fr+f1"}
    gb = filter_voices(VOICES, "en-gb")
    assert gb and all(v.id.startswith(("gmw/en+", "gmw/en-gb", "gmw/en")) for v in gb)
    assert "gmw/en-us" not in {v.id for v in gb}
    assert [v.id for v in filter_voices(VOICES)] == sorted(v.id for v in VOICES)
    table = format_voices_table(filter_voices(VOICES, "fr"))
    assert table.splitlines()[0].split() == ["id", "name", "languages", "gender"]


def test_hash_is_stable_across_runs():
    # A fixed value: Python's hash() is salted per process, ours must not be.
    values = {stable_hash(n) for n in itertools.repeat("Clarke", 3)}
    assert len(values) == 1
    assert stable_hash("Clarke") == stable_hash("CLARKE")


def test_voice_named_by_its_variant_suggests_full_ids(tmp_path):
    p = write(tmp_path, "narrator:\n  voice: f2\n")
    with pytest.raises(
        DramatisError, match=r"did you mean 'gmw/en\+f2' or 'gmw/en-gb-x-rp\+f2' or 'gmw/en-us\+f2'"
    ):
        load_cast(p, ENGINE)


def test_preview_line_cuts_long_lines_at_a_sentence_end():
    long = "It was late. " + "The wind kept on howling over the ridge all night long. " * 6
    assert preview_line([long], "narrator", max_chars=80) == (
        "It was late. The wind kept on howling over the ridge all night long."
    )
    assert len(preview_line(["word " * 100], "X", max_chars=50)) <= 50


# ----------------------------------------------------------------------- other engines

NEURAL = [
    VoiceInfo("af_bella", "Bella", ("en-us",), "female", "en-us", "af_bella"),
    VoiceInfo("af_sky", "Sky", ("en-us",), "female", "en-us", "af_sky"),
    VoiceInfo("bf_emma", "Emma", ("en-gb",), "female", "en-gb", "bf_emma"),
    VoiceInfo("am_adam", "Adam", ("en-us",), "male", "en-us", "am_adam"),
]


@pytest.fixture
def neural_installed(monkeypatch):
    """A third engine, 'neural', registered (only its name: nothing is started)."""
    monkeypatch.setattr(
        "dramatis.cast.parse.available_engines", lambda: [DEFAULT_ENGINE, "espeak-ng", "neural"]
    )


def test_an_engine_without_pitch_is_varied_by_rate_and_pitch_is_noted(tmp_path, neural_installed):
    neural = facts(NEURAL, "af_bella", frozenset({"rate"}), "neural")
    women = [Character(f"W{i}", [], "female") for i in range(4)]
    got = assign_voices(women, neural)
    assert all(v.pitch is None for v in got.values())  # it would not be heard
    heard = {(v.id, v.rate) for v in got.values()}
    assert len(heard) == 4 and "af_bella" not in {v.id for v in got.values()}
    p = write(tmp_path, "engine: neural\nnarrator: {pitch: 40}\ncharacters:\n  W0: {pitch: 60}\n")
    cast = load_cast(p, neural)
    assert any("neural engine ignores pitch" in n and "narrator" in n for n in cast.notes)


def test_accent_is_preferred_when_a_character_asks_for_it():
    neural = facts(NEURAL, "af_bella", frozenset({"rate"}), "neural")
    names = ["Mrs Hudson", "Irene", "Mary", "Molly", "Violet", "Helen"]

    def picks(accent, engine):
        return [
            assign_voices([Character(n, [], "female", accent=accent)], engine)[n].id for n in names
        ]

    assert set(picks("en-gb", neural)) == {"bf_emma"}
    assert set(picks(None, neural)) == {"af_sky", "bf_emma"}  # without it: either
    info = {v.id: v for v in VOICES}
    assert all(info[i].accent.startswith("en-gb") for i in picks("en-gb", ENGINE))
    assert not all(info[i].accent.startswith("en-gb") for i in picks("en-us", ENGINE))


def test_another_engines_voice_ids_fall_back_to_automatic_voices(tmp_path, neural_installed):
    """The top level speaks with pyttsx3 (espeak ids); a story names another engine."""
    neural = facts(NEURAL, "af_bella", frozenset({"rate"}), "neural")
    text = (
        "narrator: {voice: gmw/en-us}\ncharacters:\n  Clarke: {gender: female, voice: gmw/en+f2}\n"
        "stories:\n  drop.txt: {engine: neural}\n"
    )
    p = write(tmp_path, text)
    cast = load_cast(p, neural, story="drop.txt")
    assert cast.engine == "neural"
    assert cast.characters["Clarke"].voice.id in {"af_sky", "bf_emma"}
    assert any("'gmw/en+f2' is not a neural voice" in n for n in cast.notes)
    # New characters found in that story go into the file without another engine's id.
    assert add_characters(p, [Character("Raven", [], "female")], neural, story="drop.txt")
    assert "Raven: {gender: female}" in p.read_text() or "Raven:\n" in p.read_text()
    assert load_cast(p, ENGINE).characters["Raven"].voice.id.startswith("gmw/")
    # The engine's own sections stay strict: a typo is still an error.
    with pytest.raises(DramatisError, match=r"unknown voice id 'gmw/en\+f33'"):
        load_cast(write(tmp_path, "characters:\n  A: {voice: gmw/en+f33}\n"), ENGINE)
