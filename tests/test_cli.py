"""The `manim` command: real headless renders, and one clear line for bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

MANIM = str(Path(sys.executable).parent / "manim")

SCENES = """
from gdkit.manim_imports import *


class M1(BeatScene):
    def construct(self):
        self.beat(1)
        square = Square(color=YELLOW, fill_opacity=1).shift(3 * LEFT)
        self.play(FadeIn(square), run_time=1)
        self.beat(2)
        self.play(square.animate.shift(6 * RIGHT), run_time=1)


class M6(BeatScene):
    broken_at_beat = None
    skips_a_beat = False

    def construct(self):
        self.beat(1)
        self.play(FadeIn(Circle()), run_time=1)
        if self.broken_at_beat == 2:
            raise ZeroDivisionError("on purpose")
        if not self.skips_a_beat:
            self.beat(2)
        self.wait(0.5)
"""


@pytest.fixture()
def scene_file(tmp_path):
    path = tmp_path / "Sx.py"
    path.write_text(SCENES)
    return path


def manim(*args, cwd=None, env=None):
    return subprocess.run(
        [MANIM, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def frame_at(video: Path, t: float, size=(160, 90)) -> np.ndarray:
    raw = subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-ss",
            str(t),
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-s",
            f"{size[0]}x{size[1]}",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(size[1], size[0], 3)


def one_line_error(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_renders_headless_with_a_beats_sidecar(scene_file, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = manim(scene_file, "M1", "-r", "320x180", "--fps", "10", "-q", env=env)
    assert result.returncode == 0, result.stderr
    video = tmp_path / "media/videos/zh/180p10/M1.mp4"
    sidecar = video.with_suffix(".beats.json")
    assert result.stdout.split() == [str(video), str(sidecar)]
    beats = json.loads(sidecar.read_text())
    assert beats["shot"] == "M1" and beats["lang"] == "zh" and beats["fps"] == 10
    assert beats["resolution"] == [320, 180] and beats["duration"] == pytest.approx(2.0)
    assert [(b["beat"], b["start"]) for b in beats["beats"]] == [(1, 0), (2, 1.0)]
    assert beats["beats"][1]["zh"] == "擦去目标函数"
    # The square faded in on the left, then moved right: frames are neither blank nor equal.
    early, late = frame_at(video, 0.95), frame_at(video, 1.85)
    left, right = slice(35, 55), slice(105, 125)
    assert early[:, left].max() > 150 and early[:, right].max() < 100
    assert late[:, right].max() > 150 and late[:, left].max() < 100
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames,width,height",
            "-of",
            "json",
            str(video),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    stream = json.loads(probe.stdout)["streams"][0]
    assert (stream["width"], stream["height"], int(stream["nb_read_frames"])) == (320, 180, 20)


def test_beat_starts_the_video_late(scene_file, tmp_path):
    result = manim(scene_file, "M1", "-r", "320x180", "--fps", "10", "-q", "--beat", "M1.2")
    assert result.returncode == 0, result.stderr
    beats = json.loads((tmp_path / "media/videos/zh/180p10/M1.beats.json").read_text())
    assert beats["duration"] == pytest.approx(1.0)
    assert [(b["beat"], b["start"]) for b in beats["beats"]] == [(2, 0)]


def test_still_writes_a_png(scene_file, tmp_path):
    result = manim(scene_file, "M1", "-s", "-r", "320x180", "--lang", "en")
    assert result.returncode == 0, result.stderr
    png = tmp_path / "media/images/en/180p30/M1.png"
    assert result.stdout.split() == [str(png)]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_file():
    one_line_error(manim("nope.py"), "nope.py")


def test_unknown_scene_lists_the_scenes(scene_file):
    one_line_error(manim(scene_file, "M9"), "'M9'", "M1, M6")


@pytest.mark.parametrize("beat", ["3", "M1.7", "x"])
def test_unknown_beat(scene_file, beat):
    one_line_error(manim(scene_file, "M1", "--beat", beat), beat)


@pytest.mark.parametrize(
    "flag, value", [("--fps", "abc"), ("--fps", "0"), ("-r", "12x7"), ("--lang", "fr")]
)
def test_bad_flag_values(scene_file, flag, value):
    result = manim(scene_file, "M1", flag, value)
    one_line_error(result, value)
    assert result.returncode == 2


def test_missing_ffmpeg_names_the_package(scene_file, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("latex", "dvisvgm", "kpsewhich", "fc-list"):
        target = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        (bin_dir / tool).symlink_to(target)
    env = dict(os.environ, PATH=str(bin_dir))
    one_line_error(manim(scene_file, "M1", env=env), "ffmpeg")
    assert not (tmp_path / "media").exists()


def write_variant(scene_file, **attributes):
    body = "".join(f"\n    {k} = {v!r}" for k, v in attributes.items())
    scene_file.write_text(scene_file.read_text() + f"\n\nclass M6(M6):{body}\n")


def test_a_failing_scene_leaves_no_video(scene_file, tmp_path):
    write_variant(scene_file, broken_at_beat=2)
    result = manim(scene_file, "M6", "-r", "320x180", "--fps", "10", "-q")
    one_line_error(result, "ZeroDivisionError", "Sx.py:")
    out = tmp_path / "media/videos/zh/180p10"
    assert list(out.iterdir()) == []


def test_a_scene_missing_a_beat_fails_loudly(scene_file, tmp_path):
    write_variant(scene_file, skips_a_beat=True)
    result = manim(scene_file, "M6", "-r", "320x180", "--fps", "10", "-q")
    one_line_error(result, "M6", "1..1", "1..2")
    assert list((tmp_path / "media/videos/zh/180p10").iterdir()) == []


def test_traceback_flag_shows_the_whole_traceback(scene_file):
    write_variant(scene_file, broken_at_beat=2)
    result = manim(scene_file, "M6", "-s", "-r", "320x180", "--traceback")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("manim: error: M6:")
