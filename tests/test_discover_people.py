"""Character discovery with nothing given: one person's names make one character, relatives
and sentence openers do not.  Short texts written for these tests; each names its rule."""

from __future__ import annotations

from dramatis.attribution import attribute
from dramatis.text.segment import segment


def run(text: str):
    return attribute(text, segment(text), None)


def owner(att, name: str):
    """The character one of whose names is ``name``, or None."""
    return next((c for c in att.characters if name in c.names), None)


def test_sentence_openers_are_no_part_of_a_name() -> None:
    text = (
        "Presently Tony came into the library. Tony was tired; he sat down by the fire.\n\n"
        '"Is that you, Tony?" asked Brenda from the door.\n\n'
        '"It is," said Tony.\n\n'
        "Instead Brenda laughed, and she sat beside him instead of at the window. Presently "
        "Brenda spoke again.\n\n"
        '"You look tired, Tony," said Brenda.\n\n'
        '"I am," said Tony. He smiled at Brenda.\n'
    )
    att = run(text)
    names = {n for c in att.characters for n in c.names}
    assert "Tony" in names and "Brenda" in names
    assert not {n for n in names if n.startswith(("Presently", "Instead"))}


def test_an_interjection_is_not_the_narrator_s_name() -> None:
    text = (
        "I went down to the river with Jim, and I sat on the bank.\n\n"
        '"Shucks, it ain\'t nothing," said I.\n\n'
        '"You better mind, Huck," said Jim. "Dey\'s a storm a-comin\'."\n\n'
        '"Shucks, I ain\'t afraid," said I.\n\n'
        '"Well, Huck, I is," said Jim, and he looked at the sky.\n\n'
        '"Shucks," said I.\n'
    )
    att = run(text)
    assert att.narrator == "Huck"
    assert owner(att, "Shucks") is None


def test_nicknames_and_diminutives_are_one_character() -> None:
    text = (
        "Huckleberry Finn came down the lane, and Tom Sawyer waited for him by the fence. "
        "Sid watched them from the window; he did not like Huck.\n\n"
        '"Hello, Huck," said Tom.\n\n'
        '"Hello yourself," said Huck. He sat on the fence.\n\n'
        '"You come here, Hucky!" called the widow from the house, but Huck did not move. '
        '"Do you hear me, Hucky?" She always called him Hucky.\n\n'
        '"Thomas Sawyer, where are you?" cried his aunt. Tom hid.\n\n'
        '"He is with Huck," said Sidney, and Sid went back in.\n\n'
        '"I\'ll lick you, Sid," said Tom. Tom meant it; Huck laughed. Sid ran.\n'
    )
    att = run(text)
    huck = owner(att, "Huck")
    assert huck is not None and {"Huckleberry Finn", "Hucky"} <= set(huck.names)
    tom = owner(att, "Tom")
    assert tom is not None and {"Tom Sawyer", "Thomas Sawyer"} <= set(tom.names)
    sid = owner(att, "Sid")
    assert sid is not None and "Sidney" in sid.names
    assert len({id(huck), id(tom), id(sid)}) == 3


def test_a_titled_first_name_takes_its_nickname() -> None:
    text = (
        "Lord Henry lit a cigarette. Lord Henry was bored, and he looked at Dorian. Dorian "
        "looked at Lord Henry, and Lord Henry smiled at him.\n\n"
        '"You are charming, Harry," said Dorian.\n\n'
        '"I am never charming," said Lord Henry. He laughed.\n\n'
        '"Harry, you are absurd," said Dorian. Lord Henry shrugged; he said nothing.\n'
    )
    att = run(text)
    henry = owner(att, "Lord Henry")
    assert henry is not None and "Harry" in henry.names


