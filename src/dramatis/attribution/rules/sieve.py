"""The rule sieve, most reliable rule first, in the spirit of Muzny et al. (2017) and of the
PDNC findings (explicit quotes are easy; the rest is conversation structure):

1. a speech verb beside the quote with a name or pronoun ("said Jane", "she whispered",
   "Jane said, ..."), pronouns resolved by gender against recent mentions and speakers
   (``tags``); unnamed speakers get extras (``extras``);
2. an interrupted quotation shares its first part's speaker; one speaker per paragraph, and
   per speech carried over several paragraphs (no closing mark until its last);
3. action beats: the subject of the paragraph's narration ("She turns away.");
4. turn-taking through runs of unattributed lines (A, B, A, B ...), helped by vocatives
   and tags that name a listener ("said Jane to Kitty"): the one addressed is likely to
   answer next (``turns``);
5. fall back to the most recent other speaker.

First- and second-person narrators are found first (``narrator``).  Pins from voices.yaml
are applied after the ranker, by ``dramatis.attribution.pipeline.attribute``.
"""

from __future__ import annotations

from dramatis.attribution.names import gender_code
from dramatis.attribution.rules.extras import unnamed_lines
from dramatis.attribution.rules.narrator import detect_narrator
from dramatis.attribution.rules.tags import explicit
from dramatis.attribution.rules.turns import (
    beat,
    continued_paragraphs,
    converse,
    tag_listeners,
    vocatives,
)
from dramatis.attribution.state import AttributionState
from dramatis.model import Character
from dramatis.text.lexicon import EXTRAS

AVOID = False


Lines = dict[int, list[int]]  # paragraph -> its dialogue segments
Voc = dict[int, frozenset[int]]


def run_rules(st: AttributionState) -> None:
    """Run the sieve over ``st``: its speakers go to ``st.spk``/``st.conf`` (and are kept as
    ``spk0``/``conf0``), and into the dialogue segments."""
    segs = st.segs
    st.collect_mentions()
    _index_paragraphs(st)
    detect_narrator(st)
    dia = [k for k, s in enumerate(segs) if s.kind == "dialogue"]
    st.cont = continued_paragraphs(st, dia)
    by_para: Lines = {}
    for k in dia:
        by_para.setdefault(st.para_of(segs[k].start), []).append(k)
    _assign_extras(st, by_para)
    vocs = {k: frozenset(vocatives(st, segs[k])) for k in dia}
    spk: dict[int, int] = {}
    conf: dict[int, float] = {}
    # who a paragraph's lines are addressed to: vocatives, and listeners its tags name
    # ("said Jane to Elizabeth", "turning to Kitty"); they are not its speaker, and they
    # are likely to answer next
    st.listeners = {pi: tag_listeners(st, ks) for pi, ks in by_para.items()}
    pvoc = {
        pi: frozenset().union(*(vocs[k] for k in ks)) | st.listeners[pi]
        for pi, ks in by_para.items()
    }
    pspk: dict[int, int] = {}
    pconf: dict[int, float] = {}
    _reading_pass(st, by_para, vocs, pvoc, (spk, conf), (pspk, pconf))
    # 5: turn-taking between the attributed lines; a speech running over several
    # paragraphs is one turn, spoken by whoever a tag in any of them names
    groups = st.speech_groups()
    for members in groups.values():
        named = [pi for pi in members if pi in pspk and pconf[pi] >= 0.95]
        if named:
            for pi in members:
                if pi not in pspk or st.pmethod.get(pi) == "cont" or pconf[pi] < 0.95:
                    pspk[pi], pconf[pi] = pspk[named[0]], pconf[named[0]]
    heads = {pi: ks for pi, ks in by_para.items() if pi not in st.cont}
    converse(st, heads, pvoc, pspk, pconf)
    for head, members in groups.items():
        if head in pspk:
            for pi in members[1:]:
                if pi not in pspk or st.pmethod.get(pi) in ("cont", "beat"):
                    pspk[pi], pconf[pi] = pspk[head], pconf[head]
                    st.pmethod[pi] = "cont"
    _fill_lines(st, by_para, (spk, conf), (pspk, pconf))
    for k in [k for k, c in spk.items() if c in st.extra_ids and k not in st.extras]:
        del spk[k], conf[k]  # turn-taking never hands a line to an unnamed speaker
    st.spk, st.conf, st.vocs, st.by_para, st.dia = spk, conf, vocs, by_para, dia
    st.spk0, st.conf0 = dict(spk), dict(conf)  # the sieve's own answers, kept
    st.apply()


def _index_paragraphs(st: AttributionState) -> None:
    """``st.para_segs``: the segments in each paragraph (a narration segment can span
    several)."""
    st.para_segs = [[] for _ in st.paras]
    for k, sg in enumerate(st.segs):
        pi = st.para_of(sg.start)
        st.para_segs[pi].append(k)
        if sg.kind == "narration":  # a narration segment can span paragraphs
            j = pi + 1
            while j < len(st.paras) and st.paras[j][0] < sg.end:
                st.para_segs[j].append(k)
                j += 1


