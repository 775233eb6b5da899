"""One exception type for everything a user can get wrong.

The CLI turns a :class:`DramatisError` into one line on stderr and exit status 2, never a
traceback: the message must name the file (and line) and say what to do.
"""

from __future__ import annotations

from pathlib import Path


class DramatisError(Exception):
    """A problem with the user's input or environment, reported as one line."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class SynthesisError(DramatisError):
    """A clip could not be synthesized even after retries."""

    exit_code = 1


def warn(message: str, path: Path | str | None = None) -> None:
    """One line for something the user should know but that does not stop the run (a cover
    replaced, files skipped): said where it happens, so nothing is silently lost.

    Goes through :mod:`logging` (logger ``dramatis``): the command shows it as
    ``dramatis: warning: ...`` on stderr; a program embedding Dramatis routes it as it likes.
    """
    import logging

    where = f"{path}: " if path is not None else ""
    logging.getLogger("dramatis").warning("%s%s", where, message)
