"""The engine's switches: `GD_PLAIN` renders through manimgl's own code, with the same frames;
another manimgl gets no speed-ups, with one warning; the table names every patch."""

import os
import re
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from gdkit import engine, storyboard
from gdkit.engine.fixes import FIXES
from gdkit.engine.speedups import SPEEDUPS
from gdkit.paths import PACKAGE, ROOT
from tests.helpers import decoded

MANIM = [sys.executable, "-m", "gdkit.tools.cli"]
SIZE = "320x180"


def frames(video: Path) -> np.ndarray:
    """Every decoded frame, RGB."""
    return decoded(video)


# How far a speed-up's frames may be from manimgl's own, per pixel and channel (of 255): the
# engine README's "frames" column. Only keep_unchanged_numbers differs at all (by at most 4):
# manimgl rebuilds a number whose text did not change, a fraction of a pixel away.
TOLERANCE = 6


def render_beat(shot, beat: int, media: Path, **env) -> Path:
    command = [*MANIM, shot.file, shot.name, "--beat", f"{beat}..{beat}", "-r", SIZE]
    command += ["--fps", "5", "-q", "--media", str(media)]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return Path(next(line for line in result.stdout.split() if line.endswith(".mp4")))


def middle_beat(shot) -> int:
    return len(shot.beats) // 2 + 1


@pytest.mark.ab
def test_plain_renders_the_frames_the_speed_ups_render(tmp_path):
    """One beat of every shot, with every speed-up and with none: the same frames, each one,
    within the tolerance the engine README gives."""
    shots = list(storyboard.shots().values())

    def both(shot):
        beat = middle_beat(shot)
        fast = render_beat(shot, beat, tmp_path / "fast")
        plain = render_beat(shot, beat, tmp_path / "plain", GD_PLAIN="1")
        return shot.name, beat, frames(fast), frames(plain)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(both, shots))
    for name, beat, fast, plain in results:
        assert len(fast) > 1 and len(fast) == len(plain), f"{name}.{beat}"
        worst = max(int(np.abs(a.astype(int) - b).max()) for a, b in zip(fast, plain, strict=True))
        assert worst <= TOLERANCE, f"{name}.{beat}: frames differ by up to {worst} of 255"


PROBE = """
    import sys
    from gdkit import engine
    {setup}
    from gdkit.tools.cli import main
    code = main([{args}])
    from manimlib.camera.camera import Camera
    print(",".join(engine.applied), hasattr(Camera.capture, "__wrapped__"))
    sys.exit(code)
"""


def probe(tmp_path, setup: str = "", cwd=ROOT, **env):
    args = f"'S1.py', 'M1', '-s', '--beat', '1', '-r', '{SIZE}', '-q', '--media', '{tmp_path}'"
    code = textwrap.dedent(PROBE.format(setup=setup, args=args))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **env}, timeout=120,
    )  # fmt: skip


def test_every_speed_up_is_on_by_default_and_gd_plain_turns_them_all_off(tmp_path):
    default = probe(tmp_path)
    assert default.returncode == 0, default.stderr
    applied, wrapped = default.stdout.split()[-2:]
    assert applied.split(",") == [*FIXES, *SPEEDUPS] and wrapped == "True"
    plain = probe(tmp_path, GD_PLAIN="1")
    assert plain.returncode == 0, plain.stderr
    applied, wrapped = plain.stdout.split()[-2:]
    assert applied.split(",") == list(FIXES) and wrapped == "False"


def test_gd_plain_can_name_speed_ups(tmp_path):
    result = probe(tmp_path, GD_PLAIN="reuse_unchanged_prefix, held_frames")
    assert result.returncode == 0, result.stderr
    applied = result.stdout.split()[-2].split(",")
    assert "reuse_unchanged_prefix" not in applied and "held_frames" not in applied
    assert "fill_only_where_drawn" in applied


