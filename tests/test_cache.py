"""The project's cache: it runs or unpickles nothing another user could have written, and a
damaged, swapped or foreign entry is dropped and made again with one warning, never drawn."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gdkit.engine import cache
from gdkit.engine.cache import MAGIC, Cache
from gdkit.paths import ROOT
from tests.helpers import MANIM, unprivileged, write_scene_file

NOBODY = 65534
AS_ROOT = os.geteuid() == 0


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_warned", set())
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    return Cache("tex", folder)


def test_an_entry_reads_back_as_stored(store):
    store.set("a formula", b"<svg>a</svg>")
    assert store.get("a formula") == b"<svg>a</svg>"
    assert store.get("another formula") is None
    path = store.path("a formula")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes().startswith(MAGIC)


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "flipped":
        path.write_bytes(data[:-3] + bytes([data[-3] ^ 1]) + data[-2:])
    elif how == "cut":
        path.write_bytes(data[: len(data) // 2])
    elif how == "emptied":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(os.urandom(len(data)))


@pytest.mark.parametrize("how", ["flipped", "cut", "emptied", "garbage"])
def test_a_damaged_entry_is_dropped_with_one_warning(store, capsys, how):
    store.set("a formula", b"<svg>a</svg>")
    damage(store.path("a formula"), how)
    assert store.get("a formula") is None
    assert store.get("a formula") is None  # gone: a miss, no second warning
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and str(store.where) in lines[0] and "(tex)" in lines[0]
    store.set("a formula", b"<svg>a</svg>")
    assert store.get("a formula") == b"<svg>a</svg>"


def test_an_entry_copied_under_another_key_is_refused(store, capsys):
    """A wrong formula is never drawn: each entry names the key it was stored under."""
    store.set("x^2", b"<svg>x squared</svg>")
    store.set("y^3", b"<svg>y cubed</svg>")
    store.path("y^3").write_bytes(store.path("x^2").read_bytes())
    assert store.get("y^3") is None
    assert "stored under another key" in capsys.readouterr().err
    assert store.get("x^2") == b"<svg>x squared</svg>"


@pytest.mark.skipif(not AS_ROOT, reason="giving a file away needs root")
def test_an_entry_of_another_user_is_refused(store, capsys):
    store.set("a formula", b"<svg>a</svg>")
    os.chown(store.path("a formula"), NOBODY, NOBODY)
    assert store.get("a formula") is None
    assert f"belongs to uid {NOBODY}" in capsys.readouterr().err


def test_an_entry_others_can_write_is_refused(store, capsys):
    store.set("a formula", b"<svg>a</svg>")
    store.path("a formula").chmod(0o666)
    assert store.get("a formula") is None
    assert "others can write to it" in capsys.readouterr().err


def checked_folder(monkeypatch, cache_home: Path) -> Path | None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.setattr(cache, "_warned", set())
    cache.folder.cache_clear()
    try:
        return cache.folder()
    finally:
        cache.folder.cache_clear()


def test_a_folder_of_this_user_only_is_used(tmp_path, monkeypatch, capsys):
    assert checked_folder(monkeypatch, tmp_path) == tmp_path / "gradient-descent-video"
    assert (tmp_path / "gradient-descent-video").stat().st_mode & 0o777 == 0o700
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "share",
    ["folder writable by all", "folder of another user", "parent writable by all"],
)
def test_a_shared_folder_is_not_used(tmp_path, monkeypatch, capsys, share):
    folder = tmp_path / "gradient-descent-video"
    folder.mkdir(mode=0o700)
    if share == "folder writable by all":
        folder.chmod(0o777)
    elif share == "folder of another user":
        if not AS_ROOT:
            pytest.skip("giving a folder away needs root")
        os.chown(folder, NOBODY, NOBODY)
    else:
        tmp_path.chmod(0o777)
    used = checked_folder(monkeypatch, tmp_path)
    assert used is not None and used != folder and used.stat().st_uid == os.geteuid()
    assert used.stat().st_mode & 0o077 == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and str(folder) in lines[0] and str(used) in lines[0]


def test_a_folder_that_cannot_be_made_means_no_cache(tmp_path, monkeypatch, capsys):
    (tmp_path / "file").write_text("")
    assert checked_folder(monkeypatch, tmp_path / "file") is None
    assert Cache("tex").get("x") is None  # and nothing breaks
    assert len(capsys.readouterr().err.splitlines()) == 1


# What a render sees: a probe that makes a formula and a text, and prints their outlines.
PROBE = """
    import hashlib, numpy as np
    from gdkit import engine
    engine.prepare((320, 180), messages=False)
    from manimlib import Tex, Text
    digest = hashlib.sha256()
    for mob in (Tex(r"g(x, y) = \\\\frac{x^2}{y}"), Text("当前坐标 point")):
        for part in mob.get_family():
            digest.update(np.ascontiguousarray(part.get_points()).tobytes())
    print(digest.hexdigest())
