# ruff: noqa: SIM905  (word lists read best as one string each)
"""Discover the characters of a story nobody listed: recurring names, merged aliases, gender.

Why statistics over the story itself rather than an NER model: nothing may download at run
time and ``dramatis script`` must stay fast, while in fiction a person is well marked by
behaviour the text shows again and again (titles, speech verbs, gendered pronouns after the
name).  Places, the author and capitalised sentence openers are filtered by the same counts:
a name mostly after "at/in/to/from/on the" is a place, a plural whose singular is a name
("the Musgroves", "Lucases") is a family, adjective shapes ("Shaksperean") and written-out
lisps ("Thquire") are words, and a person must show evidence: a title, a speech tag beside
a line, a vocative, a known first name or two agreeing pronouns.  Nicknames ("Lizzy", "Miss
Eliza") and a bare title ("the Admiral") join the one person they stand for.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from dramatis.attribution.people import merge_forms, norm_title
from dramatis.model import Character, Gender, Segment
from dramatis.text.lexicon import (
    FEMALE_NAMES,
    FEMALE_NOUNS,
    GENERIC_PEOPLE,
    MALE_NAMES,
    MALE_NOUNS,
    NICKNAMES,
    NOT_ADJ,
    SPEECH_VERB_RE,
    SPEECH_VERBS,
    STOP_NAMES,
    TITLES,
)

_TITLE_ALT = "|".join(sorted(TITLES, key=len, reverse=True))
_CAP = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?"
# optional title, then 1-3 capitalised words ("Mr. Darcy", "Elizabeth Bennet", "Jane")
_NAME_RE = re.compile(
    r"(?<![\w.'])(?:(?P<title>"
    + _TITLE_ALT
    + r")\.?[ \t\n]+)?(?P<name>"
    + _CAP
    + r"(?:[ \t]"
    + _CAP
    + r"){0,2})(?![\w'])"
)
_PLACE_SUFFIX = frozenset(
    """
    Hall Street Park Lodge House Road Court Abbey Place Square Lane Castle Manor Cottage Farm
    Church Inn Hotel Row Bridge Terrace Gardens Garden Hill Wood Woods Town City River Station
    Island Bay Mountain Mount College School Club Avenue Crescent Gate Common Cross Chapel
    Office Company Vale Valley Waters Lake Pond Falls Harbour Harbor Port Isle Islands
    """.split()
)
_SURNAME_TITLES = frozenset(("Mr", "Mrs", "Miss", "Ms", "Dr"))
_LAST_WORD = re.compile(r"\b([a-z]+)[ \t\n]+(?:the[ \t\n]+)?$")
_NEXT_WORD = re.compile(r",?[ \t\n]+(?:[a-z]+ly[ \t\n]+)?([a-z]+)\b")
_SENT_START = re.compile(r'(?:[.!?]["\'”’)]*\s+|^\s*|["“‘]\s*|\n\s*\n\s*)$')
_TOK = r"(?:(?:Mr|Mrs|Ms|Dr|St|Rev|Prof|Mme|Mlle)\.|[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?)"
_SEQ_RE = re.compile(
    r"(?<![\w'.-])" + _TOK + r"(?:(?:[ \t]+|[ \t]*\n[ \t]*)" + _TOK + r"){0,3}(?![\w'])"
)
# words after "said the" that are not people ("said the voice" is generic; "the words")
# and kin ("said the father" names someone by relation to another, who is usually named)
_NOT_PEOPLE = frozenset(
    """voice voices words word first second last same former latter father mother sister
    brother son daughter husband wife uncle aunt cousin""".split()
)
_SENT_STOP = re.compile(r"[.!?;\"“”]")
_PRONOUNS = re.compile(r"\b([Hh]e|[Ss]he)\b")  # subjects: "Clarke looks at him as she..."
# "Lexa tilts her head": a possessive right after the name's verb is the name's own (weaker
# evidence than a subject pronoun: "Tom looked at her" is why a noun must follow)
_POSSESSIVE = re.compile(r"[ \t\n]+[a-z]+[ \t\n]+(his|her)[ \t\n]+([a-z]+)\b")
_NOT_NOUN = frozenset(
    "to and the a an that as in with for at of on from when so but or if up down out away back "
    "off into by was is had has".split()
)
_VOCATIVE = re.compile(r"(?:^[\"“‘']\s*|,\s*)(" + _CAP + r")(?=\s*[,.!?—–-])")


def discover(
    text: str, segments: list[Segment], min_count: int = 0, speakers: set[str] | None = None
) -> list[Character]:
    """Characters named in ``text``: canonical name (fullest common form), aliases, gender.

    ``min_count`` (default: 2 for a short story, 3 for a long text) is the fewest mentions a
    character needs unless a speech verb names them.  ``speakers``, when given, receives the
    names of those a speech tag beside a line names or who act in the narration at least
    MIN_ACTS times: what a cast's newcomer must show to be more than talked about.
    """
    min_count = min_count or (2 if len(text) < 50000 else 3)
    narr = [(s.start, s.end) for s in segments if s.kind == "narration"]
    in_narr = _membership(narr)
    near_line = _near_dialogue(text, segments)
    forms: Counter[tuple[str, str]] = Counter()  # (title, name) -> count
    sents: dict[str, set[int]] = defaultdict(set)  # form -> sentences naming it
    furniture: Counter[tuple[str, str]] = Counter()  # "[Illustration:", a heading line
    sentence_of = _sentences(text)
    initial: Counter[tuple[str, str]] = Counter()
    narr_count: Counter[tuple[str, str]] = Counter()
    place_prep: Counter[str] = Counter()
    pron: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    head = text[:3000]
    authors = set(re.findall(r"\b[Bb]y\s+(" + _CAP + r"(?:\s" + _CAP + r"){0,3})", head))
    author_tokens = {t for a in authors for t in a.split()}
    lower_words = Counter(re.findall(r"\b[a-z][a-z'-]+\b", text))
    cap_words = Counter(re.findall(r"\b[A-Z][a-z]+\b", text))
    mid = mid_sentence_caps(text)
    speech: Counter[str] = Counter()
    acts: Counter[str] = Counter()  # "Lexa nods": the name is the subject of a narrated action
    the_count: Counter[str] = Counter()
    # a name addressed in a quote ("Lexa," you say) is a person's
    for sg in segments:
        if sg.kind == "dialogue":
            for vm in _VOCATIVE.finditer(text[sg.start : sg.end]):
                if vm.group(1) not in STOP_NAMES and mid[vm.group(1)]:
                    speech["voc:" + vm.group(1)] += 1
    for m in _SEQ_RE.finditer(text):
        toks = [t.rstrip(".") for t in m.group().split()]
        start = m.start()
        # drop leading stop words and common words: "The Hatter", "Whenever Charlotte"
        skipped = 0
        while toks and (
            (toks[0] in STOP_NAMES and toks[0] not in TITLES)
            or (len(toks) > 1 and lower_words[toks[0].lower()] > cap_words[toks[0]])
            or (len(toks) > 1 and _opener(toks[0], mid, lower_words))
        ):
            toks = toks[1:]
            skipped += 1
        # "the Hatter", "The Invisible Man", "the Queen": a description used as a name
        the_art = (skipped == 1 and m.group().startswith("The")) or bool(
            _DETERMINER_BEFORE.search(text, max(0, start - 7), start)
        )
        title = ""
        if len(toks) > 1 and toks[0] in TITLES:
            title = toks[0]
            toks = toks[1:]
        if not toks or (toks[0] in TITLES and not (the_art and len(toks) == 1)):
            continue
        # "Mrs. Hall", "Mr. Park": a surname that is also a place word, with a title
        surname = title in _SURNAME_TITLES and toks[-1] in _PLACE_SUFFIX
        if (toks[-1] in STOP_NAMES or toks[-1] in _PLACE_SUFFIX) and not surname:
            continue  # "Prince Edward Island", "Green Gables Hall"
        name = " ".join(toks)
        if not title and set(toks) & author_tokens and start < 3000:
            continue
        key = (title, name)
        forms[key] += 1
        if _furniture(text, start, m.end()):
            furniture[key] += 1
        sents[(norm_title(title) + " " + name).strip()].add(sentence_of(start))
        if the_art and not title:
            the_count[name] += 1
        said_as = {(norm_title(title) + " " + name).strip(), name}  # forms counted as evidence
        before = _LAST_WORD.search(text, max(0, start - 20), start)
        after = _NEXT_WORD.match(text, m.end(), m.end() + 40)
        if (
            (
                (before and before.group(1) in SPEECH_VERBS)
                or (after and after.group(1) in SPEECH_VERBS)
            )
            and in_narr(start)
            and near_line(start, m.end())
        ):
            speech.update(said_as)
        if (
            in_narr(start)
            and (act := _ACTION.match(text, m.end(), m.end() + 30))
            and act.group(1) not in _NOT_VERB
        ):
            acts.update(said_as)
        if not title and not skipped and _SENT_START.search(text, max(0, start - 4), start):
            initial[key] += 1
        if in_narr(start):
            narr_count[key] += 1
            prev = text[max(0, start - 16) : start].split()
            preps = _PLACE_PREPS
            if prev and prev[-1].lower() == "the":
                # "on the Cobb", "in the Bank"; but one goes "to the Queen", looks "at" her
                prev, preps = prev[:-1], _IN_THE
            if prev and prev[-1].lower() in preps:
                place_prep[name] += 1
            se = _SENT_STOP.search(text, m.end(), m.end() + 150)
            pm = _PRONOUNS.search(text, m.end(), se.start() if se else m.end() + 150)
            if pm:
                pron[key][pm.group().lower()] += 1
            else:
                poss = _POSSESSIVE.match(text, m.end(), m.end() + 60)
                if poss and poss.group(2) not in _NOT_NOUN:
                    pron[key][poss.group(1)] += 1
    cands: dict[tuple[str, str], int] = {}
    surnames = {name.split()[-1] for (title, name) in forms if title}
    for key, n in forms.items():
        title, name = key
        toks = name.split()
        noninitial = n - initial[key]
        full = (norm_title(title) + " " + name).strip()
        sp = sum(speech[f] for f in {name, full, (title + " " + name).strip()})
        if furniture[key] >= 0.5 * n:
            continue  # a caption's label or a heading ("[Illustration: ...]"), not a person
        if not title:
            low = lower_words[name.lower()] if len(toks) == 1 else 0
            if low > 0.5 * n:
                continue  # a common word capitalised ("Hope", "Will")
            known = (
                toks[0] in FEMALE_NAMES
                or toks[0] in MALE_NAMES
                or toks[0] in NICKNAMES
                or toks[-1] in surnames
            )
            if noninitial < 2 and sp == 0 and not (known or len(toks) > 1):
                continue
            last = toks[-1]
            common = lower_words[last.lower()] >= 2  # the text's own word: "the mire"
            if len(toks) > 1 and not known and common and sp < 2:
                continue  # "Grimpen Mire", "Firestarting Gift": a thing the text names
            pp = place_prep[name]
            if pp >= 2 and pp > 0.3 * max(1, narr_count[key]) and 2 * sp < pp:
                continue  # "at Kellynch", "on the Cobb": a place, even if it once "said"
            if len(toks) == 1 and not known and _not_a_name(name, sp, speech["voc:" + name]):
                continue
            if not known and narr_count[key] == 0 and sp == 0:
                continue  # only ever in quotes and never speaking: a form of address, a lisp
        if _plural_group(key, the_count[name], n, cap_words, forms):
            continue  # "the Musgroves", "Lucases", "the Miss Bennets": a family, not a person
        cands[key] = n
    out = merge_forms(cands, pron, speech, min_count, the_count, sents)
    if speakers is not None:
        speakers.update(
            c.name
            for c in out
            if any(speech[n] for n in c.names) or sum(acts[n] for n in c.names) >= MIN_ACTS
        )
    return out


# "the Bible", "his Royalty", "your Majesty": a capitalised word used as a common noun
_DETERMINER_BEFORE = re.compile(r"\b(?:[Tt]he|an?|his|her|your|my|our|their)\s+$")
_CAPTION = re.compile(r"[ \t]*:")


def _furniture(text: str, start: int, end: int) -> bool:
    """A name that is a caption's label ("[Illustration: ...]", "Note:") or a line alone."""
    if start and text[start - 1] == "[":
        return True
    if _CAPTION.match(text, end, end + 3):
        return True
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return not text[a:start].strip() and not text[end : b if b >= 0 else len(text)].strip(" .\t\r")