def test_a_foreign_honorific_is_the_english_one() -> None:
    text = (
        "Mr. Poirot sat by the window. Monsieur Poirot, said the maid, was a foreigner; he "
        "wore a waxed moustache.\n\n"
        '"Good morning, Monsieur Poirot," said Mary.\n\n'
        '"Good morning, madame," said Mr. Poirot. He bowed.\n\n'
        '"You are early," said Monsieur Poirot. Mary smiled; she sat down.\n'
    )
    att = run(text)
    poirot = owner(att, "Mr. Poirot")
    assert poirot is not None and "Monsieur Poirot" in poirot.names


def test_relatives_sharing_a_surname_stay_apart() -> None:
    text = (
        "Mr. Knightley and Mr. John Knightley came in together. Mr. John Knightley was the "
        "younger; Mr. Knightley was the elder, and he spoke first.\n\n"
        '"A cold evening," said Mr. Knightley.\n\n'
        '"Very cold," said Mr. John Knightley. He sat down.\n\n'
        "Emma looked from Mr. Knightley to Mr. John Knightley; she smiled.\n\n"
        '"You are both welcome," said Emma.\n\n'
        '"Thank you," said Mr. Knightley.\n'
    )
    att = run(text)
    elder, younger = owner(att, "Mr. Knightley"), owner(att, "Mr. John Knightley")
    assert elder is not None and younger is not None and elder is not younger
    says = [s.speaker for s in att.segments if s.kind == "dialogue"]
    assert says == [elder.name, younger.name, "Emma", elder.name]


def test_gender_is_not_taken_from_another_person_s_title() -> None:
    text = (
        "Dr. Grimesby Roylott came into the room. He was a huge man, and he glared at us. "
        "Miss Roylott, his sister, had died two years before.\n\n"
        '"Which of you is Holmes?" said Dr. Grimesby Roylott.\n\n'
        '"I am," said Holmes. He did not rise.\n\n'
        '"I will see to you," said Dr. Roylott, and he bent the poker. He went out.\n'
    )
    att = run(text)
    roylott = owner(att, "Dr. Roylott")
    assert roylott is not None and roylott.gender != "female"
    assert "Miss Roylott" not in roylott.names


def test_a_nominal_speaker_is_the_named_person_the_turns_identify() -> None:
    turns = [
        ('"You must show it," said Lord Henry.', '"I will not," said Basil Hallward.'),
        (
            '"Why not?" asked Lord Henry.',
            '"I have put too much of myself in it," said the painter.',
        ),
        ('"Nonsense," said Lord Henry.', '"It is true," said Basil Hallward.'),
        ('"Then burn it," said Lord Henry.', '"Never," said the painter.'),
        ('"You are absurd," said Lord Henry.', '"Perhaps," said the painter.'),
    ]
    text = "Lord Henry lay on the divan. Basil Hallward stood by the easel; he was pale.\n\n"
    text += "".join(f"{a}\n\n{b}\n\n" for a, b in turns)
    att = run(text)
    basil = owner(att, "Basil Hallward")
    assert basil is not None
    assert owner(att, "The Painter") is basil
    painter_lines = [s for s in att.segments if s.kind == "dialogue" and "Never" in s.text(text)]
    assert painter_lines and painter_lines[0].speaker == basil.name


def test_an_unidentified_nominal_speaker_gets_a_voice_of_its_own() -> None:
    text = (
        "The coach stopped at the inn, and Anne Grey got down. Nobody met her.\n\n"
        '"Room for one more?" said the young man at the door.\n\n'
        "The landlord shook his head. Rain fell on the yard.\n\n"
        '"Then I shall sleep in the barn," said the young man.\n\n'
        "A dog barked somewhere behind the stables.\n\n"
        '"The barn is wet," said the young man. He went out.\n\n'
        '"Good night," said Anne Grey. She went upstairs.\n'
    )
    att = run(text)
    man = owner(att, "The Young Man")
    assert man is not None and man.gender == "male"
    says = [s.speaker for s in att.segments if s.kind == "dialogue"]
    assert says[:3] == [man.name] * 3 and says[-1] == "Anne Grey"