def _assign_extras(st: AttributionState, by_para: Lines) -> None:
    """Lines an unnamed speaker says go to that extra, added as a character."""
    ids: dict[str, int] = {}
    for k, name in unnamed_lines(st, by_para).items():
        if name not in ids:
            ids[name] = len(st.chars)
            st.chars.append(Character(name, [], EXTRAS[name]))
            st.genders.append(gender_code(EXTRAS[name]))
        st.extras[k] = ids[name]
    st.extra_ids = frozenset(ids.values())


def _reading_pass(
    st: AttributionState,
    by_para: Lines,
    vocs: Voc,
    pvoc: Voc,
    lines: tuple[dict[int, int], dict[int, float]],
    paras: tuple[dict[int, int], dict[int, float]],
) -> None:
    """Rules 1-3 in reading order, so pronouns can use the speakers of earlier lines:
    tagged lines (``lines``: speaker and confidence per line), then each paragraph's speaker
    (``paras``) from its tags, the speech it continues, or its action beat."""
    spk, conf = lines
    pspk = paras[0]
    spoken: dict[int, tuple[int, int]] = {}
    prev_pi: int | None = None
    prev_spk: int | None = None
    before_prev: int | None = None
    for pi in sorted(by_para):
        ks = by_para[pi]
        adjacent = prev_pi is not None and pi - prev_pi == 1
        avoid = prev_spk if adjacent and AVOID else None
        for k in ks:
            if k in st.extras:
                spk[k], conf[k] = st.extras[k], 0.9
                st.method[k] = "extra"
                continue
            # the one the previous line addressed by name answers: '"But, Captain
            # Wentworth," cried Louisa.' then '"I knew it," said he.'
            st.addressed = (
                frozenset(x for x in pvoc.get(prev_pi, ()) if x != prev_spk)
                if adjacent and prev_pi is not None and k == ks[0]
                else frozenset()
            )
            who, c = explicit(st, k, spoken, vocs[k], avoid)
            if who is not None:
                spk[k], conf[k] = who, c
                st.method[k] = "explicit"
                # a later "she added" in this paragraph most likely means the same woman
                spoken[who] = (st.segs[k].start, k)
        st.addressed = frozenset()
        _paragraph_speaker(st, pi, ks, lines, paras, spoken, pvoc[pi])
        cur = pspk.get(pi)
        if cur is None and adjacent:
            # provisional turn-taking guess, only to keep salience up to date
            addressed = (
                [x for x in pvoc.get(prev_pi, ()) if x != prev_spk] if prev_pi is not None else []
            )
            cur = addressed[0] if addressed else before_prev
        if cur is not None and cur not in st.extra_ids:
            spoken[cur] = (st.paras[pi][0], ks[0])
        before_prev = prev_spk if adjacent else None
        prev_pi, prev_spk = pi, cur


def _paragraph_speaker(
    st: AttributionState,
    pi: int,
    ks: list[int],
    lines: tuple[dict[int, int], dict[int, float]],
    paras: tuple[dict[int, int], dict[int, float]],
    spoken: dict[int, tuple[int, int]],
    voc: frozenset[int],
) -> None:
    """Paragraph ``pi``'s speaker: its first tagged line's, else the speaker of the speech
    it continues, else the subject of its action beat."""
    spk, conf = lines
    pspk, pconf = paras
    known = [spk[k] for k in ks if k in spk]
    if known:
        pspk[pi] = known[0]
        pconf[pi] = max(conf[k] for k in ks if k in spk)
    elif pi in st.cont and st.cont[pi] in pspk:
        # the previous paragraph's quotation goes on: the same speaker
        pspk[pi], pconf[pi] = pspk[st.cont[pi]], pconf[st.cont[pi]]
        st.pmethod[pi] = "cont"
    else:
        who = beat(st, pi, spoken, voc)
        if who is not None:
            pspk[pi], pconf[pi] = who, 0.7
            st.pmethod[pi] = "beat"


def _fill_lines(
    st: AttributionState,
    by_para: Lines,
    lines: tuple[dict[int, int], dict[int, float]],
    paras: tuple[dict[int, int], dict[int, float]],
) -> None:
    """A line without a tag continues the last tagged line before it in the paragraph (an
    interrupted quotation, or a paragraph holding several turns), else the paragraph's
    speaker."""
    spk, conf = lines
    pspk, pconf = paras
    for pi, ks in by_para.items():
        last: int | None = None
        for k in ks:
            if k in spk:
                last = k
            elif last is not None:
                spk[k], conf[k] = spk[last], conf[last]
                st.method[k] = "para"
            elif pi in pspk:
                spk[k], conf[k] = pspk[pi], pconf[pi]
                st.method[k] = st.pmethod.get(pi, "para")
