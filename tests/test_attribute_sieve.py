"""The sieve's name and speech-verb rules, each on a short text written for it."""

from __future__ import annotations

from dramatis.attribution import attribute, sieve
from dramatis.model import Cast, Character
from dramatis.text.segment import segment


def cast(*chars: Character) -> Cast:
    return Cast(characters={c.name: c for c in chars})


def speakers(text: str, c: Cast | None) -> list[str | None]:
    att = attribute(text, segment(text), c)
    return [s.speaker for s in att.segments if s.kind == "dialogue"]


def tagged(text: str, c: Cast | None) -> list[str | None]:
    """The speaker each line's speech tag names (the sieve's explicit rule), else None."""
    att = sieve(text, segment(text), c)
    return [
        att.chars[att.spk0[k]].name if att.method.get(k) == "explicit" else None
        for k, s in enumerate(att.segs)
        if s.kind == "dialogue"
    ]


def test_bare_surname_means_the_man_and_titled_forms_follow_gender() -> None:
    # the cast lists full names only; "Pemble" alone is the husband, "Mrs. Pemble" the wife
    josh = Character("Joshua Pemble", [], "male")
    ada = Character("Ada Pemble", ["Ada"], "female")
    text = (
        "The Pembles sat at breakfast.\n\n"
        '"Toast again," said Pemble.\n\n'
        '"You asked for toast," said Mrs. Pemble.\n\n'
        '"I did," Mr. Pemble admitted.\n\n'
        '"Then eat it," said Joshua\'s wife.\n\n'
        '"Very well," answered Joshua.'
    )
    got = speakers(text, cast(josh, ada))
    assert got[:3] == ["Joshua Pemble", "Ada Pemble", "Joshua Pemble"]
    assert got[4] == "Joshua Pemble"


def test_listed_alias_wins_over_a_derived_surname() -> None:
    # "Crane" is listed for the sister; the brother is only "Mr. Crane"
    sis = Character("Hetty Crane", ["Crane"], "female")
    bro = Character("Mr. Walter Crane", [], "male")
    text = '"Late," said Crane.\n\n"Not at all," said Mr. Crane.'
    assert speakers(text, cast(sis, bro)) == ["Hetty Crane", "Mr. Walter Crane"]


def test_listed_description_matches_the_lowercase_phrase() -> None:
    sailor = Character("The Boatman", [], "male")
    kit = Character("Kit Morrow", [], "female")
    text = (
        "Kit Morrow reached the quay at noon.\n\n"
        '"Fine weather," said the boatman.\n\n'
        '"Is it?" said Kit.\n\n'
        '"For the time of year," the boatman replied.'
    )
    assert speakers(text, cast(sailor, kit)) == ["The Boatman", "Kit Morrow", "The Boatman"]


def test_indefinite_description_is_definite_later() -> None:
    owl = Character("An Old Owl", [], "male")
    kit = Character("Kit", [], "female")
    text = (
        "Kit met an old owl in the wood.\n\n"
        '"Who goes there?" hooted the old owl.\n\n'
        '"Only me," said Kit.'
    )
    assert speakers(text, cast(owl, kit)) == ["An Old Owl", "Kit"]


def test_name_broken_across_a_line_and_title_without_period() -> None:
    darcy = Character("Mr. Darcy", [], "male")
    jane = Character("Jane", [], "female")
    text = (
        'Jane looked up.\n\n"It rains," said\nMr.\nDarcy.\n\n"It does," said Jane.\n\n'
        '"Still," said Mr Darcy.'
    )
    assert speakers(text, cast(darcy, jane)) == ["Mr. Darcy", "Jane", "Mr. Darcy"]


