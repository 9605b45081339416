"""M3: the gradient on a surface. Near (5, 12) the surface g looks like its tangent plane;
stepping a distance h in a direction changes g by the gradient dotted with that direction."""

from gdkit.manim_imports import *
from gdkit.mobjects import (
    LABELS,
    OVER,
    Arrow3D,
    CheckerSurface,
    Number,
    ParametricLayer,
    beside,
    between,
    caption,
    panel,
    placed_label,
    screen_right,
    screen_up,
)
from gdkit.screen import farthest_inside


class M3(BeatScene3D):
    """M3 · The gradient on a surface."""

    point = (5.0, 12.0)
    h = 0.5  # radius of the circle of directions
    circle_view_height = 4.5  # the view as the circle is drawn: it is seen, not a speck
    any_angle = 30.0  # degrees, beats 6-8
    learning_rates = (1.0, 1.5, 0.5)  # beats 11-13, steps of lr * |∇g| against the gradient
    plane_size = 3.0  # side of the square tangent plane
    surface_colors = (BLUE_B, BLUE_C)
    plane_color = YELLOW
    plane_opacity = 0.35
    circle_color = RED
    step_color = ORANGE
    change_color = PINK
    alpha_color = BLUE
    beta_color = GREEN_B
    label_size = 40  # as on a screen 8 units high, whatever the zoom
    # manimgl's theta is ManimCE's + 90°: (-30, 75) here is the storyboard's (-120°, 75°).
    far_view = dict(theta_degrees=-30, phi_degrees=75, center=(-2.5, -4.5, 0.5), height=22)
    near_view = dict(theta_degrees=-30, phi_degrees=68, center=(0.2, 0.2, 0.3), height=5.5)
    # From beat 3 on the camera turns with the step, `turn` degrees round from square-on to
    # it: the step is never seen end-on, and the camera stays on the downhill side of the
    # plane, which it then sees nearly face-on.
    turn = -60
    tilt = 58  # the camera's phi; lower (from higher up) for the angles of beat 7

    def construct(self):
        frame = self.frame
        x0, y0 = self.point
        z0, (gx, gy) = g.tangent_plane(self.point)
        self.grad_norm = float(np.hypot(gx, gy))
        self.grad_angle = gradient_angle(g, self.point)

        # The step, its change of g, and the camera that follows them
        self.angle = ValueTracker(0.0)  # direction of the step, degrees from +x
        self.step = ValueTracker(0.0)  # length of the step (none until beat 4)
        self.on_surface = ValueTracker(0.0)  # 0: the step ends on the plane, 1: on the surface
        self.grown = ValueTracker(0.0)  # how much of Δg is shown: it grows from 0 in M3.4
        self.kept_lines = {}
        self.view = {  # the camera from beat 3 on: see `rig_view`
            "turn": ValueTracker(0.0),  # square-on to +x, to show the plane whole first
            "tilt": ValueTracker(self.tilt),
            "height": ValueTracker(8.2),
            "focus": ValueTracker(1.0),  # 1: on what the step spans, 0: on the plane's centre
        }

        # Set up: the surface, shifted so the point sits at the origin
        (xmin, xmax), (ymin, ymax) = g.domain
        surface = CheckerSurface(
            lambda u, v: (u, v, g(u + x0, v + y0) - z0),
            u_range=(xmin - x0, xmax - x0),
            v_range=(ymin - y0, ymax - y0),
            colors=self.surface_colors,
        ).follow_camera(frame)
        self.dot = dot = Sphere(radius=0.06, resolution=(16, 8)).set_color(RED).set_z_index(OVER)
        frame.reorient(**self.far_view)
        axes, self.axis_labels = axes, axis_labels = self.get_axes()
        self.add(surface, axes, dot, *axis_labels)
        self.caption = VGroup()

        # M3.1 the camera zooms in to the point
        self.beat(1)
        self.play(frame.animate.reorient(**self.near_view), run_time=4)
        self.wait()

        # M3.2 the surface gives way to its tangent plane at the point
        self.beat(2)
        half = self.plane_size / 2
        plane = (
            ParametricLayer(
                lambda u, v: (u, v, gx * u + gy * v),
                u_range=(-half, half),
                v_range=(-half, half),
                resolution=(2, 2),
            )
            .set_color(self.plane_color)
            .set_opacity(self.plane_opacity)
        )
        self.show_caption("tangent_plane")
        self.play(FadeOut(surface), FadeIn(plane), run_time=2)
        self.play(frame.animate.reorient(**self.rig_view()), run_time=3)

        # M3.3 a circle of radius h about the point
        self.beat(3)
        frame.add_updater(lambda f: f.reorient(**self.rig_view()))
        circle = Circle(radius=self.h).set_stroke(self.circle_color, 4).set_z_index(OVER)
        h_label = self.label(
            Tex("h", font_size=self.label_size)
            .set_color(self.circle_color)
            .set_backstroke(GREY_E, 5),
            lambda size: [
                beside(frame, self.opposite_step(turn), ORIGIN, size)
                for turn in (0, 35, -35, 70, -70)
            ],
            lines=lambda: self.lines(circle=False),  # off the axes and arrows (it names the circle)
        )
        self.h_label = h_label
        self.show_caption("circle_h")
        self.play(
            ShowCreation(circle),
            FadeIn(h_label),
            self.view["height"].animate.set_value(self.circle_view_height),  # the circle fills
            run_time=2,
        )
        self.wait()

        # M3.4 one step of length h along +x: how much does g change on the plane?
        self.beat(4)
        self.step_arrow = step_arrow = Arrow3D(
            ORIGIN, self.step_end(), self.step_color, **self.arrow_size
        )
        step_arrow.add_updater(lambda a: self.sized(a).put(ORIGIN, self.step_end())).set_z_index(
            OVER
        )
        change_arrow = Arrow3D(ORIGIN, OUT, self.change_color, **self.arrow_size)
        change_arrow.add_updater(
            lambda a: self.sized(a).put(self.step_end(), self.step_end() + self.change() * OUT)
        ).set_z_index(OVER)
        direction_arc = always_redraw(self.get_direction_arc)
        self.direction_label = direction_label = self.get_direction_label()
        self.show_caption("step_plus_x")
        self.play(
            self.view["height"].animate.set_value(3.6),
            self.view["turn"].animate.set_value(self.turn),
            run_time=1.5,
        )
        self.add(step_arrow)
        self.play(self.step.animate.set_value(self.h), ShowCreation(direction_arc))
        self.change_label = self.get_change_label()
        self.play(FadeIn(self.change_label), run_time=0.5)
        self.add(change_arrow)  # from nothing, as its read-out counts up from 0
        self.play(self.grown.animate.set_value(1))
        self.wait(2)

        # M3.5 the direction sweeps to +y (its angle from +x shown); the camera swings round
        self.beat(5)
        self.show_caption("step_plus_y")
        self.play(FadeIn(direction_label), run_time=0.5)
        self.play(self.angle.animate.set_value(90), run_time=4)
        self.wait(2)

        # M3.6 ... and to any direction
        self.beat(6)
        self.show_caption("step_any", angle=rf"{self.any_angle:g}^\circ")
        self.play(self.angle.animate.set_value(self.any_angle), run_time=3)
        self.wait(2)

        # M3.7 its direction angles: α from +x, β from +y, seen from higher up
        self.beat(7)
        angle_arcs, angle_labels = self.get_angle_marks()
        self.angle_labels = angle_labels
        self.show_caption("angles")
        self.play(
            FadeOut(direction_arc),
            FadeOut(direction_label),
            FadeIn(angle_arcs),
            FadeIn(angle_labels),
            self.view["tilt"].animate.set_value(40),
            self.view["height"].animate.set_value(2.6),
            run_time=2,
        )
        self.wait(2)

        # M3.8 hide them again
        self.beat(8)
        self.show_caption("step_any", angle=rf"{self.any_angle:g}^\circ")
        self.play(
            FadeOut(angle_arcs),
            FadeOut(angle_labels),
            FadeIn(direction_arc),
            FadeIn(direction_label),
            self.view["tilt"].animate.set_value(self.tilt),
            self.view["height"].animate.set_value(3.6),
            run_time=2,
        )
        self.wait()

        # M3.9 along the gradient, a step of length |∇g|: the largest change
        self.beat(9)
        self.show_caption("step_gradient")
        self.play(FadeOut(direction_arc), FadeOut(direction_label), run_time=0.5)
        self.play(
            self.angle.animate.set_value(self.grad_angle),
            self.step.animate.set_value(self.grad_norm),
            self.view["height"].animate.set_value(9.0),
            self.view["focus"].animate.set_value(0.15),  # the whole plane, with the step
            run_time=4,
        )
        self.wait(2)

        # M3.10 against the gradient: the most negative change
        self.beat(10)
        self.show_caption("step_neg_gradient")
        # The camera stays put while the step turns half round; half way, where the step
        # points along the line of sight, it looks from higher up.
        self.play(
            self.angle.animate.set_value(self.grad_angle + 180),
            self.view["turn"].animate.set_value(self.turn - 180),
            self.view["tilt"].animate(rate_func=there_and_back).set_value(20),
            run_time=4,
        )
        self.wait(2)

        # M3.11 back to the surface itself, learning rate 1: the step ends on g
        self.beat(11)
        self.show_caption("on_surface", lr=f"{self.learning_rates[0]:g}")
        self.play(
            FadeOut(plane),
            FadeOut(circle),
            FadeOut(h_label),
            FadeIn(surface),
            self.on_surface.animate.set_value(1),
            self.step.animate.set_value(self.learning_rates[0] * self.grad_norm),
            run_time=3,
        )
        self.play(
            self.view["focus"].animate.set_value(1),
            self.view["height"].animate.set_value(5.5),
            run_time=2,
        )
        self.wait(2)

        # M3.12, M3.13 other learning rates
        for n, lr in enumerate(self.learning_rates[1:], start=12):
            self.beat(n)
            self.show_caption("learning_rate_is", lr=f"{lr:g}")
            self.play(
                self.step.animate.set_value(lr * self.grad_norm),
                self.view["height"].animate.set_value(4.0 + 1.5 * lr),
                run_time=3,
            )
            self.wait(2)

    # The step and the change it makes
    arrow_size = dict(width=0.04, tip_length=0.12, tip_radius=0.055)
    arc_radius = 0.3  # of the arc that shows the step's direction

    def direction(self):
        return np.array([*unit(self.angle.get_value()), 0.0])

    def step_end(self):
        return self.step.get_value() * self.direction()

    def drawn_arrow_size(self) -> dict:
        """`arrow_size` as drawn: as thick on screen however far the camera pulls back (never
        thinner than at the closest view, 3.6 units high)."""
        grow = max(1.0, self.frame.get_height() / 3.6)
        return {key: grow * size for key, size in self.arrow_size.items()}

    def sized(self, arrow):
        """The arrow at its drawn size."""
        for key, size in self.drawn_arrow_size().items():
            setattr(arrow, key, size)
        return arrow

    def opposite_step(self, turn: float = 0):
        """The point of the circle across from the step (turned by `turn` degrees): free for
        the label h."""
        return -self.h * np.array([*unit(self.angle.get_value() + turn), 0.0])

    def lines(self, circle: bool = True, axes: bool = True):
        """What labels keep off (world segments): the axes, the step and its change with the
        outlines of their heads, and the circle of radius h. Every label asks, every frame:
        they are worked out once for what they depend on."""
        state = (
            self.step.get_value(), self.angle.get_value(), self.grown.get_value(),
            self.on_surface.get_value(), self.frame.get_height(),
        )  # fmt: skip
        kept = self.kept_lines.get((circle, axes))
        if kept is None or kept[0] != state:
            kept = self.kept_lines[(circle, axes)] = (state, self.work_out_lines(circle, axes))
        return kept[1]

    def work_out_lines(self, circle: bool, axes: bool):
        end = self.step_end()
        top = end + self.change() * OUT
        ring = [self.h * np.array([*unit(a), 0.0]) for a in range(0, 361, 24)]
        return [
            *([(-3 * RIGHT, 3 * RIGHT), (-3 * UP, 3 * UP)] if axes else ()),
            (ORIGIN, end),
            (end, top),
            *self.head(ORIGIN, end),
            *self.head(end, top),
            *(zip(ring[:-1], ring[1:], strict=True) if circle else ()),
        ]

    def head(self, start, end) -> list:
        """The outline of the head of an arrow from `start` to `end` as it is drawn: from its
        point to four points round its base."""
        drawn = self.drawn_arrow_size()
        length, radius = drawn["tip_length"], drawn["tip_radius"]
        along = end - start
        size = np.linalg.norm(along)
        if size < 1e-6:
            return []
        along = along / size
        base = end - min(length, 0.5 * size) * along
        across = np.cross(along, OUT if abs(along[2]) < 0.9 else RIGHT)
        across /= np.linalg.norm(across)
        round_ = (across, np.cross(along, across))
        rim = [base + sign * radius * v for v in round_ for sign in (1, -1)]
        return [(end, point) for point in rim] + [(rim[0], rim[1]), (rim[2], rim[3])]

    def change(self) -> float:
        """Δg for the current step: on the tangent plane, on the surface, or between."""
        angle, step = self.angle.get_value(), self.step.get_value()
        on_plane = plane_change(g, self.point, angle, step)
        on_surface = surface_change(g, self.point, angle, step)
        return self.grown.get_value() * interpolate(
            on_plane, on_surface, self.on_surface.get_value()
        )

    def rig_view(self) -> dict:
        """The camera from beat 3 on: turned with the step, looking at the middle of what
        the step and its change span."""
        end = self.step_end()
        span = np.array([ORIGIN, end, end + self.change() * OUT])
        return dict(
            theta_degrees=self.angle.get_value() + self.view["turn"].get_value(),
            phi_degrees=self.view["tilt"].get_value(),
            center=self.view["focus"].get_value() * (span.min(axis=0) + span.max(axis=0)) / 2,
            height=self.view["height"].get_value(),
        )

    # Pieces
    def get_axes(self):
        # Strokes: as wide on screen at every size and zoom (a thin mesh aliases away at 480p).
        axes = VGroup(*(Line(-3 * v, 3 * v).set_stroke(GREY_B, 3) for v in (RIGHT, UP)))
        labels = Group(
            *(
                self.label(Tex(name, font_size=self.label_size), self.axis_spots(v))
                for name, v in (("x", RIGHT), ("y", UP))
            )
        )
        return axes, labels

    def axis_spots(self, v):
        """Where the label of the axis along `v` may go: past the end of what the view shows
        of it, or beside that end (the first that crosses no line, its own axis included)."""

        def spots(size):
            end = self.axis_end(v)
            right, up = screen_right(self.frame), screen_up(self.frame)
            return [beside(self.frame, end, ORIGIN, size)] + [
                beside(self.frame, end, end - side, size, gap=0.2)
                for side in (up, -up, right, -right)
            ]

        return spots

    def axis_end(self, v, reach=3.0):
        """Where an axis label goes: as far along the axis as the view shows it, inside the
        middle of the screen (clear of the caption above and the subtitles below), away
        from what the shot is about at its centre."""
        return farthest_inside(self.frame, ORIGIN, reach * v)

    def label(self, template, spots, lines=None, margin=0.06, before=None):
        """A label that faces the camera, drawn over everything, at the first of `spots(size)`
        clear of `lines()` (the shot's lines, unless told), keeping its spot (`placed_label`)."""
        lines = lines or self.lines
        return placed_label(self.frame, template, spots, lines, lambda: self.time, margin, before)

    def get_change_label(self):
        size = self.label_size
        number = Number(0, num_decimal_places=3, include_sign=True, font_size=size)
        text = VGroup(Tex(r"\Delta g =", font_size=size), number)
        text.arrange(RIGHT, buff=0.12).set_color(self.change_color)
        # A shade lighter than the background: the tag is seen whole, over the plane or not.
        backing = BackgroundRectangle(text, color=GREY_E, fill_opacity=0.9, buff=0.08)
        template = VGroup(backing, text)

        def refresh(t):
            number.set_value(self.change())
            text.arrange(RIGHT, buff=0.12)
            backing.replace(text, stretch=True).scale(1.08)
            t.center()

        def spots(size):
            # Beside the vertical arrow, to its right on screen (or left), clear of the arrows
            # and the circle (its backing hides an axis that passes behind it).
            end, rise, right = self.step_end(), self.change() * OUT, screen_right(self.frame)
            return [
                beside(self.frame, end + k * rise, end + k * rise - side * right, size, gap=0.25)
                for side in (1, -1)
                for k in (0.5, 0.75, 0.25, 1.0)
            ]

        return self.label(template, spots, lambda: self.lines(axes=False), before=refresh)

    def get_direction_label(self):
        """The step's direction in degrees from +x, beside the arc that shows it."""
        number = Number(0, num_decimal_places=0, unit="°", font_size=0.8 * self.label_size)
        number.set_color(GREY_A).set_backstroke(GREY_E, 5)  # read over the plane

        def refresh(template):
            number.set_value(self.angle.get_value())
            number[-1].align_to(number[-2], UP)  # the degree sign sits high
            template.center()

        def spots(size):
            a = self.angle.get_value()
            on_arc = [  # at the arc's middle, or round from it, or out past the circle
                radius * np.array([*unit(b), 0.0])
                for radius in (self.arc_radius, 1.25 * self.h)
                for b in (a / 2, a / 2 - 40, a + 45, -45, a / 2 + 180, a + 135)
            ]
            return [beside(self.frame, point, ORIGIN, size, 0.08) for point in on_arc]

        return self.label(VGroup(number), spots, margin=0.12, before=refresh)

    def get_direction_arc(self):
        arc = Arc(0, np.radians(self.angle.get_value()), radius=self.arc_radius)
        return arc.set_stroke(WHITE, 3).set_z_index(OVER)

    def get_angle_marks(self):
        a = np.radians(self.angle.get_value())
        alpha = Arc(0, a, radius=0.25).set_stroke(self.alpha_color, 5).set_z_index(OVER)
        beta = Arc(PI / 2, a - PI / 2, radius=0.35).set_stroke(self.beta_color, 5)
        beta.set_z_index(OVER)

        def along(arc, proportions, past_circle=False):
            points = [arc.pfp(p) for p in proportions]
            if past_circle:  # where the circle leaves no room beside the arc
                points += [1.3 * self.h * normalize(point) for point in points]
            return lambda size: [
                beside(self.frame, point, ORIGIN, size, gap=0.1) for point in points
            ]

        alpha_label = self.label(  # on the side of the arc away from the step
            Tex(r"\alpha", font_size=self.label_size)
            .set_color(self.alpha_color)
            .set_backstroke(GREY_E, 5),
            along(alpha, (0.3, 0.5, 0.15)),
        )
        beta_label = self.label(
            Tex(r"\beta", font_size=self.label_size)
            .set_color(self.beta_color)
            .set_backstroke(GREY_E, 5),
            along(beta, (0.5, 0.35, 0.65, 0.8), past_circle=True),
        )
        arcs = VGroup(alpha, beta).set_z_index(OVER)
        return arcs, Group(alpha_label, beta_label).set_z_index(LABELS)

    def show_caption(self, key, **values):
        """A short note of what is shown, fixed in the frame at the top; `values` fill its
        fields (LaTeX), from the scene's knobs."""
        new = panel(caption(key, 30, **values), opacity=0.6).to_edge(UP, buff=0.5).fix_in_frame()
        self.play(  # the old one goes before the new one comes: no text through text
            FadeOut(self.caption, rate_func=between(0, 0.5)),
            FadeIn(new.set_z_index(LABELS), rate_func=between(0.5, 1)),
            run_time=0.5,
        )
        self.caption, self.caption_key = new, key
        self.caption_text = text(key).format(**values)


if __name__ == "__main__":
    from gdkit.tools.cli import run_file

    run_file(__file__)
