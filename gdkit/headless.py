"""Import manimlib so that it renders anywhere: no window, no display, OpenGL through EGL.

manimlib parses `sys.argv` when it is first imported and opens a pyglet window unless told
otherwise; `prepare()` runs that import with a neutral command line and the project's config,
and makes every standalone OpenGL context an EGL one (Mesa on the CPU, or the GPU's driver).
"""

from __future__ import annotations

import collections
import os
import pickle
import queue
import subprocess
import sys
import threading
import types
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from gdkit.cache import Cache
from gdkit.deferred import deferred
from gdkit.outputs import Temporary, with_usual_mode

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "custom_config.yml"

# Whether LaTeX's "Writing …" lines are shown (on stderr); the `manim` command's -q hides them.
messages = True


def prepare(resolution: tuple[int, int] | None = None) -> None:
    """Import manimlib headless; `resolution` fixes manimlib's frame aspect ratio."""
    if "manimlib" in sys.modules:
        return  # manimgl's own command (or an earlier call) already set manimlib up
    # What follows runs once per process, so each shortcut below is installed only once.
    os.environ.setdefault("PYGLET_HEADLESS", "1")
    argv = sys.argv
    sys.argv = [argv[0], "--config_file", str(CONFIG_FILE)]
    if resolution:
        sys.argv += ["-r", f"{resolution[0]}x{resolution[1]}"]
    try:
        with deferred(), _no_disk_cache_of_manimgl():
            import manimlib.config  # noqa: F401  (parses sys.argv once, here)
    finally:
        sys.argv = argv
    _use_egl()
    _cache_svg_strings()
    _fill_only_where_drawn()
    _keep_unchanged_numbers()
    _cheap_wrapper_ids()
    _encoder_preset()
    _reuse_unchanged_prefix()
    _batch_moving_apart()
    _read_frames_directly()
    _straighten_wild_handles()
    _parse_each_svg_once()
    _read_tex_templates_with_libyaml()
    _add_corners_at_once()


@contextmanager
def _no_disk_cache_of_manimgl():
    """manimlib opens a diskcache database under `~/.cache/manim` as it loads (a damaged one
    stops every render there, and diskcache unpickles what it reads). The `manim` command
    keeps formulas in the project's checked cache instead, so none is opened."""

    class Unopened:
        def __init__(self, *args, **kwargs):
            pass

    real = sys.modules.get("diskcache")
    sys.modules["diskcache"] = types.SimpleNamespace(Cache=Unopened)
    try:
        yield
    finally:
        if real is None:
            del sys.modules["diskcache"]
        else:
            sys.modules["diskcache"] = real


class _TextStore:
    """manimgl's `cache_on_disk` (the SVGs Pango makes of text), on the project's cache."""

    def __init__(self, store: Cache):
        self.store = store

    def get(self, key: str) -> str | None:
        data = self.store.get(key)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            self.store.refuse(key, "it is not text")
            return None

    def set(self, key: str, value) -> None:
        if isinstance(value, str):
            self.store.set(key, value.encode("utf-8"))

    def clear(self) -> None:
        self.store.clear()


def _cache_svg_strings() -> None:
    """The SVGs of formulas (LaTeX, dvisvgm) and of text (Pango) are kept in the project's
    checked cache. A formula's entry is keyed by its whole TeX source (manimgl's own key
    also holds the "Writing …" line it prints, so -q would miss every entry)."""
    from manimlib.utils import cache, tex_file_writing

    cache._cache = _TextStore(Cache("text"))
    compile_tex = tex_file_writing.full_tex_to_svg.__wrapped__
    store = Cache("tex")

    def full_tex_to_svg(full_tex: str, compiler: str = "latex", message: str = "") -> str:
        key = repr((compiler, full_tex))
        data = store.get(key)
        if data is not None:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                store.refuse(key, "it is not text")
        if message and messages:
            print(message, file=sys.stderr)
        svg = compile_tex(full_tex, compiler)
        store.set(key, svg.encode("utf-8"))
        return svg

    full_tex_to_svg.__wrapped__ = compile_tex
    tex_file_writing.full_tex_to_svg = full_tex_to_svg


def _use_egl() -> None:
    import moderngl

    create = moderngl.create_standalone_context

    def create_egl_context(*args, **kwargs):
        kwargs.setdefault("backend", "egl")
        return create(*args, **kwargs)

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

    render_fill_in_box.__wrapped__ = render_fill
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

    def set_value_if_shown_differs(self, number):
        if not isinstance(number, complex) and self.get_num_string(number) == self.num_string:
            self.number = number
            return self
        return set_value(self, number)

    DecimalNumber.set_value = set_value_if_shown_differs


def _cheap_wrapper_ids() -> None:
    """A shader wrapper's id (which render groups can merge) is a hash of its code and
    uniforms; manimgl builds it from the uniforms' printed text, and printing numpy arrays
    costs a third of a millisecond, thousands of times a shot. Hash the values instead."""
    from manimlib.shader_wrapper import ShaderWrapper

    def refresh_id(self):
        self.id = hash(
            (
                tuple(self.program_code.values()),
                tuple((name, _value(v)) for name, v in self.mobject_uniforms.items()),
                self.depth_test,
                self.render_primitive,
                tuple(self.texture_paths.items()),
            )
        )

    ShaderWrapper.refresh_id = refresh_id


