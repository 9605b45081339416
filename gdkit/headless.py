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
    _skip_empty_fill()
    _keep_unchanged_numbers()


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


def _skip_empty_fill() -> None:
    """Skip manimgl's fill pass for render groups that have no fill (lines, arcs, curves).

    Each fill pass clears an offscreen canvas twice the frame's size and composites it over
    the whole frame; for a group whose fill is fully transparent that adds nothing, and on a
    software renderer it is most of the cost of drawing a line.
    """
    from manimlib.shader_wrapper import VShaderWrapper

    render_fill = VShaderWrapper.render_fill
    if getattr(render_fill, "skips_empty", False):
        return

    def render_fill_if_any(self):
        data = self.vert_data
        if data is not None and len(data) and not data["fill_rgba"][:, 3].any():
            return
        render_fill(self)

    render_fill_if_any.skips_empty = True
    VShaderWrapper.render_fill = render_fill_if_any


def _keep_unchanged_numbers() -> None:
    """DecimalNumber.set_value rebuilds its glyphs and restyles them (about 12 ms each on this
    kind of machine); when the text shown stays the same, only the value needs to change."""
    from manimlib import DecimalNumber

    set_value = DecimalNumber.set_value
    if getattr(set_value, "keeps_unchanged", False):
        return

    def set_value_if_shown_differs(self, number):
        if not isinstance(number, complex) and self.get_num_string(number) == self.num_string:
            self.number = number
            return self
        return set_value(self, number)

    set_value_if_shown_differs.keeps_unchanged = True
    DecimalNumber.set_value = set_value_if_shown_differs
