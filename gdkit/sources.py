"""What a render is made from: each file of the project it read, by the very bytes it read.

Importing `gdkit` installs `Recorder`, through which every module of the project (the
`gdkit` package, the S-files) is imported: it reads a module's source once, keeps the SHA-256
of those bytes, and compiles those same bytes (its compiled form is cached as a checked,
hash-based `.pyc`, which is only used for the very source it was made from). Data files
(the storyboard, the narration, manimgl's settings) are read through `read_bytes`, which
keeps their digests too. So a render knows exactly what it was made from, and whether any of
it changed while it ran (`changed`): a video is never published under inputs it did not use.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import marshal
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # as gdkit.paths has it; this loads first
CHECKED_HASH_PYC = 0b11  # PEP 552: a hash-based .pyc, checked against its source on load

loaded: dict[Path, str] = {}  # each file read, resolved, and the SHA-256 of what was read
contents: dict[Path, bytes] = {}  # the data files read (`read_bytes`), as they were read
CHANGED = "read twice with different bytes"
# Data files of which a shot takes only its part: name -> part(data, shot), a JSON value
parts: dict[str, Callable[[bytes, str], object]] = {}
PART = "#"  # a part's name: "assets/narration.json#M7"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(path: Path | str, data: bytes) -> None:
    """Keep what `path` held when it was read (a file read twice must hold the same bytes)."""
    path = Path(path).resolve()
    if loaded.setdefault(path, digest(data)) != digest(data):
        loaded[path] = CHANGED


def record_absent(path: Path | str) -> None:
    """Keep that `path` was looked for and not there (it is "" as `held` has it): a file
    made there later is a changed input."""
    loaded.setdefault(Path(path).resolve(), "")


def read_bytes(path: Path | str) -> bytes:
    """The bytes of `path`, kept among the files this process was made from."""
    data = Path(path).read_bytes()
    record(path, data)
    contents.setdefault(Path(path).resolve(), data)
    return data


def part_digest(name: str, data: bytes, shot: str) -> str:
    """The digest of shot `shot`'s part of the data file `name` holding `data` ("" where the
    file cannot be taken apart: it is then as good as changed)."""
    try:
        part = parts[name](data, shot)
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    return digest(json.dumps(part, ensure_ascii=False, sort_keys=True).encode())


def made_from(shot: str | None = None) -> dict[str, str]:
    """The files this process read, by name, each with the digest of the bytes it read; of
    a data file with parts, only `shot`'s part ("assets/narration.json#M7")."""
    made = {}
    for path, kept in sorted(loaded.items()):
        name = named(path)
        if shot is not None and name in parts and kept != CHANGED and path in contents:
            made[f"{name}{PART}{shot}"] = part_digest(name, contents[path], shot)
        else:
            made[name] = kept
    return made


def held_now(name: str) -> str:
    """The digest of what a file (or a shot's part of one) named as `made_from` names it
    holds now ("" where it cannot be read)."""
    file, _, shot = name.partition(PART)
    path = resolved(file)
    if not shot:
        return held(path)
    try:
        return part_digest(file, path.read_bytes(), shot)
    except OSError:
        return ""


def compiled(source: bytes, path: str, loader=None):
    """`source` compiled, from a checked hash-based .pyc beside it when one holds this very
    source, else compiled and cached so (where Python writes bytecode)."""
    cached = importlib.util.cache_from_source(path)
    key = importlib.util.source_hash(source)
    header = importlib.util.MAGIC_NUMBER + CHECKED_HASH_PYC.to_bytes(4, "little") + key
    try:
        data = Path(cached).read_bytes()
        if data[:16] == header:
            return marshal.loads(data[16:])
    except (OSError, ValueError, EOFError, TypeError):
        pass
    code = compile(source, path, "exec", dont_inherit=True)
    if not sys.dont_write_bytecode and loader is not None:
        loader.set_data(cached, header + marshal.dumps(code))  # written whole, as Python does
    return code


def of_project(path: str | None) -> bool:
    """Whether `path` is a module of the project: in `gdkit/`, or an S-file beside it."""
    if not path or not path.endswith(".py"):
        return False
    resolved = Path(path).resolve()
    return resolved.parent == ROOT or ROOT / "gdkit" in resolved.parents


class RecordingLoader(importlib.machinery.SourceFileLoader):
    """Loads a module from the bytes it records."""

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        source = self.get_data(path)
        record(path, source)
        return compiled(source, path, self)


class Recorder(importlib.abc.MetaPathFinder):
    """Imports the project's modules through `RecordingLoader`; every other module as usual."""

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not of_project(spec.origin):
            return None
        spec.loader = RecordingLoader(fullname, spec.origin)
        return spec


def install() -> None:
    """Record the project's imports from here on (and the modules imported before this)."""
    if not any(isinstance(finder, Recorder) for finder in sys.meta_path):
        sys.meta_path.insert(0, Recorder())
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if of_project(path) and Path(path).resolve() not in loaded:
            try:
                read_bytes(path)
            except OSError:
                pass


def changed(paths: dict[Path, str] | None = None) -> list[Path]:
    """The files among `paths` (default: every file read so far) that no longer hold what was
    read, or were read twice with different bytes."""
    paths = loaded if paths is None else paths
    return [path for path, kept in paths.items() if kept == CHANGED or held(path) != kept]


def held(path: Path) -> str:
    """The digest of what `path` holds now ("" where it cannot be read)."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return ""


def named(path: Path) -> str:
    """`path` as a sidecar names it: relative to the checkout where it lies in it."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def resolved(name: str) -> Path:
    """The file a sidecar's name stands for."""
    return (ROOT / name).resolve()
