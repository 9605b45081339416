"""The film build, for real (all ten shots, at a small size): it never joins a preview of some
beats, a stale shot or a video that is not its sidecar's; Ctrl-C and SIGTERM stop its renders
and the next build goes on; two builds at once both end with the whole film."""

from __future__ import annotations

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

from gdkit import storyboard
from gdkit.paths import ROOT
from tests.helpers import (
    FPS,
    MANIM,
    SIZE,
    build,
    build_command,
    decoded,
    one_line_error,
    unprivileged,
)

SHOTS = [shot.name for shot in storyboard.film()]  # the storyboard's ten, and the coda
BEATS = sum(len(s.beats) for s in storyboard.film())


def shot_dir(media: Path) -> Path:
    return media / "videos" / "zh" / "72p2"


def film(media: Path) -> Path:
    return media / "gradient_descent.zh.72p2.mp4"


def whole_film(media: Path) -> dict:
    """The film's timeline, once checked: every shot whole, its subtitles the narration."""
    timeline = json.loads(film(media).with_suffix(".beats.json").read_text())
    assert [s["shot"] for s in timeline["shots"]] == SHOTS
    for shot in timeline["shots"]:
        part = json.loads((shot_dir(media) / f"{shot['shot']}.beats.json").read_text())
        assert part["first_beat"] == 1 and shot["duration"] == part["duration"]
        assert [b["beat"] for b in shot["beats"]] == [
            b.number for b in storyboard.shot(shot["shot"]).beats
        ]
    cues = film(media).with_suffix(".srt").read_text().strip().split("\n\n")
    said = [b.narration("zh") for s in storyboard.film() for b in s.beats]
    assert BEATS <= len(cues) <= 2 * BEATS  # a long narration is said in several cues
    shown = "".join("".join(c.split("\n")[2:]) for c in cues)
    assert shown.replace(" ", "") == "".join(said).replace(" ", "")
    assert len(said) == BEATS
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-show_chapters",
         "-of", "json", str(film(media))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    made = json.loads(probe.stdout)
    assert float(made["format"]["duration"]) == pytest.approx(timeline["duration"], abs=0.6)
    assert len(made["chapters"]) == len(SHOTS)
    return timeline


def test_the_built_film_is_whole(built):
    whole_film(built)


@pytest.fixture
def media(built, tmp_path) -> Path:
    """A copy of the built film and its shots, to change."""
    copy = tmp_path / "media"
    shutil.copytree(built, copy)
    return copy


