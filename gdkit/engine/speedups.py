"""The speed-ups: manimgl's code replaced by code that draws the same frames sooner.

Each function below installs one (the table in `gdkit/engine/__init__.py` says what each
replaces and buys); `GD_PLAIN=1` renders without any of them, `GD_PLAIN=name,...` without
those named. Each keeps manimgl's code as `__wrapped__`, for the tests that compare the two.
"""

from __future__ import annotations

import pickle
import types

import numpy as np

from gdkit.engine import fixes
from gdkit.engine.cache import Cache
from gdkit.engine.state import (
    camera_view,
    drawn_state,
    uniform_value,
    wrappers_of,
)


def fill_only_where_drawn() -> None:
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
        if not box[2] or not box[3]:
            return  # wholly off screen
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

    render_fill_in_box.__wrapped__ = render_fill
    VShaderWrapper.render_fill = render_fill_in_box
    VShaderWrapper.update_program_uniforms = update_program_uniforms


def screen_box(wrapper, size: tuple[int, int], margin: int = 3):
    """Pixel box (x, y, width, height) holding a VMobject render group's fill, within the
    frame (empty when none of it is on screen), or None when the group reaches behind the
    camera (then the whole frame is used)."""
    camera = getattr(wrapper, "camera_uniforms", None)
    if not camera:
        return None
    data = wrapper.vert_data
    fixed = float(wrapper.mobject_uniforms.get("is_fixed_in_frame", 0.0))
    points = data["point"][data["fill_rgba"][:, 3] > 0]  # lines in the group have no fill
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
    # Clipped to the frame: a group wholly off screen has an empty box on the frame's edge
    # (OpenGL refuses a box of negative size).
    x0, x1 = (int(v) for v in np.clip([np.floor(x0), np.ceil(x1)], 0, width))
    y0, y1 = (int(v) for v in np.clip([np.floor(y0), np.ceil(y1)], 0, height))
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


def keep_unchanged_numbers() -> None:
    """DecimalNumber.set_value rebuilds its glyphs and restyles them (about 12 ms each on this
    kind of machine); when the text shown stays the same, only the value needs to change."""
    from manimlib import DecimalNumber

    set_value = DecimalNumber.set_value

    def set_value_if_shown_differs(self, number):
        if not isinstance(number, complex) and self.get_num_string(number) == self.num_string:
            self.number = number
            return self
        return set_value(self, number)

    DecimalNumber.set_value = set_value_if_shown_differs


def cheap_wrapper_ids() -> None:
    """A shader wrapper's id (which render groups can merge) is a hash of its code and
    uniforms; manimgl builds it from the uniforms' printed text, and printing numpy arrays
    costs a third of a millisecond, thousands of times a shot. Hash the values instead."""
    from manimlib.shader_wrapper import ShaderWrapper

    def refresh_id(self):
        self.id = hash(
            (
                tuple(self.program_code.values()),
                tuple((name, uniform_value(v)) for name, v in self.mobject_uniforms.items()),
                self.depth_test,
                self.render_primitive,
                tuple(self.texture_paths.items()),
            )
        )

    ShaderWrapper.refresh_id = refresh_id


def reuse_unchanged_prefix() -> None:
    """Draw only what changed since the last frame, from the first change on.

    The camera draws the scene's render groups in order, each over what came before. When
    the first k groups and the camera are the same as in the previous frame (no data or
    uniform of theirs changed), the frame buffer after drawing them is the same too: it is
    kept (colour and depth, every sample) and copied back instead of drawing them again.
    Frames come out bit for bit the same; a formula that sits still while something moves
    in front of it is drawn once.
    """
    from manimlib.camera.camera import Camera

    capture = Camera.capture

    def capture_reusing_prefix(self, *mobjects):
        if self.window is not None:
            return capture(self, *mobjects)
        self.refresh_uniforms()
        view = camera_view(self)
        last_view, last_states = getattr(self, "last_frame", (None, []))
        stable = 0  # groups drawn exactly as in the last frame, from the first on
        if view == last_view:
            for before, mob in zip(last_states, mobjects, strict=False):
                if mob._data_has_changed or _render_state(mob) != before:
                    break
                stable += 1
        self.kept_count = getattr(self, "kept_count", 0)
        if 0 < self.kept_count <= stable:
            _copy_frame(self.kept, self.fbo)
        else:
            self.clear()
            self.kept_count = 0
        self.fbo.use()
        for mob in mobjects[self.kept_count : stable]:
            mob.render(self.ctx, self.uniforms)
        if stable > self.kept_count:
            if not hasattr(self, "kept"):  # made when first needed: the first frame is sooner
                self.kept = self.get_fbo(self.samples)
            _copy_frame(self.fbo, self.kept)
            self.kept_count = stable
            self.fbo.use()
        for mob in mobjects[stable:]:
            mob.render(self.ctx, self.uniforms)
        self.last_frame = (view, [_render_state(mob) for mob in mobjects])  # as drawn

    capture_reusing_prefix.__wrapped__ = capture
    Camera.capture = capture_reusing_prefix


