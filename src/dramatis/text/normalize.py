"""What the speech engine is given for a piece of story text.

``speech()`` never touches ``Story.text`` or offsets: it rewrites a copy just before synthesis.
It is deliberately conservative. espeak-ng already reads plain numbers, ordinals, decimals,
percentages and "a.m."/"p.m." well, and pauses on ellipses and dashes; each rule below fixes
something measured wrong with ``espeak-ng -x`` (its phoneme output), for example:

=====================  ==============================  ================================
text                   espeak-ng alone says            given instead
=====================  ==============================  ================================
``$5.50``              "dollar five point five zero"   "5 dollars and 50 cents"
``in 1984``            "nineteen hundred eighty-four"  "19 84" (nineteen eighty-four)
``the 1990s``          "nineteen hundred ninety z"     "19 nineties"
``3:05``, ``2:00``     "three zero five", "two zero    "3 oh 5", "2 o'clock"
                       zero"
``Mr. Smith``          "mister" + sentence pause       "Mister Smith"
``Elm St.``            "Elm saint"                     "Elm Street"
``vs.``, ``No. 5``     "v s", "no five"                "versus", "number 5"
``Henry VIII``         "Henry roman eight"             "Henry the 8th"
``World War II``       "World War roman two"           "World War 2"
``12/25/2020``         "twelve slash twenty-five..."   "December 25th, 20 20"
``1/2``, ``10-15``     "one slash two", "ten dash      "1 half", "10 to 15"
                       fifteen"
``*very*``             "asterisk very asterisk"        "very"
a URL                  spelled out character by char.  its domain ("example.com")
``😂``                 "face with tears of joy"        nothing (emoji are skipped)
=====================  ==============================  ================================

Pronunciations (voices.yaml ``pronunciations:``) are applied last, to whole words. A key
written all in lower case matches the word in any case ("clarke" matches "Clarke" and
"CLARKE"); a key with any capital letter matches only that exact casing ("US" leaves "us"
alone). When both match, the exact-case key wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

__all__ = ["roman_to_int", "speech"]

_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_MONTH_ABBR = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(_MONTHS)
_DECADES = {
    1: "tens", 2: "twenties", 3: "thirties", 4: "forties", 5: "fifties", 6: "sixties",
    7: "seventies", 8: "eighties", 9: "nineties",
}  # fmt: skip
_FRACTIONS = {
    2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"),
    5: ("fifth", "fifths"), 6: ("sixth", "sixths"), 7: ("seventh", "sevenths"),
    8: ("eighth", "eighths"), 9: ("ninth", "ninths"), 10: ("tenth", "tenths"),
}  # fmt: skip
_CURRENCY = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "sen", "sen"),
}
_SCALES = {
    "k": "thousand", "thousand": "thousand", "m": "million", "million": "million",
    "bn": "billion", "billion": "billion", "trillion": "trillion",
}  # fmt: skip

# Titles before a name: expanded, and their period is not a sentence end.
_TITLES = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Mx": "Mix", "Dr": "Doctor",
    "Prof": "Professor", "Capt": "Captain", "Lt": "Lieutenant", "Sgt": "Sergeant",
    "Col": "Colonel", "Gen": "General", "Gov": "Governor", "Rev": "Reverend", "Fr": "Father",
    "Sen": "Senator", "Det": "Detective", "Insp": "Inspector", "Cpl": "Corporal",
    "Pvt": "Private", "Adm": "Admiral", "Cmdr": "Commander", "Mt": "Mount", "Ft": "Fort",
}  # fmt: skip
# Other abbreviations: expanded; their period stays when it also ends the sentence.
_ABBREVIATIONS = {
    "etc.": "etcetera", "vs.": "versus", "v.": "versus", "e.g.": "for example",
    "i.e.": "that is", "a.k.a.": "also known as", "approx.": "approximately",
    "Jr.": "Junior", "Sr.": "Senior", "Ave.": "Avenue", "Blvd.": "Boulevard", "Rd.": "Road",
    "dept.": "department",
}  # fmt: skip
_NUMBER_WORDS = (
    "Chapter|Part|Book|Volume|Vol\\.?|Act|Scene|Section|Episode|War|Phase|Round|Season|"
    "Level|Class|Type|Stage|Grade|Article|Appendix|Canto|Stave"
)
_YEAR_CONTEXT = (
    r"(?:[Ii]n|of|[Ss]ince|by|[Uu]ntil|till|[Ff]rom|to|[Yy]ear|circa|c\.|around|[Bb]efore|"
    r"[Aa]fter|[Dd]uring|[Ss]ummer|[Ww]inter|[Ss]pring|[Aa]utumn|[Ff]all|" + _MONTH_NAMES + r")"
)
_ROMAN = re.compile(r"^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0001f1e6-\U0001f1ff"
    "\ufe0e\ufe0f\u200d\u20e3]+"
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.I)


def roman_to_int(numeral: str) -> int | None:
    """The value of a valid Roman numeral (any case), else None."""
    upper = numeral.upper()
    if not upper or not _ROMAN.match(upper):
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(upper):
        value = values[ch]
        if i + 1 < len(upper) and values[upper[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def ordinal(n: int) -> str:
    """12 -> "12th": espeak-ng reads digit ordinals correctly."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def year(n: int) -> str:
    """A year as people say it, in digits espeak-ng reads that way: 1984 -> "19 84"."""
    if 2000 <= n <= 2009 or n < 1000 or n > 2099:
        return str(n)
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{century} hundred" if century % 10 else str(n)
    if rest < 10:
        return f"{century} oh {rest}"
    return f"{century} {rest}"


