"""The fixes: what manimgl must do differently for these scenes to render, and render right,
on any machine. They are always on (`GD_PLAIN` keeps them).
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
import types
from contextlib import contextmanager

import numpy as np

from gdkit.engine import cache as checked
from gdkit.engine.cache import Cache

# Whether LaTeX's "Writing …" lines are shown (on stderr); the `manim` command's -q hides them.
messages = True
OUTLINES = "straightened-1"  # how parsed outlines are made here: a new value parses anew


@contextmanager
def no_disk_cache_of_manimgl():
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


def checked_svg_caches() -> None:
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


def egl_contexts() -> None:
    """Every standalone OpenGL context is an EGL one: no window, no display."""
    import moderngl

    create = moderngl.create_standalone_context

    def create_egl_context(*args, **kwargs):
        kwargs.setdefault("backend", "egl")
        return create(*args, **kwargs)

    moderngl.create_standalone_context = create_egl_context


def private_scratch_files() -> None:
    """Every scratch file of a render lies in a folder of its own that no other user can enter
    (mode 700, an unpredictable name, removed at exit), and so does that of each program it
    runs (TMPDIR): manimgl writes each text's SVG under a fixed name in the shared temporary
    folder and reads it back, where another user could plant a link or a FIFO. A process run
    by a render (a test's worker) makes its own beside its parent's, not inside: a nested path
    outgrows a socket's name (Chromium's, 108 bytes)."""
    prefix = "gradient-descent-video-"
    inherited = os.environ.get("TMPDIR", "")
    base = os.path.dirname(inherited) if _private_folder(inherited, prefix) else None
    scratch = tempfile.mkdtemp(prefix=prefix, dir=base)
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    tempfile.tempdir = os.environ["TMPDIR"] = scratch


def _private_folder(path: str, prefix: str) -> bool:
    """Whether `path` is a scratch folder a parent render made: named so, a folder (not a
    link to one), this user's, and mode 700, so that no one else could have put it there."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return False
    return (
        os.path.basename(path).startswith(prefix)
        and stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.geteuid()
        and stat.S_IMODE(st.st_mode) == 0o700
    )


def checked_gl_cache() -> None:
    """Mesa keeps the shaders it compiled in the project's checked cache folder (`mesa/`),
    where no other user can write, not in `~/.cache/mesa_shader_cache`; with no cache, in
    none. Set before any OpenGL context is made, which is when Mesa reads it."""
    folder = checked.gl_folder()
    if folder is None:
        os.environ["MESA_SHADER_CACHE_DISABLE"] = "true"
    else:
        os.environ[checked.GL_CACHE] = str(folder)


def project_writer() -> None:
    """Movies and stills are written by the project's `FileWriter` (gdkit/engine/writer.py)."""
    from manimlib.scene import scene

    from gdkit.engine.writer import FileWriter

    scene.SceneFileWriter = FileWriter


def straightened_handles() -> None:
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


def forget_gl_state() -> None:
    """Drop what manimgl caches per OpenGL context and per shader program.

    Each scene makes its own context; when several scenes run in one process (an S-file's
    shots, tests, the contact sheet), a new context or program can reuse the id of a dead one
    and be handed its stale canvas, program or remembered uniform values.
    """
    from manimlib.shader_wrapper import VShaderWrapper
    from manimlib.utils import shaders

    VShaderWrapper.get_fill_canvas.cache_clear()
    shaders.get_shader_program.cache_clear()
    shaders.image_path_to_texture.cache_clear()
    shaders.PROGRAM_UNIFORM_MIRRORS.clear()


def gather_render_data(scene) -> None:
    """What drawing a frame changes besides the frame (`Mobject.render` without its draw
    calls): each changed render group gathers its data, and manimgl works out a VMobject's
    joint angles then, keeping them until its points are refreshed. A beat rehearsed without
    drawing must leave the state a drawn one does (at 2 fps, M2's arcs and formula strokes
    differed from beat 3 on)."""
    for group in scene.render_groups:
        if group._data_has_changed:
            group.shader_wrappers = group.get_shader_wrapper_list(scene.camera.ctx)
            group._data_has_changed = False


FIXES = {
    "private_scratch_files": private_scratch_files,
    "checked_gl_cache": checked_gl_cache,
    "egl_contexts": egl_contexts,
    "checked_svg_caches": checked_svg_caches,
    "project_writer": project_writer,
    "straightened_handles": straightened_handles,
}
