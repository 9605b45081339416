"""Files written whole or not at all: a locked temporary file beside the final name."""

from __future__ import annotations

import fcntl
import os
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