def test_description_in_any_case_and_possessive_description() -> None:
    crab = Character("The Old Crab", [], "female")
    sis = Character("Her Sister", [], "female")
    meg = Character("Meg", [], "female")
    text = (
        "Meg sat on the bank beside her sister.\n\n"
        '"Wake up, Meg," said her sister.\n\n'
        '"I was dreaming," said Meg.\n\n'
        '"Of crabs, I suppose," grumbled the old crab from the rock.'
    )
    assert speakers(text, cast(crab, sis, meg)) == ["Her Sister", "Meg", "The Old Crab"]


def test_speech_verbs_with_doubled_consonants() -> None:
    text = (
        'Tom and Jane sat by the fire.\n\n"It is late," admitted Tom.\n\n'
        '"It is," nodded Jane.\n\n"Then go," comforted Tom.'
    )
    tom, jane = Character("Tom", [], "male"), Character("Jane", [], "female")
    assert speakers(text, cast(tom, jane)) == ["Tom", "Jane", "Tom"]


TOM = Character("Tom", [], "male")
JANE = Character("Jane", [], "female")
KITTY = Character("Kitty", [], "female")


def test_said_to_someone_is_the_listener_not_the_speaker() -> None:
    text = (
        "Tom and Jane were in the garden.\n\n"
        'Jane turned from the roses and said to Tom, "It will rain."\n\n'
        'Tom looked at the sky and said to Jane, "Not today."'
    )
    assert speakers(text, cast(TOM, JANE)) == ["Jane", "Tom"]
    assert tagged(text, cast(TOM, JANE)) == ["Jane", "Tom"]


def test_nearest_clause_subject_before_the_verb() -> None:
    text = (
        "Tom and Jane were in the garden.\n\n"
        'Tom shrugged at the clouds, and Jane, never patient, exclaimed, "Let us go in!"\n\n'
        'Jane opened the gate for Kitty, who, out of breath, cried out, "Wait for me!"'
    )
    assert speakers(text, cast(TOM, JANE, KITTY)) == ["Jane", "Kitty"]
    assert tagged(text, cast(TOM, JANE, KITTY)) == ["Jane", "Kitty"]


def test_a_title_is_not_the_end_of_a_sentence() -> None:
    mrs = Character("Mrs. Barry", [], "female")
    mr = Character("Mr. Barry", [], "male")
    text = 'The Barrys were at home.\n\nMrs. Barry, not hearing, merely said kindly: "How are you?"'
    assert speakers(text, cast(mrs, mr)) == ["Mrs. Barry"]
    assert tagged(text, cast(mrs, mr)) == ["Mrs. Barry"]


def test_possessive_speech_nouns() -> None:
    text = (
        "Tom and Jane were in the garden.\n\n"
        '"We must go in," was Tom\'s opinion.\n\n'
        'Jane\'s words were: "Not yet."'
    )
    assert speakers(text, cast(TOM, JANE)) == ["Tom", "Jane"]
    assert tagged(text, cast(TOM, JANE)) == ["Tom", "Jane"]


def test_a_participle_takes_the_listener() -> None:
    text = (
        "Tom and Jane were in the garden.\n\n"
        '"Are you ready?" said Tom.\n\n'
        '"Not quite," said Jane. "You go first," addressing Tom.'
    )
    assert speakers(text, cast(TOM, JANE)) == ["Tom", "Jane", "Jane"]
    assert tagged(text, cast(TOM, JANE)) == ["Tom", "Jane", None]


def test_an_adjective_before_an_inverted_name() -> None:
    text = (
        'Tom and Jane were in the garden.\n\n"Is it late?" yawned sleepy Tom.\n\n"Very," said Jane.'
    )
    assert speakers(text, cast(TOM, JANE)) == ["Tom", "Jane"]
    assert tagged(text, cast(TOM, JANE)) == ["Tom", "Jane"]


def test_it_is_the_animal_not_the_girl() -> None:
    hare = Character("The Hare", [], "male")
    text = (
        "Kit sat under the tree and the Hare sat beside her.\n\n"
        'Kit heard it say to itself, "Too late, too late!"\n\n'
        '"Late for what?" said Kit.'
    )
    assert tagged(text, cast(hare, Character("Kit", [], "female"))) == ["The Hare", "Kit"]


