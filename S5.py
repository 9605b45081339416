"""The 3D descents: M8 (one ball on the surface g) and M10 (four balls on the surface h)."""

from gdkit.manim_imports import *
from gdkit.mobjects import (
    LABELS,
    OVER,
    CheckerSurface,
    Coordinates,
    Number,
    beside,
    between,
    caption,
    facing_label,
    legible,
    panel,
)
from gdkit.screen import orientation, overlap, to_screen


def vanish(ball):
    """A ball shrinks away (a solid sphere fading out shows its dark inside)."""
    return Transform(ball, ball.copy().scale(1e-3), remover=True)


class SurfaceDescent(BeatScene3D):
    """Axes, a checkerboard surface of an objective, and balls that follow descent runs."""

    objective = g
    z_range = (-1, 16, 5)
    z_scale = 0.5  # screen units per unit of z
    surface_colors = (BLUE_B, BLUE_C)
    hud_color = RED_B
    font_size = 28
    axis_label_size = 40  # as on a screen 8 units high
    axis_width = 2
    rule = Plain()  # how each ball steps (a subclass may take Momentum(0.9), or its own)

    def get_axes(self):
        (x0, x1), (y0, y1) = self.objective.domain
        axes = ThreeDAxes(
            x_range=(x0, x1, 5),
            y_range=(y0, y1, 5),
            z_range=self.z_range,
            width=x1 - x0,
            height=y1 - y0,
            depth=self.z_scale * (self.z_range[1] - self.z_range[0]),
        )
        axes.set_stroke(GREY_B, self.axis_width)
        return axes

    def get_axis_labels(self, axes):
        """x, y, z beyond the ends of the axes, facing the camera."""
        ends = (axes.x_axis.get_end(), axes.y_axis.get_end(), axes.z_axis.get_end())
        return Group(
            *(
                self.label(
                    Tex(name, font_size=self.axis_label_size),
                    lambda size, end=end: beside(self.frame, end, axes.get_origin(), size),
                )
                for name, end in zip("xyz", ends, strict=True)
            )
        ).set_z_index(LABELS)

    def label(self, template, place, before=None):
        """A label facing the camera, drawn over everything; `place(size)` gives its centre
        for its size (width, height) on screen."""
        return facing_label(self.frame, template, place, before)

    def get_surface(self, axes):
        (x0, x1), (y0, y1) = self.objective.domain

        def xyz(u, v):
            p = axes.c2p(u, v, self.objective(u, v))
            return p[..., 0], p[..., 1], p[..., 2]

        surface = CheckerSurface(xyz, (x0, x1), (y0, y1), colors=self.surface_colors)
        return surface.follow_camera(self.frame)

    def point(self, axes, xy):
        return axes.c2p(*xy, self.objective.value(xy))

    def get_ball(self, color, radius=0.2):
        return Sphere(radius=radius, resolution=(16, 8)).set_color(color).set_z_index(OVER)

    def get_trail(self, axes, run, color):
        """Every iterate as a dot, joined by a line: revealed step by step."""
        points = [self.point(axes, p) for p in run.points]
        line = VMobject().set_points_as_corners(points).set_stroke(color, 3)
        dot = self.get_ball(color, radius=0.07)
        dots = Group(*(dot.copy().move_to(p) for p in points))
        return line.set_z_index(OVER), dots.set_z_index(OVER)


