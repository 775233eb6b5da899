"""Publish built stories for podcast apps: transcripts, chapters, playlists and one RSS feed.

Everything here is derived from each story's manifest (``dramatis.json``, see
:mod:`dramatis.publish.manifest`) and the audio files on disk, so it can be rerun at any time
(``dramatis feed``, ``dramatis serve``) without touching the story or the audio.

Files are only rewritten when their content changes: an unchanged rebuild leaves every
sidecar and the feed as they were (issue 4), and a podcast app polling the feed sees the
same bytes.

Untrusted text: titles, names and cue text come from stories people download.  The feed
is built with lxml (already a dependency for reading HTML) rather than by string
formatting, so every text and attribute is escaped by the serializer; lxml also refuses
characters XML 1.0 forbids instead of writing a broken feed, and we strip those first.
URLs are percent-encoded segment by segment, and every file we write is a bare name
checked to stay inside its story folder.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

from lxml import etree

from dramatis.errors import DramatisError
from dramatis.paths import write_atomic
from dramatis.publish.manifest import MANIFEST_NAME, ChapterEntry, Cue, Manifest, is_bare_name

FEED_NAME = "feed.xml"
CHAPTERS_VERSION = "1.2.0"
NS_ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
NS_PODCAST = "https://podcastindex.org/namespace/1.0"
NS_ATOM = "http://www.w3.org/2005/Atom"
# Podcasting 2.0 <podcast:guid>: uuid5 of the feed URL (without scheme) in this namespace.
_PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/x-m4b", ".m4a": "audio/x-m4a"}

# Characters XML 1.0 does not allow anywhere, even escaped.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --------------------------------------------------------------------------- sidecars


@dataclass(frozen=True, slots=True)
class Sidecars:
    """Where the files published beside one chapter file live."""

    vtt: Path
    srt: Path
    chapters: Path


def sidecar_paths(story_dir: Path, chapter: ChapterEntry) -> Sidecars:
    """``01 - Title.mp3`` -> ``01 - Title.vtt``, ``.srt``, ``.chapters.json`` beside it."""
    _check_bare(story_dir, chapter.file)
    stem = Path(chapter.file).stem
    return Sidecars(
        vtt=story_dir / f"{stem}.vtt",
        srt=story_dir / f"{stem}.srt",
        chapters=story_dir / f"{stem}.chapters.json",
    )


def playlist_path(story_dir: Path) -> Path:
    """One extended M3U per story, named after its folder (a name the build made safe)."""
    return story_dir / f"{story_dir.name}.m3u"


def write_sidecars(story_dir: Path, manifest: Manifest) -> None:
    """Write the WebVTT, SRT and chapters JSON beside each chapter file, and the playlist.

    Safe to call on every build: files whose content is unchanged are left untouched.
    """
    story_dir = Path(story_dir)
    for chapter in manifest.chapters:
        side = sidecar_paths(story_dir, chapter)
        _write_if_changed(side.vtt, render_vtt(chapter))
        _write_if_changed(side.srt, render_srt(chapter))
        _write_if_changed(side.chapters, render_chapters_json(manifest, chapter))
    _write_if_changed(playlist_path(story_dir), render_m3u(manifest))


def render_vtt(chapter: ChapterEntry) -> str:
    """WebVTT with each cue's speaker as a voice span (``<v Clarke>``), text escaped."""
    out = ["WEBVTT", ""]
    for n, cue in enumerate(_cues(chapter), start=1):
        lines = _cue_lines(cue.text)
        voice = _one_line(cue.speaker or "")
        if voice:
            lines[0] = f"<v {_vtt_escape(voice)}>{_vtt_escape(lines[0])}"
            lines[1:] = [_vtt_escape(line) for line in lines[1:]]
        else:
            lines = [_vtt_escape(line) for line in lines]
        out += [str(n), f"{_timestamp(cue.start_ms, '.')} --> {_timestamp(cue.end_ms, '.')}"]
        out += [*lines, ""]
    return "\n".join(out)


