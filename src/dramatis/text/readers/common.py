"""What every reader shares: safe loading, decoding, front matter and its metadata.

Headings, scene breaks, chapter tiling and the text builder are in
:mod:`dramatis.text.readers.structure`, which also states the span conventions every reader keeps.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dramatis.errors import DramatisError

MAX_BYTES = 100 * 1024 * 1024

_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an EPUB must be named .epub)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"ID3", "an MP3 file"),
    (b"RIFF", "a RIFF (WAV/AVI) file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office document"),
]
_FORMATS_HINT = "give a .txt, .md, .html or .epub story"


# --------------------------------------------------------------------------- loading


def load_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks every format shares (exists, size, not empty)."""
    if not path.exists():
        raise DramatisError("no such file; check the path", path)
    if path.is_dir():
        raise DramatisError("is a folder, not a story file", path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DramatisError(
            f"file is {size / 2**20:.0f} MB, over the 100 MB limit; split it into smaller files",
            path,
        )
    if size == 0:
        raise DramatisError("file is empty; give a story with text in it", path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DramatisError(
            f"cannot read file ({exc.strerror}); check its permissions", path
        ) from exc


def binary_kind(data: bytes) -> str | None:
    """A human name for well-known binary formats (for the error message), else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


_BOMS = [
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode story bytes to text, BOM removed; returns ``(text, encoding)``.

    UTF-8 is tried strictly first (valid UTF-8 is almost never anything else). Other bytes go
    to charset-normalizer, a maintained detector that measures how "chaotic" each candidate
    decoding is, rather than a hand-written guess. Very short texts leave many single-byte
    code pages tied; Windows-1252 (the most common Western one) wins when it is about as good
    as the best, so "It’s" in cp1252 does not come out as Chinese.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DramatisError(
                    f"starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte {exc.start + len(bom)}); re-save it as UTF-8",
                    path,
                ) from exc
            return _checked(text, data, path), encoding
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise DramatisError(_binary_message(data), path)
        try:
            return _checked(data.decode(utf16), data, path), utf16
        except UnicodeDecodeError as exc:
            raise DramatisError(_binary_message(data), path) from exc
    kind = binary_kind(data)
    if kind is not None:
        raise DramatisError(_binary_message(data), path)
    try:
        return _checked(data.decode("utf-8"), data, path), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(data)
    if detected is None:
        raise DramatisError(_binary_message(data), path)
    return _checked(data.decode(detected), data, path), detected


def _binary_message(data: bytes) -> str:
    kind = binary_kind(data)
    what = f"it looks like {kind}" if kind else "it looks like binary data"
    return f"not a text file ({what}); {_FORMATS_HINT}"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a zero in every other byte for ASCII characters."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    odd_zero = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    even_zero = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    if odd_zero > 0.4 * pairs and even_zero < 0.05 * pairs:
        return "utf-16-le"
    if even_zero > 0.4 * pairs and odd_zero < 0.05 * pairs:
        return "utf-16-be"
    return None


# How close to the best candidate Windows-1252 must be to win: on a short sample
# charset-normalizer's chaos score differs by 0.1 between code pages that decode it equally
# well (measured: a French/English paragraph came out cp1257 without this tolerance), while
# Polish (cp1250), Russian (cp1251) and Greek (cp1253) keep their code pages with it.
_TIE_CHAOS = 0.1
_TIE_COHERENCE = 0.02


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    if "cp1252" in best.could_be_from_charset:
        return "cp1252"
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if (
        western is not None
        and western.chaos <= best.chaos + _TIE_CHAOS
        and western.coherence >= best.coherence - _TIE_COHERENCE
    ):
        return "cp1252"
    return best.encoding


def _checked(text: str, data: bytes, path: Path) -> str:
    """Reject decodings that are mostly control characters (binary data that happened to decode)."""
    if not text.strip():
        raise DramatisError("has no text (only white space); give a story with text in it", path)
    sample = text[:20000]
    controls = sum(
        1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v\x1a"
    )
    if controls > max(2, len(sample) // 200):
        raise DramatisError(_binary_message(data), path)
    return text


# --------------------------------------------------------------------------- front matter

_FRONT_OPEN = re.compile(r"\A[ \t]*---[ \t]*(?:\r\n|\r|\n)")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|\Z)", re.M)
_YAMLISH = re.compile(r"^[A-Za-z_][\w \-]*:(?:\s|$)")
FRONT_KEYS = {
    "title", "author", "authors", "by", "summary", "description", "series", "series_part",
    "part", "series_index", "language", "lang", "fandom", "fandoms", "rating", "tags",
    "notes", "cover", "date", "published", "characters", "relationships", "warnings",
    "category", "categories", "url", "source", "words", "subtitle",
}  # fmt: skip


@dataclass
class FrontMatter:
    end: int  # offset just past the closing delimiter line
    data: dict[str, object]


def front_matter(text: str, path: Path) -> FrontMatter | None:
    """A leading ``---`` YAML block (as Jekyll/Pandoc write it), parsed with ruamel.yaml.

    A block is front matter only when it parses to a mapping with at least one known key, so a
    story that merely opens with a ``---`` rule is left alone. A block that looks like YAML but
    does not parse is reported with its line, as the user meant it as front matter.
    """
    opening = _FRONT_OPEN.match(text)
    if not opening:
        return None
    closing = _FRONT_CLOSE.search(text, opening.end(), min(len(text), opening.end() + 50_000))
    if closing is None:
        return None
    block = text[opening.end() : closing.start()]
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(block)
    except YAMLError as exc:
        first = next((ln for ln in block.splitlines() if ln.strip()), "")
        if not _YAMLISH.match(first):
            return None
        line = None
        if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
            line = exc.problem_mark.line + 2  # +1 for 1-based, +1 for the opening ---
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DramatisError(
            f"front matter is not valid YAML ({problem}); fix it or remove the --- block",
            path,
            line,
        ) from exc
    if not isinstance(data, dict) or not any(_key(k) in FRONT_KEYS for k in data):
        return None
    return FrontMatter(closing.end(), {_key(k): _plain(v) for k, v in data.items()})


def _key(key: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(key).strip().lower())


def _plain(value: object) -> object:
    """YAML values as JSON-friendly Python values (dates become ISO strings)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def apply_metadata(
    data: dict[str, object], base: Path
) -> tuple[str | None, str | None, dict, bytes | None]:
    """Front-matter keys -> (title, author, meta, cover bytes) with the names Story uses."""
    meta: dict[str, object] = {}
    title = author = None
    cover: bytes | None = None
    for key, value in data.items():
        if value is None:
            continue
        if key == "title":
            title = str(value).strip() or None
        elif key in ("author", "authors", "by"):
            author = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        elif key in ("summary", "description"):
            meta["summary"] = str(value).strip()
        elif key in ("series_part", "part", "series_index"):
            meta["series_part"] = _number(value)
        elif key in ("language", "lang"):
            meta["language"] = language_tag(str(value))
        elif key in ("fandom", "fandoms"):
            meta["fandom"] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        elif key == "tags":
            meta["tags"] = split_tags(value)
        elif key == "cover":
            cover_path = (base / str(value)).resolve()
            try:
                cover = cover_path.read_bytes()
            except OSError as exc:
                raise DramatisError(
                    f"cover image {value!r} in the front matter cannot be read; fix the path",
                    base,
                ) from exc
        else:
            meta[key] = value
    return title, author, meta, cover


# Language names (English and their own) -> BCP 47 tags: AO3 writes "English", Gutenberg
# "Language: English". A table, because langcodes' name lookup needs a 30 MB data package.
_LANGUAGES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "swedish": "sv", "danish": "da", "norwegian": "no",
    "finnish": "fi", "polish": "pl", "russian": "ru", "czech": "cs", "hungarian": "hu",
    "turkish": "tr", "chinese": "zh", "japanese": "ja", "korean": "ko", "vietnamese": "vi",
    "indonesian": "id", "latin": "la", "greek": "el", "welsh": "cy", "irish": "ga",
    "esperanto": "eo", "catalan": "ca", "hebrew": "he", "arabic": "ar", "ukrainian": "uk",
    "español": "es", "français": "fr",
    "deutsch": "de", "italiano": "it", "português": "pt",
    "português brasileiro": "pt-BR", "português europeu": "pt-PT", "polski": "pl",
    "русский": "ru", "nederlands": "nl", "svenska": "sv", "dansk": "da", "norsk": "no",
    "suomi": "fi", "čeština": "cs", "magyar": "hu", "türkçe": "tr", "中文-普通话 國語": "zh",
    "日本語": "ja", "한국어": "ko", "tiếng việt": "vi", "bahasa indonesia": "id",
}  # fmt: skip


def language_tag(value: str) -> str:
    """A BCP 47 tag ("en", "en-GB") for a tag in any case or with "_", or a language name
    ("English", "Français"); anything else is kept as given (it is then not written where a
    code is required)."""
    import langcodes

    text = str(value).strip()
    named = _LANGUAGES.get(text.lower())
    if named:
        return named
    candidate = text.replace("_", "-")
    if langcodes.tag_is_valid(candidate):
        return langcodes.standardize_tag(candidate)
    return text


def split_tags(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(t).strip() for t in items if str(t).strip()]


def _number(value: object) -> object:
    try:
        number = float(str(value).strip())
    except ValueError:
        return value
    return int(number) if number.is_integer() else number
