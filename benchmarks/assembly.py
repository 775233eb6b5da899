"""How fast is assembly, and what does it cost beyond the MP3 encoder itself?

Plans the given stories (default: stories/), makes sure their clips are in a cache (warm
after the first run), then assembles each chapter file one after another and prints, per
file: audio length, analysis time, wall time of assembly (analysis + render + encode),
and, for comparison, the wall time of ffmpeg encoding the same PCM from a file with the
same settings (the floor any assembly that encodes MP3 pays).  Finally the peak resident
memory of this process (ffmpeg's is its own).

    python benchmarks/assembly.py                      # the seed stories
    python benchmarks/assembly.py novel.txt --cache /tmp/novel-cache
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from dramatis.audio.encode import PROFILES, Encoder, mp3_args
from dramatis.audio.render import ChapterRenderer
from dramatis.build.analysis import analyze_paths
from dramatis.build.chapters import plan
from dramatis.build.state import BuildOptions
from dramatis.speech.engines import EngineBook
from dramatis.speech.synthesize import ClipCache, ClipRequest, synthesize


class _FileSink:
    """Keeps the rendered PCM in a file, to time the bare encode of exactly that audio."""

    def __init__(self, path: Path) -> None:
        self.f = path.open("wb")
        self.samples = 0

    def write(self, y) -> None:
        import numpy as np

        self.f.write(np.clip(y * 32768.0, -32768, 32767).astype("<i2").tobytes())
        self.samples += y.size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[Path("stories")])
    ap.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "dramatis-bench-cache"
    )
    ap.add_argument("--voices", type=Path, default=Path("voices.yaml"))
    ap.add_argument("--profile", default="acx", choices=sorted(PROFILES))
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dramatis-asm-"))
    voices = work / "voices.yaml"
    voices.write_bytes(args.voices.read_bytes() if args.voices.is_file() else b"")
    opts = BuildOptions(voices=voices, out=work / "audio", cache_dir=args.cache)
    engines = EngineBook()
    analyses = analyze_paths(args.paths, voices, engines=engines, add_new=True)
    planned = plan(analyses, opts, engines)
    cache = ClipCache(args.cache)
    requests = [
        ClipRequest(k, ln.text, ln.voice, engine=ch.engine)
        for ps in planned
        for ch in ps.chapters
        for ln, k in zip(ch.lines, ch.keys, strict=True)
    ]
    synthesize(requests, cache)

    profile = PROFILES[args.profile]
    total_audio = total_asm = total_floor = 0.0
    print(f"{'file':<44} {'audio':>8} {'analyse':>8} {'assemble':>9} {'encode only':>12}")
    for ps in planned:
        for ch in ps.chapters:
            t0 = time.monotonic()
            r = ChapterRenderer(
                ch.lines, ch.keys, cache, profile=profile, narrator_voice=repr(ps.cast.narrator)
            )
            r.analyse()
            t1 = time.monotonic()
            enc = Encoder(work / "out.mp3", r.rate, mp3_args(profile, r.rate))
            audio = r.render(enc)
            enc.close()
            t2 = time.monotonic()
            pcm = work / "pcm.s16"
            sink = _FileSink(pcm)
            r.render(sink)
            sink.f.close()
            t3 = time.monotonic()
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(r.rate), "-ac", "1",
                 "-i", str(pcm), *mp3_args(profile, r.rate), str(work / "floor.mp3")],
                check=True,
            )  # fmt: skip
            t4 = time.monotonic()
            secs = audio.duration_ms / 1000
            total_audio += secs
            total_asm += t2 - t0
            total_floor += t4 - t3
            print(
                f"{ch.path.name[:44]:<44} {secs / 60:7.1f}m {t1 - t0:7.2f}s {t2 - t0:8.2f}s "
                f"{t4 - t3:11.2f}s"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"total: {total_audio / 60:.1f} min of audio assembled in {total_asm:.1f} s "
        f"({total_audio / max(total_asm, 1e-9):.0f}x real time); encoding alone "
        f"{total_floor:.1f} s; peak memory of this process {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
