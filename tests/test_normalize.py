"""Speech normalisation: what the engine is given, never the story text."""

from __future__ import annotations

import subprocess

import pytest

from conftest import ESPEAK
from dramatis.text.normalize import roman_to_int, speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # numbers espeak-ng already reads well are left alone
        ("It cost 1,234 dollars.", "It cost 1,234 dollars."),
        ("the 3rd and 21st time, 50% of 1.5", "the 3rd and 21st time, 50% of 1.5"),
        ("1500 soldiers and 1234 steps", "1500 soldiers and 1234 steps"),
        # years (in context), decades, ranges of years
        ("In 1984 they met.", "In 19 84 they met."),
        ("Since 1066, and by 2005, in 2021.", "Since 10 66, and by 2005, in 20 21."),
        ("in 1900", "in 19 hundred"),
        ("the year 1905", "the year 19 oh 5"),
        ("From 1990-1995.", "From 19 90 to 19 95."),
        (
            "the 1990s, the '90s, his 60's, the 1900s",
            "the 19 nineties, the nineties, his sixties, the 19 hundreds",
        ),
        # dates
        ("On 12/25/2020.", "On December 25th, 20 20."),
        ("On 25/12/2020.", "On December 25th, 20 20."),
        ("On 2020-01-05.", "On January 5th, 20 20."),
        ("Feb 3, 2019 and Jan. 5", "February 3rd, 20 19 and January 5th"),
        ("3 February", "3rd February"),
        # times
        ("At 3:05 pm.", "At 3 oh 5 pm."),
        ("At 2:00 and 7:00 a.m. and 14:00.", "At 2 o'clock and 7 a.m. and 14 hundred."),
        ("At 10:30.", "At 10:30."),
        # currency
        ("It costs $5.50.", "It costs 5 dollars and 50 cents."),
        ("$1 and £3.01 and €10", "1 dollar and 3 pounds and 1 penny and 10 euros"),
        ("$5 million or $2.5k", "5 million dollars or 2.5 thousand dollars"),
        # abbreviations
        ("Mr. Smith met Dr. Who.", "Mister Smith met Doctor Who."),
        ("Mrs. Jones and Ms. Lee and Mr Brown", "Missus Jones and Miz Lee and Mister Brown"),
        ("at St. Mary's on Elm St. today", "at Saint Mary's on Elm Street today"),
        ("He lives on Elm St.", "He lives on Elm Street."),
        ("apples, pears, etc. and more", "apples, pears, etcetera and more"),
        ("We ran. Etc. etc. Then", "We ran. Etc. etcetera. Then"),
        ("Kirk vs. Spock", "Kirk versus Spock"),
        ("No. 5 and #1 fan", "number 5 and number 1 fan"),
        (
            "Capt. Hook and Lt. Dan and Sgt. Pepper",
            "Captain Hook and Lieutenant Dan and Sergeant Pepper",
        ),
        ("John Jr. went. Then Ch. 3", "John Junior went. Then Chapter 3"),
        ("e.g. this, i.e. that", "for example this, that is that"),
        # Roman numerals in text
        ("Henry VIII and Louis XIV.", "Henry the 8th and Louis the 14th."),
        ("World War II and Chapter IV", "World War 2 and Chapter 4"),
        ("Part I was fun.", "Part I was fun."),
        ("Malcolm X and I", "Malcolm X and I"),
        # fractions and ranges
        ("Add 1/2 cup and 3/4 more", "Add 1 half cup and 3 quarters more"),
        ("open 24/7 for 10-15 people", "open 24 7 for 10 to 15 people"),
        ("a score of 3-2", "a score of 3-2"),
        # pauses
        ("Wait...what", "Wait... what"),
        ("Wait. . . what", "Wait... what"),
        ("He ran--fast", "He ran — fast"),
        ("He ran—fast", "He ran—fast"),
        # markup, URLs, emoji
        ("He was *very* _angry_ and **loud**.", "He was very angry and loud."),
        ("~~gone~~ #blessed snake_case", "gone blessed snake_case"),
        ("See https://www.example.com/a/b?x=1. Or www.ao3.org!", "See example.com. Or ao3.org!"),
        ("I love it 😀 yes 👍🏽 ok ❤️.", "I love it yes ok."),
        ("😂😂😂", ""),
    ],
)
def test_speech(text: str, spoken: str) -> None:
    assert speech(text) == spoken


@pytest.mark.parametrize(
    ("heading", "spoken"),
    [
        ("Chapter XII", "Chapter 12"),
        ("CHAPTER IV: The End", "CHAPTER 4: The End"),
        ("Chapter I", "Chapter 1"),
        ("XII.", "12."),
        ("Part II - Chapter I", "Part 2 - Chapter 1"),
        ("Chapter Two: The Storm", "Chapter Two: The Storm"),
        ("Chapter 3 - Title", "Chapter 3 - Title"),
    ],
)
def test_heading_numerals(heading: str, spoken: str) -> None:
    assert speech(heading, heading=True) == spoken


def test_roman_numerals_only_in_headings_when_alone() -> None:
    assert speech("I", heading=False) == "I"
    assert speech("CHAPTER IV") == "CHAPTER IV"  # upper-case keyword: only in headings
    assert roman_to_int("xiv") == 14
    assert roman_to_int("MCMLXXXIV") == 1984
    assert roman_to_int("IIII") is None
    assert roman_to_int("") is None


def test_pronunciations_whole_words_case_aware() -> None:
    rules = {"clarke": "Klark", "US": "you ess", "Octavia": "Oc-tay-via", "Mr.": "X"}
    said = speech(
        "Clarke met CLARKE's friend Clarkeson, the US and us. Octavia, octavia.",
        pronunciations=rules,
    )
    # lower-case key: any case, whole words only; exact-case keys: that casing only
    assert said == "Klark met Klark's friend Clarkeson, the you ess and us. Oc-tay-via, octavia."
    # applied after normalisation: "Mr." is already "Mister" by then
    assert speech("Mr. Blake", pronunciations=rules) == "Mister Blake"


def test_exact_case_key_wins_over_any_case_key() -> None:
    rules = {"bell": "bel", "Bell": "Belle"}
    assert speech("Bell rang the bell, BELL.", pronunciations=rules) == "Belle rang the bel, bel."


def test_pronunciation_replacements_are_not_replaced_again() -> None:
    assert speech("Lexa and Anya", pronunciations={"lexa": "Anya", "anya": "Ahn-ya"}) == (
        "Anya and Ahn-ya"
    )


@pytest.mark.needs(*ESPEAK)
def test_espeak_reads_the_normalised_text_as_intended() -> None:
    """The point of the rules, checked on espeak-ng's phonemes."""

    def phonemes(text: str) -> str:
        out = subprocess.run(
            ["espeak-ng", "-q", "-x", text], capture_output=True, text=True, check=True
        ).stdout
        return " ".join(out.split())

    assert "d'0l3 f'aIv" in phonemes("$5")  # "dollar five"
    assert "f'aIv d'0l3z" in phonemes(speech("$5"))
    assert "h'VndrI2d" in phonemes("in 1984")
    assert "n'aInti:n 'eIti f'o@" in phonemes(speech("in 1984"))
    assert "'ast@r,Isk" in phonemes("*very*")
    assert "'ast@r,Isk" not in phonemes(speech("*very*"))
