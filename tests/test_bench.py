"""The benchmark's arithmetic and report (its timings are not tested: tests stay timing-free)."""

import subprocess
import sys

from gdkit import storyboard
from gdkit.paths import ROOT
from gdkit.tools.bench import compare, markdown, totals
from gdkit.tools.cli import shot_args


def row(shot, wall, video, fps=30, still=2.0, first=1.5):
    frames = round(video * fps)
    return {
        "shot": shot,
        "wall_s": wall,
        "frames": frames,
        "video_s": video,
        "realtime": round(video / wall, 3),
        "fps_wall": round(frames / wall, 2),
        "peak_rss_mb": 300,
        "first_frame_s": first,
        "still_s": still,
    }


def test_totals_weigh_shots_by_their_time():
    total = totals([row("M1", 10.0, 10.0, first=1.9), row("M3", 90.0, 30.0, still=3.5)])
    assert total["wall_s"] == 100.0 and total["video_s"] == 40.0
    assert total["realtime"] == 0.4  # not the mean of 1.0 and 0.333
    assert total["frames"] == 1200 and total["still_s"] == 3.5 and total["first_frame_s"] == 1.9


def test_report_and_comparison():
    rows = [row("M1", 10.0, 10.0), row("M3", 90.0, 30.0)]
    new = {"machine": "m", "renderer": "r", "date": "d", "runs": {"480p30": rows}}
    table = markdown(new)
    assert "| M3 | 90.0 | 900 | 30.0 | 0.333 | 10.0 | 300 | 1.5 | 2.0 |" in table
    old = {"runs": {"480p30": [row("M1", 20.0, 10.0), row("M3", 90.0, 30.0)]}}
    assert compare(new, old).splitlines() == [
        "480p30 M1: realtime 0.5 -> 1.0 (+100%)",
        "480p30 M3: realtime 0.333 -> 0.333 (+0%)",
    ]


def test_first_frame_probe_stops_at_the_first_frame(tmp_path):
    """`--first-frame` renders up to the first frame and leaves no movie behind."""
    args = shot_args(storyboard.shot("M6"), ["-r", "256x144", "--fps", "5"], tmp_path)
    probe = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.bench", "--first-frame", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert not list(tmp_path.rglob("*.mp4")) and not list(tmp_path.rglob("*.part"))
    assert not list(tmp_path.rglob("*.beats.json"))  # it stopped before the shot's end