def wrapper_state(w):
    """What, besides its vertices, decides how a shader wrapper draws."""
    return (w.id, w.depth_test, tuple(uniform_value(v) for v in w.mobject_uniforms.values()))


def _render_state(mob):
    """What, besides its data (manimgl flags data changes), decides how a mobject draws."""
    return (id(mob), tuple(wrapper_state(w) for w in wrappers_of(mob)))


def _copy_frame(source, target) -> None:
    """Copy every sample of colour and depth from one frame buffer to a like one."""
    from OpenGL import GL as gl

    gl.glDisable(gl.GL_SCISSOR_TEST)
    gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, source.glo)
    gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, target.glo)
    width, height = source.size
    gl.glBlitFramebuffer(
        0, 0, width, height, 0, 0, width, height,
        gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT, gl.GL_NEAREST,
    )  # fmt: skip


def batch_moving_apart() -> None:
    """manimgl draws runs of like mobjects as one render group; a run that mixes mobjects
    with updaters (redrawn every frame) and still ones makes the still ones redraw too.
    Runs are split where that changes, and otherwise kept."""
    from manimlib.scene.scene import Scene
    from manimlib.utils.iterables import batch_by_property

    def assemble_render_groups(self):
        ctx = self.camera.ctx
        batches = batch_by_property(
            self.mobjects,
            lambda m: (
                type(m),
                m.get_shader_wrapper(ctx).get_id(),
                m.z_index,
                m.has_updaters(),
            ),
        )
        for group in self.render_groups:
            group.clear()
        self.render_groups = [batch[0].get_group_class()(*batch) for batch, _ in batches]

    Scene.assemble_render_groups = assemble_render_groups


def read_frames_directly() -> None:
    """A frame buffer without multisampling is read as it is, not first copied to another."""
    from manimlib.camera.camera import Camera

    get_raw_fbo_data = Camera.get_raw_fbo_data

    def read(self, dtype: str = "f1") -> bytes:
        if self.window is not None or self.fbo.samples:
            return get_raw_fbo_data(self, dtype)
        return self.fbo.read(viewport=self.fbo.viewport, components=self.n_channels, dtype=dtype)

    Camera.get_raw_fbo_data = read


def parse_each_svg_once() -> None:
    """Formulas and text keep their parsed outlines in the project's cache.

    manimgl turns each SVG (from LaTeX or Pango) into submobjects anew in every process and
    keeps them only in memory: half a second for the objective's formula on this machine,
    which every start pays again. The same submobjects are stored (pickled) in the project's
    cache, which unpickles only what this user wrote into a folder only they can write, under
    a key that names all they are made from (manimgl's version, its in-memory key, and for
    Tex and Text the labelled source that numbers their parts), and read back in
    milliseconds.
    """
    import manimlib
    from manimlib.mobject.svg.string_mobject import StringMobject
    from manimlib.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP, SVGMobject
    from manimlib.mobject.types.vectorized_mobject import VMobject
    from manimlib.utils.iterables import hash_obj

    init = SVGMobject.init_svg_mobject

    def init_svg_mobject(self) -> None:
        in_memory = hash_obj(self.hash_seed)
        if in_memory not in SVG_HASH_TO_MOB_MAP:
            labelled = (
                self.get_content(is_labelled=True)
                if isinstance(self, StringMobject) and not self.use_labelled_svg
                else None
            )
            key = repr((manimlib.__version__, fixes.OUTLINES, self.hash_seed, labelled))
            stored = _unpickled(SVG_CACHE, key, VMobject)
            if stored is None:
                init(self)  # parses, and keeps the result in memory
                try:
                    SVG_CACHE.set(key, pickle.dumps(SVG_HASH_TO_MOB_MAP[in_memory]))
                except (pickle.PicklingError, TypeError, AttributeError):
                    pass  # a subclass holding what cannot be stored: parsed again next time
                return
            SVG_HASH_TO_MOB_MAP[in_memory] = stored
        init(self)

    init_svg_mobject.__wrapped__ = init
    SVGMobject.init_svg_mobject = init_svg_mobject


