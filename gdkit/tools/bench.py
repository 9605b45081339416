"""`make bench`: render every shot headless, one at a time, and measure it.

Per shot: wall seconds, frames, video seconds, realtime factor (video s / wall s), frames per
wall second, peak RSS, the seconds from starting `manim` to its first frame reaching the
encoder (median of three starts), and the seconds to a still of beat 1 (start-up included:
what a preview of one beat costs); with the OpenGL renderer and the machine. Writes
bench/results.json and bench/results.md; `--compare old.json` prints the change against an
earlier run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gdkit import storyboard
from gdkit.paths import ROOT
from gdkit.tools.cli import shot_args, shot_command


def gl_renderer() -> str:
    code = (
        "import moderngl; ctx = moderngl.create_standalone_context(backend='egl'); "
        "print(ctx.info['GL_RENDERER'])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores"


def run_timed(command: list[str], what: str) -> tuple[float, object]:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"bench: {what} failed: {process.stderr.read().decode()[-300:]}")
    return wall, usage


def until_first_frame(argv: list[str]) -> int:
    """`manim ARGV`, stopped as its first frame reaches the encoder (run by `--first-frame`)."""
    from gdkit import engine
    from gdkit.tools import cli

    engine.prepare(cli.parse_args(argv).resolution)
    from manimlib.scene import scene

    def send(writer, frame: bytes) -> None:
        writer.abort()
        Path(writer.temp_file_path).unlink(missing_ok=True)  # the unfinished movie
        os._exit(0)

    scene.SceneFileWriter.send = send
    cli.main(argv)
    return 1  # no frame came


def bench_shot(shot, resolution, fps, out: Path) -> dict:
    size = ["-r", f"{resolution[0]}x{resolution[1]}"]
    flags = [*size, "--fps", str(fps)]
    wall, usage = run_timed(shot_command(shot, flags, out), shot.name)
    # Start-up, with the caches (TeX, parsed SVGs, derived code) as the render left them:
    # the median of three starts, as one start can be slowed by the machine's other work.
    probe = [
        sys.executable,
        "-m",
        "gdkit.tools.bench",
        "--first-frame",
        *shot_args(shot, flags, out),
    ]
    first = statistics.median(run_timed(probe, shot.name)[0] for _ in range(3))
    # A preview of one beat: start-up, beat 1 fast-forwarded, its last frame written as PNG.
    still, _ = run_timed(shot_command(shot, [*size, "-s", "--beat", "1"], out), shot.name)
    sidecar = out / "videos" / "zh" / f"{resolution[1]}p{fps}" / f"{shot.name}.beats.json"
    duration = json.loads(sidecar.read_text())["duration"]
    frames = round(duration * fps)
    return {
        "shot": shot.name,
        "wall_s": round(wall, 2),
        "frames": frames,
        "video_s": round(duration, 2),
        "realtime": round(duration / wall, 3),
        "fps_wall": round(frames / wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "first_frame_s": round(first, 2),
        "still_s": round(still, 2),
    }


def totals(rows: list[dict]) -> dict:
    wall = sum(r["wall_s"] for r in rows)
    video = sum(r["video_s"] for r in rows)
    frames = sum(r["frames"] for r in rows)
    return {
        "shot": "all",
        "wall_s": round(wall, 2),
        "frames": frames,
        "video_s": round(video, 2),
        "realtime": round(video / wall, 3),
        "fps_wall": round(frames / wall, 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
        "first_frame_s": max(r["first_frame_s"] for r in rows),
        "still_s": max(r["still_s"] for r in rows),
    }


def markdown(results: dict) -> str:
    lines = [
        f"Machine: {results['machine']}; OpenGL renderer: {results['renderer']}; "
        f"{results['date']}.",
        "",
    ]
    for key, rows in results["runs"].items():
        lines += [
            f"**{key}**",
            "",
            "| shot | wall s | frames | video s | realtime | frames/s | peak RSS MB "
            "| first frame s | still s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in rows:
            lines.append(
                f"| {r['shot']} | {r['wall_s']} | {r['frames']} | {r['video_s']} | "
                f"{r['realtime']} | {r['fps_wall']} | {r['peak_rss_mb']} | "
                f"{r['first_frame_s']} | {r['still_s']} |"
            )
        lines.append("")
    return "\n".join(lines)


def compare(new: dict, old: dict) -> str:
    out = []
    for key, rows in new["runs"].items():
        before = {r["shot"]: r for r in old.get("runs", {}).get(key, [])}
        for r in rows:
            if r["shot"] in before:
                b = before[r["shot"]]
                out.append(
                    f"{key} {r['shot']}: realtime {b['realtime']} -> {r['realtime']} "
                    f"({(r['realtime'] / b['realtime'] - 1) * 100:+.0f}%)"
                )
    return "\n".join(out)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--first-frame"]:
        return until_first_frame(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m gdkit.tools.bench")
    parser.add_argument("--resolutions", default="854x480,1920x1080")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--shots", default=",".join(storyboard.shots()))
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--compare", type=Path, metavar="OLD_JSON")
    args = parser.parse_args(argv)
    shots = [storyboard.shot(name) for name in args.shots.split(",")]
    results = {
        "machine": machine(),
        "renderer": gl_renderer(),
        "date": time.strftime("%Y-%m-%d"),
        "runs": {},
    }
    for res in args.resolutions.split(","):
        w, h = map(int, res.split("x"))
        rows = []
        for shot in shots:
            rows.append(bench_shot(shot, (w, h), args.fps, args.out / "out"))
            print(json.dumps(rows[-1]), file=sys.stderr)
        results["runs"][f"{h}p{args.fps}"] = rows + [totals(rows)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "results.md").write_text(markdown(results) + "\n")
    print(markdown(results))
    if args.compare:
        print(compare(results, json.loads(args.compare.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
