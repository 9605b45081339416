"""Output for video editors: transparent shots (ProRes 4444 with alpha) and the timeline
(OpenTimelineIO, exported as FCP 7 XML), from a real build of every shot."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from gdkit import storyboard
from gdkit.paths import ROOT
from tests.helpers import MANIM, decoded, one_line_error

pytestmark = pytest.mark.film  # the transparent shots, built whole

SIZE, FPS = (64, 36), 24  # FCP XML's time codes need a standard frame rate
FLAGS = ["-r", f"{SIZE[0]}x{SIZE[1]}", "--fps", str(FPS)]
SHOTS = list(storyboard.shots().values())


def rgba_frame(video: Path, t: float, size=SIZE) -> np.ndarray:
    return decoded(video, "rgba", at=t)[0]


def pixel_format(video: Path) -> str:
    return subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,pix_fmt", "-of", "csv=p=0", str(video)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """`make shots TRANSPARENT=1`, small: every shot with an alpha channel (four renders at
    once, so that M3 is rendered as two ranges of beats and joined)."""
    media = tmp_path_factory.mktemp("editor") / "media"
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.video", "--transparent", *FLAGS,
         "--jobs", "4", "--split", "--media", str(media)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not list(media.glob("gradient_descent.*.mp4"))  # the shots only, no film
    return media


def timeline(media: Path):
    return subprocess.run(
        [sys.executable, "-m", "gdkit.tools.timeline", "-t", *FLAGS, "--media", str(media)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_transparent_shot_has_alpha_transparent_background_and_opaque_content(shots):
    folder = shots / "videos" / "zh" / "36p24"
    for shot in SHOTS:
        video = folder / f"{shot.name}.alpha.mov"
        codec, pix_fmt = pixel_format(video).split(",")
        assert codec == "prores" and pix_fmt.startswith("yuva"), (shot.name, pix_fmt)
        part = json.loads((folder / f"{shot.name}.alpha.beats.json").read_text())
        assert part["transparent"] and part["shot"] == shot.name
        assert ("ranges" in part) == (shot.name == "M3"), shot.name  # joined from its ranges
        alpha = rgba_frame(video, part["duration"] / 2)[..., 3]
        assert (alpha == 0).mean() > 0.05, shot.name  # the background shows through
        assert alpha.max() >= 128, shot.name  # what is drawn (thin at this size)


def test_a_transparent_render_is_opaque_where_drawn(tmp_path):
    result = subprocess.run(
        [MANIM, "S1.py", "M1", "-t", "--beat", "1..1", "-l", "--fps", "10", "-q",
         "--media", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    video = Path(result.stdout.split()[0])
    assert video.name == "M1.beats-1-1.alpha.mov"
    part = json.loads(video.with_suffix(".beats.json").read_text())
    alpha = rgba_frame(video, part["duration"] - 0.2, (854, 480))[..., 3]
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0
    assert (alpha == 255).sum() > 1000  # the formula's glyphs, whole


def test_the_timeline_places_each_shot_at_its_storyboard_time_code(shots):
    result = timeline(shots)
    assert result.returncode == 0, result.stderr
    written = [Path(line) for line in result.stdout.split()]
    assert [p.suffix for p in written] == [".otio", ".xml"]
    edit = otio.adapters.read_from_file(str(written[0]))
    clips = list(edit.find_clips())
    assert [c.name for c in clips] == [s.name for s in SHOTS]
    rate = storyboard.fps()
    for clip, shot in zip(clips, SHOTS, strict=True):
        start = clip.range_in_parent().start_time.rescaled_to(rate).value
        assert start == pytest.approx(shot.start_frames(), abs=1), shot.name  # within a frame
        target = clip.media_reference.target_url
        assert target.startswith("file://") and target.endswith(f"/{shot.name}.alpha.mov")
    markers = [m for c in clips for m in c.markers]
    assert [m.name for m in markers] == [b.label for s in SHOTS for b in s.beats]
    assert [m.comment for m in markers] == [b.narration("zh") for s in SHOTS for b in s.beats]
    # A shot longer than its slot ends where the next begins, and is reported.
    for clip, after in zip(clips, clips[1:], strict=False):
        end = clip.range_in_parent().end_time_exclusive().to_seconds()
        assert end <= after.range_in_parent().start_time.to_seconds() + 1e-9
    assert "M3 runs" in result.stderr and "past the next shot's start" in result.stderr


def test_the_editor_file_parses(shots):
    result = timeline(shots)
    assert result.returncode == 0, result.stderr
    xml = Path(result.stdout.split()[1])
    root = ElementTree.parse(xml).getroot()
    assert root.tag == "xmeml"
    assert len(root.findall(".//sequence/media/video/track/clipitem")) == len(SHOTS)
    assert len(list(otio.adapters.read_from_file(str(xml)).find_clips())) == len(SHOTS)


def test_a_shot_missing_from_the_build_names_the_command_that_renders_it(shots, tmp_path):
    media = tmp_path / "media"
    subprocess.run(["cp", "-a", str(shots), str(media)], check=True)
    for made in (*media.glob("*.otio"), *media.glob("*.xml")):
        made.unlink()
    (media / "videos" / "zh" / "36p24" / "M3.alpha.mov").unlink()
    result = timeline(media)
    one_line_error(result, "M3", "manim S3.py M3 -r 64x36 --fps 24 --lang zh -t")
    assert not list(media.glob("*.otio")) and not list(media.glob("*.xml"))


def test_a_transparent_still_is_a_png_with_alpha_that_composites_to_the_film_frame(tmp_path):
    from PIL import Image

    def still(*flags) -> Image.Image:
        result = subprocess.run(
            [MANIM, "S1.py", "M1", "-s", *flags, "-r", "320x180", "-q", "--media", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return Image.open(result.stdout.split()[0])

    png, film = still("-t"), still()
    assert Path(png.filename).name == "M1.alpha.png" and png.mode == "RGBA"
    pixels = np.asarray(png).astype(float)
    alpha = pixels[..., 3:] / 255
    assert alpha[0, 0] == 0 and alpha.max() == 1
    # Over the film's background it is the film's frame: straight colour, no dark fringes.
    background = np.asarray(film.convert("RGB"))[0, 0]
    over = pixels[..., :3] * alpha + background * (1 - alpha)
    difference = np.abs(over - np.asarray(film.convert("RGB")))
    assert difference.max() <= 1  # rounding only
