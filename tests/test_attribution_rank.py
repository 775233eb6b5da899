"""The learned speaker ranker (attribution.rank) on short texts with known answers.

The rule sieve alone gets most short scenes right, so a speaker test here checks the ranker
itself: ``ranker_first`` is the shipped model's own first choice for each line (with its
weights patched out these tests fail), and a control text without the evidence a test is
named for gets a different answer (so the evidence, not some other cue, decides).
"""

from __future__ import annotations

import numpy as np

from dramatis.attribution import attribute, sieve
from dramatis.attribution.ranker import NULL, Ranker, candidates, load_weights
from dramatis.model import Cast, Character
from dramatis.text.segment import segment

MARY = Character("Mary", [], "female")
TOM = Character("Tom", [], "male")
ANN = Character("Ann", [], "female")


def speakers(text: str, *chars: Character) -> list[str | None]:
    cast = Cast(characters={c.name: c for c in chars})
    att = attribute(text, segment(text), cast)
    return [s.speaker for s in att.segments if s.kind == "dialogue"]


def ranker_first(text: str, *chars: Character) -> list[str | None]:
    """The shipped ranker's top candidate for each dialogue line, scored line by line (before
    a paragraph's lines are pooled and an exchange is decoded jointly)."""
    weights = load_weights()
    assert weights is not None, "the shipped ranker's weights are missing"
    att = sieve(text, segment(text), Cast(characters={c.name: c for c in chars}))
    first: dict[int, str] = {}
    for k, cands, feats in candidates(att):
        if cands:
            scores = weights.score(weights.matrix(feats)).tolist()
            first[k] = att.chars[cands[scores.index(max(scores))]].name
    return [first.get(k) for k in att.dia]


def test_shipped_ranker_loads_and_scores() -> None:
    r = load_weights()
    assert r is not None
    x = r.matrix([{NULL: 1.0}, {"s_expl_name": 1.0}])
    s = r.score(x)
    # a named speech verb beats "someone else"
    assert s[1] > s[0]


def test_hidden_layer_changes_the_score() -> None:
    lin = Ranker(["a", "b"], [1.0, -1.0])
    mlp = Ranker(["a", "b"], [1.0, -1.0], {"W": [[2.0, 0.0]], "b": [0.0], "v": [1.5]})
    x = lin.matrix([{"a": 1.0}, {"b": 1.0}, {"zzz": 5.0}])
    assert np.allclose(lin.score(x), [1.0, -1.0, 0.0])
    assert np.allclose(mlp.score(x), [1.0 + 1.5 * np.tanh(2.0), -1.0, 0.0])
    assert mlp.to_json()["hidden"]["v"] == [1.5]


def test_two_person_exchange_alternates() -> None:
    text = (
        "Mary found Tom in the yard at dawn.\n\n"
        '"Where have you been?" said Mary.\n\n'
        '"At the mill," said Tom.\n\n'
        '"All night?"\n\n'
        '"All night. The wheel broke."\n\n'
        '"You could have sent word."\n\n'
        '"I could not leave it."'
    )
    expected = ["Mary", "Tom", "Mary", "Tom", "Mary", "Tom"]
    assert speakers(text, MARY, TOM) == expected
    # the bare lines alternate in the ranker's own scores, not only in the sieve's turns
    assert ranker_first(text, MARY, TOM) == expected


def test_second_half_of_a_paragraph_follows_its_speech_verb() -> None:
    text = (
        "Tom and Mary sat on the step.\n\n"
        '"Is it done?" said Mary.\n\n'
        '"It is done," he answered. "I sold it this morning, and the cart too."'
    )
    assert speakers(text, MARY, TOM) == ["Mary", "Tom", "Tom"]
    assert ranker_first(text, MARY, TOM) == ["Mary", "Tom", "Tom"]
    # the verb names Ann, though turn-taking would give the reply to Tom: both halves hers
    text = (
        "Tom, Ann and Mary sat on the step.\n\n"
        '"Is it done?" said Mary.\n\n'
        '"It is done," said Ann. "I sold it this morning, and the cart too."'
    )
    assert speakers(text, MARY, TOM, ANN) == ["Mary", "Ann", "Ann"]
    assert ranker_first(text, MARY, TOM, ANN) == ["Mary", "Ann", "Ann"]


def test_reaction_beat_names_the_next_speaker() -> None:
    """Three people: turn-taking gives the bare line to Tom (A-B-A), the beat to Mary.  The
    rule sieve alone says Tom; the ranker weighs the beat higher."""
    scene = (
        "Tom, Ann and Mary sat in the kitchen.\n\n"
        '"I sold the farm," said Tom.\n\n'
        '"You did what?" said Ann.\n\n'
        "{beat}\n\n"
        '"Without asking me?"'
    )
    text = scene.format(beat="Mary put down the bowl and glared at him.")
    assert speakers(text, MARY, TOM, ANN) == ["Tom", "Ann", "Mary"]
    assert ranker_first(text, MARY, TOM, ANN) == ["Tom", "Ann", "Mary"]
    control = scene.format(beat="The clock ticked on the wall.")
    assert speakers(control, MARY, TOM, ANN) == ["Tom", "Ann", "Tom"]


