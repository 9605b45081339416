"""Bad data files, for real: a storyboard or narration file with a syntax error or of the
wrong shape, sidecars that name the right video but do not hold what a sidecar holds, a
damaged record of render times, an edited film .srt, a full disk. Each command ends with one
line on stderr (which file, what is wrong) and a non-zero exit, or goes on as it does for a
missing file; never with a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdkit.paths import ROOT
from tests.helpers import FPS, MANIM, SIZE, build, build_command, one_line_error

RAW = "@raw@"  # where a spoiled JSON file gets text that no JSON encoder writes
DEEP = "[" * 100_000 + "]" * 100_000  # nested deeper than Python's recursion limit


def spoil(path: Path, change, raw: str = "") -> None:
    """Rewrite the JSON file `path` after `change(data)`; the string RAW becomes `raw`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(text.replace(json.dumps(RAW), raw), encoding="utf-8")


# The data files users edit (the README says so), in a copy of the checkout


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of this checkout: its files as git sees them, edits included."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    copy = tmp_path / "checkout"
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


COMMANDS = {
    "manim": [MANIM, "S1.py", "M1", "-s", "-r", SIZE],
    "make video": [sys.executable, "-m", "gdkit.tools.video", "-r", SIZE, "--fps", FPS],
    "make storyboard": [sys.executable, "-m", "gdkit.tools.contact_sheet"],
    "make timeline": [sys.executable, "-m", "gdkit.tools.timeline", "-r", SIZE, "--fps", FPS],
}


