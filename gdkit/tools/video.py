"""`make video`: all ten shots, rendered as needed, joined into one film with chapters and
beat subtitles.

The build goes in four steps: **plan** (check each shot's video against its sidecar: the
whole shot, made from today's inputs, the very video the sidecar describes), **render**
what failed the check (several shots at once, each a `manim` command), **check** again,
and **join** the shots with their chapters and subtitles. One build of a film runs at a
time; another waits for it. Ctrl-C or SIGTERM stops the renders it started; the shots that
were finished are kept, and the next build goes on from there.
"""

from __future__ import annotations

import concurrent.futures as futures
import fcntl
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from gdkit import storyboard, voice
from gdkit.engine import EngineError
from gdkit.engine.frame import RESOLUTIONS, parse_resolution
from gdkit.files import JoinError, concat_quoted, join_videos, open_own
from gdkit.paths import MEDIA, ROOT
from gdkit.text import LANGUAGES, text
from gdkit.tools import outputs, subtitles
from gdkit.tools.cli import (
    Interrupted,
    Parser,
    RenderError,
    UsageError,
    font_warning,
    output_stem,
    positive_int,
    raise_interrupt,
    shot_command,
    writable_folder,
    written_how,
)

QUALITIES = {"preview": RESOLUTIONS["l"], "final": RESOLUTIONS["hd"], "4k": RESOLUTIONS["uhd"]}
LANGUAGE_CODES = {"zh": "chi", "en": "eng"}  # ISO 639-2, as mp4 subtitle tracks are tagged


class BuildError(Exception):
    """The film could not be built: reported as one line, exit code 1."""


@dataclass(frozen=True)
class Job:
    """One render of the build: a whole shot, or beats `first`..`last` of it (rehearsed from
    the start, so that the ranges of a shot join into the whole shot's frames)."""

    shot: storyboard.Shot
    first: int = 1
    last: int | None = None  # None: to the shot's end

    @property
    def whole(self) -> bool:
        return self.first == 1 and self.last is None

    @property
    def name(self) -> str:
        if self.whole:
            return self.shot.name
        return f"{self.shot.name}.{self.first}-{self.last or len(self.shot.beats)}"

    @property
    def beats(self) -> list[int]:
        return list(range(self.first, (self.last or len(self.shot.beats)) + 1))

    def stem(self) -> str:
        """The file name `manim` gives this render (cli.output_stem)."""
        return output_stem(self.shot.name, False, self.first, self.last)


@dataclass(frozen=True)
class Film:
    lang: str
    resolution: tuple[int, int]
    fps: int
    media: Path
    transparent: bool = False  # shots with an alpha channel, for an editor (no film is joined)
    voice: bool = False  # paced by the voice clips, which are its sound track

    @property
    def name(self) -> str:
        alpha = ".alpha" if self.transparent else ""
        voiced = ".voice" if self.voice else ""
        return f"gradient_descent.{self.lang}.{self.resolution[1]}p{self.fps}{voiced}{alpha}"

    @property
    def path(self) -> Path:
        return self.media / f"{self.name}.mp4"

    @property
    def shot_dir(self) -> Path:
        lang = f"{self.lang}-voice" if self.voice else self.lang  # as `manim --voice` has it
        return self.media / "videos" / lang / f"{self.resolution[1]}p{self.fps}"

    @property
    def shots(self) -> list[storyboard.Shot]:
        return storyboard.film()

    def video(self, shot: storyboard.Shot) -> Path:
        return self.shot_dir / (
            f"{shot.name}.alpha.mov" if self.transparent else f"{shot.name}.mp4"
        )

    @property
    def timings(self) -> Path:
        return self.shot_dir / (
            ".render-seconds" + (".alpha" if self.transparent else "") + ".json"
        )

    def log(self, job: Job) -> Path:
        return self.shot_dir / f".{job.name}.log"

    def part(self, job: Job) -> Path:
        """Where the render of a range of beats is written."""
        return self.shot_dir / (
            f"{job.stem()}.alpha.mov" if self.transparent else f"{job.stem()}.mp4"
        )

    def flags(self) -> list[str]:
        """The `manim` flags that render a shot of this film."""
        size = f"{self.resolution[0]}x{self.resolution[1]}"
        alpha = ["-t"] if self.transparent else []
        voiced = ["--voice"] if self.voice else []
        return ["-r", size, "--fps", str(self.fps), "--lang", self.lang, *alpha, *voiced]

    def command(self, job: Job) -> list[str]:
        beats = [] if job.whole else ["--beat", f"{job.first}..{job.beats[-1]}", "--exact"]
        return shot_command(job.shot, [*self.flags(), *beats], self.media)

    @property
    def settings(self) -> list:
        return outputs.render_settings(
            self.resolution, self.fps, self.lang, self.transparent, self.voice
        )

    def problem(self, shot: storyboard.Shot) -> str | None:
        """Why the shot's video cannot go into the film as it is, or None."""
        return outputs.check_shot(self.video(shot), shot, self.settings)