SVG_CACHE = Cache("svg")


def _unpickled(store: Cache, key: str, kind: type):
    """A list of `kind` from the cache, or None (missing, or refused and dropped)."""
    data = store.get(key)  # only from a folder and file of this user, digests checked
    if data is None:
        return None
    try:
        value = pickle.loads(data)
    except Exception:  # noqa: BLE001  (whatever a stale pickle raises, it is made again)
        value = None
    if isinstance(value, list) and all(isinstance(v, kind) for v in value):
        return value
    store.refuse(key, "it cannot be read back")
    return None


def tex_templates_with_libyaml() -> None:
    """manimgl reads its TeX templates (a YAML file) for the first formula of every run, with
    PyYAML's pure-Python parser; libyaml's parser, where PyYAML has it, reads the same data
    several times faster."""
    import yaml
    from manimlib.utils import tex_file_writing

    if not hasattr(yaml, "CSafeLoader"):
        return
    tex_file_writing.yaml = types.SimpleNamespace(
        safe_load=lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)
    )


def add_corners_at_once() -> None:
    """`add_points_as_corners` (a function graph's whole curve) appended one line at a time,
    growing the point array once per point: quadratic in the number of points. The same
    points, computed for all lines together and appended once."""
    from manimlib.mobject.types.vectorized_mobject import VMobject

    def add_points_as_corners(self, points):
        ends = np.asarray(points)
        if len(ends) == 0:
            return self
        self.throw_error_if_no_points()
        # Each line starts where the last one ended, as stored (the point array's precision).
        stored = self.get_points().dtype
        starts = np.vstack([self.get_last_point()[None], ends[:-1].astype(stored)])
        a = np.linspace(0, 1, 5 if self.long_lines else 3)[1:, None]  # along each line
        lines = (1 - a) * starts[:, None] + a * ends[:, None]
        self.append_points(lines.reshape(-1, ends.shape[-1]))
        return self

    add_points_as_corners.__wrapped__ = VMobject.add_points_as_corners
    VMobject.add_points_as_corners = add_points_as_corners


def held_frames() -> None:
    """A wait in which nothing on screen changes draws its frame once and sends it as often
    as the wait lasts (to the project's writer, where it `holds_frames`).

    With no updaters, that is from the first frame. Updaters that do not take `dt` are
    functions of the scene's state (manimgl passes time only to those that take `dt`; one
    that reads the clock some other way must take `dt` too): once they leave that state as
    it was a frame before (`drawn_state`), every later frame of the wait is that frame
    again, drawn anew only where they change it. Updaters that leave float noise behind (a
    line put again on the same ends) never settle, and are drawn throughout. A scene may sum
    up its frames (`frame_state`, `frame_held`: the beats' keys do); rehearsing, it draws none.
    """
    from manimlib.scene.scene import Scene

    from gdkit.engine.writer import FileWriter

    wait = Scene.wait

    def wait_holding_frames(
        self, duration=None, stop_condition=None, note=None, ignore_presenter_mode=False
    ):
        writer = self.file_writer
        if (
            self.skip_animations
            or getattr(self, "rehearsing", False)
            or self.window is not None
            or stop_condition is not None
            or self.presenter_mode
            or not isinstance(writer, FileWriter)  # manimgl's own, outside the `manim` command
            or not writer.holds_frames()
            or updated_by_time(self)
        ):
            return wait(self, duration, stop_condition, note, ignore_presenter_mode)
        state_now = getattr(self, "frame_state", lambda: drawn_state(self))
        held_again = getattr(self, "frame_held", lambda state: None)
        duration = self.default_wait_time if duration is None else duration
        self.pre_play()
        self.update_mobjects(dt=0)
        held, last_state, last_t = False, None, 0.0
        for t in self.get_wait_time_progression(duration):
            dt, last_t = t - last_t, t
            if held and last_state is None:  # nothing is updated: the frame stays
                self.increment_time(dt)
                held_again(None)
            elif held:
                # The updaters still run (one may read the clock, as a label that waits,
                # then glides, does): the frame is drawn again only where they changed it.
                self.increment_time(dt)
                self.update_mobjects(dt)
                state = last_state if unchanged_since(self, last_state) else None
                if state is None:
                    fixes.gather_render_data(self)
                    state = drawn_state(self)
                held_again(state)
                if state != last_state:
                    self.camera.capture(*self.render_groups)
                    frame = self.camera.get_raw_fbo_data()
                    last_state = state
            else:
                self.update_frame(dt)
                frame = self.camera.get_raw_fbo_data()
                state = state_now() if self.should_update_mobjects() else None
                held = state is None or state == last_state
                last_state = state
            writer.write_frame(self.camera, frame)
        self.post_play()

    wait_holding_frames.__wrapped__ = wait
    Scene.wait = wait_holding_frames


