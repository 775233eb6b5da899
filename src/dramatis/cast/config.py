"""The cast from voices.yaml (:func:`load_cast`), and voices.yaml grown by builds
(:func:`add_characters`).

**The user's text is sacred.** :func:`add_characters` appends new characters without
touching a byte of what the user wrote (comments, order, quoting, blank lines).  We do *not*
re-dump the whole document with ruamel: it normalises indentation and spacing and can move a
trailing comment below new entries.  Instead ruamel tells us where the ``characters:`` block
ends, renders only the new entries, and we splice those lines into the original text, then
re-parse to verify the result.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from dramatis.cast.assign import assign_voices
from dramatis.cast.parse import Entry, Parser, load_yaml, parse_file, round_trip_yaml
from dramatis.errors import DramatisError
from dramatis.model import NARRATOR, Cast, Character, Voice
from dramatis.paths import write_atomic
from dramatis.speech.engines import DEFAULT_ENGINE, EngineFacts

HEADER = (
    "# Dramatis cast: the narrator's and each character's voice.\n"
    "# Edit freely: builds keep your comments and order and only append new characters.\n"
    "# Keys: engine, narrator, characters (aliases, gender, accent, voice, rate, pitch,\n"
    "# volume), stories, pronunciations, pins.  `dramatis voices` lists the voice ids.\n"
    "# rate: words per minute, for every engine; pitch: 0-100, 50 = the voice's own.\n"
    "# Someone, A man, A woman and Crowd voice the lines of speakers the story does not name.\n"
)


# --------------------------------------------------------------------------- loading


def _character(entry: Entry) -> Character:
    return Character(
        name=entry.name,
        aliases=list(entry.aliases),
        gender=entry.gender or "unknown",
        voice=entry.voice,
        accent=entry.accent,
    )


def find_named(characters: dict[str, Character], names: Iterable[str]) -> Character | None:
    folded = {n.casefold() for n in names}
    for c in characters.values():
        if folded & {n.casefold() for n in c.names}:
            return c
    return None


def engine_named(path: Path, story: str | Sequence[str] | None = None) -> str | None:
    """The engine voices.yaml names for ``story`` (its ``stories:`` entry's ``engine:``, else
    the top-level one), or None when it names none (then the default engine speaks)."""
    return parse_file(path, None)[1].engine_for(story)


def load_cast(
    path: Path,
    engine: EngineFacts | None = None,
    *,
    story: str | Sequence[str] | None = None,
) -> Cast:
    """Read and validate voices.yaml (before any synthesis) into a complete :class:`Cast`.

    A missing file is an empty cast.  Voice ids are checked only when ``engine`` is given
    (see :class:`~dramatis.cast.parse.Parser`); then every character also gets a full voice
    (assigned as in :func:`assign_voices` when the file gives none, in memory only), and
    the cast's ``notes`` say what that engine ignores.  ``story`` (a slug or file name, or
    several) selects the per-story overrides, merged over the global settings.
    """
    notes: list[str] = []
    _, cf = parse_file(path, engine, notes)
    result = Cast(
        narrator=cf.glob.narrator,
        pronunciations=dict(cf.glob.pronunciations),
        pins={k: who for k, (who, _) in cf.glob.pins.items()},
        engine=engine.name if engine is not None else None,
        notes=notes,
    )
    for entry in cf.glob.characters:
        result.characters[entry.name] = _character(entry)

    # Automatic voices come from the global section alone, so a character keeps one voice
    # in every story; all narrators in the file are avoided for the same reason.
    avoid = cf.narrator_ids()
    if engine is not None and engine.voices:
        chars = list(result.characters.values())
        assigned = assign_voices(chars, engine, narrator=cf.glob.narrator, avoid=avoid)
        for name, voice in assigned.items():
            result.characters[name].voice = voice

    for sec in cf.story_sections(story):
        result.narrator = result.narrator.merged(sec.narrator)
        result.pronunciations.update(sec.pronunciations)
        result.pins.update({k: who for k, (who, _) in sec.pins.items()})
        for entry in sec.characters:
            found = find_named(result.characters, entry.names)
            if found is None:
                new = _character(entry)
                if engine is not None and engine.voices:
                    taken = [c.voice for c in result.characters.values()]
                    new.voice = assign_voices(
                        [new], engine, narrator=result.narrator, taken=taken, avoid=avoid
                    ).get(new.name, new.voice)
                result.characters[new.name] = new
                continue
            found.voice = found.voice.merged(entry.voice)
            found.aliases += [
                a for a in entry.names if a.casefold() not in {n.casefold() for n in found.names}
            ]
            if entry.gender is not None:
                found.gender = entry.gender
            if entry.accent is not None:
                found.accent = entry.accent

    # Pins may name an alias or a story-only character: point them at the canonical name.
    for line_id, who in result.pins.items():
        if who != NARRATOR:
            found = find_named(result.characters, [who])
            result.pins[line_id] = found.name if found else who
    return result


# --------------------------------------------------------------------------- adding


def add_characters(
    path: Path,
    characters: Sequence[Character],
    engine: EngineFacts,
    *,
    story: str | Sequence[str] | None = None,
) -> list[str]:
    """Append the characters voices.yaml lacks, each with a voice; return the names added.

    A character is already there when any of its names or aliases matches (ignoring case)
    a global character or one in ``story``'s section.  The file is validated first (an
    invalid file is reported, never overwritten), created with a short header if missing,
    and written atomically only when something is new.  Everything already in the file
    stays byte for byte; the new entries are appended to the ``characters:`` block.

    The block's voice ids belong to the file's top-level engine: when ``engine`` is another
    one (a story or ``--engine`` names it), new characters are written without a voice, and
    each engine gives them an automatic one in memory.
    """
    text, cf = parse_file(path, engine)
    present: set[str] = set()
    for sec in [cf.glob, *cf.story_sections(story)]:
        for entry in sec.characters:
            present.update(n.casefold() for n in entry.names)
    existing = [_character(entry) for entry in cf.glob.characters]

    # The block's ids are for the file's own engine: another engine's are never written.
    same_engine = (cf.glob.engine or DEFAULT_ENGINE) == engine.name
    new: list[Character] = []
    for c in characters:
        names = {n.strip().casefold() for n in c.names if n.strip()}
        if not names or NARRATOR in names or names & present:
            continue
        present |= names
        voice = (
            c.voice
            if same_engine and (c.voice.id is None or c.voice.id in {v.id for v in engine.voices})
            else Voice()
        )
        new.append(
            Character(
                c.name.strip(),
                [a.strip() for a in c.aliases if a.strip()],
                c.gender,
                voice,
                c.accent,
            )
        )
    if not new:
        return []

    # What the file's characters sound like now (their automatic voices included), so the
    # new ones differ from all of them.
    if same_engine:
        assigned = assign_voices(
            [*existing, *new], engine, narrator=cf.glob.narrator, avoid=cf.narrator_ids()
        )
        for c in new:
            c.voice = assigned.get(c.name, c.voice)

    new_text, spliced = _insert(text, new, path)
    _verify(path, text if spliced else None, new_text, new, engine)
    write_atomic(path, new_text.encode("utf-8"))
    return [c.name for c in new]


def _entry_map(c: Character) -> CommentedMap:
    m = CommentedMap()
    if c.aliases:
        seq = CommentedSeq(c.aliases)
        seq.fa.set_flow_style()
        m["aliases"] = seq
    m["gender"] = c.gender
    if c.accent:
        m["accent"] = c.accent
    for key, value in (
        ("voice", c.voice.id),
        ("rate", c.voice.rate),
        ("pitch", c.voice.pitch),
        ("volume", c.voice.volume),
    ):
        if value is not None:
            m[key] = value
    return m


def _render(characters: Sequence[Character], indent: int, step: int, flow: bool) -> list[str]:
    """The new entries as YAML lines (ruamel quotes any name that needs it)."""
    y = YAML(typ="rt")
    y.indent(mapping=step, sequence=step + 2, offset=step)
    y.width = 4096
    doc = CommentedMap()
    for c in characters:
        entry = _entry_map(c)
        if flow:
            entry.fa.set_flow_style()
        doc[c.name] = entry
    buf = io.StringIO()
    y.dump(doc, buf)
    return [" " * indent + line + "\n" for line in buf.getvalue().splitlines()]


def _insert(text: str | None, new: Sequence[Character], path: Path) -> tuple[str, bool]:
    """``text`` with ``new`` spliced into its characters block, every other byte unchanged.

    Returns the new text and whether it was spliced (False: re-dumped by ruamel, only for
    flow-style blocks such as ``characters: {}`` where no line can simply be inserted).
    """
    if text is None:
        return HEADER + "\ncharacters:\n" + "".join(_render(new, 2, 2, False)), True
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom)
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.splitlines(keepends=True)
    data = load_yaml(body, path)

    def join(at: int, added: list[str]) -> tuple[str, bool]:
        head = lines[:at]
        if head and not head[-1].endswith(("\n", "\r")):
            head[-1] += newline
        added = [line[:-1] + newline for line in added]
        return bom + "".join(head + added + lines[at:]), True

    chars = data.get("characters") if isinstance(data, CommentedMap) else None
    if data is None or (isinstance(data, CommentedMap) and "characters" not in data):
        if isinstance(data, CommentedMap) and data.fa.flow_style():
            return _redump(data, new, bom, newline)
        return join(len(lines), ["characters:\n", *_render(new, 2, 2, False)])

    assert isinstance(data, CommentedMap)
    key_line = data.lc.key("characters")[0]
    if chars is None:  # "characters:" with nothing under it (maybe a comment)
        rest = lines[key_line].split("characters", 1)[1].split(":", 1)[1]
        if rest.strip() and not rest.strip().startswith("#"):
            return _redump(data, new, bom, newline)  # "characters: ~" and the like
        return join(key_line + 1, _render(new, 2, 2, False))
    if not isinstance(chars, CommentedMap) or not chars or chars.fa.flow_style():
        return _redump(data, new, bom, newline)

    first = next(iter(chars))
    indent = chars.lc.key(first)[1]
    value = chars[first]
    flow = isinstance(value, CommentedMap) and value.fa.flow_style()
    step = 2
    if isinstance(value, CommentedMap) and value and not flow:
        step = max(1, value.lc.key(next(iter(value)))[1] - indent)

    # The block ends before the next top-level key, less the blank lines and unindented
    # comments that lead into that key (they belong to it, not to the characters).
    keys = list(data)
    after = keys[keys.index("characters") + 1 :]
    end = data.lc.key(after[0])[0] if after else len(lines)
    while end - 1 > key_line:
        stripped = lines[end - 1].strip()
        is_outer_comment = stripped.startswith("#") and _indent(lines[end - 1]) < indent
        if stripped and not is_outer_comment and stripped not in ("...", "---"):
            break
        end -= 1
    return join(end, _render(new, indent, step, flow))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _redump(
    data: CommentedMap, new: Sequence[Character], bom: str, newline: str
) -> tuple[str, bool]:
    """Fallback for flow-style files: ruamel's round trip (keeps data and comments)."""
    if not isinstance(data.get("characters"), CommentedMap):
        data["characters"] = CommentedMap()
    for c in new:
        data["characters"][c.name] = _entry_map(c)
    buf = io.StringIO()
    y = round_trip_yaml()
    y.width = 4096
    y.dump(data, buf)
    return bom + buf.getvalue().replace("\n", newline), False


def _verify(
    path: Path,
    old: str | None,
    new_text: str,
    added: Sequence[Character],
    engine: EngineFacts,
) -> None:
    """Re-read what we are about to write: valid, with the new characters as intended."""
    try:
        cf = Parser(path, engine).parse(new_text.removeprefix("\ufeff"))
    except DramatisError as e:
        raise DramatisError(
            f"could not add characters safely ({e}); add them by hand", path
        ) from None
    written = {e.name: e for e in cf.glob.characters}
    for c in added:
        w = written.get(c.name)
        if w is None or (w.voice, w.aliases, w.gender, w.accent) != (
            c.voice,
            c.aliases,
            c.gender,
            c.accent,
        ):
            raise DramatisError(
                f"could not add {c.name!r} safely; add it under 'characters:' by hand", path
            )
    if old is not None:
        if old and not old.endswith(("\n", "\r")):  # we end its last line first
            old += "\r\n" if "\r\n" in old else "\n"
        ops = difflib.SequenceMatcher(
            None,
            old.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            autojunk=False,
        ).get_opcodes()
        if any(op not in ("equal", "insert") for op, *_ in ops):
            raise DramatisError("could not add characters without changing your lines", path)
