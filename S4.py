"""The 1D shots: M5 (step length and tangent slope) and M7 (gradient descent on f)."""

from gdkit.manim_imports import *
from gdkit.mobjects import FunctionPlot, Number, between, caption, live_row


class PlotOfF(BeatScene):
    """The axes and the curve of f that M5 and M7 share, and the point's start."""

    start_x = 1.0
    dot_color = YELLOW

    def setup(self):
        super().setup()
        # Left of the frame, above the strip kept for subtitles.
        self.plot = FunctionPlot(f)
        self.plot.move_to(np.array([-6.25, -2.68, 0]), aligned_edge=DL)


class M5(PlotOfF):
    """M5 · Step length and tangent slope."""

    stops = (-0.2, 1.4)
    tangent_color = PURPLE_B
    tangent_length = 2.0

    def tangent_line(self, x_tracker):
        """The tangent at the tracked x, a fixed length on screen."""

        def line():
            x = x_tracker.get_value()
            k = f.gradient(x)[0]
            point = self.plot.point_at(x)
            direction = normalize(self.plot.axes.c2p(x + 1, f.value(x) + k) - point)
            half = 0.5 * self.tangent_length * direction
            return Line(point - half, point + half, stroke_width=6).set_color(self.tangent_color)

        return always_redraw(line)

    def construct(self):
        plot = self.plot

        # M5.1 axes, then the curve and its label
        self.beat(1)
        self.play(ShowCreation(plot.axes), Write(plot.labels), run_time=2)
        self.play(ShowCreation(plot.curve), Write(plot.curve_label), run_time=2)
        self.wait()

        # M5.2 the point, its tangent and the slope k
        self.beat(2)
        x_tracker = ValueTracker(self.start_x)
        dot = Dot(radius=0.1).set_color(self.dot_color)
        dot.f_always.move_to(lambda: plot.point_at(x_tracker.get_value()))
        tangent = self.tangent_line(x_tracker)
        self.slope = slope = Number(f.gradient(self.start_x)[0], num_decimal_places=3, font_size=44)
        slope.f_always.set_value(lambda: f.gradient(x_tracker.get_value())[0])
        readout = live_row(Tex("k =", font_size=44), slope, buff=0.2)
        readout.set_color(self.tangent_color)
        readout.next_to(plot.curve_label, DOWN, buff=0.6, aligned_edge=LEFT)
        dot.set_z_index(1)  # over the tangent through it
        self.play(FadeIn(dot, scale=0.5))
        drawn = tangent.copy().clear_updaters()  # a line that redraws itself cannot grow
        self.play(GrowFromCenter(drawn), Write(readout))
        self.remove(drawn)
        self.add(tangent)
        self.wait()

        # M5.3, M5.4 the point slides along the curve; tangent and k follow
        for n, x in enumerate(self.stops, start=3):
            self.beat(n)
            self.play(x_tracker.animate.set_value(x), run_time=3)
            self.wait(1.5)