def test_she_is_not_the_woman_the_line_talks_about() -> None:
    ann = Character("Ann", [], "female")
    mrs = Character("Mrs. Pike", [], "female")
    text = (
        "Ann sat by Tom. Mrs. Pike stood at the door.\n\n"
        '"Mrs. Pike says I may stay," she whispered, turning to Tom.'
    )
    assert tagged(text, cast(ann, mrs, TOM)) == ["Ann"]


def test_the_one_addressed_by_name_answers() -> None:
    bob = Character("Bob", [], "male")
    text = (
        "Bob walked with Tom and Jane to the harbour. Tom was whistling.\n\n"
        '"But, Bob," cried Jane, "you must have been vexed."\n\n'
        '"I knew what she was," said he.'
    )
    assert tagged(text, cast(TOM, bob, JANE)) == ["Jane", "Jane", "Bob"]


def test_a_name_before_the_line_outweighs_a_pronoun_after_it() -> None:
    text = (
        "Tom stood by the window and Bob by the door.\n\n"
        "When the clock had struck, Tom addressed the stranger:\n\n"
        '"You are late," he observed.'
    )
    bob = Character("Bob", [], "male")
    assert tagged(text, cast(TOM, bob)) == ["Tom"]


def test_a_speaker_only_described_becomes_a_character_when_nobody_is_listed() -> None:
    from dramatis.attribution.discover import discover_descriptions

    text = (
        "Mr. Pell sat on the bench by the harbour. An old boatman sat down beside him.\n\n"
        '"Fine day," said the boatman.\n\n"Very," said Mr. Pell.\n\n'
        '"Rain later," said the old boatman.\n\n"Perhaps," said Mr. Pell.\n\n'
        '"Mark my words," the boatman said.\n\n"I will," said the man beside him.\n\n'
        '"Good," said the man.\n\n"Good," said the man.\n\n"Good," said the man.'
    )
    found = discover_descriptions(text, segment(text), [])
    assert [(c.name, c.gender) for c in found] == [("The Boatman", "male")]
    assert speakers(text, None)[:5] == [
        "The Boatman",
        "Mr. Pell",
        "The Boatman",
        "Mr. Pell",
        "The Boatman",
    ]


def test_a_shared_first_name_means_the_one_seldom_named_in_full() -> None:
    mus = Character("Charles Musgrove", [], "male")
    hay = Character("Charles Hayter", [], "male")
    filler = (
        "Later that week the family dined together, and the talk was all of the harvest, "
        "the weather, the roads and the new curate, for a long while.\n\n"
    )
    text = (
        "Charles Hayter had walked over from the farm. Charles Hayter was tired. "
        "Charles Hayter sat down.\n\n" + filler * 4 + '"Is it true?" cried Charles.\n\n'
        "Then Charles Hayter came to the door.\n\n"
        '"It is," said Charles.'
    )
    assert tagged(text, cast(mus, hay)) == ["Charles Musgrove", "Charles Hayter"]


def test_described_speakers_resolve_by_sex_and_relation() -> None:
    ned = Character("Ned", [], "male")
    meg = Character("Meg", [], "female")
    ma = Character("Mrs. Dale", [], "female")
    text = (
        "Mrs. Dale sat by the fire. Meg came in with Ned.\n\n"
        '"Is supper ready?" asked the young girl.\n\n'
        '"Not yet," exclaimed her mother.\n\n'
        '"Then I shall wait," said the boy.'
    )
    # "her mother" is a woman other than the one "her" means
    assert tagged(text, cast(ned, meg, ma)) == ["Meg", "Mrs. Dale", "Ned"]


