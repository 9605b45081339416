"""Drawing order in the 3D shots, and the translucent surfaces that blend in any order."""

from __future__ import annotations

import numpy as np
from manimlib import (
    BLUE_B,
    BLUE_C,
    Mobject,
    Surface,
)

from gdkit.engine.layers import LayerShaderWrapper

RGBA = ("fill_rgba", "stroke_rgba")  # a vectorized mobject's colours, opacity last

# Drawing order in the 3D shots (z_index). Translucent layers (surfaces, planes) write no
# depth and are drawn after what shows through them, so a fading layer never hides anything
# behind it; what must read over them (steps, balls) comes next; labels and captions last.
THROUGH, LAYERS, OVER, LABELS = 0, 1, 2, 3


class TranslucentLayer(Surface):
    """A translucent surface: drawn in the `LAYERS` pass, its faces far to near from the
    camera, and without writing depth.

    A translucent surface that writes depth hides whatever is drawn after it and lies behind
    it, however faint it has become: a fading surface turns into a dark occluder, and a
    surface seen through itself shows a sawtooth of faces drawn in the wrong order. Sorted
    far to near and writing no depth, layers blend in any order of drawing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_z_index(LAYERS)
        self.faces = self.triangle_indices.reshape(-1, 3).copy()

    def init_shader_wrapper(self, ctx):
        self.shader_wrapper = LayerShaderWrapper(
            ctx=ctx,
            vert_data=self.data,
            shader_folder=self.shader_folder,
            mobject_uniforms=self.uniforms,
            texture_paths=self.texture_paths,
            depth_test=self.depth_test,
            render_primitive=self.render_primitive,
            code_replacements=self.shader_code_replacements,
        )

    def sort_faces_from(self, eye) -> TranslucentLayer:
        """Order the faces far to near as seen from the point `eye`."""
        corners = self.get_points()[self.faces]
        distance = np.linalg.norm(corners.mean(axis=1) - eye, axis=1)
        order = self.faces[np.argsort(-distance, kind="stable")].ravel()
        if not np.array_equal(order, self.triangle_indices):
            self.triangle_indices = order
            self.note_changed_data()
        return self

    def follow_camera(self, frame) -> TranslucentLayer:
        """Keep the faces sorted as the camera (manimgl's frame) moves."""
        self.add_updater(lambda m: m.sort_faces_from(frame.get_implied_camera_location()))
        return self.update()


class ParametricLayer(TranslucentLayer):
    """A translucent surface (u, v) -> `uv_func(u, v)`, e.g. a tangent plane."""

    def __init__(self, uv_func, u_range, v_range, **kwargs):
        self.passed_uv_func = uv_func
        super().__init__(u_range=u_range, v_range=v_range, **kwargs)

    def uv_func(self, u, v):
        return self.passed_uv_func(u, v)


class CheckerSurface(TranslucentLayer):
    """A surface z = func(x, y) coloured as a checkerboard, drawn in one piece.

    Each cell has its own vertices (rows are duplicated along cell edges), so colours change
    sharply at the edges instead of blending.
    """

    def __init__(
        self,
        xyz_func,
        u_range,
        v_range,
        cells=(15, 15),
        per_cell=4,
        colors=(BLUE_B, BLUE_C),
        opacity=0.85,
        **kwargs,
    ):
        self.xyz_func = xyz_func
        self.cells = cells
        self.per_cell = per_cell
        resolution = (cells[0] * (per_cell + 1), cells[1] * (per_cell + 1))
        super().__init__(u_range=u_range, v_range=v_range, resolution=resolution, **kwargs)
        self.color_cells(colors, opacity)

    def samples(self, value_range, cells):
        edges = np.linspace(*value_range, cells + 1)
        return np.concatenate(
            [
                np.linspace(a, b, self.per_cell + 1)
                for a, b in zip(edges[:-1], edges[1:], strict=True)
            ]
        )

    @Mobject.affects_data
    def init_points(self):
        us = self.samples(self.u_range, self.cells[0])
        vs = self.samples(self.v_range, self.cells[1])
        u, v = np.meshgrid(us, vs, indexing="ij")
        eps = self.epsilon
        grids = [(u, v), (u + eps, v), (u, v + eps)]
        points, du_points, dv_points = (
            np.stack(self.xyz_func(a, b), axis=-1).reshape(-1, 3) for a, b in grids
        )
        self.set_points(points)
        self.data["du_point"][:] = du_points
        self.data["dv_point"][:] = dv_points

    def color_cells(self, colors, opacity):
        from manimlib.utils.color import color_to_rgba

        n = self.per_cell + 1
        nu, nv = self.resolution
        iu, iv = np.meshgrid(np.arange(nu) // n, np.arange(nv) // n, indexing="ij")
        parity = ((iu + iv) % 2).ravel()
        rgbas = np.array([color_to_rgba(c, opacity) for c in colors])
        self.data["rgba"][:] = rgbas[parity]
        return self