def run_in(checkout: Path, command: list[str]):
    """`command` run in `checkout`, with its gdkit (not the one installed for this one)."""
    return subprocess.run(
        [*command, "--media", str(checkout / "media")], cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)}, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def without_a_comma(path: Path) -> json.JSONDecodeError:
    """Take out the first comma between two members in `path`; the error that makes."""
    broken = path.read_text(encoding="utf-8").replace("},\n", "}\n", 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as error:
        json.loads(broken)
    return error.value


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", ["narration.json", "storyboard.json"])
def test_a_missing_comma_in_a_data_file_gets_one_line_with_its_place(checkout, name, command):
    error = without_a_comma(checkout / "assets" / name)
    result = run_in(checkout, COMMANDS[command])
    one_line_error(result, f"assets/{name}: line {error.lineno} column {error.colno}: ")
    assert result.returncode == 1
    assert not list((checkout / "media").rglob("*.mp4"))


WRONG_SHAPES = {
    "a beat without a note": (
        "storyboard.json", lambda d: d["shots"][2]["beats"][0].pop("zh"),
        'assets/storyboard.json: shots[2].beats[0]: no "zh"',
    ),
    "a number for a time code": (
        "storyboard.json", lambda d: d["shots"][1].update(start=12),
        "assets/storyboard.json: shots[1].start: 12 is not a string",
    ),
    "a time code without frames": (
        "storyboard.json", lambda d: d["shots"][1].update(start="00:00:27"),
        "assets/storyboard.json: shots[1].start: '00:00:27' is not a time code HH:MM:SS:FF",
    ),
    "an object for a list": (
        "storyboard.json", lambda d: d["shots"][3].update(beats={}),
        "assets/storyboard.json: shots[3].beats: {} is not a list",
    ),
    "a string for a frame rate": (
        "storyboard.json", lambda d: d.update(fps="30"),
        "assets/storyboard.json: fps: '30' is not a whole number",
    ),
    "no coda": ("storyboard.json", lambda d: d.pop("coda"), 'assets/storyboard.json: no "coda"'),
    "beats out of order": (
        "storyboard.json", lambda d: d["shots"][0]["beats"][1].update(beat=3),
        "assets/storyboard.json: shots[0].beats[1].beat: 3, not 2",
    ),
    "a shot twice": (
        "storyboard.json", lambda d: d["shots"][4].update(shot="M2"),
        "assets/storyboard.json: shots[4].shot: 'M2' again",
    ),
    "a list for a line": (
        "narration.json", lambda d: d["lines"]["M2.1"].update(en=["x"]),
        "assets/narration.json: lines[\"M2.1\"].en: ['x'] is not a string",
    ),
    "a list for the lines": (
        "narration.json", lambda d: d.update(lines=[]),
        "assets/narration.json: lines: [] is not an object",
    ),
}  # fmt: skip


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_data_file_of_the_wrong_shape_gets_one_line_with_the_place(checkout, shape):
    name, change, line = WRONG_SHAPES[shape]
    spoil(checkout / "assets" / name, change)
    result = run_in(checkout, COMMANDS["make video"])
    one_line_error(result, f"video: error: {line}")
    assert result.returncode == 1


# Sidecars that hold their video's digest but not what a sidecar holds


def shot_dir(media: Path) -> Path:
    return media / "videos" / "zh" / f"{SIZE.split('x')[1]}p{FPS}"


def film(media: Path) -> Path:
    return media / f"gradient_descent.zh.{SIZE.split('x')[1]}p{FPS}.mp4"


def sidecar(video: Path) -> Path:
    return video.with_suffix(".beats.json")


@pytest.fixture
def media(built, tmp_path) -> Path:
    """A copy of the built film and its shots, to spoil."""
    copy = tmp_path / "media"
    shutil.copytree(built, copy)
    return copy


SHOT_SIDECARS = {
    "a beat without narration": (lambda d: d["beats"][0].pop("narration"), ""),
    "a string start": (lambda d: d["beats"][1].update(start=str(d["beats"][1]["start"])), ""),
    "a start past the end": (lambda d: d["beats"][-1].update(start=d["duration"] + 1), ""),
    "frames 1e999": (lambda d: d.update(frames=RAW), "1e999"),
    "a NaN start": (lambda d: d["beats"][1].update(start=RAW), "NaN"),
    "deeply nested": (lambda d: d["beats"][0].update(narration=RAW), DEEP),
}


@pytest.mark.parametrize("spoiled", SHOT_SIDECARS)
def test_a_shot_whose_sidecar_is_not_one_is_rendered_again(built, media, spoiled):
    spoil(sidecar(shot_dir(media) / "M5.mp4"), *SHOT_SIDECARS[spoiled])
    film(media).unlink()  # a film to join
    result = build(media)
    assert result.returncode == 0, result.stderr
    assert "M5 is rendered again: its sidecar cannot be read" in result.stderr
    assert film(media).read_bytes() == film(built).read_bytes()


@pytest.mark.parametrize("spoiled", SHOT_SIDECARS)
def test_a_timeline_with_a_shot_whose_sidecar_is_not_one_names_the_shot(media, spoiled):
    spoil(sidecar(shot_dir(media) / "M5.mp4"), *SHOT_SIDECARS[spoiled])
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.timeline", "-r", SIZE, "--fps", FPS,
         "--media", str(media)], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    one_line_error(result, "M5 is not in the build (its sidecar cannot be read)")
    assert result.returncode == 1


FILM_SIDECARS = {
    "no shots": (lambda d: d.pop("shots"), ""),
    "a shot without beats": (lambda d: d["shots"][3].pop("beats"), ""),
    "a beat without narration": (lambda d: d["shots"][2]["beats"][0].pop("narration"), ""),
    "a duration of 1e999": (lambda d: d["shots"][0].update(duration=RAW), "1e999"),
    "deeply nested": (lambda d: d.update(shots=RAW), DEEP),
}


@pytest.mark.parametrize("spoiled", FILM_SIDECARS)
def test_a_film_whose_sidecar_is_not_one_is_joined_again(built, media, spoiled):
    spoil(sidecar(film(media)), *FILM_SIDECARS[spoiled])
    result = build(media)
    assert result.returncode == 0, result.stderr
    assert "up to date" not in result.stderr and "Traceback" not in result.stderr
    assert sidecar(film(media)).read_text() == sidecar(film(built)).read_text()
    assert film(media).read_bytes() == film(built).read_bytes()


