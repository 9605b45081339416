"""The 1D plot: a function drawn on its axes."""

from __future__ import annotations

import numpy as np
from manimlib import (
    GREY_B,
    LEFT,
    RIGHT,
    SMALL_BUFF,
    UP,
    Axes,
    Tex,
    VGroup,
)

from gdkit.mobjects.words import NUMBER_FONT
from gdkit.objectives import Objective


class FunctionPlot(VGroup):
    """Axes with numbers, the labels x, f(x), O, and the curve of a 1D objective (M5, M7)."""

    def __init__(
        self,
        objective: Objective,
        x_range=(-2, 2, 0.5),
        y_range=(0, 4, 1),
        width=8.0,
        height=5.4,
        curve_color="#00FFFF",
    ):
        self.objective = objective
        self.axes = Axes(
            x_range, y_range, width=width, height=height, axis_config=dict(stroke_color=GREY_B)
        )
        self.axes.add_coordinate_labels(
            x_values=np.arange(x_range[0], x_range[1] + 0.01, 1.0),
            y_values=np.arange(y_range[0] + y_range[2], y_range[1] + 0.01, y_range[2]),
            font_size=22,
            text_config=dict(font=NUMBER_FONT),  # the digits of the formulas and read-outs
        )
        x_label = Tex("x", font_size=34).next_to(self.axes.x_axis.get_end(), RIGHT, SMALL_BUFF)
        y_label = Tex(f"{objective.name}(x)", font_size=34).next_to(
            self.axes.y_axis.get_end(), RIGHT, SMALL_BUFF
        )
        # Up and left of the origin: the curve, and a descent's trail, pass below and right.
        origin = Tex("O", font_size=28).next_to(self.axes.c2p(0, 0), UP + LEFT, SMALL_BUFF)
        self.labels = VGroup(x_label, y_label, origin)
        self.curve = self.axes.get_graph(
            lambda t: objective.value(t), x_range=self.visible_x_range(), color=curve_color
        )
        self.curve_label = Tex(objective.latex, font_size=36).set_color(curve_color)
        self.curve_label.next_to(self.axes.c2p(x_range[1], y_range[1]), RIGHT, buff=0.6)
        super().__init__(self.axes, self.labels, self.curve, self.curve_label)

    def visible_x_range(self, samples=801):
        """Where the curve stays inside the y range, so it is not drawn off the axes."""
        lo, hi = self.axes.x_range[:2]
        xs = np.linspace(lo, hi, samples)
        inside = xs[(self.objective(xs) <= self.axes.y_range[1]) & (self.objective(xs) >= 0)]
        return (inside.min(), inside.max(), (hi - lo) / 200)

    def point_at(self, x: float) -> np.ndarray:
        return self.axes.c2p(x, self.objective.value(x))