def mid_sentence_caps(text: str) -> Counter[str]:
    """How often each capitalised word is capitalised inside a sentence, not opening one.

    Why: a name is capitalised wherever it stands, while "Presently", "Finally", "Shucks"
    or "Enduring" are capitalised only because a sentence or a quotation starts with them
    ("Presently Beaver came in", '"Shucks, it ain't nothing"').  A word never capitalised
    mid-sentence is no name, whatever its count.
    """
    out: Counter[str] = Counter()
    for m in _CAP_WORD.finditer(text):
        a = m.start()
        if not _SENT_START.search(text, max(0, a - 4), a) or _ABBREV.search(text, max(0, a - 6), a):
            out[m.group()] += 1
    return out


_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Rev|Prof)\.\s+$")
_CAP_WORD = re.compile(r"(?<![\w'’.-])[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?(?![\w'])")


def _opener(tok: str, mid: Counter[str], lower: Counter[str]) -> bool:
    """A word before a name that only ever opens a sentence and is a word otherwise ("Instead
    Emmanellain", "Enduring Harry"; not "Huckleberry Finn" said at a sentence start)."""
    return (
        not mid[tok]
        and (lower[tok.lower()] > 0 or tok.endswith(("ly", "ing", "ed")))
        and tok not in TITLES
        and tok not in FEMALE_NAMES
        and tok not in MALE_NAMES
        and tok not in NICKNAMES
    )


