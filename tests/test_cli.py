"""The `manim` command: real headless renders, and one clear line for bad input."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gdkit.paths import ROOT
from tests.helpers import MANIM, decoded, manim, one_line_error, unprivileged, write_scene_file


@pytest.fixture()
def scene_file(tmp_path):
    return write_scene_file(tmp_path)


def frame_at(video: Path, t: float, size=(160, 90)) -> np.ndarray:
    return decoded(video, at=t, size=size)[0]


def test_renders_headless_with_a_beats_sidecar(scene_file, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = manim(scene_file, "M1", "-r", "320x180", "--fps", "10", "-q", env=env)
    assert result.returncode == 0, result.stderr
    video = tmp_path / "media/videos/zh/180p10/M1.mp4"
    sidecar = video.with_suffix(".beats.json")
    assert result.stdout.split() == [str(video), str(sidecar)]
    beats = json.loads(sidecar.read_text())
    assert beats["shot"] == "M1" and beats["lang"] == "zh" and beats["fps"] == 10
    assert beats["resolution"] == [320, 180] and beats["duration"] == pytest.approx(3.0)
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
    assert (stream["width"], stream["height"], int(stream["nb_read_frames"])) == (320, 180, 30)
    # A whole shot rises from the background and sinks back into it.
    first, last = frame_at(video, 0), frame_at(video, 2.9)
    assert first.max() < 40 and last.max() < 40


def sidecar_of(video: Path) -> dict:
    """The sidecar of `video`, once checked to describe this very video."""
    sidecar = json.loads(video.with_suffix(".beats.json").read_text())
    assert sidecar["video"] == hashlib.sha256(video.read_bytes()).hexdigest()
    assert count_frames(video) == sidecar["frames"]
    assert sidecar["duration"] == pytest.approx(sidecar["frames"] / sidecar["fps"])
    return sidecar


def count_frames(video: Path) -> int:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(video)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(probe.stdout)


def final_names(folder: Path) -> list[str]:
    """What is in `folder` but lock files and the kept beat encodings: no temporary file is
    left behind."""
    return sorted(
        p.name for p in folder.iterdir() if not p.name.endswith(".lock") and p.name != ".beats"
    )


def test_a_beat_preview_is_named_as_a_part_never_as_the_shot(scene_file, tmp_path):
    flags = ["-r", "320x180", "--fps", "10", "-q"]
    whole = manim(scene_file, "M1", *flags)
    part = manim(scene_file, "M1", *flags, "--beat", "M1.2")
    assert whole.returncode == part.returncode == 0, whole.stderr + part.stderr
    out = tmp_path / "media/videos/zh/180p10"
    assert part.stdout.split() == [
        str(out / "M1.from-beat-2.mp4"),
        str(out / "M1.from-beat-2.beats.json"),
    ]
    shot, beats = sidecar_of(out / "M1.mp4"), sidecar_of(out / "M1.from-beat-2.mp4")
    assert [(b["beat"], b["start"]) for b in shot["beats"]] == [(1, 0), (2, 1.0)]
    assert (shot["first_beat"], shot["frames"], shot["duration"]) == (1, 30, 3.0)
    assert [(b["beat"], b["start"]) for b in beats["beats"]] == [(2, 0)]
    assert (beats["first_beat"], beats["frames"], beats["duration"]) == (2, 20, 2.0)
    assert shot["inputs"] == beats["inputs"]
    assert final_names(out) == [
        "M1.beats.json", "M1.from-beat-2.beats.json", "M1.from-beat-2.mp4", "M1.mp4",
    ]  # fmt: skip


def test_a_range_of_beats_is_named_as_such(scene_file, tmp_path):
    flags = ["-r", "320x180", "--fps", "10", "-q"]
    result = manim(scene_file, "M6", *flags, "--beat", "1..1")
    out = tmp_path / "media/videos/zh/180p10"
    assert result.stdout.split() == [
        str(out / "M6.beats-1-1.mp4"),
        str(out / "M6.beats-1-1.beats.json"),
    ]
    part = sidecar_of(out / "M6.beats-1-1.mp4")
    assert [b["beat"] for b in part["beats"]] == [1] and part["frames"] == 10
    whole = manim(scene_file, "M6", *flags, "--beat", "M6.1..2")  # all of them: the shot
    assert whole.stdout.split()[0] == str(out / "M6.mp4")
    one_line_error(manim(scene_file, "M6", "-s", "--beat", "1..2"), "a still shows")


def test_still_writes_a_png(scene_file, tmp_path):
    result = manim(scene_file, "M1", "-s", "-r", "320x180", "--lang", "en")
    assert result.returncode == 0, result.stderr
    png = tmp_path / "media/images/en/180p30/M1.png"
    assert result.stdout.split() == [str(png)]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = manim(scene_file, "M1", "-s", "-r", "320x180", "--lang", "en", "--beat", "1")
    assert result.stdout.split() == [str(png.with_name("M1.beat-1.png"))]
    assert final_names(png.parent) == ["M1.beat-1.png", "M1.png"]


def test_two_renders_of_one_shot_at_once_never_mix(scene_file, tmp_path):
    """Two whole renders and a preview of beat 2 of one shot, all at once: each pair under
    its final names belongs together."""
    write_variant(scene_file, run_time=3)
    command = [MANIM, scene_file, "M6", "-r", "320x180", "--fps", "10", "-q"]
    runs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in (command, [*command, "--beat", "2"], command)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    out = tmp_path / "media/videos/zh/180p10"
    assert final_names(out) == [
        "M6.beats.json", "M6.from-beat-2.beats.json", "M6.from-beat-2.mp4", "M6.mp4",
    ]  # fmt: skip
    assert [b["beat"] for b in sidecar_of(out / "M6.mp4")["beats"]] == [1, 2]
    assert sidecar_of(out / "M6.mp4")["frames"] == 45
    assert [b["beat"] for b in sidecar_of(out / "M6.from-beat-2.mp4")["beats"]] == [2]
    assert sidecar_of(out / "M6.from-beat-2.mp4")["frames"] == 35


@pytest.mark.parametrize(
    "shot, sig",
    [("M6", signal.SIGINT), ("M3", signal.SIGTERM)],
    ids=["Ctrl-C", "SIGTERM to M3"],
)
def test_an_interrupted_render_says_so_and_keeps_the_last_video(scene_file, tmp_path, shot, sig):
    write_variant(scene_file, run_time=600)
    file = scene_file if shot == "M6" else ROOT / "S3.py"
    out = tmp_path / "media/videos/zh/144p5"
    out.mkdir(parents=True)
    (out / f"{shot}.mp4").write_bytes(b"the last video")
    (out / f"{shot}.beats.json").write_text("{}")
    render = subprocess.Popen(
        [MANIM, file, shot, "-r", "256x144", "--fps", "5", "-q", "--media", tmp_path / "media"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(f".{shot}.mp4.*.part")) and render.poll() is None:
        assert time.monotonic() < deadline, "the render never started its video"
        time.sleep(0.1)
    time.sleep(1.0)  # well into the frames
    render.send_signal(sig)
    _, err = render.communicate(timeout=60)
    assert render.returncode == 128 + sig
    one_line_error(
        subprocess.CompletedProcess(render.args, render.returncode, "", err), "interrupted"
    )
    assert "BeatError" not in err
    assert (out / f"{shot}.mp4").read_bytes() == b"the last video"
    assert (out / f"{shot}.beats.json").read_text() == "{}"
    assert final_names(out) == [f"{shot}.beats.json", f"{shot}.mp4"]


def test_unknown_file():
    one_line_error(manim("nope.py"), "nope.py")


def test_unknown_scene_lists_the_scenes(scene_file):
    one_line_error(manim(scene_file, "M9"), "'M9'", "M1, M6")


def test_a_shot_scene_the_storyboard_lacks_says_where_to_add_it(scene_file):
    scene_file.write_text(scene_file.read_text() + "\n\nclass M11(M1):\n    pass\n")
    result = manim(scene_file, "M11", "-s", "-r", "320x180")
    one_line_error(result, "M11", "not a storyboard shot", "assets/storyboard.json")
    other = manim(scene_file, "M12", "-s", "-r", "320x180")
    one_line_error(other, "has no scene 'M12'", "M1, M6")


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


@pytest.mark.parametrize(
    "missing, package",
    [("ffmpeg", "ffmpeg"), ("kpsewhich", "texlive-binaries"), ("fc-list", "fontconfig")],
)
def test_a_missing_program_names_its_package(scene_file, tmp_path, missing, package):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in {"ffmpeg", "latex", "dvisvgm", "kpsewhich", "fc-list"} - {missing}:
        target = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        (bin_dir / tool).symlink_to(target)
    env = dict(os.environ, PATH=str(bin_dir))
    one_line_error(manim(scene_file, "M1", env=env), missing, package)
    assert not (tmp_path / "media").exists()


def test_a_frame_too_large_for_the_renderer_says_so(scene_file):
    result = manim(scene_file, "M1", "-r", "20000x20000", "-q")
    one_line_error(result, "20000x20000", "larger than", "at most")
    assert "EGL" not in result.stderr


@pytest.mark.parametrize("where", ["media", "media/videos/zh/180p10", "media/images/zh/180p10"])
def test_an_unwritable_output_folder_is_named(scene_file, tmp_path, where):
    folder = tmp_path / where
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    still = ["-s"] if "images" in where else []
    result = subprocess.run(
        unprivileged([MANIM, scene_file, "M1", "-r", "320x180", "--fps", "10", "-q", *still]),
        capture_output=True,
        text=True,
    )
    one_line_error(result, "cannot write to", str(tmp_path / "media"), "Permission denied")
    assert "EGL" not in result.stderr
    folder.chmod(0o755)
    # Python's own bytecode of Sx.py (unless PYTHONDONTWRITEBYTECODE) is no output of the render.
    made = [p for p in tmp_path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert [p.name for p in made] == ["Sx.py"]


def test_a_language_not_of_the_video_is_refused(scene_file, tmp_path):
    result = manim(scene_file, "M1", "-s", env={**os.environ, "GD_LANG": "fr"})
    one_line_error(result, "GD_LANG", "'fr'", "zh", "en")
    assert result.returncode == 2
    result = manim(scene_file, "M1", "-s", "-r", "320x180", env={**os.environ, "GD_LANG": "en"})
    assert result.stdout.split() == [str(tmp_path / "media/images/en/180p30/M1.png")]


def test_no_arguments_asks_for_the_file_only():
    result = manim()
    one_line_error(result, "required: file")
    assert "SCENE" not in result.stderr and result.returncode == 2


def test_quiet_prints_the_paths_only(scene_file, tmp_path):
    """With a cold cache, LaTeX runs: its "Writing …" lines never reach stdout, and -q hides
    them."""
    scene_file.write_text(
        scene_file.read_text().replace("Square(color=YELLOW", "Tex('x^2', color=YELLOW")
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = [scene_file, "M1", "-s", "-r", "320x180"]
    quiet = manim(*args, "-q", env=env)
    png = str(tmp_path / "media/images/zh/180p30/M1.png")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, png + "\n", "")
    shutil.rmtree(tmp_path / "cache")
    loud = manim(*args, env=env)
    assert loud.stdout == png + "\n" and "Writing" in loud.stderr


def write_variant(scene_file, **attributes):
    write_scene_file(scene_file.parent, **attributes)


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


def test_what_a_killed_render_left_is_removed_by_the_next(scene_file, tmp_path):
    write_variant(scene_file, run_time=600)
    out = tmp_path / "media/videos/zh/144p5"
    command = [MANIM, scene_file, "M6", "-r", "256x144", "--fps", "5", "-q"]
    render = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob(".M6.mp4.*.part")):
        assert time.monotonic() < deadline and render.poll() is None
        time.sleep(0.1)
    os.killpg(render.pid, signal.SIGKILL)  # `manim` and the render it runs
    render.wait()
    left = list(out.glob(".M6.mp4.*.part"))
    assert left  # SIGKILL leaves no chance to clean up
    write_variant(scene_file, run_time=1)
    result = manim(*command[1:])
    assert result.returncode == 0, result.stderr
    assert final_names(out) == ["M6.beats.json", "M6.mp4"]


RECORDED = """
import hashlib, sys
from gdkit import engine
from gdkit.tools import cli
argv = sys.argv[2:]
engine.prepare(cli.parse_args(argv).resolution)
from gdkit.engine.writer import FileWriter
encode, digests = FileWriter.encode, open(sys.argv[1], "w")
def recorded(self, frame):
    digests.write(hashlib.md5(frame).hexdigest() + "\\n")
    return encode(self, frame)
