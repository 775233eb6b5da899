"""`dramatis serve`: real HTTP on loopback, byte ranges, content types, no way out of the folder."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from conftest import FFMPEG
from dramatis.errors import DramatisError
from dramatis.publish.feed import sidecar_paths
from dramatis.publish.serve import FeedServer, RangeNotSatisfiable, parse_range
from feedkit import HOSTILE, make_story

pytestmark = pytest.mark.needs(*FFMPEG)  # feedkit.make_story encodes MP3s

SECRET = b"the secret outside the served folder"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FeedServer, Path]]:
    top = tmp_path_factory.mktemp("serve")
    (top / "secret.txt").write_bytes(SECRET)
    out = top / "audio"
    make_story(out, "The Storm", ["Arrival", "Departure"], seconds=0.4)
    make_story(out, HOSTILE, [HOSTILE], seconds=0.4)
    story = out / "the-storm"
    os.symlink(top / "secret.txt", story / "link.txt")  # a symlink leading out
    os.symlink(top, out / "up")  # a folder symlink leading out
    (story / ".01 - Arrival.abc.mp3.part").write_bytes(b"half a file")
    with FeedServer(out, "127.0.0.1", 0, quiet=True) as server:
        yield server, out
    # Leaving the block stopped the server: nothing listens any more.
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", server.port, timeout=2).request("GET", "/")


def request(
    server: FeedServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send ``path`` exactly as written (no client-side normalisation of ``..``)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_feed_points_at_the_server_and_everything_in_it_downloads(site) -> None:
    server, out = site
    status, headers, body = request(server, "/feed.xml")
    assert status == 200
    assert headers["content-type"].startswith("application/rss+xml")
    assert body == (out / "feed.xml").read_bytes()
    d = feedparser.parse(body)
    assert not d.bozo and len(d.entries) == 3
    base = f"http://127.0.0.1:{server.port}/"
    for entry in d.entries:
        enclosure = entry.enclosures[0]
        for url, kind in [
            (enclosure.href, "audio/mpeg"),
            (entry.podcast_transcript["url"], "text/vtt"),
            (entry.podcast_chapters["url"], "application/json"),
        ]:
            assert url.startswith(base)
            status, headers, data = request(server, urlsplit(url).path)
            assert status == 200, url
            assert headers["content-type"].split(";")[0] == kind
            if kind == "audio/mpeg":
                assert len(data) == int(enclosure.length)
                assert data[:3] == b"ID3" or data[0] == 0xFF  # an MP3, not an error page


def test_byte_ranges(site) -> None:
    server, out = site
    path = "/the-storm/01%20-%20Arrival.mp3"
    whole = (out / "the-storm" / "01 - Arrival.mp3").read_bytes()
    size = len(whole)
    status, headers, _ = request(server, path, "HEAD")
    assert status == 200 and headers["accept-ranges"] == "bytes"
    assert int(headers["content-length"]) == size
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=100-": (100, size - 1),
        "bytes=-50": (size - 50, size - 1),
        f"bytes=10-{size + 5000}": (10, size - 1),
    }
    for rng, (first, last) in cases.items():
        status, headers, body = request(server, path, headers={"Range": rng})
        assert status == 206, rng
        assert headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert body == whole[first : last + 1]
        assert int(headers["content-length"]) == len(body)
    for bad in [f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=9-3", "bytes=x-y"]:
        status, headers, body = request(server, path, headers={"Range": bad})
        assert status == 416, bad
        assert headers["content-range"] == f"bytes */{size}"
    # Several ranges or an unknown unit: the whole file, which RFC 9110 allows.
    for ignored in ["bytes=0-1,5-6", "items=0-1"]:
        status, _, body = request(server, path, headers={"Range": ignored})
        assert status == 200 and body == whole
    # If-Range with a stale validator: the whole (changed) file, not a piece of it.
    status, _, body = request(server, path, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert status == 200 and body == whole
    _, headers, _ = request(server, path, "HEAD")
    status, _, body = request(
        server, path, headers={"Range": "bytes=0-9", "If-Range": headers["etag"]}
    )
    assert status == 206 and body == whole[:10]
    # A player revalidating what it has: 304, no body.
    status, _, body = request(server, path, headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def test_content_types(site) -> None:
    server, out = site
    chapter = next(p for p in (out / "the-storm").iterdir() if p.suffix == ".mp3")
    stem = chapter.stem.replace(" ", "%20")
    expected = {
        f"/the-storm/{stem}.vtt": "text/vtt",
        f"/the-storm/{stem}.srt": "application/x-subrip",
        f"/the-storm/{stem}.chapters.json": "application/json",
        "/the-storm/the-storm.m3u": "audio/x-mpegurl",
        "/the-storm/cover.jpg": "image/jpeg",
        "/": "text/html",
    }
    for path, kind in expected.items():
        status, headers, _ = request(server, path)
        assert status == 200, path
        assert headers["content-type"].split(";")[0] == kind, path


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/the-storm/..%2f..%2fsecret.txt",
        "/the-storm/%2e%2e/%2e%2e/secret.txt",
        "/the-storm/..\\..\\secret.txt",
        "//etc/passwd",
        "/the-storm/link.txt",  # symlink to a file outside
        "/up/secret.txt",  # symlinked folder leading outside
        "/the-storm/.01%20-%20Arrival.abc.mp3.part",  # a build's unfinished file
        "/the-storm/%ff%fe",  # not UTF-8
        "/the-storm/x%00.mp3",
        "secret.txt",
    ],
)
def test_nothing_outside_the_folder(site, path: str) -> None:
    server, _ = site
    status, _, body = request(server, path)
    assert status in {400, 404}, path
    assert SECRET not in body


def test_hostile_title_is_served_from_its_own_folder(site) -> None:
    server, out = site
    d = feedparser.parse((out / "feed.xml").read_bytes())
    (entry,) = [e for e in d.entries if e.itunes_title == HOSTILE]
    status, _, body = request(server, urlsplit(entry.enclosures[0].href).path)
    assert status == 200 and len(body) == int(entry.enclosures[0].length)
    status, _, page = request(server, "/")
    assert HOSTILE.encode() not in page  # escaped in the index page
    assert b"&lt;b&gt;" in page


def test_explicit_base_url_is_kept(tmp_path: Path) -> None:
    story_dir, manifest = make_story(tmp_path, "S", ["A"], seconds=0.3, cover=False)
    with FeedServer(tmp_path, port=0, base_url="https://cdn.example/b/", quiet=True) as server:
        status, _, body = request(server, "/feed.xml")
    assert status == 200
    d = feedparser.parse(body)
    assert d.entries[0].enclosures[0].href == "https://cdn.example/b/s/01%20-%20A.mp3"
    assert sidecar_paths(story_dir, manifest.chapters[0]).vtt.is_file()


def test_busy_port_and_missing_folder_are_clear_errors(site, tmp_path: Path) -> None:
    server, out = site
    with pytest.raises(DramatisError, match="another --port"):
        FeedServer(out, "127.0.0.1", server.port, quiet=True)
    with pytest.raises(DramatisError, match="not a folder"):
        FeedServer(tmp_path / "nope", port=0)
    with pytest.raises(DramatisError, match="dramatis build"):
        FeedServer(tmp_path, port=0)  # a folder with no built story


def test_parse_range_edges() -> None:
    assert parse_range("bytes=0-0", 1) == (0, 0)
    assert parse_range("bytes=-5", 3) == (0, 2)
    assert parse_range("BYTES = 2 - ", 10) == (2, 9)
    for bad in ["bytes=-0", "bytes=-", "bytes=0-", "bytes=1-2-3"]:
        with pytest.raises(RangeNotSatisfiable):
            parse_range(bad, 0 if bad == "bytes=0-" else 10)


def test_cli_serve_until_ctrl_c(tmp_path: Path) -> None:
    """The real command: it announces its address, serves, and exits cleanly on Ctrl-C."""
    make_story(tmp_path, "The Storm", ["A"], seconds=0.3, cover=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-c", "import sys; from dramatis.cli import main; sys.exit(main())"]
    proc = subprocess.Popen(
        [*cmd, "serve", str(tmp_path), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        with urllib.request.urlopen(f"{match[0]}feed.xml", timeout=10) as resp:
            d = feedparser.parse(resp.read())
        assert d.entries[0].enclosures[0].href.startswith(match[0])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) in (0, 130)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
