"""Quoted text a listener hears from the narrator (issue 3): words mentioned or named inside a
sentence, imagined speech, quoted headings, lists of quoted words and documents read out; each
next to the real speech it must not swallow."""

from __future__ import annotations

from itertools import pairwise

from dramatis.text.segment import segment


def dialogue(text: str) -> list[str]:
    segs = segment(text)
    assert segs[0].start == 0 and segs[-1].end == len(text)
    for a, b in pairwise(segs):
        assert a.end == b.start
    assert "".join(text[s.start : s.end] for s in segs) == text
    return [text[s.start : s.end] for s in segs if s.kind == "dialogue"]


def test_fragments_inside_a_sentence_are_narration() -> None:
    text = (
        'Everyone at the school had called her "carrots." On her desk lay a '
        'big luscious "strawberry apple." Anne caught it up. The shore road was '
        '"woodsy and wild and lonesome."  Fearing "something was the matter," she went to the door.\n'
    )
    assert dialogue(text) == []


def test_interrupted_speech_and_exclamations_stay_speech() -> None:
    text = (
        '"Yes, sir," said Anne slowly "but I didn\'t suppose you meant it."\n\n'
        'The party crowded round her, calling out "Prizes! Prizes!" at once. Sleary (who said '
        '"Indeed, sir!" to all of it) nodded. There was an occasional exclamation of '
        '"Hjckrrh!" from the Gryphon.  She sighed. "Well, well," went on Mrs. Lynde.\n'
    )
    assert dialogue(text) == [
        '"Yes, sir,"',
        '"but I didn\'t suppose you meant it."',
        '"Prizes! Prizes!"',
        '"Indeed, sir!"',
        '"Hjckrrh!"',
        '"Well, well,"',
    ]


def test_named_things_are_narration() -> None:
    text = (
        'They met outside the "Jolly Cricketers" at noon. The pupils must write a composition '
        'on "A Winter\'s Walk in the Woods," and be observant. Slackbridge unfolded what '
        'he called "that damning document," and held it up. Kemp addressed it to '
        '"Colonel Adye, Port Burdock."\n'
    )
    assert dialogue(text) == []


def test_imagined_speech_is_narration() -> None:
    text = (
        'He gave Louisa a look that plainly said, "Behold your Bounderby!"  Mrs. Sparsit shook '
        'her head, as much as to say, "The great know trouble too."\n\n'
        'He plainly said, "No."\n'
    )
    assert dialogue(text) == ['"No."']


def test_quoted_headings_and_thoughts_as_subjects_are_narration() -> None:
    text = (
        'He rent the paper open. "An Entire Village in Sussex goes Mad" was the heading.  She '
        'looked round. "These would have been all my friends," was her thought.\n\n'
        'He paused. "Yes," was the reply.  Charles was cross. "I could manage them well," was '
        "what Anne often heard him say.\n"
    )
    assert dialogue(text) == ['"Yes,"', '"I could manage them well,"']


def test_lists_of_quoted_words_are_narration() -> None:
    text = (
        'She saw in the motion of his lips the words "apology," "Hunsford," and '
        '"Lady Catherine de Bourgh."  He read stray "magnifiques," "coups-de-maitre," and '
        '"tours-de-force," in the letter.\n'
    )
    assert dialogue(text) == []


def test_documents_announced_or_labelled_are_narration() -> None:
    text = (
        "The next was in these words.\n\n"
        '"I do not pretend to regret any thing I shall leave in Hertfordshire."\n\n'
        'A bottle labeled yellowly, "Best Vanilla." stood there.  He had a letter from her. '
        '"Those people have turned up here," she wrote. "They seem to know everyone."\n\n'
        "Soon after breakfast, he addressed the mother in these words,\n\n"
        '"May I hope, Madam, for a private audience with Elizabeth?"\n\n'
        "She begged him to lose no time before he\nwrote.\n\n"
        '"Oh! my dear father," she cried.\n\n'
        '"Tell him to get up, and pack up."\n\n'
        "He wrote two more notes.\n"
    )
    assert dialogue(text) == [
        '"May I hope, Madam, for a private audience with Elizabeth?"',
        '"Oh! my dear father,"',
        '"Tell him to get up, and pack up."',
    ]


