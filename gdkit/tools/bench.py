"""`make bench`: render every shot headless, one at a time, and measure it.

Per shot: wall seconds, frames, video seconds, realtime factor (video s / wall s), frames per
wall second, peak RSS, the seconds from starting `manim` to its first frame reaching the
encoder (median of three starts), and the seconds to a still of beat 1 (start-up included:
what a preview of one beat costs); with the OpenGL renderer and the machine. `--films final
--jobs 1,2` also times whole film builds (`make video`, from empty media, caches warm) at
each number of renders at once. `--baseline REV` measures the code of git revision REV the
same way in the same run, each measurement of it right after the same one of this checkout,
and prints the change. Writes bench/results.json and bench/results.md; `--compare old.json`
prints the change against an earlier run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from gdkit import storyboard
from gdkit.files import copy_project
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


def run_timed(command: list[str], what: str, tree: Path = ROOT) -> tuple[float, object]:
    """Run `command` in the code tree `tree`: its wall seconds and resource use."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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

    def write_frame(writer, camera, frame: bytes | None = None) -> None:
        writer.abort()
        Path(writer.temp_file_path).unlink(missing_ok=True)  # the unfinished movie
        os._exit(0)

    scene.SceneFileWriter.write_frame = write_frame
    cli.main(argv)
    return 1  # no frame came


def bench_shot(shot, resolution, fps, out: Path, tree: Path = ROOT) -> dict:
    size = ["-r", f"{resolution[0]}x{resolution[1]}"]
    flags = [*size, "--fps", str(fps)]
    shots = out / "videos" / "zh" / f"{resolution[1]}p{fps}"
    shutil.rmtree(shots / ".beats", ignore_errors=True)  # a clean render: no beat reused
    wall, usage = run_timed(shot_command(shot, flags, out), shot.name, tree)
    shutil.rmtree(shots / ".beats", ignore_errors=True)  # the starts below draw frames too
    # Start-up, with the caches (TeX, parsed SVGs, derived code) as the render left them:
    # the median of three starts, as one start can be slowed by the machine's other work.
    probe = [
        sys.executable,
        "-m",
        "gdkit.tools.bench",
        "--first-frame",
        *shot_args(shot, flags, out),
    ]
    first = statistics.median(run_timed(probe, shot.name, tree)[0] for _ in range(3))
    # A preview of one beat: start-up, beat 1 fast-forwarded, its last frame written as PNG.
    still, _ = run_timed(shot_command(shot, [*size, "-s", "--beat", "1"], out), shot.name, tree)
    sidecar = shots / f"{shot.name}.beats.json"
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


def bench_film(
    quality: str, jobs: int, out: Path, tree: Path = ROOT, fps: int = 30, cut: bool = False
) -> dict:
    """One build of the film (`make video`) from empty media, caches warm, `jobs` renders at
    once (`cut`: long shots cut into ranges of beats, `--split`); its CPU seconds are those of
    every render and encoder it ran."""
    media = out / f"film-{quality}-{jobs}"
    shutil.rmtree(media, ignore_errors=True)
    command = [
        sys.executable, "-m", "gdkit.tools.video", "--quality", quality, "--fps", str(fps),
        "--jobs", str(jobs), "--media", str(media), *(["--split"] if cut else []),
    ]  # fmt: skip
    wall, usage = run_timed(command, f"the {quality} film with --jobs {jobs}", tree)
    timeline = next(media.glob("gradient_descent.*.beats.json"))
    duration = json.loads(timeline.read_text(encoding="utf-8"))["duration"]
    shutil.rmtree(media)
    return {
        "film": quality,
        "fps": fps,
        "jobs": jobs,
        "split": cut,
        "wall_s": round(wall, 2),
        "video_s": round(duration, 2),
        "realtime": round(duration / wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
    }


def extract(archive: bytes, folder: Path) -> None:
    """The files of the tar `archive` (from `git archive`) written into `folder`: regular files
    and folders only, each inside `folder`, with no owner, set-id or group-writable bits from the
    archive; anything else ends the bench with one line. tarfile's own `filter="data"` does
    this only from Python 3.11.4; written here, it is the same on every Python 3.11."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            parts = PurePosixPath(member.name).parts
            if (
                not parts
                or PurePosixPath(member.name).is_absolute()
                or ".." in parts
                or not (member.isfile() or member.isdir())
            ):
                raise SystemExit(
                    f"bench: the baseline's archive holds {member.name!r}, which is not a "
                    "plain file or folder inside it: not extracted"
                )
            target = folder.joinpath(*parts)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target, "xb") as out:
                shutil.copyfileobj(source, out)
            target.chmod(0o755 if member.mode & 0o111 else 0o644)


@contextmanager
def checkout(revision: str):
    """The code of git revision `revision`, in a folder of bench/ (this user's own, not a
    shared temporary folder: its code is run), deleted afterwards."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if found.returncode != 0:
        raise SystemExit(f"bench: --baseline {revision}: not a git revision of this checkout")
    commit = found.stdout.strip()
    folder = ROOT / "bench" / "out" / f"baseline-{commit[:12]}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
        )
        extract(archive.stdout, folder)
        yield commit, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
    lines += tables(results)
    if "baseline" in results:
        lines += [f"Baseline: revision {results['baseline']['revision']}, measured alongside:", ""]
        lines += tables(results["baseline"])
        lines += ["Change against the baseline:", "", compare(results, results["baseline"]), ""]
    return "\n".join(lines)


