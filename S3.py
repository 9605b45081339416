"""M3: the gradient on a surface. Near (5, 12) the surface g looks like its tangent plane;
stepping a distance h in a direction changes g by the gradient dotted with that direction."""

from gdkit.manim_imports import *
from gdkit.mobjects import Arrow3D, CheckerSurface, caption, face_camera, screen_right


class M3(BeatScene3D):
    point = (5.0, 12.0)
    h = 0.5  # radius of the circle of directions
    any_angle = 30.0  # degrees, beat 6
    learning_rates = (1.0, 1.5, 0.5)  # beats 11-13, steps of lr * |∇g| against the gradient
    surface_colors = (BLUE_B, BLUE_C)
    plane_color = YELLOW
    circle_color = RED
    step_color = ORANGE
    change_color = PINK
    alpha_color = BLUE
    beta_color = GREEN
    label_size = 30  # as on a screen 8 units high, whatever the zoom
    # manimgl's theta is ManimCE's + 90°: (-30, 75) here is the storyboard's (-120°, 75°).
    far_view = dict(theta_degrees=-30, phi_degrees=75, center=(-2.5, -4.5, 0.5), height=22)
    near_view = dict(theta_degrees=-30, phi_degrees=68, center=(0.2, 0.2, 0.3), height=5.5)

    def construct(self):
        frame = self.frame
        x0, y0 = self.point
        z0, (gx, gy) = g.tangent_plane(self.point)
        self.grad_norm = float(np.hypot(gx, gy))
        self.grad_angle = gradient_angle(g, self.point)

        # Set up: the surface, shifted so the point sits at the origin
        (xmin, xmax), (ymin, ymax) = g.domain
        surface = CheckerSurface(
            lambda u, v: (u, v, g(u + x0, v + y0) - z0),
            u_range=(xmin - x0, xmax - x0),
            v_range=(ymin - y0, ymax - y0),
            colors=self.surface_colors,
        )
        dot = Sphere(radius=0.06, resolution=(16, 8)).set_color(RED)
        axes = self.get_axes()
        frame.reorient(**self.far_view)
        self.add(surface, axes, dot)
        self.caption = VGroup()

        # M3.1 the camera zooms in to the point
        self.beat(1)
        self.play(frame.animate.reorient(**self.near_view), run_time=4)
        self.wait()

        # M3.2 the surface gives way to its tangent plane at the point
        self.beat(2)
        plane = (
            ParametricSurface(
                lambda u, v: (u, v, gx * u + gy * v),
                u_range=(-2, 2),
                v_range=(-2, 2),
                resolution=(2, 2),
            )
            .set_color(self.plane_color)
            .set_opacity(0.45)
            .set_z_index(1)  # translucent: drawn after what lies behind it
        )
        self.play(FadeOut(surface), FadeIn(plane), run_time=2)
        self.show_caption("tangent_plane")
        self.play(frame.animate.reorient(-15, 66), run_time=3)

        # M3.3 a circle of radius h about the point
        self.beat(3)
        circle = Circle(radius=self.h).set_stroke(self.circle_color, 3)
        h_label = self.facing(
            Tex("h", font_size=self.label_size).set_color(self.circle_color),
            lambda: self.h * np.array((np.cos(-0.6), np.sin(-0.6), 0)) + 0.15 * OUT,
        )
        self.play(
            ShowCreation(circle),
            FadeIn(h_label),
            frame.animate.reorient(-15, 64, center=(0.15, 0.15, 0.25), height=3.4),
            run_time=2,
        )
        self.show_caption("circle_h")
        self.wait()

        # M3.4 one step of length h along +x: how much does g change on the plane?
        self.beat(4)
        self.angle = ValueTracker(0.0)  # direction of the step, degrees from +x
        self.step = ValueTracker(self.h)  # length of the step
        self.on_surface = ValueTracker(0.0)  # 0: the step ends on the plane, 1: on the surface
        step_arrow = Arrow3D(ORIGIN, self.step_end(), self.step_color)
        step_arrow.add_updater(lambda a: a.put(ORIGIN, self.step_end()))
        change_arrow = Arrow3D(ORIGIN, OUT, self.change_color)
        change_arrow.add_updater(
            lambda a: a.put(self.step_end(), self.step_end() + self.change() * OUT)
        )
        direction_arc = always_redraw(self.get_direction_arc)
        self.change_label = self.get_change_label()
        self.play(GrowFromPoint(step_arrow, ORIGIN), ShowCreation(direction_arc))
        self.play(FadeIn(change_arrow), FadeIn(self.change_label))
        self.show_caption("step_plus_x")
        self.wait(2)

        # M3.5 the direction sweeps to +y; the camera swings round
        self.beat(5)
        self.show_caption("step_plus_y")
        self.play(self.angle.animate.set_value(90), frame.animate.reorient(-75, 66), run_time=4)
        self.wait(2)

        # M3.6 ... and to any direction
        self.beat(6)
        self.show_caption("step_any")
        self.play(
            self.angle.animate.set_value(self.any_angle),
            frame.animate.reorient(-45, 64),
            run_time=3,
        )
        self.wait(2)

        # M3.7 its direction angles: α from +x, β from +y
        self.beat(7)
        angle_marks = self.get_angle_marks()
        self.show_caption("angles")
        self.play(FadeOut(direction_arc), FadeIn(angle_marks))
        self.wait(3)

        # M3.8 hide them again
        self.beat(8)
        self.play(FadeOut(angle_marks), FadeIn(direction_arc))
        self.wait()

        # M3.9 along the gradient, a step of length |∇g|: the largest change
        self.beat(9)
        self.show_caption("step_gradient")
        self.play(
            self.angle.animate.set_value(self.grad_angle),
            self.step.animate.set_value(self.grad_norm),
            frame.animate.reorient(40, 64, center=(0.3, 0.4, 0.6), height=6.5),
            run_time=4,
        )
        self.wait(2)

        # M3.10 against the gradient: the most negative change
        self.beat(10)
        self.show_caption("step_neg_gradient")
        self.play(
            self.angle.animate.set_value(self.grad_angle + 180),
            frame.animate.reorient(50, 64, center=(-0.3, -0.4, -0.6)),
            run_time=4,
        )
        self.wait(2)

        # M3.11 back to the surface itself, learning rate 1: the step ends on g
        self.beat(11)
        self.show_caption("on_surface")
        self.play(
            FadeOut(Group(plane, circle, h_label, direction_arc)),
            FadeIn(surface),
            self.on_surface.animate.set_value(1),
            self.step.animate.set_value(self.learning_rates[0] * self.grad_norm),
            run_time=3,
        )
        self.wait(2)

        # M3.12, M3.13 other learning rates
        for n, (lr, key) in enumerate(
            zip(self.learning_rates[1:], ("lr_1_5", "lr_0_5"), strict=True), start=12
        ):
            self.beat(n)
            self.show_caption(key)
            self.play(self.step.animate.set_value(lr * self.grad_norm), run_time=3)
            self.wait(2)

    # The step and the change it makes
    def direction(self):
        return np.array([*unit(self.angle.get_value()), 0.0])

    def step_end(self):
        return self.step.get_value() * self.direction()

    def change(self) -> float:
        """Δg for the current step: on the tangent plane, on the surface, or between."""
        angle, step = self.angle.get_value(), self.step.get_value()
        on_plane = plane_change(g, self.point, angle, step)
        on_surface = surface_change(g, self.point, angle, step)
        return interpolate(on_plane, on_surface, self.on_surface.get_value())

    # Pieces
    def get_axes(self):
        axes = Group(*(Line3D(-3 * v, 3 * v, width=0.015).set_color(GREY_B) for v in (RIGHT, UP)))
        labels = Group(
            *(
                self.facing(Tex(name, font_size=self.label_size), lambda v=v: 3.2 * v)
                for name, v in (("x", RIGHT), ("y", UP))
            )
        )
        return Group(axes, labels)

    def facing(self, template, anchor, before=None):
        """A label that faces the camera, drawn over everything."""
        return face_camera(template.center(), self.frame, anchor, before).set_z_index(2)

    def get_change_label(self):
        size = self.label_size
        number = DecimalNumber(0, num_decimal_places=3, include_sign=True, font_size=size)
        text = VGroup(Tex(r"\Delta g =", font_size=size), number)
        text.arrange(RIGHT, buff=0.1).set_color(self.change_color)
        backing = BackgroundRectangle(text, fill_opacity=0.75, buff=0.06)
        template = VGroup(backing, text)

        def refresh(t):
            number.set_value(self.change())
            text.arrange(RIGHT, buff=0.1)
            backing.replace(text, stretch=True).scale(1.08)
            t.center()

        def anchor():
            # Beside the middle of the vertical arrow, to its right on screen.
            middle = self.step_end() + 0.5 * self.change() * OUT
            return middle + (0.2 + 0.5 * template.get_width()) * screen_right(self.frame)

        return self.facing(template, anchor, refresh)

    def get_direction_arc(self):
        arc = Arc(0, np.radians(self.angle.get_value()), radius=0.28)
        return arc.set_stroke(WHITE, 2)

    def get_angle_marks(self):
        a = np.radians(self.angle.get_value())
        alpha = Arc(0, a, radius=0.35).set_stroke(self.alpha_color, 4)
        beta = Arc(PI / 2, a - PI / 2, radius=0.45).set_stroke(self.beta_color, 4)
        alpha_label = self.facing(
            Tex(r"\alpha", font_size=self.label_size).set_color(self.alpha_color),
            lambda: 0.62 * np.array([np.cos(a / 2), np.sin(a / 2), 0]),
        )
        b = (a + PI / 2) / 2
        beta_label = self.facing(
            Tex(r"\beta", font_size=self.label_size).set_color(self.beta_color),
            lambda: 0.72 * np.array([np.cos(b), np.sin(b), 0]),
        )
        return Group(alpha, beta, alpha_label, beta_label)

    def show_caption(self, key):
        """A short note of what is shown, fixed in the frame at the top."""
        new = caption(key, 30).to_edge(UP, buff=0.3).fix_in_frame().set_z_index(2)
        self.play(FadeOut(self.caption), FadeIn(new), run_time=0.5)
        self.caption = new


if __name__ == "__main__":
    from gdkit.cli import run_file

    run_file(__file__)
