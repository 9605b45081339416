"""The 3D descents: M8 (one ball on the surface g) and M10 (four balls on the surface h)."""

from gdkit.manim_imports import *
from gdkit.mobjects import CheckerSurface, caption, face_camera, screen_right, screen_up


class SurfaceDescent(BeatScene3D):
    """Axes, a checkerboard surface of an objective, and balls that follow descent runs."""

    objective = g
    z_range = (-1, 16, 5)
    z_scale = 0.5  # screen units per unit of z
    surface_colors = (BLUE_B, BLUE_C)
    hud_color = RED
    font_size = 28

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
        axes.set_stroke(GREY_B, 2)
        return axes

    def get_surface(self, axes):
        (x0, x1), (y0, y1) = self.objective.domain

        def xyz(u, v):
            p = axes.c2p(u, v, self.objective(u, v))
            return p[..., 0], p[..., 1], p[..., 2]

        return CheckerSurface(xyz, (x0, x1), (y0, y1), colors=self.surface_colors)

    def point(self, axes, xy):
        return axes.c2p(*xy, self.objective.value(xy))

    def get_ball(self, color, radius=0.2):
        return Sphere(radius=radius, resolution=(16, 8)).set_color(color)

    def get_trail(self, axes, run, color):
        """Every iterate as a dot, joined by a line: revealed step by step."""
        points = [self.point(axes, p) for p in run.points]
        line = VMobject().set_points_as_corners(points).set_stroke(color, 3)
        dot = self.get_ball(color, radius=0.07)
        dots = Group(*(dot.copy().move_to(p) for p in points))
        return line, dots


class M8(SurfaceDescent):
    start = (5.0, 12.0)
    learning_rate = 0.5
    tol = 0.1  # stop when |∇g| <= tol, or when the ball leaves the domain
    max_steps = 200
    ball_color = PURPLE_E

    def construct(self):
        frame = self.frame
        run = gradient_descent(
            g,
            self.start,
            self.learning_rate,
            tol=self.tol,
            max_steps=self.max_steps,
            domain=g.domain,
        )
        self.run = run

        # Set up the surface, the axes and the ball
        axes = self.get_axes()
        surface = self.get_surface(axes)
        ball = self.get_ball(self.ball_color).move_to(self.point(axes, self.start))
        trail_line, trail_dots = self.get_trail(axes, run, self.ball_color)
        frame.reorient(-20, 62, center=axes.c2p(2.5, 7.5, 4), height=19)
        self.add(axes, surface)

        # HUD: α, the current point and the iteration, fixed in frame
        iteration = Integer(0)
        coords = self.coords_text(0)
        self.hud = VGroup(
            Tex(rf"\alpha = {run.lr:.2f}"),
            caption("hud_point", self.font_size, xyz=coords),
            caption("hud_iterations", self.font_size, n=iteration),
        )
        for part in self.hud.family_members_with_points():
            part.set_color(self.hud_color)
        self.hud.arrange(DOWN, aligned_edge=LEFT).to_corner(UL, buff=0.4)
        self.hud.fix_in_frame()
        self.iteration, self.coords, self.shown_iterate = iteration, coords, 0

        # M8.1 the whole descent, the camera following the ball
        self.beat(1)
        self.play(FadeIn(ball, scale=0.3), FadeIn(self.hud), FadeIn(trail_dots[0]))
        self.play(frame.animate.reorient(-30, 60, center=ball.get_center(), height=11), run_time=2)
        frame.add_updater(
            lambda f, dt: f.move_to(
                interpolate(f.get_center(), ball.get_center(), min(1.0, 2.5 * dt))
            )
        )
        for k, duration in enumerate(step_durations(run.steps, 1.2, 0.12)):
            self.play(
                ball.animate.move_to(trail_dots[k + 1]),
                ShowCreation(trail_line, rate_func=lambda t, k=k: (k + t) / run.steps),
                FadeIn(trail_dots[k + 1]),
                UpdateFromFunc(self.hud, lambda m, k=k: self.show_iterate(k + 1)),
                run_time=duration,
            )
        frame.clear_updaters()
        self.play(frame.animate.reorient(-40, 55, center=ball.get_center(), height=9), run_time=2)
        self.wait(2)

    def coords_text(self, k):
        x, y = self.run.points[k]
        self.shown_coords = f"({x:.3f}, {y:.3f}, {self.run.values[k]:.3f})"
        return Text(self.shown_coords, font_size=self.font_size)

    def show_iterate(self, k):
        if k == self.shown_iterate:
            return
        self.shown_iterate = k
        self.coords.become(self.coords_text(k).move_to(self.coords, aligned_edge=LEFT))
        self.iteration.set_value(k)
        self.hud.set_color(self.hud_color).fix_in_frame()