def test_tags_across_a_paragraph_and_possessive_speakers() -> None:
    text = (
        "Tom and Jane were in the garden.\n\n"
        '"Rain," said Tom at last. Jane looked up at the sky and said,\n\n'
        '"Not today."\n\n'
        "The talk was stopped by Tom's suddenly saying,\n\n"
        '"Look there!"\n\n'
        '"A hawk," had been Jane\'s reply.\n\n'
        'Tom\'s only comment when he saw it was: "Gone."'
    )
    assert tagged(text, cast(TOM, JANE)) == ["Tom", "Jane", "Tom", "Jane", "Tom"]


def test_an_untagged_part_continues_the_tagged_line_before_it_in_the_paragraph() -> None:
    # one paragraph holding two turns (hard-wrapped text that lost its blank lines)
    text = (
        "Tom and Jane were at breakfast.\n\n"
        '"More tea?" said Jane.  "It is fresh."  "No," said Tom.  "Thank you."'
    )
    assert speakers(text, cast(TOM, JANE)) == ["Jane", "Jane", "Tom", "Tom"]
    att = sieve(text, segment(text), cast(TOM, JANE))
    assert [att.chars[att.spk0[k]].name for k in att.dia] == ["Jane", "Jane", "Tom", "Tom"]


def test_passive_agent_and_a_narration_paragraph_introducing_the_line() -> None:
    text = (
        "Tom and Jane were in the garden.\n\n"
        "Tom was thinking of supper, when he was suddenly accosted by Jane,\n\n"
        '"You are dreaming."\n\n'
        "Tom resumed in a lower voice.\n\n"
        '"Of supper, yes."'
    )
    assert tagged(text, cast(TOM, JANE)) == ["Jane", "Tom"]


def test_went_on_before_a_full_stop() -> None:
    text = (
        'Tom and Jane were in the garden.\n\n"It is cold," said Tom.\n\n"And late," Jane went on.'
    )
    assert tagged(text, cast(TOM, JANE)) == ["Tom", "Jane"]


def test_a_wife_styled_by_her_husbands_name_does_not_take_his_first_name() -> None:
    from dramatis.attribution.discover import discover

    text = (
        "Charles Pell came home. Mrs. Charles Pell was at the door. Charles smiled. "
        "Mrs. Charles Pell laughed. Charles sat down. Mrs. Pell said nothing.\n\n"
        '"Well?" said Charles.\n\n"Well," said Mrs. Pell.'
    ) * 2
    found = discover(text, segment(text))
    wife = [c for c in found if "Mrs. Pell" in c.names or "Mrs. Charles Pell" in c.names]
    assert wife and all("Charles" not in c.names for c in wife)


def test_capitalised_description_is_discovered_once() -> None:
    from dramatis.attribution.discover import discover_descriptions

    text = (
        'Kit sat by the Owl.\n\n"Who?" said the Owl.\n\n"Me," said Kit.\n\n'
        '"Who?" said the Owl.\n\n"Me!" said Kit.\n\n"Who?" the Owl said.'
    )
    known = [Character("Kit", [], "female")]
    assert [c.name for c in discover_descriptions(text, segment(text), known)] == ["The Owl"]
    known.append(Character("Owl", [], "unknown"))
    assert discover_descriptions(text, segment(text), known) == []


def test_a_surname_that_is_mostly_a_common_word_is_not_derived() -> None:
    mrs = Character("Mrs. Long", [], "female")
    text = (
        "Jane sat up with Mrs. Long. It was a long night and a long wait and a long day.\n\n"
        'Long after midnight. "Go to bed," she said.'
    )
    assert tagged(text, cast(mrs, JANE)) == ["Jane"]


