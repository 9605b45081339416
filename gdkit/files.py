"""Files written whole or not at all: a locked temporary file beside the final name."""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
from pathlib import Path


class Temporary:
    """A new hidden file beside `path` (`.M3.mp4.k2x9w1.part`) for what will become `path`.

    It stays locked while this process holds it, so that `remove_orphans` can tell the file
    of a render that was killed from one still being written."""

    def __init__(self, path: Path):
        while True:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:
                break
            os.close(fd)  # locked first, and deleted as an orphan, by another process's sweep
        self.fd, self.path = fd, Path(name)

    def close(self) -> None:
        """Let go of it; it is deleted unless it was moved into place."""
        if self.fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Temporary:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def with_usual_mode(path) -> None:
    """The mode a file made by `open` would have (a temporary file is private)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def concat_quoted(path: Path) -> str:
    """A path as ffmpeg's concat list reads it, whatever quotes it holds."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def join_videos(videos: list[Path], target: Path, container: str, ffmpeg: str = "ffmpeg") -> bool:
    """`videos`, in order, into `target` (a `container` ffmpeg writes: mp4, mov) without
    re-encoding; False where ffmpeg failed, a missing or unreadable part included."""
    with Temporary(target) as listed:
        listed.path.write_text("".join(f"file {concat_quoted(video)}\n" for video in videos))
        command = [
            ffmpeg, "-loglevel", "error", "-xerror", "-y", "-f", "concat", "-safe", "0",
            "-i", str(listed.path), "-c", "copy", "-f", container, str(target),
        ]  # fmt: skip
        return subprocess.run(command).returncode == 0
