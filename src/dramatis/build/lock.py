"""Locks that let builds run side by side without breaking each other.

* The output folder: one build at a time writes into it.  A second build waits a few
  seconds, then stops with one line naming the build that holds it (pid, start time).
* The clip cache is shared by builds into different folders: each build registers as a
  user while it runs, and clips are pruned (or ``dramatis cache clear`` deletes them) only
  when no other build is using the cache, so nobody loses a clip it is about to read.
* voices.yaml: adding characters is a read-modify-write of the user's file, done under its
  own lock so two builds cannot each add characters and lose the other's.

Built on ``filelock`` (a well-kept, cross-platform library: flock on Unix, LockFileEx on
Windows, released by the OS when a process dies) rather than hand-written fcntl calls,
which would not work on Windows and would have to get stale-lock handling right again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from dramatis.errors import DramatisError

log = logging.getLogger(__name__)

#: How long a second build waits for the output folder before giving up.
OUTPUT_WAIT_S = 5.0
#: How long a build waits to change voices.yaml (another build adding characters is quick).
VOICES_WAIT_S = 60.0

#: The clip cache's own lock file, inside the cache.
LOCK_NAME = ".dramatis.lock"


def lock_paths(out: Path) -> tuple[Path, Path]:
    """The output folder's lock file and its owner note: hidden, *beside* the folder.

    Beside, not inside, so that a build refused for bad input leaves no folder behind and
    nothing in the folder (served, fed to podcast apps) is ever a lock.
    """
    out = Path(out).absolute()
    return out.parent / f".{out.name}.lock", out.parent / f".{out.name}.lock.json"


class Busy(DramatisError):
    """Another build holds what this one needs; running it again later will work."""

    exit_code = 75  # EX_TEMPFAIL: try again later


def _owner_text(owner_file: Path) -> str:
    try:
        info = json.loads(owner_file.read_text(encoding="utf-8"))
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(info["started"])))
        return f"pid {int(info['pid'])}, started {started}"
    except (OSError, ValueError, KeyError, TypeError):
        return "pid unknown"


@contextlib.contextmanager
def output_lock(out: Path, wait: float = OUTPUT_WAIT_S) -> Iterator[None]:
    """Hold ``out`` for this build; raise :class:`Busy` if another build keeps it ``wait`` s."""
    lock_file, owner = lock_paths(out)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_file)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("%s: waiting for the build holding it (%s)", out, _owner_text(owner))
            lock.acquire(timeout=wait)
    except Timeout:
        raise Busy(
            f"another build is writing into this folder ({_owner_text(owner)}); "
            "wait for it to finish or choose another --out",
            out,
        ) from None
    try:
        info = {"pid": os.getpid(), "started": time.time(), "argv": sys.argv}
        with contextlib.suppress(OSError):
            owner.write_text(json.dumps(info), encoding="utf-8")
        yield
    finally:
        with contextlib.suppress(OSError):
            owner.unlink()
        lock.release()


@contextlib.contextmanager
def voices_lock(voices: Path, wait: float = VOICES_WAIT_S) -> Iterator[None]:
    """Hold voices.yaml for a read-modify-write (a hidden lock file beside it)."""
    lock = FileLock(voices.absolute().parent / f".{voices.name}.lock")
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise Busy("another build is changing this file; try again", voices) from None
    try:
        yield
    finally:
        lock.release()


class CacheUse:
    """This build's registration as a user of the clip cache at ``root`` (a context manager).

    Registration and pruning both happen under the cache's own lock, so a build either
    registers before a prune (which then sees it and leaves the clips alone) or after it.
    """

    def __init__(self, root: Path, wait: float = OUTPUT_WAIT_S) -> None:
        self.root = Path(root)
        self.wait = wait
        self._users = self.root / "users"
        self._mine: FileLock | None = None
        self._mine_path: Path | None = None

    def _cache_lock(self, wait: float) -> FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / LOCK_NAME)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise Busy(
                "the clip cache is locked by another dramatis; try again", self.root
            ) from None
        return lock

    def __enter__(self) -> CacheUse:
        lock = self._cache_lock(self.wait)
        try:
            self._users.mkdir(parents=True, exist_ok=True)
            self._mine_path = self._users / f"{os.getpid()}.{secrets.token_hex(4)}.lock"
            self._mine = FileLock(self._mine_path)
            self._mine.acquire(timeout=0)
        finally:
            lock.release()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._mine is not None:
            self._mine.release()
            assert self._mine_path is not None
            with contextlib.suppress(OSError):
                self._mine_path.unlink()
            self._mine = None

    def others(self) -> list[int]:
        """Pids of other processes using the cache now (stale registrations are removed)."""
        pids = []
        for path in self._users.glob("*.lock") if self._users.is_dir() else []:
            if path == self._mine_path:
                continue
            probe = FileLock(path)
            try:
                probe.acquire(timeout=0)
            except Timeout:
                with contextlib.suppress(ValueError):
                    pids.append(int(path.name.split(".")[0]))
                continue
            probe.release()  # nobody holds it: a build that died without cleaning up
            with contextlib.suppress(OSError):
                path.unlink()
        return pids

    @contextlib.contextmanager
    def alone(self, wait: float = 0.0) -> Iterator[list[int]]:
        """Hold the cache's lock; yield the other users' pids (empty: safe to delete clips)."""
        lock = self._cache_lock(wait)
        try:
            yield self.others()
        finally:
            lock.release()