FileWriter.encode = recorded
sys.exit(cli.main(argv))
"""


def drawn_frames(tmp_path, *args) -> list[str]:
    """A digest of each frame the render sends to its encoder."""
    digests = tmp_path / "digests.txt"
    result = subprocess.run(
        [sys.executable, "-c", RECORDED, str(digests), "S3.py", "M3", "-r", "128x72", "--fps", "5",
         "-q", "--media", str(tmp_path / "media"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return digests.read_text().split()


@pytest.mark.film  # M3 whole, and again as two ranges, and its second range skipped
def test_beat_ranges_rendered_exact_are_the_whole_shot_frame_for_frame(tmp_path):
    whole = drawn_frames(tmp_path, "--beat", "1..13")
    first = drawn_frames(tmp_path, "--beat", "1..6", "--exact")
    rest = drawn_frames(tmp_path, "--beat", "7", "--exact")
    assert len(first) > 1 and first + rest == whole
    # Skipped, not rehearsed, the same beats start from a state a frame's updates away.
    skipped = drawn_frames(tmp_path, "--beat", "7")
    assert len(skipped) == len(rest) and skipped != rest


def test_a_render_is_the_same_bytes_on_one_core_as_on_all(tmp_path):
    """x264 codes a video by its number of threads, which by default follows the machine's
    cores: the encoder's threads are fixed, so a shot rendered on another machine (a CI
    matrix, a cluster) is the same file."""
    videos = []
    for cores in ("0", f"0-{os.cpu_count() - 1}"):
        media = tmp_path / f"cores-{cores}"
        result = subprocess.run(
            ["taskset", "-c", cores, sys.executable, "-m", "gdkit.tools.cli", "S1.py", "M6",
             "-r", "640x360", "--fps", "10", "-q", "--media", str(media)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        videos.append(Path(result.stdout.split()[0]).read_bytes())
    assert videos[0] == videos[1]


FAILING_FFMPEG = """#!/bin/sh
n=$(cat "$FFMPEG_CALLS" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$FFMPEG_CALLS"
case "$FAIL_ON $*" in
    "segment"*) [ "$n" = 2 ] && { head -c 1000 > /dev/null; echo "encoder broke" >&2; exit 1; } ;;
    "join"*concat*) echo "join broke" >&2; exit 1 ;;
