# ruff: noqa: SIM905  (word lists read best as one string each)
"""Find the quoted spans of a story: paragraphs, quote marks, and the scanner that pairs them.

Why a hand-written scanner and not a tokenizer library: the segmenter runs on every story before
anything else (``dramatis script`` on a 1 MB novel must finish in seconds, so no heavy imports),
and the hard cases are typographic (straight quotes with no direction, British single quotes
that double as apostrophes, quotations running over paragraphs), not linguistic.

The scanner works paragraph by paragraph:

* The document's *primary* quote style (double or single) is chosen by which marks open
  paragraphs and words more often; the other style is then only ever a nested quote, kept
  inside its dialogue segment.
* Each candidate mark is classified as opening and/or closing from the characters beside it;
  apostrophes (don't, 'em, o'clock, rock 'n' roll, the Bennets' house) are neither, or only a
  weak closer that counts when no better closer follows.
* A quotation still open at a paragraph end continues when the next paragraph opens with a
  quote mark (the multi-paragraph convention); otherwise it is closed there (recovery from an
  unbalanced mark), so a stray mark never swallows more than one paragraph.  A lone closing
  mark a few paragraphs later (after an inset verse) ends it.

Whether each span is speech is decided in :mod:`dramatis.text.unspoken`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

DOUBLE_MARKS = frozenset('"“”„«»')
SINGLE_MARKS = frozenset("'‘’‚")
DOUBLE_OPEN_ONLY = frozenset("“„«")
DOUBLE_CLOSE_ONLY = frozenset("”»")
SINGLE_OPEN_ONLY = frozenset("‘‚")

# Words that begin with an apostrophe in informal English: 'em, 'tis, 'n', 'cause, '90s...
ELISIONS = frozenset(
    [
        "em",
        "tis",
        "twas",
        "twere",
        "twill",
        "twould",
        "n",
        "cause",
        "cos",
        "coz",
        "til",
        "bout",
        "im",
        "er",
        "ere",
        "ow",
        "ave",
        "ad",
        "e",
        "is",
        "it",
        "un",
        "uns",
        "round",
        "neath",
        "mongst",
        "gainst",
        "nough",
        "s",
        "ye",
        "self",
        "appen",
        "tain",
    ]
)

# Elided words that are also ordinary words ('it/it, 'is/is, 'ere/ere, 'e/e...): whether the
# mark opens a quote depends on what stands before it.
_AMBIGUOUS_ELISIONS = frozenset("is it im er ere e un round self s ad ave ow".split())

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_NEWLINE = re.compile(r"\n\s*")
_WORD_AFTER = re.compile(r"[A-Za-z]+")
_SPEECH_END = frozenset(".,!?;:-—–…")
_OPEN_BEFORE = frozenset("([{—–-/_*")
_CLOSE_AFTER = frozenset(".,;:!?)]}—–-_*…")


def _is_hard_wrapped(text: str) -> bool:
    """True when paragraphs are separated by blank lines and single newlines are line wraps.

    Non-wrapped text (one paragraph per line) has long lines; a hard-wrapped book has nearly
    all lines under ~80 characters.
    """
    if "\n\n" not in text and not re.search(r"\n[ \t]+\n", text):
        return False
    lengths = [len(line) for line in text.split("\n") if line.strip()]
    if len(lengths) < 3:
        return True
    lengths.sort()
    return lengths[int(len(lengths) * 0.9)] <= 100


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-blank paragraphs (whitespace around them excluded)."""
    sep = _BLANK_LINE if _is_hard_wrapped(text) else _NEWLINE
    out: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        _add_para(text, pos, m.start(), out)
        pos = m.end()
    _add_para(text, pos, len(text), out)
    return out


