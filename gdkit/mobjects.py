"""Mobjects that several shots share: captions, the 1D plot, the checkerboard surface."""

from __future__ import annotations

import re

import numpy as np
from manimlib import (
    BLACK,
    BLUE_B,
    BLUE_C,
    GREY_B,
    GREY_E,
    LEFT,
    OUT,
    RIGHT,
    SMALL_BUFF,
    UP,
    WHITE,
    AnimationGroup,
    Axes,
    DecimalNumber,
    Group,
    Mobject,
    Surface,
    Tex,
    Text,
    Transform,
    VGroup,
)
from manimlib.shader_wrapper import ShaderWrapper
from OpenGL import GL

from gdkit import screen
from gdkit.objectives import Objective
from gdkit.text import text

FONT_SIZE = 32
RGBA = ("fill_rgba", "stroke_rgba")  # a vectorized mobject's colours, opacity last


OPENING, CLOSING = "（【「《", "）】」》，。、；："  # full-width punctuation around a field


def caption(key: str, font_size: int = FONT_SIZE, color=WHITE, **math: str | Mobject) -> VGroup:
    """The text `key` in the current language, each `{name}` field typeset as `math[name]`
    (a LaTeX string, or a mobject such as a DecimalNumber used as it is)."""
    parts, words = VGroup(), []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", text(key))):
        if i % 2:
            value = math[piece]
            parts.add(
                value if isinstance(value, Mobject) else Tex(value, font_size=font_size * 1.15)
            )
            words.append("")
        elif piece.strip():
            parts.add(Text(piece.strip(), font_size=font_size))
            words.append(piece.strip())
    parts.set_color(color)  # manimgl 1.7.2 ignores color= on Tex and Text
    for i in range(1, len(parts)):
        # A word space between text and math, none inside full-width brackets (their glyphs
        # carry their own space)
        bracket = words[i - 1].endswith(tuple(OPENING)) or words[i].startswith(tuple(CLOSING))
        parts[i].next_to(parts[i - 1], RIGHT, buff=0.02 if bracket else 0.12)
    parts.center()
    line = baseline(parts[0])
    for part in parts[1:]:
        part.shift((line - baseline(part)) * UP)
    return parts


NUMBER_FONT = "CMU Serif"  # Computer Modern, the typeface of the formulas (Debian: fonts-cmu)


class Number(DecimalNumber):
    """A DecimalNumber set in the formulas' typeface, with a real minus sign: a read-out
    reads as one piece with the Tex beside it."""

    def __init__(self, number: float = 0, **kwargs):
        kwargs.setdefault("text_config", dict(font=NUMBER_FONT))
        super().__init__(number, **kwargs)

    def get_num_string(self, number) -> str:
        return super().get_num_string(number).replace("–", "−")

    def set_submobjects_from_number(self, number) -> None:
        super().set_submobjects_from_number(number)
        for i, char in enumerate(self.num_string[:-1]):
            if char in "−+":  # on the digits' middle, as TeX sets a sign
                self[i].set_y(self[i + 1].get_y())


class Coordinates(VGroup):
    """A live point `(x, y, z)`: Numbers between Tex brackets and commas."""

    def __init__(self, values, places: int = 3, font_size: float = 28):
        self.numbers = [Number(v, num_decimal_places=places, font_size=font_size) for v in values]
        tex = dict(font_size=font_size * 1.15)
        self.brackets = (Tex("(", **tex), Tex(")", **tex))
        self.commas = [Tex(",", **tex) for _ in values[1:]]
        super().__init__(self.brackets[0], *self.numbers, *self.commas, self.brackets[1])
        self.set_values(values)

    def set_values(self, values) -> Coordinates:
        for number, value in zip(self.numbers, values, strict=True):
            number.set_value(value)
        left = self.brackets[0].get_left()
        middle = self.numbers[0].get_center()[1]  # brackets and signs sit on the digits' middle
        bottom = self.numbers[0].get_bottom()[1]  # digits sit on the baseline
        gap = 0.12 * self.numbers[0].get_height()
        x = left[0]
        for part in (self.brackets[0], *self._between(), self.brackets[1]):
            part.move_to([x + part.get_width() / 2, part.get_center()[1], 0])
            if isinstance(part, Number):
                part.shift((bottom - part.get_bottom()[1]) * UP)
            elif part in self.commas:
                part.shift((bottom - part.get_top()[1] + 0.4 * part.get_height()) * UP)
            else:
                part.set_y(middle)
            x = part.get_right()[0] + (3.5 * gap if part in self.commas else gap)
        return self

    def _between(self):
        yield self.numbers[0]
        for comma, number in zip(self.commas, self.numbers[1:], strict=True):
            yield comma
            yield number


