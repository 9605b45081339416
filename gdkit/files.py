"""Files written whole or not at all: a locked temporary file beside the final name."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import stat
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


def open_own(path: Path, flags: int = os.O_RDWR) -> int:
    """A descriptor of the file `path`, made if need be (not emptied: `os.ftruncate` that),
    never through a symbolic link and only if it is a plain file of this user's with no other
    name: in a folder others can write to, anyone could have put a link or a FIFO there."""
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP:
            message = "it is a symbolic link, which is not followed"
            raise OSError(error.errno, message, str(path)) from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_nlink != 1:
        os.close(fd)
        raise OSError(errno.EPERM, "it is not a plain file of this user's alone", str(path))
    os.set_blocking(fd, True)
    return fd


def read_own(path: Path) -> bytes | None:
    """What the file `path` holds, None if there is none; never read through a symbolic link,
    and only if it is a plain file of this user's alone (else OSError, as `open_own` says)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            message = "it is a symbolic link, which is not followed"
            raise OSError(error.errno, message, str(path)) from None
        raise
    with os.fdopen(fd, "rb") as file:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_nlink != 1:
            raise OSError(errno.EPERM, "it is not a plain file of this user's alone", str(path))
        return file.read()


def with_usual_mode(path) -> None:
    """The mode a file made by `open` would have (a temporary file is private)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def concat_quoted(path: Path) -> str:
    """A path as ffmpeg's concat list reads it, whatever quotes it holds."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def join_videos(videos: list[Path], target: Path, container: str, ffmpeg: str = "ffmpeg") -> None:
    """`videos`, in order, into `target` (a `container` ffmpeg writes: mp4, mov) without
    re-encoding; a `JoinError` saying why where ffmpeg failed (a missing or unreadable part,
    a full disk)."""
    with Temporary(target) as listed:
        listed.path.write_text("".join(f"file {concat_quoted(video)}\n" for video in videos))
        command = [
            ffmpeg, "-loglevel", "error", "-xerror", "-y", "-f", "concat", "-safe", "0",
            "-i", str(listed.path), "-c", "copy", "-f", container, str(target),
        ]  # fmt: skip
        joined = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if joined.returncode != 0:
        said = last_words(joined.stderr)
        raise JoinError(f"ffmpeg could not join {target.name}" + (f": {said}" if said else ""))


class FFmpegError(RuntimeError):
    """ffmpeg failed: the message says what it was doing, and what it said."""


class JoinError(FFmpegError):
    """Videos that ffmpeg could not join."""


class EncoderError(FFmpegError):
    """ffmpeg stopped before a movie was done (a full disk, a killed encoder)."""


def last_words(said: str) -> str:
    """The last line a program such as ffmpeg said, without a `[muxer @ 0x…]` prefix."""
    lines = said.strip().splitlines()
    return re.sub(r"^\[[^\]]*\]\s*", "", lines[-1]) if lines else ""


def copy_project(tree: Path, folder: Path) -> Path:
    """The scenes, the library, the assets and the settings of the checkout `tree`, copied
    into the folder `folder` (made if missing): commands run there use them, not `tree`'s."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("gdkit", "assets", "custom_config.yml", "pyproject.toml"):
        if (tree / name).is_dir():
            shutil.copytree(tree / name, folder / name, ignore=shutil.ignore_patterns("__py*"))
        else:
            shutil.copy(tree / name, folder / name)
    for path in tree.glob("S*.py"):
        shutil.copy(path, folder / path.name)
    return folder
