"""``dramatis cache``: where the clip cache is, and emptying it."""

from __future__ import annotations

from pathlib import Path

import click

from dramatis.cli.options import CONTEXT, cache_option


@click.group(context_settings=CONTEXT)
def cache() -> None:
    """Manage the clip cache (clips are reused across builds)."""


@cache.command("clear")
@cache_option
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached clip (refused while a build is using the cache)."""
    from dramatis.build.lock import Busy, CacheUse
    from dramatis.speech.synthesize import ClipCache, default_cache_dir

    clips = ClipCache(cache_dir or default_cache_dir())
    with CacheUse(clips.root) as use, use.alone(wait=5.0) as others:
        if others:
            pids = ", ".join(str(p) for p in others)
            raise Busy(
                f"a build is using the clip cache (pid {pids}); try again after it", clips.root
            )
        count, size = clips.clear()
    click.echo(f"removed {count} clip(s), {size / 1e6:.1f} MB")


@cache.command("info")
@cache_option
def cache_info(cache_dir: Path | None) -> None:
    """Show where the cache is and how big it is."""
    from dramatis.speech.synthesize import ClipCache, default_cache_dir

    c = ClipCache(cache_dir or default_cache_dir())
    count, size = c.size()
    click.echo(f"{c.root}: {count} clip(s), {size / 1e6:.1f} MB (cap {c.max_bytes / 1e9:.1f} GB)")
