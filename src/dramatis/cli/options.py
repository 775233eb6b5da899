"""What every command shares: click settings, common options and how messages look."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable[..., Any])


class _Formatter(logging.Formatter):
    """``dramatis: warning: ...``: one readable line per message, like the error lines."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.levelno <= logging.DEBUG:
            message += "\n" + self.formatException(record.exc_info)
        return f"dramatis: {record.levelname.lower()}: {message}"


@contextlib.contextmanager
def cli_logging() -> Iterator[None]:
    """While a command runs, Dramatis' log goes to stderr as ``dramatis: warning: ...``.

    Only the ``dramatis`` logger gets a handler, and only for the command's duration (the
    command owns its process, but a program or test calling :func:`main` keeps its own
    logging afterwards).  Warnings by default; ``-v`` details, ``-vv`` debugging.
    """
    logger = logging.getLogger("dramatis")
    handler = logging.StreamHandler(sys.stderr)  # stderr as it is while this command runs
    handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    # Not also through the root logger: a library that called logging.basicConfig() on
    # import would print every message a second time, in its own format.
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = propagate


def _verbosity(verbose: int) -> None:
    logging.getLogger("dramatis").setLevel(
        logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    )


def _set_verbosity(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    # The group's -v and the command's -v add up: `dramatis -v build` = `dramatis build -v`.
    root = ctx.find_root()
    total = root.meta.get("dramatis.verbose", 0) + (value or 0)
    root.meta["dramatis.verbose"] = total
    _verbosity(total)


def verbose_option(f: F) -> F:
    return click.option(
        "--verbose",
        "-v",
        count=True,
        expose_value=False,
        callback=_set_verbosity,
        help="More detail on stderr (-vv for debugging).",
    )(f)


def voices_option(f: F) -> F:
    return click.option(
        "--voices",
        "voices",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("voices.yaml"),
        show_default=True,
        help="The cast file: voices for the narrator and each character.",
    )(f)


def cache_option(f: F) -> F:
    return click.option(
        "--cache",
        "cache_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Clip cache folder (default: the user cache folder).",
    )(f)


def engine_option(f: F) -> F:
    """``--engine``: one of the registered engines (entry points; none is imported here)."""
    from dramatis.speech.engines import available_engines

    return click.option(
        "--engine",
        type=click.Choice(available_engines()),
        default=None,
        help="Speech engine (default: voices.yaml's 'engine:', else pyttsx3).",
    )(f)


def engine_for(engine: str | None, voices: Path) -> str:
    """``--engine``, else the voices file's top-level ``engine:``, else the default engine."""
    from dramatis.cast.config import engine_named
    from dramatis.speech.engines import DEFAULT_ENGINE

    return engine or engine_named(voices) or DEFAULT_ENGINE
