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
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

from gdkit import storyboard
from gdkit.files import Temporary, with_usual_mode
from gdkit.paths import PACKAGE, ROOT

SHARED_INPUTS = (
    "custom_config.yml",
    "assets/storyboard.json",
    "assets/narration.json",  # each beat is held as long as its line takes to read
    "pyproject.toml",
)


def inputs_digest(
    scene_file: Path, resolution: tuple[int, int], fps: int, lang: str, transparent: bool = False
) -> str:
    """What a shot's video depends on: its S-file, the helper package, the shared data,
    manimgl's version and the settings."""
    settings = (tuple(resolution), fps, lang, importlib.metadata.version("manimgl"))
    if transparent:
        settings += ("alpha",)
    digest = hashlib.sha256(repr(settings).encode())
    paths = [Path(scene_file), *sorted(PACKAGE.rglob("*.py"))]
    paths += [ROOT / p for p in SHARED_INPUTS]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def sidecar_path(video: Path) -> Path:
    return video.with_suffix(".beats.json")


@contextmanager
def locked(path: Path, shared: bool = False):
    """Hold the lock of the final name `path` (a file beside it): exclusive for writing
    it, shared for reading it."""
    lock_file = path.parent / f".{path.name}.lock"
    with open(lock_file, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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


def probe_frames(video: Path) -> int | None:
    """The number of frames in a video's stream, from its header."""
    result = subprocess.run(
        [
            "ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=nb_frames", "-of", "csv=p=0", str(video),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    try:
        return int(result.stdout.strip())
    except ValueError:
        return None


def check_shot(
    video: Path,
    shot: storyboard.Shot,
    lang: str,
    resolution,
    fps: int,
    inputs: str,
    only: list[int] | None = None,
) -> str | None:
    """Why `video` is not the whole shot (or beats `only`) made from these inputs, or None
    when it is."""
    sidecar = sidecar_path(video)
    if not video.exists():
        return "not rendered yet"
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        beats = [b["beat"] for b in data["beats"]]
        made = (data["shot"], data["lang"], data["fps"], tuple(data["resolution"]))
        frames, duration = int(data["frames"]), float(data["duration"])
    except FileNotFoundError:
        return "its video has no sidecar"
    except (OSError, ValueError, KeyError, TypeError):
        return "its sidecar cannot be read"
    if made != (shot.name, lang, fps, tuple(resolution)):
        return "its sidecar describes another render"
    if data.get("inputs") != inputs:
        return "its inputs changed"
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
