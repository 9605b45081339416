"""Rendered shots under their final names: published whole, checked before they are used.

A shot's video `M3.mp4` comes with its sidecar `M3.beats.json`, which says what the video is
(shot, language, size, frame rate, frames, the beats it holds and where they start), what it
was made from (a digest of its inputs) and which video it describes (the video's SHA-256).
Renders write to temporary files of their own and move the pair into place together, under
a lock that readers of the pair share; so two renders of one shot never mix, and a reader
never takes one render's video with another's sidecar, or a preview of some beats for the
whole shot.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

from gdkit import sources, storyboard
from gdkit.files import Temporary, open_own, with_usual_mode


def render_settings(
    resolution: tuple[int, int], fps: int, lang: str, transparent: bool = False, voice=False
) -> list:
    """The settings a shot's video depends on besides its files: size, frame rate, language,
    alpha, paced by a voice, and manimgl's version."""
    settings = [list(resolution), fps, lang, importlib.metadata.version("manimgl")]
    return settings + ["alpha"] * transparent + ["voice"] * voice


def inputs_digest(settings: list, made_from: dict[str, str]) -> str:
    """What a shot's video depends on: its settings, and each file its render read (by name,
    with the digest of what it read: `sources`)."""
    return hashlib.sha256(json.dumps([settings, sorted(made_from.items())]).encode()).hexdigest()


def made_from(shot: str) -> dict[str, str]:
    """The files this render of `shot` read, by name, each with the digest of the bytes it
    read; of the storyboard and the narration, the shot's own part; of the voice clips, the
    shot's own."""
    return {
        name: kept
        for name, kept in sources.made_from(shot).items()
        if not clip_of_another_shot(name, shot)
    }


def clip_of_another_shot(name: str, shot: str) -> bool:
    """Whether the file `name` (as a sidecar names it) is a clip of a beat of another shot
    than `shot`: a render of several scenes reads every clip of each."""
    clip = re.fullmatch(r".*/voice/[^/]+/(\w+)\.\d+\.(?:recorded|scratch)\.wav", name)
    return clip is not None and clip[1] != shot


def today(made_from: dict[str, str]) -> dict[str, str]:
    """What the files a render read hold today: the digest of each ("" for one that is gone)."""
    return {name: sources.held_now(name) for name in made_from}


