"""`make setup` and `make test` as an ordinary user: on Debian's own Python 3.11 (older than
3.11.4), without sudo, with XDG settings the spec calls invalid, and with a custom_config.yml
that is broken or names a font that is not installed."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

from gdkit.files import copy_project
from gdkit.paths import ROOT
from gdkit.tools.bench import extract
from tests.helpers import MANIM, manim, one_line_error, write_scene_file

NOBODY = 65534


def as_nobody(command: list[str]) -> list[str]:
    """`command` run as an ordinary user: as root, as uid and gid 65534 with no groups."""
    if os.geteuid() != 0:
        return command
    return [
        shutil.which("setpriv"),
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        *command,
    ]


def pythons() -> list[str]:
    """This Python and Debian's own python3 where it is another (3.11.2 on Debian 12)."""
    found = [sys.executable]
    debian = Path("/usr/bin/python3")
    if debian.exists() and debian.resolve() != Path(sys.executable).resolve():
        found.append(str(debian))
    return found


@pytest.mark.parametrize("python", pythons())
def test_a_baseline_checkout_is_extracted_on_every_python_here(python):
    """`make bench BASELINE=` unpacks `git archive` without tarfile's filter (3.11.4 and later
    only): the same files as the revision's, nothing else."""
    code = (
        "import json, os; from gdkit.tools.bench import checkout\n"
        "with checkout('HEAD') as (commit, folder):\n"
        "    print(json.dumps(sorted(str(p.relative_to(folder)) for p in folder.rglob('*')"
        " if p.is_file())))\n"
        "    print(json.dumps(sorted(p.name for p in folder.rglob('*') if os.access(p, os.X_OK)"
        " and p.is_file())))\n"
    )
    result = subprocess.run(
        [python, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    files, executables = map(json.loads, result.stdout.splitlines())
    tracked = subprocess.run(
        ["git", "ls-tree", "-r", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert files == sorted(line.split("\t", 1)[1] for line in tracked)
    assert executables == sorted(
        Path(line.split("\t", 1)[1]).name for line in tracked if line.startswith("100755")
    )
    assert not list((ROOT / "bench" / "out").glob("baseline-*"))


def tar_of(*members: tarfile.TarInfo) -> bytes:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        tar.addfile(tarfile.TarInfo("ok.txt"), io.BytesIO(b""))
        for member in members:
            tar.addfile(member, io.BytesIO(b"x" * member.size) if member.isfile() else None)
    return data.getvalue()


def member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", size: int = 0):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, size
    return info


@pytest.mark.parametrize(
    "hostile",
    [member("../outside.txt", size=1), member("/tmp/gd-absolute.txt", size=1),
     member("a/../../outside.txt", size=1), member("link", tarfile.SYMTYPE, "/etc/passwd"),
     member("inside-link", tarfile.SYMTYPE, "ok.txt"), member("hard", tarfile.LNKTYPE, "ok.txt"),
     member("fifo", tarfile.FIFOTYPE), member("dev", tarfile.CHRTYPE)],
    ids=lambda m: m.name,
)  # fmt: skip
def test_an_archive_member_that_is_no_plain_file_inside_is_refused(tmp_path, hostile):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    with pytest.raises(SystemExit) as refused:
        extract(tar_of(hostile), folder)
    assert str(refused.value) == (
        f"bench: the baseline's archive holds {hostile.name!r}, which is not a plain file or "
        "folder inside it: not extracted"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "ok.txt"]
    assert not Path("/tmp/gd-absolute.txt").exists()


def test_an_archive_gives_no_owner_nor_set_id_bits(tmp_path):
    script = member("bin/run", size=1)
    script.mode, script.uid, script.gid = 0o6777, NOBODY, NOBODY
    extract(tar_of(member("bin", tarfile.DIRTYPE), script), tmp_path)
    made = (tmp_path / "bin" / "run").stat()
    assert (made.st_mode & 0o7777, made.st_uid) == (0o755, os.geteuid())
    assert (tmp_path / "bin" / "run").read_bytes() == b"x"


@pytest.fixture()
def private_bin():
    """A folder of programs every user can run (pytest's temporary folders, and those of a
    render, are this user's alone); removed after."""
    folder = Path(tempfile.mkdtemp(prefix="gd-ordinary-user-", dir="/tmp"))
    folder.chmod(0o755)
    (folder / "bin").mkdir(mode=0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.parametrize("sudo", ["none", "needs a password"])
def test_setup_without_sudo_says_in_one_line_what_to_ask_an_administrator(private_bin, sudo):
    """`make setup` by a user who cannot install Debian packages: one line with the
    `apt-get install` to ask for, a non-zero exit, and no attempt to install."""
    bin_dir = private_bin / "bin"
    for tool in ("dpkg", "dpkg-query", "apt-get", "id", "true"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    if sudo == "needs a password":  # says what it was asked to run: no line of it may show
        (bin_dir / "sudo").write_text('#!/bin/sh\necho "sudo: a password is required: $*" >&2\n'
                                      "exit 1\n")  # fmt: skip
        (bin_dir / "sudo").chmod(0o755)
    script = private_bin / "install-system-packages"
    shutil.copy(ROOT / ".ci" / "install-system-packages", script)
    script.chmod(0o755)
    packages = ["gd-no-such-package-a", "gd-no-such-package-b"]
    # `true` stands for a Python that has venv, ensurepip and Python.h.
    result = subprocess.run(
        as_nobody(["/bin/sh", str(script), str(bin_dir / "true"), *packages]),
        env={"PATH": str(bin_dir), "HOME": str(private_bin)},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert result.stderr.splitlines() == [
        "error: missing Debian packages: gd-no-such-package-a gd-no-such-package-b; ask an "
        "administrator to run: apt-get install gd-no-such-package-a gd-no-such-package-b"
    ]


@pytest.mark.parametrize("value", ["relative", "~/.cache", "./cache"])
def test_a_relative_xdg_cache_home_is_ignored_as_the_spec_says(tmp_path, value):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", "from gdkit.engine import cache; print(cache.folder())"],
        env={**os.environ, "HOME": str(home), "XDG_CACHE_HOME": value, "PYTHONPATH": str(ROOT)},
        cwd=work, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{home / '.cache' / 'gradient-descent-video'}\n"
    assert (home / ".cache" / "gradient-descent-video").is_dir()
    assert list(work.iterdir()) == []


def test_an_absolute_xdg_cache_home_is_used(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from gdkit.engine import cache; print(cache.folder())"],
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout == f"{tmp_path / 'c' / 'gradient-descent-video'}\n", result.stderr


def copied_checkout(tmp_path: Path) -> Path:
    """The project's code, assets and settings in `tmp_path`: `python -m` run there uses them
    (and its custom_config.yml) instead of this checkout's."""
    return copy_project(ROOT, tmp_path / "checkout")


def render_in(copy: Path, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "gdkit.tools.cli", *args],
        cwd=copy, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


BROKEN = [
    # (what replaces `  fps: 30`, the line and column named, words of the message)
    ("  fps: 30\n   bad: 1", "12:7", "mapping values are not allowed here"),
    ("  fps: [30", "12:4", "flow sequence begun at line 11"),
    ("\tfps: 30", "11:1", "found character '\\t' that cannot start any token"),
]


@pytest.mark.parametrize("replacement, where, words", BROKEN)
def test_a_broken_custom_config_is_one_line_with_its_line_and_column(
    tmp_path, replacement, where, words
):
    copy = copied_checkout(tmp_path)
    config = copy / "custom_config.yml"
    text = config.read_text()
    assert text.splitlines()[10] == "  fps: 30"
    config.write_text(text.replace("  fps: 30", replacement))
    result = render_in(copy, "S1.py", "M1", "-s", "-r", "320x180", "-q")
    one_line_error(result, f"manim: error: {config}:{where}: ", words)
    assert result.returncode == 2
    assert not (copy / "media").exists()


def test_a_broken_custom_config_where_manim_starts_is_named_too(tmp_path):
    """manimlib also reads custom_config.yml from the folder `manim` starts in."""
    scene_file = write_scene_file(tmp_path)
    (tmp_path / "custom_config.yml").write_text("camera:\n  fps: 30\n text: 1\n")
    result = manim(scene_file, "M1", "-s", "-r", "320x180", "-q", cwd=tmp_path)
    one_line_error(result, f"{tmp_path / 'custom_config.yml'}:3:", "manim: error:")
    assert not (tmp_path / "media").exists()


def test_a_config_font_that_is_not_installed_is_warned_of_once(tmp_path):
    copy = copied_checkout(tmp_path)
    config = copy / "custom_config.yml"
    text = config.read_text()
    assert 'font: "Noto Sans CJK SC"' in text
    config.write_text(text.replace('font: "Noto Sans CJK SC"', 'font: "GD No Such Font"'))
    scene_file = write_scene_file(copy)
    scene_file.write_text(scene_file.read_text().replace("Square(color", "Text('x', color"))
    result = render_in(copy, scene_file.name, "M1", "-s", "-r", "320x180", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: font 'GD No Such Font' (custom_config.yml) is not installed; text is drawn in "
        "a fallback font (fc-list :family='GD No Such Font' finds none)"
    ]
    assert result.stdout.strip().endswith("M1.png")


def test_the_config_font_installed_gives_no_warning(tmp_path):
    scene_file = write_scene_file(tmp_path)
    result = subprocess.run(
        [MANIM, scene_file, "M1", "-s", "-r", "320x180", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
