"""Character discovery with no cast: places, families and odd words are not characters, and
one person's names (nicknames, titles) become one character.  Short texts written for these
tests; each names its rule."""

from __future__ import annotations

from dramatis.attribution import attribute
from dramatis.text.segment import segment


def run(text: str):
    return attribute(text, segment(text), None)


def names_of(att) -> set[str]:
    return {n for c in att.characters for n in c.names}


def speakers(att) -> list[str | None]:
    return [s.speaker for s in att.segments if s.kind == "dialogue"]


def test_places_are_not_characters() -> None:
    text = (
        "Anne Marsh lived at Kellton with her father. She walked from Kellton to the Cobb "
        "every morning, and on the Cobb she met Captain Harlow. He bowed to her. In Kellton "
        "everyone knew him.\n\n"
        '"Good morning," said Anne.\n\n'
        '"Good morning," said Captain Harlow. "Have you come from Kellton?"\n\n'
        '"I have," said Anne. "The wind is cold on the Cobb."\n\n'
        "They walked along the Cobb towards Kellton. Near Kellton, Anne stopped, and she "
        "smiled. Her father called Kellton the best place in the world. At the Cobb the sea "
        "was grey; it said nothing.\n\n"
        '"Shall we go back to Kellton?" he asked.\n\n'
        '"Yes," said Anne.\n'
    )
    att = run(text)
    found = names_of(att)
    assert "Anne" in found or "Anne Marsh" in found
    assert any("Harlow" in n for n in found)
    assert not found & {"Kellton", "Cobb", "The Cobb"}
    assert all(s in ("Anne", "Anne Marsh", "Captain Harlow") for s in speakers(att))


def test_adjectives_and_a_lisp_are_not_characters() -> None:
    text = (
        "Mr. Sleary came into the ring. His was an Arcadian life, he said, and Tom laughed. "
        "Tom was the clown's boy; he was quick.\n\n"
        '"Thquire, you are welcome," said Mr. Sleary. "Thquire, thit down."\n\n'
        '"Thank you," said Tom, with a Shakespearean bow. "Your Arcadian circus is fine."\n\n'
        '"Thquire, it ith the betht," said Mr. Sleary. The Arcadian wind blew; it was cold.\n'
    )
    att = run(text)
    found = names_of(att)
    assert "Tom" in found and "Mr. Sleary" in found
    assert not found & {"Thquire", "Arcadian", "Shakespearean"}


def test_families_are_not_characters() -> None:
    text = (
        "Mr. Harlow and Mrs. Harlow came to dinner, and Miss Pemberton came with her sister. "
        "The Harlows were kind people; they laughed a great deal. The Miss Pembertons sat "
        "together.\n\n"
        '"Welcome to the house," said the Harlows together.\n\n'
        '"Thank you," said Miss Pemberton. She smiled at Mr. Harlow.\n\n'
        '"You are very good," said Mr. Harlow. He bowed. The Harlows then sat down, and the '
        "Miss Pembertons followed them.\n\n"
        '"And the Pembertons?" said Mrs. Harlow. "Are the Pembertons coming again?"\n\n'
        '"Yes," said Miss Pemberton.\n'
    )
    att = run(text)
    found = names_of(att)
    assert {"Mr. Harlow", "Mrs. Harlow", "Miss Pemberton"} <= {c.name for c in att.characters}
    assert not found & {"Harlows", "The Harlows", "Miss Pembertons", "Pembertons"}
    assert "The Harlows" not in speakers(att) and None not in speakers(att)[1:]