class M7(PlotOfF):
    """M7 · Gradient descent in 1D."""

    learning_rates = (0.05, 1.0, 0.3)
    rule = Plain()  # the update rule of every run (Momentum(0.9): the heavy ball)
    tol = 0.05  # a run stops when |f'(x)| <= tol, or when x leaves the plot
    max_steps = 100
    detailed_steps = 3  # the first steps of a run are shown slowly, later ones speed up
    step_time = 2.0
    speed_up = 0.7
    fastest_step = 0.2
    arrow_color = RED
    trail_color = YELLOW_E
    font_size = 26

    def construct(self):
        self.add(self.plot)
        self.last_run = VGroup()  # what the previous run left on screen
        self.runs = []
        for n, lr in enumerate(self.learning_rates, start=1):
            # M7.1, M7.2, M7.3: one run per learning rate, each from the same start
            self.beat(n)
            run = gradient_descent(
                f,
                self.start_x,
                lr,
                tol=self.tol,
                max_steps=self.max_steps,
                domain=f.domain,
                rule=self.rule,
            )
            self.runs.append(run)
            self.show_run(run)

    min_arrow = 0.5  # screen units: a shorter step is drawn magnified, and says so

    def step_arrow(self, x_old, x_new):
        """The step from x_old to x_new as an arrow just below the x axis, a dashed drop
        from the point to where it starts; a step too short to see is drawn magnified,
        with its factor."""
        axes = self.plot.axes
        below = 0.62 * DOWN  # under the axis's numbers
        start, end = axes.c2p(x_old, 0) + below, axes.c2p(x_new, 0) + below
        length = np.linalg.norm(end - start)
        factor = 1
        if length < self.min_arrow:
            factor = next(
                k
                for k in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**4, 10**5, 10**6)
                if k * length >= self.min_arrow
            )
            end = start + factor * (end - start)
        arrow = Arrow(start, end, buff=0, thickness=3).set_color(self.arrow_color)
        drop = DashedLine(self.plot.point_at(x_old), axes.c2p(x_old, 0), stroke_width=2)
        parts = VGroup(drop.set_stroke(self.arrow_color, opacity=0.7), arrow)
        if factor > 1:
            note = caption("shown_magnified", 20, color=self.arrow_color, k=rf"\times {factor}")
            parts.add(note.next_to(arrow, RIGHT if x_new < x_old else LEFT, buff=0.12))
        return parts

    def show_run(self, run):
        plot, size = self.plot, 1.15 * self.font_size
        x_tracker = ValueTracker(run.points[0, 0])

        def current():
            return x_tracker.get_value()

        # Set up the HUD: learning rate, iteration, the step and where the point is
        iteration = Number(0, num_decimal_places=0, font_size=size)
        hud = VGroup(
            caption("hud_learning_rate", self.font_size, alpha=rf"\alpha = {run.lr:.2f}"),
            caption("hud_iteration", self.font_size, n=iteration),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        step_value = Number(
            run.points[1, 0] - run.points[0, 0], num_decimal_places=3, font_size=size
        )
        step_row = live_row(Tex(r"\Delta x = -\alpha f'(x) =", font_size=size), step_value)
        step_row.set_color(self.arrow_color)
        x_value = Number(current(), num_decimal_places=3, font_size=size)
        fx_value = Number(f.value(current()), num_decimal_places=3, font_size=size)
        x_value.f_always.set_value(current)
        fx_value.f_always.set_value(lambda: f.value(current()))
        point_row = live_row(
            Tex("x =", font_size=size), x_value, Tex(r",\ f(x) =", font_size=size), fx_value
        )
        panel = VGroup(hud, step_row, point_row)
        panel.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        panel.next_to(plot.curve_label, DOWN, buff=0.6, aligned_edge=LEFT)
        dot = Dot(radius=0.09).set_color(self.dot_color)
        dot.f_always.move_to(lambda: plot.point_at(current()))
        trail = VGroup()
        # The last run's panel goes before this one comes where it was
        gone, then = between(0, 0.5), between(0.5, 1)
        self.play(
            FadeOut(self.last_run, rate_func=gone),
            FadeIn(panel, rate_func=then),
            FadeIn(dot, scale=0.5, rate_func=then),
        )

        # Each step: the arrow Δx = -α f'(x) along the x axis (below the point, clear of
        # it), with its value; then the point moves
        durations = step_durations(
            run.steps, self.step_time, self.fastest_step, self.detailed_steps, self.speed_up
        )
        steps = zip(run.points[:-1, 0], run.points[1:, 0], durations, strict=True)
        for k, (x_old, x_new, duration) in enumerate(steps):
            x_shown = min(x_new, plot.axes.x_range[1] + 0.3)
            step_value.set_value(x_new - x_old)
            trail.add(Dot(plot.point_at(x_old), radius=0.05).set_color(self.trail_color))
            self.add(trail)
            arrow = self.step_arrow(x_old, x_shown)
            self.play(FadeIn(arrow), run_time=duration / 2)
            if plot.axes.x_range[0] <= x_new <= plot.axes.x_range[1]:
                self.play(
                    x_tracker.animate.set_value(x_new),
                    FadeOut(arrow),
                    ChangeDecimalToValue(iteration, k + 1),
                    run_time=duration / 2,
                )
            else:
                # The point leaves the plot: it goes along the curve, out of the picture,
                # as every step goes along it; then the verdict says so.
                self.play(
                    x_tracker.animate.set_value(plot.visible_x_range()[1]),
                    FadeOut(arrow),
                    FadeOut(dot, rate_func=lambda t: max(0.0, 2 * t - 1)),
                    ChangeDecimalToValue(iteration, k + 1),
                    run_time=duration / 2,
                )
                x_tracker.set_value(x_new)

        # The verdict
        if run.converged:
            verdict = caption("converged_in", self.font_size, n=str(run.steps)).set_color(GREEN)
        else:
            verdict = caption("diverged", self.font_size, x="x").set_color(RED)
        verdict.next_to(panel, DOWN, aligned_edge=LEFT, buff=0.3)
        self.play(Write(verdict))
        self.wait(2)
        self.last_run = VGroup(panel, verdict, trail, dot)


if __name__ == "__main__":
    from gdkit.tools.cli import run_file

    run_file(__file__)
