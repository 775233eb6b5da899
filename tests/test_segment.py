"""Segmentation: every quoting case of issue 3, on short texts with known answers."""

from __future__ import annotations

from itertools import pairwise

from dramatis.text.segment import segment


def check_tiling(text: str, segs) -> None:
    assert segs[0].start == 0 and segs[-1].end == len(text)
    for a, b in pairwise(segs):
        assert a.end == b.start
    assert all(s.end > s.start for s in segs)
    assert "".join(text[s.start : s.end] for s in segs) == text


def dialogue(text: str) -> list[str]:
    segs = segment(text)
    check_tiling(text, segs)
    return [text[s.start : s.end] for s in segs if s.kind == "dialogue"]


def test_straight_double_quotes_and_tiling() -> None:
    text = '"Hello," said Jane. "How are you?"\n\nHe smiled.\n'
    assert dialogue(text) == ['"Hello,"', '"How are you?"']


def test_curly_quotes() -> None:
    assert dialogue("“Stop!” she cried. “Now.”") == ["“Stop!”", "“Now.”"]


def test_british_single_quotes_with_apostrophes() -> None:
    text = (
        "'I don't know,' she said. 'Give 'em the Bennets' house at five o'clock.'\n\n"
        "'It's rock 'n' roll, isn't it?' he asked.\n"
    )
    assert dialogue(text) == [
        "'I don't know,'",
        "'Give 'em the Bennets' house at five o'clock.'",
        "'It's rock 'n' roll, isn't it?'",
    ]


def test_apostrophes_in_double_quoted_text_are_not_quotes() -> None:
    text = "The Bennets' house stood there. 'Tis late, he thought, and rock 'n' roll played."
    assert dialogue(text) == []


def test_nested_quotes_stay_inside() -> None:
    text = "\"She told me 'never again' and left,\" he said."
    assert dialogue(text) == ["\"She told me 'never again' and left,\""]
    text = "'He said \"no\" to me,' she said."
    assert dialogue(text) == ["'He said \"no\" to me,'"]


def test_multi_paragraph_quotation() -> None:
    text = '"The first part of my story.\n\n"The second part.\n\n"And the end."\n\nShe stopped.'
    segs = segment(text)
    check_tiling(text, segs)
    kinds = [(text[s.start : s.end], s.kind) for s in segs]
    assert kinds[:5] == [
        ('"The first part of my story.', "dialogue"),
        ("\n\n", "narration"),
        ('"The second part.', "dialogue"),
        ("\n\n", "narration"),
        ('"And the end."', "dialogue"),
    ]


def test_interrupted_quote() -> None:
    assert dialogue('"I can\'t," she said, "not now."') == ['"I can\'t,"', '"not now."']


def test_broken_off_speech() -> None:
    assert dialogue('"Bellamy-"\n\n"What..."\n\n"Wait--" he began.') == [
        '"Bellamy-"',
        '"What..."',
        '"Wait--"',
    ]


def test_titles_and_scare_quotes_are_narration() -> None:
    text = 'She read "Hamlet" twice, and called him a "friend" of hers.'
    assert dialogue(text) == []
    # but a short spoken line is speech
    assert dialogue('"Yes," he said. "No"') == ['"Yes,"', '"No"']


def test_no_quotes_and_empty_text() -> None:
    text = "Nothing but narration here.\n\nAnd here."
    segs = segment(text)
    check_tiling(text, segs)
    assert [s.kind for s in segs] == ["narration"]
    assert segment("") == []


def test_unbalanced_mark_recovers_at_paragraph_end() -> None:
    text = '"I never closed this, she said.\n\nThe next paragraph is narration.'
    segs = segment(text)
    check_tiling(text, segs)
    assert [text[s.start : s.end] for s in segs if s.kind == "dialogue"] == [
        '"I never closed this, she said.'
    ]
    assert segs[-1].kind == "narration" and "next paragraph" in text[segs[-1].start : segs[-1].end]


def test_one_paragraph_per_line_text() -> None:
    text = '"Open quote that never closes\nHe waited. "Then this," she said.\n'
    assert dialogue(text) == ['"Open quote that never closes', '"Then this,"']


def test_hard_wrapped_quote_over_lines() -> None:
    text = '"This quote is wrapped\nover two lines," said he.\n\nNarration.'
    assert dialogue(text) == ['"This quote is wrapped\nover two lines,"']


def test_indented_letter_and_verse_are_narration() -> None:
    text = (
        "She opened the letter and read:\n\n"
        '     "My dear Lizzy, I am well and send my love."\n\n'
        '"Is that all?" asked Jane.\n\n'
        "Alice began:\n\n"
        '"How doth the little crocodile\n    Improve his shining tail!"\n\n'
        "Nobody answered.\n"
    )
    assert dialogue(text) == ['"Is that all?"']


def test_mentioned_words_and_labels_are_narration() -> None:
    text = (
        'The bottle was marked "poison," so she left it. He called her "carrots" twice.\n\n'
        '"Come here," she said, saying to herself "This is mine,"\n'
    )
    assert dialogue(text) == ['"Come here,"', '"This is mine,"']


def test_third_person_reported_thoughts_are_narration() -> None:
    text = (
        "Mary deplored the necessity. "
        '"Nobody knew how much she should suffer; she would put it off as long as she could."'
        "\n\n"
        'Mary sighed. "I will not go."\n'
    )
    assert dialogue(text) == ['"I will not go."']


