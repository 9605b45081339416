"""Import manimlib so that it renders anywhere: no window, no display, OpenGL through EGL.

manimlib parses `sys.argv` when it is first imported and opens a pyglet window unless told
otherwise; `prepare()` runs that import with a neutral command line and the project's config,
and makes every standalone OpenGL context an EGL one (Mesa on the CPU, or the GPU's driver).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "custom_config.yml"


def prepare(resolution: tuple[int, int] | None = None) -> None:
    """Import manimlib headless; `resolution` fixes manimlib's frame aspect ratio."""
    if "manimlib" in sys.modules:
        return  # manimgl's own command (or an earlier call) already set manimlib up
    os.environ.setdefault("PYGLET_HEADLESS", "1")
    argv = sys.argv
    sys.argv = [argv[0], "--config_file", str(CONFIG_FILE)]
    if resolution:
        sys.argv += ["-r", f"{resolution[0]}x{resolution[1]}"]
    try:
        import manimlib.config  # noqa: F401  (parses sys.argv once, here)
    finally:
        sys.argv = argv
    _use_egl()


def _use_egl() -> None:
    import moderngl

    create = moderngl.create_standalone_context
    if getattr(create, "uses_egl", False):
        return

    def create_egl_context(*args, **kwargs):
        kwargs.setdefault("backend", "egl")
        return create(*args, **kwargs)

    create_egl_context.uses_egl = True
    moderngl.create_standalone_context = create_egl_context