# A character who acts in the narration at least this often is in the scene and may speak,
# even if no speech tag names them ("Lexa nods", "Lexa pulls away": she only "says").
MIN_ACTS = 3
# a name then a lower-case word, no possessive: "Lexa nods", "Toby had"
_ACTION = re.compile(r"[ \t\n]+([a-z]+)\b")
_NOT_VERB = frozenset(
    "and or nor but of to in at on with for from by the a an as than that who whom whose which"
    " if so yet about into over under after before like near upon".split()
)

_PLACE_PREPS = frozenset(
    "in at to into near towards toward through via from on upon within across beyond round".split()
)
_IN_THE = frozenset("in into on upon near through within across beyond round".split())
# adjectives and nationalities ("Shaksperean", "Arcadian", "Hermitical", "Roman", "Indian")
_ADJ_SUFFIX = re.compile(r"(?:ian|ean|ical|ic|ish|ese|esque|an|ite|ist)s?$")
# English words never begin "Thq", "Thl", "Ths": a lisp written out ("Thquire" for Squire)
_LISP = re.compile(r"^Th[^aeiouyrw]")


def _not_a_name(name: str, sp: int, voc: int) -> bool:
    """A word shaped like an adjective or a lisp, with little sign of being a person."""
    if _LISP.match(name):
        return True
    return bool(_ADJ_SUFFIX.search(name)) and sp < 4 and voc < 2