def test_speech_tags_after_the_quote_must_be_tags() -> None:
    # a verb deeper in a clause, a noun ("a laugh"), "so called", "struck" without "in" are no tags
    text = (
        'Diana repeated the "oath" with a laugh. The "Avenue," so called by the people, was '
        'long. He had been writing some verses "To Priscilla" before he called the class. '
        'Mrs. Sparsit\'s "sir," was a word of ceremony. The clock had struck "eleven with its '
        'silver sounds," and all was still.\n\n'
        'She waved. "Come here!" called Anne. The house was furnished with "great '
        'magnificence," as Anne told Marilla. He sat. "No," the old woman said.\n'
    )
    assert dialogue(text) == ['"Come here!"', '"great magnificence,"', '"No,"']


def test_unsaid_speech_is_narration() -> None:
    text = (
        'Mary complained. She never had the smallest temptation to say, "Very true."  Alice '
        'was very nearly getting up and saying, "Thank you, sir, for your story," but sat.\n\n'
        'He spoke. She could not help saying, "Oh!"\n'
    )
    assert dialogue(text) == ['"Oh!"']


def test_list_and_letter_runs_stop_at_a_speech_tag() -> None:
    text = (
        'He called it "rubbish," and "Nonsense!" cried Mary.  He was at the "Crown," it must '
        "be added, all day.\n\n"
        'She took the pen. "Dear John," she wrote, then looked up. "Is this right?" she asked.'
        '  "Yes," he then said.\n'
    )
    assert dialogue(text) == ['"Nonsense!"', '"Is this right?"', '"Yes,"']


def test_quoted_words_reported_after_said_that_stay_speech() -> None:
    text = 'He frowned. He said that "The rules are the rules." Then he left.\n'
    assert dialogue(text) == ['"The rules are the rules."']


def test_unindented_stanza_in_quotes_is_narration() -> None:
    # every line of the stanza starts with a capital; wrapped prose lines do not
    text = (
        "The Mock Turtle sang this, very slowly and sadly:--\n\n"
        '"Will you walk a little faster?" said a whiting to a snail.\n'
        "\"There's a porpoise close behind us, and he's treading on my tail.\n"
        "See how eagerly the lobsters and the turtles all advance!\n"
        "Will you, won't you, will you, won't you, will you join the dance?\"\n\n"
        '"Thank you, it\'s a very interesting dance to watch," said Alice, feeling very\n'
        'glad that it was over at last: "and I do so like that curious song about\n'
        "the whiting! I never heard it before, and I should like to hear it again\n"
        'Now, if you please."\n'
    )
    assert dialogue(text) == [
        '"Thank you, it\'s a very interesting dance to watch,"',
        '"and I do so like that curious song about\nthe whiting! I never heard it before, '
        'and I should like to hear it again\nNow, if you please."',
    ]


def test_quote_put_first_as_a_predicate_is_narration() -> None:
    text = (
        'She had heard of her. "A terrible worker and driver," Mrs. Peter was said to be. He '
        'bowed. "Common," she was, as her aunt had said.\n\n'
        'He ran in. "I am frightened!" He was, indeed, half crying.\n'
    )
    assert dialogue(text) == ['"I am frightened!"']


def test_newspaper_quoted_is_narration() -> None:
    text = (
        'On opening the _Standard_ again I found more. "With reference to the '
        'tragedy," it remarked, "we have news."\n\n'
        'He handed me the telegram. "Come at once," it said. "Wait for me."\n\n'
        'The Mouse did not notice this question. "Come back!" it said, "and I\'ll tell you."\n'
    )
    assert dialogue(text) == ['"Come back!"', '"and I\'ll tell you."']


def test_newspaper_named_in_the_tag_is_narration() -> None:
    text = (
        'I opened the paper. "Late last night," said the _Evening Post_, "a house in Kent '
        'was broken into."  "Shocking," said Holmes.\n'
    )
    assert dialogue(text) == ['"Shocking,"']


def test_letter_runs_on_past_a_word_that_contains_ever() -> None:
    # "reversion." ends like a sign-off ("...ever,") only inside a word: the letter goes on.
    text = (
        "This was the letter:--\n\n"
        '"Dear Tom,--I have your note. We shall sell the farm, whatever the cost, and the '
        'reversion."\n\n'
        '"I am tired of the name, and I wish you would not use it."\n\n'
        'She put it down. "Poor Jack," said Anne.\n'
    )
    assert dialogue(text) == ['"Poor Jack,"']


def test_letter_told_as_written_is_narration() -> None:
    text = (
        'She wrote again when the visit was over. "I did not find Mary at home," were her '
        'words, "but her sister was very kind to me, and I stayed an hour."\n\n'
        'He wrote a short note to his aunt about the money. "You will understand," he '
        'added, "how much I need it."\n\n'
        'Then he wrote his name. "There," said he, "it is done."\n\n'
        'He wrote a few lines, then looked up. "Are you ready?"\n'
    )
    assert dialogue(text) == ['"There,"', '"it is done."', '"Are you ready?"']


