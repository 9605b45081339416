"""The one cache of the project, and what it trusts.

Renders keep what is slow to make and never changes for the same input in one folder,
`$XDG_CACHE_HOME/gradient-descent-video` (`~/.cache/gradient-descent-video` by default), one
file per entry: `tex-…` the SVG that LaTeX and dvisvgm make of a formula, `text-…` the SVG
Pango makes of a text, `svg-…` the outlines parsed from either (pickled).

An entry is used only when
- the folder belongs to this user and no one else can write to it, nor to any folder above
  it (a root-owned folder with the sticky bit, such as /tmp, excepted), as ssh checks the
  folder of its keys; otherwise one warning, and this run uses a private folder of its own;
- the entry file belongs to this user and no one else can write to it;
- its header holds the digest of the key it was stored under (an entry copied under another
  name is refused) and of its content with that key (a changed or cut entry is refused).
A refused or unreadable entry is deleted and made again, with one warning line naming the
cache. A folder that cannot be made or written to gives one warning; renders go on without it.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path

MAGIC = b"gradient-descent-video cache 1\n"
_warned: set[str] = set()


def warn_once(topic: str, message: str) -> None:
    if topic not in _warned:
        _warned.add(topic)
        print(f"warning: {message}", file=sys.stderr)


def default_folder() -> Path:
    # The XDG spec: a relative path is invalid and ignored (it would depend on the folder
    # a render starts in).
    home = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(home):
        home = Path.home() / ".cache"
    return Path(home) / "gradient-descent-video"


def unsafe(folder: Path) -> str | None:
    """Why another user could change what is in `folder`, or None when no one can."""
    me = os.geteuid()
    try:
        st = os.stat(folder, follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            return "it is a symbolic link"
        if st.st_uid != me:
            return f"it belongs to uid {st.st_uid}"
        if st.st_mode & 0o022:
            return f"others can write to it (mode {stat.S_IMODE(st.st_mode):o})"
        for above in folder.resolve().parents:
            st = os.stat(above)
            sticky_root = st.st_uid == 0 and st.st_mode & stat.S_ISVTX
            if st.st_uid not in (0, me):
                return f"{above} belongs to uid {st.st_uid}"
            if st.st_mode & 0o022 and not sticky_root:
                return f"others can write to {above} (mode {stat.S_IMODE(st.st_mode):o})"
    except OSError as error:
        return f"it cannot be checked ({error.strerror})"
    return None


@cache
def folder() -> Path | None:
    """The folder this process keeps its cache in (checked once), or None for no cache."""
    path = default_folder()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        warn_once("folder", f"cache {path} cannot be made ({error.strerror}); no cache this run")
        return None
    problem = unsafe(path)
    if problem is None:
        return path
    private = Path(tempfile.mkdtemp(prefix="gradient-descent-video-cache-"))
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    warn_once("folder", f"cache {path} is not used: {problem}; this run uses {private}")
    return private


class Cache:
    """Entries of one kind (`name`) in the project's cache: bytes under a text key."""

    def __init__(self, name: str, where: Path | None = None):
        self.name = name
        self.where = where  # None: the checked folder of this process

    def _folder(self) -> Path | None:
        return self.where if self.where is not None else folder()

    def _digests(self, key: str, payload: bytes | None = None) -> tuple[bytes, bytes | None]:
        key_digest = hashlib.sha256(f"{self.name}\0{key}".encode()).hexdigest().encode()
        if payload is None:
            return key_digest, None
        return key_digest, hashlib.sha256(key_digest + payload).hexdigest().encode()

    def path(self, key: str) -> Path | None:
        where = self._folder()
        if where is None:
            return None
        return where / f"{self.name}-{self._digests(key)[0][:32].decode()}"

    def get(self, key: str) -> bytes | None:
        """The entry stored under `key`, or None (missing, or refused and deleted)."""
        path = self.path(key)
        if path is None:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return None
        except OSError as error:
            return self._refuse(path, f"it cannot be read ({error.strerror})")
        with os.fdopen(fd, "rb") as file:
            st = os.fstat(file.fileno())
            if not stat.S_ISREG(st.st_mode):
                return self._refuse(path, "it is not a file")
            if st.st_uid != os.geteuid():
                return self._refuse(path, f"it belongs to uid {st.st_uid}")
            if st.st_mode & 0o022:
                return self._refuse(path, "others can write to it")
            try:
                data = file.read()
            except OSError as error:
                return self._refuse(path, f"it cannot be read ({error.strerror})")
        parts = data[len(MAGIC) :].split(b"\n", 2)
        if not data.startswith(MAGIC) or len(parts) != 3:
            return self._refuse(path, "it is not an entry of this cache")
        key_line, content_line, payload = parts
        key_digest, content_digest = self._digests(key, payload)
        if key_line != key_digest:
            return self._refuse(path, "it was stored under another key")
        if content_line != content_digest:
            return self._refuse(path, "its content does not match its digest")
        return payload

    def refuse(self, key: str, why: str) -> None:
        """Drop the entry under `key`, which its reader could not use."""
        path = self.path(key)
        if path is not None:
            self._refuse(path, why)

    def _refuse(self, path: Path, why: str) -> None:
        warn_once(
            f"entry {self.name}",
            f"cache {path.parent} ({self.name}): dropped {path.name}, {why}; made again",
        )
        try:
            path.unlink()
        except OSError:
            pass
        return None

    def set(self, key: str, payload: bytes) -> None:
        """Store `payload` under `key`: whole or not at all, with renders side by side."""
        path = self.path(key)
        if path is None:
            return
        key_digest, content_digest = self._digests(key, payload)
        temporary = None
        try:
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "wb") as file:
                file.write(MAGIC + key_digest + b"\n" + content_digest + b"\n" + payload)
            os.replace(temporary, path)
        except OSError as error:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            warn_once(
                "write",
                f"cache {path.parent} cannot be written ({error.strerror}); rendering without it",
            )

    def clear(self) -> None:
        where = self._folder()
        if where is not None:
            for path in where.glob(f"{self.name}-*"):
                path.unlink(missing_ok=True)


GL_CACHE = "MESA_SHADER_CACHE_DIR"


def gl_folder() -> Path | None:
    """Where Mesa keeps the shaders it compiled for renders: `mesa/` in this process's checked
    folder (unless the user chose a folder with MESA_SHADER_CACHE_DIR). Mesa does not check
    what it reads there: a damaged entry crashes a render, which `manim` then tries once more
    without it (`manim` clears this folder first)."""
    if os.environ.get(GL_CACHE):
        return Path(os.environ[GL_CACHE])
    where = folder()
    return None if where is None else where / "mesa"