def tables(results: dict) -> list[str]:
    lines = []
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
    if results.get("films"):
        lines += [
            "**Film builds** (from empty media, caches warm)",
            "",
            "| film | fps | --jobs | wall s | video s | realtime | CPU s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for f in results["films"]:
            lines.append(
                f"| {f['film']} | {f.get('fps', 30)} | {renders(f)} | {f['wall_s']} | "
                f"{f['video_s']} | {f['realtime']} | {f['cpu_s']} |"
            )
        lines.append("")
    if results.get("live"):
        lines += [
            "**make live** (480x270 pictures): from a save to the new picture in Chromium",
            "",
            "| edit | beat | seconds |",
            "|---|---|---:|",
            *(f"| {r['edit']} | {r['beat']} | {r['seconds']} |" for r in results["live"]),
            "",
        ]
    if results.get("edits"):
        lines += edits_table(results["edits"])
    return lines


def edits_table(edits: dict) -> list[str]:
    clean = edits["film_clean_s"]
    lines = [
        f"**Edits, each followed by the film built again** ({edits['quality']}, "
        f"--jobs {edits['jobs']}, one after the other in a copy of the tree)",
        "",
        "| build | wall s | of the clean film | what it drew |",
        "|---|---:|---:|---|",
        f"| the film from empty media | {clean} | 100% | every beat |",
    ]
    for row in edits["builds"]:
        drawn = "; ".join(row["said"]) or "nothing (every shot up to date)"
        lines.append(
            f"| after {row['edit']} | {row['wall_s']} | {row['wall_s'] / clean:.1%} | {drawn} |"
        )
    m3, alone = edits["builds"][-1]["wall_s"], edits["m3_clean_s"]
    same = "the same" if edits["m3_frames_same"] else "NOT the same"
    lines += [
        "",
        f"M3 rendered alone from empty media (the edited scene): {alone} s; the last build "
        f"above (M3 drawn again, the film joined) took {m3 / alone:.0%} of it. Frames of the "
        f"rebuilt M3 and of the clean one: {same} (framemd5).",
    ]
    if "m3_rebuild_s" in edits:
        again = edits["m3_rebuild_s"]
        lines.append(
            f"M3 alone again, its edit undone (`{'; '.join(edits['m3_rebuild_said'])}`): "
            f"{again} s, {again / alone:.0%} of its clean render."
        )
    lines.append("")
    return lines


def renders(film: dict) -> str:
    """A film build's renders at once, and whether it cut long shots (`2`, `16 --split`)."""
    return f"{film['jobs']}{' --split' if film.get('split') else ''}"


def compare(new: dict, old: dict) -> str:
    out = []
    for key, rows in new["runs"].items():
        before = {r["shot"]: r for r in old.get("runs", {}).get(key, [])}
        for r in rows:
            if r["shot"] in before:
                out.append(change(f"{key} {r['shot']}", before[r["shot"]], r))

    def build(f: dict) -> str:
        return f"film {f['film']} at {f.get('fps', 30)} fps --jobs {renders(f)}"

    films = {build(f): f for f in old.get("films", [])}
    for f in new.get("films", []):
        if build(f) in films:
            out.append(change(build(f), films[build(f)], f))
    return "\n".join(out)


def change(what: str, before: dict, after: dict) -> str:
    return (
        f"{what}: realtime {before['realtime']} -> {after['realtime']} "
        f"({(after['realtime'] / before['realtime'] - 1) * 100:+.0f}%)"
    )


def numbers(text: str, what: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise SystemExit(f"bench: {what} {text!r}: give positive whole numbers, e.g. 1,2")
    return values


LIVE_EDITS = (  # (what, file, old, new, the beat whose picture is watched)
    ("2D beat: M1.objective_color", "S1.py", "objective_color = YELLOW",
     "objective_color = TEAL", "M1.1"),
    ("3D beat: M3.change_color", "S3.py", "change_color = PINK",
     "change_color = PURPLE", "M3.9"),
)  # fmt: skip


def live_latency(tree: Path, repeats: int = 3) -> list[dict]:
    """`make live` on a copy of `tree`, in a real Chromium: the seconds from a save to the
    new picture of the watched beat in the page (median of `repeats` saves, each undone
    before the next), for a 2D beat and a 3D one."""
    import socket
    import tempfile
    import urllib.request

    from gdkit.tools.browser import chromium

    def idle() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as r:
                return not json.load(r)["busy"]
        except OSError:
            return False

    def until(test, timeout: float):
        end = time.monotonic() + timeout
        while not (found := test()):
            if time.monotonic() > end:
                raise SystemExit("bench: the live page did not change in time")
            time.sleep(0.02)
        return found

    def save(driver, path: Path, text: str, beat: str) -> float:
        """Save `text` as `path`: the seconds until the page shows `beat`'s new picture."""
        seen = f"return document.getElementById('{beat}').dataset.changedAt"
        before = driver.execute_script(seen)
        saved = time.time()
        path.write_text(text)
        shown = until(lambda: (now := driver.execute_script(seen)) != before and now, 60)
        until(idle, 120)
        return int(shown) / 1000 - saved

    with tempfile.TemporaryDirectory(prefix="bench-live.") as folder:
        copy = copy_project(tree, Path(folder))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "gdkit.tools.live", "--port", str(port), "--media",
             str(copy / "media")], cwd=copy, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        driver = None
        try:
            until(idle, 300)
            driver = chromium()
            driver.get(f"http://127.0.0.1:{port}/")
            time.sleep(1)
            rows = []
            for what, file, old, new, beat in LIVE_EDITS:
                path, source = copy / file, (copy / file).read_text()
                edited = source.replace(old, new)
                took = [save(driver, path, text, beat) for _ in range(repeats)
                        for text in (edited, source)][::2]  # fmt: skip
                rows.append(
                    {"edit": what, "beat": beat, "seconds": round(statistics.median(took), 2)}
                )
                print("live", json.dumps(rows[-1]), file=sys.stderr)
            return rows
        finally:
            if driver is not None:
                driver.quit()
            server.terminate()
            server.wait()


EDITS = (  # (what, file, old, new): made one after the other, each followed by a build
    ("a comment in gdkit/tools/page.py", "gdkit/tools/page.py", "\n\n\ndef newest_film(",
     "\n\n\n# a comment\ndef newest_film("),
    ("a comment in gdkit/mobjects/words.py", "gdkit/mobjects/words.py",
     "\n\n\nclass Number(",
     "\n\n\n# a comment\nclass Number("),
    ("M7.2's narration, a sentence longer", "assets/narration.json", "越走越远。",
     "越走越远。学习率太大时，每一步都冲过了谷底，落到比出发时更高的地方，再也回不来。"),
    ("M3.learning_rates (1.0, 1.5, 0.5) -> (1.0, 1.4, 0.5)", "S3.py",
     "learning_rates = (1.0, 1.5, 0.5)", "learning_rates = (1.0, 1.4, 0.5)"),
)  # fmt: skip
SAID = re.compile(r"(M\d+): (beats? [\d–, ]+ changed|no beat changed), .* reused")


def bench_edits(tree: Path, out: Path, quality: str) -> dict:
    """The film built from empty media, then each of `EDITS` made in a copy of `tree` and
    the film built again: the seconds of each build, and the beats each drew (as it says).
    Then M3 rendered clean from the edited scene, beside its rebuild: seconds, and whether
    their frames are the same."""
    from gdkit.tools.video import QUALITIES

    folder = out / "edits"
    shutil.rmtree(folder, ignore_errors=True)
    copy = copy_project(tree, folder / "tree")
    media = folder / "media"
    jobs = os.cpu_count() or 1
    film = [sys.executable, "-m", "gdkit.tools.video", "--quality", quality,
            "--jobs", str(jobs), "--media", str(media)]  # fmt: skip
    clean, _, _ = run_said(film, "the film from empty media", copy)
    rows = []
    for what, file, old, new in EDITS:
        path = copy / file
        source = path.read_text(encoding="utf-8")
        if source.count(old) != 1:
            raise SystemExit(f"bench: {file} no longer holds {old!r}: the edit cannot be made")
        path.write_text(source.replace(old, new, 1), encoding="utf-8")
        wall, said, _ = run_said(film, f"the film after {what}", copy)
        rows.append({"edit": what, "wall_s": round(wall, 2), "said": said})
        print("edits", json.dumps(rows[-1]), file=sys.stderr)
    w, h = QUALITIES[quality]
    shots = media / "videos" / "zh" / f"{h}p30"
    alone = folder / "M3-clean"
    render = [sys.executable, "-m", "gdkit.tools.cli", "S3.py", "M3", "-r", f"{w}x{h}",
              "--media", str(alone)]  # fmt: skip
    m3_clean, _, _ = run_said(render, "M3 from empty media", copy)
    alone_m3 = alone / "videos" / "zh" / f"{h}p30" / "M3.mp4"
    same = frames_md5(shots / "M3.mp4") == frames_md5(alone_m3)
    # ... and M3 alone again, its edit undone: the shot's own rebuild, no film joined
    _, file, old, new = EDITS[-1]
    path = copy / file
    path.write_text(path.read_text(encoding="utf-8").replace(new, old), encoding="utf-8")
    m3_again, said, _ = run_said(render, "M3 after its edit was undone", copy)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "quality": quality,
        "jobs": jobs,
        "film_clean_s": round(clean, 2),
        "m3_clean_s": round(m3_clean, 2),
        "m3_frames_same": same,
        "m3_rebuild_s": round(m3_again, 2),
        "m3_rebuild_said": said,
        "builds": rows,
    }


