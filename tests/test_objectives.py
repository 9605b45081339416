import re

import numpy as np
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from gdkit.objectives import OBJECTIVES, Objective, f, g, h, x, y


def tex_to_sympy(tex: str) -> sp.Expr:
    """Read back the small LaTeX subset the objectives are displayed in."""
    s = tex.replace(r"\left", "").replace(r"\right", "")
    s = s.replace("[", "(").replace("]", ")")
    frac = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
    while frac.search(s):
        s = frac.sub(r"((\1)/(\2))", s)
    for name in ("cos", "sin"):
        s = re.sub(rf"\\{name}\s*([a-z])\b", rf"{name}(\1)", s)
        s = s.replace(f"\\{name}", name)
    s = s.replace(r"\pi", " pi ").replace("{", "(").replace("}", ")")
    transformations = standard_transformations + (
        implicit_multiplication_application,
        convert_xor,
    )
    return parse_expr(s, local_dict={"x": x, "y": y, "pi": sp.pi}, transformations=transformations)


@pytest.mark.parametrize("objective", OBJECTIVES.values(), ids=lambda o: o.name)
def test_displayed_formula_is_the_computed_one(objective):
    shown = tex_to_sympy(objective.tex)
    assert sp.simplify(sp.nsimplify(shown) - objective.expr) == 0
    rng = np.random.default_rng(0)
    for point in rng.uniform(-3, 3, size=(5, objective.dim)):
        subs = dict(zip(objective.variables, point, strict=True))
        assert float(shown.subs(subs)) == pytest.approx(objective.value(point), rel=1e-12)


def test_a_different_bracketing_is_caught():
    # The earlier version showed the factor 5 on the square only: that must not pass.
    wrong = g.tex.replace(r"\frac{5\left[", r"\frac{\left[5")
    assert sp.simplify(sp.nsimplify(tex_to_sympy(wrong)) - g.expr) != 0


def test_reference_values_of_g():
    assert round(g.value((5, 12)), 4) == 6.0908
    np.testing.assert_allclose(g.gradient((5, 12)), [0.78191, 1.07281], atol=5e-6)
    assert np.linalg.norm(g.gradient((5, 12))) == pytest.approx(1.32752, abs=5e-6)


def test_f_and_its_minimum():
    assert f.value(2) == 16 - 8 + 2
    assert f.gradient(1)[0] == pytest.approx(2.0)
    assert f.gradient(-0.45541)[0] == pytest.approx(0, abs=1e-4)


@pytest.mark.parametrize("objective", OBJECTIVES.values(), ids=lambda o: o.name)
def test_gradient_is_exact(objective: Objective):
    point = np.linspace(0.3, 1.7, objective.dim)
    eps = 1e-6
    numeric = [
        (objective.value(point + eps * e) - objective.value(point - eps * e)) / (2 * eps)
        for e in np.eye(objective.dim)
    ]
    np.testing.assert_allclose(objective.gradient(point), numeric, rtol=1e-6)


def test_vectorised_call_matches_value():
    xs, ys = np.meshgrid(np.linspace(0, 10, 4), np.linspace(-7, 2, 3))
    grid = h(xs, ys)
    assert grid.shape == xs.shape
    assert grid[1, 2] == pytest.approx(h.value((xs[1, 2], ys[1, 2])))


def test_latex_names_the_function():
    assert g.latex.startswith("g(x, y) = ")
    assert f.latex == "f(x) = x^4-x^3+x"
