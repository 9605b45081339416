"""Beat encodings kept beside a shot's video, for the next render of the shot to reuse.

Each beat of a shot is encoded on its own, from a key frame, and its frames are summed up in
a key: a digest of what each of them is drawn from, with the settings and the engine that
draw and encode them (`Beats.key_seed`). The encoding of each beat of the last render is
kept as `.beats/M3.<key>.mp4` (`.mov` with alpha), and the shot's sidecar names each
beat's key and the SHA-256 of its encoding. A later render of the shot rehearses it (no
drawing) to find each beat's key; a beat whose key and kept encoding are those its last
sidecar names is not drawn again, and the kept encodings are joined with the new ones, into
the very frames a render of every beat gives. Nothing kept is taken unchecked: a file that
is not a plain file of this user's, or not the encoding the sidecar names, is drawn again.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from gdkit.files import Temporary, join_videos, with_usual_mode
from gdkit.tools import outputs

FOLDER = ".beats"  # in a shot's video folder


def span(numbers: list[int]) -> str:
    """Beat numbers as ranges: "1–11", "2, 5–6"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


def own_digest(path: Path) -> str | None:
    """The SHA-256 of `path` if it is a plain file of this user's (not followed through a
    link), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_nlink != 1:
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    finally:
        os.close(fd)


class Kept:
    """The kept beat encodings of the shot video `video` (`M3.mp4`, `M3.alpha.mov`)."""

    def __init__(self, video: Path):
        self.video, self.folder = video, video.parent / FOLDER
        self.stem, self.extension = video.stem, video.suffix
        self.temporary: Temporary | None = None

    def path(self, key: str) -> Path:
        return self.folder / f"{self.stem}.{key}{self.extension}"

    def named(self) -> dict[int, tuple[str, str]]:
        """What the last render's sidecar names: {beat: (key, digest of its encoding)}."""
        try:
            data = outputs.read_sidecar(outputs.sidecar_path(self.video))
            return {
                int(b["beat"]): (str(b["key"]), str(b["encoding"]))
                for b in data["beats"]
                if "key" in b and "encoding" in b
            }
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def any(self) -> bool:
        return bool(self.named())

    def reusable(self, scene) -> dict[int, Path]:
        """The beats of the rehearsed `scene` whose kept encodings can be joined as they are."""
        if scene.unkeyed_frames:
            return {}
        named, found = self.named(), {}
        for n, key in enumerate(scene.beat_keys, start=1):
            key = key.hexdigest()
            path = self.path(key)
            if named.get(n, ("", ""))[0] == key and own_digest(path) == named[n][1]:
                found[n] = path
        return found

    def paths_for(self, scene, reused: dict[int, Path]) -> list[Path]:
        """Where the beats drawn by `scene` are kept, in order."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        return [
            self.path(key.hexdigest())
            for n, key in enumerate(scene.beat_keys, start=1)
            if n not in reused
        ]

    def joined(self, reused: dict[int, Path]) -> Path:
        """Every beat reused: their encodings joined, in a temporary file beside the video."""
        self.temporary = joined = Temporary(self.video)  # held (locked) until moved into place
        join_videos([reused[n] for n in sorted(reused)], joined.path, self.extension[1:])
        with_usual_mode(joined.path)
        return joined.path

    def forget(self, scene, reused: dict[int, Path]) -> None:
        """Delete the encodings `scene` kept (a render that was not published)."""
        for path in self.paths_for(scene, reused):
            path.unlink(missing_ok=True)
        try:
            self.folder.rmdir()  # if nothing else is kept there
        except OSError:
            pass

    def close(self) -> None:
        if self.temporary is not None:
            self.temporary.close()

    def prune(self, scene) -> None:
        """Delete the kept encodings of this shot that its new render does not name."""
        wanted = {self.path(key.hexdigest()).name for key in scene.beat_keys}
        for path in self.folder.glob(f"{self.stem}.*{self.extension}"):
            if path.name not in wanted and len(path.name) == len(self.path("0" * 64).name):
                path.unlink(missing_ok=True)