def render_srt(chapter: ChapterEntry) -> str:
    """SubRip, the speaker's name before each line ("Clarke: ...").

    SRT has no escape syntax; text stays as written (players that honour ``<i>`` may
    style a literal tag, but nothing can break the cue structure: blank lines are removed).
    """
    out: list[str] = []
    for n, cue in enumerate(_cues(chapter), start=1):
        lines = _cue_lines(cue.text)
        speaker = _one_line(cue.speaker or "")
        if speaker:
            lines[0] = f"{speaker}: {lines[0]}"
        out += [str(n), f"{_timestamp(cue.start_ms, ',')} --> {_timestamp(cue.end_ms, ',')}"]
        out += [*lines, ""]
    return "\n".join(out)


def render_chapters_json(manifest: Manifest, chapter: ChapterEntry) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0) for the scene marks of one chapter file.

    A file whose first mark starts after 0 (or has none) gets a first entry at 0 titled
    after the chapter, so every second of the file belongs to a chapter in the app.
    """
    marks = sorted(
        (m for m in chapter.marks if not chapter.duration_ms or m.start_ms < chapter.duration_ms),
        key=lambda m: m.start_ms,
    )
    points = [(m.start_ms, m.title) for m in marks]
    if not points or points[0][0] > 0:
        points.insert(0, (0, chapter.title))
    entries = []
    for i, (start, title) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else chapter.duration_ms
        entry: dict[str, object] = {"startTime": start / 1000, "title": _clean(title)}
        if end > start:
            entry["endTime"] = end / 1000
        entries.append(entry)
    doc: dict[str, object] = {
        "version": CHAPTERS_VERSION,
        "title": _clean(chapter.title),
        "podcastName": _clean(manifest.title),
    }
    if manifest.author:
        doc["author"] = _clean(manifest.author)
    doc["chapters"] = entries
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def render_m3u(manifest: Manifest) -> str:
    """Extended M3U (UTF-8) listing the chapter files in order, with durations and titles."""
    out = ["#EXTM3U", f"#PLAYLIST:{_one_line(manifest.title)}"]
    for chapter in sorted(manifest.chapters, key=lambda c: c.index):
        seconds = round(chapter.duration_ms / 1000)
        title = _one_line(chapter.title)
        if manifest.author:
            title = f"{_one_line(manifest.author)} - {title}"
        name = chapter.file
        if name.startswith("#"):  # would read as a comment line
            name = f"./{name}"
        out += [f"#EXTINF:{seconds},{title}", name]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- feed


@dataclass(slots=True)
class Story:
    """A story folder found under the output folder, with its manifest."""

    dir: Path
    url_parts: tuple[str, ...]  # path segments from the output folder ("" story = out itself)
    manifest: Manifest


def find_stories(out_dir: Path) -> list[Story]:
    """Story folders under ``out_dir`` (or ``out_dir`` itself when it holds a manifest).

    Folders whose real location is outside ``out_dir`` (symlinks) are skipped: the server
    would refuse to serve them anyway.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise DramatisError("not a folder; give the output folder of `dramatis build`", out_dir)
    if (out_dir / MANIFEST_NAME).is_file():
        return [Story(out_dir, (), Manifest.load(out_dir / MANIFEST_NAME))]
    root = out_dir.resolve()
    stories = []
    for child in sorted(out_dir.iterdir(), key=lambda p: p.name):
        manifest = child / MANIFEST_NAME
        if child.name.startswith(".") or not manifest.is_file():
            continue
        if not child.resolve().is_relative_to(root):
            continue
        stories.append(Story(child, (child.name,), Manifest.load(manifest)))
    return stories