def panel(
    mob: Mobject, opacity: float = 0.9, buff: float = 0.15, color=GREY_E, follow: bool = False
) -> VGroup:
    """`mob` on a dark backing, to be read over whatever lies behind it: a shade lighter than
    the background, so that it is seen whole, over a surface or not. With `follow`, the
    backing keeps round `mob` as it changes size (a count gaining a digit)."""
    from manimlib import BackgroundRectangle

    backing = BackgroundRectangle(mob, color=color, fill_opacity=opacity, buff=buff)
    if follow:

        def keep_round(backing):
            if not np.allclose(backing.get_width(), mob.get_width() + 2 * buff):
                backing.surround(mob, buff)

        backing.add_updater(keep_round)
    return VGroup(backing, mob)


def contrast(a, b) -> float:
    """The contrast ratio of colours `a` and `b` as WCAG 2 defines it: 1 (none) to 21."""
    from manimlib.utils.color import color_to_rgb

    def luminance(color) -> float:
        c = np.asarray(color_to_rgb(color), float)
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(linear @ (0.2126, 0.7152, 0.0722))

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def backed(behind, backing=BLACK, opacity: float = 0.8):
    """The colour a backing of `opacity` shows over `behind`: blended as OpenGL draws it, on
    the sRGB values (manimlib's `interpolate_color` blends their squares)."""
    from manimlib.utils.color import color_to_rgb, rgb_to_hex

    rgb = (1 - opacity) * np.asarray(color_to_rgb(behind)) + opacity * np.asarray(
        color_to_rgb(backing)
    )
    return rgb_to_hex(rgb)


def legible(color, backing=BLACK, opacity: float = 0.8, behind=WHITE, ratio: float = 4.5):
    """`color`, made lighter (its hue and saturation kept) no more than it takes to read at
    `ratio` (WCAG's 4.5:1 for text) on a backing of `opacity` over the brightest thing
    behind it (`behind`)."""
    import colorsys

    from manimlib.utils.color import color_to_rgb, rgb_to_hex

    under = backed(behind, backing, opacity)
    hue, lightness, saturation = colorsys.rgb_to_hls(*color_to_rgb(color))
    for light in np.linspace(lightness, 1, 101):
        lighter = rgb_to_hex(colorsys.hls_to_rgb(hue, light, saturation))
        if contrast(lighter, under) >= ratio:
            return lighter
    return WHITE


