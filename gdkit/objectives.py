"""The three objective functions of the video, each defined once as a sympy expression.

Everything numeric (values, exact gradients) is derived from that expression; the LaTeX shown
on screen sits beside it and a test proves the two say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy as sp

x, y = sp.symbols("x y", real=True)


@dataclass(frozen=True)
class Objective:
    """A scalar function of one or more variables, with its exact gradient."""

    name: str
    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]
    tex: str  # right-hand side as shown on screen
    domain: tuple[tuple[float, float], ...] = field(default=())

    @property
    def dim(self) -> int:
        return len(self.variables)

    @cached_property
    def gradient_exprs(self) -> tuple[sp.Expr, ...]:
        return tuple(sp.diff(self.expr, v) for v in self.variables)

    @cached_property
    def _value(self):
        return sp.lambdify(self.variables, self.expr, "numpy")

    @cached_property
    def _gradient(self):
        return sp.lambdify(self.variables, list(self.gradient_exprs), "numpy")

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
        args = ", ".join(sp.latex(v) for v in self.variables)
        return f"{self.name}({args}) = {self.tex}"

    def tangent_plane(self, point):
        """Value and gradient at `point`: the plane z = z0 + grad · (p - point)."""
        return self.value(point), self.gradient(point)


def _branin_scaled() -> sp.Expr:
    b = sp.Rational(51, 10) / (4 * sp.pi**2)
    c = 5 / sp.pi
    t = 1 / (8 * sp.pi)
    return (5 * ((y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * sp.cos(x)) + 20) / 100


g = Objective(
    name="g",
    expr=_branin_scaled(),
    variables=(x, y),
    tex=(
        r"\frac{5\left[\left(y-\frac{5.1}{4\pi^2}x^2+\frac{5}{\pi}x-6\right)^2"
        r"+10\left(1-\frac{1}{8\pi}\right)\cos x\right]+20}{100}"
    ),
    domain=((-5.0, 10.0), (0.0, 15.0)),
)

f = Objective(
    name="f",
    expr=x**4 - x**3 + x,
    variables=(x,),
    tex=r"x^4-x^3+x",
    domain=((-2.0, 2.0),),
)

h = Objective(
    name="h",
    expr=x * y * sp.cos(sp.sin(x)) * sp.sin(sp.cos(y)) / 10,
    variables=(x, y),
    tex=r"\frac{x y \cos(\sin x)\sin(\cos y)}{10}",
    domain=((0.0, 10.0), (-7.0, 2.0)),
)

OBJECTIVES = {obj.name: obj for obj in (g, f, h)}
