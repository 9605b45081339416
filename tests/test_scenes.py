"""Every shot, in both languages, fast-forwarded: each beat's end as its golden image shows
it, and the storyboard's numbers on screen. (What must be inside the frame, at every beat
end, test_2d_craft's composition test checks, more strictly.)"""

import numpy as np
import pytest

from gdkit import storyboard
from gdkit.paths import ROOT
from gdkit.tools.contact_sheet import run_shot
from tests.golden import RENDER, check, fresh_stills
from tests.helpers import decoded

SMALL = RENDER


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(storyboard.shots()))
def test_beats_match_their_golden_images(name, lang):
    """Each beat ends as its golden image shows; `make golden` refreshes them on purpose."""
    stills = fresh_stills(name, lang)
    beats = storyboard.shot(name).beats
    assert len(stills) == len(beats)
    problems = [
        p for b, still in zip(beats, stills, strict=True) if (p := check(still, lang, b.label))
    ]
    assert problems == []


def values_at_beat_ends(name, read):
    """read(scene) at the end of each beat, as {beat: value}."""
    values = {}

    def hook(scene, n):
        if n != 1:
            values[(n or scene.current_beat + 1) - 1] = read(scene)

    run_shot(name, "zh", SMALL, hooks=[hook])
    return values


def test_m1_shows_the_computed_point():
    scene = run_shot("M1", "en", SMALL)
    assert scene.coords == "(x, y, z) = (5, 12, 6.0908)"


def test_m2_readouts():
    values = values_at_beat_ends(
        "M2",
        lambda s: (
            round(s.alpha_readout.get_value(), 2),
            round(s.theta_readout.get_value(), 2),
            round(s.length_readout.get_value(), 2),
        ),
    )
    assert values == {1: (60, 0.0, 4), 2: (50, 10.56, 4), 3: (80, -18.33, 4), 4: (1, 15.45, 2.01)}


def test_m3_change_readouts():
    values = values_at_beat_ends(
        "M3", lambda s: round(s.change(), 3) if hasattr(s, "angle") else None
    )
    expected = {
        4: 0.391,
        5: 0.536,
        6: 0.607,
        9: 1.762,
        10: -1.762,
        11: -1.755,
        12: -2.573,
        13: -0.885,
    }
    assert {n: values[n] for n in expected} == expected


def test_m3_gradient_direction():
    scene = run_shot("M3", "zh", SMALL)
    assert round(scene.grad_angle, 2) == 53.91
    assert round(scene.angle.get_value(), 2) == round(53.91 + 180, 2)


def test_m5_slope_readouts():
    values = values_at_beat_ends(
        "M5", lambda s: round(s.slope.get_value(), 3) if hasattr(s, "slope") else None
    )
    assert {n: values[n] for n in (2, 3, 4)} == {2: 2.0, 3: 0.848, 4: 6.096}


def test_m7_runs():
    scene = run_shot("M7", "zh", SMALL)
    assert [(r.lr, r.steps, r.reason) for r in scene.runs] == [
        (0.05, 38, "converged"),
        (1.0, 2, "left_domain"),
        (0.3, 7, "converged"),
    ]


def test_m8_run_and_hud():
    scene = run_shot("M8", "zh", SMALL)
    assert scene.run.steps == 49
    np.testing.assert_allclose(scene.run.final, [2.929, 3.423], atol=5e-4)
    assert scene.iteration.get_value() == 49
    # Set as the formulas are, with a real minus sign.
    assert [n.num_string for n in scene.coords.numbers] == ["2.929", "3.423", "\u2212" + "0.222"]


def test_m10_runs_and_the_lowest():
    scene = run_shot("M10", "zh", SMALL)
    assert [r.steps for r in scene.result.runs] == [38, 38, 7, 33]
    assert scene.result.best_index == 3
    z_labels = [round(label.number.get_value(), 4) for label in scene.labels]
    assert z_labels == [-0.3334, -0.1726, -0.2212, -0.4967]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_real_shot_renders_to_video(root, tmp_path, lang):
    import json
    import subprocess
    import sys
    from pathlib import Path

    manim = Path(sys.executable).parent / "manim"
    result = subprocess.run(
        [
            manim,
            "S1.py",
            "M6",
            "-r",
            "256x144",
            "--fps",
            "10",
            "-q",
            "--lang",
            lang,
            "--media",
            tmp_path,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    video = tmp_path / f"videos/{lang}/144p10/M6.mp4"
    beats = json.loads(video.with_suffix(".beats.json").read_text())
    assert [b["beat"] for b in beats["beats"]] == [1, 2]
    assert 0 == beats["beats"][0]["start"] < beats["beats"][1]["start"] < beats["duration"]
    # before the shot sinks back into the background
    assert decoded(video, "gray", from_end=1.2).std() > 8


def test_a_moved_label_fails_the_golden_check():
    # The name under α a quarter unit lower: beat 2 must fail, beat 1 (no label yet) must pass.
    stills = fresh_stills("M6", "zh", label_gap=1.25)
    assert check(stills[0], "zh", "M6.1") is None
    problem = check(stills[1], "zh", "M6.2")
    assert problem is not None and "M6.2" in problem
    assert (ROOT / "tests/output/zh/M6.2.diff.png").exists()
