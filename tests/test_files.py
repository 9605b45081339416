"""Temporary files beside their final names, with other processes sweeping for orphans."""

from __future__ import annotations

import subprocess
import sys
import time

from gdkit.files import Temporary
from gdkit.paths import ROOT

SWEEP = """
import sys
from pathlib import Path
from gdkit.tools.outputs import remove_orphans
while True:
    remove_orphans(Path(sys.argv[1]))
"""


def test_a_temporary_file_is_never_swept_away_as_an_orphan(tmp_path):
    """Renders starting in one folder sweep away the temporary files no process holds; one
    being made in that instant is not taken for one (a beat's encoding once was)."""
    sweepers = [
        subprocess.Popen([sys.executable, "-c", SWEEP, str(tmp_path)], cwd=ROOT) for _ in range(2)
    ]
    try:
        made, lost, end = 0, 0, time.monotonic() + 2
        while time.monotonic() < end:
            temporary = Temporary(tmp_path / "M3.mp4")
            made += 1
            lost += not temporary.path.exists()
            temporary.close()
        assert all(sweeper.poll() is None for sweeper in sweepers)
    finally:
        for sweeper in sweepers:
            sweeper.kill()
            sweeper.wait()
    assert made > 1000 and lost == 0
    assert not list(tmp_path.iterdir())


def video_of(path, frames: int):
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc=size=32x18:rate=10:duration={frames / 10}", "-c:v", "libx264", str(path)],
        check=True,
    )  # fmt: skip


def test_what_ffprobe_said_of_a_video_is_asked_again_once_the_file_changed(tmp_path):
    """A build asks ffprobe of each shot twice (before its renders, before the join) and
    asks it once; a shot put in place meanwhile (a new file, or one written over) is asked
    anew."""
    from gdkit.tools import outputs

    video = tmp_path / "M1.mp4"
    video_of(video, 5)
    outputs.probe_ahead([video, tmp_path / "M2.mp4"], "stream=nb_frames")  # M2: none
    assert outputs.probe_frames(video) == 5
    video_of(tmp_path / "new.mp4", 7)
    (tmp_path / "new.mp4").replace(video)
    assert outputs.probe_frames(video) == 7
    video_of(video, 3)  # written over, in place
    assert outputs.probe_frames(video) == 3
