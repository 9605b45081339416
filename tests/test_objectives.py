import functools
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from gdkit.objectives import OBJECTIVES, Objective, f, g, h

x, y = sp.symbols("x y", real=True)  # the same symbols as the objectives' own


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
        subs = dict(zip(objective.symbols, point, strict=True))
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


def test_numpy_code_is_printed_from_the_definition():
    assert f.derive() == {"value": "x**4 - x**3 + x", "gradient": ["4*x**3 - 3*x**2 + 1"]}
    assert "numpy.cos(x)" in g.derive()["value"]


def test_a_warm_start_reads_the_code_without_sympy(tmp_path, monkeypatch):
    """The first run derives and stores the code; the next computes the same numbers from
    the cache without importing sympy; a changed definition is derived afresh."""
    probe = (
        "import sys, json\n"
        "from gdkit.objectives import g, Objective\n"
        "print(json.dumps([g.value((5, 12)), list(g.gradient((5, 12))), 'sympy' in sys.modules]))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    run = functools.partial(subprocess.run, env=env, capture_output=True, text=True, check=True)
    runs = [json.loads(run([sys.executable, "-c", probe]).stdout) for _ in range(2)]
    assert runs[0][2] and not runs[1][2]
    assert runs[0][:2] == runs[1][:2] == [g.value((5, 12)), list(g.gradient((5, 12)))]
    cached = json.loads((tmp_path / "gradient-descent-video" / "derived.json").read_text())
    assert len(cached) == 1 and g.definition in next(iter(cached))

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    changed = Objective("g2", g.definition.replace("+ 20", "+ 30"), ("x", "y"), g.tex)
    assert changed.value((5, 12)) == pytest.approx(g.value((5, 12)) + 0.1)
    assert len(json.loads((tmp_path / "gradient-descent-video" / "derived.json").read_text())) == 2


def test_a_broken_cache_file_is_derived_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = tmp_path / "gradient-descent-video" / "derived.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    fresh = Objective("f", f.definition, f.variables, f.tex)
    assert fresh.value(2) == 16 - 8 + 2
    assert f.definition in next(iter(json.loads(path.read_text())))