def test_a_beat_preview_never_goes_into_the_film(media):
    before = whole_film(media)
    preview = subprocess.run(
        [MANIM, "S3.py", "M3", "-r", SIZE, "--fps", FPS, "--beat", "12", "-q", "--media", media],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert preview.returncode == 0, preview.stderr
    again = build(media)
    assert again.returncode == 0 and "up to date" in again.stderr, again.stderr
    assert whole_film(media) == before

    # A part under the shot's name (as an older build could leave it) is rendered again.
    shots = shot_dir(media)
    for suffix in (".mp4", ".beats.json"):
        shutil.copy(shots / f"M3.from-beat-12{suffix}", shots / f"M3{suffix}")
    again = build(media)
    assert again.returncode == 0, again.stderr
    assert "M3 is rendered again: it holds beats 12..13, not 1..13" in again.stderr
    assert whole_film(media) == before


@pytest.mark.parametrize(
    "spoil, why",
    [
        (lambda d: shutil.copy(d / "M1.beats.json", d / "M5.beats.json"), "another render"),
        (lambda d: (d / "M5.beats.json").unlink(), "no sidecar"),
        (lambda d: (d / "M5.beats.json").write_text("{"), "cannot be read"),
        (lambda d: (d / "M5.mp4").write_bytes((d / "M5.mp4").read_bytes()[:-999]), "not the one"),
        (lambda d: shutil.copy(d / "M6.mp4", d / "M5.mp4"), "not the one"),
    ],
    ids=["sidecar of another shot", "no sidecar", "broken sidecar", "cut video", "other video"],
)
def test_a_shot_that_fails_its_check_is_rendered_again(media, spoil, why):
    before = whole_film(media)
    spoil(shot_dir(media))
    again = build(media)
    assert again.returncode == 0, again.stderr
    assert "M5 is rendered again: " in again.stderr and why in again.stderr
    assert whole_film(media) == before


def renders_of(media: Path) -> list[int]:
    """Processes still at work on this media folder (renders, encoders)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(media) in (proc / "cmdline").read_text():
                found.append(int(proc.name))
        except OSError:
            pass
    return found


def wait_for_a_render(media: Path, build_process) -> None:
    deadline = time.monotonic() + 180
    while not list(shot_dir(media).glob(".M*.mp4.*.part")):
        assert build_process.poll() is None, build_process.communicate()
        assert time.monotonic() < deadline, "no render started"
        time.sleep(0.1)
    time.sleep(0.5)


@pytest.mark.parametrize(
    "how", ["SIGTERM to the build", "Ctrl-C at the terminal", "SIGKILL to the build"]
)
def test_an_interrupted_build_stops_its_renders_and_the_next_one_finishes(media, how):
    before = whole_film(media)
    shutil.rmtree(shot_dir(media) / ".beats")  # so that the shots are drawn again, not reused
    for name in ("M3", "M10"):  # the longest two: both render when the signal comes
        (shot_dir(media) / f"{name}.mp4").unlink()
    process = subprocess.Popen(
        build_command(media), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    wait_for_a_render(media, process)
    rendering = {p.name.split(".")[1] for p in shot_dir(media).glob(".M*.mp4.*.part")}
    if how == "SIGTERM to the build":
        process.send_signal(signal.SIGTERM)
    elif how == "SIGKILL to the build":
        process.send_signal(signal.SIGKILL)  # no clean-up of its own: its renders stop anyway
    else:
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the build and its renders
    out, err = process.communicate(timeout=60)
    if how == "SIGKILL to the build":
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + (signal.SIGTERM if "TERM" in how else signal.SIGINT)
        one_line_error(subprocess.CompletedProcess([], process.returncode, out, err), "interrupted")
        stopped = err.split("stopped rendering ")[1].split(";")[0].split(", ")
        assert stopped and set(stopped) <= {"M3", "M10"}, err
        assert not [s for s in stopped if (shot_dir(media) / f"{s}.mp4").exists()]  # unfinished
    deadline = time.monotonic() + 10
    while renders_of(media) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert renders_of(media) == []
    assert not [s for s in rendering if (shot_dir(media) / f"{s}.mp4").exists()]
    assert not list(shot_dir(media).glob("*.part"))
    again = build(media)
    assert again.returncode == 0, again.stderr
    assert whole_film(media) == before


def test_two_builds_at_once_both_end_with_the_whole_film(media):
    before = whole_film(media)
    for name in ("M2", "M9"):
        (shot_dir(media) / f"{name}.mp4").unlink()
    builds = [
        subprocess.Popen(build_command(media), cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    results = [b.communicate(timeout=600) for b in builds]
    assert [b.returncode for b in builds] == [0, 0], results
    errors = "".join(err for _, err in results)
    assert errors.count("another build of gradient_descent.zh.72p2 is running") == 1
    assert "up to date" in errors
    assert whole_film(media) == before


def read_only_checkout(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in ("gdkit", "assets", "S1.py", "S2.py", "S3.py", "S4.py", "S5.py",
                 "custom_config.yml", "pyproject.toml"):  # fmt: skip
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    return copy


@pytest.mark.parametrize("tool", ["gdkit.tools.video", "gdkit.tools.contact_sheet"])
def test_a_read_only_checkout_says_where_it_cannot_write(tmp_path, tool):
    checkout = read_only_checkout(tmp_path)
    result = subprocess.run(
        unprivileged([sys.executable, "-m", tool]),
        cwd=checkout, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    one_line_error(result, "cannot write to", str(checkout / "media"), "Permission denied")
    assert result.returncode == 1
    for path in [checkout, *checkout.rglob("*")]:
        path.chmod(0o755)


@pytest.mark.parametrize(
    "args, word",
    [(["--fps", "0"], "--fps"), (["--jobs", "0"], "--jobs"), (["--lang", "fr"], "--lang"),
     (["-r", "100x"], "--resolution"), (["--quality", "8k"], "--quality")],
)  # fmt: skip
def test_bad_build_options_get_one_line_and_leave_nothing(tmp_path, args, word):
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.video", "--media", str(tmp_path / "media"), *args],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    one_line_error(result, word)
    assert result.returncode == 2
    assert not (tmp_path / "media").exists()


def test_the_film_is_paced_for_its_narration_and_subtitled_with_it(built):
    timeline = whole_film(built)
    beats = [b for shot in timeline["shots"] for b in shot["beats"]]
    ends = [b["start"] for b in beats[1:]] + [timeline["duration"]]
    short = [
        (b["narration"][:12], round(end - b["start"], 2), b["reading_s"])
        for b, end in zip(beats, ends, strict=True)
        if end - b["start"] < b["reading_s"] - 0.01
    ]
    assert timeline["paced_for"] == "zh" and short == []
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries",
         "stream=index,codec_type:stream_disposition=default:stream_tags=language,handler_name"
         ":format_tags=title", "-of", "json", str(film(built))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    made = json.loads(probe.stdout)
    tracks = [s for s in made["streams"] if s["codec_type"] == "subtitle"]
    assert [(t["tags"]["language"], t["tags"]["handler_name"], t["disposition"]["default"])
            for t in tracks] == [("chi", "旁白", 1), ("chi", "分镜说明", 0)]  # fmt: skip
    assert made["format"]["tags"]["title"] == "梯度下降"


def test_no_hard_cut_inside_the_film(built):
    """Across every boundary between shots, the frames on either side differ little: each
    shot opens from the background and closes to it."""
    timeline = whole_film(built)
    fps = timeline["fps"]
    indices = []
    for shot in timeline["shots"][1:]:
        first = round(shot["start"] * fps)
        indices += [first - 1, first]
    frames = decoded(film(built), "gray", select=indices).astype(int)
    assert len(frames) == len(indices)
    for k, shot in enumerate(timeline["shots"][1:]):
        before, after = frames[2 * k], frames[2 * k + 1]
        assert np.abs(before - after).mean() < 1.5, f"a hard cut into {shot['shot']}"


def narration_of(label: str, line: str):
    def edit(data: str) -> str:
        lines = json.loads(data)
        lines["lines"][label]["zh"] = line
        return json.dumps(lines, ensure_ascii=False, indent=1)

    return edit


def note_of(shot: str, beat: int, note: str):
    def edit(data: str) -> str:
        board = json.loads(data)
        (entry,) = [s for s in board["shots"] if s["shot"] == shot]
        entry["beats"][beat - 1]["zh"] = note
        return json.dumps(board, ensure_ascii=False, indent=1)

    return edit


def spaced(data: str) -> str:
    return data + " "


@pytest.mark.parametrize(
    "changed, edit, stale",
    [
        ("assets/narration.json", narration_of("M7.2", "学习率为 1：一步越过谷底。"), {"M7"}),
        ("assets/storyboard.json", note_of("M3", 9, "沿梯度方向前进"), {"M3"}),
        ("assets/narration.json", spaced, set()),  # the same data, laid out otherwise
        ("S4.py", spaced, {s.name for s in storyboard.film() if s.file == "S4.py"}),
        ("gdkit/descent.py", spaced, set(SHOTS)),
        ("gdkit/tools/page.py", spaced, set()),  # no render reads it
        ("gdkit/voice.py", spaced, set()),  # only a voiced render reads it
    ],
    ids=[
        "a narration line",
        "a beat note",
        "data laid out anew",
        "an S-file",
        "the library",
        "the page's code",
        "the voice's code",
    ],  # fmt: skip
)
def test_a_shot_is_stale_when_what_it_was_made_from_changed(
    built, tmp_path, monkeypatch, changed, edit, stale
):
    """A shot's sidecar names each file its render read and, of the narration and the
    storyboard, its own part: a changed narration line makes its shot stale (it changes how
    long its beat is held) and no other; a changed S-file, the shots it holds; the library,
    every shot."""
    from gdkit import sources
    from gdkit.tools import outputs
    from gdkit.tools.video import Film

    film = Film("zh", (128, 72), 2, built)
    assert all(film.problem(shot) is None for shot in storyboard.film())
    made_from = json.loads(outputs.sidecar_path(film.video(storyboard.shot("M7"))).read_text())
    assert {"assets/narration.json#M7", "S4.py", "custom_config.yml"} <= set(made_from["sources"])
    (tmp_path / changed).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / changed).write_text(edit((ROOT / changed).read_text(encoding="utf-8")), "utf-8")
    real = sources.resolved
    monkeypatch.setattr(
        sources, "resolved", lambda name: tmp_path / name if name == changed else real(name)
    )
    problems = {shot.name: film.problem(shot) for shot in storyboard.film()}
    assert {name for name, why in problems.items() if why} == stale
    assert all(problems[name] == f"its inputs changed ({changed})" for name in stale)


def test_the_build_renders_the_longest_shots_first_by_their_last_render(built, tmp_path):
    from gdkit.tools.video import Film, Job, longest_first, render_seconds

    def order(film):
        return [job.name for job in longest_first(film, [Job(s) for s in storyboard.film()])]

    film = Film("zh", (128, 72), 2, built)
    seconds = render_seconds(film)
    assert sorted(seconds) == sorted(SHOTS) and all(s > 0 for s in seconds.values())
    assert order(film) == sorted(SHOTS, key=lambda name: -seconds[name])
    # A shot with no timing yet goes where its narration's length puts it; a damaged file
    # only loses the order.
    copy = Film("zh", (128, 72), 2, tmp_path)
    copy.shot_dir.mkdir(parents=True)
    copy.timings.write_text('{"M3": 10, "M6": 1}')
    assert order(copy).index("M3") < order(copy).index("M10") < order(copy).index("M6")
    copy.timings.write_text("{damaged")
    assert order(copy)[0] == "M3"


def test_long_shots_cut_into_beat_ranges_join_into_the_whole_shots(built, tmp_path):
    """With --split and more renders at once than a long shot's share of the work, the build
    cuts it at beats, renders the ranges (rehearsed from the start) and joins them without
    re-encoding: the same frames, beats and film as the build that renders whole shots."""
    from gdkit.tools.video import Film, longest_first, split

    small = Film("zh", (128, 72), 2, tmp_path / "media")
    work = longest_first(small, split(small, storyboard.film(), 10))
    m3 = [job.first for job in work if job.shot.name == "M3"]
    # M3 in four ranges, rendered longest first: not in the order they join in.
    assert len(m3) >= 3 and m3 != sorted(m3), m3
    result = subprocess.run(
        build_command(tmp_path / "media", "--jobs", "10", "--split"), cwd=ROOT,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    whole, ranges = shot_dir(built), shot_dir(tmp_path / "media")
    for name in SHOTS:
        made = json.loads((ranges / f"{name}.beats.json").read_text())
        expected = json.loads((whole / f"{name}.beats.json").read_text())
        assert made["frames"] == expected["frames"], name
        assert [b["beat"] for b in made["beats"]] == [b["beat"] for b in expected["beats"]]
        for b, e in zip(made["beats"], expected["beats"], strict=True):
            assert b["start"] == pytest.approx(e["start"], abs=1e-3), (name, b["beat"])
    joined = json.loads((ranges / "M3.beats.json").read_text())["ranges"]
    firsts = sorted(m3)
    lasts = [first - 1 for first in firsts[1:]] + [len(storyboard.shot("M3").beats)]
    assert joined == [f"M3.{a}-{b}" for a, b in zip(firsts, lasts, strict=True)], joined
    assert not list(ranges.glob("M3.beats-*")) and not list(ranges.glob("M3.from-beat-*"))
    timeline = whole_film(tmp_path / "media")
    assert timeline["duration"] == whole_film(built)["duration"]
    # Each beat is encoded from a key frame of its own, whichever render drew it: the joined
    # shots hold the very packets of the whole ones, and the films are the same bytes.
    for name in SHOTS:
        assert packets(ranges / f"{name}.mp4") == packets(whole / f"{name}.mp4"), name
    assert film(tmp_path / "media").read_bytes() == film(built).read_bytes()


def packets(video: Path) -> list[str]:
    """Each packet of the video stream: its times, flags and a digest of its data."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v", "-show_packets", "-show_data_hash",
         "sha256", "-show_entries", "packet=pts,dts,duration,flags,data_hash", "-of", "csv",
         str(video)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return probe.stdout.split()
