"""What a render can be made to do wrong, for real: a file edited while it renders, a damaged
shader cache, another user's links and FIFOs in the shared temporary folder or the media
folder, a full disk. Each ends with the right output, or one line and a non-zero exit."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gdkit.paths import ROOT
from tests.helpers import MANIM, manim, one_line_error, write_scene_file

OTHER_UID = 65534  # nobody: "another user on the machine"


def wait_for(predicate, process, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert process.poll() is None, f"the render ended before {what}"
        assert time.monotonic() < deadline, f"never {what}"
        time.sleep(0.05)


def test_a_file_edited_during_its_render_is_never_published_under_its_old_inputs(tmp_path):
    """The render loads an edited S-file; the file is put back while it renders. The video
    shows the edit, so it must not go out as the video of the file as it is now."""
    scene_file = write_scene_file(tmp_path, run_time=30)
    original = scene_file.read_text()
    scene_file.write_text(original.replace("Rotate(Square()", "Rotate(Triangle()"))
    out = tmp_path / "media/videos/zh/90p10"
    render = subprocess.Popen(
        [MANIM, scene_file, "M6", "-r", "160x90", "--fps", "10", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for(lambda: list(out.glob(".M6.mp4.*.part")), render, "the video was begun")
    scene_file.write_text(original)  # put back while it renders
    _, err = render.communicate(timeout=120)
    one_line_error(
        subprocess.CompletedProcess(render.args, render.returncode, "", err),
        "Sx.py changed while M6 rendered",
    )
    assert sorted(p.name for p in out.iterdir()) == []  # nothing published, nothing left

    # Unedited, the same render is published, and its sidecar names what it was made from.
    result = manim(scene_file, "M6", "-r", "160x90", "--fps", "10", "-q")
    assert result.returncode == 0, result.stderr
    sidecar = json.loads((out / "M6.beats.json").read_text())
    assert "gdkit/scenes.py" in sidecar["sources"] and str(scene_file) in sidecar["sources"]


def test_what_a_render_imports_is_what_it_records(tmp_path):
    """Every module of the project that a render ran is in its sidecar, with the digest of
    the bytes that ran; a stale compiled file is never run in place of today's source."""
    probe = textwrap.dedent(
        """
        import hashlib, sys
        from gdkit import sources
        import gdkit.descent
        path = sources.ROOT / "gdkit/descent.py"
        kept = sources.loaded[path.resolve()]
        print(kept == hashlib.sha256(path.read_bytes()).hexdigest(), sources.changed())
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(2):  # the second run loads the compiled file the first one wrote
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, env=env
        )
        assert result.stdout.split() == ["True", "[]"], result.stderr


def damage_gl_cache(folder: Path) -> int:
    """Each entry of a Mesa shader cache given the next one's content: entries that Mesa takes
    for good, and that crash it."""
    entries = sorted(p for p in folder.rglob("*") if p.is_file() and p.parent != folder)
    contents = [p.read_bytes() for p in entries]
    for path, content in zip(entries, contents[1:] + contents[:1], strict=True):
        path.write_bytes(content)
    return len(entries)


def test_a_damaged_shader_cache_never_kills_a_render_silently(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("MESA_SHADER_CACHE_DIR", None)
    still = [MANIM, ROOT / "S1.py", "M1", "-s", "-r", "160x90", "-q", "--media", tmp_path / "m"]
    first = subprocess.run(still, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    ours = tmp_path / "cache/gradient-descent-video/mesa"
    assert damage_gl_cache(ours) > 2  # Mesa's cache is in the project's checked folder

    # Mesa's own folder, damaged, is not read at all.
    mesa_own = tmp_path / "cache/mesa_shader_cache"
    shutil.copytree(ours / "mesa_shader_cache", mesa_own)
    again = subprocess.run(still, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "crashed (SIGSEGV)" in lines[0] and str(ours) in lines[0], lines
    assert Path(again.stdout.split()[0]).exists()
    after = subprocess.run(still, capture_output=True, text=True, env=env, timeout=300)
    assert after.returncode == 0 and after.stderr == "", after.stderr  # cleared, made anew


def other_users(path: Path) -> None:
    os.chown(path, OTHER_UID, OTHER_UID, follow_symlinks=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="planting as another user needs root's chown")
def test_links_and_fifos_planted_in_the_shared_temporary_folder_are_never_used(tmp_path):
    """manimgl writes each text's SVG to TMPDIR/<hash>.svg and reads it back; another user
    plants a link to a file of ours at one such name and a FIFO at the other."""
    shared = tmp_path / "tmp"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)
    env = {**os.environ, "TMPDIR": str(shared), "XDG_CACHE_HOME": str(tmp_path / "cold")}
    names = subprocess.run(
        [sys.executable, "-c", SVG_NAMES, str(ROOT / "S1.py"), "M1", "-s", "-r", "160x90",
         "-q", "--media", str(tmp_path / "probe")],
        capture_output=True, text=True, env={**env, "GD_PROBE_TMP": str(shared)}, timeout=300,
    )  # fmt: skip
    assert names.returncode == 0, names.stderr
    planted = [Path(name).name for name in names.stdout.split()]
    assert len(planted) >= 2, names.stdout
    victim = tmp_path / "ours.txt"
    victim.write_text("a file of ours")
    (shared / planted[0]).symlink_to(victim)
    os.mkfifo(shared / planted[1])
    for name in planted[:2]:
        other_users(shared / name)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cold-again")
    result = subprocess.run(
        [MANIM, ROOT / "S1.py", "M1", "-s", "-r", "160x90", "-q", "--media", tmp_path / "m"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "a file of ours"
    assert sorted(p.name for p in shared.iterdir()) == sorted(planted[:2])  # ours removed
    clean = manim(ROOT / "S1.py", "M1", "-s", "-r", "160x90", "-q", "--media", tmp_path / "c")
    assert clean.returncode == 0, clean.stderr
    png = "images/zh/90p30/M1.png"
    assert (tmp_path / "m" / png).read_bytes() == (tmp_path / "c" / png).read_bytes()


# Where manimgl would write each text's SVG (under TMPDIR as the render sees it): the names
# an attacker who knows the texts can compute.
SVG_NAMES = """
import os, sys, tempfile
from pathlib import Path
from gdkit import engine
from gdkit.tools import cli
engine.prepare(cli.parse_args(sys.argv[1:]).resolution)
import manimpango
draw = manimpango.MarkupUtils.text2svg
def recorded(*args, **kwargs):
    name = Path(kwargs.get("file_name") or args[7])
    print(Path(os.environ["GD_PROBE_TMP"]) / name.name)
    return draw(*args, **kwargs)
manimpango.MarkupUtils.text2svg = recorded
code = cli.main(sys.argv[1:])
sys.stdout.flush()
sys.exit(code)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="planting as another user needs root's chown")
def test_links_planted_in_the_media_folder_are_never_followed(tmp_path):
    scene_file = write_scene_file(tmp_path)
    media = tmp_path / "media"
    out = media / "videos/zh/90p10"
    out.mkdir(parents=True)
    victim = tmp_path / "ours.txt"
    victim.write_text("a file of ours")
    (out / ".M1.mp4.lock").symlink_to(victim)
    other_users(out / ".M1.mp4.lock")
    result = manim(scene_file, "M1", "-r", "160x90", "--fps", "10", "-q", "--media", media)
    one_line_error(result, ".M1.mp4.lock", "symbolic link")
    assert victim.read_text() == "a file of ours"

    # The film build's lock and logs, too.
    (out / ".M1.mp4.lock").unlink()
    film = media / ".gradient_descent.zh.90p10.lock"
    film.symlink_to(victim)
    build = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.video", "-r", "160x90", "--fps", "10",
         "--media", str(media)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    one_line_error(build, film.name, "symbolic link")
    assert victim.read_text() == "a file of ours"