def test_intent_to_speak_names_the_speaker_of_the_next_bare_line() -> None:
    """ "He opens his mouth to say thank you." ends a paragraph with no quote: the bare line
    that follows is his, though turn-taking and her beat would give it to her."""
    text = (
        "Tom lay by the fire and Mary knelt beside him.\n\n"
        '"I am so cold," said Tom.\n\n'
        "Mary wraps the blanket round him. He opens his mouth to say thank you.\n\n"
        '"Please."'
    )
    assert speakers(text, MARY, TOM) == ["Tom", "Tom"]
    assert ranker_first(text, MARY, TOM) == ["Tom", "Tom"]
    control = text.replace("He opens his mouth to say thank you.", "He closes his eyes.")
    assert speakers(control, MARY, TOM) == ["Tom", "Mary"]


def test_first_person_answer_to_a_you_line_changes_speaker() -> None:
    """ "No, I don't." answers "You know why.": the speaker changes even though the reply
    paragraph carries a beat of the previous speaker ("She glares at him")."""
    text = (
        "Tom followed Mary to the gate.\n\n"
        '"Why won\'t you stay?" said Tom.\n\n'
        '"You know why." She turns away.\n\n'
        '"No, I don\'t." She glares at him. "Tell me."'
    )
    assert speakers(text, MARY, TOM) == ["Tom", "Mary", "Tom", "Tom"]


def test_vocative_in_the_previous_line_is_the_next_speaker() -> None:
    text = (
        "Tom, Mary and Ann sat down to breakfast.\n\n"
        '"Good morning," said Tom.\n\n'
        '"Good morning," said Mary. "Ann, will you pour the tea?"\n\n'
        '"Of course. Who takes sugar?"'
    )
    assert speakers(text, MARY, TOM, ANN) == ["Tom", "Mary", "Mary", "Ann"]
    assert ranker_first(text, MARY, TOM, ANN) == ["Tom", "Mary", "Mary", "Ann"]
    control = text.replace('"Ann, will you', '"Will you')
    assert speakers(control, MARY, TOM, ANN) == ["Tom", "Mary", "Mary", "Tom"]


def test_candidates_include_speakers_beyond_the_mention_window() -> None:
    # Tom spoke before a long passage that never names him; he is still a candidate
    filler = "The rain kept on over the hills and the river rose. " * 90
    text = f'"Fetch the lamp," said Tom.\n\n{filler}\n\n"It is late," said Mary.'
    cast = Cast(characters={c.name: c for c in (MARY, TOM)})
    att = sieve(text, segment(text), cast)
    k, cands, feats = candidates(att)[-1]
    names = [att.chars[c].name for c in cands]
    assert "Tom" in names
    assert feats[names.index("Tom")].get("wide") == 1.0
    assert att.chars[att.spk[k]].name == "Mary"


def test_second_stage_model_round_trips_through_json() -> None:
    first = Ranker(["a"], [1.0])
    first.second = Ranker(["a"], [-2.0], {"W": [[1.0]], "b": [0.5], "v": [0.25]})
    back = Ranker.from_json(first.to_json())
    x = back.matrix([{"a": 1.0}])
    assert back.score(x)[0] == 1.0
    assert back.second is not None
    assert np.isclose(back.second.score(x)[0], -2.0 + 0.25 * np.tanh(1.5))


def test_pronoun_means_the_one_of_that_gender_in_the_exchange() -> None:
    # Ann is named last, in the narration, but the exchange is Tom's and Mary's: "she
    # answered" fits only Mary among its people (the feature "pa_conv"), not Ann
    text = (
        '"Is the mill safe?" said Tom.\n\n'
        '"Safe enough," said Mary.\n\n'
        '"And the wheel?" he asked. Ann watched them from the door.\n\n'
        '"Mended," she answered.'
    )
    att = sieve(text, segment(text), Cast(characters={c.name: c for c in (MARY, TOM, ANN)}))
    _k, cands, feats = candidates(att)[-1]
    conv = [att.chars[c].name for c, f in zip(cands, feats, strict=True) if f.get("pa_conv")]
    assert conv == ["Mary"]


def test_first_person_narrator_counts_as_prominent_not_unnamed() -> None:
    # the narrator is never named in the narration, yet is no stranger: the mention count
    # feature ("ments") gives them the most-named character's, so a model trained on
    # third-person novels does not favour them as a voice that speaks without a name
    text = (
        'I found Holmes at the window. Holmes did not turn. "Sit down, Watson," said Holmes.\n\n'
        '"Thank you," said I. I took the chair.\n\n'
        '"You are late, Watson."'
    )
    holmes = Character("Holmes", [], "male")
    watson = Character("Watson", [], "male")
    att = sieve(text, segment(text), Cast(characters={c.name: c for c in (holmes, watson)}))
    assert att.narrator is not None and att.chars[att.narrator].name == "Watson"
    _k, cands, feats = candidates(att)[-1]
    ments = {att.chars[c].name: f["ments"] for c, f in zip(cands, feats, strict=True)}
    assert ments["Watson"] == ments["Holmes"] > 0
