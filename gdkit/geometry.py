"""Small pure geometry for the scenes: the blind cane (M2) and steps on a surface (M3)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdkit.objectives import Objective


@dataclass(frozen=True)
class CanePose:
    hand: np.ndarray  # (x, y), the foot is at the origin
    tip: np.ndarray
    alpha: float  # degrees between cane and body
    theta: float  # degrees of the ground slope through foot and tip

    @property
    def slope(self) -> float:
        return math.tan(math.radians(self.theta))


def cane_pose(inclination: float, length: float, hand_height: float) -> CanePose:
    """A cane held at `hand_height` above the foot, pointing forward and `inclination` degrees
    below the horizontal. tan θ = (l cos α − h) / (l sin α)."""
    if length <= 0 or hand_height <= 0:
        raise ValueError("length and hand_height must be > 0")
    if not 0 < inclination < 90:
        raise ValueError(
            f"inclination must be between 0 and 90 degrees (exclusive), got {inclination}"
        )
    alpha = 90.0 - inclination
    a = math.radians(alpha)
    hand = np.array([0.0, hand_height])
    tip = hand + length * np.array([math.sin(a), -math.cos(a)])
    theta = math.degrees(math.atan2(length * math.cos(a) - hand_height, length * math.sin(a)))
    return CanePose(hand, tip, alpha, theta)


def unit(angle_deg: float) -> np.ndarray:
    a = math.radians(angle_deg)
    return np.array([math.cos(a), math.sin(a)])


def gradient_angle(objective: Objective, point) -> float:
    """Direction of the gradient, in degrees from +x."""
    gx, gy = objective.gradient(point)
    return math.degrees(math.atan2(gy, gx))


def plane_change(objective: Objective, point, angle_deg: float, step: float) -> float:
    """Δg on the tangent plane at `point` for a step of length `step` towards `angle_deg`."""
    return float(step * objective.gradient(point) @ unit(angle_deg))


def surface_change(objective: Objective, point, angle_deg: float, step: float) -> float:
    """Δg on the surface itself for the same step."""
    p = np.asarray(point, dtype=float)
    return objective.value(p + step * unit(angle_deg)) - objective.value(p)
