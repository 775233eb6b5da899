"""How fast and how lean is a whole-novel build, against the bare minimum?

Builds one dev-set novel with a fresh clip cache, and on the same text runs the bare
minimum a single-voice audiobook needs: ``espeak-ng -w`` of the whole text in one call, then
one ffmpeg encode at the same MP3 settings.  Prints both wall times, their ratio, hours of
audio per minute of wall time, and the build's peak resident memory (the whole process tree:
the main process plus its synthesis workers and ffmpeg, summed at each instant).

With ``--resume`` it also kills a fresh build with SIGKILL half way (by wall time) and times
the build that resumes it.

    python benchmarks/throughput.py                       # Alice: the shortest with chapters
    python benchmarks/throughput.py --novel PrideAndPrejudice --resume
    python benchmarks/throughput.py --kokoro              # the neural engine (see kokoro_mode)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "attribution" / "dev"


def _pss(pid: int) -> int:
    """Proportional set size: resident bytes with each shared page split among its users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


_KCMP = {"x86_64": 312, "aarch64": 272}.get(os.uname().machine)
_libc = None


def _same_memory(pid: int, other: int) -> bool:
    """Whether two processes share one address space: a child between vfork and exec
    (how Python starts ffmpeg and the synthesis workers) borrows its parent's memory."""
    global _libc
    if _KCMP is None:
        return False
    if _libc is None:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc.syscall(_KCMP, pid, other, 1, 0, 0) == 0  # KCMP_VM


def _tree(root_pid: int) -> list[tuple[str, int, int]]:
    """``(name, rss, pss)`` of ``root_pid`` and each descendant, right now (Linux /proc);
    the root is called "main".

    Two sums of these matter.  RSS summed over the tree counts a page once per process
    that maps it: ffmpeg's ~40 MB of libraries once per encoder.  PSS splits each shared
    page among its users, so its sum is the physical memory the build occupies.  Both are
    reported; a child between vfork and exec, which still runs in its parent's address
    space, is counted in neither (it would add the parent's whole heap again).
    """
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                head, tail = f.read().rsplit(b")", 1)
            fields = tail.split()
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            name = head.split(b"(", 1)[1].decode(errors="replace")
            names[pid] = "main" if pid == root_pid else name
        except (OSError, IndexError, ValueError):
            continue
    parts, stack = [], [(root_pid, 0)]
    while stack:
        pid, parent = stack.pop()
        # Memory is read only once the child is known to have its own address space: read
        # earlier, a child caught between vfork and exec would report its parent's.
        if pid in names and not (parent and _same_memory(pid, parent)):
            parts.append((names[pid], _rss(pid, page), _pss(pid)))
        stack.extend((c, pid) for c in children.get(pid, ()))
    return parts