def test_quote_opening_a_paragraph_can_be_the_subject() -> None:
    text = (
        '"What could have become of the boat!" was a wonder that kept them talking till '
        'dark.\n\n"It sank," said Tom.\n'
    )
    assert dialogue(text) == ['"It sank,"']


def test_quoted_word_as_subject_of_a_modal_is_narration() -> None:
    text = 'He thought for a moment--"we" could only mean the two of them. "We go," she said.\n'
    assert dialogue(text) == ['"We go,"']


def test_report_continuing_the_narrators_sentence_is_narration() -> None:
    # Quoted indirect speech: the quote goes on the narrator's sentence in the third person and
    # the past tense; the same words resumed after a speech tag or an action beat are speech.
    text = (
        'He praised her looks; he thought her "less pale in her face, and her hair was much '
        'improved since he had seen her last."  "Thank you, papa," said she.\n\n'
        '"O yes," he returned, observing her, "she was a great beauty in her day, and all the '
        'men admired her."  "Well," he shrugged, "she had never been happy there, and her '
        'mother knew it."\n'
    )
    assert dialogue(text) == [
        '"Thank you, papa,"',
        '"O yes,"',
        '"she was a great beauty in her day, and all the men admired her."',
        '"Well,"',
        '"she had never been happy there, and her mother knew it."',
    ]


def test_announced_thoughts_are_narration() -> None:
    text = (
        'These were her private reflections: "We need not ask them to dine; they would not '
        'enjoy it."  Then she rang. "Ask them for the evening," said she.\n\n'
        'He summed up his argument: "The man is guilty, and we can prove it."\n'
    )
    assert dialogue(text) == [
        '"Ask them for the evening,"',
        '"The man is guilty, and we can prove it."',
    ]


def test_titles_sung_or_recited_are_narration() -> None:
    text = (
        'Mary was shelling peas and singing "The Banks of Allan Water" with great spirit. When '
        'Tom recited "The Wreck of the Hesperus" Anne laughed aloud. "Bravo!" cried Tom. She '
        'was singing, "Come away, come away!"\n\n"Hello Sam" said Bob.\n'
    )
    assert dialogue(text) == ['"Bravo!"', '"Come away, come away!"', '"Hello Sam"']


def test_text_introduced_as_a_page_or_motto_is_narration() -> None:
    text = (
        'The page ended with the family motto:--"Faithful and true, in the county of Kent," '
        'and his own handwriting again at the foot:--"Heir, John Smith, of Dover."\n\n'
        'She made out the words: "Fetch the ladder!"  It often drew this compliment:--"Well '
        'done, Miss Anne!"\n\nHe held up the letter: "This came for you today."\n'
    )
    assert dialogue(text) == [
        '"Fetch the ladder!"',
        '"Well done, Miss Anne!"',
        '"This came for you today."',
    ]


def test_words_being_written_down_are_narration() -> None:
    text = (
        'The jurors were all writing down "stupid things!" on their slates. It was not plainly '
        'written there, "but do you like him?" she asked.\n'
    )
    assert dialogue(text) == ['"but do you like him?"']


def test_a_title_in_italics_is_narration() -> None:
    text = (
        'They listened till she got to her repeating "_The Boy Stood on the Burning Deck_," '
        'to the Caterpillar. "_Never_," she said. "_Stop it!_" cried he.\n'
    )
    assert dialogue(text) == ['"_Never_,"', '"_Stop it!_"']


def test_a_letter_continued_after_narration_about_it_is_narration() -> None:
    text = (
        "Her second letter came on Monday. She explained the delay by her first letter having "
        'been lost.\n\n"My aunt," she continued, "goes into town to-morrow, and I shall go '
        'with her."\n\n"Read it again," said Tom. He put down the letter.\n\n'
        '"It came to-day," he continued.\n'
    )
    assert dialogue(text) == ['"Read it again,"', '"It came to-day,"']


def test_an_apostrophe_is_not_a_quote_before_a_report() -> None:
    # British single quotes: "Walter's" has the same mark, but no quote precedes the report.
    text = (
        "Sir Walter's thoughts ran on Mrs Wallis. 'He longed to see her. He hoped she might be "
        "pretty, and he had been told she was.'\n\n'Is she pretty?' asked Anne.\n"
    )
    assert dialogue(text) == ["'Is she pretty?'"]