def _plural_group(
    key: tuple[str, str], the_n: int, n: int, cap_words: Counter[str], forms: Counter
) -> bool:
    """A plural of a family or people: "the Crofts", "Lucases", "Miss Musgroves", "Americans".

    Why: a family or a nation talked about as one never speaks with one voice.  The plural
    must have a singular the story also uses as a name (or an adjective), and be led by
    "the" or "Miss"/"Misses", or the singular be someone's surname ("Mr. Collins").
    """
    title, name = key
    last = name.split()[-1]
    if title in ("Mr", "Mrs", "Dr", "Ms") or not last.endswith("s") or len(last) < 4:
        return False
    stem = name[: -len(last)]
    sings = [last[:-1]] + ([last[:-2]] if last.endswith(("ses", "xes", "zes", "shes")) else [])
    for sg in sings:
        if not cap_words[sg]:
            continue
        if title in ("Miss", "Misses", "Messrs") or the_n > 0.5 * n:
            return True
        if any(forms[(t, stem + sg)] for t in ("Mr", "Mrs", "Miss")):
            return True
        if _ADJ_SUFFIX.search(sg) and not stem:
            return True
    return False


_STOP = re.compile(r"(?<!Mr)(?<!Mrs)(?<!Dr)(?<!St)[.!?](?=\s)")


_SENT_END = re.compile(r"(?<!Mr)(?<!Mrs)(?<!Dr)(?<!St)(?<!Ms)[.!?]+[\"'”’)]*(?=\s)|\n[ \t]*\n")


def _sentences(text: str):
    """The index of the sentence a position is in (sentences end at . ! ? or a blank line)."""
    from bisect import bisect_right

    ends = [m.end() for m in _SENT_END.finditer(text)]
    return lambda pos: bisect_right(ends, pos)