class M8(SurfaceDescent):
    """M8 · Gradient descent on a surface."""

    start = (5.0, 12.0)
    learning_rate = 0.5
    tol = 0.1  # stop when |∇g| <= tol, or when the ball leaves the domain
    max_steps = 200
    ball_color = PURPLE_E
    # manimgl's theta; the last view looks at the ball from where no axis crosses it
    end_view = dict(theta_degrees=20, phi_degrees=55, height=9)

    def construct(self):
        frame = self.frame
        run = gradient_descent(
            g,
            self.start,
            self.learning_rate,
            tol=self.tol,
            max_steps=self.max_steps,
            domain=g.domain,
            rule=self.rule,
        )
        self.run = run

        # Set up the surface, the axes and the ball
        axes = self.get_axes()
        surface = self.get_surface(axes)
        self.ball = ball = self.get_ball(self.ball_color).move_to(self.point(axes, self.start))
        trail_line, trail_dots = self.get_trail(axes, run, self.ball_color)
        frame.reorient(-20, 62, center=axes.c2p(2.5, 7.5, 4), height=19)
        axis_labels = self.get_axis_labels(axes)
        self.add(axes, surface, axis_labels)

        self.hud = self.get_hud(run)
        self.shown_iterate = 0

        # M8.1 the whole descent, the camera following the ball
        self.beat(1)
        self.play(GrowFromCenter(ball), FadeIn(self.hud), GrowFromCenter(trail_dots[0]))
        # Close up, the axes would cross the frame like scratches: they step back.
        self.play(
            frame.animate.reorient(-30, 60, center=ball.get_center(), height=11),
            # Thinned away, not faded: a see-through line drawn before the surface hides it
            axes.animate.set_stroke(width=0),
            axis_labels.animate.set_opacity(0),
            run_time=2,
        )
        frame.add_updater(
            lambda f, dt: f.move_to(
                interpolate(f.get_center(), ball.get_center(), min(1.0, 2.5 * dt))
            )
        )
        for k, duration in enumerate(step_durations(run.steps, 1.2, 0.12)):
            self.play(
                ball.animate.move_to(trail_dots[k + 1]),
                ShowCreation(trail_line, rate_func=lambda t, k=k: (k + t) / run.steps),
                GrowFromCenter(trail_dots[k + 1]),
                UpdateFromFunc(self.hud, lambda m, k=k: self.show_iterate(k + 1)),
                run_time=duration,
            )
        frame.clear_updaters()
        # The axes come back once the camera has settled, not sweeping across the surface
        self.play(frame.animate.reorient(center=ball.get_center(), **self.end_view), run_time=2)
        self.play(
            axes.animate.set_stroke(width=self.axis_width), axis_labels.animate.set_opacity(1)
        )
        self.wait(2)

    def get_hud(self, run):
        """α, the current point and the iteration, fixed in the frame; a shot of another rule
        adds its own rows (`hud_rows`)."""
        self.iteration = Number(0, num_decimal_places=0, font_size=self.font_size * 1.15)
        self.coords = Coordinates(self.iterate(0), font_size=self.font_size)
        rows = VGroup(
            Tex(rf"\alpha = {run.lr:.2f}", font_size=self.font_size * 1.15),
            *self.hud_rows(run),
            caption("hud_point", self.font_size, xyz=self.coords),
            caption("hud_iterations", self.font_size, n=self.iteration),
        )
        rows.arrange(DOWN, aligned_edge=LEFT).set_color(self.hud_color)
        return panel(rows).to_corner(UL, buff=0.75).fix_in_frame().set_z_index(LABELS)

    def hud_rows(self, run) -> list:
        """Rows under α that say how this shot's rule steps (none for the plain step)."""
        return []

    def iterate(self, k):
        return (*self.run.points[k], self.run.values[k])

    def show_iterate(self, k):
        if k == self.shown_iterate:
            return
        self.shown_iterate = k
        self.coords.set_values(self.iterate(k))
        self.iteration.set_value(k)