def write_feed(
    out_dir: Path,
    base_url: str | None,
    *,
    title: str | None = None,
    author: str | None = None,
    description: str | None = None,
) -> Path:
    """Write ``out_dir/feed.xml``: one podcast (serial) with an episode per chapter file.

    ``base_url`` is where ``out_dir`` is reachable (``https://example.com/audiobooks/``);
    without it every link is relative to feed.xml (``my-story/01%20-%20Chapter.mp3``), which
    feed readers resolve against wherever they found the feed: enough for local use or any
    static server, though some podcast apps insist on absolute URLs.
    The sidecars each episode links to are (re)written first.  An episode's guid is
    ``dramatis:<story slug>:<chapter index>``, so it survives rebuilds; its pubDate is kept
    from the previous feed.xml when there is one (apps sort and dedupe on it), otherwise
    derived from the audio files' age, one minute apart in chapter order.
    Channel ``title``/``author``/``description`` default to the story's (or, for several
    stories, a summary of them).
    """
    out_dir = Path(out_dir)
    base = normalize_base_url(base_url) if base_url is not None else ""
    stories = find_stories(out_dir)
    if not stories:
        raise DramatisError(
            f"no built stories (no */{MANIFEST_NAME}) here; run `dramatis build` first", out_dir
        )
    for story in stories:
        write_sidecars(story.dir, story.manifest)
    feed_path = out_dir / FEED_NAME
    xml = render_feed(
        stories,
        base,
        previous_dates=_previous_pub_dates(feed_path),
        title=title,
        author=author,
        description=description,
    )
    _write_if_changed(feed_path, xml)
    return feed_path


def normalize_base_url(base_url: str) -> str:
    """Check the base URL is http(s) and end it with one ``/`` so file names append."""
    base_url = (base_url or "").strip()
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise DramatisError(
            f"base URL {base_url!r} must look like https://example.com/audiobooks/ "
            "(http or https, no ?query or #fragment)"
        )
    path = quote(parts.path, safe="/%:@!$&'()*+,;=~")
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}/"


def file_url(base: str, *parts: str) -> str:
    """Percent-encode each path segment: spaces, ``#``, ``?`` and ``/`` inside names included."""
    return base + "/".join(quote(p, safe="") for p in parts)