def _near_dialogue(text: str, segments: list[Segment]):
    """Whether a name sits in a speech tag: just after a line ends or just before one starts,
    in the same sentence.

    Why: "said" counts as evidence of a person only beside a quotation; "went to Bermuda",
    "called at Kellynch", "Dinah purred. ..." (a sentence before a line) are not speech.
    """
    from bisect import bisect_left, bisect_right

    dia = [(s.start, s.end) for s in segments if s.kind == "dialogue"]
    starts = [a for a, _ in dia]
    ends = [b for _, b in dia]

    def near(a: int, b: int) -> bool:
        i = bisect_right(ends, a) - 1
        if i >= 0 and a - ends[i] < 60 and not _STOP.search(text, ends[i], a):
            return True
        j = bisect_left(starts, b)
        return j < len(starts) and starts[j] - b < 80 and not _STOP.search(text, b, starts[j])

    return near


def _membership(spans: list[tuple[int, int]]):
    starts = [s for s, _ in spans]
    from bisect import bisect_right

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and spans[i][0] <= pos < spans[i][1]

    return inside


_DESC_AFTER = re.compile(
    r"[\s,;:—–-]*(?:[a-z]+ly\s+)?(?P<verb>[a-z]+)\s+the\s+(?:(?P<adj>[a-z-]+)\s+)?"
    r"(?P<noun>[A-Z][a-z-]+(?:[ \t]+[A-Z][a-z-]+)*|[a-z][a-z-]+)\b"
)
_DESC_FIRST = re.compile(
    r"[\s,;:—–-]*the\s+(?:(?P<adj>[a-z-]+)\s+)?"
    r"(?P<noun>[A-Z][a-z-]+(?:[ \t]+[A-Z][a-z-]+)*|[a-z][a-z-]+)\s+(?:[a-z]+ly\s+)?"
    r"(?P<verb>[a-z]+)\b"
)


def discover_descriptions(
    text: str, segments: list[Segment], known: list[Character], min_count: int = 3
) -> list[Character]:
    """Speakers the story only describes: '"Pleasant day," said the mariner' again and again.

    Why: many novels never name a minor speaker ("the mariner", "the barman"); without a
    character of their own their lines fall to someone named nearby.  A description counts
    when a speech tag right after a line names it ``min_count`` times.  One the turns of
    talk identify ("said the painter" in Basil Hallward's turns) becomes that person's alias
    instead.  Any man or woman described ("the young man") gets a voice only when no named
    person's turns alternate with it (else it may be anyone); "the man", "the other" never do.
    """
    names = {n.lower() for c in known for n in c.names}
    heads = {n.split()[-1].lower() for c in known for n in c.names if n.split()}
    count: Counter[str] = Counter()
    for i, sg in enumerate(segments[:-1]):
        if sg.kind != "dialogue" or segments[i + 1].kind != "narration":
            continue
        nxt = segments[i + 1]
        chunk = text[nxt.start : min(nxt.end, nxt.start + 60)]
        for rx in (_DESC_AFTER, _DESC_FIRST):
            m = rx.match(chunk)
            if m and m.group("verb") in SPEECH_VERBS:
                noun = _described_as(m)
                if noun in SPEECH_VERBS or noun.endswith("ly"):
                    continue
                count[noun] += 1
                break
    out = []
    seen_with: set[str] = set()
    who = _identified(text, segments, known, count, seen_with)
    for noun, n in count.most_common():
        low = noun.lower()
        if n < min_count or low in _VAGUE or low in _NOT_PEOPLE or low in NOT_ADJ:
            continue
        name = "The " + " ".join(w[:1].upper() + w[1:] for w in noun.split())
        if name.lower() in names or low in names or low.split()[-1] in heads:
            continue  # "the March Hare" when "the Hare" is known
        if noun in who:
            who[noun].aliases.append(name)  # "said the painter" is Basil Hallward's line
            continue
        if low.split()[-1] in GENERIC_PEOPLE and (noun in seen_with or " " not in low):
            continue  # "the man", or "the old gentleman" beside named turns: may be anyone
        noun = low.split()[-1]
        out.append(Character(name, [], _noun_gender(noun)))
    return out