def test_same_mark_quote_nested_in_speech_stays_inside() -> None:
    text = '"And I said, "Are you hurt?" (as he did) and he said nothing," she sobbed.\n'
    assert dialogue(text) == ['"And I said, "Are you hurt?" (as he did) and he said nothing,"']


def test_unindented_letter_run_is_narration() -> None:
    # dateline, salutation with a dash, fully quoted paragraphs, sign-off and name: all the letter
    text = (
        "It had been begun several days back.\n\n"
        '"February 1st."\n\n'
        '"My dear Anne,--I make no apology for my silence.  All is dull here."\n\n'
        '"We had a visit from the Harvilles, who are well."\n\n'
        '"Yours affectionately,"\n\n'
        '"Mary M."\n\n'
        '"Well?" said her father. "What does she say?"\n'
    )
    assert dialogue(text) == ['"Well?"', '"What does she say?"']


def test_letter_tagged_by_wrote_and_by_its_source() -> None:
    text = (
        '"Dearest Diana" [wrote Anne],\n\n'
        '"Here it is Tuesday night and I am writing in the library."\n\n'
        '"Yours devotedly,"\n\n'
        '"Anne"\n\n'
        '"That girl!" said Marilla.\n\n'
        '"You have been clever," this letter ran, "though you are against me."\n\n'
        'The advertisement ran in this way:\n\n"Lost. A steam launch, black."\n'
    )
    assert dialogue(text) == ['"That girl!"']


def test_vocatives_and_proceeding_speech_are_not_letters() -> None:
    # "My dear Louisa," said as speech, "Sir," alone, and "proceeded thus" stay dialogue
    text = (
        '"My dear Louisa," said her father, "sit down."\n\n'
        '"Sir,"\n\n'
        "He cleared his throat, and proceeded thus:\n\n"
        '"I confess that I do think so."\n'
    )
    assert dialogue(text) == [
        '"My dear Louisa,"',
        '"sit down."',
        '"Sir,"',
        '"I confess that I do think so."',
    ]


def test_reported_speech_after_a_speech_verb_in_narration() -> None:
    # "said" earlier in the narration does not make a third-person past-tense report speech,
    # but a question after "repeated her question" is still asked aloud
    text = (
        "She was said to be a pretty woman. "
        '"He longed to see her. He hoped she might make some amends."\n\n'
        'Alice repeated her question. "Why did they live at the bottom of a well?"\n'
    )
    assert dialogue(text) == ['"Why did they live at the bottom of a well?"']


def test_title_case_titles_are_narration() -> None:
    text = (
        'A picture entitled "Christ Blessing Little Children" hung by a placard, "Mordecai Smith" '
        'in red, while he cried, "Good Morning!" and she said "Come In"\n'
    )
    assert dialogue(text) == ['"Good Morning!"', '"Come In"']


def test_running_people_do_not_make_letters() -> None:
    text = 'He ran after her: "Wait!"\n\nThe notice ran thus:\n\n"Closed on Sundays."\n'
    assert dialogue(text) == ['"Wait!"']


def test_speech_resumes_after_an_inset_verse() -> None:
    # the closing mark after the verse ends the speech left open before it; a stray closing
    # mark with no open speech before it is not dialogue
    text = (
        '"I had to sing\n\n'
        "'Twinkle, twinkle, little bat!'\n\n"
        'You know the song, perhaps?"\n\n'
        '"I\'ve heard it," said Alice.\n\n'
        "He stopped.\n\n"
        'The end of it all."\n\n'
        "She left.\n"
    )
    assert dialogue(text) == [
        '"I had to sing',
        'You know the song, perhaps?"',
        '"I\'ve heard it,"',
    ]


def test_talk_about_others_in_the_present_is_speech() -> None:
    text = (
        "Mrs. Costello looked at them again. "
        '"He is very handsome. She thinks him the finest gentleman she had ever seen."\n'
    )
    assert dialogue(text) == [
        '"He is very handsome. She thinks him the finest gentleman she had ever seen."'
    ]


def test_british_quoted_name_ending_in_s_closes_before_the_next_quote() -> None:
    # the mark after "Cricketers" could be a possessive, but the next mark opens a quote
    text = (
        "'I don't know,' she said. They met at the 'Jolly Cricketers' and he replied, "
        "'Hello there.' 'The Bennets' house is big,' she said.\n"
    )
    assert dialogue(text) == ["'I don't know,'", "'Hello there.'", "'The Bennets' house is big,'"]


def test_british_quotes_opening_with_it_or_is() -> None:
    # 'it / 'is after a comma, colon or sentence end open a quote; after a word they are
    # elisions ('im, 'ere)
    text = (
        "'If I eat one,' she thought, 'it's sure to make some change.'\n\n"
        "'What you ask,' said Elizabeth, 'is no sacrifice.'\n\n"
        "He smiled gently. 'It is of the first importance,' he said.\n\n"
        "'Give 'im a shilling and come 'ere,' said the cabman.\n"
    )
    assert dialogue(text) == [
        "'If I eat one,'",
        "'it's sure to make some change.'",
        "'What you ask,'",
        "'is no sacrifice.'",
        "'It is of the first importance,'",
        "'Give 'im a shilling and come 'ere,'",
    ]
