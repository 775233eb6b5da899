"""The ``dramatis`` command: a thin click layer over the pipeline stages.

Each command lives in :mod:`dramatis.cli.commands` (one small module each) and imports the
stages it drives inside its function, so ``--help`` stays instant.  Every user mistake
surfaces as one line on stderr with a non-zero exit status (never a traceback); warnings are
one line each through :mod:`logging` (``-v`` for detail).
"""

from __future__ import annotations

import sys

import click

from dramatis import __version__
from dramatis.cli.commands import COMMANDS
from dramatis.cli.options import CONTEXT, cli_logging, verbose_option
from dramatis.errors import DramatisError


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="dramatis")
@verbose_option
def cli() -> None:
    """Turn stories into multi-voice audiobooks, offline.

    \b
    Typical use:
      dramatis build                 build every story in stories/ into audio/
      dramatis script story.txt      see who speaks each line
      (edit voices.yaml, then build again: only what changed is redone)
    """


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line and a non-zero exit status."""
    try:
        with cli_logging():
            status = cli.main(args=argv, prog_name="dramatis", standalone_mode=False)
    except DramatisError as exc:
        click.echo(f"dramatis: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("dramatis: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("dramatis: interrupted; run the same command again to resume", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    # A command that found problems (``check``) ends with click's Exit(1), which click
    # hands back as the return value outside standalone mode.
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
