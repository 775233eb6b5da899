"""One module per ``dramatis`` command (the shape of beets' ``ui/commands``).

A command parses its options, calls the stages and prints; nothing else.
"""

from __future__ import annotations

from dramatis.cli.commands.build import build
from dramatis.cli.commands.cache import cache
from dramatis.cli.commands.cast import cast_cmd
from dramatis.cli.commands.check import check
from dramatis.cli.commands.feed import feed
from dramatis.cli.commands.preview import preview
from dramatis.cli.commands.script import script
from dramatis.cli.commands.serve import serve
from dramatis.cli.commands.voices import voices_cmd

COMMANDS = [build, script, check, cache, feed, serve, voices_cmd, cast_cmd, preview]