def render_feed(
    stories: list[Story],
    base: str,
    *,
    previous_dates: dict[str, datetime] | None = None,
    title: str | None = None,
    author: str | None = None,
    description: str | None = None,
) -> bytes:
    """The RSS 2.0 document (bytes, UTF-8) for ``stories`` served under ``base``.

    An empty ``base`` makes every link relative to the feed; the feed then has no
    self link and its podcast GUID comes from the stories' slugs instead of its address.
    """
    previous_dates = previous_dates or {}
    manifests = [s.manifest for s in stories]
    several = len(stories) > 1
    ch_title = title or (" / ".join(m.title for m in manifests) if several else manifests[0].title)
    authors = _unique(m.author for m in manifests if m.author)
    ch_author = author or ", ".join(authors) or None
    if description:
        ch_description = description
    elif not several and manifests[0].summary:
        ch_description = manifests[0].summary
    else:
        ch_description = f"{ch_title}: audiobook read by Dramatis."
    language = manifests[0].language
    explicit = any(m.explicit for m in manifests)
    cover = next((c for c in (_cover_url(s, base) for s in stories) if c), None)

    E = _Builder()
    rss = etree.Element(
        "rss",
        nsmap={"itunes": NS_ITUNES, "podcast": NS_PODCAST, "atom": NS_ATOM},
        version="2.0",
    )
    channel = E.sub(rss, "channel")
    E.sub(channel, "title", ch_title)
    E.sub(channel, "link", base or "./")
    feed_url = base + FEED_NAME
    if base:
        E.sub(channel, f"{{{NS_ATOM}}}link", href=feed_url, rel="self", type="application/rss+xml")
    E.sub(channel, "description", ch_description)
    E.sub(channel, "language", language)
    E.sub(channel, "generator", "Dramatis")
    last_build = E.sub(channel, "lastBuildDate")  # filled once item dates are known
    if cover:
        image = E.sub(channel, "image")
        E.sub(image, "url", cover)
        E.sub(image, "title", ch_title)
        E.sub(image, "link", base or "./")
        E.sub(channel, f"{{{NS_ITUNES}}}image", href=cover)
    if ch_author:
        E.sub(channel, f"{{{NS_ITUNES}}}author", ch_author)
    E.sub(channel, f"{{{NS_ITUNES}}}type", "serial")
    E.sub(channel, f"{{{NS_ITUNES}}}explicit", "true" if explicit else "false")
    # Apple's category list: Arts > Books is where audiobook podcasts belong.
    category = etree.SubElement(channel, f"{{{NS_ITUNES}}}category", {"text": "Arts"})
    etree.SubElement(category, f"{{{NS_ITUNES}}}category", {"text": "Books"})
    where = feed_url.split("://", 1)[1] if base else "/".join(sorted(m.slug for m in manifests))
    feed_id = str(uuid.uuid5(_PODCAST_GUID_NS, where))
    E.sub(channel, f"{{{NS_PODCAST}}}guid", feed_id)

    newest: datetime | None = None
    used_keys: set[str] = set()
    for season, story in enumerate(stories, start=1):
        m = story.manifest
        key = m.slug if m.slug not in used_keys else "/".join(story.url_parts) or m.slug
        used_keys.add(key)
        chapters = sorted(m.chapters, key=lambda c: c.index)
        dates = _pub_dates(story, chapters, key, previous_dates)
        story_cover = _cover_url(story, base)
        for chapter, date in zip(chapters, dates, strict=True):
            newest = date if newest is None or date > newest else newest
            _add_item(
                E, channel, story, chapter, base=base, guid=_guid(key, chapter.index),
                date=date, season=season if several else None, several=several,
                cover=story_cover,
            )  # fmt: skip
    if newest is not None:
        last_build.text = email.utils.format_datetime(newest, usegmt=True)
    else:
        channel.remove(last_build)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_item(
    E: _Builder,
    channel: etree._Element,
    story: Story,
    chapter: ChapterEntry,
    *,
    base: str,
    guid: str,
    date: datetime,
    season: int | None,
    several: bool,
    cover: str | None,
) -> None:
    m = story.manifest
    audio = story.dir / chapter.file
    _check_bare(story.dir, chapter.file)
    try:
        size = audio.stat().st_size
    except OSError:
        raise DramatisError(
            "chapter file listed in the manifest is missing; run `dramatis build` again", audio
        ) from None
    item = E.sub(channel, "item")
    E.sub(item, "title", f"{m.title}: {chapter.title}" if several else chapter.title)
    E.sub(item, f"{{{NS_ITUNES}}}title", chapter.title)
    by = f" by {m.author}" if m.author else ""
    E.sub(item, "description", f"{m.title}{by}, chapter {chapter.index}: {chapter.title}.")
    mime = AUDIO_TYPES.get(audio.suffix.lower(), "audio/mpeg")
    url = file_url(base, *story.url_parts, chapter.file)
    E.sub(item, "enclosure", url=url, length=str(size), type=mime)
    E.sub(item, "guid", guid, isPermaLink="false")
    E.sub(item, "pubDate", email.utils.format_datetime(date, usegmt=True))
    E.sub(item, f"{{{NS_ITUNES}}}duration", _duration(chapter.duration_ms))
    if season is not None:
        E.sub(item, f"{{{NS_ITUNES}}}season", str(season))
    E.sub(item, f"{{{NS_ITUNES}}}episode", str(chapter.index))
    E.sub(item, f"{{{NS_ITUNES}}}episodeType", "full")
    E.sub(item, f"{{{NS_ITUNES}}}explicit", "true" if m.explicit else "false")
    if cover:
        E.sub(item, f"{{{NS_ITUNES}}}image", href=cover)
    side = sidecar_paths(story.dir, chapter)
    if side.vtt.is_file():
        E.sub(
            item, f"{{{NS_PODCAST}}}transcript",
            url=file_url(base, *story.url_parts, side.vtt.name),
            type="text/vtt", language=m.language, rel="captions",
        )  # fmt: skip
    if side.chapters.is_file():
        E.sub(
            item, f"{{{NS_PODCAST}}}chapters",
            url=file_url(base, *story.url_parts, side.chapters.name),
            type="application/json+chapters",
        )  # fmt: skip


