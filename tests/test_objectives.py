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
from gdkit.paths import ROOT

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


def test_the_generated_code_is_what_sympy_derives_now():
    """gdkit/derived.py is sympy's code for today's definitions (`make derived` rewrites it)."""
    from gdkit import derived
    from gdkit.objectives import derived_module

    assert (ROOT / "gdkit/derived.py").read_text(encoding="utf-8") == derived_module()
    for objective in OBJECTIVES.values():
        value, gradient = derived.FUNCTIONS[(objective.variables, objective.definition)]
        assert objective._functions == (value, gradient)
        point = np.linspace(0.3, 1.7, objective.dim)
        exact = [
            float(e.subs(dict(zip(objective.symbols, point, strict=True))))
            for e in objective.gradient_exprs
        ]
        np.testing.assert_allclose(gradient(*point), exact, rtol=1e-12)


def test_a_start_imports_no_sympy_and_runs_no_cached_code(tmp_path):
    """Values come from the package: a cache file planted where an older version kept derived
    code is neither read nor run."""
    planted = tmp_path / "gradient-descent-video" / "derived.json"
    planted.parent.mkdir(parents=True)
    marker = tmp_path / "ran"
    evil = f"__import__('pathlib').Path({str(marker)!r}).touch() or 17.0"
    planted.write_text(
        json.dumps(
            {"numpy-1 ('x', 'y') " + g.definition: {"value": evil, "gradient": [evil, evil]}}
        )
    )
    probe = (
        "import sys, json\n"
        "from gdkit.objectives import g\n"
        "print(json.dumps([g.value((5, 12)), list(g.gradient((5, 12))), 'sympy' in sys.modules]))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    value, gradient, imported_sympy = json.loads(out.stdout)
    assert round(value, 4) == 6.0908 and not imported_sympy and not marker.exists()
    np.testing.assert_allclose(gradient, [0.78191, 1.07281], atol=5e-6)


def test_an_edited_definition_is_derived_when_first_used():
    changed = Objective("g2", g.definition.replace("+ 20", "+ 30"), ("x", "y"), g.tex)
    assert changed.value((5, 12)) == pytest.approx(g.value((5, 12)) + 0.1)
    np.testing.assert_allclose(changed.gradient((5, 12)), g.gradient((5, 12)))


def test_the_generator_says_whether_the_file_is_current(tmp_path, monkeypatch):
    from gdkit import objectives

    copy = tmp_path / "derived.py"
    copy.write_text((ROOT / "gdkit/derived.py").read_text(encoding="utf-8"))
    monkeypatch.setattr(objectives, "DERIVED_FILE", copy)
    assert objectives.main(["--check"]) == 0
    copy.write_text(copy.read_text().replace("x**4 - x**3 + x\n", "x**4 - x**3 + 2*x\n"))
    assert objectives.main(["--check"]) == 1
    assert objectives.main([]) == 0 and objectives.main(["--check"]) == 0
