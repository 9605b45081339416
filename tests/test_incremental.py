"""A shot rendered again after an edit draws only the beats whose frames changed, reuses the
kept encodings of the others, and is frame for frame the shot a clean render of the edited
scene gives."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdkit.paths import ROOT
from tests.helpers import MANIM

pytestmark = pytest.mark.film  # every test renders a shot whole, and again

FLAGS = ["-r", "256x144", "--fps", "5", "-q"]


# `manim`, saying whether the render rehearsed beside itself (beats.Ahead) or first.
SPIED = """
import sys
from gdkit.tools import beats
from gdkit.tools.guard import command

real = beats.Ahead.__init__

def spied(self, rehearse):
    print("(rehearsed alongside)", file=sys.stderr)
    real(self, rehearse)

beats.Ahead.__init__ = spied
sys.exit(command(sys.argv[1:]))
"""


def render(folder: Path, media: Path, lookahead: str | None = None) -> str:
    """Render M3 from the S3.py in `folder` into `media` (`lookahead`: GD_LOOKAHEAD); what
    it said."""
    command = [sys.executable, "-c", SPIED] if lookahead else [MANIM]
    result = subprocess.run(
        [*command, "S3.py", "M3", *FLAGS, "--media", str(media)],
        cwd=folder, capture_output=True, text=True, timeout=600,
        env={**os.environ, **({"GD_LOOKAHEAD": lookahead} if lookahead else {})},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


def digest(media: Path) -> str:
    """The digest of each frame of the shot's video, decoded, with its time: the pictures
    exactly (x264 does not always give the same bytes for the same frames twice; see
    bench/incremental.md)."""
    framemd5 = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(media / "videos/zh/144p5/M3.mp4"),
         "-f", "framemd5", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return hashlib.sha256(framemd5.encode()).hexdigest()


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    """M3 rendered once as it is (`first`), and its scene file with M3's second learning
    rate edited (1.5 to 1.4) rendered clean (`clean`): media folders a test copies to start
    from."""
    root = tmp_path_factory.mktemp("incremental")
    original, edited = root / "original", root / "edited"
    for folder in (original, edited):
        folder.mkdir()
    source = (ROOT / "S3.py").read_text()
    assert "learning_rates = (1.0, 1.5, 0.5)" in source
    (original / "S3.py").write_text(source)
    (edited / "S3.py").write_text(source.replace("(1.0, 1.5, 0.5)", "(1.0, 1.4, 0.5)"))
    render(original, root / "first")
    render(edited, root / "clean")
    return root


def copied(media: Path, to: Path) -> Path:
    shutil.copytree(media, to, symlinks=True)
    return to


@pytest.mark.parametrize("lookahead", ["1", "0"], ids=["rehearsed alongside", "rehearsed first"])
def test_an_edited_knob_redraws_only_the_beats_it_changes(scenes, tmp_path, lookahead):
    """M3.learning_rates (1.0, 1.5, 0.5) -> (1.0, 1.4, 0.5): only M3.12-13 show the second
    rate; the others are reused, and the shot is the clean render's, frame for frame, whether
    the rehearsal runs beside the render (a core to spare) or before it."""
    media = copied(scenes / "first", tmp_path / "media")
    said = "M3: beats 12–13 changed, 1–11 reused"
    if lookahead == "1":
        said = "(rehearsed alongside)\n" + said
    assert render(scenes / "edited", media, lookahead) == said
    assert digest(media) == digest(scenes / "clean")
    if lookahead == "0":
        # ... and back: the beats of the first render were not kept, so 12-13 are drawn again
        assert render(scenes / "original", media, lookahead) == said
        assert render(scenes / "edited", media, lookahead) == said
        assert digest(media) == digest(scenes / "clean")
    kept = sorted(p.name for p in (media / "videos/zh/144p5/.beats").iterdir())
    assert len(kept) == 13 and all(name.startswith("M3.") for name in kept)  # one per beat


def test_a_comment_redraws_nothing(scenes, tmp_path):
    media = copied(scenes / "clean", tmp_path / "media")
    (tmp_path / "S3.py").write_text((scenes / "edited" / "S3.py").read_text() + "# a note\n")
    assert render(tmp_path, media) == "M3: no beat changed, 1–13 reused"
    assert digest(media) == digest(scenes / "clean")


def test_a_damaged_kept_encoding_is_drawn_again(scenes, tmp_path):
    """Nothing kept is taken unchecked: an encoding that is not the one the sidecar names
    (emptied, or another beat's), or not a plain file (a link), is drawn again, and the
    shot is still the clean render's."""
    media = copied(scenes / "clean", tmp_path / "media")
    shot = json.loads((media / "videos/zh/144p5/M3.beats.json").read_text())
    kept = [media / f"videos/zh/144p5/.beats/M3.{beat['key']}.mp4" for beat in shot["beats"]]
    kept[1].write_bytes(b"")  # M3.2
    kept[4].write_bytes(kept[5].read_bytes())  # M3.5
    kept[8].unlink()
    kept[8].symlink_to(kept[9])  # M3.9
    assert (
        render(scenes / "edited", media) == "M3: beats 2, 5, 9 changed, 1, 3–4, 6–8, 10–13 reused"
    )
    assert digest(media) == digest(scenes / "clean")


def test_one_changed_beat_is_named_in_the_singular(capsys):
    from types import SimpleNamespace

    from gdkit.tools.cli import say_reuse

    scene = SimpleNamespace(shot=SimpleNamespace(beats=[None, None]))
    say_reuse("M10", scene, {1: "kept"})
    assert capsys.readouterr().err == "M10: beat 2 changed, 1 reused\n"