class M10(SurfaceDescent):
    objective = h
    z_range = (-6, 3, 1)
    z_scale = 1.0
    runs = (  # start, learning rate, colour
        ((6.0, -3.0), 0.8, YELLOW),
        ((2.7, -3.2), 3.0, RED),
        ((7.1, -3.2), 1.0, PURPLE_B),
        ((9.3, -2.9), 0.5, MAROON),
    )
    tol = 1e-4  # each run stops on its own when |∇h| <= tol
    max_steps = 500
    label_size = 20

    def construct(self):
        frame = self.frame
        result = multi_start(
            h, [(start, lr) for start, lr, _ in self.runs], tol=self.tol, max_steps=self.max_steps
        )
        self.result = result
        colors = [color for *_, color in self.runs]

        # Set up the surface, axes, balls, their z labels and trails
        axes = self.get_axes()
        surface = self.get_surface(axes)
        balls = Group(
            *(
                self.get_ball(color, radius=0.16).move_to(self.point(axes, run.points[0]))
                for run, color in zip(result.runs, colors, strict=True)
            )
        )
        trails = [
            self.get_trail(axes, run, color) for run, color in zip(result.runs, colors, strict=True)
        ]
        self.labels = Group(
            *(
                self.get_z_label(axes, ball, color, lift=0.3 + 0.25 * i)
                for i, (ball, color) in enumerate(zip(balls, colors, strict=True))
            )
        )
        frame.reorient(165, 45, center=axes.c2p(5, -2.5, -1), height=11)
        self.add(axes, surface)
        iteration = Integer(0)
        hud = caption("hud_iterations", self.font_size, n=iteration).to_corner(UL, buff=0.4)
        hud.fix_in_frame()

        # M10.1 all four descend together; each stops on its own
        self.beat(1)
        self.play(LaggedStartMap(FadeIn, balls, scale=0.3), FadeIn(self.labels), FadeIn(hud))
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
                *(FadeIn(trails[i][1][k + 1]) for i in moving),
                ChangeDecimalToValue(iteration, k + 1),
                run_time=duration,
            )
            hud.fix_in_frame()
        self.wait(2)

        # M10.2 only the lowest run stays, with its whole path
        self.beat(2)
        best = result.best_index
        if best is None:
            raise ValueError("every run diverged: there is no lowest run to keep")
        others = [i for i in range(len(result.runs)) if i != best]
        self.play(
            *(FadeOut(Group(balls[i], self.labels[i], trails[i][0], trails[i][1])) for i in others),
            run_time=2,
        )
        self.play(
            frame.animate.reorient(170, 30, center=trails[best][0].get_center(), height=8),
            run_time=2,
        )
        self.wait(2)

    def get_z_label(self, axes, ball, color, lift):
        """A "z = ..." label beside the ball, `lift` screen units above it."""
        z = axes.p2c(ball.get_center())[2]  # shown from the start: no first rebuild
        number = DecimalNumber(z, num_decimal_places=4, font_size=self.label_size)
        template = VGroup(Tex("z =", font_size=self.label_size), number).set_color(color)

        def refresh(t):
            number.set_value(axes.p2c(ball.get_center())[2])
            t.arrange(RIGHT, buff=0.08).center()

        def anchor():
            return (
                ball.get_center()
                + lift * screen_up(self.frame)
                + (0.15 + 0.5 * template.get_width()) * screen_right(self.frame)
            )

        label = face_camera(template, self.frame, anchor, refresh).set_z_index(2)
        label.number = number  # the value it shows
        return label


if __name__ == "__main__":
    from gdkit.cli import run_file

    run_file(__file__)
