"""Plain gradient descent on an `Objective`, bounded and with the reason it stopped."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gdkit.objectives import Objective

REASONS = ("converged", "left_domain", "diverged", "max_steps")


@dataclass(frozen=True)
class Run:
    """The iterates of one descent: `points[0]` is the start, `points[-1]` where it stopped."""

    lr: float
    points: np.ndarray  # (n + 1, d)
    values: np.ndarray  # (n + 1,)
    gradients: np.ndarray  # (n + 1, d)
    reason: str

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]

    @property
    def final_value(self) -> float:
        return float(self.values[-1])

    @property
    def converged(self) -> bool:
        return self.reason == "converged"


def gradient_descent(
    objective: Objective,
    x0,
    lr: float,
    *,
    tol: float,
    max_steps: int,
    domain: Sequence[tuple[float, float]] | None = None,
) -> Run:
    """Step x <- x - lr * grad(x) from `x0` until |grad| <= tol, or the point leaves `domain`
    (closed bounds per coordinate), or the numbers overflow, or `max_steps` steps were taken."""
    if not (isinstance(lr, int | float) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    if not (isinstance(tol, int | float) and math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a finite number > 0, got {tol!r}")
    if not (isinstance(max_steps, int) and max_steps >= 0):
        raise ValueError(f"max_steps must be an integer >= 0, got {max_steps!r}")
    point = np.atleast_1d(np.asarray(x0, dtype=float))
    if point.shape != (objective.dim,) or not np.all(np.isfinite(point)):
        raise ValueError(f"x0 must be {objective.dim} finite number(s), got {x0!r}")
    if domain is not None and len(domain) != objective.dim:
        raise ValueError(f"domain must give {objective.dim} (low, high) pair(s), got {domain!r}")

    points, values, gradients = [point], [], []
    reason = "max_steps"
    with np.errstate(all="ignore"):
        while True:
            value, grad = objective.value(point), objective.gradient(point)
            values.append(value)
            gradients.append(grad)
            if not (math.isfinite(value) and np.all(np.isfinite(grad))):
                reason = "diverged"
                break
            if np.linalg.norm(grad) <= tol:
                reason = "converged"
                break
            if domain is not None and not _inside(point, domain):
                reason = "left_domain"
                break
            if len(points) > max_steps:
                break
            point = point - lr * grad
            points.append(point)
    return Run(lr, np.array(points), np.array(values), np.array(gradients), reason)


def _inside(point: np.ndarray, domain: Sequence[tuple[float, float]]) -> bool:
    return all(lo <= c <= hi for c, (lo, hi) in zip(point, domain, strict=True))


@dataclass(frozen=True)
class MultiStart:
    runs: tuple[Run, ...]

    @property
    def best_index(self) -> int:
        """The run that ended lowest (runs that diverged never win)."""
        finals = [r.final_value if r.reason != "diverged" else math.inf for r in self.runs]
        return int(np.argmin(finals))

    @property
    def best(self) -> Run:
        return self.runs[self.best_index]


def multi_start(
    objective: Objective,
    starts_and_rates: Iterable[tuple[Sequence[float] | float, float]],
    **kwargs,
) -> MultiStart:
    """One `gradient_descent` per (start, lr) pair, with the same `tol`, `max_steps`, `domain`."""
    runs = tuple(gradient_descent(objective, x0, lr, **kwargs) for x0, lr in starts_and_rates)
    if not runs:
        raise ValueError("starts_and_rates must hold at least one (start, lr) pair")
    return MultiStart(runs)