def _tag_after(text: str, seg: Segment) -> str:
    """The first words after a line (where its speech tag is)."""
    return text[seg.start : min(seg.end, seg.start + 60)]


def _identified(
    text: str,
    segments: list[Segment],
    known: list[Character],
    nouns: Counter[str],
    seen_with: set[str],
) -> dict[str, Character]:
    """{description: named character} for a description the turns of talk identify.

    Why: "said the painter" is usually a named person seen as the narrator sees him; in an
    exchange of two, a speaker's turns alternate, so the turns two before and two after a
    line "the painter" says are his too, and the turns right beside it the other's.  Votes
    come from turns a speech tag names; a description joins the one named person who has at
    least two votes and twice as many as anyone else, and whose sex does not disagree.
    """
    forms = sorted({n for c in known for n in c.names if n[:4] != "The "}, key=len, reverse=True)
    if not forms or not nouns:
        return {}
    alt = "|".join(re.escape(f) for f in forms)
    tag = re.compile(
        rf"[\s,;:—–-]*(?:(?:[a-z]+ly\s+)?{SPEECH_VERB_RE}\s+(?P<a>{alt})\b"
        rf"|(?P<b>{alt})\s+(?:[a-z]+ly\s+)?{SPEECH_VERB_RE}\b)"
    )
    owner = {n: c for c in known for n in c.names}
    turns: list[tuple[int, str | Character | None]] = []  # (paragraph, who the tag names)
    para_at = _paragraph_index(text)
    for i, sg in enumerate(segments):
        if sg.kind != "dialogue":
            continue
        pi = para_at(sg.start)
        who: str | Character | None = None
        if i + 1 < len(segments) and segments[i + 1].kind == "narration":
            chunk = _tag_after(text, segments[i + 1])
            m = tag.match(chunk)
            if m:
                who = owner[m.group("a") or m.group("b")]
            else:
                for rx in (_DESC_AFTER, _DESC_FIRST):
                    dm = rx.match(chunk)
                    if dm and dm.group("verb") in SPEECH_VERBS and _described_as(dm) in nouns:
                        who = _described_as(dm)
                        break
        if turns and turns[-1][0] == pi:
            if turns[-1][1] is None:
                turns[-1] = (pi, who)
            continue
        turns.append((pi, who))
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    for t, (_pi, who) in enumerate(turns):
        if not isinstance(who, str):
            continue
        for d, w in ((-2, 1), (2, 1), (-1, -1), (1, -1)):
            u = t + d
            lo, hi = min(t, u), max(t, u)
            if 0 <= u < len(turns) and turns[hi][0] - turns[lo][0] == hi - lo:
                other = turns[u][1]
                if isinstance(other, Character):
                    votes[who][id(other)] += w
    by_id = {id(c): c for c in known}
    out: dict[str, Character] = {}
    for noun, v in votes.items():
        if any(n > 0 for n in v.values()):
            seen_with.add(noun)  # some named person's turns alternate with it
        ranked = v.most_common(2)
        best, n = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        c = by_id[best]
        sex = _noun_gender(noun)
        if n >= 2 and n >= 2 * second and (sex == "unknown" or c.gender in ("unknown", sex)):
            out[noun] = c
    return out


def _noun_gender(noun: str) -> Gender:
    last = noun.lower().split()[-1]
    if last in FEMALE_NOUNS or last.endswith("woman"):
        return "female"
    if last in MALE_NOUNS or last.endswith("man"):
        return "male"
    return "unknown"


def _paragraph_index(text: str):
    """The index of the paragraph a position is in (paragraphs end at a blank line)."""
    from bisect import bisect_right

    ends = [m.end() for m in re.finditer(r"\n[ \t]*\n", text)]
    return lambda pos: bisect_right(ends, pos)


# Descriptions that stand for no one person ("said the voice", "the other", "the people")
_VAGUE = frozenset("voice voices other others one people person men women".split())


def _described_as(m: re.Match[str]) -> str:
    """What a tag calls its speaker: the noun, with its adjective when the noun alone is any
    man or woman ("the young man", "the old woman"; but "the painter", "the Hatter")."""
    noun, adj = m.group("noun"), m.group("adj")
    if noun.lower() in GENERIC_PEOPLE and adj and adj not in NOT_ADJ:
        return adj + " " + noun
    return noun
