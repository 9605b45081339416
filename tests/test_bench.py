"""The benchmark's arithmetic and report (its timings are not tested: tests stay timing-free)."""

import json
import os
import subprocess
import sys

import pytest

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


def test_film_builds_are_compared_too():
    film = {"film": "final", "jobs": 2, "wall_s": 100.0, "video_s": 140.0, "realtime": 1.4,
            "cpu_s": 190.0}  # fmt: skip
    new = {"runs": {}, "films": [film]}
    old = {"runs": {}, "films": [{**film, "wall_s": 200.0, "realtime": 0.7}]}
    assert compare(new, old) == "film final at 30 fps --jobs 2: realtime 0.7 -> 1.4 (+100%)"
    table = markdown({"machine": "m", "renderer": "r", "date": "d", **new, "baseline": {
        "revision": "abc", **old}})  # fmt: skip
    assert "| final | 30 | 2 | 100.0 | 140.0 | 1.4 |" in table and "revision abc" in table


def test_film_builds_at_another_rate_or_cut_are_told_apart():
    film = {"film": "final", "fps": 60, "jobs": 16, "split": True, "wall_s": 50.0,
            "video_s": 250.0, "realtime": 5.0, "cpu_s": 700.0}  # fmt: skip
    unsplit = {**film, "split": False, "wall_s": 100.0, "realtime": 2.5}
    at_30 = {**film, "fps": 30}
    assert compare({"runs": {}, "films": [film]}, {"runs": {}, "films": [at_30, unsplit]}) == ""
    both = {"runs": {}, "films": [film, unsplit]}
    assert compare(both, {"runs": {}, "films": [unsplit]}) == (
        "film final at 60 fps --jobs 16: realtime 2.5 -> 2.5 (+0%)"
    )
    table = markdown({"machine": "m", "renderer": "r", "date": "d", **both})
    assert "| final | 60 | 16 --split | 50.0 | 250.0 | 5.0 |" in table
    assert "| final | 60 | 16 | 100.0 | 250.0 | 2.5 |" in table


@pytest.mark.film  # M6 rendered whole at 64x36 by two trees
def test_a_baseline_is_measured_from_its_own_code_in_the_same_run(tmp_path):
    """`--baseline REV` renders with the code of REV (a copy under bench/out, removed after)."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.bench", "--resolutions", "64x36", "--fps", "2",
         "--shots", "M6", "--baseline", "HEAD", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    made = json.loads((tmp_path / "results.json").read_text())
    assert made["baseline"]["revision"] == head
    for runs in (made["runs"], made["baseline"]["runs"]):
        assert [r["shot"] for r in runs["36p2"]] == ["M6", "all"]
    assert "36p2 M6: realtime" in result.stdout
    assert not list((ROOT / "bench" / "out").glob("baseline-*"))


def test_a_baseline_that_is_no_revision_gets_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.bench", "--baseline", "no-such-rev", "--out",
         str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "bench: --baseline no-such-rev: not a git revision of this checkout"
    ]
    assert not list(tmp_path.iterdir())


def test_the_live_latency_without_a_browser_gets_one_line(tmp_path):
    """Where Chromium is missing, `--live` says so before it measures anything."""
    bin_dir = tmp_path / "bin"  # a PATH without them
    bin_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.bench", "--resolutions", "", "--live", "--out",
         str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": str(bin_dir)},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "bench: --live needs chromium and chromedriver (Debian's chromium and chromium-driver; "
        "make bench LIVE=1 installs them)"
    ]
    assert not (tmp_path / "out").exists()
