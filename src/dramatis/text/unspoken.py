# ruff: noqa: SIM905  (word lists read best as one string each)
"""Quoted text a listener should not hear as a character's speech, and why.

Each quoted span is judged by what a listener expects (``QuoteContext.narrated``): speech goes
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

from dramatis.text.lexicon import PARTICLE_VERBS, SPEECH_VERBS

WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
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
BLOCK_REASONS = frozenset({"indented", "document", "verse"})
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
SIGNATURE = re.compile(
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


class QuoteContext:
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
        return any(w.lower() in SPEECH_VERBS for w in WORD.findall(self.text, start, s))

    def _verb_right_before(self, j: int, ps: int, glued: bool = False) -> bool:
        """A speech verb just before the mark: said "No", saying to herself "This is Bill".

        With ``glued`` (no punctuation between the verb and the mark), naming verbs do not
        count: called "carrots" names, called, "Come!" speaks.
        """
        before = [w.lower() for w in WORD.findall(self.text[max(ps, j - 40) : j + 1])[-4:]]
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
        before = WORD.findall(self.text[max(ps, j - 20) : j + 1])
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
            for w in (x.lower() for x in WORD.findall(self.text, start, s)[-8:])
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
        if any(w.lower() in SPEECH_VERBS for w in WORD.findall(between)):
            return True
        # an action between the halves of one speech: "Well," he shrugged, "she was..."
        return self.text[last - 1] in ",-—–" and between.rstrip()[-1:] in (",", "-", "—", "–")

    def _speech_earlier(self, s: int, ps: int) -> bool:
        """A quote mark or speech verb earlier in the paragraph: this quote continues a speech."""
        return self._marks_in(ps, s) > 0 or any(
            w.lower() in SPEECH_VERBS for w in WORD.findall(self.text, ps, s)
        )

    def tag_after(self, e: int, pe: int) -> str | None:
        """The verb of a speech tag right after the quote: said he / she answered / the old
        woman said / went on Mrs. Lynde.  A verb further into a clause is not one ("before he
        called the class", "with a laugh", "so called by", "she went to the door")."""
        seg = self.text[e : min(pe, e + 50)]
        cut = min((i for i in (seg.find(c) for c in '.,;!?"') if i >= 0), default=len(seg))
        words = WORD.findall(seg[:cut])[:4]
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
                for w in WORD.findall(lead)
            )
        asks = inner[-1] in "?!"  # a letter seldom opens with a question or an exclamation
        if _WROTE.search(lead) and not _speaks_in(lead) and not asks:
            # The sentence before tells of writing (she wrote again when the visit was paid.
            # "I did not think Caroline in spirits," were her words): the letter, unless a
            # tag has someone say it; a letter "adds" or "continues" too.  (He wrote a few
            # lines, then looked up. "Are you ready?" is said.)
            verb = self.tag_after(e, self.paras[pi][1])
            return verb is None or verb in _WRITING_VERBS
        if (
            _LETTER.search(lead)
            and not _speaks_in(lead)
            and self.tag_after(e, self.paras[pi][1]) in _WRITING_VERBS
            and not self._quoted_before(s, pi)
        ):
            # "...her last letter had been lost."  "My aunt," she continued: with no speech on
            # the page before, what continues is the letter
            return True
        if (
            _DOC_NOUN_LEAD.search(lead)
            and not asks
            and not _speaks_in(lead)
            and self.tag_after(e, self.paras[pi][1]) is None
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
        words = WORD.findall(inner)
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
            and self.tag_after(e, pe) not in _SAYS
        ):
            # a song, picture, inn or book: "Nelly of the Hazel Dell", sung or not; a title
            # with no comma before a tag that is not "said" (illustrate "How Sockery Set a
            # Hen" Anne laughed); "Hello Sam" said Bob is speech typed without its comma
            return "title"
        if self.tag_after(e, pe):
            return None  # "...," said he
        if _ITALIC_TITLE.match(inner) and len(words) >= 2:
            return "title"  # all in italics, untagged: got to her repeating "_You are old_,"
        if _IMAGINED.search(text, max(ps, s - 60), s):
            return "imagined"  # a look that said, as much as to say, "..."
        lead = text[max(ps, s - 80) : s]
        if _UNSAID.search(lead) and "help" not in lead:
            return "unsaid"  # never had the temptation to say, "..."
        if _THOUGHT_LEAD.search(lead) and not any(
            w.lower() in SPEECH_VERBS for w in WORD.findall(lead[-50:])
        ):
            return "thought"  # These were her internal persuasions: "..."
        if glued and not verb_before:
            first = next((c for c in inner if c.isalpha()), "")
            if first.islower() and inner[-1] != "!" and not self._speech_goes_on(s, ps):
                # a fragment inside a sentence: was "all right.", called "carrots."
                return "mention"
            last = WORD.findall(text[max(ps, j - 30) : j + 1])[-1].lower()
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
    return any(w.lower() in _SAYS for w in WORD.findall(narration))


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