def _add_para(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def primary_style(text: str, paras: list[tuple[int, int]]) -> frozenset[str]:
    """Double or single marks as the document's quotation style."""
    dstart = sstart = 0
    for s, _ in paras:
        c = text[s]
        if c in DOUBLE_MARKS:
            dstart += 1
        elif c in SINGLE_MARKS and _single_opener(text, s, s):
            sstart += 1
    if dstart or sstart:
        return SINGLE_MARKS if sstart > dstart else DOUBLE_MARKS
    ndouble = sum(text.count(c) for c in DOUBLE_MARKS)
    nsingle = len(re.findall(r"(?:^|\s)[‘'][A-Z]", text))
    return SINGLE_MARKS if nsingle > ndouble else DOUBLE_MARKS


def _single_opener(text: str, i: int, pstart: int) -> bool:
    prev = text[i - 1] if i > pstart else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if not (prev.isspace() or prev in _OPEN_BEFORE or prev in DOUBLE_MARKS):
        return False
    if nxt.isspace():
        return False
    m = _WORD_AFTER.match(text, i + 1)
    if m and m.group().lower() in ELISIONS and text[i] != "‘":
        w = m.group()
        if w.lower() in _AMBIGUOUS_ELISIONS:
            # 'it / 'is / 'ere are far more often the first word of a quote: after a comma,
            # colon or sentence end ("thought Alice, 'it would be", "said the Duck: 'it's")
            # they open one; after a word ("give 'im a shilling") they are apostrophes.
            j = i - 1
            while j >= pstart and text[j].isspace():
                j -= 1
            if j < pstart or text[j] in ",:;.!?-—–(":
                return True
        # 'em / 'tis / rock 'n' roll: an apostrophe, unless it starts a paragraph ('Tis true.')
        return not (w.islower() or w.lower() == "n") and i == pstart
    return not nxt.isdigit() or text[i] == "‘"


def _marks(text: str, s: int, e: int, style: frozenset[str]) -> Iterator[tuple[int, int]]:
    """(offset, role) for candidate marks in a paragraph; role bits 1=open, 2=close, 4=weak."""
    single = style is SINGLE_MARKS
    for i in range(s, e):
        c = text[i]
        if c not in style:
            continue
        prev = text[i - 1] if i > s else " "
        nxt = text[i + 1] if i + 1 < e else " "
        if single:
            role = 0
            if c in SINGLE_OPEN_ONLY or _single_opener(text, i, s):
                role |= 1
            if (
                c not in SINGLE_OPEN_ONLY
                and not prev.isspace()
                and (nxt.isspace() or nxt in _CLOSE_AFTER or nxt in DOUBLE_MARKS)
            ):
                role |= 2
                if prev in "sS" or text[max(s, i - 3) : i].lower() == "in":
                    role |= 4  # the Bennets' house, runnin' away: maybe an apostrophe
            if (prev.isalnum() and nxt.isalnum()) or (
                i >= s + 2 and text[i - 2] in SINGLE_MARKS and text[i - 1] in "nN"
            ):
                role = 0  # don't, o'clock; the second mark of rock 'n' roll
        else:
            if c in DOUBLE_OPEN_ONLY:
                role = 1
            elif c in DOUBLE_CLOSE_ONLY:
                role = 2
            else:
                op = (prev.isspace() or prev in _OPEN_BEFORE or prev in SINGLE_MARKS) and not (
                    nxt.isspace()
                )
                cl = not prev.isspace() and (
                    nxt.isspace() or nxt in _CLOSE_AFTER or nxt in SINGLE_MARKS
                )
                role = (1 if op else 0) | (2 if cl else 0)
                if not role:
                    role = 3  # no evidence either way: toggle
        if role:
            yield i, role


def _real_closer_follows(marks: list[tuple[int, int]], mi: int) -> bool:
    """After the weak closer ``marks[mi]`` (the Bennets' house), a sure closer comes before any
    mark that only opens.  If an opener comes first ('Jolly Cricketers' and he replied,
    'Hello.'), the weak mark closed its quote."""
    for _, r in marks[mi + 1 :]:
        if r & 1 and not r & 2:
            return False
        if r & 2 and not r & 4:
            return True
    return False


def raw_quote_spans(
    text: str, paras: list[tuple[int, int]], style: frozenset[str]
) -> list[tuple[int, int, int, bool]]:
    """(start, end, paragraph index, continues a multi-paragraph quotation) for each quote."""
    spans: list[tuple[int, int, int, bool]] = []
    carry = False  # a quotation continues from the previous paragraph
    left_open = -9  # last paragraph whose quotation was closed only by the paragraph's end
    for pi, (ps, pe) in enumerate(paras):
        marks = list(_marks(text, ps, pe, style))
        open_at: int | None = None
        cont = False
        depth = 0  # quotes nested in the open one with the same marks
        if carry:
            if marks and marks[0][0] == ps and marks[0][1] & 1:
                marks = marks[1:]
            open_at = ps
            cont = True
        carry = False
        for mi, (i, role) in enumerate(marks):
            if open_at is None:
                if role & 1:
                    open_at = i
                elif mi == 0 and pi - left_open <= 3 and text[i - 1] in "?!.,-":
                    # The first mark of the paragraph only closes, and a quotation was left
                    # open just before: the speech resumes after an inset verse or letter.
                    spans.append((ps, i + 1, pi, True))
                    left_open = -9
                continue
            if not role & 2:
                if role & 1 and text[i] in DOUBLE_OPEN_ONLY | SINGLE_OPEN_ONLY:
                    # an explicit opener while open: the last quote lost its closer
                    spans.append((open_at, _rstrip(text, open_at, i), pi, cont))
                    open_at, cont = i, False
                elif role == 1:
                    depth += 1  # a quotation inside the speech: And I said, "Is it you?" ...
                continue
            if role & 4 and _real_closer_follows(marks, mi):
                continue  # a possessive; a real closer comes later
            if i == open_at:
                continue
            if depth:
                depth -= 1
                continue
            spans.append((open_at, i + 1, pi, cont))
            open_at, cont = None, False
        if open_at is not None:
            nxt = paras[pi + 1][0] if pi + 1 < len(paras) else None
            if nxt is not None and text[nxt] in style:
                carry = True  # multi-paragraph quotation
            else:
                left_open = pi
            spans.append((open_at, pe, pi, cont))
    return spans


def _rstrip(text: str, s: int, e: int) -> int:
    while e > s + 1 and text[e - 1].isspace():
        e -= 1
    return e
