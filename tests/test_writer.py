"""The frames a whole shot holds back for its fade-out wait on disk, not in memory, and come
back as they went in."""

from __future__ import annotations

import collections
import os
import random
import subprocess
import sys
import tracemalloc

from gdkit.engine import writer
from gdkit.engine.writer import HeldBack
from tests.helpers import write_scene_file


def frame(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def test_held_back_frames_come_back_in_order(tmp_path):
    """Against a plain queue: distinct frames and frames sent again (held frames, the very
    same object), then what is left at the end, oldest first."""
    held, queue = HeldBack(5, tmp_path), collections.deque()
    sent = []
    for i in range(60):
        if sent and i % 3:
            sent.append(sent[-1])  # a held frame: the same bytes object again
        else:
            sent.append(frame(4096, i))
    for f in sent:
        queue.append(f)
        expected = queue.popleft() if len(queue) > 5 else None
        assert held.push(f) == expected
    assert len(held) == 5
    assert list(held.drain()) == list(queue)
    held.close()


def test_held_back_frames_wait_on_disk_not_in_memory(tmp_path):
    held = HeldBack(15, tmp_path)
    tracemalloc.start()
    for i in range(40):
        held.push(frame(1 << 20, i))  # the caller keeps no reference
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5 << 20, f"{peak / 2**20:.1f} MB held in memory for 15 frames of 1 MB"
    assert list(tmp_path.iterdir()) == []  # the scratch file has no name
    assert [len(f) for f in held.drain()] == [1 << 20] * 15
    held.close()


def test_a_frame_sent_again_is_written_and_read_once(tmp_path, monkeypatch):
    calls = collections.Counter()
    for name in ("pwrite", "pread"):
        real = getattr(os, name)
        monkeypatch.setattr(
            writer.os, name, lambda *a, real=real, name=name: calls.update([name]) or real(*a)
        )
    held, still = HeldBack(15, tmp_path), frame(4096, 0)
    out = [held.push(still) for _ in range(100)]
    assert out[15:] == [still] * 85
    assert calls == {"pwrite": 1, "pread": 1}
    held.close()


COUNTED = """
import sys
from gdkit import engine
from gdkit.tools import cli
argv = sys.argv[2:]
engine.prepare(cli.parse_args(argv).resolution)
from gdkit.engine import writer
push, held = writer.HeldBack.push, open(sys.argv[1], "w")
def counted(self, frame):
    held.write("x")
    held.flush()
    return push(self, frame)
writer.HeldBack.push = counted
sys.exit(cli.main(argv))
"""


def test_only_the_last_beat_is_held_back(tmp_path):
    """No frame before a shot's last beat can be among its last half second: those go to the
    encoder at once. The test scenes' M1 is a beat of 1 s and one of 2 s, here at 10 fps."""
    held = tmp_path / "held.txt"
    result = subprocess.run(
        [sys.executable, "-c", COUNTED, str(held), str(write_scene_file(tmp_path)), "M1",
         "-r", "160x90", "--fps", "10", "-q", "--media", str(tmp_path / "media")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(held.read_text()) == 20  # beat 2's frames, of the shot's 30
