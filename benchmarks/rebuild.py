"""Edit-and-rebuild loop: what does a tweak to voices.yaml cost?

Builds the stories in stories/ (both seeds by default) from scratch with a fresh cache, then:

1. rebuilds unchanged: nothing may be synthesized or rewritten, and it should take <= 5%
   of the first build;
2. changes one character's rate in voices.yaml and rebuilds: the clips synthesized must be
   exactly that character's lines, and stories where they do not speak are not rewritten.

    python benchmarks/rebuild.py [--character NAME] [STORY_DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from dramatis.speech.engines import DEFAULT_ENGINE, describe_engine

ROOT = Path(__file__).resolve().parents[1]


def build(work: Path) -> tuple[float, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "dramatis.cli", "build", "stories", "--quiet", "--json",
         "--cache", str(work / "cache")],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.monotonic() - t0
    if result.returncode != 0:
        sys.exit(result.stderr)
    return wall, json.loads(result.stdout)


def mtimes(summary: dict, work: Path) -> dict[str, int]:
    return {
        c["file"]: (work / c["file"]).stat().st_mtime_ns
        for s in summary["stories"]
        for c in s["chapters"]
    }


def lines_by_speaker(work: Path) -> dict[str, dict[str, set[str]]]:
    """speaker -> story folder -> the distinct texts they speak (from the manifests)."""
    out: dict[str, dict[str, set[str]]] = {}
    for manifest in (work / "audio").glob("*/dramatis.json"):
        data = json.loads(manifest.read_text())
        for ch in data["chapters"]:
            for cue in ch["cues"]:
                out.setdefault(cue["speaker"], {}).setdefault(manifest.parent.name, set()).add(
                    cue["text"]
                )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stories", nargs="?", type=Path, default=ROOT / "stories")
    ap.add_argument(
        "--character", help="whose rate to change (default: one who speaks in one story only)"
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="dramatis-rebuild-") as tmp:
        work = Path(tmp)
        shutil.copytree(args.stories, work / "stories")
        if (ROOT / "voices.yaml").exists():
            shutil.copy(ROOT / "voices.yaml", work / "voices.yaml")

        t_first, first = build(work)
        n_clips = first["clips"]["synthesized"] + first["clips"]["reused"]
        print(f"first build: {t_first:.2f} s, {first['clips']['synthesized']} clips synthesized")

        before = mtimes(first, work)
        t_same, same = build(work)
        unchanged = mtimes(same, work) == before
        print(
            f"unchanged rebuild: {t_same:.2f} s = {t_same / t_first:.1%} of the first build "
            f"(target <= 5%); synthesized {same['clips']['synthesized']}, reused "
            f"{same['clips']['reused']} of {n_clips}; files rewritten: {'none' if unchanged else 'SOME'}"
        )

        speakers = lines_by_speaker(work)
        name = args.character or min(
            (s for s in speakers if s != "Narrator"),
            key=lambda s: (len(speakers[s]), -sum(map(len, speakers[s].values()))),
        )
        expected = sum(len(texts) for texts in speakers[name].values())
        yaml = YAML()
        path = work / "voices.yaml"
        data = yaml.load(path.read_text())
        entry = data["characters"][name]
        # an unset rate is the engine's natural pace: any set rate changes the voice
        old_rate = entry.get("rate") or round(describe_engine(DEFAULT_ENGINE).natural_wpm)
        entry["rate"] = old_rate + 15
        with path.open("w") as f:
            yaml.dump(data, f)
        before = mtimes(same, work)
        t_edit, edited = build(work)
        after = mtimes(edited, work)
        silent_stories = [
            s for s in (work / "audio").iterdir() if s.is_dir() and s.name not in speakers[name]
        ]
        untouched = all(
            after[f] == before[f]
            for f in before
            if any(Path(f).parts[1] == s.name for s in silent_stories)
        )
        print(
            f"after {name}'s rate {old_rate} -> {old_rate + 15}: {t_edit:.2f} s, "
            f"synthesized {edited['clips']['synthesized']} clips; {name} speaks {expected} "
            f"distinct lines ({'equal' if edited['clips']['synthesized'] == expected else 'DIFFERENT'}); "
            f"stories without {name} ({', '.join(s.name for s in silent_stories) or 'none'}) "
            f"{'not rewritten' if untouched else 'REWRITTEN'}"
        )


if __name__ == "__main__":
    main()
