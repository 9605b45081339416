"""Import manimlib without the libraries a headless render never calls at start-up.

manimlib imports matplotlib (for colour maps), IPython (for the interactive shell), scipy's
ODE solver, assignment solver, distances and linear algebra (for vector fields, matching
transforms and smooth curves), pkg_resources (for its version string), its own window, all
of scipy.spatial for its rotations and, through scipy, numpy's Fortran wrapper generator and
test tools as it loads: over a second of a start on a small machine. Inside `deferred()`,
importing one of those modules gives a stand-in; a name taken from a stand-in is a `Later`,
which imports the real module the first time it is called or read; a `Hollow` package gives
its submodules, real, without running its own `__init__`. Once the block ends the stand-ins
leave `sys.modules`, so any other import gets the real module.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import sys
import types
from contextlib import contextmanager

# Imported by manimlib only for what it calls later, never while it loads; two parts of
# numpy that scipy's array-API layer loads by touching every name numpy lists; scipy's
# distances (with scipy.special), which scipy.spatial loads beside the rotations manimlib
# uses; manimlib's window (moderngl_window, pyglet's windowing), which a headless render
# never opens; and scipy's linear algebra (with LAPACK's bindings), which manimlib's bezier
# module and scipy's rotation splines solve with only when asked to smooth a curve.
DEFERRED = (
    "matplotlib",
    "IPython",
    "scipy.integrate",
    "scipy.optimize",
    "scipy.spatial.distance",
    "numpy.f2py",
    "numpy.testing",
    "manimlib.window",
    "scipy.linalg",
)

# Packages whose own `__init__` waits until a name of its own is asked for, while their
# submodules load for real: scipy.spatial's loads its k-d trees, hulls (with LAPACK's
# Cython bindings) and sparse matrices; manimlib takes only `scipy.spatial.transform`.
HOLLOW = ("scipy.spatial",)


class Later:
    """Stands for `module.name` until first used, then for the real thing."""

    def __init__(self, module: str, name: str):
        self._where = (module, name)
        self._thing = None

    def _real(self):
        if self._thing is None:
            module, name = self._where
            _drop_stand_ins(module)
            try:
                self._thing = getattr(importlib.import_module(module), name)
            except AttributeError:
                self._thing = importlib.import_module(f"{module}.{name}")  # a submodule
        return self._thing

    def __call__(self, *args, **kwargs):
        return self._real()(*args, **kwargs)

    def __getattr__(self, attr: str):
        return getattr(self._real(), attr)

    def __repr__(self) -> str:
        return f"<deferred {'.'.join(self._where)}>"


class StandIn(types.ModuleType):
    """A module whose every public name is a `Later` of the real module's."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__path__ = []  # a package, so that its submodules are stand-ins too

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return Later(self.__name__, name)


class Hollow(StandIn):
    """A package without its `__init__`: its submodules are the real ones, imported from its
    real folder (also when named as an attribute, as `import a.b.c as d` does while `a.b.c`
    still loads); any other name imports the real package (and the stand-ins of its top
    package make way), then is taken from it."""

    def __init__(self, name: str, folders: list[str]):
        super().__init__(name)
        self.__path__ = folders

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        submodule = f"{self.__name__}.{name}"
        if submodule in sys.modules:
            return sys.modules[submodule]
        _drop_stand_ins(self.__name__)
        return getattr(importlib.import_module(self.__name__), name)


def _unloaded_package(name: str) -> list[str] | None:
    """The folders of `name`, an installed package not yet imported (only such can be
    hollow); None for any other."""
    if name in sys.modules:
        return None
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:  # its parent is not installed
        return None
    return None if spec is None else spec.submodule_search_locations


def _version_only() -> types.ModuleType:
    """pkg_resources as manimlib uses it while loading: a distribution's version."""
    module = StandIn("pkg_resources")
    module.get_distribution = lambda name: types.SimpleNamespace(
        version=importlib.metadata.version(name)
    )
    return module


def _drop_stand_ins(module: str = "") -> None:
    """Stand-ins make way for the real modules: all of them, or those of `module`'s package
    (one used while its stand-in is still in place)."""
    top = module.partition(".")[0]
    for name, mod in list(sys.modules.items()):
        if isinstance(mod, StandIn) and (not top or name.partition(".")[0] == top):
            del sys.modules[name]
            parent, _, child = name.rpartition(".")
            package = sys.modules.get(parent)
            if package is not None and vars(package).get(child) is mod:
                delattr(package, child)


@contextmanager
def deferred(modules=DEFERRED, hollow=HOLLOW):
    """Within the block, importing any of `modules` (or a submodule) gives a stand-in, and
    importing a `hollow` package gives it without its `__init__`."""
    stand_ins = {name: StandIn(name) for name in modules if name not in sys.modules}
    if "pkg_resources" not in sys.modules:
        stand_ins["pkg_resources"] = _version_only()
    finder = _StandInFinder(stand_ins)
    for name in hollow:
        if (folders := _unloaded_package(name)) is not None:
            stand_ins[name] = Hollow(name, list(folders))
    sys.modules.update(stand_ins)
    for name, stand_in in stand_ins.items():
        # A submodule is also its package's attribute (numpy looks its own up there).
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and child not in vars(sys.modules[parent]):
            setattr(sys.modules[parent], child, stand_in)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        _drop_stand_ins()


class _StandInFinder:
    """Finds a stand-in for each submodule of a deferred module (`IPython.terminal.embed`)."""

    def __init__(self, stand_ins: dict):
        self.roots = tuple(stand_ins)

    def find_spec(self, name, path=None, target=None):
        if not any(name.startswith(root + ".") for root in self.roots):
            return None
        if not isinstance(sys.modules.get(name.rpartition(".")[0]), StandIn):
            return None  # the package itself was really imported
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec):
        return StandIn(spec.name)

    def exec_module(self, module):
        pass
