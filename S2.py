"""M2: a walker's cane, its angle to the body, and the slope of the ground it finds."""

from gdkit.manim_imports import *
from gdkit.mobjects import Number, caption, live_row


class M2(BeatScene):
    """M2 · Cane angle and ground slope."""

    hand_height = 2.0
    cane_length = 4.0
    start_inclination = 30.0  # degrees below the horizontal
    changes = ((40.0, None), (10.0, None), (89.0, 2.01))  # (inclination, new length) per beat
    scale = 1.15  # screen units per unit of length
    foot = np.array([-4.6, -1.1, 0.0])
    back_foot = 0.75  # how far behind the front foot the back foot stands
    cane_color = GREY_A
    ground_color = "#B08D57"
    alpha_color = BLUE
    theta_color = YELLOW
    theta_radius = 2.2  # of the arc that marks the ground's slope
    ground_ends_by = 0.15  # x where the ground stops, short of the formula beside it
    readout_size = 36

    def construct(self):
        self.inclination = ValueTracker(self.start_inclination)
        self.length = ValueTracker(self.cane_length)

        # Set up the walker, the cane and the ground it finds
        walker = self.get_walker()
        cane = self.get_cane()
        ground = self.get_ground()
        alpha_arc = self.get_alpha_arc()
        theta_arc = self.get_theta_arc()

        # M2.1 the formula, its box, the explanation, the read-outs
        self.beat(1)
        self.play(FadeIn(walker), ShowCreation(ground), ShowCreation(cane))
        self.play(FadeIn(alpha_arc), FadeIn(theta_arc))
        formula = caption(
            "ground_slope",
            34,
            formula=r"\tan\theta = \frac{l\cos\alpha - h}{l\sin\alpha}",
        )
        box = SurroundingRectangle(formula, buff=0.25).set_stroke(YELLOW, 2)
        where = VGroup(
            caption("cane_where", 22, l="l", h="h"),
            caption("cane_angle", 22, alpha=r"\alpha"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        where.next_to(box, DOWN, buff=0.3, aligned_edge=LEFT)
        readouts = self.get_readouts().next_to(where, DOWN, buff=0.5, aligned_edge=LEFT)
        # Beside the figure, the block centred in the height of the frame
        block = VGroup(formula, box, where, readouts)
        block.move_to(np.array([6.2 - block.get_width() / 2, 0.3, 0]))
        self.play(Write(formula), ShowCreation(box), run_time=2)
        self.play(FadeIn(where, shift=0.2 * DOWN))
        self.play(FadeIn(readouts))
        self.wait()

        # M2.2 - M2.4 the cane tilts (and shortens); everything follows it
        for n, (inclination, length) in enumerate(self.changes, start=2):
            self.beat(n)
            moves = [self.inclination.animate.set_value(inclination)]
            if length is not None:
                moves.append(self.length.animate.set_value(length))
            self.play(*moves, run_time=3)
            self.wait(1.5)

    def pose(self):
        return cane_pose(self.inclination.get_value(), self.length.get_value(), self.hand_height)

    def to_screen(self, xy):
        return self.foot + self.scale * np.array([xy[0], xy[1], 0.0])

    def ground_direction(self):
        """Along the ground, forward: from the foot through the cane's tip."""
        return normalize(self.to_screen(self.pose().tip) - self.foot)

    def get_walker(self):
        """A stick figure holding the cane at height h above its front foot; its back foot
        stands on the ground, whatever its slope."""
        s, h = self.scale, self.hand_height
        foot, hand = self.to_screen((0, 0)), self.to_screen((0, h))
        hip = self.to_screen((-0.3, 0.48 * h))
        neck = self.to_screen((-0.3, 1.3 * h))
        head = Circle(radius=0.3 * s).move_to(self.to_screen((-0.3, 1.3 * h + 0.32)))
        back_leg = Line(hip, self.to_screen((-self.back_foot, 0)))
        back_leg.add_updater(
            lambda leg: leg.set_points_by_ends(
                hip, self.foot - self.back_foot * s * self.ground_direction()
            )
        )
        figure = VGroup(
            head,
            Line(neck, hip),
            Line(hip, foot),
            back_leg,
            VMobject().set_points_as_corners(
                [self.to_screen((-0.3, 1.2 * h)), self.to_screen((-0.25, 1.05 * h)), hand]
            ),
        ).set_stroke(GREY_B, 5)
        body = DashedLine(hand, foot, stroke_width=2).set_stroke(GREY_A)
        # Behind the back foot, where the ground has ended: it stands on the level, not in it
        brace = Brace(body, LEFT, buff=self.scale * self.back_foot + 0.25)
        h_label = Tex("h", font_size=36).next_to(brace, LEFT, buff=0.1)
        return VGroup(figure, body, brace, h_label)

    def get_cane(self):
        """The cane from the hand to the ground, its tip, and its length l; it follows the pose."""
        cane = Line(LEFT, RIGHT, stroke_width=7).set_stroke(self.cane_color)
        tip_mark = Dot(radius=0.06).set_color(RED)
        label = Tex("l", font_size=36)

        def follow(group):
            pose = self.pose()
            hand, tip = self.to_screen(pose.hand), self.to_screen(pose.tip)
            cane.set_points_by_ends(hand, tip)
            tip_mark.move_to(tip)
            # Outside the angle, low down the cane: clear of α at the hand.
            outside = rotate_vector(normalize(tip - hand), PI / 2)
            label.move_to(interpolate(hand, tip, 0.65) + 0.32 * outside)

        return VGroup(cane, tip_mark, label).add_updater(follow)

    def get_ground(self):
        """The ground through the foot and the cane's tip, and the level it is measured from;
        both reach past the arc that marks θ, and back behind the walker (where h's brace ends
        on the level, whatever the slope)."""
        ground = Line(LEFT, RIGHT, stroke_width=5).set_stroke(self.ground_color)
        reach_past_arc = self.theta_radius + 0.7
        back = (self.back_foot + 0.1) * self.scale  # just past the back foot
        level = DashedLine(
            self.foot - (back + 0.6) * RIGHT, self.foot + reach_past_arc * RIGHT, stroke_width=2
        )
        level.set_stroke(GREY_C)

        def follow(line):
            pose = self.pose()
            direction = self.ground_direction()
            reach = max(self.scale * np.linalg.norm(pose.tip) + 1.2, reach_past_arc)
            reach = min(reach, (self.ground_ends_by - self.foot[0]) / max(direction[0], 0.2))
            line.set_points_by_ends(self.foot - back * direction, self.foot + reach * direction)

        return VGroup(ground.add_updater(follow), level)

    def get_alpha_arc(self):
        """α, between the body (straight down from the hand) and the cane."""
        start = -PI / 2
        arc = Arc(start, 1, radius=0.75).set_stroke(self.alpha_color, 3)
        label = Tex(r"\alpha", font_size=34).set_color(self.alpha_color)

        def follow(group):
            pose = self.pose()
            hand = self.to_screen(pose.hand)
            angle = np.radians(pose.alpha)
            arc.set_points(Arc(start, angle, radius=0.75, arc_center=hand).get_points())
            nudge = 0.35 * max(0.0, 1 - pose.alpha / 20) * RIGHT  # clear of a vertical cane
            label.move_to(hand + 1.05 * rotate_vector(RIGHT, start + angle / 2) + nudge)

        return VGroup(arc, label).add_updater(follow)

    def get_theta_arc(self):
        """θ, between the level and the ground; θ > 0 where the ground falls ahead."""
        radius = self.theta_radius
        arc = Arc(0, 1, radius=radius).set_stroke(self.theta_color, 4)
        label = Tex(r"\theta", font_size=34).set_color(self.theta_color)

        def follow(group):
            angle = -np.radians(self.pose().theta)
            arc.set_points(Arc(0, angle, radius=radius, arc_center=self.foot).get_points())
            # Beyond the arc's middle, on the side the ground turns to.
            side = -1 if angle < 0 else 1
            label.move_to(
                self.foot + (radius + 0.35) * rotate_vector(RIGHT, angle / 2) + 0.12 * side * UP
            )

        return VGroup(arc, label).add_updater(follow)

    def get_readouts(self):
        size = self.readout_size

        def number(get_value, color, unit="°"):
            value = Number(get_value(), num_decimal_places=2, unit=unit, font_size=size)

            def update(m):
                m.set_value(get_value())
                if unit:  # a degree sign sits high, like an exponent
                    m[-1].align_to(m[-2], UP)

            return value.set_color(color).add_updater(update)

        self.alpha_readout = number(lambda: self.pose().alpha, self.alpha_color)
        self.theta_readout = number(lambda: self.pose().theta, self.theta_color)
        self.length_readout = number(self.length.get_value, self.cane_color, unit=None)
        return VGroup(
            live_row(
                Tex(r"\alpha =", font_size=size).set_color(self.alpha_color), self.alpha_readout
            ),
            live_row(
                Tex(r"\theta =", font_size=size).set_color(self.theta_color), self.theta_readout
            ),
            live_row(Tex("l =", font_size=size), self.length_readout),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)


if __name__ == "__main__":
    from gdkit.tools.cli import run_file

    run_file(__file__)
