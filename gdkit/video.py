"""`make video`: all ten shots, rendered as needed, joined into one film with chapters and
beat subtitles.

A shot is rendered again only when its S-file, the helper package, the storyboard data, the
config or the flags changed since its video was made; shots render in parallel.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from gdkit import storyboard
from gdkit.cli import shot_command
from gdkit.headless import ROOT
from gdkit.text import LANGUAGES

QUALITIES = {"preview": ("-l", 480), "final": ("--hd", 1080), "4k": ("--uhd", 2160)}
SHARED_INPUTS = ["custom_config.yml", "assets/storyboard.json", "pyproject.toml"]


def inputs_digest(shot: storyboard.Shot, flags: list[str]) -> str:
    """What a shot's video depends on: its S-file, the helpers, the data and the flags."""
    digest = hashlib.sha256(" ".join(flags).encode())
    paths = [ROOT / shot.file, *sorted((ROOT / "gdkit").glob("*.py"))]
    paths += [ROOT / p for p in SHARED_INPUTS]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def srt_time(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"


def build(lang: str, quality: str, fps: int, jobs: int) -> Path:
    flag, height = QUALITIES[quality]
    flags = [flag, "--fps", str(fps), "--lang", lang]
    media = ROOT / "media"
    out_dir = media / "videos" / lang / f"{height}p{fps}"
    shots = list(storyboard.shots().values())
    out_dir.mkdir(parents=True, exist_ok=True)

    # Render what is missing or stale, several at a time
    todo = []
    for shot in shots:
        stamp = out_dir / f"{shot.name}.inputs"
        digest = inputs_digest(shot, flags)
        video = out_dir / f"{shot.name}.mp4"
        fresh = video.exists() and stamp.exists() and stamp.read_text() == digest
        if not fresh:
            todo.append((shot, digest))
    running, done, failed = {}, 0, []
    started = time.time()
    while todo or running:
        while todo and len(running) < jobs:
            shot, digest = todo.pop(0)
            command = shot_command(shot, flags, media)
            log = open(out_dir.parent / f".{shot.name}.{height}p{fps}.log", "w")  # noqa: SIM115
            running[shot.name] = (
                subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log),
                shot,
                digest,
                log,
            )
        for name, (process, _shot, digest, log) in list(running.items()):
            if process.poll() is None:
                continue
            log.close()
            del running[name]
            done += 1
            if process.returncode == 0:
                (out_dir / f"{name}.inputs").write_text(digest)
            else:
                failed.append(f"{name}: " + Path(log.name).read_text().strip().splitlines()[-1])
        status = (
            f"\rrendering {', '.join(running) or '-'}  ({done} done, {len(todo)} waiting, "
            f"{time.time() - started:.0f} s)"
        )
        print(status.ljust(80), end="", file=sys.stderr, flush=True)
        time.sleep(0.5)
    print(file=sys.stderr)
    if failed:
        raise SystemExit("video: " + "; ".join(failed))

    # Join them, with one chapter per shot and a subtitle per beat (unless that is done)
    name = f"gradient_descent.{lang}.{height}p{fps}"
    final = media / f"{name}.mp4"
    parts_changed = max((out_dir / f"{s.name}.mp4").stat().st_mtime for s in shots)
    if final.exists() and final.stat().st_mtime > parts_changed:
        print(f"{final} is up to date", file=sys.stderr)
        return final
    parts = [json.loads((out_dir / f"{s.name}.beats.json").read_text()) for s in shots]
    timeline, chapters, subtitles, t = [], [";FFMETADATA1"], [], 0.0
    for shot, part in zip(shots, parts, strict=True):
        timeline.append(
            {
                "shot": shot.name,
                "title": shot.title(lang),
                "start": round(t, 4),
                "beats": [
                    {"beat": b["beat"], "start": round(t + b["start"], 4), "caption": b[lang]}
                    for b in part["beats"]
                ],
            }
        )
        chapters += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(t * 1000)}",
            f"END={round((t + part['duration']) * 1000)}",
            f"title={shot.name} {shot.title(lang)}",
        ]
        ends = [b["start"] for b in part["beats"][1:]] + [part["duration"]]
        for b, end in zip(part["beats"], ends, strict=True):
            subtitles += [
                str(len(subtitles) // 4 + 1),
                f"{srt_time(t + b['start'])} --> {srt_time(t + end)}",
                f"{shot.name}.{b['beat']} · {b[lang]}",
                "",
            ]
        t += part["duration"]
    srt = final.with_suffix(".srt")
    srt.write_text("\n".join(subtitles), encoding="utf-8")
    meta = media / f".{name}.chapters.txt"
    meta.write_text("\n".join(chapters) + "\n", encoding="utf-8")
    concat = media / f".{name}.concat.txt"
    concat.write_text("".join(f"file '{out_dir / s.name}.mp4'\n" for s in shots))
    tmp = media / f".{name}.tmp.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(concat),
            "-i",
            str(meta),
            "-i",
            str(srt),
            "-map",
            "0:v",
            "-map",
            "2:s",
            "-map_metadata",
            "1",
            "-map_chapters",
            "1",
            "-c:v",
            "copy",
            "-c:s",
            "mov_text",
            "-metadata:s:s:0",
            f"language={'chi' if lang == 'zh' else 'eng'}",
            str(tmp),
        ],
        check=True,
    )
    tmp.replace(final)
    beats = final.with_suffix(".beats.json")
    beats.write_text(
        json.dumps(
            {"lang": lang, "fps": fps, "duration": round(t, 4), "shots": timeline},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    for path in (final, srt, beats):
        print(path)
    return final


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gdkit.video")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--quality", choices=QUALITIES, default="final")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    build(args.lang, args.quality, args.fps, max(1, args.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