# --------------------------------------------------------------------------- rules


def _markup(s: str) -> str:
    """Markdown emphasis and other marks espeak-ng would read aloud ("asterisk", "hash")."""
    s = s.replace("*", "")
    s = re.sub(r"(?<!\w)_+(?=\w)|(?<=\w)_+(?!\w)|(?<!\w)_+(?!\w)", "", s)
    s = re.sub(r"~~|`+", "", s)
    s = re.sub(r"(?m)^[ \t]*#{1,6}[ \t]+", "", s)
    s = re.sub(r"#(?=[A-Za-z])", "", s)
    return s


def _urls(s: str) -> str:
    def domain(m: re.Match[str]) -> str:
        url = m.group()
        trail = ""
        while url and url[-1] in ".,;:!?":
            trail = url[-1] + trail
            url = url[:-1]
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.I).split("/")[0]
        host = host.split("?")[0].split("#")[0]
        return host + trail

    return _URL.sub(domain, s)


def _emoji(s: str) -> str:
    s = re.sub("[\U0001f3fb-\U0001f3ff]", "", s)  # skin tones
    return _EMOJI.sub(" ", s)


def _heading_numerals(s: str) -> str:
    """In a heading, Roman numerals are chapter numbers: "Chapter XII" -> "Chapter 12"."""

    def keyword(m: re.Match[str]) -> str:
        value = roman_to_int(m.group(2))
        return f"{m.group(1)} {value}" if value else m.group()

    s = re.sub(rf"\b({_NUMBER_WORDS})\s+([IVXLCDM]+|[ivxlcdm]+)\b", keyword, s, flags=re.I)

    def alone(m: re.Match[str]) -> str:
        value = roman_to_int(m.group(1))
        return f"{value}{m.group(2)}" if value else m.group()

    return re.sub(r"^\s*([IVXLCDM]+)(\s*(?:[.:)\-–—]|$))", alone, s)


def _roman_in_text(s: str) -> str:
    """ "World War II" -> "World War 2"; "Henry VIII" -> "Henry the 8th"."""

    def keyword(m: re.Match[str]) -> str:
        numeral = m.group(2)
        value = roman_to_int(numeral)
        if not value:
            return m.group()
        if numeral == "I" and re.match(r"\s+[a-z]", s[m.end() :]):
            return m.group()  # "Part I was..." is the pronoun
        return f"{m.group(1)} {value}"

    s = re.sub(rf"\b({_NUMBER_WORDS})\s+([IVXLCDM]+)\b(?!['’]\w)", keyword, s)

    def regnal(m: re.Match[str]) -> str:
        value = roman_to_int(m.group(2))
        if not value or value > 39:
            return m.group()
        return f"{m.group(1)} the {ordinal(value)}"

    return re.sub(r"\b([A-Z][a-z]+)\s+([IVX]{2,})\b(?!['’]\w)", regnal, s)


def _abbreviations(s: str) -> str:
    def title(m: re.Match[str]) -> str:
        return _TITLES[m.group(1)]

    s = re.sub(r"\b(Mr|Mrs|Ms|Dr)(?=\s+[A-Z])", title, s)  # British style, no period
    s = re.sub(rf"\b({'|'.join(_TITLES)})\.(?=\s+[A-Z])", title, s)
    s = re.sub(r"\bSt\.?(?=\s+[A-Z])", "Saint", s)
    # Left over after a name, "St." and "Dr." are street words: "Elm St." -> "Elm Street".
    street = {"St": "Street", "Dr": "Drive"}
    s = re.sub(
        r"\b([A-Z][a-z]+\s+)(St|Dr)\.",
        lambda m: m.group(1) + street[m.group(2)] + _period(s, m.end()),
        s,
    )
    s = re.sub(r"\bNo\.\s?(?=\d)", "number ", s)
    s = re.sub(r"#(?=\d)", "number ", s)
    s = re.sub(r"\b(?:Ch|Chap)\.\s?(?=\d)", "Chapter ", s)
    s = re.sub(r"\bVol\.\s?(?=\d|[IVXLC]+\b)", "Volume ", s)
    keys = "|".join(re.escape(k) for k in sorted(_ABBREVIATIONS, key=len, reverse=True))

    def other(m: re.Match[str]) -> str:
        key = m.group(1)
        word = _ABBREVIATIONS.get(key) or _ABBREVIATIONS[key.lower()]
        return word + ("" if key.lower() in _MID_SENTENCE else _period(s, m.end()))

    return re.sub(rf"(?<![\w.])({keys})(?!\w)", other, s)


