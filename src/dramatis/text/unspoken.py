# ruff: noqa: SIM905  (word lists read best as one string each)
"""Split story text into narration and dialogue segments that tile it exactly.

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

Then each quoted span is judged by what a listener expects (``_Context.narrated``): speech goes
to a character's voice; these stay with the narrator, each with a reason shown by
``benchmarks/segmentation.py --reasons``:

* mention: words quoted inside a sentence rather than said - a fragment glued to the words
  before it (was "all right.", called "carrots."), a noun phrase (the "Jolly Cricketers", a
  composition on "A Winter's Walk"), or the next item of a list of quoted words;
* title: a Title Case name with no speech verb before it (singing or reciting may be);
* indented / verse: a block set off by indentation, or a stanza whose every line is
  capitalised;
* document: a letter, notice, label or newspaper (a dateline or salutation, "it ran",
  "she wrote", "in these words", "labelled", "it remarked" after the _Standard_ is named,
  "said the _Standard_", a sentence telling of writing just before);
* indirect: a third-person past-tense report with no I or you in it, or one continuing the
  narrator's sentence (he thought her "less thin in her person...");
* thought: words announced as thoughts ("These were her internal persuasions:");
* imagined / unsaid / subject: a look "that plainly said", speech "she never had the
  temptation to say", a quote that is the subject ("..." was the heading, "we" could only
  mean) or put first as a predicate ("Common," she was).

A speech verb before the mark (said "No"), a speech tag after it ("...," said he) or an
exclamation keeps a span as speech in each case.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from dramatis.model import Segment
from dramatis.text.lexicon import PARTICLE_VERBS, SPEECH_VERBS

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


def _primary_style(text: str, paras: list[tuple[int, int]]) -> frozenset[str]:
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


_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_FIRST_SECOND = frozenset(
    "i i'm i've i'll i'd me my mine myself we we're we've we'll us our ours ourselves "
    "you you're you've you'll you'd your yours yourself yourselves thou thee thy thine ye".split()
)
_THIRD = frozenset("he she him her his they them their it its".split())
_PAST = frozenset("was were had would could should might must did".split())
# A report keeps to the past tense; a speaker talking about others slips into the present
# ("He is very handsome. She thinks him the finest gentleman").
_PRESENT = frozenset("is are am has does don't doesn't isn't aren't".split())
_SENTENCE_END = re.compile(r"(\w*)[.!?]+[\"')\]”’]*\s")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st messrs mme mlle rev col capt gen lt sgt esq jr sr".split()
)
# A title in Title Case with no closing punctuation: every word capitalised but short
# function words.  Speech ends in punctuation or has lower-case words.
_TITLE = re.compile(
    r"^[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|the|a|an|in|on|to|and|at|for|by|with|from)){1,7}$"
)
_BLOCK_REASONS = frozenset({"indented", "document", "verse"})
_LINE_START = re.compile(r"[\s\"'“”‘’_(\[]*(\w)")

# A letter, note, notice or inscription read out in the story.  Choice: the narrator reads it.
# The writer is not speaking in the scene (the letter is being read, often by someone else, long
# after it was written), a whole letter in one character's voice drowns the scene's dialogue,
# and this matches indented letters (already the narrator's) and how PDNC annotates them.
_MONTHS = "january february march april may june july august september october november december"
_DATELINE = re.compile(
    r"^(?:[A-Z][\w .,'-]{0,40}[,.]\s*)?(?:" + "|".join(_MONTHS.split()) + r")\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?\.?(?:,?\s*\d{4})?\.?$",
    re.IGNORECASE,
)
# "My dear Anne,--I make...", "Dear Smith,--", "Sir,--": a letter's salutation.  Speech says
# "My dear Anne, you..." or "Sir," with no dash, so the dash is required.
_SALUTATION = re.compile(
    r"^(?:(?:my\s+)?(?:very\s+)?(?:dear(?:est)?|beloved)(?:\s+[A-Z][\w.]*){1,3}|"
    r"(?:dear\s+)?(?:sir|madam|gentlemen))\s*,\s*--\s*\S",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:(?:yours|ever\s+yours|your)\b[\w\s]{0,30}|(?:believe\s+me[\w\s,]{0,40}))[,.]?$",
    re.IGNORECASE,
)
# Words ending the narration before a quotation that announce a document rather than a
# speaker: "It ran in this way:", "he wrote:", "as follows:--" (a document must be the one that
# "ran": "He ran after her: "Wait!"" is speech), "were writing down" (not "it was written
# there,": a passive names no writer).  ("read" is left out: a character reading aloud, or
# calling out while another reads, is still heard as speech.)
_DOC_LEAD = re.compile(
    r"(?:\b(?:(?:it|letter|note|notice|message|telegram|advertisement|inscription)\s+"
    r"(?:ran|runs|reads)|wrote|writes)\b(?:\s+\w+){0,5}|\bas\s+follows|\bpostscript\b(?:\s+\w+){0,4}|"
    r"\b(?:labell?ed|inscribed|superscribed|engraved|scribbled|scrawled)\b(?:\s+\w+){0,2}|"
    r"\bwriting\s+(?:down|out|up)(?:\s+\w+){0,2})\s*[:,]?\s*-*\s*$",
    re.IGNORECASE,
)
# "The next was in these words." / "a postscript to this effect:": a document, unless a speech
# verb leads the sentence ("he addressed the mother in these words,").
_DOC_PHRASE = re.compile(
    r"\b(?:in\s+these\s+words|to\s+this\s+effect|the\s+following\s+words)\s*[:,.]?\s*-*\s*$",
    re.IGNORECASE,
)
# One of these in the 200 characters before a quotation is needed before _DOC_LEAD is tried.
_DOC_WORDS = (
    "ran",
    "runs",
    "reads",
    "wrote",
    "writes",
    "follows",
    "words",
    "effect",
    "script",
    "label",
    "scribed",
    "engraved",
    "writing",
    "scribbled",
    "scrawled",
    "letter",
    "telegram",
    "motto",
    "handwriting",
    "page",
    "volume",
    "placard",
)
# A sentence naming a page, motto or handwriting and ending in a colon or dash introduces its
# text.  (Not "the words:", "this compliment;--": heard words are speech; nor "He held up the
# letter:", which a speaker may go on to talk about.)
_DOC_NOUN_LEAD = re.compile(
    r"\b(?:motto|inscription|handwriting|page|volume|placard)\b"
    r"[^:.!?\"]*(?::|--)\s*-*\s*$",
    re.IGNORECASE,
)
# Writing told in the sentence before a quotation (someone wrote: a passive "was written there"
# names what was written, not the letter that follows), and the tag verbs a letter shares with
# speech.
_WROTE = re.compile(r"\b(?:wrote|writes|scrawled|scribbled)\b", re.IGNORECASE)
_LETTER = re.compile(r"\bletter\b", re.IGNORECASE)
_WRITING_VERBS = frozenset(
    "wrote writes written write added adds continued continues concluded concludes".split()
)
# Words after a quotation naming a document as its source: "...," this letter ran / said the
# _Standard_ / she wrote.
_DOC_AFTER = re.compile(
    r"[ \t,;]*(?:\n[ \t]*)?(?:(?:this|the|his|her|my)\s+(?:letter|note|card|telegram|notice|paper|message)"
    r"\s+(?:ran|runs|said|says|went\s+on|continued)|it\s+(?:ran|runs)\b|"
    r"(?:said|says|ran|runs|continued|went\s+on)\s+(?:the|this|his|her|my)\s+(?:_[A-Z][^_\n]{1,40}_|"
    r"(?:letter|note|card|telegram|notice|paper|newspaper|message)\b)|"
    r"\[?[ \t]*(?:(?:he|she|they|I|we|[A-Z][a-z]+)\s+)?(?:wrote|writes)\b|written\s+(?:on|in|across|upon|under)\b)",
    re.IGNORECASE,
)
# "...," it remarked, after the paragraph has named a newspaper in italics (the _Standard_) or
# a telegram or letter: the paper, not a person, is quoted.  (Alone, "it said" is often an
# animal speaking.)
_IT_SAID = re.compile(
    r"[ \t,;]*\n?[ \t]*it\s+(?:said|says|remarked|observed|continued|went\s+on)\b"
)
_PUBLICATION = re.compile(
    r"\bthe\s+_[A-Z][^_\n]{1,40}_|\b(?:the|a|this|his|her|my|your|our|their)\s+"
    r"(?:telegram|letter|note|newspaper|advertisement|notice)\b",
    re.IGNORECASE,
)


# Speech verbs that, with no comma or colon before the mark, name or cite words rather than
# introduce speech: called "carrots", the word he wrote "poison", pronounced it "arrum".
_NAMING_VERBS = frozenset(
    "call called calls calling name named names naming term termed style styled entitle "
    "entitled write wrote writes written mention mentioned pronounce pronounced address "
    "addressed addresses direct directed".split()
)
# A word right before the mark that makes the quotation a noun phrase inside the sentence: a
# determiner or possessive, a preposition, or a labelling word (the "Jolly Cricketers", a
# composition on "A Winter's Walk", cries of "Hold him!", labelled "Best Vanilla.").
_NOUN_BEFORE = frozenset(
    "a an the no this that these those his her its their our my your of on as about to "
    "word words phrase name label labelled labeled marked headed superscribed inscribed "
    "printed engraved titled".split()
)
# A quotation wholly in italics (underscores), no question or exclamation: a title cited.
_ITALIC_TITLE = re.compile(r"^_[^_!?]+_[,.;]?$")
# Verbs of performing a piece: the Title Case words after them name it ("singing "Nelly of the
# Hazel Dell"") rather than being said.
_PERFORM_VERBS = frozenset(
    "sing sings sang sung singing hum hums hummed humming whistle whistled whistling "
    "play plays played playing recite recites recited reciting chant chanted chanting".split()
)
# Imagined speech: a look or gesture "as much as to say" something.  Nobody speaks.
_IMAGINED = re.compile(
    r"(?:\bas\s+much\s+as\s+to\s+say|\bas\s+if\s+to\s+say|\bas\s+who\s+(?:should|would)\s+say|"
    r"\b(?:that|which)\s+(?:plainly\s+|clearly\s+|distinctly\s+|silently\s+|eloquently\s+)?"
    r"(?:said|says|expressed|seemed\s+to\s+say))\s*[,:]?\s*-*\s*$",
    re.IGNORECASE,
)
# Speech wished for, held back or nearly made: "never had the smallest temptation to say,",
# "almost ready to exclaim,", "was very nearly getting up and saying,", "had no power of
# saying to herself,".  Nobody says it aloud.  ("could not help saying" is said.)
_UNSAID = re.compile(
    r"\b(?:never|no|not|nearly|almost|ready|tempted|temptation|power|wished|longed|inclined)\b"
    r"(?:\s+[\w']+){0,5}?\s+(?:to\s+(?:say|exclaim|cry\s+out|answer|reply|ask)|(?:of\s+)?saying"
    r"(?:\s+to\s+(?:her|him|them|my|your)sel(?:f|ves))?)\s*[,:]?\s*-*\s*$",
    re.IGNORECASE,
)
# Thoughts announced as such, the quote set off by a colon: "These were her internal
# persuasions:", "tried to dwell on this argument of rational dependence:--".  Nobody speaks.
# (An argument alone may be argued aloud: "He summed up his argument:".)
_THOUGHT_LEAD = re.compile(
    r"(?:\b(?:thoughts?|reflections?|persuasions|meditations?|musings?|self-communings?)|"
    r"\b(?:dwell|dwelt|dwelling|ponder|pondered|brood|brooded)\b[\w\s'-]{0,30}\b"
    r"(?:argument|reasoning|idea|notion))\b(?:\s+[\w'-]+){0,4}\s*:\s*-*\s*$",
    re.IGNORECASE,
)
# A quotation that is the subject of a sentence naming it as a heading or a thought ("..." was
# the heading; "..." were questions with which she amused herself; "..." would sound well).
# Many "X," was his reply / was Charles's language / was what she heard him say are speech, so
# only these nouns count.
_SUBJECT_AFTER = re.compile(
    r"[ \t]*\n?[ \t]*(?:(?:was|were)[ \t\n]+(?:(?:the|her|his|their|my|our|its|a|an)[ \t\n]+)?"
    r"(?:\w+[ \t\n]+)?(?:heading|title|headline|caption|motto|inscription|legend|thought|"
    r"thoughts|questions|wonder|sound|notion|idea|reflection)\b|would[ \t\n]+(?:sound|look|read)\b|"
    r"(?:was|were)[ \t\n]+talked[ \t\n]+of)"
)
# A modal or "meant" right after a short unpunctuated quote: the quoted word is the subject.
_MODAL_AFTER = re.compile(r"[ \t\n]+(?:could|would|might|must|can|may|should|meant|means)\b")
# The quote as a predicate put first, after a comma: "Common," she was, as Mrs. Costello had
# said; "A terrible worker and driver," Mrs. Peter was said to be;
_PREDICATE_AFTER = re.compile(
    r"[ \t]*\n?[ \t]*(?:he|she|they|it|(?:Mrs?|Miss|Dr|Sir)\.?[ \t\n]+[A-Z]\w+|"
    r"(?!(?:He|She|They|It|I|We|You)\b)[A-Z]\w+)[ \t\n]+(?:was|were|is|are)"
    r"(?:[ \t\n]+said[ \t\n]+to[ \t\n]+be)?[ \t]*[;,:.]"
)


_DETERMINERS = frozenset("a an the his her their my our your its some every each this that".split())
_SUBJECT_WORDS = frozenset(
    "as he she it they i we you one someone somebody everybody all both".split()
)


class _Context:
    """Decides, from the text around a quoted span, whether a listener should hear it as speech.

    Speech goes to a character's voice; a letter or verse set off from the prose, a quoted title,
    a word being mentioned ("marked *poison*"), or a thought reported in the third person
    ("she should put it off as long as she could") is the narrator's.
    """

    def __init__(
        self,
        text: str,
        paras: list[tuple[int, int]],
        style: frozenset[str],
        spans: list[tuple[int, int, int, bool]],
    ) -> None:
        self.text = text
        self.paras = paras
        self.style = style
        # Offsets of the marks that open or close a quoted span.  Only these count as "a quote
        # earlier": in single-quote text the same mark is an apostrophe (Anne's, don't).
        marks: list[int] = []
        for s, e, _, cont in spans:
            if not cont and text[s] in style:
                marks.append(s)
            if e - 1 > s and text[e - 1] in style:
                marks.append(e - 1)
        self.marks = sorted(marks)
        indented = sum(1 for ps, _ in paras if self._indent(ps) >= 2)
        # Books that indent every paragraph carry no signal in indentation.
        self.indent_signal = indented <= 0.3 * max(1, len(paras))

    def _marks_in(self, a: int, b: int) -> int:
        """How many quote marks lie in ``text[a:b]``."""
        return bisect.bisect_left(self.marks, b) - bisect.bisect_left(self.marks, a)

    def _last_mark(self, a: int, b: int) -> int:
        """The offset of the last quote mark in ``text[a:b]``, or -1."""
        i = bisect.bisect_left(self.marks, b)
        return self.marks[i - 1] if i and self.marks[i - 1] >= a else -1

    def _indent(self, pos: int) -> int:
        ls = self.text.rfind("\n", 0, pos) + 1
        return pos - ls if self.text[ls:pos].isspace() or ls == pos else 0

    def _block(self, pi: int) -> bool:
        """A paragraph set off by indentation from unindented prose: a letter, verse, sign."""
        if not self.indent_signal:
            return False
        ps, pe = self.paras[pi]
        if self._indent(ps) >= 2:
            return True
        return re.search(r"\n {3,}\S", self.text[ps:pe]) is not None

    def _verse(self, pi: int) -> bool:
        """A stanza: four or more lines, every one starting with a capital.  Hard-wrapped prose
        breaks lines mid-sentence, so its lines mostly start in lower case; a song or poem
        sung or recited in quotes (and the "said a whiting" inside it) is the narrator's,
        like indented verse."""
        ps, pe = self.paras[pi]
        if self.text.count("\n", ps, pe) < 3:
            return False
        lines = self.text[ps:pe].split("\n")
        return all(
            (m := _LINE_START.match(line)) is not None and m.group(1).isupper()
            for line in lines
            if line.strip()
        )

    def _sentence_start(self, s: int, ps: int) -> int:
        """Where the sentence that ``s`` falls in starts, in the paragraph at ``ps`` (a
        sentence end inside a quote is not one)."""
        cut = ps
        for m in _SENTENCE_END.finditer(self.text, ps, s):
            if m.group(1).lower() not in _ABBREVIATIONS and self._marks_in(ps, m.end()) % 2 == 0:
                cut = m.end()
        return cut

    def _tagged_before(self, s: int, ps: int) -> bool:
        """A speech verb or another quote earlier in the same sentence ("X," said he, "...")."""
        start = self._sentence_start(s, ps)
        if self._marks_in(start, s):
            return True
        return any(w.lower() in SPEECH_VERBS for w in _WORD.findall(self.text, start, s))

    def _verb_right_before(self, j: int, ps: int, glued: bool = False) -> bool:
        """A speech verb just before the mark: said "No", saying to herself "This is Bill".

        With ``glued`` (no punctuation between the verb and the mark), naming verbs do not
        count: called "carrots" names, called, "Come!" speaks.
        """
        before = [w.lower() for w in _WORD.findall(self.text[max(ps, j - 40) : j + 1])[-4:]]
        if glued and before and before[-1] in _NAMING_VERBS:
            return False
        if len(before) >= 2 and before[-2] == "to":
            before = before[:-2]  # said to the Knave / to herself
        elif before and before[-1].endswith("self"):
            before = before[:-1]
        if len(before) >= 2 and PARTICLE_VERBS.get(before[-2]) == before[-1]:
            return True  # went on "..."
        return bool(before) and before[-1] in SPEECH_VERBS and before[-1] not in PARTICLE_VERBS

    def _quoted_before(self, s: int, pi: int) -> bool:
        """A quote mark earlier in the paragraph or in the one before."""
        start = self.paras[pi - 1][0] if pi else self.paras[pi][0]
        return self._marks_in(start, s) > 0

    def _performs(self, j: int, ps: int) -> bool:
        """Singing, humming or reciting right before the mark: what follows may be a title."""
        before = _WORD.findall(self.text[max(ps, j - 20) : j + 1])
        return bool(before) and before[-1].lower() in _PERFORM_VERBS

    def _speech_goes_on(self, s: int, ps: int) -> bool:
        """A quote earlier in the sentence, or a speech verb within eight words before: an
        interrupted speech resumes (said Anne slowly "but I didn't"), or a report quotes the
        speaker's words (declared his conviction that she "would beat the whole Island")."""
        start = self._sentence_start(s, ps)
        if self._marks_in(start, s):
            return True
        return any(
            w in SPEECH_VERBS and w not in _NAMING_VERBS and w not in PARTICLE_VERBS
            for w in (x.lower() for x in _WORD.findall(self.text, start, s)[-8:])
        )

    def _resumes_speech(self, s: int, ps: int) -> bool:
        """A quote earlier in the sentence and a tag after it: the speech interrupted by its
        tag, or by an action set off by commas, goes on ("O yes," he returned, "he were
        all that.").  A quote with no tag between ("...when they last parted;" but Sir Walter
        had "not been able"), or a tag and a finished sentence, does not."""
        last = self._last_mark(ps, s)
        if last < 0:
            return False
        between = self.text[last + 1 : s]
        if any(
            m.group(1).lower() not in _ABBREVIATIONS for m in _SENTENCE_END.finditer(between + " ")
        ):
            return False  # the narration between ends a sentence: a new one starts here
        if any(w.lower() in SPEECH_VERBS for w in _WORD.findall(between)):
            return True
        # an action between the halves of one speech: "Well," he shrugged, "she was..."
        return self.text[last - 1] in ",-—–" and between.rstrip()[-1:] in (",", "-", "—", "–")

    def _speech_earlier(self, s: int, ps: int) -> bool:
        """A quote mark or speech verb earlier in the paragraph: this quote continues a speech."""
        return self._marks_in(ps, s) > 0 or any(
            w.lower() in SPEECH_VERBS for w in _WORD.findall(self.text, ps, s)
        )

    def _tag_after(self, e: int, pe: int) -> str | None:
        """The verb of a speech tag right after the quote: said he / she answered / the old
        woman said / went on Mrs. Lynde.  A verb further into a clause is not one ("before he
        called the class", "with a laugh", "so called by", "she went to the door")."""
        seg = self.text[e : min(pe, e + 50)]
        cut = min((i for i in (seg.find(c) for c in '.,;!?"') if i >= 0), default=len(seg))
        words = _WORD.findall(seg[:cut])[:4]
        low = [w.lower() for w in words]
        for i, w in enumerate(low):
            nxt = low[i + 1] if i + 1 < len(low) else ""
            if w not in SPEECH_VERBS or PARTICLE_VERBS.get(w, nxt) != nxt:
                continue
            if i == 0:
                return w
            if low[i - 1] in _DETERMINERS:
                return None  # a laugh, the answer: nouns
            # the clause must open with its subject: she (then) said, the old woman said,
            # as Anne told, Mr. Bounderby said; not "it must be added", "There was Fearenside
            # telling"
            if low[i - 1] in ("be", "been", "being", "to"):
                return None
            if low[0] in _SUBJECT_WORDS or low[0] in _DETERMINERS:
                return w
            return w if all(x[0].isupper() for x in words[:i]) else None
        return None

    def _lead(self, s: int, pi: int) -> str:
        """The narration just before a quote: its sentence, or the previous paragraph's last
        sentence when the quote opens a paragraph and that paragraph is pure narration."""
        ps, _ = self.paras[pi]
        seg = self.text[max(ps, s - 160) : s]  # only the words right before the quote matter
        if not seg.strip() and pi > 0:
            qs, qe = self.paras[pi - 1]
            seg = self.text[max(qs, qe - 160) : qe]
            if self._marks_in(max(qs, qe - 160), qe):
                return ""
        cut = 0
        for m in _SENTENCE_END.finditer(seg):
            if m.group(1).lower() not in _ABBREVIATIONS and m.end() < len(seg.rstrip()):
                cut = m.end()
        return seg[cut:]

    def document(self, s: int, e: int, pi: int, inner: str) -> bool:
        """A letter or notice: a dateline, a salutation, or a lead naming writing or reading."""
        if _DATELINE.match(inner) or _SALUTATION.match(inner):
            return True
        if _DOC_AFTER.match(self.text, e, min(len(self.text), e + 40)):
            return True
        if _IT_SAID.match(self.text, e, min(len(self.text), e + 40)) and _PUBLICATION.search(
            self.text, max(self.paras[pi][0], s - 300), s
        ):
            return True
        window = self.text[max(0, s - 200) : s].lower()
        if not any(w in window for w in _DOC_WORDS):
            return False  # cheap test first: most quotes have none of these words before them
        lead = self._lead(s, pi)
        if _DOC_PHRASE.search(lead):
            return not any(
                w.lower() in SPEECH_VERBS and w.lower() not in ("wrote", "writes")
                for w in _WORD.findall(lead)
            )
        asks = inner[-1] in "?!"  # a letter seldom opens with a question or an exclamation
        if _WROTE.search(lead) and not _speaks_in(lead) and not asks:
            # The sentence before tells of writing (she wrote again when the visit was paid.
            # "I did not think Caroline in spirits," were her words): the letter, unless a
            # tag has someone say it; a letter "adds" or "continues" too.  (He wrote a few
            # lines, then looked up. "Are you ready?" is said.)
            verb = self._tag_after(e, self.paras[pi][1])
            return verb is None or verb in _WRITING_VERBS
        if (
            _LETTER.search(lead)
            and not _speaks_in(lead)
            and self._tag_after(e, self.paras[pi][1]) in _WRITING_VERBS
            and not self._quoted_before(s, pi)
        ):
            # "...her last letter had been lost."  "My aunt," she continued: with no speech on
            # the page before, what continues is the letter
            return True
        if (
            _DOC_NOUN_LEAD.search(lead)
            and not asks
            and not _speaks_in(lead)
            and self._tag_after(e, self.paras[pi][1]) is None
        ):
            return True  # concluding with the arms and motto:-- "Principal seat, ..."
        lead = lead[-60:]
        return bool(lead) and _DOC_LEAD.search(lead) is not None

    def narrated(self, s: int, e: int, pi: int) -> str | None:
        """Why the quoted span ``text[s:e]`` in paragraph ``pi`` is narration, or None (speech)."""
        text = self.text
        ps, pe = self.paras[pi]
        closed = text[e - 1] in self.style and e - 1 > s
        inner = text[s + 1 : e - 1 if closed else e].strip()
        if not inner:
            return "empty"
        if self._block(pi):
            return "indented"
        if self._verse(pi):
            return "verse"
        if self.document(s, e, pi, inner):
            return "document"
        if closed and _SUBJECT_AFTER.match(text, e, min(len(text), e + 60)):
            return "subject"  # "..." was the heading / was a wonder, even opening a paragraph
        if (
            closed
            and inner[-1].isalnum()
            and len(inner.split()) <= 3
            and _MODAL_AFTER.match(text, e, min(len(text), e + 20))
        ):
            return "subject"  # a quoted word as subject: "we" could only mean Daisy and him
        if s == ps:
            return None  # a paragraph that opens with a quote is speech
        words = _WORD.findall(inner)
        j = s - 1
        while j > ps and text[j].isspace():
            j -= 1
        glued = text[j].isalnum()  # a word right before the mark: ... called "carrots"
        if closed and inner[-1] == "," and _PREDICATE_AFTER.match(text, e, min(len(text), e + 60)):
            return "subject"  # "Common," she was
        verb_before = self._verb_right_before(j, ps, glued)
        if (
            _TITLE.match(inner)
            and (not verb_before or self._performs(j, ps))
            and self._tag_after(e, pe) not in _SAYS
        ):
            # a song, picture, inn or book: "Nelly of the Hazel Dell", sung or not; a title
            # with no comma before a tag that is not "said" (illustrate "How Sockery Set a
            # Hen" Anne laughed); "Hello Sam" said Bob is speech typed without its comma
            return "title"
        if self._tag_after(e, pe):
            return None  # "...," said he
        if _ITALIC_TITLE.match(inner) and len(words) >= 2:
            return "title"  # all in italics, untagged: got to her repeating "_You are old_,"
        if _IMAGINED.search(text, max(ps, s - 60), s):
            return "imagined"  # a look that said, as much as to say, "..."
        lead = text[max(ps, s - 80) : s]
        if _UNSAID.search(lead) and "help" not in lead:
            return "unsaid"  # never had the temptation to say, "..."
        if _THOUGHT_LEAD.search(lead) and not any(
            w.lower() in SPEECH_VERBS for w in _WORD.findall(lead[-50:])
        ):
            return "thought"  # These were her internal persuasions: "..."
        if glued and not verb_before:
            first = next((c for c in inner if c.isalpha()), "")
            if first.islower() and inner[-1] != "!" and not self._speech_goes_on(s, ps):
                # a fragment inside a sentence: was "all right.", called "carrots."
                return "mention"
            last = _WORD.findall(text[max(ps, j - 30) : j + 1])[-1].lower()
            if (
                (last in _NOUN_BEFORE or last.endswith("'s"))
                and len(words) <= 8
                and inner[-1] not in "!?"
                and not (last == "that" and self._speech_goes_on(s, ps))
            ):
                # the "Jolly Cricketers", a composition on "A Winter's Walk"; but an
                # exclamation of "Hjckrrh!" is heard
                return "mention"
        if glued and len(words) <= 4 and inner[-1] not in ".!?-" and not verb_before:
            return "mention"  # no comma or colon before it: a name, title or quoted word
        if (
            inner[0].islower()  # not 'deed: an elided word may open resumed speech
            and not verb_before
            and len(words) >= 8
            and "?" not in inner
            and not self._resumes_speech(s, ps)
            and _third_person_past(words)
        ):
            # a long report continuing the narrator's sentence (no question: one asked "to his
            # being seen...?" is speech resumed): he thought her "less thin in her person";
            # she could imagine Mrs Clay to have said, that "now Miss Anne was come"
            return "indirect"
        tagged = self._tagged_before(s, ps)
        if tagged:
            return None
        if closed and len(words) <= 4 and inner[-1] not in "!?" and (glued or text[j] in ",;("):
            return "mention"
        # A speech verb earlier in the paragraph ("she was said to be pretty.  "He longed to see
        # her...") does not make a third-person past-tense report speech; it still marks a
        # question or exclamation as asked aloud ("repeated her question.  "Why did they...?").
        earlier = self._speech_earlier(s, ps) if inner[-1] in "?!" else self._marks_in(ps, s) > 0
        if not earlier and _third_person_past(words):
            return "indirect"
        return None


