"""Sidecars (WebVTT, SRT, chapters JSON, M3U) and the podcast feed, read back by real clients."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import podcastparser
import pytest
from lxml import etree

from conftest import FFMPEG
from dramatis.errors import DramatisError
from dramatis.publish.feed import (
    NS_ITUNES,
    NS_PODCAST,
    playlist_path,
    render_chapters_json,
    render_srt,
    render_vtt,
    sidecar_paths,
    write_feed,
    write_sidecars,
)
from dramatis.publish.manifest import MANIFEST_NAME, ChapterEntry, Cue, Manifest, Mark
from feedkit import HOSTILE, make_story

pytestmark = pytest.mark.needs(*FFMPEG)  # feedkit.make_story encodes MP3s

BASE = "https://example.org/my books/"


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def url_to_path(out: Path, url: str) -> Path:
    """Where a feed URL points inside ``out`` (what a static web server would serve)."""
    base_path = urlsplit(BASE.replace(" ", "%20")).path
    path = urlsplit(url).path
    assert path.startswith(base_path)
    return out.joinpath(*[unquote(p) for p in path[len(base_path) :].split("/")])


# --------------------------------------------------------------------------- manifest


def test_manifest_round_trip(tmp_path: Path) -> None:
    _, manifest = make_story(tmp_path, "The Storm", ["Arrival"], seconds=0.3)
    loaded = Manifest.load(tmp_path / "the-storm" / MANIFEST_NAME)
    assert loaded == manifest
    assert not [p for p in (tmp_path / "the-storm").iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["chapters"][0].update(file="../../evil.mp3"), "plain file name"),
        (lambda d: d["chapters"][0].update(file="/etc/passwd"), "plain file name"),
        (lambda d: d.update(cover="..\\cover.jpg"), "plain file name"),
        (lambda d: d["chapters"][0]["cues"][0].update(start_ms=5, end_ms=1), "ends before"),
        (lambda d: d["chapters"][0].update(duration_ms="long"), "duration_ms"),
        (lambda d: d.update(version=9), "version 9"),
        (lambda d: d.pop("title"), "'title'"),
    ],
)
def test_manifest_rejects_bad_fields(tmp_path: Path, change, message: str) -> None:
    story_dir, manifest = make_story(tmp_path, "Bad", ["One"], seconds=0.3, cover=False)
    data = manifest.to_dict()
    change(data)
    path = story_dir / MANIFEST_NAME
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DramatisError, match=message) as err:
        Manifest.load(path)
    assert str(path) in str(err.value)


def test_manifest_invalid_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / MANIFEST_NAME
    path.write_text('{\n "title": "x",\n oops\n}', encoding="utf-8")
    with pytest.raises(DramatisError, match=rf"{path}:3: invalid JSON"):
        Manifest.load(path)


# --------------------------------------------------------------------------- sidecars


def chapter_with(cues: list[Cue], marks: list[Mark] | None = None) -> ChapterEntry:
    return ChapterEntry(1, "Arrival", "01 - Arrival.mp3", 65_432, cues, marks or [])


def test_vtt_voice_tags_timings_and_escaping() -> None:
    chapter = chapter_with(
        [
            Cue(1_250, 3_600_000 + 61_001, "Clarke", 'She wrote <b>"x"</b> & --> then\n\nleft.'),
            Cue(0, 1_250, "Narrator", "It began."),
            Cue(70, 80, "Bell<amy>", "   "),  # nothing to show: no empty cue
        ]
    )
    vtt = render_vtt(chapter)
    assert vtt.startswith("WEBVTT\n\n")
    blocks = vtt.split("\n\n")[1:]
    assert blocks[0] == "1\n00:00:00.000 --> 00:00:01.250\n<v Narrator>It began."
    assert blocks[1] == (
        "2\n00:00:01.250 --> 01:01:01.001\n"
        '<v Clarke>She wrote &lt;b&gt;"x"&lt;/b&gt; &amp; --&gt; then\nleft.\n'
    )
    assert len(blocks) == 2
    assert "-->" not in vtt.replace(" --> ", "")


def test_vtt_escapes_speaker_names() -> None:
    vtt = render_vtt(chapter_with([Cue(0, 10, "A <b>\nB", "Hi.")]))
    assert "<v A &lt;b&gt; B>Hi." in vtt


def test_srt_speaker_prefix_and_numbering() -> None:
    chapter = chapter_with(
        [Cue(0, 1_250, "Narrator", "It began."), Cue(1_250, 2_000, "Clarke", "Wait.\n\nNo.")]
    )
    assert render_srt(chapter) == (
        "1\n00:00:00,000 --> 00:00:01,250\nNarrator: It began.\n\n"
        "2\n00:00:01,250 --> 00:00:02,000\nClarke: Wait.\nNo.\n"
    )


def test_chapters_json_from_marks() -> None:
    manifest = Manifest(title="The Storm", slug="the-storm", author="Ann")
    chapter = chapter_with([], [Mark(40_000, "Scene 2"), Mark(12_500, 'Scene "1"')])
    doc = json.loads(render_chapters_json(manifest, chapter))
    assert doc["version"] == "1.2.0"
    assert doc["podcastName"] == "The Storm" and doc["author"] == "Ann"
    # The file starts before the first mark: a first entry covers it, titled after the chapter.
    assert [(c["startTime"], c.get("endTime"), c["title"]) for c in doc["chapters"]] == [
        (0, 12.5, "Arrival"),
        (12.5, 40.0, 'Scene "1"'),
        (40.0, 65.432, "Scene 2"),
    ]


def test_write_sidecars_beside_each_chapter(tmp_path: Path) -> None:
    story_dir, manifest = make_story(tmp_path, "The Storm", ["Arrival", "Departure"], seconds=0.3)
    write_sidecars(story_dir, manifest)
    for chapter in manifest.chapters:
        side = sidecar_paths(story_dir, chapter)
        stem = Path(chapter.file).stem
        assert side.vtt.name == f"{stem}.vtt" and side.srt.name == f"{stem}.srt"
        vtt = side.vtt.read_text(encoding="utf-8")
        for cue in chapter.cues:
            assert f"<v {cue.speaker}>{cue.text}" in vtt
        marks = json.loads(side.chapters.read_text(encoding="utf-8"))["chapters"]
        assert [round(m["startTime"] * 1000) for m in marks] == [m.start_ms for m in chapter.marks]
    m3u = playlist_path(story_dir).read_text(encoding="utf-8").splitlines()
    assert m3u[:2] == ["#EXTM3U", "#PLAYLIST:The Storm"]
    for i, chapter in enumerate(manifest.chapters):
        secs = round(chapter.duration_ms / 1000)
        assert m3u[2 + 2 * i] == f"#EXTINF:{secs},Ann Author - {chapter.title}"
        assert (story_dir / m3u[3 + 2 * i]).is_file()
    # Unchanged input: nothing is rewritten (the files keep their inode and mtime).
    before = {p: p.stat().st_mtime_ns for p in story_dir.iterdir()}
    write_sidecars(story_dir, manifest)
    assert {p: p.stat().st_mtime_ns for p in story_dir.iterdir()} == before


def test_sidecars_refuse_file_names_outside_the_story(tmp_path: Path) -> None:
    story_dir = tmp_path / "out" / "s"
    story_dir.mkdir(parents=True)
    manifest = Manifest(
        title="T", slug="s", chapters=[ChapterEntry(1, "x", "../../escape.mp3", 10)]
    )
    with pytest.raises(DramatisError, match="plain file name"):
        write_sidecars(story_dir, manifest)
    assert tree(tmp_path) == {}


# --------------------------------------------------------------------------- feed


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Manifest]]:
    out = tmp_path_factory.mktemp("pub") / "audio"
    stories = {}
    for title, chapters, author in [
        ("The Storm", ["Arrival", "Departure"], "Ann Author"),
        (HOSTILE, [HOSTILE, "Two"], HOSTILE),
    ]:
        story_dir, manifest = make_story(out, title, chapters, author=author, seconds=0.4)
        stories[story_dir.name] = manifest
    write_feed(out, BASE)
    return out, stories


def episodes(stories: dict[str, Manifest]) -> dict[str, tuple[str, Manifest, ChapterEntry]]:
    return {
        f"dramatis:{m.slug}:{c.index}": (slug, m, c)
        for slug, m in stories.items()
        for c in m.chapters
    }


def test_podcastparser_finds_every_episode(library) -> None:
    out, stories = library
    feed_url = BASE.replace(" ", "%20") + "feed.xml"
    with (out / "feed.xml").open("rb") as f:
        parsed = podcastparser.parse(feed_url, f)
    expected = episodes(stories)
    assert parsed["type"] == "serial"
    assert len(parsed["episodes"]) == len(expected) == 4
    for ep in parsed["episodes"]:
        slug, _manifest, chapter = expected.pop(ep["guid"])
        (enclosure,) = ep["enclosures"]
        audio = out / slug / chapter.file
        assert url_to_path(out, enclosure["url"]) == audio
        assert enclosure["file_size"] == audio.stat().st_size
        assert enclosure["mime_type"] == "audio/mpeg"
        assert ep["total_time"] == round(chapter.duration_ms / 1000)
        assert ep["number"] == chapter.index
        assert chapter.title in ep["title"]
    assert not expected


def test_feedparser_finds_episodes_transcripts_and_chapters(library) -> None:
    out, stories = library
    d = feedparser.parse((out / "feed.xml").read_bytes())
    assert not d.bozo, d.bozo_exception
    assert d.feed.itunes_type == "serial"
    assert d.feed.language == "en"
    assert d.feed.image.href.endswith("/cover.jpg")
    assert d.feed.tags[0].term == "Arts"
    assert d.namespaces["podcast"] == NS_PODCAST
    expected = episodes(stories)
    assert len(d.entries) == len(expected)
    for entry in d.entries:
        slug, _manifest, chapter = expected.pop(entry.id)
        (enclosure,) = [link for link in entry.links if link.rel == "enclosure"]
        assert int(enclosure.length) == (out / slug / chapter.file).stat().st_size
        h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
        assert h * 3600 + m * 60 + s == round(chapter.duration_ms / 1000)
        side = sidecar_paths(out / slug, chapter)
        assert entry.podcast_transcript["type"] == "text/vtt"
        assert url_to_path(out, entry.podcast_transcript["url"]) == side.vtt
        assert entry.podcast_chapters["type"] == "application/json+chapters"
        chapters_file = url_to_path(out, entry.podcast_chapters["url"])
        assert chapters_file == side.chapters
        assert json.loads(chapters_file.read_text(encoding="utf-8"))["version"] == "1.2.0"
    assert not expected


def test_feed_xml_namespaces_and_item_fields(library) -> None:
    out, _stories = library
    root = etree.parse(str(out / "feed.xml")).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for tag in ["title", "description", "language", "link"]:
        assert channel.findtext(tag)
    assert channel.find(f"{{{NS_ITUNES}}}image").get("href")
    assert channel.findtext(f"{{{NS_ITUNES}}}author")
    assert channel.findtext(f"{{{NS_ITUNES}}}explicit") == "false"
    items = channel.findall("item")
    assert len(items) == 4
    for item in items:
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.find("enclosure").get("type") == "audio/mpeg"
        transcript = item.find(f"{{{NS_PODCAST}}}transcript")
        chapters = item.find(f"{{{NS_PODCAST}}}chapters")
        assert transcript.get("type") == "text/vtt"
        assert chapters.get("type") == "application/json+chapters"
        for url in (item.find("enclosure").get("url"), transcript.get("url")):
            assert " " not in url and "<" not in url and '"' not in url
            assert url_to_path(out, url).is_file()


def test_hostile_titles_neither_break_the_feed_nor_escape(library) -> None:
    out, stories = library
    hostile_slug = next(s for s, m in stories.items() if m.title == HOSTILE)
    # Every file lies inside the output folder, in the story's own folder.
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    assert {p.parent for p in (out / hostile_slug).rglob("*")} == {out / hostile_slug}
    d = feedparser.parse((out / "feed.xml").read_bytes())
    assert not d.bozo
    titles = [e.itunes_title for e in d.entries]
    assert titles.count(HOSTILE) == 1  # read back exactly: escaped, not interpreted
    assert HOSTILE in d.feed.author
    root = etree.parse(str(out / "feed.xml")).getroot()
    assert root.find("channel/item/title").text.endswith(HOSTILE)
    assert not root.findall(".//b")
    vtt = sidecar_paths(out / hostile_slug, stories[hostile_slug].chapters[0]).vtt
    assert vtt.is_file() and "<b>" not in vtt.read_text(encoding="utf-8")


def test_control_characters_are_dropped_not_written(tmp_path: Path) -> None:
    out = tmp_path / "audio"
    make_story(out, "Bell\x0bamy\x00", ["Chapter\x1b One"], seconds=0.3)
    write_feed(out, BASE)
    d = feedparser.parse((out / "feed.xml").read_bytes())
    assert not d.bozo
    assert d.feed.title == "Bellamy"
    assert d.entries[0].itunes_title == "Chapter One"


def test_feed_is_stable_across_rebuilds(tmp_path: Path) -> None:
    out = tmp_path / "audio"
    story_dir, manifest = make_story(out, "The Storm", ["A", "B", "C"], seconds=0.3)
    feed = write_feed(out, BASE)
    first = feed.read_bytes()
    d = feedparser.parse(first)
    dates = [e.published_parsed for e in d.entries]
    assert dates == sorted(dates) and len(set(dates)) == 3  # apps sort them in order
    assert max(dates) <= time.gmtime()  # none in the future
    # A rebuild rewrites the audio (new mtimes): guids and dates stay, the feed is unchanged.
    for chapter in manifest.chapters:
        path = story_dir / chapter.file
        os.utime(path, (path.stat().st_atime + 86_400, path.stat().st_mtime + 86_400))
    mtime = feed.stat().st_mtime_ns
    write_feed(out, BASE)
    assert feed.read_bytes() == first
    assert feed.stat().st_mtime_ns == mtime  # not even rewritten
    # A new base URL (e.g. `dramatis serve`) changes the URLs, never the guids or dates.
    write_feed(out, "http://127.0.0.1:9999/")
    d2 = feedparser.parse(feed.read_bytes())
    assert [e.id for e in d2.entries] == [e.id for e in d.entries]
    assert [e.published_parsed for e in d2.entries] == dates
    assert d2.entries[0].links[0].href.startswith("http://127.0.0.1:9999/the-storm/")


def test_single_story_channel_uses_its_metadata(tmp_path: Path) -> None:
    out = tmp_path / "audio"
    make_story(out, "The Storm", ["A"], seconds=0.3)
    d = feedparser.parse(write_feed(out, "http://h/x").read_bytes())
    assert d.feed.title == "The Storm"
    assert d.feed.author == "Ann Author"
    assert d.feed.subtitle == "About The Storm."
    assert d.entries[0].title == "A"
    assert d.entries[0].enclosures[0].href == "http://h/x/the-storm/01%20-%20A.mp3"


@pytest.mark.parametrize("base", ["ftp://example.org/", "javascript:alert(1)", "example.org", ""])
def test_bad_base_url_is_refused(tmp_path: Path, base: str) -> None:
    make_story(tmp_path, "S", ["A"], seconds=0.3)
    with pytest.raises(DramatisError, match="base URL"):
        write_feed(tmp_path, base)
    assert not (tmp_path / "feed.xml").exists()


def test_missing_audio_or_no_story_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DramatisError, match="run `dramatis build` first"):
        write_feed(tmp_path, BASE)
    story_dir, manifest = make_story(tmp_path, "S", ["A"], seconds=0.3)
    (story_dir / manifest.chapters[0].file).unlink()
    with pytest.raises(DramatisError, match="missing") as err:
        write_feed(tmp_path, BASE)
    assert manifest.chapters[0].file in str(err.value)
    assert not (tmp_path / "feed.xml").exists()


def test_cli_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dramatis.cli import main

    make_story(tmp_path, "The Storm", ["A"], seconds=0.3)
    assert main(["feed", str(tmp_path), "--base-url", "https://example.org/b"]) == 0
    assert "https://example.org/b/feed.xml" in capsys.readouterr().out
    d = feedparser.parse((tmp_path / "feed.xml").read_bytes())
    assert d.entries[0].enclosures[0].href == "https://example.org/b/the-storm/01%20-%20A.mp3"
    assert main(["feed", str(tmp_path), "--base-url", "file:///etc/"]) == 2
    assert "base URL" in capsys.readouterr().err


def test_ffmpeg_reads_transcripts_with_the_manifest_timings(library) -> None:
    """A second, independent WebVTT/SRT parser (ffmpeg's) sees every cue at its time."""
    out, stories = library
    for slug, manifest in stories.items():
        for chapter in manifest.chapters:
            side = sidecar_paths(out / slug, chapter)
            for path in (side.vtt, side.srt):
                probe = subprocess.run(
                    ["ffprobe", "-v", "error", "-of", "json",
                     "-show_entries", "packet=pts_time,duration_time", str(path)],
                    check=True, capture_output=True, text=True,
                )  # fmt: skip
                packets = json.loads(probe.stdout)["packets"]
                got = [
                    (round(float(p["pts_time"]) * 1000),
                     round((float(p["pts_time"]) + float(p["duration_time"])) * 1000))
                    for p in packets
                ]  # fmt: skip
                assert got == [(c.start_ms, c.end_ms) for c in chapter.cues], path
