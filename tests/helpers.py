"""What the command-line tests share: running `manim` for real, a tiny scene file, checks of
one-line errors, and running a command as a user whom file modes bind (also as root)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

MANIM = str(Path(sys.executable).parent / "manim")

# Two small shots with the storyboard's names, quick to render at a small size.
SCENES = """
from gdkit.manim_imports import *


class M1(BeatScene):
    held_for_narration = False  # beats as long as their animations, for exact timings

    def construct(self):
        self.beat(1)
        square = Square(color=YELLOW, fill_opacity=1).shift(3 * LEFT)
        self.play(FadeIn(square), run_time=1)
        self.beat(2)
        self.play(square.animate.shift(6 * RIGHT), run_time=1)
        self.wait(1)  # the shot fades out to the background over its last half second


class M6(BeatScene):
    held_for_narration = False
    broken_at_beat = None
    skips_a_beat = False
    run_time = 1

    def construct(self):
        self.beat(1)
        self.play(FadeIn(Circle()), run_time=1)
        if self.broken_at_beat == 2:
            raise ZeroDivisionError("on purpose")
        if not self.skips_a_beat:
            self.beat(2)
        self.play(Rotate(Square(), PI), run_time=self.run_time)
        self.wait(0.5)
"""


def write_scene_file(folder: Path, **m6_attributes) -> Path:
    """Sx.py in `folder`; attributes given override M6's."""
    path = folder / "Sx.py"
    body = "".join(f"\n    {k} = {v!r}" for k, v in m6_attributes.items())
    path.write_text(SCENES + (f"\n\nclass M6(M6):{body}\n" if body else ""))
    return path


def manim(*args, cwd=None, env=None, timeout=300):
    return subprocess.run(
        [MANIM, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def one_line_error(result, *words):
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def unprivileged(command: list[str]) -> list[str]:
    """`command`, run so that file modes bind it: as root, without the capabilities that
    override them (setpriv, from util-linux)."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]


# The film as the tests build it: every shot, small and at 2 fps (the `built` fixture).
SIZE, FPS = ("128x72", "2")


def build_command(media: Path, *extra) -> list[str]:
    return [sys.executable, "-m", "gdkit.tools.video", "-r", SIZE, "--fps", FPS,
            "--media", str(media), *extra]  # fmt: skip


def build(media: Path, cwd=None):
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(build_command(media), cwd=cwd or root, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


CHANNELS = {"gray": 1, "rgb24": 3, "rgba": 4}


def decoded(video, pix_fmt: str = "rgb24", *, at=None, from_end=None, size=None, select=None):
    """Frames of `video` as ffmpeg decodes them, (frames, height, width[, channels]) uint8
    (no channel axis for "gray"): every frame, or the one `at` seconds in, or `from_end`
    seconds before the end, or the frames numbered in `select`; scaled to `size` (w, h)."""
    seek = ["-ss", str(at)] if at is not None else []
    seek += ["-sseof", str(-from_end)] if from_end is not None else []
    chosen = "+".join(f"eq(n\\,{n})" for n in select) if select else ""
    command = [
        "ffmpeg", "-loglevel", "error", *seek, "-i", str(video),
        *(["-frames:v", "1"] if seek else []),
        *(["-vf", f"select={chosen}", "-vsync", "0"] if select else []),
        *(["-s", f"{size[0]}x{size[1]}"] if size else []),
        "-f", "rawvideo", "-pix_fmt", pix_fmt, "-",
    ]  # fmt: skip
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    if size is None:
        size = tuple(map(int, subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
             "stream=width,height", "-of", "csv=p=0", str(video)],
            capture_output=True, text=True, check=True,
        ).stdout.split(",")))  # fmt: skip
    frames = np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0], CHANNELS[pix_fmt])
    return frames[..., 0] if pix_fmt == "gray" else frames
