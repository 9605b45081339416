"""Import manimlib so that it renders anywhere: no window, no display, OpenGL through EGL.

manimlib parses `sys.argv` when it is first imported and opens a pyglet window unless told
otherwise; `prepare()` runs that import with a neutral command line and the project's config,
and makes every standalone OpenGL context an EGL one (Mesa on the CPU, or the GPU's driver).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

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
    _fill_only_where_drawn()
    _keep_unchanged_numbers()
    _cheap_wrapper_ids()


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


def _fill_only_where_drawn() -> None:
    """Confine manimgl's fill pass to the part of the frame a render group covers.

    Each fill pass clears an offscreen canvas twice the frame's size, draws the group's fill
    into it and composites the canvas over the whole frame: on a software renderer that costs
    the same for a small label as for a full-screen surface, and it is most of a frame's time.
    The same pass, scissored to the group's box on screen (from the same projection as
    manimgl's `emit_gl_Position`), gives the same pixels. Groups with no fill at all (lines,
    arcs, curves) skip the pass.
    """
    from manimlib.shader_wrapper import VShaderWrapper

    render_fill = VShaderWrapper.render_fill
    if getattr(render_fill, "scissored", False):
        return
    update_uniforms = VShaderWrapper.update_program_uniforms

    def update_program_uniforms(self, camera_uniforms):
        self.camera_uniforms = camera_uniforms
        update_uniforms(self, camera_uniforms)

    def render_fill_in_box(self):
        data = self.vert_data
        if data is None or not len(data) or not data["fill_rgba"][:, 3].any():
            return
        frame_fbo = self.ctx.fbo
        box = screen_box(self, frame_fbo.size)
        if box is None:
            render_fill(self)
            return
        fill_fbo, _, depth_fbo = self.fill_canvas
        fbos = (frame_fbo, fill_fbo, depth_fbo)
        frame_fbo.scissor = box
        # Mesa's multisampled scissor lets one more pixel through on the low sides; the
        # canvases are cleared and drawn a little wider so that such a pixel reads this
        # group's own fill, never what an earlier group left there.
        guarded = widened(box, 2, frame_fbo.size)
        for fbo in (fill_fbo, depth_fbo):
            fbo.scissor = scaled(guarded, fbo.size[0] / frame_fbo.size[0], fbo.size)
        try:
            render_fill(self)
        finally:
            for fbo in fbos:
                fbo.scissor = None

    render_fill_in_box.scissored = True
    VShaderWrapper.render_fill = render_fill_in_box
    VShaderWrapper.update_program_uniforms = update_program_uniforms


def screen_box(wrapper, size: tuple[int, int], margin: int = 3):
    """Pixel box (x, y, width, height) holding a VMobject render group's fill, or None when
    the group reaches behind the camera (then the whole frame is used)."""
    camera = getattr(wrapper, "camera_uniforms", None)
    if not camera:
        return None
    data = wrapper.vert_data
    fixed = float(wrapper.mobject_uniforms.get("is_fixed_in_frame", 0.0))
    points = data["point"]
    view = np.array(camera["view"], dtype=float).reshape(4, 4).T
    placed = points @ view[:3, :3].T + view[:3, 3]
    placed = (1 - fixed) * placed + fixed * points
    placed *= camera["frame_rescale_factors"]
    w = 1.0 - placed[:, 2]
    if w.min() < 1e-3:
        return None
    ndc = placed[:, :2] / w[:, None]
    width, height = size
    # Anti-aliasing and the fill border (a thin stroke) reach a little past the points.
    border = 0.005 * float(data["fill_border_width"].max()) * max(camera["frame_scale"], 1.0)
    pad = margin + border * camera["frame_rescale_factors"][0] * width / 2 / w.min()
    x0, y0 = (ndc.min(axis=0) + 1) / 2 * (width, height) - pad
    x1, y1 = (ndc.max(axis=0) + 1) / 2 * (width, height) + pad
    x0, y0 = max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0)
    x1, y1 = min(int(np.ceil(x1)), width), min(int(np.ceil(y1)), height)
    return (x0, y0, max(x1 - x0, 0), max(y1 - y0, 0))


def widened(box, pad: int, size: tuple[int, int]):
    x, y, w, h = box
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    return (x0, y0, min(x + w + pad, size[0]) - x0, min(y + h + pad, size[1]) - y0)


def scaled(box, factor: float, size: tuple[int, int]):
    x, y, w, h = box
    x0, y0 = int(np.floor(x * factor)), int(np.floor(y * factor))
    x1, y1 = int(np.ceil((x + w) * factor)), int(np.ceil((y + h) * factor))
    return (x0, y0, min(x1, size[0]) - x0, min(y1, size[1]) - y0)


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


def _cheap_wrapper_ids() -> None:
    """A shader wrapper's id (which render groups can merge) is a hash of its code and
    uniforms; manimgl builds it from the uniforms' printed text, and printing numpy arrays
    costs a third of a millisecond, thousands of times a shot. Hash the values instead."""
    from manimlib.shader_wrapper import ShaderWrapper

    if getattr(ShaderWrapper.refresh_id, "hashes_values", False):
        return

    def value(v):
        return tuple(np.ravel(v).tolist()) if isinstance(v, (np.ndarray, list, tuple)) else v

    def refresh_id(self):
        self.id = hash(
            (
                tuple(self.program_code.values()),
                tuple((name, value(v)) for name, v in self.mobject_uniforms.items()),
                self.depth_test,
                self.render_primitive,
                tuple(self.texture_paths.items()),
            )
        )

    refresh_id.hashes_values = True
    ShaderWrapper.refresh_id = refresh_id