class M10(SurfaceDescent):
    """M10 · Multi-start gradient descent."""

    objective = h
    z_range = (-6, 3, 1)
    z_scale = 1.0
    runs = (  # start, learning rate, colour
        ((6.0, -3.0), 0.8, YELLOW),
        ((2.7, -3.2), 3.0, RED),
        ((7.1, -3.2), 1.0, PURPLE_B),
        ((9.3, -2.9), 0.5, MAROON_E),
    )
    tol = 1e-4  # each run stops on its own when |∇h| <= tol
    max_steps = 500
    label_size = 30  # the balls' z labels
    ball_radius = 0.16
    # ... on a backing a shade lighter than the background: a tag seen whole, over the
    # surface or not
    label_backing, label_opacity = GREY_E, 0.95
    label_slack = 0.02  # screen units (3 px at 1080p): how far labels may touch
    view = dict(theta_degrees=165, phi_degrees=45, height=11)
    end_view = dict(theta_degrees=110, phi_degrees=38, height=9.5)
    end_focus = 0.4  # from the surface's middle (0) to the kept ball (1)

    def construct(self):
        frame = self.frame
        result = multi_start(
            h,
            [(start, lr) for start, lr, _ in self.runs],
            tol=self.tol,
            max_steps=self.max_steps,
            rule=self.rule,
        )
        self.result = result
        colors = [color for *_, color in self.runs]

        # Set up the surface, axes, balls, their z labels and trails
        axes = self.get_axes()
        self.axes = axes
        surface = self.get_surface(axes)
        balls = Group(
            *(
                self.get_ball(color, radius=self.ball_radius).move_to(
                    self.point(axes, run.points[0])
                )
                for run, color in zip(result.runs, colors, strict=True)
            )
        ).set_z_index(OVER)
        self.balls = balls
        trails = [
            self.get_trail(axes, run, color) for run, color in zip(result.runs, colors, strict=True)
        ]
        self.placed = [None] * len(balls)  # where each z label sits, beside its ball
        self.labels = Group(
            *(self.get_z_label(i, color) for i, color in enumerate(colors))
        ).set_z_index(LABELS)
        frame.reorient(center=axes.c2p(5, -2.5, -1), **self.view)
        self.add(axes, surface, self.get_axis_labels(axes))
        self.iteration = Number(0, num_decimal_places=0, font_size=self.font_size * 1.15)
        hud = panel(caption("hud_iterations", self.font_size, n=self.iteration), follow=True)
        hud.to_corner(UL, buff=0.75).fix_in_frame().set_z_index(LABELS)

        # M10.1 all four descend together; each stops on its own
        self.beat(1)
        self.play(LaggedStartMap(GrowFromCenter, balls), FadeIn(hud))
        self.play(FadeIn(self.labels))
        longest = max(run.steps for run in result.runs)
        for k, duration in enumerate(step_durations(longest, 1.0, 0.15)):
            moving = [i for i, run in enumerate(result.runs) if k < run.steps]
            self.play(
                *(balls[i].animate.move_to(trails[i][1][k + 1]) for i in moving),
                *(
                    ShowCreation(
                        trails[i][0], rate_func=lambda t, k=k, i=i: (k + t) / result.runs[i].steps
                    )
                    for i in moving
                ),
                *(GrowFromCenter(trails[i][1][k + 1]) for i in moving),
                ChangeDecimalToValue(self.iteration, k + 1),
                run_time=duration,
            )
        self.wait(2)

        # M10.2 only the lowest run stays, with its whole path and its own count of steps
        self.beat(2)
        best = result.best_index
        if best is None:
            raise ValueError("every run diverged: there is no lowest run to keep")
        others = [i for i in range(len(result.runs)) if i != best]
        self.iteration = Number(
            result.runs[best].steps, num_decimal_places=0, font_size=self.font_size * 1.15
        )
        kept = panel(caption("lowest_run", self.font_size, n=self.iteration), follow=True)
        kept.move_to(hud, UL)
        kept.fix_in_frame().set_z_index(LABELS)
        self.play(
            # The labels go first: none is left beside a ball that is gone.
            *(FadeOut(self.labels[i], rate_func=lambda t: smooth(min(1, 2.5 * t))) for i in others),
            *(FadeOut(trails[i][0]) for i in others),
            *(vanish(ball) for i in others for ball in (balls[i], *trails[i][1])),
            # Not the count going back: the HUD now speaks of the kept run (one, then the
            # other: no text through text).
            FadeOut(hud, rate_func=between(0, 0.4)),
            FadeIn(kept, rate_func=between(0.5, 1)),
            run_time=2,
        )
        # The last frame: the kept run near the middle, the surface around it.
        middle = interpolate(surface.get_center(), balls[best].get_center(), self.end_focus)
        self.play(frame.animate.reorient(center=middle, **self.end_view), run_time=2)
        self.wait(3)

    def get_z_label(self, i, color):
        """A "z = ..." label beside ball `i`, on whichever side keeps it clear of the
        other labels and balls."""
        ball = self.balls[i]
        z = self.axes.p2c(ball.get_center())[2]  # shown from the start: no first rebuild
        number = Number(z, num_decimal_places=4, font_size=self.label_size)
        # In the ball's colour, as light as it takes to read at 5.5:1 on its backing (WCAG asks
        # 4.5:1 of text; lighter still, the colours of the runs would all look white).
        text = VGroup(Tex("z =", font_size=self.label_size), number)
        text.set_color(legible(color, self.label_backing, self.label_opacity, ratio=5.5))
        template = panel(text, self.label_opacity, buff=0.06, color=self.label_backing)

        def refresh(t):
            number.set_value(self.axes.p2c(ball.get_center())[2])
            text.arrange(RIGHT, buff=0.1)
            t[0].replace(text, stretch=True).scale(1.1)
            t.center()

        def place(size):
            return self.place_label(i, size)

        label = self.label(template, place, refresh)
        label.number = number  # the value it shows
        return label

    # Sides of a ball a label may take, in screen units from the ball's centre to the
    # label's nearest corner: up-right first, as a reader expects.
    sides = ((1, 1), (-1, 1), (1, -1), (-1, -1))

    def place_label(self, i, size):
        """The centre of ball i's label: its side is kept while it stays clear of the
        labels placed before it and of every ball, else the first side that is."""
        frame, ball = self.frame, self.balls[i]
        unit = frame.get_height() / FRAME_HEIGHT  # world length of one screen unit
        turn = orientation(frame)
        right, up = turn[:, 0] * unit, turn[:, 1] * unit

        def seen_at(point):  # in screen units
            return to_screen(frame, point, (FRAME_WIDTH, FRAME_HEIGHT))[0]

        def box(point, half_size):
            return np.array([seen_at(point) - half_size, seen_at(point) + half_size])

        # Nearer the camera than its focus, a length at the ball looks longer (perspective)
        at = ball.get_center()
        near = np.linalg.norm(seen_at(at + right) - seen_at(at))
        radius = self.ball_radius / unit * near  # on screen
        gap = (radius + 0.12) / np.sqrt(2)  # its nearest corner just off the ball's edge
        # To a hundredth of a screen unit: a number rebuilt with the same text (a fraction
        # of a pixel apart) leaves the label where it was
        half = np.round(np.asarray(size) / 2, 2)

        def centre(side):
            sx, sy = side
            return at + ((sx * (gap + half[0])) * right + (sy * (gap + half[1])) * up) / near

        on_screen = self.get_mobject_family_members()
        taken = [box(self.placed[j][1], self.placed[j][2]) for j in range(i) if self.placed[j]]
        taken += [
            box(b.get_center(), np.full(2, radius))
            for b in self.balls
            if b in on_screen and b is not ball
        ]

        def clear(side, slack):
            return not any(overlap(box(centre(side), half + slack), other) for other in taken)

        # It keeps its side unless it overlaps by more than a hair, and takes only a side
        # clear by as much: no flip between two sides that just touch (a tenth of a pixel
        # then decides, and a number rebuilt or kept would land the label apart).
        previous = self.placed[i][0] if self.placed[i] else self.sides[0]
        if not clear(previous, -self.label_slack):
            previous = next((s for s in self.sides if clear(s, self.label_slack)), previous)
        point = centre(previous)
        self.placed[i] = (previous, point, half)
        return point


if __name__ == "__main__":
    from gdkit.tools.cli import run_file

    run_file(__file__)
