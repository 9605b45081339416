"""The start-up shortcuts: deferred imports and parsed SVGs kept on disk change nothing drawn."""

import importlib.metadata
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from manimlib import Tex, Text
from manimlib.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP, SVGMobject

from gdkit.engine import speedups
from gdkit.engine.cache import Cache
from gdkit.engine.deferred import Hollow, Later, StandIn, deferred


def run_python(code: str, root) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_manimlib_loads_without_the_deferred_libraries(root):
    state = run_python(
        """
        import json, sys
        from gdkit.engine import prepare
        prepare((854, 480))
        import manimlib, numpy
        import numpy as np
        from gdkit.engine.deferred import DEFERRED, HOLLOW, Later, StandIn
        loaded = [m for m in (*DEFERRED, *HOLLOW, "pkg_resources") if m in sys.modules]
        hulls_loaded = "scipy.spatial._qhull" in sys.modules
        holders = sorted({
            name
            for name, module in list(sys.modules.items())
            for value in list(vars(module).values()) if isinstance(value, (Later, StandIn))
        })
        stand_ins = [n for n, m in sys.modules.items() if isinstance(m, StandIn)]
        from manimlib.utils.color import get_color_map
        viridis = get_color_map("viridis")([0.0, 1.0]).round(3).tolist()  # through pyplot
        import matplotlib.pyplot
        try:  # scipy's private copy of numpy's namespace keeps stand-ins: they still work
            from scipy._lib.array_api_compat import numpy as xp
        except ImportError:
            xp = numpy
        xp.testing.assert_allclose(1.0, 1.0)
        from manimlib.mobject.svg import string_mobject
        distance = float(string_mobject.cdist([[0.0, 0.0]], [[3.0, 4.0]])[0, 0])
        import manimlib.window
        from manimlib.camera.camera_frame import Rotation
        from manimlib.utils.bezier import get_smooth_cubic_bezier_handle_points
        handles = get_smooth_cubic_bezier_handle_points([[0.0, 0], [1, 1], [2, 0]])
        import scipy.spatial
        print(json.dumps(dict(
            distance=distance, window_real=not isinstance(manimlib.window, StandIn),
            hulls_loaded=hulls_loaded, handles=np.round(handles, 3).tolist(),
            spatial_real=isinstance(scipy.spatial.KDTree([[0.0]]).query([1.0])[0], float)
            and scipy.spatial.transform.Rotation is Rotation,
            loaded=loaded, holders=holders, stand_ins=stand_ins, version=manimlib.__version__,
            pyplot_real=not isinstance(sys.modules["matplotlib.pyplot"], StandIn),
            numpy_testing_real=not isinstance(numpy.testing, StandIn),
            viridis=viridis,
        )))
        """,
        root,
    )
    assert state["loaded"] == []
    # Only manimlib, scipy's private copy of numpy's namespace and scipy.spatial (which takes
    # a distance from its own submodule) took names from stand-ins.
    assert "manimlib.utils.color" in state["holders"]
    assert all(
        n.startswith(("manimlib", "scipy._lib.array_api_compat", "scipy.spatial"))
        for n in state["holders"]
    ), state["holders"]
    assert state["distance"] == 5.0 and state["window_real"]
    # scipy.spatial's rotations came without its hulls; its linear algebra, when first used.
    assert not state["hulls_loaded"] and state["spatial_real"]
    # A smooth curve through (0, 0), (1, 1), (2, 0), solved by the deferred solve_banded: one
    # tangent through the middle point, no bending at the ends (a natural spline).
    (a0, a1), (b0, b1) = np.array(state["handles"])
    assert np.allclose(a1 - (1, 1), (1, 1) - b0, atol=2e-3) and not np.allclose(a1, b0)
    assert np.allclose((0, 0) - 2 * a0 + b0, 0, atol=2e-3)
    assert np.allclose((2, 0) - 2 * b1 + a1, 0, atol=2e-3)
    assert state["stand_ins"] == []  # and none is left for anyone else to import
    assert state["version"] == importlib.metadata.version("manimgl")
    assert state["pyplot_real"] and state["numpy_testing_real"]
    assert state["viridis"] == [[0.267, 0.005, 0.329, 1.0], [0.993, 0.906, 0.144, 1.0]]


