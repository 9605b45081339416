import numpy as np
import pytest

from gdkit.geometry import cane_pose, gradient_angle, plane_change, surface_change
from gdkit.objectives import g

P = (5, 12)
GRAD = float(np.linalg.norm(g.gradient(P)))


@pytest.mark.parametrize(
    "inclination, length, alpha, theta",
    [(30, 4, 60, 0.00), (40, 4, 50, 10.56), (10, 4, 80, -18.33), (89, 2.01, 1, 15.45)],
)
def test_cane(inclination, length, alpha, theta):
    pose = cane_pose(inclination, length, hand_height=2)
    assert round(pose.alpha, 2) == alpha
    assert round(pose.theta, 2) == theta
    assert np.linalg.norm(pose.tip - pose.hand) == pytest.approx(length)
    # The ground goes through the foot (origin) and the tip.
    assert pose.tip[1] == pytest.approx(-pose.slope * pose.tip[0], abs=1e-12)


def test_cane_rejects_impossible_input():
    with pytest.raises(ValueError):
        cane_pose(90, 4, 2)
    with pytest.raises(ValueError):
        cane_pose(30, 0, 2)


def test_gradient_direction():
    assert round(gradient_angle(g, P), 2) == 53.91


@pytest.mark.parametrize(
    "angle, step, expected",
    [
        (0, 0.5, 0.391),
        (90, 0.5, 0.536),
        (30, 0.5, 0.607),
        ("grad", GRAD, 1.762),
        ("-grad", GRAD, -1.762),
    ],
)
def test_change_on_the_tangent_plane(angle, step, expected):
    a = {"grad": gradient_angle(g, P), "-grad": gradient_angle(g, P) + 180}.get(angle, angle)
    assert round(plane_change(g, P, a, step), 3) == expected


@pytest.mark.parametrize("lr, expected", [(1, -1.755), (1.5, -2.573), (0.5, -0.885)])
def test_change_on_the_surface(lr, expected):
    a = gradient_angle(g, P) + 180
    assert round(surface_change(g, P, a, lr * GRAD), 3) == expected
