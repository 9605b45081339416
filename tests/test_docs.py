"""The README stays what a newcomer reads first: at most 200 lines, its layout table naming
every module and folder that exists (and nothing that does not), its links leading to files."""

from __future__ import annotations

import re
import subprocess

from gdkit.paths import ROOT

README = ROOT / "README.md"
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
