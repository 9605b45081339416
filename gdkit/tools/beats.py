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

With a core to spare, the rehearsal runs beside the render rather than before it (`Ahead`):
a process forked before anything is drawn rehearses the shot and says each beat's key as the
beat ends, and the render, one beat behind, decides at each beat's start whether to draw it
(`Plan`). The decisions are those the rehearsal first would give; only the wait is shorter.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from pathlib import Path

from gdkit.files import Temporary, join_videos, read_own, with_usual_mode
from gdkit.tools import outputs
from gdkit.tools.guard import on_parent_death

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
    """The SHA-256 of `path` if it is a plain file of this user's alone (not followed through
    a link), else None."""
    try:
        data = read_own(path)
    except OSError:
        return None
    return None if data is None else hashlib.sha256(data).hexdigest()


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

    def kept_for(self, n: int, key: str | None, named: dict) -> Path | None:
        """Beat n's kept encoding, if the last sidecar (`named`) names it for `key`, and it is
        the very file it names."""
        path = self.path(key) if key else None
        if key and named.get(n, ("", ""))[0] == key and own_digest(path) == named[n][1]:
            return path
        return None

    def joined(self, reused: dict[int, Path]) -> Path:
        """Every beat reused: their encodings joined, in a temporary file beside the video."""
        self.temporary = joined = Temporary(self.video)  # held (locked) until moved into place
        join_videos([reused[n] for n in sorted(reused)], joined.path, self.extension[1:])
        with_usual_mode(joined.path)
        return joined.path

    def forget(self, scene, reused: dict[int, Path]) -> None:
        """Delete the encodings `scene` kept (a render that was not published)."""
        for n, key in enumerate(scene.beat_keys, start=1):
            if n not in reused:
                self.path(key.hexdigest()).unlink(missing_ok=True)
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


def lookahead_wanted() -> bool:
    """Whether a render rehearses beside itself: with two cores or more (the film build says
    `GD_LOOKAHEAD=0` when all its cores have renders of their own), and where the process
    can be forked: no other Python thread, and no thread a library named (Mesa names its
    drawing threads `llvmpipe-N`, made with an OpenGL context); OpenBLAS's workers keep
    the interpreter's name, and OpenBLAS starts them again in a forked child."""
    wanted = os.environ.get("GD_LOOKAHEAD", "1" if (os.cpu_count() or 1) > 1 else "0")
    try:
        names = [
            Path(f"/proc/self/task/{t}/comm").read_text() for t in os.listdir("/proc/self/task")
        ]
    except OSError:
        return False
    alone = len(set(names)) == 1 and threading.active_count() == 1
    return wanted == "1" and alone


class Ahead:
    """`rehearse(say)` run in a forked process (which stops if this one ends), `say(n, key)`
    called as each beat ends; `key(n)` waits for beat n's key (None if the rehearsal ended
    without it: it failed, or keys nothing)."""

    def __init__(self, rehearse):
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover (the child's lines are not traced)
            os.close(read)
            code = 1
            try:
                on_parent_death(signal.SIGKILL)
                for each in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(each, signal.SIG_DFL)
                quiet = os.open(os.devnull, os.O_WRONLY)
                os.dup2(quiet, 1)  # the render beside it says what there is to say
                os.dup2(quiet, 2)
                with os.fdopen(write, "w", buffering=1) as out:
                    rehearse(lambda n, key: out.write(f"{n} {key}\n"))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.lines = os.fdopen(read, "r")
        self.keys: dict[int, str] = {}
        self.done = False

    def key(self, n: int) -> str | None:
        while n not in self.keys and not self.done:
            line = self.lines.readline()
            if not line:
                self.done = True
                break
            beat, key = line.split()
            self.keys[int(beat)] = key
        return self.keys.get(n)

    def close(self) -> bool:
        """Stop the rehearsal if it still runs; whether it failed on its own."""
        ended = self.done
        self.lines.close()
        if not ended:
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        return ended and status != 0


class Plan:
    """What a render of a whole shot does with each beat, asked once, at the beat's start:
    reuse the encoding of it kept from the last render (`reuse(n)` is its path: the last
    sidecar names it for the beat's key, `key(n)`, and it is that very file) or draw it
    (None). `keep_as` says where a drawn beat's new encoding is kept."""

    def __init__(self, kept: Kept, key=lambda n: None):
        self.kept, self.key, self.named = kept, key, kept.named()
        self.decided: dict[int, Path | None] = {}

    def reuse(self, n: int) -> Path | None:
        if n not in self.decided:
            self.decided[n] = self.kept.kept_for(n, self.key(n), self.named)
        return self.decided[n]

    @property
    def reused(self) -> dict[int, Path]:
        return {n: path for n, path in self.decided.items() if path is not None}

    def keep_as(self, key: str) -> Path:
        self.kept.folder.mkdir(mode=0o700, exist_ok=True)
        return self.kept.path(key)


def keys(scene) -> dict[int, str]:
    """The key of each beat of a rehearsed (or rendered) whole shot; none where frames were
    drawn before its first beat (no key covers them)."""
    if scene.unkeyed_frames:
        return {}
    return {n: key.hexdigest() for n, key in enumerate(scene.beat_keys, start=1)}
