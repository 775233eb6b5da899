"""Opening credits say the title as a listener should hear it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dramatis.model import Story
from dramatis.speech.credits import opening_text


@pytest.mark.parametrize(
    ("stem", "said"),
    [
        ("000_d490e8756aafd380", "Read by Dramatis."),  # a hash-named file: no title to say
        ("01_the_long_night", "the long night. Read by Dramatis."),
        ("the_39_steps", "the 39 steps. Read by Dramatis."),
        ("Chapter 0", "Chapter 0. Read by Dramatis."),
    ],
)
def test_a_title_from_the_file_name_is_said_without_its_ids(stem: str, said: str) -> None:
    story = Story(text="Once.", title=stem, source=Path(f"stories/{stem}.txt"))
    assert opening_text(story) == said


def test_a_real_title_is_said_as_written() -> None:
    story = Story(text="Once.", title="2001_a", source=Path("x.txt"), author="A. Writer")
    assert opening_text(story) == "2001_a. Written by A. Writer. Read by Dramatis."