"""


def probe(cache_home: Path, command=None):
    return subprocess.run(
        (command or (lambda c: c))([sys.executable, "-c", textwrap.dedent(PROBE)]),
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The probe's outlines, made with an empty cache, and the entries it left."""
    home = tmp_path_factory.mktemp("cold")
    result = probe(home)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    entries = sorted((home / "gradient-descent-video").iterdir())
    assert {p.name.split("-")[0] for p in entries} == {"tex", "text", "svg"}
    return result.stdout, entries


def copy_of(entries: list[Path], home: Path) -> list[Path]:
    folder = home / "gradient-descent-video"
    folder.mkdir(mode=0o700, exist_ok=True)
    for entry in entries:
        (folder / entry.name).write_bytes(entry.read_bytes())
        (folder / entry.name).chmod(0o600)
    return sorted(folder.iterdir())


def test_every_entry_damaged_in_place_is_made_again(cold, tmp_path):
    outlines, entries = cold
    ways = ["flipped", "cut", "emptied", "garbage"]
    for i, entry in enumerate(copy_of(entries, tmp_path)):
        damage(entry, ways[i % len(ways)])
    result = probe(tmp_path)
    assert result.returncode == 0 and result.stdout == outlines
    lines = result.stderr.splitlines()
    kinds = {p.name.split("-")[0] for p in entries}
    assert len(lines) == len(kinds) and all("dropped" in line for line in lines), lines
    again = probe(tmp_path)
    assert again.stdout == outlines and again.stderr == ""  # made again, whole


def test_swapped_entries_never_put_a_wrong_formula_on_screen(cold, tmp_path):
    outlines, entries = cold
    copied = copy_of(entries, tmp_path)
    by_kind = {}
    for path in copied:
        by_kind.setdefault(path.name.split("-")[0], []).append(path)
    swapped = [paths for paths in by_kind.values() if len(paths) > 1]
    assert swapped  # the probe's formula and text give two entries of one kind at least
    for first, second, *_ in swapped:
        a, b = first.read_bytes(), second.read_bytes()
        first.write_bytes(b)
        second.write_bytes(a)
    result = probe(tmp_path)
    assert result.returncode == 0 and result.stdout == outlines
    assert "stored under another key" in result.stderr


class Planted:
    """A pickle that, when loaded, leaves a file behind: proof that it ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def plant(entries: list[Path], folder: Path, marker: Path) -> None:
    """Each parsed-outline entry, its content replaced by a planted pickle, with digests
    that match: only where it comes from can tell it apart."""
    import hashlib

    folder.mkdir(exist_ok=True)
    for entry in entries:
        if not entry.name.startswith("svg-"):
            continue
        head, key_line, _, _ = entry.read_bytes().split(b"\n", 3)
        payload = pickle.dumps(Planted(marker))
        content = hashlib.sha256(key_line + payload).hexdigest().encode()
        (folder / entry.name).write_bytes(b"\n".join([head, key_line, content, payload]))
        (folder / entry.name).chmod(0o644)


@pytest.mark.parametrize(
    "where", ["folder writable by all", "entries of another user", "trusted (control)"]
)
def test_a_planted_pickle_runs_only_from_a_folder_of_this_user(cold, tmp_path, where):
    outlines, entries = cold
    folder, marker = tmp_path / "gradient-descent-video", tmp_path / "it ran"
    plant(entries, folder, marker)
    if where == "folder writable by all":
        folder.chmod(0o777)
    elif where == "entries of another user":
        if not AS_ROOT:
            pytest.skip("giving files away needs root")
        folder.chmod(0o700)
        for path in folder.iterdir():
            os.chown(path, NOBODY, NOBODY)
    else:
        folder.chmod(0o700)
    result = probe(tmp_path)
    assert result.returncode == 0 and result.stdout == outlines, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    if where == "trusted (control)":
        # The planted file is a real attack: read from a folder this user trusts, it runs.
        assert marker.exists() and "cannot be read back" in result.stderr
    else:
        assert not marker.exists()
        assert ("is not used" if "folder" in where else f"uid {NOBODY}") in result.stderr


def test_a_damaged_cache_db_of_manimgl_does_not_matter(cold, tmp_path):
    outlines, _ = cold
    (tmp_path / "manim").mkdir()
    (tmp_path / "manim" / "cache.db").write_bytes(b"not a database" * 100)
    result = probe(tmp_path)
    assert result.returncode == 0 and result.stdout == outlines and result.stderr == ""


def test_a_render_with_an_unwritable_cache_warns_once_and_goes_on(tmp_path):
    folder = tmp_path / "cache" / "gradient-descent-video"
    folder.mkdir(parents=True, mode=0o700)
    folder.chmod(0o500)
    scene_file = write_scene_file(tmp_path)
    scene_file.write_text(scene_file.read_text().replace("Square(color", "Tex('x^2', color"))
    result = subprocess.run(
        unprivileged([MANIM, scene_file, "M1", "-s", "-r", "320x180", "-q"]),
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "cannot be written" in lines[0] and str(folder) in lines[0]
    assert list(folder.iterdir()) == []
    assert json.dumps(result.stdout.split()) == json.dumps(
        [str(tmp_path / "media/images/zh/180p30/M1.png")]
    )