def test_a_speech_continued_over_paragraphs_keeps_one_speaker() -> None:
    # no closing mark at a paragraph's end, an opening one on the next: one speech, one
    # speaker, however many paragraphs; turn-taking resumes after it
    ned = Character("Ned Harrow", [], "male")
    ruth = Character("Ruth Cole", [], "female")
    text = (
        '"Tell me about the mill," said Ruth.\n\n'
        '"It burned in the winter of the flood," said Ned. "Nobody saw it start.\n\n'
        '"By morning the wheel was ash and the race was choked with beams.\n\n'
        '"We rebuilt it the next spring, stone by stone."\n\n'
        '"And the miller?"\n\n'
        '"He never came back."'
    )
    got = speakers(text, cast(ned, ruth))
    assert got == ["Ruth Cole", *["Ned Harrow"] * 4, "Ruth Cole", "Ned Harrow"]


def test_a_listener_named_in_the_tag_answers_next() -> None:
    # "said Rose to Vera": Vera is not the speaker, and the untagged reply is hers, not
    # the speaker of the line before (Amy)
    rose = Character("Rose", [], "female")
    vera = Character("Vera", [], "female")
    amy = Character("Amy", [], "female")
    text = (
        '"Tea?" said Amy.\n\n'
        '"Later," said Rose, turning to Vera. "Will you walk with me first?"\n\n'
        '"Gladly."'
    )
    att = sieve(text, segment(text), cast(rose, vera, amy))
    assert att.chars[att.spk0[att.dia[-1]]].name == "Vera"


def test_said_i_counts_like_a_name_in_a_first_person_story() -> None:
    # "I" means exactly one person when the narrator tells the story: a named tag's weight
    holmes = Character("Holmes", [], "male")
    watson = Character("Watson", [], "male")
    text = (
        'I found Holmes at the window. "Sit down, Watson," said Holmes.\n\n'
        '"Thank you," said I. I took the chair and I waited.\n\n'
        '"You are late, Watson," he said.\n\n'
        '"The trains," I answered.'
    )
    att = sieve(text, segment(text), cast(holmes, watson))
    got = [(att.chars[att.spk0[k]].name, att.conf0[k]) for k in att.dia]
    assert [n for n, _c in got] == ["Holmes", "Watson", "Holmes", "Watson"]
    assert got[1][1] >= 0.95 and got[3][1] >= 0.95  # "said I", "I answered"
    assert got[2][1] < 0.95  # "he said" stays a pronoun's


def test_she_before_anyone_is_named_means_the_woman_named_next() -> None:
    # an opening scene says "replied his wife" and "she" before it names her; the woman
    # the next pages name most is meant (the one named once in passing is not)
    tom = Character("Mr. Dale", [], "male")
    nell = Character("Mrs. Dale", [], "female")
    kit = Character("Kitty", [], "female")
    text = (
        '"The roof leaks again," said Mr. Dale one morning.\n\n'
        '"It always leaks," replied his wife.\n\n'
        "Kitty was out. Mrs. Dale went to the window. Mrs. Dale sighed, and Mrs. Dale sat.\n\n"
    )
    assert tagged(text, cast(tom, nell, kit)) == ["Mr. Dale", "Mrs. Dale"]


def test_a_speech_over_paragraphs_counts_as_a_turn_for_the_reply_after_next() -> None:
    # Ned's untagged tale (found by turn-taking) is a turn: after Ruth's tagged question,
    # the untagged answer is Ned's again, though the narration never names him
    ned = Character("Ned Harrow", ["Ned"], "male")
    ruth = Character("Ruth Cole", ["Ruth"], "female")
    text = (
        '"Where were you all night, Ned?" said Ruth.\n\n'
        '"At the mill. It began at dawn, when the sluice jammed.\n\n'
        '"Then the wheel broke and the race flooded."\n\n'
        '"And then?" asked Ruth.\n\n'
        '"Then I ran home."'
    )
    att = sieve(text, segment(text), cast(ned, ruth))
    assert [att.chars[att.spk0[k]].name for k in att.dia] == [
        "Ruth Cole",
        "Ned Harrow",
        "Ned Harrow",
        "Ruth Cole",
        "Ned Harrow",
    ]