def test_the_storyboard_page_leaves_out_a_film_whose_sidecar_is_not_one(media):
    os.utime(film(media), (1, 1))  # the good film is the oldest: each broken one comes first
    broken = []
    for height, (change, raw) in enumerate(FILM_SIDECARS.values(), start=1):
        copy = media / f"gradient_descent.zh.{height}p2.mp4"
        shutil.copy(film(media), copy)
        shutil.copy(sidecar(film(media)), sidecar(copy))
        spoil(sidecar(copy), change, raw)
        broken.append(sidecar(copy))
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.contact_sheet", "--media", str(media)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == len(broken), result.stderr
    for path in broken:  # newest first
        said = [line for line in warnings if line.startswith(f"warning: {path}: ")]
        assert said and said[0].endswith("the page leaves its film out"), (path, warnings)
    page = (media / "storyboard.zh.html").read_text(encoding="utf-8")
    assert film(media).name in page and "gradient_descent.zh.1p2" not in page


# The film build's own files


@pytest.mark.parametrize(
    "seconds", ['{"M1": 1e999}', '{"M1": NaN, "M3": 12.5, "M4": 1e999, "M6": -1, "M8": [2]}']
)
def test_render_seconds_that_are_no_durations_are_ignored(built, media, seconds):
    for name in ("M1", "M4"):
        (shot_dir(media) / f"{name}.mp4").unlink()
    (shot_dir(media) / ".render-seconds.json").write_text(seconds)
    result = subprocess.run(
        build_command(media, "--jobs", "2", "--split"), cwd=ROOT, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert film(media).read_bytes() == film(built).read_bytes()


@pytest.mark.parametrize("edit", ["emptied", "edited"])
def test_an_emptied_or_edited_film_srt_makes_the_build_join_again(built, media, edit):
    srt = film(media).with_suffix(".srt")
    lines = srt.read_text().splitlines()
    lines[2] = "改过的一行"  # the first subtitle
    srt.write_text("" if edit == "emptied" else "\n".join(lines) + "\n")
    result = build(media)
    assert result.returncode == 0 and "up to date" not in result.stderr, result.stderr
    assert srt.read_bytes() == film(built).with_suffix(".srt").read_bytes()
    again = build(media)
    assert again.returncode == 0 and "up to date" in again.stderr, again.stderr


def test_the_film_takes_narration_and_notes_from_the_storyboard_not_the_sidecars(built, media):
    def forged(data):
        data["beats"][0]["narration"] = {"zh": "伪造的旁白", "en": "a forged line"}
        data["beats"][0]["zh"] = "伪造的说明"
        data["beats"][0]["reading_s"] = 99.0

    spoil(sidecar(shot_dir(media) / "M5.mp4"), forged)
    film(media).unlink()  # a film to join
    result = build(media)
    assert result.returncode == 0, result.stderr
    assert "rendered again" not in result.stderr  # the sidecar is one, of the right video
    assert sidecar(film(media)).read_text() == sidecar(film(built)).read_text()
    assert (
        film(media).with_suffix(".srt").read_text() == film(built).with_suffix(".srt").read_text()
    )
    assert film(media).read_bytes() == film(built).read_bytes()


def key_frames(video: Path) -> list[int]:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "packet=pts_time,flags", "-of", "csv=p=0", str(video)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [
        round(float(t) * int(FPS))
        for t, flags in (p.split(",") for p in probe.split())
        if "K" in flags
    ]


def test_a_beat_start_that_is_no_key_frame_of_its_video_is_refused(media):
    """Each beat of a shot is encoded from a key frame of its own: a sidecar that moves a
    beat's start elsewhere does not describe its video."""
    video = shot_dir(media) / "M5.mp4"
    keys = key_frames(video)
    starts = [round(b["start"] * int(FPS)) for b in json.loads(sidecar(video).read_text())["beats"]]
    assert set(starts) <= set(keys)
    moved = next(f for f in range(starts[1] + 1, starts[2]) if f not in keys)
    spoil(sidecar(video), lambda d: d["beats"][1].update(start=moved / int(FPS)))
    film(media).unlink()  # a film to join
    result = build(media)
    one_line_error(result, "M5 cannot go into the film", "beat 2", "key frame", str(video))
    assert not film(media).exists()


# A full disk: a small tmpfs of this test's own (in a user and mount namespace)


def in_a_tmpfs(script: str, *args) -> subprocess.CompletedProcess:
    """`sh -c script` with a fresh tmpfs (4 MiB) mounted at $1; the other arguments are $2..."""
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
         f'mount -t tmpfs -o size=4m tmpfs "$1" || exit 99\n{script}', "sh", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def pages(size: int) -> int:
    return -(-size // os.sysconf("SC_PAGE_SIZE"))


# The media folder $2 copied into the tmpfs, which is then filled up but for $3 pages; the
# build ($4...), and what it left there.
FILLED_UP = """
cp -a "$2"/. "$1"/ && free=$(stat -f -c %a "$1") && block=$(stat -f -c %S "$1") &&
    fallocate -l $(( (free - $3) * block )) "$1/.filler" || exit 98
folder=$1
shift 3
"$@"
code=$?
ls -A "$folder"
exit $code
"""


@pytest.mark.parametrize("full", ["while the film is written", "while its sidecar is written"])
def test_a_full_disk_while_the_film_is_joined_gets_one_line_and_leaves_nothing(
    built, media, tmp_path, full
):
    folder = tmp_path / "tmpfs"
    folder.mkdir()
    if (tried := in_a_tmpfs("true", folder)).returncode != 0:
        pytest.skip(f"no tmpfs of a test's own here (unshare, mount): {tried.stderr.strip()}")
    from gdkit.tools import subtitles, video

    timeline = json.loads(sidecar(film(built)).read_text(encoding="utf-8"))
    for path in (film(media), film(media).with_suffix(".srt"), sidecar(film(media))):
        path.unlink()  # a film to join
    # Written before the film: its .srt, the notes, the chapters and the list of shots.
    before = [subtitles.srt(timeline), subtitles.srt(timeline, "notes"), video.chapters(timeline)]
    room = sum(pages(len(text.encode())) for text in before) + 1
    film_pages = pages(film(built).stat().st_size)
    room += film_pages // 2 if full == "while the film is written" else film_pages
    result = in_a_tmpfs(FILLED_UP, folder, media, room, *build_command(folder))
    assert result.returncode not in (98, 99), result.stderr
    one_line_error(result, "video: error: ", "No space left on device")
    if full == "while its sidecar is written":
        one_line_error(result, f"cannot write {folder / sidecar(film(media)).name}")
    left = set(result.stdout.split())
    assert not {film(folder).name, film(folder).with_suffix(".srt").name} & left, left
    assert not [name for name in left if name.endswith(".part")], left


# custom_config.yml, read by every render of the film: said once, before any render starts


@pytest.mark.parametrize("command", ["make video", "make storyboard"])
def test_a_broken_custom_config_gets_one_line_before_any_render(checkout, command):
    config = checkout / "custom_config.yml"
    text = config.read_text()
    assert "  fps: 30\n" in text
    config.write_text(text.replace("  fps: 30\n", "  fps: [30\n"))
    result = run_in(checkout, COMMANDS[command])
    one_line_error(result, f"error: {config}:12:4: ", "flow sequence begun at line 11")
    assert result.returncode == 1
    assert not list((checkout / "media").rglob("*.log"))  # no render was started


def test_the_film_build_warns_of_a_config_font_that_is_not_installed(checkout):
    config = checkout / "custom_config.yml"
    text = config.read_text()
    config.write_text(text.replace('font: "Noto Sans CJK SC"', 'font: "GD No Such Font"'))
    # A storyboard error after the warning: the build stops before it renders anything.
    spoil(checkout / "assets" / "storyboard.json", lambda d: d.update(fps="30"))
    result = run_in(checkout, COMMANDS["make video"])
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        "video: warning: font 'GD No Such Font' (custom_config.yml) is not installed; text is "
        "drawn in a fallback font (fc-list :family='GD No Such Font' finds none)",
        "video: error: assets/storyboard.json: fps: '30' is not a whole number",
    ]
