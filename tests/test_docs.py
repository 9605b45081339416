"""The README stays what a newcomer reads first: at most 200 lines, its layout table naming
every module and folder that exists (and nothing that does not), its links leading to files;
and `make test-fast`, which it names as the edit loop's tier, is that tier."""

from __future__ import annotations

import re
import subprocess
import sys

from gdkit.paths import ROOT

README = ROOT / "README.md"
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
DOCS = [
    README,
    ROOT / "docs" / "build.md",
    ROOT / "docs" / "editors.md",
    ROOT / "bench" / "README.md",
]


def layout_table() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("| path | what |")
    return text[start : text.index("\n\n", start)]


def test_the_readme_is_read_in_five_minutes():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200


def test_the_layout_table_names_every_module_and_only_what_exists():
    table = layout_table()
    tracked = subprocess.run(
        ["git", "ls-files", "gdkit", "S*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    modules = [p for p in tracked if p.endswith(".py") and not p.endswith("__init__.py")]
    assert modules, "no tracked modules found"
    missing = [p for p in modules if f"`{p}`" not in table]
    assert missing == []
    named = re.findall(r"`([\w./-]+)`", table)
    paths = [n for n in named if "/" in n or n.endswith((".py", ".yml")) or n == "Makefile"]
    assert [p for p in paths if not (ROOT / p.rstrip("/")).exists()] == []


def test_every_link_between_the_documents_leads_to_a_file():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}"


def test_the_fast_tier_leaves_out_the_film_the_browser_and_the_second_language():
    """What `make test-fast` collects, with the Makefile's own expression: the heavy tests
    are found by what they use (conftest), so a new one cannot slip into the fast tier."""
    expression = re.search(r'^test-fast:.*\n(?:\t.*\n)*?\t.*pytest -m "([^"]+)"', MAKEFILE, re.M)
    assert expression, "make test-fast names no marker expression"
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-m", expression[1]],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    ).stdout.splitlines()  # fmt: skip
    ids = [line for line in collected if "::" in line]
    assert (
        "tests/test_3d_craft.py::test_m3_labels_glide_and_never_jump_between_two_frames[zh]" in ids
    )
    assert not [i for i in ids if "[en]" in i or "-en]" in i or "[en-" in i]
    assert not [i for i in ids if i.startswith(("tests/test_page.py", "tests/test_live.py"))]
    assert not [i for i in ids if i.startswith("tests/test_editor.py")]  # films, every one
    assert "tests/test_video.py::test_a_beat_preview_never_goes_into_the_film" not in ids