_MID_SENTENCE = {"vs.", "v.", "e.g.", "i.e.", "a.k.a."}


def _period(s: str, end: int) -> str:
    """Keep an abbreviation's period when it also ends the sentence."""
    rest = s[end:]
    return "." if not rest.strip() or re.match(r"\s+[A-Z\"“]", rest) else ""


def _currency(s: str) -> str:
    def money(m: re.Match[str]) -> str:
        one, many, sub_one, sub_many = _CURRENCY[m.group(1)]
        whole, cents, scale = m.group(2), m.group(3), m.group(4)
        if scale:
            amount = whole + (f".{cents}" if cents else "")
            return f"{amount} {_SCALES[scale.lower()]} {many}"
        unit = one if whole.replace(",", "") == "1" else many
        text = f"{whole} {unit}"
        if cents and int(cents):
            sub = sub_one if int(cents) == 1 else sub_many
            text += f" and {int(cents)} {sub}"
        return text

    return re.sub(
        r"(?<![\w$£€¥])([$£€¥])\s?(\d[\d,]*)(?:\.(\d{1,2}))?"
        r"(?:\s?(thousand|million|billion|trillion|bn|k|m)\b)?",
        money,
        s,
        flags=re.I,
    )


def _dates(s: str) -> str:
    def spoken(month: int, day: int, yr: str | None) -> str:
        text = f"{_MONTHS[month - 1]} {ordinal(day)}"
        if yr:
            text += f", {year(int(yr)) if len(yr) == 4 else yr}"
        return text

    def iso(m: re.Match[str]) -> str:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return spoken(mo, d, str(y))
        return m.group()

    s = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", iso, s)

    def slashed(m: re.Match[str]) -> str:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if a > 12 and 1 <= b <= 12 and a <= 31:
            return spoken(b, a, y)  # day first
        if 1 <= a <= 12 and 1 <= b <= 31:
            return spoken(a, b, y)  # month first (also when ambiguous: US order)
        return m.group()

    s = re.sub(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])", slashed, s)

    def abbr(m: re.Match[str]) -> str:
        return _MONTHS[_MONTH_ABBR[m.group(1)] - 1]

    s = re.sub(rf"\b({'|'.join(_MONTH_ABBR)})\.?(?=\s+\d)", abbr, s)

    def month_day(m: re.Match[str]) -> str:
        day = int(m.group(2))
        return f"{m.group(1)} {ordinal(day)}" if 1 <= day <= 31 else m.group()

    s = re.sub(rf"\b({_MONTH_NAMES})\s+(\d{{1,2}})(?![\d:.,]\d|\d|st|nd|rd|th)", month_day, s)

    def day_month(m: re.Match[str]) -> str:
        day = int(m.group(1))
        return f"{ordinal(day)} {m.group(2)}" if 1 <= day <= 31 else m.group()

    return re.sub(rf"(?<![\d.,:])\b(\d{{1,2}})\s+({_MONTH_NAMES})\b", day_month, s)


def _times(s: str) -> str:
    def clock(m: re.Match[str]) -> str:
        h, mm, ampm = int(m.group(1)), int(m.group(2)), m.group(3) or ""
        if h > 23 or mm > 59:
            return m.group()
        if mm == 0:
            if ampm:
                return f"{h}{ampm}"
            return f"{h} o'clock" if h <= 12 else f"{h} hundred"
        if mm < 10:
            return f"{h} oh {mm}{ampm}"
        return m.group()

    return re.sub(
        r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])(\s*(?:[ap]\.?m\b\.?|[AP]\.?M\b\.?))?", clock, s
    )


def _decades(s: str) -> str:
    def decade(m: re.Match[str]) -> str:
        century, tens = m.group(1), int(m.group(2)[0])
        if century:
            if tens == 0:
                return f"{century} hundreds" if century != "20" else "2 thousands"
            return f"{century} {_DECADES[tens]}"
        return _DECADES.get(tens, m.group())

    return re.sub(r"(?<![\w'’])['’]?(1[0-9]|20)?(\d0)['’]?s\b", decade, s)