def _speaks_in(narration: str) -> bool:
    """Someone says something in the narration (said, asked, cried...): the lexicon's wider
    speech verbs are often nouns here ("a short note", "her answer")."""
    return any(w.lower() in _SAYS for w in _WORD.findall(narration))


_SAYS = frozenset(
    "say says said saying ask asks asked asking cry cries cried reply replies replied answer "
    "answered exclaim exclaimed shout shouted whisper whispered tell told speak spoke".split()
)


def _third_person_past(words: list[str]) -> bool:
    """Words of a third-person past-tense report: no I or you, he/she/they and a past verb, and
    no present tense (a speaker talking about others slips into it: "She thinks him...")."""
    lower = {w.lower() for w in words}
    return (
        len(words) >= 4
        and not (lower & _FIRST_SECOND)
        and bool(lower & _THIRD)
        and bool(lower & _PAST)
        and not (lower & _PRESENT)
    )


_LIST_REASONS = frozenset({"mention", "title"})
# What may separate two items of a list of quoted words: a comma, "and", "or", "some", "the".
_LIST_GAP = re.compile(
    r"[\s,;]*(?:(?:and|or|nor)\s+)?(?:(?:the|a|an|some|others|other|then)\s+)?[\s,;]*", re.I
)


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


def _raw_quote_spans(
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


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in _classified_spans(text) if _ is None]


