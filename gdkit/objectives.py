"""The three objective functions of the video, each defined once, in sympy's syntax.

sympy derives everything numeric from that definition (values and exact gradients, as numpy
code) and the LaTeX shown on screen sits beside it; a test proves the two say the same
thing. The derived code is kept in a small cache file, keyed by the definition, so a render
that finds it there does not import sympy at all (half a second of every start).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

# Bump when the derived code changes form: older cache entries are then derived again.
DERIVATION = "numpy-1"


def cache_file() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "gradient-descent-video" / "derived.json"


@dataclass(frozen=True)
class Objective:
    """A scalar function of one or more variables, with its exact gradient."""

    name: str
    definition: str  # sympy's syntax: the one place the function is written
    variables: tuple[str, ...]
    tex: str  # right-hand side as shown on screen
    domain: tuple[tuple[float, float], ...] = field(default=())

    @property
    def dim(self) -> int:
        return len(self.variables)

    @cached_property
    def symbols(self) -> tuple:
        import sympy as sp

        return tuple(sp.Symbol(v, real=True) for v in self.variables)

    @cached_property
    def expr(self):
        import sympy as sp

        return sp.sympify(
            self.definition, locals=dict(zip(self.variables, self.symbols, strict=True))
        )

    @cached_property
    def gradient_exprs(self) -> tuple:
        import sympy as sp

        return tuple(sp.diff(self.expr, s) for s in self.symbols)

    def derive(self) -> dict:
        """numpy code for the value and each partial derivative, printed by sympy."""
        from sympy.printing.numpy import NumPyPrinter

        printer = NumPyPrinter()
        return {
            "value": printer.doprint(self.expr),
            "gradient": [printer.doprint(e) for e in self.gradient_exprs],
        }

    @cached_property
    def code(self) -> dict:
        """`derive()`, read from the cache when an earlier run left it there."""
        key = f"{DERIVATION} {self.variables} {self.definition}"
        path = cache_file()
        try:
            cache = json.loads(path.read_text())
        except (OSError, ValueError):
            cache = {}
        if key not in cache:
            cache[key] = self.derive()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_text(json.dumps(cache, indent=1))
                temporary.replace(path)  # whole or not at all, with renders running side by side
            except OSError:
                pass  # no cache then: derived again next time
        return cache[key]

    def _compiled(self, body: str):
        source = f"def {self.name}({', '.join(self.variables)}):\n    return {body}\n"
        namespace = {"numpy": np}
        exec(compile(source, f"<objective {self.name}>", "exec"), namespace)
        return namespace[self.name]

    @cached_property
    def _value(self):
        return self._compiled(self.code["value"])

    @cached_property
    def _gradient(self):
        return self._compiled(f"[{', '.join(self.code['gradient'])}]")

    def __call__(self, *coords):
        """Vectorised value: `g(xs, ys)` broadcasts like numpy."""
        return self._value(*coords)

    def value(self, point) -> float:
        return float(self._value(*np.asarray(point, dtype=float).reshape(self.dim)))

    def gradient(self, point) -> np.ndarray:
        coords = np.asarray(point, dtype=float).reshape(self.dim)
        return np.array(self._gradient(*coords), dtype=float)

    def in_domain(self, point) -> bool:
        coords = np.asarray(point, dtype=float).reshape(self.dim)
        return all(lo <= c <= hi for c, (lo, hi) in zip(coords, self.domain, strict=True))

    @property
    def latex(self) -> str:
        """The full equation, e.g. `g(x, y) = ...`."""
        return f"{self.name}({', '.join(self.variables)}) = {self.tex}"

    def tangent_plane(self, point):
        """Value and gradient at `point`: the plane z = z0 + grad · (p - point)."""
        return self.value(point), self.gradient(point)


# The Branin function, scaled to the video's axes: b = 5.1/(4 pi^2), c = 5/pi, t = 1/(8 pi).
g = Objective(
    name="g",
    definition="(5*((y - 51/(40*pi**2)*x**2 + 5/pi*x - 6)**2 + 10*(1 - 1/(8*pi))*cos(x)) + 20)/100",
    variables=("x", "y"),
    tex=(
        r"\frac{5\left[\left(y-\frac{5.1}{4\pi^2}x^2+\frac{5}{\pi}x-6\right)^2"
        r"+10\left(1-\frac{1}{8\pi}\right)\cos x\right]+20}{100}"
    ),
    domain=((-5.0, 10.0), (0.0, 15.0)),
)

f = Objective(
    name="f",
    definition="x**4 - x**3 + x",
    variables=("x",),
    tex=r"x^4-x^3+x",
    domain=((-2.0, 2.0),),
)

h = Objective(
    name="h",
    definition="x*y*cos(sin(x))*sin(cos(y))/10",
    variables=("x", "y"),
    tex=r"\frac{x y \cos(\sin x)\sin(\cos y)}{10}",
    domain=((0.0, 10.0), (-7.0, 2.0)),
)

OBJECTIVES = {obj.name: obj for obj in (g, f, h)}