def _years(s: str) -> str:
    def span(m: re.Match[str]) -> str:
        low, high = int(m.group(1)), int(m.group(2))
        return f"{year(low)} to {year(high)}" if low < high else m.group()

    s = re.sub(r"(?<![\d.,:/])\b(1\d{3}|20\d{2})\s?[-–]\s?(1\d{3}|20\d{2})\b(?![.,:/]?\d)", span, s)
    s = re.sub(
        rf"\b((?:{_MONTH_NAMES})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+)(1\d{{3}}|20\d{{2}})\b(?![,.:/]\d|\d)",
        lambda m: m.group(1) + year(int(m.group(2))),
        s,
    )
    s = re.sub(
        rf"\b({_YEAR_CONTEXT}\s+)(1\d{{3}}|20\d{{2}})\b(?![,.:/]\d|\d|%)",
        lambda m: m.group(1) + year(int(m.group(2))),
        s,
    )
    s = re.sub(
        r"(?<![\d,.])\b(\d{4})(\s*(?:AD|BC|BCE|CE|A\.D\.|B\.C\.))",
        lambda m: year(int(m.group(1))) + m.group(2),
        s,
    )
    return re.sub(
        r"\((1\d{3}|20\d{2})\)",
        lambda m: f"({year(int(m.group(1)))})",
        s,
    )


def _numbers(s: str) -> str:
    s = re.sub(r"\b24/7\b", "24 7", s)

    def fraction(m: re.Match[str]) -> str:
        num, den = int(m.group(1)), int(m.group(2))
        if not 0 < num < den or den not in _FRACTIONS:
            return m.group()
        one, many = _FRACTIONS[den]
        return f"{num} {one if num == 1 else many}"

    s = re.sub(r"(?<![\d/.,])(\d)/(\d{1,2})(?![\d/])", fraction, s)

    def span(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        low, high = int(a.replace(",", "")), int(b.replace(",", ""))
        return f"{a} to {b}" if low < high else m.group()

    return re.sub(r"(?<![\d.,:/\-–])(\d[\d,]*)\s?[-–]\s?(\d[\d,]*)(?![\d.,:/\-–]?\d)", span, s)


def _pauses(s: str) -> str:
    """Ellipses and dashes as punctuation espeak-ng pauses on, never read as words."""
    s = re.sub(r"\.\s\.\s\.", "...", s)
    s = re.sub(r"(\.{3,}|…)(?=[^\s.…,;:!?\"'”’)])", r"\1 ", s)
    s = re.sub(r"(?<=\w)\s*--+\s*(?=\w)", " — ", s)
    return s


RULES: list[Callable[[str], str]] = [
    _markup,
    _urls,
    _emoji,
    _roman_in_text,
    _abbreviations,
    _currency,
    _dates,
    _times,
    _decades,
    _years,
    _numbers,
    _pauses,
]


def pronunciation_pattern(pronunciations: dict[str, str]) -> re.Pattern[str] | None:
    """One regex for all the words; None when there are none."""
    if not pronunciations:
        return None
    return _pattern(tuple(sorted(pronunciations)))


@functools.lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Built once per set of words: it is applied to every line of a book."""
    parts = []
    for word in sorted(words, key=len, reverse=True):  # longest first
        body = re.escape(word)
        if word == word.lower():  # lower-case key: any capitalisation
            body = f"(?i:{body})"
        parts.append(body)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def apply_pronunciations(text: str, pronunciations: dict[str, str]) -> str:
    """What the engine should say for ``text``: each word replaced by its pronunciation.

    Whole words only ("Bell" never touches "Bellamy"; "Bellamy's" becomes "BELL-a-mee's").
    Case-aware: a key with capitals matches that exact spelling ("Reading" the town, not
    "reading"); an all-lower-case key matches any capitalisation.  Applied to the spoken
    text only, never to the story text or transcripts.
    """
    pattern = pronunciation_pattern(pronunciations)
    if pattern is None:
        return text
    folded = {k.casefold(): v for k, v in pronunciations.items() if k == k.lower()}

    def say(m: re.Match[str]) -> str:
        word = m.group(0)
        return pronunciations.get(word) or folded.get(word.casefold(), word)

    return pattern.sub(say, text)


def speech(
    text: str, *, pronunciations: Mapping[str, str] | None = None, heading: bool = False
) -> str:
    """What the engine should say for ``text`` (see the module docstring for the rules).

    ``heading=True`` also reads Roman numerals in the heading as numbers. The result may be
    empty (a line of emoji): callers then synthesize nothing, or a pause.
    """
    s = text
    if heading:
        s = _heading_numerals(s)
    for rule in RULES:
        s = rule(s)
    if pronunciations:
        s = apply_pronunciations(s, dict(pronunciations))
    s = re.sub(r"[ \t\u00a0]+", " ", s)
    s = re.sub(r" +([,.;:!?])", r"\1", s)
    return s.strip()