def _classified_spans(text: str) -> list[tuple[int, int, str | None]]:
    """Every quoted span with the reason it stays narration (None: it is speech)."""
    paras = paragraphs(text)
    style = _primary_style(text, paras)
    spans = _raw_quote_spans(text, paras, style)
    ctx = _Context(text, paras, style, spans)
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
        if cont and prev_reason in _BLOCK_REASONS:
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
                and len(_WORD.findall(text, s, e)) <= 8
                and not ctx._tag_after(e, pe)
            ):
                # the next item of a list of quoted words: the words "apology," "Hunsford,"
                # and "Lady Catherine."; wrote it down "important," and some "unimportant."
                reason = prev_reason
            elif (
                reason is None
                and prev_reason == "document"
                and ps <= prev_end >= s - 60
                and not ctx._tag_after(e, pe)
            ):
                reason = "document"  # "...," she wrote.  "They seem..." goes on the letter
        if reason == "document":
            if pi != doc_pi:
                sign_off = sign_off and pi == doc_pi + 1
            inner = text[s + 1 : e - 1].strip()
            ended = sign_off  # the name under the sign-off ends the letter
            sign_off = bool(_SIGNATURE.match(inner)) or bool(
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


def _rstrip(text: str, s: int, e: int) -> int:
    while e > s + 1 and text[e - 1].isspace():
        e -= 1
    return e


def _para_start(paras: list[tuple[int, int]], pos: int) -> int:
    lo, hi = 0, len(paras) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if paras[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return paras[lo][0] if paras else 0


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