def test_nicknames_and_titles_merge_into_one_character() -> None:
    text = (
        "Elizabeth Ward came down early. Elizabeth was the second daughter; she loved to "
        "walk. Elizabeth met Admiral Croft in the lane, and the Admiral smiled. Lady "
        "Catherine watched from her window; she frowned. Kitty ran after Elizabeth.\n\n"
        '"Lizzy, wait!" cried Kitty.\n\n'
        '"Good morning, Miss Eliza," said the Admiral. He bowed.\n\n'
        '"Good morning, Admiral," said Elizabeth.\n\n'
        '"Lizzy is always early," said Kitty. She laughed. Elizabeth laughed too. The '
        "Admiral went on; he was old. Elizabeth and Kitty went home.\n\n"
        '"Where have you been, Lizzy?" said Lady Catherine. "Miss Eliza, you are late."\n\n'
        '"In the lane," said Elizabeth.\n'
    )
    att = run(text)
    chars = {c.name: c for c in att.characters}
    liz = next(c for c in att.characters if "Elizabeth" in c.names)
    assert {"Lizzy", "Miss Eliza"} <= set(liz.names)
    assert liz.gender == "female"
    croft = next(c for c in att.characters if "Admiral Croft" in c.names)
    assert croft.name == "Admiral Croft" and "Admiral" in croft.names
    assert not any(n in ("Lizzy", "Miss Eliza", "The Admiral") for n in chars)
    # Kitty is not Lady Catherine: no one calls a "Lady Catherine" by a nickname
    assert "Kitty" in chars and "Kitty" not in chars["Lady Catherine"].names
    assert speakers(att)[1] == "Admiral Croft"


def test_a_cast_gets_only_newcomers_seen_speaking() -> None:
    from dramatis.model import Cast, Character

    alice = Character("Alice", [], "female")
    text = (
        "Alice sat by the fire with Dinah. Dinah purred; she was a good cat. Dinah slept on, "
        "and Alice watched her.\n\n"
        '"Dinah, you are lazy," said Alice.\n\n'
        '"Dinah, wake up!" said Alice. Tom came in; he smiled at her.\n\n'
        '"Hello, Alice," said Tom.\n\n'
        '"Hello," said Alice. "Dinah, say hello to Tom."\n'
    )
    att = attribute(text, segment(text), Cast(characters={"Alice": alice}))
    names = [c.name for c in att.characters]
    assert names[0] == "Alice" and "Tom" in names and "Dinah" not in names
    assert speakers(att) == ["Alice", "Alice", "Tom", "Alice", "Alice"]


def test_a_cast_gets_a_newcomer_who_acts_in_the_scene() -> None:
    """Lexa is never named in a speech tag (she only "says"), but she nods, smiles and steps
    back in the narration: she is in the scene and gets her lines, though the cast (left by
    another story's build) lists only the narrator "you" and someone absent."""
    from dramatis.model import Cast, Character

    listed = Cast(
        characters={
            "Clarke": Character("Clarke", [], "female"),
            "Bellamy": Character("Bellamy", [], "male"),
        }
    )
    text = (
        "You think of Bellamy, far away at the camp. Then you see Lexa on the hill, and your "
        "heart stops when Lexa looks at you.\n\n"
        'Lexa walks down to you. "Clarke."\n\n'
        '"Lexa," you say.\n\n'
        'Lexa nods. She takes your hand. "Come with me, Clarke."\n\n'
        '"Where?" you ask.\n\n'
        'Lexa smiles and pulls you close. "Home."\n'
    )
    att = attribute(text, segment(text), listed)
    assert "Lexa" in [c.name for c in att.characters]
    assert speakers(att) == ["Lexa", "Clarke", "Lexa", "Clarke", "Lexa"]


def test_captions_things_and_common_nouns_are_not_characters() -> None:
    text = (
        "[Illustration: Tom at the fence]\n\n"
        "Tom Sawyer sat on the fence, and Stapleton came up the lane. He had a net.\n\n"
        '"Death," said Stapleton of the bog called the Grimpen Mire. The mire had taken a '
        "pony; the mire takes all. He read his Bible every night, he said, and Tom laughed.\n\n"
        "[Illustration: Stapleton and the net]\n\n"
        '"I don\'t believe it," said Tom. He looked at the Grimpen Mire, and he shivered.\n\n'
        "[Illustration: The mire]\n\n"
        '"You will," said Stapleton. He had a Bible in his pocket, and the Bible was old.\n\n'
        '"Shall we go and see the Grimpen Mire?" said Tom. He smiled at Stapleton.\n\n'
        '"Not tonight," said Stapleton. "The Grimpen Mire is no place for a boy."\n'
    )
    att = run(text)
    found = names_of(att)
    assert "Stapleton" in found and ("Tom" in found or "Tom Sawyer" in found)
    assert not found & {"Illustration", "Grimpen Mire", "Bible", "The Bible"}