def file_digest(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def sidecar_path(video: Path) -> Path:
    return video.with_suffix(".beats.json")


@contextmanager
def locked(path: Path, shared: bool = False):
    """Hold the lock of the final name `path` (a file beside it): exclusive for writing
    it, shared for reading it."""
    fd = open_own(path.parent / f".{path.name}.lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def signals_held():
    """Ctrl-C and SIGTERM wait until the block is done (they are raised right after it)."""
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def remove_orphans(folder: Path) -> None:
    """Delete the temporary files in `folder` that no living process holds."""
    for path in folder.glob(".*.part"):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink(missing_ok=True)
        except OSError:
            pass  # held: still being written
        finally:
            os.close(fd)


def publish(video_temporary: Path, video: Path, sidecar: dict) -> None:
    """Move a finished video and its sidecar under their final names, together."""
    sidecar = {**sidecar, "video": file_digest(video_temporary)}
    with Temporary(sidecar_path(video)) as sidecar_temporary:
        sidecar_temporary.path.write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        with_usual_mode(video_temporary)
        with_usual_mode(sidecar_temporary.path)
        with locked(video), signals_held():
            # A video is never trusted without a sidecar naming it: the old sidecar goes first.
            sidecar_path(video).unlink(missing_ok=True)
            os.replace(video_temporary, video)
            os.replace(sidecar_temporary.path, sidecar_path(video))


def probe(video: Path, entries: str) -> str:
    """What ffprobe shows of the `entries` (`stream=nb_frames`) of a video's stream, as CSV.
    A file this process probed already, unchanged since (the same file, size and time), is
    not probed again: a build checks each shot before its renders and again before the join."""
    before = file_state(video)
    if (known := _probed.get((video, entries))) and before is not None and known[0] == before:
        return known[1]
    said = subprocess.run(
        [
            "ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", entries, "-of", "csv=p=0", str(video),
        ],
        capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    if before is not None and file_state(video) == before:  # it did not change meanwhile
        _probed[(video, entries)] = (before, said)
    return said


_probed: dict = {}  # (video, entries): (its file_state, what ffprobe said), in this process


def probe_ahead(videos: list[Path], *entries: str) -> None:
    """Probe `videos` for each of `entries` at once, a few at a time, so that the checks that
    follow, one video after the other, find what ffprobe said."""
    from concurrent.futures import ThreadPoolExecutor

    asked = [(video, what) for video in videos for what in entries if video.exists()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda pair: probe(*pair), asked))


def file_state(path: Path) -> tuple | None:
    """Which file is at `path` and how it was last written (None if there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def probe_frames(video: Path) -> int | None:
    """The number of frames in a video's stream, from its header."""
    try:
        return int(probe(video, "stream=nb_frames").strip())
    except ValueError:
        return None


def check_shot(
    video: Path,
    shot: storyboard.Shot,
    settings: list,
    only: list[int] | None = None,
) -> str | None:
    """Why `video` is not the whole shot (or beats `only`) made from today's files at these
    `settings` (`render_settings`), or None when it is."""
    sidecar = sidecar_path(video)
    if not video.exists():
        return "not rendered yet"
    try:
        data = read_sidecar(sidecar)
        beats = [b["beat"] for b in data["beats"]]
        made = (data["shot"], data["lang"], data["fps"], list(data["resolution"]))
        frames, duration = int(data["frames"]), float(data["duration"])
        read = {str(k): str(v) for k, v in dict(data["sources"]).items()}
    except FileNotFoundError:
        return "its video has no sidecar"
    except (OSError, ValueError, KeyError, TypeError):
        return "its sidecar cannot be read"
    resolution, fps, lang = settings[:3]
    if made != (shot.name, lang, fps, list(resolution)):
        return "its sidecar describes another render"
    if shot.file not in read:
        return f"its sidecar does not name {shot.file} among what it was made from"
    held = today(read)
    if data.get("inputs") != inputs_digest(settings, held):
        edited = [name.partition(sources.PART)[0] for name in read if held[name] != read[name]]
        return f"its inputs changed ({', '.join(edited) or 'its settings'})"
    wanted = only or [b.number for b in shot.beats]
    if beats != wanted:
        return f"it holds beats {_span(beats)}, not {_span(wanted)}"
    if abs(duration - frames / fps) > 0.5 / fps:
        return f"its sidecar says {duration} s but {frames} frames"
    if data.get("video") != file_digest(video):
        return "its video is not the one its sidecar describes"
    if probe_frames(video) != frames:
        return f"its video does not hold the {frames} frames its sidecar says"
    return None


def _span(beats: list[int]) -> str:
    if not beats:
        return "none"
    return (
        f"{beats[0]}..{beats[-1]}" if beats == list(range(beats[0], beats[-1] + 1)) else str(beats)
    )


def read_sidecar(path: Path, film: bool = False) -> dict:
    """The sidecar `path` of a shot's video (with `film`: of the film), checked to hold what
    its readers take; a `storyboard.DataError` (`path: place: what is wrong`) where it does
    not, an OSError where it cannot be read."""
    field, objects, DataError = storyboard.field, storyboard.objects, storyboard.DataError

    def beats(holder: dict, where: str, start: float, end: float, fields: dict) -> None:
        """The beats of a shot: numbered, each with `fields`, starting in order in the shot."""
        before = start
        for place, beat in objects(holder, "beats", where):
            field(beat, "beat", int, place)
            at = field(beat, "start", float, place)
            if at < before - 1e-3 or at > end + 1e-3:
                order = "before the beat before it" if at < before else f"past the end ({end} s)"
                raise DataError(f"{place}.start: {at} s is {order}")
            before = at
            for key, kind in fields.items():
                field(beat, key, kind, place)
            if isinstance(said := beat["narration"], dict):  # a shot's: its line in each language
                for lang, line in said.items():
                    storyboard.checked(line, str, f"{place}.narration.{lang}")

    def at_least(value, least, where: str):
        if value < least:
            raise DataError(f"{where}: {value} is less than {least}")
        return value

    data = storyboard.parse_json(path.read_bytes(), str(path))
    try:
        storyboard.checked(data, dict, "")
        field(data, "lang", str)
        at_least(field(data, "fps", int), 1, "fps")
        duration = at_least(field(data, "duration", float), 0, "duration")
        if film:
            shots = objects(data, "shots")
            if not shots:
                raise DataError("shots: none")
            for place, shot in shots:
                field(shot, "shot", str, place)
                field(shot, "title", str, place)
                start = at_least(field(shot, "start", float, place), 0, f"{place}.start")
                length = at_least(field(shot, "duration", float, place), 0, f"{place}.duration")
                fields = {"narration": str, "note": str, "reading_s": float}
                beats(shot, place, start, start + length, fields)
        else:
            field(data, "shot", str)
            at_least(field(data, "frames", int), 0, "frames")
            size = field(data, "resolution", list)
            if len(size) != 2:
                raise DataError(f"resolution: {size} is not a width and a height")
            for i, side in enumerate(size):
                at_least(storyboard.checked(side, int, f"resolution[{i}]"), 1, f"resolution[{i}]")
            fields = {"zh": str, "en": str, "narration": dict, "reading_s": float}
            beats(data, "", 0.0, duration, fields)
    except DataError as error:
        raise DataError(f"{path}: {error}") from None
    return data


def key_frames(video: Path, fps: int) -> set[int]:
    """The frames of `video` (counted from its first, at `fps`) that are key frames."""
    packets = [line.split(",") for line in probe(video, "packet=pts_time,flags").split()]
    times = [(float(t), flags) for t, flags, *_ in packets if t not in ("", "N/A")]
    first = min((t for t, _ in times), default=0.0)
    return {round((t - first) * fps) for t, flags in times if "K" in flags}