def baseline(mob: Mobject) -> float:
    """Where the glyphs of `mob` sit: most glyphs rest on the baseline, so the (upper) median
    of their bottoms finds it, whatever descends or is raised."""
    bottoms = sorted(sm.get_bottom()[1] for sm in mob.family_members_with_points())
    return bottoms[len(bottoms) // 2]


def fit_width(mob: Mobject, width: float) -> Mobject:
    """Scale `mob` down (never up) to at most `width`."""
    if mob.get_width() > width:
        mob.set_width(width)
    return mob


class FunctionPlot(VGroup):
    """Axes with numbers, the labels x, f(x), O, and the curve of a 1D objective (M5, M7)."""

    def __init__(
        self,
        objective: Objective,
        x_range=(-2, 2, 0.5),
        y_range=(0, 4, 1),
        width=8.0,
        height=5.4,
        curve_color="#00FFFF",
    ):
        self.objective = objective
        self.axes = Axes(
            x_range, y_range, width=width, height=height, axis_config=dict(stroke_color=GREY_B)
        )
        self.axes.add_coordinate_labels(
            x_values=np.arange(x_range[0], x_range[1] + 0.01, 1.0),
            y_values=np.arange(y_range[0] + y_range[2], y_range[1] + 0.01, y_range[2]),
            font_size=22,
            text_config=dict(font=NUMBER_FONT),  # the digits of the formulas and read-outs
        )
        x_label = Tex("x", font_size=34).next_to(self.axes.x_axis.get_end(), RIGHT, SMALL_BUFF)
        y_label = Tex(f"{objective.name}(x)", font_size=34).next_to(
            self.axes.y_axis.get_end(), RIGHT, SMALL_BUFF
        )
        # Up and left of the origin: the curve, and a descent's trail, pass below and right.
        origin = Tex("O", font_size=28).next_to(self.axes.c2p(0, 0), UP + LEFT, SMALL_BUFF)
        self.labels = VGroup(x_label, y_label, origin)
        self.curve = self.axes.get_graph(
            lambda t: objective.value(t), x_range=self.visible_x_range(), color=curve_color
        )
        self.curve_label = Tex(objective.latex, font_size=36).set_color(curve_color)
        self.curve_label.next_to(self.axes.c2p(x_range[1], y_range[1]), RIGHT, buff=0.6)
        super().__init__(self.axes, self.labels, self.curve, self.curve_label)

    def visible_x_range(self, samples=801):
        """Where the curve stays inside the y range, so it is not drawn off the axes."""
        lo, hi = self.axes.x_range[:2]
        xs = np.linspace(lo, hi, samples)
        inside = xs[(self.objective(xs) <= self.axes.y_range[1]) & (self.objective(xs) >= 0)]
        return (inside.min(), inside.max(), (hi - lo) / 200)

    def point_at(self, x: float) -> np.ndarray:
        return self.axes.c2p(x, self.objective.value(x))


# Drawing order in the 3D shots (z_index). Translucent layers (surfaces, planes) write no
# depth and are drawn after what shows through them, so a fading layer never hides anything
# behind it; what must read over them (steps, balls) comes next; labels and captions last.
THROUGH, LAYERS, OVER, LABELS = 0, 1, 2, 3


class LayerShaderWrapper(ShaderWrapper):
    """Draws with depth testing but without writing depth."""

    def refresh_id(self):
        super().refresh_id()
        self.id = hash((self.id, "layer"))  # never batched with depth-writing surfaces

    def render(self):
        GL.glDepthMask(GL.GL_FALSE)
        try:
            super().render()
        finally:
            GL.glDepthMask(GL.GL_TRUE)


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


class Morph(AnimationGroup):
    """One formula becomes another, glyph by glyph: the runs of glyphs the two share (in
    order, as `difflib` finds them) move, or scale, to their new places; every other glyph
    fades out, or in, where it stands. No glyph ever turns into another, so no frame shows
    glyph soup. `pairs` adds (source part, target part) matches found by name; with
    `runs=False` only those move (a line derived from another: the terms it takes from it fly
    over, the rest of the new line writes in); `from_copy` says `source` is a copy of a line
    that stays on screen. A moving glyph is unseen while its way crosses that line, anything
    in `clear_of`, or another moving glyph (the one with the longer way gives place), so text
    never slides through text."""

    def __init__(
        self,
        source,
        target,
        pairs=(),
        runs=True,
        from_copy=False,
        clear_of=(),
        run_time: float = 2,
        **kwargs,
    ):
        from difflib import SequenceMatcher

        from manimlib import FadeIn, FadeOut

        self.source, self.target = source, target
        glyphs_a = source.family_members_with_points()
        glyphs_b = target.family_members_with_points()
        matched = []
        for part_a, part_b in pairs:
            matched += zip(
                part_a.family_members_with_points(),
                part_b.family_members_with_points(),
                strict=True,
            )
        taken_a = {id(a) for a, _ in matched}
        taken_b = {id(b) for _, b in matched}
        rest_a = [g for g in glyphs_a if id(g) not in taken_a]
        rest_b = [g for g in glyphs_b if id(g) not in taken_b]
        if runs:
            shared = SequenceMatcher(
                None,
                [shape_key(g) for g in rest_a],
                [shape_key(g) for g in rest_b],
                autojunk=False,
            )
            for i, j, size in shared.get_matching_blocks():
                matched += zip(rest_a[i : i + size], rest_b[j : j + size], strict=True)
        moves = [(a, b) for a, b in matched if same_glyph(a, b)]
        moved_a, moved_b = {id(a) for a, _ in moves}, {id(b) for _, b in moves}
        staying = [g for g in glyphs_a if id(g) not in moved_a]
        obstacles = [box(g) for m in clear_of for g in m.family_members_with_points()]
        if from_copy:
            # `source` is a copy over a line that stays: what does not move is not drawn
            # twice, and what moves leaves the line as it comes into view.
            obstacles += [box(g) for g in glyphs_a]
            for glyph in staying:
                glyph.set_opacity(0)
            staying = []
        # Out, across, in: what goes has faded before the shared glyphs leave, and what is
        # new writes in once they have arrived, so nothing overlaps on the way.
        super().__init__(
            *(
                Glide(a, b, *glide, rate_func=window(0.25, 0.75))
                for (a, b), glide in zip(moves, glides(moves, obstacles), strict=True)
            ),
            *(FadeOut(g, rate_func=between(0, 0.25)) for g in staying),
            *(FadeIn(g, rate_func=between(0.75, 1)) for g in glyphs_b if id(g) not in moved_b),
            run_time=run_time,
            **kwargs,
        )

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        scene.remove(self.mobject, self.source)
        scene.add(self.target)


class Glide(Transform):
    """A glyph's move along an arc of `arc` radians, made during `timing` (a part of the
    morph's moving time), its opacity following `seen` at each moment of WAY."""

    def __init__(self, glyph, target, arc, timing, seen, **kwargs):
        self.timing, self.seen = timing, seen
        super().__init__(glyph, target, path_arc=arc, **kwargs)

    def interpolate_submobject(self, submob, start, target, t):
        alpha = progress(self.timing, t)
        super().interpolate_submobject(submob, start, target, alpha)
        # Set, not scaled: a Transform leaves data alone that its two ends share.
        opacity = (1 - alpha) * start.data["fill_rgba"][:, 3] + alpha * target.data["fill_rgba"][
            :, 3
        ]
        submob.data["fill_rgba"][:, 3] = opacity * np.interp(t, WAY, self.seen)
        submob.note_changed_data()


WAY = np.linspace(0, 1, 41)  # the moments of a morph's moving time at which ways are judged
ARCS = np.pi * np.array([0, -0.5, 0.5, -1, 1])  # the ways a glyph may take, straight first
TIMINGS = ((0, 1), (0, 0.5), (0.5, 1))  # a part moves all the while, or in one half of it
ENDS = 0.1  # of the way at each end, where moving glyphs may touch as their formulas do
RAMP = 0.1  # of the time, over which a glyph fades in or out beside what it must not cover
MARGIN = 0.04  # scene units kept between a seen glyph and what it passes
NEAR = 0.15  # scene units: glyphs this near that move alike are one part
ROOM = 0.5  # scene units round the formulas' box that an arc may pass through


def progress(timing, t):
    """How far along its way a part moving during `timing` is at moment `t` (0 to 1)."""
    from manimlib import smooth

    start, end = timing
    return smooth(np.clip((np.asarray(t) - start) / (end - start), 0, 1))


def window(start: float, end: float):
    """A rate that runs evenly from `start` to `end` of an animation's time."""
    return lambda t: min(1.0, max(0.0, (t - start) / (end - start)))


def box(glyph: Mobject) -> np.ndarray:
    """A glyph's box in the plane: [[left, bottom], [right, top]]."""
    points = glyph.get_points()[:, :2]
    return np.array([points.min(axis=0), points.max(axis=0)])


def way(a: np.ndarray, b: np.ndarray, arc: float, alphas=WAY) -> np.ndarray:
    """The boxes of a box moving from `a` to `b` along an arc, at each of `alphas`."""
    from manimlib.utils.paths import path_along_arc

    def corners(box):
        (x0, y0), (x1, y1) = box
        return np.array([[x0, y0, 0], [x1, y0, 0], [x0, y1, 0], [x1, y1, 0]])

    path = path_along_arc(arc)
    points = np.array([path(corners(a), corners(b), t)[:, :2] for t in alphas])
    return np.stack([points.min(axis=1), points.max(axis=1)], axis=1)


def meets(boxes: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Where along a way (boxes at each moment of WAY) it meets `other`: a box, or a way."""
    return np.all(
        (boxes[:, 0] - MARGIN < other[..., 1, :]) & (other[..., 0, :] < boxes[:, 1] + MARGIN),
        axis=-1,
    )


def union(boxes) -> np.ndarray:
    """The box round `boxes`."""
    return np.array([np.min([b[0] for b in boxes], 0), np.max([b[1] for b in boxes], 0)])


def parts_of(starts, ends) -> list[list[int]]:
    """The moves (given by their start and end boxes) in parts: glyphs near each other that
    move alike (a fraction, a word) are one part."""
    part = list(range(len(starts)))

    def root(i):
        while part[i] != i:
            i = part[i]
        return i

    def together(i, j):
        p, q = starts[i], starts[j]
        near = np.all((p[0] - NEAR < q[1]) & (q[0] < p[1] + NEAR))
        shift = (ends[i] - starts[i]) - (ends[j] - starts[j])
        return near and np.abs(shift).max() < NEAR

    for i in range(len(starts)):
        for j in range(i):
            if together(i, j):
                part[root(i)] = root(j)
    groups = {}
    for i in range(len(starts)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def glides(moves, obstacles) -> list[tuple[float, tuple, np.ndarray]]:
    """For each (glyph, target) move: its arc, its timing and its opacity factor at each
    moment of WAY, chosen part by part (see `parts_of`). The longest part chooses first: a
    straight way all the while if it is clear of the others and of the obstacles, else a
    straight way in one half of the time (parts take turns), else an arc, within ROOM of
    the formulas' box. A part for which nothing is clear is unseen where it meets them,
    fading out and in over RAMP beside them. Parts may touch near their ENDS, as their
    formulas do."""
    starts = [box(a) for a, _ in moves]
    ends = [box(b) for _, b in moves]
    parts = parts_of(starts, ends)
    spans = [(union([starts[i] for i in p]), union([ends[i] for i in p])) for p in parts]
    lengths = [np.linalg.norm(b.mean(0) - a.mean(0)) for a, b in spans]
    chosen = [(0.0, TIMINGS[0])] * len(parts)

    def along(k, arc, timing):
        return way(*spans[k], arc, progress(timing, WAY))

    def moving(timing):
        alpha = progress(timing, WAY)
        return (ENDS < alpha) & (alpha < 1 - ENDS)

    ways = [along(k, *chosen[k]) for k in range(len(parts))]

    def blocked(k, boxes, timing, by):
        hit = np.zeros(len(WAY), bool)
        for obstacle in obstacles:
            hit |= meets(boxes, obstacle)
        for j in by:
            if j != k:
                hit |= meets(boxes, ways[j]) & (moving(timing) | moving(chosen[j][1]))
        return hit

    order = sorted(range(len(parts)), key=lambda k: -lengths[k])
    low, high = union(starts + ends) + [[-ROOM, -ROOM], [ROOM, ROOM]]

    def ways_for(k):  # straight first, all the while first
        for arc in ARCS:
            for timing in TIMINGS:
                boxes = along(k, arc, timing)
                if np.all(boxes[:, 0] >= low - MARGIN) and np.all(boxes[:, 1] <= high + MARGIN):
                    yield (arc, timing), boxes

    def clear(k, choice, boxes, besides=()):
        return not blocked(k, boxes, choice[1], [j for j in order if j not in besides]).any()

    def choose(k):  # the first way clear of the others as they now go
        for choice, boxes in ways_for(k):
            if clear(k, choice, boxes):
                chosen[k], ways[k] = choice, boxes
                return True
        return False

    def take_turns(k, j):  # another way for j, clear of all but k, and then one for k
        was = chosen[j], ways[j]
        for choice, boxes in ways_for(j):
            if clear(j, choice, boxes, besides=[k]):
                chosen[j], ways[j] = choice, boxes
                if choose(k):
                    return True
        chosen[j], ways[j] = was
        return False

    # The longest first, clear of the shorter (as they would go straight) and of those
    # placed; a part for which none is clear tries again with one it meets changing its way.
    for k in [k for k in order if not choose(k)]:
        if not choose(k):
            crossing = [j for j in order if j != k and meets(ways[k], ways[j]).any()]
            any(take_turns(k, j) for j in crossing)
    result = [None] * len(moves)
    for k, p in enumerate(parts):
        arc, timing = chosen[k]
        hidden = blocked(k, ways[k], timing, order[order.index(k) + 1 :])  # the longer gives place
        gap = np.abs(WAY[:, None] - WAY[hidden][None, :]).min(axis=1) if hidden.any() else 1
        seen = np.clip(gap / RAMP, 0, 1) * np.ones(len(WAY))
        for i in p:
            result[i] = (arc, timing, seen)
    return result


def between(start: float, end: float):
    """A smooth rate that runs only from `start` to `end` of an animation's time."""
    from manimlib import smooth

    return lambda t: smooth(min(1.0, max(0.0, (t - start) / (end - start))))


def outline(glyph: Mobject) -> np.ndarray:
    """A glyph's outline, whatever its place and size: moved to the origin, unit size."""
    points = glyph.get_points()[:, :2]
    return (points - points.min(axis=0)) / (np.ptp(points, axis=0).max() or 1.0)


def shape_key(glyph: Mobject) -> tuple:
    """A coarse key of a glyph's shape (point count and proportions), to line glyphs up."""
    width, height = np.ptp(glyph.get_points()[:, :2], axis=0)
    return (len(glyph.get_points()), round(float(width / (height or 1.0)), 1))


def same_glyph(a: Mobject, b: Mobject, tolerance: float = 0.3) -> bool:
    """Whether two glyphs have one shape (TeX places the same glyph a little differently
    from one formula to the next, by up to a quarter of its size in its outline's points)."""
    pa, pb = outline(a), outline(b)
    return pa.shape == pb.shape and bool(np.abs(pa - pb).max() < tolerance)


def Unwrite(mob: Mobject, **kwargs):
    """Write played backwards, removing `mob` at the end (manimgl 1.7 has no Unwrite)."""
    from manimlib import Write, smooth

    return Write(mob, rate_func=lambda t: smooth(1 - t), remover=True, **kwargs)


def live_row(*parts: Mobject, buff: float = 0.15) -> VGroup:
    """A row of Tex and DecimalNumbers that keeps its spacing as the numbers change width;
    the first part stays where it is."""
    row = VGroup(*parts).arrange(RIGHT, buff=buff)
    spaced = []  # the parts' boxes when last spaced: unchanged boxes need no respacing

    def boxes():
        return np.array([part.get_bounding_box() for part in row])

    def respace(row):
        if spaced and np.array_equal(boxes(), spaced[0]):
            return
        anchor = row[0].get_left()
        row.arrange(RIGHT, buff=buff)
        row.shift(anchor - row[0].get_left())
        spaced[:] = [boxes()]

    return row.add_updater(respace)


class Arrow3D(Group):
    """A solid arrow (a thin cylinder and a cone) that reads from any camera angle.

    `put(start, end)` moves it: the two meshes are built once, at unit size, and each `put`
    only scales, turns and places them, so an arrow that follows the scene every frame costs
    a matrix product rather than two new surfaces."""

    def __init__(self, start, end, color, width=0.05, tip_length=0.22, tip_radius=0.09):
        from manimlib import Cone, Cylinder

        self.width, self.tip_length, self.tip_radius = width, tip_length, tip_radius
        # A cylinder from z = -1/2 to 1/2 and a cone from z = 0 (its base) to 1, radius 1.
        shaft = Cylinder(height=1, radius=1, resolution=(12, 2))
        tip = Cone(height=1, radius=1, resolution=(24, 2))
        super().__init__(shaft, tip)
        self.unit = [
            {key: part.data[key].copy() for key in part.pointlike_data_keys}
            for part in (shaft, tip)
        ]
        self.set_color(color)
        self.put(start, end)

    def put(self, start, end) -> Arrow3D:
        from manimlib import z_to_vector

        start, end = np.asarray(start, float), np.asarray(end, float)
        length = np.linalg.norm(end - start)
        # Always a shaft and a tip, even when very short.
        direction = (end - start) / length if length > 1e-6 else OUT.astype(float)
        length = max(length, 2e-3)
        tip_length = min(self.tip_length, 0.5 * length)
        neck = start + (length - tip_length) * direction
        turn = z_to_vector(direction)
        r, t = 0.5 * self.width, self.tip_radius
        placements = (
            (turn @ np.diag([r, r, length - tip_length]), (start + neck) / 2),
            (turn @ np.diag([t, t, tip_length]), neck),
        )
        parts = zip(self.submobjects, self.unit, placements, strict=True)
        for part, unit, (matrix, offset) in parts:
            for key, points in unit.items():
                part.data[key][:] = points @ matrix.T + offset
            part.note_changed_data()
            part.refresh_bounding_box()
        return self


def face_camera(template: Mobject, frame, anchor, before=None) -> Mobject:
    """A copy of the flat `template` (centred at the origin) that faces the camera, keeps its
    size on screen whatever the zoom and however far it is, and sits at `anchor()` every
    frame; `before(template)` may refresh the template first. Frames where nothing of this
    changes cost a comparison."""
    from manimlib import FRAME_HEIGHT

    shown = template.copy().deactivate_depth_test()

    def update(mob):
        # What this mobject last showed. Animations update copies of it too, which share
        # this updater and start from its attributes: each copy keeps its own record.
        last = getattr(mob, "facing_record", None)
        if last is None or last["owner"] != id(mob):
            last = mob.facing_record = {"owner": id(mob)}
        if before is not None:
            before(template)
        if mob.depth_test:  # a 3D scene turns it on for what it adds; a label stays on top
            mob.deactivate_depth_test()
        parts = template.family_members_with_points()
        points = [part.get_points() for part in parts]
        where = np.asarray(anchor(), float)
        orientation = screen.orientation(frame)
        # Nearer the camera than the frame's centre, things look larger: undo it.
        toward_camera = (where - frame.get_center()) @ orientation[:, 2]
        perspective = max(1 - toward_camera / frame.get_focal_distance(), 0.05)
        turn = orientation * (frame.get_height() / FRAME_HEIGHT * perspective)
        targets = mob.family_members_with_points()
        if (
            "turn" in last
            and np.array_equal(turn, last["turn"])
            and np.array_equal(where, last["where"])
            and len(points) == len(last["points"])
            and all(map(np.array_equal, points, last["points"]))
            # and no animation (a fade) moved what it last placed
            and len(targets) == len(last["placed"])
            and all(map(np.array_equal, (t.get_points() for t in targets), last["placed"]))
        ):
            return
        last.update(turn=turn, where=where, points=[p.copy() for p in points])
        if [len(p) for p in points] != [len(t.get_points()) for t in targets]:
            mob.become(template)  # new glyphs: take everything, style included
            mob.deactivate_depth_test()
            targets = mob.family_members_with_points()
        placed = [p @ turn.T for p in points]
        every = np.vstack(placed)
        offset = where - (every.min(axis=0) + every.max(axis=0)) / 2
        for target, part, p in zip(targets, parts, placed, strict=True):
            # As `become` would, but for the opacity a fade in progress has given it.
            shown = {
                key: target.data[key][:, 3].copy() for key in RGBA if key in target.data.dtype.names
            }
            target.set_data(part.data)
            for key, alpha in shown.items():
                target.data[key][:, 3] = alpha
            target.data["point"][:] = p + offset
            target.refresh_bounding_box()
        last["placed"] = [t.get_points().copy() for t in targets]

    update(shown)
    return shown.add_updater(update)


def screen_right(frame) -> np.ndarray:
    """The world direction that points right on screen, one screen unit long."""
    return screen.orientation(frame)[:, 0] * frame.get_height() / 8.0


def screen_up(frame) -> np.ndarray:
    """The world direction that points up on screen, one screen unit long."""
    return screen.orientation(frame)[:, 1] * frame.get_height() / 8.0


def beside(frame, point, away_from, size, gap: float = 0.15) -> np.ndarray:
    """Where the centre of a label `size` = (width, height) screen units big goes, so that it
    sits beside `point` on the side facing away from `away_from` as seen on screen, `gap`
    screen units clear of it (world coordinates, for `face_camera`)."""
    right, up = screen_right(frame), screen_up(frame)
    unit_length = np.linalg.norm(right)  # world length of one screen unit
    offset = np.asarray(point, float) - np.asarray(away_from, float)
    direction = np.array([offset @ right, offset @ up]) / unit_length**2
    norm = np.linalg.norm(direction)
    direction = direction / norm if norm > 1e-9 else np.array([1.0, 0.0])
    half_width, half_height = 0.5 * np.asarray(size, float)
    # From the label's centre to its edge along `direction`.
    reach = min(
        half_width / abs(direction[0]) if abs(direction[0]) > 1e-9 else np.inf,
        half_height / abs(direction[1]) if abs(direction[1]) > 1e-9 else np.inf,
    )
    return np.asarray(point, float) + (gap + reach) * (direction[0] * right + direction[1] * up)


def clear_spot(
    frame, candidates, size, segments, margin: float = 0.06, memory=None, now=None,
    patience: float = 1.0, glide: float = 0.8,
):  # fmt: skip
    """The first of `candidates` (world points, each a label's centre) where a label `size`
    = (width, height) screen units big crosses none of `segments` (pairs of world points:
    axes, arrows) on screen; the first candidate when none is clear.

    With a `memory` dict a label keeps its spot: the candidate chosen last stays while it is
    clear, and for `patience` seconds once it is not (a line passing by moves nothing); then
    it takes the clear one nearest on screen and glides there over `glide` seconds (`now`:
    the scene's time, in seconds; without it, it moves at once)."""
    from manimlib import FRAME_HEIGHT, FRAME_WIDTH, smooth

    from gdkit.screen import to_screen

    candidates = np.asarray(candidates, float)
    units = (FRAME_WIDTH, FRAME_HEIGHT)  # screen units, y down
    half = np.asarray(size, float) / 2 + margin
    ends = to_screen(frame, np.asarray(segments, float), units).reshape(-1, 2, 1, 2)
    along = np.linspace(0, 1, 40)[:, None]
    samples = (ends[:, 0] + along * (ends[:, 1] - ends[:, 0])).reshape(-1, 2)
    centres = to_screen(frame, candidates, units)
    # clear[i]: no sample of any line falls inside the label's box around candidate i
    near = (np.abs(samples[None] - centres[:, None]) < half).all(axis=2)
    clear = ~near.any(axis=1)
    first = next((i for i in range(len(candidates)) if clear[i]), 0)
    if memory is None:
        return candidates[first]

    def offset() -> np.ndarray:  # of the label from its spot, while it glides there
        if now is None or "since" not in memory:
            return np.zeros(3)
        left = 1 - smooth(min(1.0, (now - memory["since"]) / glide))
        return left * memory["offset"]

    chosen = memory.get("chosen")
    if chosen is None or chosen >= len(candidates):
        memory.clear()
        memory["chosen"] = chosen = first
    if clear[chosen]:
        memory.pop("blocked", None)
    else:
        blocked = memory.setdefault("blocked", now)
        if (now is None or now - blocked >= patience) and clear.any():
            # The clear spot nearest on screen to where the label is: it keeps its side if
            # it can.
            shown = candidates[chosen] + offset()
            at = to_screen(frame, [shown], units)[0]
            chosen = min(np.flatnonzero(clear), key=lambda i: np.linalg.norm(centres[i] - at))
            memory.update(chosen=chosen, offset=shown - candidates[chosen], since=now)
            memory.pop("blocked")
    return candidates[chosen] + offset()