def updated_by_time(scene) -> bool:
    """Whether an updater of anything in `scene` takes `dt` (manimgl's own test)."""
    return any(
        "dt" in getattr(getattr(updater, "__code__", None), "co_varnames", ("dt",))
        for mob in scene.get_mobject_family_members()
        for updater in mob.updaters
    )


def unchanged_since(scene, state: bytes) -> bool:
    """Whether nothing drawn changed since `scene`'s frame of `state` was summed up: no
    render group's data changed (manimgl flags each change), and the camera's and the
    groups' uniforms are as they were (a cheap look instead of a digest of the vertices)."""
    if any(group._data_has_changed for group in scene.render_groups):
        return False
    scene.camera.refresh_uniforms()
    light = (
        camera_view(scene.camera),
        [
            uniform_value(v)
            for g in scene.render_groups
            for w in wrappers_of(g)
            for v in w.mobject_uniforms.values()
        ],
    )
    kept = getattr(scene, "_unchanged_look", None)
    scene._unchanged_look = (state, light)
    return kept == (state, light)


def kept_camera_views() -> None:
    """A camera frame's rotation and view matrix, kept until the frame moves. manimgl works
    them out on every call (its data-changed flag stays up for a frame, which is never
    drawn), building a scipy rotation each time; labels placed each frame ask a hundred
    times a frame."""
    from manimlib.camera.camera_frame import CameraFrame

    get_orientation, get_view_matrix = CameraFrame.get_orientation, CameraFrame.get_view_matrix

    def orientation(self):
        key = self.uniforms["orientation"].tobytes()
        kept = self.__dict__.get("_kept_orientation")
        if kept is None or kept[0] != key:
            kept = self._kept_orientation = (key, get_orientation(self))
        return kept[1]

    def view_matrix(self, refresh=False):
        key = (self.get_points().tobytes(), self.uniforms["orientation"].tobytes())
        if refresh or self.__dict__.get("_kept_view") != key:
            get_view_matrix(self, refresh)
            self._kept_view = key
        return self.view_matrix

    orientation.__wrapped__, view_matrix.__wrapped__ = get_orientation, get_view_matrix
    CameraFrame.get_orientation, CameraFrame.get_view_matrix = orientation, view_matrix


def frames_from_a_thread() -> None:
    """The writer hands each frame to a second thread, which feeds it to ffmpeg while the
    next frame is drawn (manimgl's writer feeds ffmpeg between two frames)."""
    from gdkit.engine.writer import FileWriter

    FileWriter.sends_from_a_thread = True


SPEEDUPS = {
    "deferred_imports": None,  # `prepare` imports manimlib inside `deferred()`
    "fill_only_where_drawn": fill_only_where_drawn,
    "keep_unchanged_numbers": keep_unchanged_numbers,
    "cheap_wrapper_ids": cheap_wrapper_ids,
    "reuse_unchanged_prefix": reuse_unchanged_prefix,
    "batch_moving_apart": batch_moving_apart,
    "read_frames_directly": read_frames_directly,
    "parse_each_svg_once": parse_each_svg_once,
    "tex_templates_with_libyaml": tex_templates_with_libyaml,
    "add_corners_at_once": add_corners_at_once,
    "held_frames": held_frames,
    "kept_camera_views": kept_camera_views,
    "frames_from_a_thread": frames_from_a_thread,
}