def _encoder_preset() -> None:
    """Movies are written through the project's file writer (`FileWriter`)."""
    from manimlib.scene import scene

    scene.SceneFileWriter = file_writer_class()


def file_writer_class():
    """manimgl's file writer, changed in four ways:

    - each movie is encoded into a temporary file of its own, beside its final name, and
      left there when done: the `manim` command moves it into place with its sidecar, so two
      renders of one shot never write to one file, and an interrupted or failed one leaves
      nothing under a final name (stills, too, are written whole or not at all);
    - x264's `preset` can be chosen (speed against file size; the picture quality is set by
      the constant rate factor either way), and manimgl's no-op colour filter is dropped;
    - frames go to ffmpeg from a second thread, so that the next frame is drawn while the
      encoder takes in the last one, and are counted;
    - the first `fade_in` frames rise from the background and the last `fade_out` frames sink
      back into it, so that a shot opens from and closes to the background;
    - an encoder that fails is an error, not a movie cut short.
    """
    from manimlib.scene.scene_file_writer import ProgressDisplay, SceneFileWriter

    class FileWriter(SceneFileWriter):
        def __init__(
            self, *args, preset: str = "medium", fade_in: int = 0, fade_out: int = 0, **kwargs
        ):
            self.preset = preset
            self.frames_sent = 0
            self.fade_in, self.fade_out = fade_in, fade_out
            self.frames_drawn = 0
            self.tail = collections.deque()  # the last frames, held back to fade them out
            super().__init__(*args, **kwargs)

        # The file name is used whole (manimgl's `with_suffix` would cut `M3.from-beat-12`).
        def init_movie_file_path(self) -> Path:
            return Path(self.get_output_file_rootname()).parent / (
                self.get_output_file_name() + self.movie_file_extension
            )

        def init_image_file_path(self) -> Path:
            return Path(self.get_output_file_rootname()).parent / (
                self.get_output_file_name() + ".png"
            )

        def filters(self) -> str:
            """The frames come bottom row first; colour is adjusted only when asked."""
            if self.saturation == 1 and self.gamma == 1:
                return "vflip"
            return f"vflip,eq=saturation={self.saturation}:gamma={self.gamma}"

        def open_movie_pipe(self, file_path: str) -> None:
            self.final_file_path = file_path
            self.temporary = Temporary(Path(file_path))
            self.temp_file_path = str(self.temporary.path)
            width, height = self.scene.camera.get_pixel_shape()
            command = [
                self.ffmpeg_bin,
                "-y",
                "-loglevel", "error",
                "-f", "rawvideo",
                "-s", f"{width}x{height}",
                "-pix_fmt", "rgba",
                "-r", str(self.scene.camera.fps),
                "-i", "-",
                "-vf", self.filters(),
                "-an",
                "-vcodec", self.video_codec,
                "-preset", self.preset,
                "-pix_fmt", self.pixel_format,
                "-f", self.movie_file_extension.lstrip("."),
                self.temp_file_path,
            ]  # fmt: skip
            self.writing_process = subprocess.Popen(command, stdin=subprocess.PIPE)
            self.frames = queue.Queue(maxsize=4)
            self.sender_error = None
            self.sender = threading.Thread(target=self.send_frames, daemon=True)
            self.sender.start()
            if not self.quiet:
                self.progress_display = ProgressDisplay(
                    range(self.total_frames), leave=False, dynamic_ncols=True
                )
                self.set_progress_display_description()

        def send_frames(self) -> None:
            stdin = self.writing_process.stdin
            while (frame := self.frames.get()) is not None:
                try:
                    stdin.write(frame)
                except (OSError, ValueError) as error:  # the encoder stopped; see `send`
                    self.sender_error = error
                    return

        def send(self, frame: bytes) -> None:
            if self.frames_drawn < self.fade_in:  # the first frame is the background itself
                frame = self.faded(frame, self.frames_drawn / self.fade_in)
            self.frames_drawn += 1
            if self.fade_out:
                self.tail.append(frame)
                if len(self.tail) <= self.fade_out:
                    return
                frame = self.tail.popleft()
            self.encode(frame)

        def encode(self, frame: bytes) -> None:
            if self.sender_error is not None:
                self.encoder_failed()
            self.frames.put(frame)
            self.frames_sent += 1
            if self.progress_display is not None:
                self.progress_display.update()

        def faded(self, frame: bytes, weight: float) -> bytes:
            """`frame` blended towards the background (weight 0: all background)."""
            weight = weight * weight * (3 - 2 * weight)  # eased at both ends
            background = np.array(self.scene.camera.background_rgba, np.float32) * 255
            pixels = np.frombuffer(frame, np.uint8).reshape(-1, 4).astype(np.float32)
            return (background + (pixels - background) * weight).round().astype(np.uint8).tobytes()

        def write_frame(self, camera) -> None:
            if self.write_to_movie:
                self.send(camera.get_raw_fbo_data())

        def encoder_failed(self):
            code = self.writing_process.wait()
            raise RuntimeError(f"ffmpeg stopped (exit {code}) writing {self.temp_file_path}")

        def abort(self) -> None:
            """Stop the encoder and the sending thread; what was written is left to delete."""
            if self.writing_process is None:
                return
            if self.writing_process.poll() is None:
                self.writing_process.kill()
                self.writing_process.wait()
            if self.sender.is_alive():
                while not self.frames.empty():
                    self.frames.get_nowait()
                self.frames.put(None)
                self.sender.join()
            if self.progress_display is not None:
                self.progress_display.close()

        def close_movie_pipe(self) -> None:
            """Finish the movie in its temporary file, which stays there."""
            if self.ended_with_interrupt:
                self.abort()
                return
            held = len(self.tail)
            for i, frame in enumerate(self.tail):  # down to the background itself
                self.encode(self.faded(frame, (held - 1 - i) / held))
            self.tail.clear()
            self.frames.put(None)
            self.sender.join()
            self.writing_process.stdin.close()
            if self.sender_error is not None or self.writing_process.wait() != 0:
                self.encoder_failed()
            if self.progress_display is not None:
                self.progress_display.close()
            self.movie_file_path = self.temp_file_path

        def finish(self) -> None:
            if self.ended_with_interrupt:
                self.abort()  # and no still either
                return
            super().finish()

        def save_final_image(self, image) -> None:
            path = Path(self.get_image_file_path())
            with Temporary(path) as temporary:
                image.save(temporary.path, format="PNG")
                with_usual_mode(temporary.path)
                os.replace(temporary.path, path)

        def print_file_ready_message(self, file_path: str) -> None:
            pass  # the `manim` command prints the paths it wrote, once they are in place

    return FileWriter


