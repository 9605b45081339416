import warnings

import numpy as np
import pytest

from gdkit.descent import Momentum, gradient_descent, multi_start
from gdkit.objectives import f, g, h


@pytest.mark.parametrize(
    "lr, steps, reason, final",
    [(0.05, 38, "converged", -0.446), (1.0, 2, "left_domain", 5.0), (0.3, 7, "converged", -0.463)],
)
def test_one_dimensional_runs_of_m7(lr, steps, reason, final):
    run = gradient_descent(f, 1.0, lr, tol=0.05, max_steps=500, domain=f.domain)
    assert (run.steps, run.reason) == (steps, reason)
    assert run.points.shape == (steps + 1, 1)
    assert run.final[0] == pytest.approx(final, abs=5e-4)
    assert abs(run.gradients[-1][0]) <= 0.05 or reason != "converged"


def test_diverging_run_goes_one_then_minus_one_then_five():
    run = gradient_descent(f, 1.0, 1.0, tol=0.05, max_steps=500, domain=f.domain)
    np.testing.assert_allclose(run.points.ravel(), [1, -1, 5])


def test_surface_run_of_m8():
    run = gradient_descent(g, (5, 12), 0.5, tol=0.1, max_steps=500, domain=g.domain)
    assert (run.steps, run.reason) == (49, "converged")
    np.testing.assert_allclose(run.final, [2.929, 3.423], atol=5e-4)
    assert run.final_value == pytest.approx(-0.2217, abs=5e-5)
    assert run.values.shape == (50,) and run.gradients.shape == (50, 2)
    assert np.linalg.norm(run.gradients[-1]) <= 0.1 < np.linalg.norm(run.gradients[-2])


def test_multi_start_of_m10():
    starts = [((6, -3), 0.8), ((2.7, -3.2), 3), ((7.1, -3.2), 1), ((9.3, -2.9), 0.5)]
    result = multi_start(h, starts, tol=1e-4, max_steps=1000)
    assert [r.steps for r in result.runs] == [38, 38, 7, 33]
    expected = [
        (6.4395, -0.9045, -0.3334),
        (3.4407, -0.9045, -0.1726),
        (7.7707, -0.9045, -0.2212),
        (9.5299, -0.9045, -0.4967),
    ]
    for run, (ex, ey, ez) in zip(result.runs, expected, strict=True):
        np.testing.assert_allclose(run.final, [ex, ey], atol=5e-5)
        assert run.final_value == pytest.approx(ez, abs=5e-5)
    assert result.best_index == 3


def test_always_bounded_by_max_steps():
    run = gradient_descent(f, 1.0, 1e-6, tol=1e-9, max_steps=10)
    assert (run.steps, run.reason) == (10, "max_steps")


def test_overflow_ends_as_diverged_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(f, 1.0, 10.0, tol=0.05, max_steps=100)
    assert run.reason == "diverged"
    assert run.steps < 100


def test_converged_at_the_start_takes_no_step():
    run = gradient_descent(f, -0.45541, 0.1, tol=1e-3, max_steps=10)
    assert (run.steps, run.reason) == (0, "converged")


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(lr=0), "lr"),
        (dict(lr=-1), "lr"),
        (dict(lr=float("nan")), "lr"),
        (dict(lr=float("inf")), "lr"),
        (dict(tol=0), "tol"),
        (dict(tol=-1e-3), "tol"),
        (dict(x0=(1.0, 2.0)), "x0"),
        (dict(max_steps=-1), "max_steps"),
        (dict(lr=True), "lr"),
        (dict(tol=np.True_), "tol"),
        (dict(max_steps=True), "max_steps"),
        (dict(max_steps=2.0), "max_steps"),
        (dict(domain=[(2.0, -2.0)]), "domain"),
        (dict(domain=[(float("nan"), 2.0)]), "domain"),
        (dict(domain=[(-2.0, float("nan"))]), "domain"),
        (dict(domain=[(-2.0, 2.0), (0, 1)]), "domain"),
        (dict(domain=[(-2.0,)]), "domain"),
        (dict(domain=[("a", 2.0)]), "domain"),
        (dict(domain=[(False, 2.0)]), "domain"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, word):
    args = dict(x0=1.0, lr=0.1, tol=0.05, max_steps=10) | kwargs
    x0 = args.pop("x0")
    lr = args.pop("lr")
    with pytest.raises(ValueError, match=word):
        gradient_descent(f, x0, lr, **args)