esac
exec ffmpeg "$@"
"""


@pytest.mark.parametrize("plain", ["", "frames_from_a_thread"], ids=["from a thread", "in turn"])
@pytest.mark.parametrize("fail_on", ["segment", "join"])
def test_an_encoder_that_fails_mid_shot_leaves_no_video(tmp_path, fail_on, plain):
    """A beat's encoder that stops, or a join of the beats that fails, is an error: one line,
    and no video, sidecar or temporary file left behind; whether the frames are fed to it
    from a second thread or between two frames."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ffmpeg").write_text(
        FAILING_FFMPEG.replace("exec ffmpeg", f"exec {shutil.which('ffmpeg')}")
    )
    (bin_dir / "ffmpeg").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAIL_ON": fail_on,
           "FFMPEG_CALLS": str(tmp_path / "calls"), "GD_PLAIN": plain}  # fmt: skip
    media = tmp_path / "media"
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.cli", "S3.py", "M3", "-r", "64x36", "--fps", "2",
         "-q", "--media", str(media)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("manim:")]
    assert len(errors) == 1 and "ffmpeg" in errors[0], result.stderr
    assert int((tmp_path / "calls").read_text()) >= 2
    assert final_names(media / "videos" / "zh" / "36p2") == []


def test_a_signal_during_the_discard_of_a_partial_movie_waits_until_it_is_done(tmp_path):
    """A render whose encoder died of a Ctrl-C before the render got its own (one process
    group) is discarding its partial movie when that Ctrl-C comes: the files still go, and
    the render then ends as interrupted."""
    from gdkit.tools import cli

    part, segment = tmp_path / ".M3.mp4.x.part", tmp_path / ".M3.mp4.y.part"

    class Writer:
        def abort(self):
            segment.touch()
            os.kill(os.getpid(), signal.SIGINT)  # arrives here, mid-way
            segment.unlink()

        class temporary:
            @staticmethod
            def close():
                part.unlink()

    part.touch()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, cli.raise_interrupt)
    try:
        with pytest.raises(cli.Interrupted):
            cli._discard_partial_movie(Writer())
    finally:
        for each, handler in handlers.items():
            signal.signal(each, handler)
        cli.Interrupted.held = False
    assert not part.exists() and not segment.exists()