def run_said(command: list[str], what: str, tree: Path) -> tuple[float, list[str], object]:
    """`run_timed`, and what the build said of each shot it rendered (`M3: beats 12–13
    changed, 1–11 reused`)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    said = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"bench: {what} failed: {said[-300:]}")
    return wall, [m.group(0) for m in SAID.finditer(said)], usage


def frames_md5(video: Path) -> str:
    """The MD5 of every decoded frame of `video`, in order."""
    result = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(video), "-f", "framemd5", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return "\n".join(line for line in result.stdout.splitlines() if not line.startswith("#"))


def measure(args, tree: Path, label: str) -> dict:
    """Every measurement asked for, of the code in `tree`."""
    out = args.out / "out" / label
    results = {"runs": {}, "films": []}
    for res in filter(None, args.resolutions.split(",")):
        w, h = map(int, res.split("x"))
        rows = []
        for name in args.shots.split(","):
            rows.append(bench_shot(storyboard.shot(name), (w, h), args.fps, out, tree))
            print(label, json.dumps(rows[-1]), file=sys.stderr)
        results["runs"][f"{h}p{args.fps}"] = rows + [totals(rows)]
    for quality in filter(None, args.films.split(",")):
        for jobs in numbers(args.jobs, "--jobs"):
            film = bench_film(quality, jobs, out, tree, args.fps, args.split)
            results["films"].append(film)
            print(label, json.dumps(film), file=sys.stderr)
    if args.live and tree == ROOT:  # a baseline from before `make live` has none
        results["live"] = live_latency(tree)
    if args.edits:
        results["edits"] = bench_edits(tree, out, args.edits)
    return results


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--first-frame"]:
        return until_first_frame(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m gdkit.tools.bench")
    parser.add_argument("--resolutions", default="854x480,1920x1080", help="'' for none")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--shots", default=",".join(storyboard.shots()))
    parser.add_argument("--films", default="", help="film builds to time: preview,final,4k")
    parser.add_argument("--jobs", default="1,2", help="renders at once, for each film build")
    parser.add_argument(
        "--split", action="store_true", help="film builds cut long shots into ranges of beats"
    )
    parser.add_argument("--live", action="store_true", help="the live page's latency, in Chromium")
    parser.add_argument(
        "--edits", choices=("preview", "final", "4k"), help="the film rebuilt after edits"
    )
    parser.add_argument("--baseline", metavar="REV", help="also measure git revision REV")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--compare", type=Path, metavar="OLD_JSON")
    args = parser.parse_args(argv)
    if args.live:
        from gdkit.tools.browser import CHROMIUM, DRIVER

        if not (CHROMIUM and DRIVER):
            raise SystemExit(
                "bench: --live needs chromium and chromedriver (Debian's chromium and "
                "chromium-driver; make bench LIVE=1 installs them)"
            )
    results = {
        "machine": machine(),
        "renderer": gl_renderer(),
        "date": time.strftime("%Y-%m-%d"),
    }
    if args.baseline:
        # Alternated run by run would be fairer still; one tree after the other keeps each
        # tree's caches warm for itself. Both run in this one invocation, on this machine.
        with checkout(args.baseline) as (commit, tree):
            results |= measure(args, ROOT, "checkout")
            results["baseline"] = {"revision": commit, **measure(args, tree, "baseline")}
    else:
        results |= measure(args, ROOT, "checkout")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "results.md").write_text(markdown(results) + "\n")
    print(markdown(results))
    if args.compare:
        print(compare(results, json.loads(args.compare.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