class _Builder:
    """SubElement with every text and attribute passed through :func:`_clean`."""

    def sub(
        self, parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        el = etree.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
        if text is not None:
            el.text = _clean(text)
        return el


def _guid(key: str, index: int) -> str:
    """Stable across rebuilds and base URLs: apps use it to know an episode they have."""
    return f"dramatis:{key}:{index}"


def _cover_url(story: Story, base: str) -> str | None:
    cover = story.manifest.cover
    if cover and is_bare_name(cover) and (story.dir / cover).is_file():
        return file_url(base, *story.url_parts, cover)
    return None


def _pub_dates(
    story: Story, chapters: list[ChapterEntry], key: str, previous: dict[str, datetime]
) -> list[datetime]:
    """Stable, strictly increasing dates in chapter order, none in the future.

    Kept from the previous feed when known; new episodes are placed one minute apart,
    ending at the oldest audio file's time (so a rebuild that rewrites the audio does not
    move episodes already published).
    """
    times = []
    for c in chapters:
        with contextlib.suppress(OSError):
            times.append((story.dir / c.file).stat().st_mtime)
    anchor = datetime.fromtimestamp(int(min(times)) if times else 0, tz=timezone.utc)
    n = len(chapters)
    out: list[datetime] = []
    for i, c in enumerate(chapters):
        date = previous.get(_guid(key, c.index)) or anchor - timedelta(minutes=n - 1 - i)
        if out and date <= out[-1]:
            date = out[-1] + timedelta(minutes=1)
        out.append(date)
    return out


def _previous_pub_dates(feed_path: Path) -> dict[str, datetime]:
    """guid -> pubDate from an existing feed.xml (ours); anything unreadable is ignored."""
    if not feed_path.is_file():
        return {}
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.parse(str(feed_path), parser).getroot()
    except (OSError, etree.XMLSyntaxError):
        return {}
    dates = {}
    for item in root.iterfind("channel/item"):
        guid, pub = item.findtext("guid"), item.findtext("pubDate")
        if guid and pub:
            try:
                date = email.utils.parsedate_to_datetime(pub)
            except (TypeError, ValueError):
                continue
            if date.tzinfo is not None:
                dates[guid] = date.astimezone(timezone.utc)
    return dates


# --------------------------------------------------------------------------- helpers


def _check_bare(story_dir: Path, name: str) -> None:
    """Refuse any chapter file name that could reach outside the story folder."""
    if not is_bare_name(name):
        raise DramatisError(
            f"chapter file {name!r} is not a plain file name in the story folder", story_dir
        )


def _write_if_changed(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _cues(chapter: ChapterEntry) -> list[Cue]:
    """Cues in time order (WebVTT requires it), skipping ones with nothing to show."""
    return sorted((c for c in chapter.cues if c.text.strip()), key=lambda c: c.start_ms)


def _cue_lines(text: str) -> list[str]:
    """A cue's text as lines with no blank line (a blank line would end the cue)."""
    return [line.strip() for line in _clean(text).splitlines() if line.strip()]


def _vtt_escape(text: str) -> str:
    # Escaping < and > also makes "-->" impossible inside a cue.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _timestamp(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def _duration(ms: int) -> str:
    total = round(ms / 1000)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