def build(film: Film, jobs: int, joined: bool = True, cut: bool = False) -> Path | None:
    """Plan (which shots are missing or stale), render them, check every shot, and join them
    with chapters and subtitles (unless `joined` is false: the shots only)."""
    writable_folder(film.shot_dir)
    if warning := font_warning():  # a broken custom_config.yml: one line, before any render
        say(f"warning: {warning}")
    with one_build_at_a_time(film):
        if film.voice:  # a recording where there is one, else a scratch clip
            kinds = list(voice.make(film.media, film.lang).values())
            say(f"voice: {kinds.count('recorded')} beats recorded, "
                f"{kinds.count('scratch')} scratch (espeak-ng)")  # fmt: skip
        stale = plan(film)
        render(film, stale, jobs, cut)
        if joined:
            return join(film)
        check(film)
        for shot in film.shots:
            print(film.video(shot))
        return None


@contextmanager
def one_build_at_a_time(film: Film):
    """Hold the film's build lock; a second build says so in one line and waits."""
    with os.fdopen(open_own(film.media / f".{film.name}.lock"), "r+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock.read().strip() or "?"
            say(f"another build of {film.name} is running (pid {holder}); waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.truncate(0)
        lock.seek(0)
        lock.write(str(os.getpid()))
        lock.flush()
        yield


def plan(film: Film) -> dict[str, str]:
    """The shots to render, each with the reason."""
    outputs.remove_orphans(film.shot_dir)
    outputs.remove_orphans(film.media)
    outputs.probe_ahead([film.video(shot) for shot in film.shots], "stream=nb_frames")
    stale = {shot.name: why for shot in film.shots if (why := film.problem(shot))}
    for name, why in stale.items():
        if why != "not rendered yet":
            say(f"{name} is rendered again: {why}")
    return stale


def render(film: Film, stale: dict[str, str], jobs: int, cut: bool = False) -> None:
    """Render the stale shots, `jobs` renders at a time, a shot longer than a core's share of
    the work cut into ranges of beats that are joined back; stop them all on Ctrl-C or
    SIGTERM."""
    if not stale:
        return
    shots = [shot for shot in film.shots if shot.name in stale]
    work = longest_first(film, split(film, shots, jobs) if cut else [Job(s) for s in shots])
    seconds = render_seconds(film)
    took: dict[str, float] = {}
    running: dict[str, subprocess.Popen] = {}
    guard = threading.Lock()
    stopping = threading.Event()
    environment = {**os.environ, "GD_PARENT_PID": str(os.getpid())}

    waiting = [len(work)]  # renders not yet started

    def render_one(job: Job) -> int | None:
        with guard:
            if stopping.is_set():
                return None
            waiting[0] -= 1
            # A render rehearses beside itself only where a core would otherwise idle.
            spare = len(running) + 1 + waiting[0] < jobs
            with os.fdopen(open_own(film.log(job), os.O_WRONLY), "w") as log:
                log.truncate(0)
                process = subprocess.Popen(
                    film.command(job), cwd=ROOT, stdout=log, stderr=log,
                    env={**environment, "GD_LOOKAHEAD": "1" if spare else "0"},
                )  # fmt: skip
            running[job.name] = process
        began = time.monotonic()
        code = process.wait()
        with guard:
            del running[job.name]
            if code == 0:
                took[job.name] = time.monotonic() - began
        return code

    started, failed = time.monotonic(), []
    pool = futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        pending = {pool.submit(render_one, job): job for job in work}
        while pending:
            done, _ = futures.wait(pending, timeout=1, return_when=futures.FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                if future.result() != 0:
                    failed.append(job)
            progress(
                f"rendering {', '.join(running) or '-'} ({len(work) - len(pending)} of "
                f"{len(work)} done, {time.monotonic() - started:.0f} s)"
            )
    except KeyboardInterrupt:
        with guard:
            stopping.set()
            stopped = dict(running)
        for process in stopped.values():
            process.terminate()  # each render discards its unfinished video
        for process in stopped.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        pool.shutdown(cancel_futures=True)
        progress(None)
        what = f"stopped rendering {', '.join(stopped)}" if stopped else "nothing was rendering"
        raise Interrupted(f"{what}; the finished shots are kept") from None
    pool.shutdown()
    progress(None)
    for job in work:  # what each render reused, in one line (cli.say_reuse)
        log = film.log(job)
        said = log.read_text(errors="replace").splitlines() if job.whole and log.exists() else []
        if reuse := [line for line in said if line.startswith(f"{job.name}: ")]:
            say(reuse[-1])
    for shot in shots:  # a shot's seconds: all its renders'
        jobs_of = [job for job in work if job.shot == shot]
        if all(job.name in took for job in jobs_of):
            seconds[shot.name] = round(sum(took[job.name] for job in jobs_of), 2)
    keep_render_seconds(film, seconds)
    if failed:
        job = failed[0]
        lines = film.log(job).read_text(errors="replace").strip().splitlines() or ["?"]
        raise BuildError(
            f"{job.name} failed: {lines[-1].removeprefix('manim: error: ')} "
            f"(log: {film.log(job)})" + (f"; {len(failed) - 1} more failed" if failed[1:] else "")
        )
    for shot in shots:  # its ranges joined in the order of their beats, not of their renders
        ranges = sorted((j for j in work if j.shot == shot and not j.whole), key=lambda j: j.first)
        if ranges:
            assemble(film, shot, ranges)


def split(film: Film, shots: list[storyboard.Shot], jobs: int) -> list[Job]:
    """The renders of the stale shots: a shot whose render would take more than one core's
    share of all of them is cut, at beats, into ranges of about a share each (by its beats'
    narration, which sets their length)."""
    cost = estimates(film, shots)
    share = sum(cost.values()) / max(jobs, 1)
    work = []
    for shot in shots:
        reading = beat_reading(film, shot)
        pieces = min(len(reading), math.ceil(cost[shot.name] / share - 1e-9)) if jobs > 1 else 1
        if pieces <= 1:
            work.append(Job(shot))
            continue
        firsts, done, target = [1], 0.0, sum(reading) / pieces
        for number, length in enumerate(reading[:-1], start=1):
            done += length
            if done >= target * len(firsts) and len(firsts) < pieces:
                firsts.append(number + 1)
        lasts = [first - 1 for first in firsts[1:]] + [None]
        work += [Job(shot, first, last) for first, last in zip(firsts, lasts, strict=True)]
    return work


def assemble(film: Film, shot: storyboard.Shot, ranges: list[Job]) -> None:
    """Join a shot's ranges of beats (each checked) into the shot, without re-encoding: each
    range starts on a key frame, and all were encoded alike."""
    parts = []
    for job in ranges:
        video = film.part(job)
        why = outputs.check_shot(video, shot, film.settings, job.beats)
        if why:
            raise BuildError(f"{job.name} cannot be joined into {shot.name}: {why}; build again")
        parts.append((video, json.loads(outputs.sidecar_path(video).read_text(encoding="utf-8"))))
    frames, beats = 0, []
    for _, part in parts:
        offset = frames / film.fps
        beats += [{**b, "start": round(b["start"] + offset, 4)} for b in part["beats"]]
        frames += part["frames"]
    whole = film.video(shot)
    with outputs.Temporary(whole) as joined:
        try:
            join_videos([video for video, _ in parts], joined.path, whole.suffix[1:])
        except JoinError as error:
            raise BuildError(f"the ranges of {shot.name}: {error}") from None
        sidecar = {k: v for k, v in parts[0][1].items() if k != "video"}
        sidecar |= {
            "frames": frames,
            "duration": round(frames / film.fps, 4),
            "beats": beats,
            "ranges": [job.name for job in ranges],
        }
        outputs.publish(joined.path, whole, sidecar)
    for video, _ in parts:
        outputs.sidecar_path(video).unlink(missing_ok=True)
        video.unlink(missing_ok=True)


def render_seconds(film: Film) -> dict[str, float]:
    """How long each shot's last render took at these settings (`.render-seconds.json`);
    only the order of renders depends on it, so a damaged file is read as empty."""
    try:
        data = json.loads(film.timings.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    # A duration only: no inf (1e999), NaN, nought or less, string or list.
    return {k: float(v) for k, v in data.items() if type(v) in (int, float) and 0 < v < math.inf}


def keep_render_seconds(film: Film, seconds: dict[str, float]) -> None:
    try:
        with outputs.Temporary(film.timings) as temporary:
            temporary.path.write_text(json.dumps(seconds, indent=1) + "\n", encoding="utf-8")
            outputs.with_usual_mode(temporary.path)
            os.replace(temporary.path, film.timings)
    except OSError as error:
        raise BuildError(f"cannot write {film.timings}: {error.strerror}") from None


def beat_reading(film: Film, shot: storyboard.Shot) -> list[float]:
    """The reading time of each beat's narration: the beat's length, roughly."""
    return [b.reading_seconds(film.lang) for b in shot.beats]


def estimates(film: Film, shots: list[storyboard.Shot]) -> dict[str, float]:
    """The seconds each shot's render is expected to take, by name: what it took last time,
    or for a shot never rendered at these settings its narration's reading time at the pace
    of the others."""
    seconds = render_seconds(film)
    reading = {s.name: sum(beat_reading(film, s)) for s in shots}
    known = sorted(seconds[name] / reading[name] for name in reading if name in seconds)
    per_reading_second = known[len(known) // 2] if known else 1.0
    return {name: seconds.get(name, r * per_reading_second) for name, r in reading.items()}


def longest_first(film: Film, work: list[Job]) -> list[Job]:
    """The renders in the order that keeps every core busy to the end: the longest first (a
    range of beats: its part of its shot's estimate, by reading time)."""
    cost = estimates(film, list({job.shot.name: job.shot for job in work}.values()))

    def expected(job: Job) -> float:
        reading = beat_reading(film, job.shot)
        return cost[job.shot.name] * sum(reading[n - 1] for n in job.beats) / sum(reading)

    return sorted(work, key=lambda job: -expected(job))


def join(film: Film) -> Path:
    """Join the checked shots into the film, with chapters and subtitles (unless the film
    already holds exactly these shots)."""
    with ExitStack() as stack:
        for shot in film.shots:  # no render moves a shot into place while it is joined
            stack.enter_context(outputs.locked(film.video(shot), shared=True))
        parts = check(film)
        timeline = film_timeline(film, parts)
        if up_to_date(film, parts, timeline):
            say(f"{film.path} is up to date")
            return film.path
        publish_film(film, timeline, parts)
    for path in (film.path, film.path.with_suffix(".srt"), outputs.sidecar_path(film.path)):
        print(path)
    return film.path


def check(film: Film) -> list[dict]:
    """Every shot's sidecar, once each shot is checked against it and against its inputs,
    and its beats' starts against its video: each beat is encoded from a key frame of its
    own, so a start that is no key frame is not where that beat starts."""
    videos = [film.video(shot) for shot in film.shots]
    outputs.probe_ahead(videos, "stream=nb_frames", "packet=pts_time,flags")
    for shot in film.shots:
        why = film.problem(shot)
        if why:
            again = " (they changed while it was built: build again)" if "inputs" in why else ""
            raise BuildError(f"{shot.name} cannot go into the film: {why}{again}")
    parts = [outputs.read_sidecar(outputs.sidecar_path(film.video(s))) for s in film.shots]
    for shot, part in zip(film.shots, parts, strict=True):
        keys = outputs.key_frames(film.video(shot), film.fps) | {part["frames"]}
        for beat in part["beats"]:
            if round(beat["start"] * film.fps) not in keys:
                raise BuildError(
                    f"{shot.name} cannot go into the film: its sidecar starts beat "
                    f"{beat['beat']} at {beat['start']} s, where its video has no key frame "
                    f"(delete {film.video(shot)} to render it again)"
                )
    return parts


def up_to_date(film: Film, parts: list[dict], timeline: dict) -> bool:
    """Whether the film, its .srt and its sidecar are the ones joined from these shots with
    this timeline."""
    try:
        made = outputs.read_sidecar(outputs.sidecar_path(film.path), film=True)
        return (
            made.get("parts") == [p["video"] for p in parts]
            and {key: made.get(key) for key in timeline} == timeline
            and made.get("srt") == outputs.file_digest(film.path.with_suffix(".srt"))
            and made.get("video") == outputs.file_digest(film.path)
        )
    except (OSError, storyboard.DataError):
        return False


def film_timeline(film: Film, parts: list[dict]) -> dict:
    """Where each shot and beat starts in the film (from the checked shots' sidecars), with
    the narration and notes of today's storyboard (a sidecar's own copy of them is not covered
    by its video's digest)."""
    shots, t = [], 0.0
    for shot, part in zip(film.shots, parts, strict=True):
        shots.append(
            {
                "shot": shot.name,
                "title": shot.title(film.lang),
                "start": round(t, 4),
                "duration": part["duration"],
                "beats": [
                    {
                        "beat": beat.number,
                        "start": round(t + made["start"], 4),
                        "narration": beat.narration(film.lang),
                        "reading_s": round(beat.reading_seconds(film.lang), 2),
                        "note": beat.caption(film.lang),
                        **({"voice": made["voice"]} if "voice" in made else {}),
                    }
                    for beat, made in zip(shot.beats, part["beats"], strict=True)
                ],
            }
        )
        t += part["duration"]
    return {
        "lang": film.lang,
        # each beat lasts at least its narration's reading time, or its voice clip and a gap
        "paced_for": f"{film.lang} voice" if film.voice else film.lang,
        "fps": film.fps,
        "duration": round(t, 4),
        "shots": shots,
    }


def chapters(timeline: dict) -> str:
    """One chapter per shot, as ffmpeg metadata."""
    lines = [";FFMETADATA1"]
    for shot in timeline["shots"]:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(shot['start'] * 1000)}",
            f"END={round((shot['start'] + shot['duration']) * 1000)}",
            f"title={shot['shot']} {shot['title']}",
        ]
    return "\n".join(lines) + "\n"


def publish_film(film: Film, timeline: dict, parts: list[dict]) -> None:
    """Join the shots (no re-encoding) with chapters and subtitles; the film, its .srt and
    its sidecar are moved into place together."""
    from gdkit.files import last_words

    final, srt, sidecar = film.path, film.path.with_suffix(".srt"), outputs.sidecar_path(film.path)

    def write(path: Path, content: str, named: Path) -> None:
        """`content` into `path`; a full disk is a BuildError naming the file (`named`)."""
        try:
            path.write_text(content, encoding="utf-8")
        except OSError as error:
            raise BuildError(f"cannot write {named}: {error.strerror}") from None

    with ExitStack() as temporaries:
        made_at = {
            path: temporaries.enter_context(outputs.Temporary(path)).path
            for path in (final, srt, sidecar)
        }
        metadata = temporaries.enter_context(outputs.Temporary(final.with_suffix(".chapters")))
        notes = temporaries.enter_context(outputs.Temporary(final.with_suffix(".notes.srt")))
        concat = temporaries.enter_context(outputs.Temporary(final.with_suffix(".concat")))
        write(made_at[srt], subtitles.srt(timeline), srt)
        write(notes.path, subtitles.srt(timeline, "notes"), notes.path)
        write(metadata.path, chapters(timeline), metadata.path)
        listed = "".join(f"file {concat_quoted(film.video(s))}\n" for s in film.shots)
        write(concat.path, listed, concat.path)
        sound, heard = [], []  # the voice's input, and its track's options
        if film.voice:
            track = temporaries.enter_context(outputs.Temporary(final.with_suffix(".m4a"))).path
            voice.track(timeline, film.media, track)
            kinds = {b.get("voice", {}).get("kind") for b in all_beats(timeline)}
            named = text("track_scratch_voice" if "scratch" in kinds else "track_voice", film.lang)
            sound = ["-i", str(track)]
            heard = [
                "-map", "4:a", "-c:a", "copy",
                "-metadata:s:a:0", f"language={LANGUAGE_CODES[film.lang]}",
                "-metadata:s:a:0", f"handler_name={named}",
            ]  # fmt: skip
        joined = subprocess.run(
            [
                "ffmpeg", "-loglevel", "error", "-xerror", "-y",
                "-f", "concat", "-safe", "0", "-i", str(concat.path),
                "-i", str(metadata.path),
                "-i", str(made_at[srt]),
                "-i", str(notes.path),
                *sound,
                "-map", "0:v", "-map", "2:s", "-map", "3:s",
                "-map_metadata", "1", "-map_chapters", "1",
                "-c:v", "copy", "-c:s", "mov_text",
                "-metadata", f"title={text('film_title', film.lang)}",
                "-metadata:s:s:0", f"language={LANGUAGE_CODES[film.lang]}",
                "-metadata:s:s:0", f"handler_name={text('track_narration', film.lang)}",
                "-disposition:s:0", "default",
                "-metadata:s:s:1", f"language={LANGUAGE_CODES[film.lang]}",
                "-metadata:s:s:1", f"handler_name={text('track_notes', film.lang)}",
                "-disposition:s:1", "0",
                *heard,
                "-f", "mp4", str(made_at[final]),
            ],
            capture_output=True, text=True, errors="replace",
        )  # fmt: skip
        if joined.returncode != 0:
            said = last_words(joined.stderr) or f"exit {joined.returncode}"
            raise BuildError(f"ffmpeg could not join the shots into {final}: {said}")
        made = {
            **timeline,
            "parts": [p["video"] for p in parts],
            "video": outputs.file_digest(made_at[final]),
            "srt": outputs.file_digest(made_at[srt]),  # an edited or emptied .srt is joined again
        }
        write(made_at[sidecar], json.dumps(made, ensure_ascii=False, indent=1) + "\n", sidecar)
        for path in made_at.values():
            outputs.with_usual_mode(path)
        with outputs.signals_held():
            sidecar.unlink(missing_ok=True)
            for path, temporary in made_at.items():
                os.replace(temporary, path)


def all_beats(timeline: dict) -> list[dict]:
    return [beat for shot in timeline["shots"] for beat in shot["beats"]]


_status_shown = False


def progress(line: str | None) -> None:
    """A status line that redraws itself on a terminal (None ends it)."""
    global _status_shown
    if not sys.stderr.isatty():
        return
    if line is None:
        if _status_shown:
            print(file=sys.stderr)
        _status_shown = False
        return
    print(f"\r{line}".ljust(80), end="", file=sys.stderr, flush=True)
    _status_shown = True


def say(line: str) -> None:
    progress(None)
    print(f"video: {line}", file=sys.stderr)


def parse_args(argv) -> tuple[Film, int, bool, bool]:
    parser = Parser(prog="python -m gdkit.tools.video", description="Render and join the film.")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--quality", choices=QUALITIES, default="final")
    parser.add_argument(
        "-r", "--resolution", type=parse_resolution, metavar="WxH", help="instead of --quality"
    )
    parser.add_argument("--fps", type=positive_int, default=30, metavar="N")
    parser.add_argument(
        "--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
        help="shots rendered at once (default: one per core)",
    )  # fmt: skip
    parser.add_argument("--media", type=Path, default=MEDIA, metavar="DIR")
    parser.add_argument(
        "--voice", action="store_true",
        help="each beat paced by its voice clip (a recording in assets/voice/LANG/, else a "
        "scratch one espeak-ng makes), the clips the film's sound track",
    )  # fmt: skip
    parser.add_argument(
        "--shots", action="store_true", help="render and check every shot, join no film"
    )
    parser.add_argument(
        "--split", action="store_true",
        help="cut a shot longer than one render's share of the work into ranges of beats, "
        "rendered side by side and joined (sooner on many cores; the shot's bytes then depend "
        "on the cut, its drawn frames do not)",
    )  # fmt: skip
    parser.add_argument(
        "-t", "--transparent", action="store_true",
        help="shots with an alpha channel (SHOT.alpha.mov, ProRes 4444), for an editor; "
        "implies --shots",
    )  # fmt: skip
    args = parser.parse_args(argv)
    resolution = args.resolution or QUALITIES[args.quality]
    film = Film(args.lang, resolution, args.fps, args.media.resolve(), args.transparent, args.voice)
    return film, args.jobs, not (args.shots or args.transparent), args.split


def main(argv=None) -> int:
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, raise_interrupt)
    try:
        film, jobs, joined, cut = parse_args(argv)
        build(film, jobs, joined, cut)
    except UsageError as error:
        print(f"video: error: {error}", file=sys.stderr)
        return 2
    except (BuildError, RenderError, storyboard.DataError, EngineError, voice.VoiceError) as error:
        progress(None)
        print(f"video: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # its locks, logs and the film's files: a planted link, a full disk
        progress(None)
        print(f"video: error: {written_how(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as error:
        progress(None)
        print(f"video: interrupted{': ' + str(error) if str(error) else ''}", file=sys.stderr)
        return 128 + Interrupted.signal
    return 0


if __name__ == "__main__":
    sys.exit(main())
