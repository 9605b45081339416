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
