"""Split story text into narration and dialogue segments that tile it exactly.

Two steps: :mod:`dramatis.text.quotes` finds the quoted spans (the typographic part: quote
styles, apostrophes, quotations over several paragraphs); :mod:`dramatis.text.unspoken` keeps
those a listener should not hear as speech (titles, mentions, letters, reported thoughts...)
with the narrator.  Here the two are combined, with what only a run of spans shows: a letter
quoted paragraph by paragraph, a list of quoted words.
"""

from __future__ import annotations

import re

from dramatis.model import Segment
from dramatis.text.quotes import paragraphs, primary_style, raw_quote_spans
from dramatis.text.unspoken import BLOCK_REASONS, SIGNATURE, WORD, QuoteContext

_LIST_REASONS = frozenset({"mention", "title"})
# What may separate two items of a list of quoted words: a comma, "and", "or", "some", "the".
_LIST_GAP = re.compile(
    r"[\s,;]*(?:(?:and|or|nor)\s+)?(?:(?:the|a|an|some|others|other|then)\s+)?[\s,;]*", re.I
)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in classified_spans(text) if _ is None]


def classified_spans(text: str) -> list[tuple[int, int, str | None]]:
    """Every quoted span with the reason it stays narration (None: it is speech)."""
    paras = paragraphs(text)
    style = primary_style(text, paras)
    spans = raw_quote_spans(text, paras, style)
    ctx = QuoteContext(text, paras, style, spans)
    out: list[tuple[int, int, str | None]] = []
    prev_reason: str | None = None
    prev_end = -1
    doc_pi = -2  # paragraph where the current letter run last continued
    sign_off = False  # the run met "Yours truly,": only a name line may follow
    for s, e, pi, cont in spans:
        if e - s < 1:
            continue
        ps, pe = paras[pi]
        whole = s == ps and e == pe and text[e - 1] in style
        if cont and prev_reason in BLOCK_REASONS:
            reason: str | None = prev_reason  # the rest of a letter or verse stays with it
        elif whole and pi == doc_pi + 1 and (not sign_off or len(text[s:e].split()) <= 4):
            # A letter set in quotes paragraph by paragraph: each fully quoted paragraph after
            # its opening (salutation, dateline, "wrote Anne") is still the letter.
            reason = "document"
        else:
            reason = ctx.narrated(s, e, pi)
            if (
                reason is None
                and prev_reason in _LIST_REASONS
                and prev_end >= ps
                and _LIST_GAP.fullmatch(text, prev_end, s)
                and len(WORD.findall(text, s, e)) <= 8
                and not ctx.tag_after(e, pe)
            ):
                # the next item of a list of quoted words: the words "apology," "Hunsford,"
                # and "Lady Catherine."; wrote it down "important," and some "unimportant."
                reason = prev_reason
            elif (
                reason is None
                and prev_reason == "document"
                and ps <= prev_end >= s - 60
                and not ctx.tag_after(e, pe)
            ):
                reason = "document"  # "...," she wrote.  "They seem..." goes on the letter
        if reason == "document":
            if pi != doc_pi:
                sign_off = sign_off and pi == doc_pi + 1
            inner = text[s + 1 : e - 1].strip()
            ended = sign_off  # the name under the sign-off ends the letter
            sign_off = bool(SIGNATURE.match(inner)) or bool(
                re.search(r"\b(?:yours|ever)\b[\w ]{0,25},?\s*(?:--)?[\w. -]*$", inner, re.I)
                and len(inner) > 40
            )
            doc_pi = -2 if ended else pi
            if ended:
                sign_off = False
        elif pi != doc_pi:
            doc_pi = -2
        out.append((s, e, reason))
        prev_reason, prev_end = reason, e
    return out


def segment(text: str) -> list[Segment]:
    """Tile ``text`` with narration and dialogue segments (dialogue includes its quote marks)."""
    segs: list[Segment] = []
    if not text:
        return segs
    pos = 0
    for s, e in _quote_spans(text):
        if s < pos:
            continue
        if s > pos:
            segs.append(Segment(pos, s, "narration"))
        segs.append(Segment(s, e, "dialogue"))
        pos = e
    if pos < len(text) or not segs:
        segs.append(Segment(pos, len(text), "narration"))
    if segs and segs[-1].start == segs[-1].end and len(segs) > 1:
        segs.pop()
    return segs