THREADS = """
    import sys, threading
    started = []
    start = threading.Thread.start
    def recorded(thread):
        started.append(getattr(thread._target, "__name__", ""))
        start(thread)
    threading.Thread.start = recorded
    from gdkit.tools.cli import main
    code = main(['S1.py', 'M1', '--beat', '1', '-r', '64x36', '--fps', '2', '-q',
                 '--media', sys.argv[1]])
    print("send_frames" in started)
    sys.exit(code)
"""


@pytest.mark.parametrize("plain, threaded", [("", "True"), ("1", "False")])
def test_the_writer_feeds_ffmpeg_from_a_thread_but_under_gd_plain(tmp_path, plain, threaded):
    """manimgl's writer feeds ffmpeg between two frames; the speed-up frames_from_a_thread
    feeds it from a second thread, and GD_PLAIN turns that off too."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(THREADS), str(tmp_path)], cwd=ROOT,
        capture_output=True, text=True, env={**os.environ, "GD_PLAIN": plain}, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == threaded


HANDOFF = """
    import signal, sys, threading, time
    from gdkit import engine
    engine.prepare((64, 36), messages=False)
    from gdkit.engine.writer import FileWriter

    class Stop(Exception):
        pass

    def stop(signum, frame):
        raise Stop

    signal.signal(signal.SIGALRM, stop)
    for run in range(1000):
        writer = FileWriter.__new__(FileWriter)  # its hand-off only: frames go nowhere
        writer.send = lambda item: time.sleep(0.0002)
        writer.sends_from_a_thread = True
        writer.start_sending()
        signal.setitimer(signal.ITIMER_REAL, 0.0001 + (run % 300) * 0.00002)
        try:
            while True:
                writer.put(b"frame")
        except Stop:
            pass
        ending = threading.Thread(target=writer.stop_sending, daemon=True)
        ending.start()
        ending.join(10)
        if ending.is_alive():
            sys.exit(f"run {run}: the sending thread never ended")
    print("ended 1000 times")
