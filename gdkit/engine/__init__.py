"""The engine: manimgl 1.7.2 made to render these scenes headless, right, and fast.

Everything that reaches into manimlib's (or moderngl's) own code is in this package, and
nowhere else; `prepare()` installs it as manimlib is first imported. Upstream manimgl has
since moved to another renderer, so the day this project follows it, the speed-ups go as a
block: delete `speedups.py`, `deferred.py` and their tests (tests/test_engine.py,
test_render_speedups.py, test_startup.py), and `prepare` renders plain (a test does).

Its README (gdkit/engine/README.md) has the table: each fix and speed-up, what it replaces,
the manimgl version it was written against, what it buys (measured) and its test.

On any manimgl but `MANIMGL`, the speed-ups stay off, with one
warning line, and the fixes are still installed.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys

MANIMGL = "1.7.2"  # the manimgl every patch here was written against (pyproject.toml pins it)


class EngineError(ValueError):
    """A setting of the engine that cannot be used (GD_PLAIN naming no speed-up, a broken
    custom_config.yml)."""


applied: list[str] = []  # the fixes and speed-ups installed in this process, in order


def on(name: str) -> bool:
    """Whether the fix or speed-up `name` is installed in this process."""
    return name in applied


def known_speedups() -> dict:
    """The speed-ups, by name (`speedups.SPEEDUPS`): none where `speedups.py` was deleted."""
    try:
        from gdkit.engine.speedups import SPEEDUPS
    except ModuleNotFoundError as error:
        if error.name != "gdkit.engine.speedups":
            raise
        return {}
    return SPEEDUPS


def switched_off() -> set[str]:
    """The speed-ups `GD_PLAIN` turns off: all for 1, those named for a list."""
    known = known_speedups()
    value = os.environ.get("GD_PLAIN", "").strip()
    if value in ("", "0"):
        return set()
    if value == "1":
        return set(known)
    names = {name.strip() for name in value.split(",") if name.strip()}
    if unknown := sorted(names - set(known)):
        raise EngineError(
            f"GD_PLAIN={value}: no speed-up named {', '.join(unknown)} "
            f"(1 for all, or some of {', '.join(known)})"
        )
    return names


def settings(path) -> dict:
    """The settings in manimgl's YAML file `path` ({} when there is none), or an EngineError of
    one line naming the file, line and column of what is wrong in it (manimlib reads the file
    as it loads, and would end in a traceback from deep inside)."""
    import yaml

    from gdkit import sources

    try:
        data = yaml.safe_load(sources.read_bytes(path))  # a file this render is made from
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise EngineError(f"{path}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}"
        what = getattr(error, "problem", None) or " ".join(str(error).split())
        began = getattr(error, "context_mark", None)
        if mark and began and began.line != mark.line and getattr(error, "context", None):
            what += f" ({error.context} begun at line {began.line + 1})"
        raise EngineError(f"{where}: {what}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EngineError(f"{path}: not settings by name (such as `camera:`) in YAML")
    return data


def prepare(resolution: tuple[int, int] | None = None, messages: bool | None = None) -> None:
    """Import manimlib headless, with the fixes and the speed-ups (see above) installed.

    `resolution` fixes manimlib's frame aspect ratio (None: read the command line's size
    flags); `messages` shows or hides LaTeX's "Writing …" lines (None: as before)."""
    from gdkit.engine import fixes

    if messages is not None:
        fixes.messages = messages
    if "manimlib" in sys.modules:
        return  # manimgl's own command (or an earlier call) already set manimlib up
    from gdkit.engine.frame import frame_size
    from gdkit.paths import CONFIG_FILE

    # manimlib reads custom_config.yml from the folder it starts in, then the project's.
    for path in dict.fromkeys([os.path.abspath("custom_config.yml"), str(CONFIG_FILE)]):
        settings(path)
    known, off = known_speedups(), switched_off()
    version = importlib.metadata.version("manimgl")
    if version != MANIMGL:
        print(
            f"gdkit: manimgl {version} is not {MANIMGL}, which the speed-ups were written "
            "for: rendering without them",
            file=sys.stderr,
        )
        off = set(known)
    speedups = [name for name in known if name not in off]
    resolution = resolution or frame_size(sys.argv[1:])
    # manimlib reads sys.argv as it loads, and would open a window: give it a neutral one.
    os.environ.setdefault("PYGLET_HEADLESS", "1")
    # pyglet makes a hidden "shadow" window as manimlib imports it, for windows to share;
    # a render draws in a context of its own, and that window's EGL set-up is 25 ms a start.
    os.environ.setdefault("PYGLET_SHADOW_WINDOW", "0")
    argv = sys.argv
    sys.argv = [argv[0], "--config_file", str(CONFIG_FILE)]
    if resolution:
        sys.argv += ["-r", f"{resolution[0]}x{resolution[1]}"]
    try:
        with fixes.no_disk_cache_of_manimgl():
            if "deferred_imports" in speedups:
                from gdkit.engine.deferred import deferred

                with deferred():
                    import manimlib.config  # noqa: F401  (parses sys.argv once, here)
            else:
                import manimlib.config  # noqa: F401
    finally:
        sys.argv = argv
    for name, install in fixes.FIXES.items():
        install()
        applied.append(name)
    for name in speedups:
        if known[name] is not None:
            known[name]()
        applied.append(name)