def test_a_media_folder_others_can_write_to_is_named_once(tmp_path):
    scene_file = write_scene_file(tmp_path)
    media = tmp_path / "shared-media"
    media.mkdir(mode=0o777)
    media.chmod(0o777)
    result = manim(scene_file, "M1", "M6", "-s", "-r", "160x90", "-q", "--media", media)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if str(media) in line]
    assert len(warnings) == 1 and "others can write" in warnings[0], result.stderr


def test_a_media_folder_that_is_a_dangling_link_or_holds_a_line_break_is_named(tmp_path):
    scene_file = write_scene_file(tmp_path)
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    one_line_error(manim(scene_file, "M1", "-s", "--media", tmp_path / "gone"), "to nothing")
    result = manim(scene_file, "M1", "-s", "--media", tmp_path / "a\nb")
    one_line_error(result, "line break")
    assert not (tmp_path / "a\nb").exists()


# A shot whose every frame is new noise: x264 writes much, and the shot does not fade out, so
# no frame is held back; its encoder meets the full disk mid-beat.
NOISE = """
from gdkit.manim_imports import *


class M1(BeatScene):
    held_for_narration = False
    fades_out = False

    def construct(self):
        self.beat(1)
        rng = np.random.default_rng(1)
        squares = VGroup(*(Square(0.4, fill_opacity=1, stroke_width=0) for _ in range(150)))

        def scatter(group):
            for square in group:
                square.move_to([rng.uniform(-7, 7), rng.uniform(-4, 4), 0])
                square.set_fill(rgb_to_color(rng.uniform(0, 1, 3)))

        squares.add_updater(scatter)
        self.add(squares)
        self.wait(20)
        self.beat(2)
        self.wait(1)
"""


def on_a_small_disk(folder: Path, size: str, command: list) -> subprocess.CompletedProcess:
    """`command`, run with a tmpfs of `size` mounted on `folder` (a mount namespace of its
    own: no root needed where user namespaces are allowed)."""
    folder.mkdir()
    script = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"'
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", size,
         str(folder), *map(str, command)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def small_disks() -> bool:
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
    )
    return shutil.which("unshare") is not None and probe.returncode == 0


@pytest.mark.skipif(not small_disks(), reason="no user namespaces here for a small tmpfs")
def test_a_full_disk_ends_the_render_with_one_line_not_a_hang(tmp_path):
    scene_file = tmp_path / "Sx.py"
    scene_file.write_text(NOISE)
    media = tmp_path / "media"
    began = time.monotonic()
    result = on_a_small_disk(
        media, "200k", [MANIM, scene_file, "M1", "-r", "320x180", "--fps", "10", "-q",
                        "--media", media],
    )  # fmt: skip
    assert time.monotonic() - began < 60
    one_line_error(result, "M1", "No space left on device")


@pytest.mark.parametrize(
    "raised, word",
    [("SystemExit(3)", "SystemExit: 3"), ("KeyboardInterrupt()", "raised KeyboardInterrupt")],
)
def test_a_scene_that_raises_an_exit_or_an_interrupt_gets_one_line(tmp_path, raised, word):
    scene_file = write_scene_file(tmp_path)
    source = scene_file.read_text().replace(
        '            raise ZeroDivisionError("on purpose")', f"            raise {raised}"
    )
    scene_file.write_text(source + "\n\nclass M6(M6):\n    broken_at_beat = 2\n")
    result = manim(scene_file, "M6", "-r", "160x90", "--fps", "5", "-q")
    one_line_error(result, "M6", word)
    assert result.returncode == 1
    assert not (tmp_path / "media/videos/zh/90p5/M6.mp4").exists()