"""


def test_ctrl_c_anywhere_in_the_hand_off_to_the_sending_thread_lets_it_end():
    """A render that Ctrl-C stops while it gives the sending thread a frame must still end
    that thread: a real signal raises, at a different moment each time, in the middle of
    `put`, and `stop_sending` returns each time (it hung on `queue.Queue`'s lock)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(HANDOFF)], cwd=ROOT,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[-2] == "ended 1000 times"


def test_gd_plain_naming_no_speed_up_is_one_line(tmp_path):
    result = subprocess.run(
        [*MANIM, "S1.py", "M1", "-s", "-r", SIZE, "--media", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "GD_PLAIN": "fast"},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no speed-up named fast" in result.stderr
    assert not any(tmp_path.iterdir())


def test_another_manimgl_renders_without_speed_ups_and_says_so_once(tmp_path):
    result = probe(tmp_path, setup="engine.MANIMGL = '0.0.1'")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "is not 0.0.1" in lines[0] and "without them" in lines[0]
    applied, wrapped = result.stdout.split()[-2:]
    assert applied.split(",") == list(FIXES) and wrapped == "False"
    assert (tmp_path / "images" / "zh" / "180p30" / "M1.beat-1.png").stat().st_size > 0


def test_without_the_speed_ups_files_it_renders_as_gd_plain_does(tmp_path):
    """The fence's promise: delete `speedups.py` and `deferred.py` and the project renders
    through manimgl's own code, the very picture `GD_PLAIN=1` draws."""
    from tests.test_ordinary_user import copied_checkout

    copy = copied_checkout(tmp_path)
    for name in ("speedups.py", "deferred.py"):
        (copy / "gdkit" / "engine" / name).unlink()
    without = probe(tmp_path / "without", cwd=copy)
    assert without.returncode == 0, without.stderr
    applied, wrapped = without.stdout.split()[-2:]
    assert applied.split(",") == list(FIXES) and wrapped == "False"
    plain = probe(tmp_path / "plain", GD_PLAIN="1")
    assert plain.returncode == 0, plain.stderr
    without, plain = (tmp_path / run / "images" / "zh" / "180p30" / "M1.beat-1.png" for run in
                      ("without", "plain"))  # fmt: skip
    assert np.array_equal(decoded(without), decoded(plain))


def table_rows() -> dict[str, str]:
    text = (PACKAGE / "engine" / "README.md").read_text(encoding="utf-8")
    return {m[1]: m[0] for m in re.finditer(r"^\| (\w+) +\|.*$", text, re.MULTILINE)}


def test_the_table_names_every_patch_and_what_it_replaces():
    rows = table_rows()
    names = [*FIXES, *SPEEDUPS]
    assert sorted(rows.keys() - {"name"}) == sorted(names)
    for name in SPEEDUPS:
        cells = [c.strip() for c in rows[name].strip("|").split("|")]
        assert len(cells) == 6 and all(cells), rows[name]  # replaces, version, buys, frames, test
        assert cells[2] == engine.MANIMGL and re.search(r"\d", cells[3]), rows[name]
        test_file = cells[5].split(":")[0]
        assert (ROOT / "tests" / f"{test_file}.py").exists(), cells[5]


HELD = """
from gdkit.manim_imports import *


class M1(BeatScene):
    held_for_narration = False

    def construct(self):
        draws = []
        capture = self.camera.capture
        self.camera.capture = lambda *mobs: draws.append(1) or capture(*mobs)
        tracker = ValueTracker(0)
        dot = Dot().add_updater(lambda d: d.move_to(tracker.get_value() * UP))
        self.add(tracker, dot)
        self.beat(1)
        self.play(tracker.animate.set_value(2), run_time=0.5)
        before = len(draws)
        self.wait(1)  # the updater leaves the dot where it was: held after two frames
        print("settled", len(draws) - before)
        self.beat(2)
        start = self.time
        # reads the clock without taking dt: still for half a second, then it steps right
        self.add(Dot().add_updater(lambda d: d.move_to(RIGHT * (self.time > start + 0.5))))
        before = len(draws)
        self.wait(1)
        print("stepping", len(draws) - before)
        self.add(Square().add_updater(lambda s, dt: s.rotate(dt)))
        before = len(draws)
        self.wait(1)  # an updater that takes dt: every frame drawn
        print("turning", len(draws) - before)
"""


def test_a_wait_whose_updaters_settle_is_held_with_the_same_frames(tmp_path):
    """A wait whose updaters leave everything as it was a frame before sends that frame
    again instead of drawing it; its updaters still run, so one that reads the clock (a
    label that waits, then moves) moves as in manimgl's own wait; one with an updater that
    takes dt is drawn frame by frame. Either way the frames are those of manimgl's wait."""
    (tmp_path / "Sx.py").write_text(HELD)

    def render(media, **env):
        command = [*MANIM, "Sx.py", "M1", "-r", SIZE, "--fps", "10", "-q", "--media", media]
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True,
            env={**os.environ, **env}, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        counts = dict(line.split() for line in result.stdout.splitlines() if " " in line)
        video = next(Path(p) for p in result.stdout.split() if p.endswith(".mp4"))
        return {k: int(v) for k, v in counts.items()}, frames(video)

    held_counts, held = render("held")
    plain_counts, plain = render("plain", GD_PLAIN="held_frames")
    # drawn: the first update and two frames; the still frames and the step; every frame
    assert held_counts == {"settled": 2, "stepping": 3, "turning": 10}
    assert plain_counts == {"settled": 10, "stepping": 10, "turning": 10}
    assert len(held) == len(plain) == 35
    assert np.array_equal(held, plain)  # the dot that reads the clock steps in both
    assert not np.array_equal(held[-1], held[-5])  # the square turned
