"""Import manimlib without the libraries a headless render never calls at start-up.

manimlib imports matplotlib (for colour maps), IPython (for the interactive shell), scipy's
ODE solver, assignment solver and distances (for vector fields and matching transforms),
pkg_resources (for its version string), its own window and, through scipy, numpy's Fortran
wrapper generator and test tools as it loads: over a second of a start on a small machine.
Inside `deferred()`, importing one of those modules gives a stand-in; a name taken from a
stand-in is a `Later`, which imports the real module the first time it is called or read.
Once the block ends the stand-ins leave `sys.modules`, so any other import gets the real
module.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.metadata
import sys
import types
from contextlib import contextmanager

# Imported by manimlib only for what it calls later, never while it loads; two parts of
# numpy that scipy's array-API layer loads by touching every name numpy lists; scipy's
# distances (with scipy.special), which scipy.spatial loads beside the rotations manimlib
# uses; and manimlib's window (moderngl_window, pyglet's windowing), which a headless render
# never opens.
DEFERRED = (
    "matplotlib",
    "IPython",
    "scipy.integrate",
    "scipy.optimize",
    "scipy.spatial.distance",
    "numpy.f2py",
    "numpy.testing",
    "manimlib.window",
)


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
def deferred(modules=DEFERRED):
    """Within the block, importing any of `modules` (or a submodule) gives a stand-in."""
    stand_ins = {name: StandIn(name) for name in modules if name not in sys.modules}
    if "pkg_resources" not in sys.modules:
        stand_ins["pkg_resources"] = _version_only()
    finder = _StandInFinder(stand_ins)
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