def test_a_deferred_module_runs_once_when_first_used(tmp_path, monkeypatch):
    package = tmp_path / "probe_pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "RUNS = []\n"
        "def __getattr__(name):  # submodules loaded when first named, as numpy does\n"
        "    if name == 'sub':\n"
        "        import probe_pkg.sub as sub\n"
        "        return sub\n"
        "    raise AttributeError(name)\n"
    )
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "tool.py").write_text(
        "import probe_pkg\nprobe_pkg.RUNS.append('tool')\n"
        "def double(x):\n    return 2 * x\nclass Box:\n    size = 3\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import probe_pkg

    with deferred(("probe_pkg.sub",)):
        from probe_pkg.sub import tool
        from probe_pkg.sub.tool import Box, double

        assert isinstance(probe_pkg.sub, StandIn)  # found as an attribute, not imported
        assert probe_pkg.RUNS == []
        assert isinstance(double, Later) and isinstance(sys.modules["probe_pkg.sub"], StandIn)
    assert "probe_pkg.sub" not in sys.modules and "sub" not in vars(probe_pkg)
    assert double(21) == 42 and Box.size == 3 and tool.double(1) == 2
    assert probe_pkg.RUNS == ["tool"]
    assert not isinstance(sys.modules["probe_pkg.sub.tool"], StandIn)
    assert not isinstance(probe_pkg.sub, StandIn)


def test_a_hollow_package_loads_its_submodules_without_its_init(tmp_path, monkeypatch):
    (tmp_path / "probe_log.py").write_text("RUNS = []\n")
    heavy = tmp_path / "probe_top" / "heavy"
    (heavy / "light").mkdir(parents=True)
    (tmp_path / "probe_top" / "__init__.py").write_text("")
    (heavy / "__init__.py").write_text(
        "import probe_log\nprobe_log.RUNS.append('heavy')\nfrom .light import Tool\nBIG = 1\n"
    )
    (heavy / "light" / "__init__.py").write_text("from .core import Tool\n")
    (heavy / "light" / "core.py").write_text(
        "import probe_top.heavy.light.tools as tools  # named while light still loads\n"
        "class Tool:\n    size = tools.SIZE\n"
    )
    (heavy / "light" / "tools.py").write_text("SIZE = 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import probe_log

    with deferred((), hollow=("probe_top.heavy",)):
        from probe_top.heavy.light import Tool

        assert Tool.size == 3 and probe_log.RUNS == []  # the real class, without heavy's init
        assert isinstance(sys.modules["probe_top.heavy"], Hollow)
    assert "probe_top.heavy" not in sys.modules
    import probe_top.heavy

    assert probe_top.heavy.BIG == 1 and probe_top.heavy.Tool is Tool
    assert probe_log.RUNS == ["heavy"]

    with deferred((), hollow=("probe_top.heavy", "probe_top.absent", "no_such_top.part")):
        # already loaded for real: not hollowed again; what is not installed: left alone
        assert sys.modules["probe_top.heavy"] is probe_top.heavy
        assert "probe_top.absent" not in sys.modules and "no_such_top.part" not in sys.modules
    assert probe_top.heavy.BIG == 1 and probe_log.RUNS == ["heavy"]


def test_a_name_of_a_hollow_package_loads_it_for_real(tmp_path, monkeypatch):
    (tmp_path / "probe_two").mkdir()
    (tmp_path / "probe_two" / "__init__.py").write_text("from . import part\nWHOLE = True\n")
    (tmp_path / "probe_two" / "part.py").write_text("PART = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    with deferred((), hollow=("probe_two",)):
        import probe_two

        assert isinstance(probe_two, Hollow) and probe_two.part.PART == 2
        assert probe_two.WHOLE  # the real package, loaded on the spot
        assert not isinstance(sys.modules["probe_two"], Hollow)


@pytest.fixture
def empty_disk_cache(tmp_path, monkeypatch):
    """The parsed-SVG cache, empty, in a folder of its own: yields the entry names."""
    monkeypatch.setattr(speedups, "SVG_CACHE", Cache("svg", tmp_path))
    SVG_HASH_TO_MOB_MAP.clear()
    yield lambda: [p.name for p in tmp_path.iterdir()]
    SVG_HASH_TO_MOB_MAP.clear()


def same_mobjects(a, b) -> bool:
    fa, fb = a.get_family(), b.get_family()
    return (
        len(fa) == len(fb)
        and all(type(x) is type(y) for x, y in zip(fa, fb, strict=True))
        and all(np.array_equal(x.data, y.data) for x, y in zip(fa, fb, strict=True))
        and a.labels == b.labels
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tex(r"\nabla g = \frac{\partial g}{\partial x}", t2c={"x": "#FF0000"}),
        lambda: Text("梯度下降 gradient", font_size=30),
    ],
    ids=["Tex", "Text"],
)
def test_parsed_svg_read_back_from_disk_is_the_same(empty_disk_cache, monkeypatch, make):
    parsed = make()
    assert any(name.startswith("svg-") for name in empty_disk_cache())
    SVG_HASH_TO_MOB_MAP.clear()

    def must_not_parse(self, svg_string):
        raise AssertionError("parsed again instead of read from disk")

    monkeypatch.setattr(SVGMobject, "mobjects_from_svg_string", must_not_parse)
    assert same_mobjects(make(), parsed)


def test_parts_of_a_formula_read_back_from_disk_select_the_same_glyphs(empty_disk_cache):
    parsed = Tex(r"\nabla g = (a, b)", isolate=["a", "b"])
    SVG_HASH_TO_MOB_MAP.clear()
    whole = Tex(r"\nabla g = (a, b)")  # the same formula numbered as one part: stored apart
    SVG_HASH_TO_MOB_MAP.clear()
    read = Tex(r"\nabla g = (a, b)", isolate=["a", "b"])
    stored = [name for name in empty_disk_cache() if name.startswith("svg-")]
    assert len(stored) == 2 and set(whole.labels) == {0}
    for part in ("a", "b"):
        assert len(read[part]) == 1
        assert np.array_equal(read[part][0].get_points(), parsed[part][0].get_points())


def test_no_glyph_outline_has_a_handle_flung_off_its_curve():
    """manimgl placed one handle of "到" (Noto Sans CJK, 30 points) 1.2 units off its glyph:
    a spike drawn as a stray line across M3.11's caption."""
    from gdkit.engine.fixes import straighten_wild_handles

    caption = Text("回到曲面：学习率 1", font_size=30)
    for glyph in caption.family_members_with_points():
        width, height = glyph.get_width(), glyph.get_height()
        assert width < 0.4 and height < 0.4  # one character of 30 points
    square = Tex(r"\nabla g = \frac{\partial g}{\partial x}")
    before = [p.get_points().copy() for p in square.family_members_with_points()]
    for part, points in zip(square.family_members_with_points(), before, strict=True):
        assert np.array_equal(straighten_wild_handles(part).get_points(), points)


def test_a_wild_handle_is_put_back_on_its_chord():
    from manimlib import VMobject

    from gdkit.engine.fixes import straighten_wild_handles

    curve = VMobject().set_points(
        np.array([[0, 0, 0], [9, -7, 0], [1, 0, 0], [1.5, 0.2, 0], [2, 0, 0.0]])
    )
    points = straighten_wild_handles(curve).get_points()
    assert np.allclose(points[1], [0.5, 0, 0]) and np.allclose(points[3], [1.5, 0.2, 0])


@pytest.mark.parametrize("module", ["gdkit.scenes", "gdkit.mobjects", "gdkit.mobjects.space"])
def test_the_library_imports_headless_on_its_own(module):
    """A script that imports the library, not `manim_imports`, gets manimlib set up by the
    engine: no screen, no window (it failed with pyglet's "Cannot connect" unless the
    engine had been prepared first)."""
    import os

    from gdkit.paths import ROOT

    environment = {  # as a fresh shell has it: this process's engine set pyglet's up
        k: v for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY") and not k.startswith("PYGLET_")
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}, manimlib; print(manimlib.__name__)"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "manimlib"
