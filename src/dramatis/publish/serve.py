"""A small HTTP server so podcast apps on this computer (or the home network) can subscribe.

Built on the standard library's ``ThreadingHTTPServer``: nothing to install, and a
thread per connection is plenty for a few listeners.  ``SimpleHTTPRequestHandler`` is
not used because it has no byte ranges (players need them to seek), follows symlinks
out of the folder and lists directories; the handler below does only what we need:

- GET and HEAD of files inside the folder, with single byte ranges (206 + Content-Range,
  416 for ranges that cannot be served), ETag/Last-Modified and If-Range;
- nothing outside the folder: ``..`` (plain or percent-encoded), hidden files (including
  the ``.part`` files of a build in progress) and symlinks that lead out all give 404.
"""

from __future__ import annotations

import email.utils
import html
import mimetypes
import os
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote, urlsplit

from dramatis.errors import DramatisError
from dramatis.publish.feed import FEED_NAME, find_stories, playlist_path, write_feed

CHUNK = 64 * 1024
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".m3u": "audio/x-mpegurl; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
FEED_TYPE = "application/rss+xml; charset=utf-8"


class RangeNotSatisfiable(Exception):
    """The Range header asks for bytes the file does not have (or is malformed)."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` inclusive byte positions for a single ``bytes=`` range.

    Returns None when the header should be ignored (another unit, or several ranges:
    RFC 9110 lets a server answer those with the whole file); raises
    :class:`RangeNotSatisfiable` for a malformed or unsatisfiable range.
    """
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    if "," in spec:
        return None
    m = re.fullmatch(r"\s*(\d*)\s*-\s*(\d*)\s*", spec)
    if not m or (not m[1] and not m[2]):
        raise RangeNotSatisfiable(header)
    if not m[1]:  # suffix: the last N bytes
        n = int(m[2])
        if n == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - n), size - 1
    first = int(m[1])
    last = int(m[2]) if m[2] else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable(header)
    return first, min(last, size - 1)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "Dramatis"
    protocol_version = "HTTP/1.1"  # keep-alive: players make many small range requests
    timeout = 60  # an idle keep-alive connection frees its thread after this

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    # -- resolution

    def _resolve(self) -> Path | None:
        """The file or folder asked for, or None if it is not inside the served folder.

        Segments are split *before* percent-decoding, so ``%2F`` cannot smuggle a
        separator in; any decoded segment that is ``..``, hidden or holds a separator is
        refused, and the real (symlink-resolved) path must still be under the root.
        """
        path = urlsplit(self.path).path
        if not path.startswith("/"):
            return None
        names = []
        for raw in path.split("/")[1:]:
            name = unquote(raw, errors="strict") if "%" in raw else raw
            if not name:
                continue
            if name.startswith(".") or any(c in name for c in "/\\\x00"):
                return None
            names.append(name)
        root = self.server.root
        target = root.joinpath(*names)
        try:
            real = target.resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if not real.is_relative_to(root):
            return None
        return real

    # -- responses

    def _serve(self, body: bool) -> None:
        try:
            target = self._resolve()
        except UnicodeDecodeError:
            target = None
        if target == self.server.root:
            self._send_bytes(self._index_page(), "text/html; charset=utf-8", body)
            return
        if target is None or not target.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        try:
            f = open(target, "rb")  # noqa: SIM115 - closed below, after streaming
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        with f:
            self._send_file(f, target, body)

    def _send_file(self, f: BinaryIO, target: Path, body: bool) -> None:
        st = os.fstat(f.fileno())
        size = st.st_size
        etag = f'"{st.st_mtime_ns:x}-{size:x}"'
        last_modified = email.utils.formatdate(st.st_mtime, usegmt=True)
        if_none = self.headers.get("If-None-Match")
        if if_none and etag in [t.strip() for t in if_none.split(",")]:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first, last = 0, size - 1
        status = HTTPStatus.OK
        header = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if header and (if_range is None or if_range.strip() in {etag, last_modified}):
            try:
                wanted = parse_range(header, size)
            except RangeNotSatisfiable:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if wanted is not None:
                first, last = wanted
                status = HTTPStatus.PARTIAL_CONTENT
        length = max(0, last - first + 1)
        self.send_response(status)
        self.send_header("Content-Type", self._content_type(target))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        if target.name == FEED_NAME:
            self.send_header("Cache-Control", "no-cache")  # apps should see new chapters
        self.end_headers()
        if not body:
            return
        f.seek(first)
        remaining = length
        try:
            while remaining > 0:
                chunk = f.read(min(CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the player gave up (it seeks); not an error
        if remaining:
            self.close_connection = True  # the file shrank: never reuse a short response

    def _send_bytes(self, data: bytes, content_type: str, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _content_type(self, target: Path) -> str:
        if target.name == FEED_NAME and target.parent == self.server.root:
            return FEED_TYPE
        kind = CONTENT_TYPES.get(target.suffix.lower())
        if kind:
            return kind
        guessed, _ = mimetypes.guess_type(target.name)
        return guessed or "application/octet-stream"

    def _index_page(self) -> bytes:
        """A page for people who open the address in a browser: the feed and the stories."""
        root = self.server.root
        rows = []
        try:
            stories = find_stories(root)
        except DramatisError:
            stories = []
        for story in stories:
            playlist = playlist_path(story.dir)
            href = "/".join(quote(p, safe="") for p in (*story.url_parts, playlist.name))
            rows.append(
                f'<li><a href="{html.escape(href)}">{html.escape(story.manifest.title)}</a></li>'
            )
        page = (
            "<!doctype html><meta charset=utf-8><title>Dramatis</title>"
            f'<p>Subscribe in a podcast app: <a href="{FEED_NAME}">{FEED_NAME}</a></p>'
            f"<ul>{''.join(rows)}</ul>"
        )
        return page.encode("utf-8")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client never keeps the program alive

    def __init__(self, address: tuple[str, int], root: Path, quiet: bool):
        self.root = root
        self.quiet = quiet
        super().__init__(address, _Handler)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class FeedServer:
    """Serves ``directory`` over HTTP; usable in tests and as a context manager.

    Binding happens in the constructor (``port=0`` picks a free port), so :attr:`url` is
    known before serving.  Unless ``base_url`` is given, the feed is (re)written with
    URLs pointing at this server first; with ``write_feed=False`` the folder is served
    as it is.
    """

    def __init__(
        self,
        directory: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        *,
        base_url: str | None = None,
        feed: bool = True,
        quiet: bool = False,
    ):
        directory = Path(directory)
        if not directory.is_dir():
            raise DramatisError(
                "not a folder; give the output folder of `dramatis build`", directory
            )
        self.root = directory.resolve()
        cls = _HTTPServer6 if ":" in host else _HTTPServer
        try:
            self.httpd = cls((host, port), self.root, quiet)
        except OSError as exc:
            raise DramatisError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "try another --port or --host"
            ) from None
        self.host = host
        self.port: int = self.httpd.server_address[1]
        self.base_url = base_url or self.url
        self.feed_path: Path | None = None
        self._thread: threading.Thread | None = None
        if feed:
            try:
                self.feed_path = write_feed(self.root, self.base_url)
            except BaseException:
                self.httpd.server_close()
                raise

    @property
    def url(self) -> str:
        """The address other programs use: for a wildcard host, this machine's LAN address."""
        host = self.host
        if host in {"", "0.0.0.0", "::"}:
            host = _lan_address()
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> FeedServer:
        """Serve in a background thread (for tests and embedding)."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(
    directory: Path = Path("audio"),
    host: str = "127.0.0.1",
    port: int = 8000,
    base_url: str | None = None,
) -> None:
    """Serve ``directory`` until Ctrl-C, after pointing the feed at this server."""
    server = FeedServer(directory, host, port, base_url=base_url)
    print(
        f"Serving {directory} at {server.url}\n"
        f"Subscribe in a podcast app: {server.base_url}{FEED_NAME}\n"
        "Press Ctrl-C to stop.",
        file=sys.stderr,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _lan_address() -> str:
    """This machine's address on its network (a UDP connect sends no packet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"
