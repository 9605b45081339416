"""Gradient descent on an `Objective`, bounded and with the reason it stopped; the plain step
by default, or another update rule (`Momentum`, or a class of your own with a `step`)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gdkit.objectives import Objective

REASONS = ("converged", "left_domain", "diverged", "max_steps")


@dataclass(frozen=True)
class Plain:
    """The plain step: x <- x - lr * grad g(x)."""

    def step(self, point: np.ndarray, gradient: np.ndarray, lr: float, memory: dict):
        """The next point; `memory` is this run's own, for rules that remember."""
        return point - lr * gradient


@dataclass(frozen=True)
class Momentum(Plain):
    """The heavy ball: v <- beta * v + grad g(x), x <- x - lr * v (v starts at 0)."""

    beta: float = 0.9

    def step(self, point, gradient, lr, memory):
        velocity = self.beta * memory.get("velocity", 0.0) + gradient
        memory["velocity"] = velocity
        return point - lr * velocity


PLAIN = Plain()


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
    rule: Plain = PLAIN,
) -> Run:
    """Step from `x0` by `rule` (x <- x - lr * grad(x) unless told) until |grad| <= tol, or the
    point leaves `domain` (closed bounds per coordinate), or the numbers overflow, or
    `max_steps` steps were taken."""
    lr = _positive_number("lr", lr)
    tol = _positive_number("tol", tol)
    if not _is_number(max_steps, numbers.Integral) or max_steps < 0:
        raise ValueError(f"max_steps must be an integer >= 0, got {max_steps!r}")
    max_steps = int(max_steps)
    point = np.atleast_1d(np.asarray(x0, dtype=float))
    if point.shape != (objective.dim,) or not np.all(np.isfinite(point)):
        raise ValueError(f"x0 must be {objective.dim} finite number(s), got {x0!r}")
    if domain is not None:
        domain = _checked_domain(domain, objective.dim)

    if not callable(getattr(rule, "step", None)):
        raise ValueError(f"rule must have a step(point, gradient, lr, memory), got {rule!r}")
    points, values, gradients, memory = [point], [], [], {}
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
            point = np.asarray(rule.step(point, grad, lr, memory), dtype=float)
            points.append(point)
    return Run(lr, np.array(points), np.array(values), np.array(gradients), reason)


def _is_number(value, kind=numbers.Real) -> bool:
    """A number of any kind (Python's or numpy's), but not a boolean."""
    return isinstance(value, kind) and not isinstance(value, bool | np.bool_)


def _positive_number(name: str, value) -> float:
    if not (_is_number(value) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _checked_domain(domain, dim: int) -> tuple[tuple[float, float], ...]:
    try:
        pairs = [tuple(pair) for pair in domain]
    except TypeError:
        pairs = []
    if len(pairs) != dim or any(
        len(pair) != 2 or not all(_is_number(b) for b in pair) for pair in pairs
    ):
        raise ValueError(f"domain must give {dim} (low, high) pair(s), got {domain!r}")
    for lo, hi in pairs:
        if math.isnan(lo) or math.isnan(hi) or lo > hi:
            raise ValueError(f"domain bounds must be numbers with low <= high, got {domain!r}")
    return tuple((float(lo), float(hi)) for lo, hi in pairs)


def _inside(point: np.ndarray, domain: Sequence[tuple[float, float]]) -> bool:
    return all(lo <= c <= hi for c, (lo, hi) in zip(point, domain, strict=True))


@dataclass(frozen=True)
class MultiStart:
    runs: tuple[Run, ...]

    @property
    def best_index(self) -> int | None:
        """The run that ended lowest; a run that diverged never wins (None if all did)."""
        finals = [
            r.final_value if r.reason != "diverged" and math.isfinite(r.final_value) else math.inf
            for r in self.runs
        ]
        if all(v == math.inf for v in finals):
            return None
        return int(np.argmin(finals))

    @property
    def best(self) -> Run | None:
        index = self.best_index
        return None if index is None else self.runs[index]


def multi_start(
    objective: Objective,
    starts_and_rates: Iterable[tuple[Sequence[float] | float, float]],
    **kwargs,
) -> MultiStart:
    """One `gradient_descent` per (start, lr) pair, with the same `tol`, `max_steps`, `domain`
    and `rule`."""
    runs = tuple(gradient_descent(objective, x0, lr, **kwargs) for x0, lr in starts_and_rates)
    if not runs:
        raise ValueError("starts_and_rates must hold at least one (start, lr) pair")
    return MultiStart(runs)
