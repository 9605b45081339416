"""The three objective functions of the video, each defined once, in sympy's syntax.

sympy derives everything numeric from that definition (values and exact gradients, as numpy
code) and the LaTeX shown on screen sits beside it; a test proves the two say the same
thing. The numpy code of the video's objectives is generated into `gdkit/derived.py`
(`python -m gdkit.objectives`, or `make derived`), so that a render does not import sympy
(half a second of every start); a test checks that file against sympy. A definition that
file does not hold (one just edited) is derived when first used.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

DERIVED_FILE = Path(__file__).with_name("derived.py")


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
    def _functions(self):
        """(value, gradient) as numpy functions: generated, or derived now."""
        from gdkit import derived

        generated = derived.FUNCTIONS.get((self.variables, self.definition))
        if generated is not None:
            return generated
        code = self.derive()  # printed by sympy in this process, never read from anywhere
        namespace = {"numpy": np}
        exec(compile(self.source(code), f"<objective {self.name}>", "exec"), namespace)
        return namespace[self.name], namespace[f"{self.name}_gradient"]

    def source(self, code: dict, name: str | None = None) -> str:
        """Python source of the value and gradient functions, from `derive()`'s code."""
        name = name or self.name
        args = ", ".join(self.variables)
        return (
            f"def {name}({args}):\n    return {code['value']}\n\n\n"
            f"def {name}_gradient({args}):\n    return [{', '.join(code['gradient'])}]\n"
        )

    @property
    def _value(self):
        return self._functions[0]

    @property
    def _gradient(self):
        return self._functions[1]

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


def derived_module() -> str:
    """The source of `gdkit/derived.py`, as sympy derives it now."""
    parts = [
        '"""numpy code of the objectives\' values and gradients, printed by sympy from their\n'
        "definitions in `gdkit/objectives.py`. Generated by `python -m gdkit.objectives`; do not\n"
        'edit (a test checks it against sympy)."""\n\n'
        "# fmt: off\n"
        "import numpy\n"
    ]
    entries = []
    for objective in OBJECTIVES.values():
        parts.append("\n\n" + objective.source(objective.derive()))
        entries.append(
            f"    ({objective.variables!r}, {objective.definition!r}):\n"
            f"        ({objective.name}, {objective.name}_gradient),\n"
        )
    parts.append("\n\n# (variables, definition) -> (value, gradient)\nFUNCTIONS = {\n")
    parts += entries
    parts.append("}\n")
    return "".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gdkit.objectives", description="Write gdkit/derived.py from sympy."
    )
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    source = derived_module()
    current = DERIVED_FILE.exists() and DERIVED_FILE.read_text(encoding="utf-8") == source
    if args.check:
        print(f"{DERIVED_FILE}: {'current' if current else 'out of date'}")
        return 0 if current else 1
    if not current:
        temporary = DERIVED_FILE.with_suffix(".tmp")
        temporary.write_text(source, encoding="utf-8")
        temporary.replace(DERIVED_FILE)
    print(DERIVED_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