def _reuse_unchanged_prefix() -> None:
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
        view = tuple((name, _value(v)) for name, v in self.uniforms.items())
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


def _value(v):
    return tuple(np.ravel(v).tolist()) if isinstance(v, (np.ndarray, list, tuple)) else v


def _render_state(mob):
    """What, besides its data (manimgl flags data changes), decides how a mobject draws."""
    wrappers = getattr(mob, "shader_wrappers", None) or ()
    return (
        id(mob),
        tuple(
            (w.id, w.depth_test, tuple(_value(v) for v in w.mobject_uniforms.values()))
            for w in wrappers
        ),
    )


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


def _batch_moving_apart() -> None:
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


def _read_frames_directly() -> None:
    """A frame buffer without multisampling is read as it is, not first copied to another."""
    from manimlib.camera.camera import Camera

    get_raw_fbo_data = Camera.get_raw_fbo_data

    def read(self, dtype: str = "f1") -> bytes:
        if self.window is not None or self.fbo.samples:
            return get_raw_fbo_data(self, dtype)
        return self.fbo.read(viewport=self.fbo.viewport, components=self.n_channels, dtype=dtype)

    Camera.get_raw_fbo_data = read


def _straighten_wild_handles() -> None:
    """Outlines parsed from SVG keep no handle flung far off its curve.

    manimgl turns each cubic curve of an SVG into quadratic ones, placing each new handle
    where two tangent lines cross; when those lines are nearly parallel the crossing can
    land far away (a few glyphs of Noto Sans CJK at some sizes: "到" in "回到曲面" at 30
    points), and the curve becomes a spike that the fill's anti-aliased border draws as a
    stray line across the text. Such a handle is put back on its chord."""
    from manimlib.mobject.svg.svg_mobject import SVGMobject

    parse = SVGMobject.mobjects_from_svg_string

    def mobjects_from_svg_string(self, svg_string):
        submobjects = parse(self, svg_string)
        for mob in submobjects:
            straighten_wild_handles(mob)
        return submobjects

    mobjects_from_svg_string.__wrapped__ = parse
    SVGMobject.mobjects_from_svg_string = mobjects_from_svg_string


def straighten_wild_handles(mob, reach: float = 2.0):
    """Move each handle of `mob`'s quadratic curves that lies further than `reach` chords
    from its chord's middle (no true quadratic piece of a cubic does) onto that middle."""
    points = mob.get_points()
    if len(points) < 3:
        return mob
    starts, handles, ends = points[0:-2:2], points[1:-1:2], points[2::2]
    middles = (starts + ends) / 2
    chords = np.linalg.norm(ends - starts, axis=1)
    wild = np.linalg.norm(handles - middles, axis=1) > reach * chords + 1e-6
    if wild.any():
        points = points.copy()
        points[1:-1:2][wild] = middles[wild]
        mob.set_points(points)
    return mob


def _parse_each_svg_once() -> None:
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
            key = repr((manimlib.__version__, OUTLINES, self.hash_seed, labelled))
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
OUTLINES = "straightened-1"  # how parsed outlines are made here: a new value parses anew


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


def _read_tex_templates_with_libyaml() -> None:
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


def _add_corners_at_once() -> None:
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