def test_two_dimensional_start_must_have_two_coordinates():
    with pytest.raises(ValueError, match="x0"):
        gradient_descent(g, 5.0, 0.5, tol=0.1, max_steps=10)


def test_numbers_of_any_numpy_type_are_accepted():
    plain = gradient_descent(f, 1.0, 0.05, tol=0.05, max_steps=500, domain=f.domain)
    typed = gradient_descent(
        f,
        np.float32(1.0),
        np.float64(0.05),
        tol=np.float16(0.05),
        max_steps=np.int64(500),
        domain=[(np.int32(-2), np.float32(2.0))],
    )
    assert typed.steps == plain.steps == 38
    np.testing.assert_allclose(typed.points, plain.points, rtol=1e-3)
    lr32 = gradient_descent(f, 1.0, np.float32(0.01), tol=0.05, max_steps=10)
    assert lr32.lr == pytest.approx(0.01) and type(lr32.lr) is float


def test_the_best_run_is_never_a_diverged_one():
    # f falls without bound as x runs off to -inf: a diverged run "ends" lower than any other.
    runs = multi_start(f, [(1.0, 10.0), (1.0, 0.05)], tol=0.05, max_steps=100)
    assert [r.reason for r in runs.runs] == ["diverged", "converged"]
    assert runs.best_index == 1 and runs.best is runs.runs[1]


def test_no_best_run_when_every_run_diverges():
    runs = multi_start(f, [(1.0, 10.0), (-1.0, 20.0)], tol=0.05, max_steps=100)
    assert {r.reason for r in runs.runs} == {"diverged"}
    assert runs.best_index is None and runs.best is None


def test_momentum_remembers_its_velocity_and_a_run_starts_without_one():
    rule = Momentum(beta=0.5)
    run = gradient_descent(g, (5, 12), 0.1, tol=0.1, max_steps=500, domain=g.domain, rule=rule)
    plain = gradient_descent(g, (5, 12), 0.1, tol=0.1, max_steps=500, domain=g.domain)
    # The first step has no velocity yet: the plain step; the second adds half the first.
    np.testing.assert_allclose(run.points[1], plain.points[1])
    expected = run.points[1] - 0.1 * (0.5 * run.gradients[0] + run.gradients[1])
    np.testing.assert_allclose(run.points[2], expected)
    assert run.converged and run.steps < plain.steps
    again = gradient_descent(g, (5, 12), 0.1, tol=0.1, max_steps=500, domain=g.domain, rule=rule)
    np.testing.assert_array_equal(again.points, run.points)  # nothing kept between runs


def test_a_rule_of_ones_own_is_a_class_with_a_step():
    class Sign:
        def step(self, point, gradient, lr, memory):
            memory["n"] = memory.get("n", 0) + 1
            return point - lr * np.sign(gradient)

    run = gradient_descent(f, 1.0, 0.25, tol=0.05, max_steps=6, domain=f.domain, rule=Sign())
    np.testing.assert_allclose(np.diff(run.points.ravel())[:2], [-0.25, -0.25])
    multi = multi_start(g, [((5, 12), 0.5)], tol=0.1, max_steps=5, rule=Sign())
    np.testing.assert_allclose(multi.runs[0].points[1], [4.5, 11.5])
    with pytest.raises(ValueError, match="rule must have a step"):
        gradient_descent(f, 1.0, 0.1, tol=0.05, max_steps=5, rule=lambda *a: a[0])


def test_a_shot_with_momentum_is_a_subclass_of_a_few_lines():
    from gdkit.tools.contact_sheet import run_shot
    from tests.craft import shot_class

    class M8(shot_class("M8")):
        rule = Momentum(beta=0.5)
        learning_rate = 0.2

    scene = run_shot("M8", "en", (256, 144), scene_class=M8)
    expected = gradient_descent(
        g, (5, 12), 0.2, tol=0.1, max_steps=200, domain=g.domain, rule=Momentum(beta=0.5)
    )
    np.testing.assert_array_equal(scene.run.points, expected.points)
    assert scene.run.steps != gradient_descent(g, (5, 12), 0.2, tol=0.1, max_steps=200).steps