def _rss(pid: int, page: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        return 0


def _breakdown(parts: list[tuple[str, int]]) -> str:
    """ "main 170, python 58+57, ffmpeg 52" (MB), largest first."""
    by_name: dict[str, list[int]] = {}
    for name, b in parts:
        by_name.setdefault(name, []).append(round(b / 1e6))
    return ", ".join(
        f"{name} {'+'.join(str(x) for x in sorted(v, reverse=True))}"
        for name, v in sorted(by_name.items(), key=lambda kv: -sum(kv[1]))
    )


def _children_cpu() -> float:
    """CPU seconds (user + system) of every reaped descendant so far.

    The machine is shared, so wall time alone is noisy; CPU seconds of the process tree
    (the build, its synthesis workers and ffmpeg, all reaped before the build exits) are not.
    """
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_measured(cmd: list[str], cwd: Path, kill_after: float | None = None) -> dict:
    """Run ``cmd``; return wall and CPU seconds, peak tree RSS, stdout, and whether killed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cpu0 = _children_cpu()
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    peak: dict[str, tuple[int, list[tuple[str, int]]]] = {"rss": (0, []), "pss": (0, [])}
    killed = False
    while proc.poll() is None:
        parts = _tree(proc.pid)
        for k, col in (("rss", 1), ("pss", 2)):
            mine = [(p[0], p[col]) for p in parts]
            total = sum(b for _, b in mine)
            if total > peak[k][0]:
                peak[k] = (total, mine)
        if kill_after is not None and time.monotonic() - t0 > kill_after:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    if proc.returncode != 0 and not killed:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    cpu = _children_cpu() - cpu0  # a killed tree's orphans are not counted
    return {
        "wall": wall, "cpu": cpu, "peak": peak,
        "stdout": out.decode(), "killed": killed,
    }  # fmt: skip


def build_cmd(work: Path, cache: Path, jobs: int) -> list[str]:
    cmd = [
        sys.executable, "-m", "dramatis.cli", "build", str(work / "stories"), "--quiet", "--json",
        "--cache", str(cache), "--out", str(work / "audio"), "--voices", str(work / "voices.yaml"),
    ]  # fmt: skip
    return [*cmd, "--jobs", str(jobs)] if jobs else cmd


def _peak_per_process(peak: tuple[int, list[tuple[str, int]]]) -> str:
    total, parts = peak
    biggest = max((b for _, b in parts), default=0)
    return f"{total / 1e6:.0f} MB total, largest process {biggest / 1e6:.0f} MB ({_breakdown(parts)} MB)"


def kokoro_mode(args: argparse.Namespace) -> None:
    """The Kokoro engine on the first ``--chars`` characters of seed story 000 (cut at a
    paragraph end): a fresh clip cache, ``engine: kokoro`` in voices.yaml.

    Prints audio seconds per wall second (the realtime factor) and per CPU second, the peak
    memory of the largest process and of the whole tree, and where the time goes: the
    synthesis workers (split, in this process and single-threaded, into phonemizing and the
    models for every line the build spoke) and the rest (analysis, assembly, encoding: the
    same build again with every clip cached).  The joined model is made before timing (a
    once-per-machine step; its time is printed too).
    """
    seed = next(iter(sorted(args.seed_dir.glob("000_*.txt"))))
    full_text = seed.read_text(encoding="utf-8")
    cut = full_text.rfind("\n", 0, args.chars)
    text = full_text[: cut if cut > 0 else args.chars]
    with tempfile.TemporaryDirectory(prefix="dramatis-kokoro-") as tmp:
        work = Path(tmp)
        (work / "stories").mkdir()
        (work / "stories" / "seed.txt").write_text(text, encoding="utf-8")
        narrator = f"narrator: {{voice: {args.narrator}}}\n" if args.narrator else ""
        (work / "voices.yaml").write_text(f"engine: kokoro\n{narrator}", encoding="utf-8")
        os.environ["DRAMATIS_CACHE"] = str(work / "dramatis-cache")  # model goes in here
        sys.path.insert(0, str(ROOT / "src"))
        from dramatis.speech.engines import kokoro_model

        t0 = time.monotonic()
        kokoro_model.ensure_model()
        print(f"model joined and verified in {time.monotonic() - t0:.1f} s")
        print(f"text: {seed.name}, first {len(text)} characters, {len(text.split())} words")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        full = run_measured(build_cmd(work, work / "cache", args.jobs), ROOT)
        summary = json.loads(full["stdout"])
        audio = sum(c["duration_s"] for s in summary["stories"] for c in s["chapters"])
        print(f"load average after the build: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"build: {full['wall']:.1f} s wall, {full['cpu']:.1f} CPU s, "
            f"{summary['clips']['synthesized']} clips, {audio:.1f} s of audio"
        )
        print(
            f"realtime factor: {audio / full['wall']:.2f}x (audio s per wall s); "
            f"{audio / full['cpu']:.2f}x per CPU s"
        )
        for k, what in (("pss", "PSS"), ("rss", "RSS")):
            print(f"peak memory ({what}): {_peak_per_process(full['peak'][k])}")

        warm = run_measured(build_cmd(work, work / "cache", args.jobs), ROOT)
        for f in (work / "audio").rglob("*.mp3"):
            f.unlink()  # outputs gone, clips cached: analysis + assembly + encoding only
        rest = run_measured(build_cmd(work, work / "cache", args.jobs), ROOT)
        print(
            f"without synthesis (clips cached, outputs rebuilt): {rest['wall']:.1f} s wall, "
            f"{rest['cpu']:.1f} CPU s (an unchanged rebuild: {warm['wall']:.1f} s)"
        )
        _split_synthesis(work)


def _split_synthesis(work: Path) -> None:
    """CPU seconds of phonemizing vs the rest of synthesis, per model, for every line."""
    from ruamel.yaml import YAML

    from dramatis.model import Voice
    from dramatis.speech.engines.kokoro import HIBARI_VOICE, KokoroEngine

    cast = YAML(typ="safe").load((work / "voices.yaml").read_text()) or {}
    narrator = (cast.get("narrator") or {}).get("voice")
    voices = {n: (c or {}).get("voice") for n, c in (cast.get("characters") or {}).items()}
    (manifest,) = (work / "audio").glob("*/dramatis.json")
    cues = [c for ch in json.loads(manifest.read_text())["chapters"] for c in ch["cues"]]
    engine = KokoroEngine()
    engine.synthesize("Warm up.", Voice("af_bella"))
    engine.synthesize("Warm up.", Voice(HIBARI_VOICE))
    kokoro = engine.load_kokoro()  # the loaded models, to time the phonemizers alone
    hibari = engine.load_hibari()
    totals: dict[str, list[float]] = {}
    for cue in cues:
        vid = voices.get(cue["speaker"]) or narrator or HIBARI_VOICE
        model = "hibari" if vid == HIBARI_VOICE else "kokoro"
        c0 = time.process_time()
        if model == "hibari":
            hibari.phonemize(cue["text"])
        else:
            kokoro.tokenizer.phonemize(cue["text"], "en-gb" if vid[0] == "b" else "en-us")
        c1 = time.process_time()
        out = engine.synthesize(cue["text"], Voice(vid))
        c2 = time.process_time()
        t = totals.setdefault(model, [0.0, 0.0, 0.0, 0])
        t[0] += c1 - c0
        t[1] += (c2 - c1) - (c1 - c0)  # synthesize phonemizes again: count that once
        t[2] += out.seconds
        t[3] += 1
    for model, (phon, rest, seconds, n) in totals.items():
        print(
            f"{model}: {n} lines, {seconds:.1f} s of audio; CPU: phonemize {phon:.2f} s, "
            f"model and joining {rest:.2f} s ({seconds / max(rest + phon, 1e-9):.1f}x realtime "
            "on one core)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kokoro", action="store_true", help="the Kokoro engine on seed story 000")
    ap.add_argument("--chars", type=int, default=6000, help="--kokoro: characters of the seed")
    ap.add_argument("--narrator", help="--kokoro: the narrator's voice (default: the engine's)")
    ap.add_argument("--seed-dir", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--novel", default="AlicesAdventuresInWonderland")
    ap.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--resume", action="store_true", help="also measure kill -9 half way + resume")
    args = ap.parse_args()
    if args.kokoro:
        kokoro_mode(args)
        return

    text = json.loads((args.gold_dir / f"{args.novel}.json").read_text())["text"]
    with tempfile.TemporaryDirectory(prefix="dramatis-bench-") as tmp:
        work = Path(tmp)
        (work / "stories").mkdir()
        story = work / "stories" / f"{args.novel}.txt"
        story.write_text(text, encoding="utf-8")

        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        # Bare minimum: one espeak-ng call, one encode at our MP3 settings.
        cpu0 = _children_cpu()
        t0 = time.monotonic()
        subprocess.run(["espeak-ng", "-w", str(work / "bare.wav"), "-f", str(story)], check=True)
        t_synth = time.monotonic() - t0
        t0 = time.monotonic()
        # The same MP3 settings as the build's default (acx) profile.
        sys.path.insert(0, str(ROOT / "src"))
        from dramatis.audio.encode import PROFILES, mp3_args

        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(work / "bare.wav"),
             *mp3_args(PROFILES["acx"], 22050), str(work / "bare.mp3")],
            check=True,
        )  # fmt: skip
        t_encode = time.monotonic() - t0
        bare = t_synth + t_encode
        bare_cpu = _children_cpu() - cpu0
        (work / "bare.wav").unlink()

        full = run_measured(build_cmd(work, work / "cache", args.jobs), ROOT)
        summary = json.loads(full["stdout"])
        hours = sum(c["duration_s"] for s in summary["stories"] for c in s["chapters"]) / 3600
        chapters = sum(len(s["chapters"]) for s in summary["stories"])
        print(f"novel: {args.novel} ({len(text) / 1e6:.2f} MB, {len(text.split())} words)")
        print(
            f"bare espeak-ng -w: {t_synth:.1f} s, ffmpeg encode: {t_encode:.1f} s, "
            f"total {bare:.1f} s ({bare_cpu:.1f} CPU s)"
        )
        print(
            f"dramatis build: {full['wall']:.1f} s ({full['cpu']:.1f} CPU s), {chapters} chapters, "
            f"{summary['clips']['synthesized']} clips, {hours:.2f} h of audio"
        )
        print(
            f"ratio build / bare: {full['wall'] / bare:.2f} wall, {full['cpu'] / bare_cpu:.2f} CPU"
        )
        print(f"hours of audio per minute of wall time: {hours / (full['wall'] / 60):.2f}")
        for k, what in (("pss", "PSS, shared pages split"), ("rss", "RSS summed")):
            total, parts = full["peak"][k]
            print(
                f"peak resident memory (process tree, {what}): {total / 1e6:.0f} MB "
                f"({_breakdown(parts)} MB)"
            )

        if args.resume:
            import shutil

            shutil.rmtree(work / "audio")
            shutil.rmtree(work / "cache")
            half = run_measured(
                build_cmd(work, work / "cache2", args.jobs), ROOT, kill_after=full["wall"] / 2
            )
            done = len(list((work / "audio").rglob("*.mp3"))) if (work / "audio").exists() else 0
            resumed = run_measured(build_cmd(work, work / "cache2", args.jobs), ROOT)
            print(
                f"killed at {half['wall']:.1f} s with {done}/{chapters} chapter files; "
                f"resume took {resumed['wall']:.1f} s ({resumed['cpu']:.1f} CPU s) = "
                f"{resumed['wall'] / full['wall']:.0%} of a full build "
                f"({resumed['cpu'] / full['cpu']:.0%} of its CPU)"
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
