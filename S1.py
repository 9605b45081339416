"""The formula shots: M1 (the objective), M4 (deriving the gradient), M6 (the learning rate),
M9 (the gradient in n variables)."""

from gdkit.manim_imports import *
from gdkit.mobjects import Morph, Unwrite, caption, fit_width

DF_DX = r"\frac{\partial f}{\partial x}"
DF_DY = r"\frac{\partial f}{\partial y}"
DG_DX = r"\frac{\partial g}{\partial x}"
DG_DY = r"\frac{\partial g}{\partial y}"
PARTIAL_COLORS = {DF_DX: BLUE, DF_DY: GREEN}


def on_equals(lines, line):
    """Each of `lines` moved sideways so that its first "=" is under the first "=" of
    `line`: a derivation reads down its equals signs."""
    x = line["="][0].get_x()
    for each in lines:
        each.shift((x - each["="][0].get_x()) * RIGHT)


class M1(BeatScene):
    """M1 · The objective function."""

    point = (5, 12)
    objective_color = YELLOW

    def construct(self):
        # M1.1 the objective and the current point
        self.beat(1)
        objective = Tex(g.latex, font_size=48).set_color(self.objective_color)
        fit_width(objective, FRAME_WIDTH - 1.6).move_to(1.0 * UP)
        x0, y0 = self.point
        self.coords = coords = rf"(x, y, z) = ({x0}, {y0}, {g.value(self.point):.4f})"
        current_point = caption("current_point", 36, coords=coords)
        current_point.next_to(objective, DOWN, buff=1.0)
        self.play(Write(objective), run_time=3)
        self.play(FadeIn(current_point, shift=0.3 * DOWN))
        self.wait(2)

        # M1.2 the objective goes, the point stays
        self.beat(2)
        self.play(Unwrite(objective), run_time=2)
        self.play(current_point.animate.scale(1.25).move_to(ORIGIN))
        self.wait(1)


class M4(BeatScene):
    """M4 · Deriving the gradient."""

    font_size = 36
    note_color = GREY_A

    def tex(self, *strings, t2c=None):
        return Tex(*strings, font_size=self.font_size, t2c=PARTIAL_COLORS | (t2c or {}))

    def note(self, key, **math):
        return caption(key, font_size=26, color=self.note_color, **math)

    def construct(self):
        # M4.1 the tangent plane g and its partial derivatives
        self.beat(1)
        legend = self.note("surface_and_plane", f="f", g="g").to_corner(UL, buff=0.75)
        plane = self.tex(r"g = Ax + By + g_0")
        slopes = self.tex(rf"{DG_DX} = A, \quad {DG_DY} = B")
        tangency = self.tex(rf"{DF_DX} = {DG_DX}, \quad {DF_DY} = {DG_DY}")
        lines = VGroup(plane, slopes, tangency).arrange(DOWN, buff=0.6).shift(0.4 * UP)
        note = self.note("plane_tangent").next_to(tangency, RIGHT, buff=0.4)
        VGroup(tangency, note).match_x(lines)
        self.play(FadeIn(legend), Write(plane))
        self.play(FadeIn(slopes, shift=0.3 * DOWN))
        self.play(FadeIn(tangency, shift=0.3 * DOWN), FadeIn(note))
        self.wait(2)

        # M4.2 substitute: A and B are the partial derivatives of f
        self.beat(2)
        coefficients = self.tex(rf"A = {DF_DX}, \quad B = {DF_DY}").move_to(slopes)
        self.play(
            Morph(
                VGroup(slopes, tangency),
                coefficients,
                pairs=[
                    (slopes["A"], coefficients["A"]),
                    (slopes["B"], coefficients["B"]),
                    (tangency[DF_DX], coefficients[DF_DX]),
                    (tangency[DF_DY], coefficients[DF_DY]),
                ],
                clear_of=self.others(slopes, tangency, note),
            ),
            FadeOut(note),
        )
        self.wait()
        tangent_plane = self.tex(rf"g = {DF_DX}\,x + {DF_DY}\,y + g_0")
        top = tangent_plane.copy().next_to(legend, DOWN, buff=0.35).set_x(0)
        tangent_plane.scale(1.3).move_to(0.4 * UP)  # the result, on its own for now
        self.play(
            Morph(
                VGroup(plane, coefficients),
                tangent_plane,
                pairs=[
                    (coefficients[DF_DX], tangent_plane[DF_DX]),
                    (coefficients[DF_DY], tangent_plane[DF_DY]),
                    (plane["g_0"], tangent_plane["g_0"]),
                ],
                clear_of=self.others(plane, coefficients),
            )
        )
        self.wait()

        # M4.3 a step h along +x
        self.beat(3)
        self.play(tangent_plane.animate.become(top))
        x_line = self.tex(rf"g(x_0+h, y_0) = {DF_DX}(x_0+h) + {DF_DY}\,y_0 + g_0")
        x_change = self.tex(rf"\Delta g_x = g(x_0+h, y_0) - g(x_0, y_0) = {DF_DX}\,h")
        x_pair = VGroup(x_line, x_change).arrange(DOWN, buff=0.3)
        x_pair.next_to(tangent_plane, DOWN, buff=0.4)
        on_equals(x_pair, tangent_plane)
        self.play(self.derive(tangent_plane, x_line, DF_DX, DF_DY, "g_0"))
        self.play(self.derive(x_line, x_change, "g(x_0+h, y_0)", DF_DX))
        self.wait()

        # M4.4 a step h along +y, derived from the y line
        self.beat(4)
        y_line = self.tex(rf"g(x_0, y_0+h) = {DF_DX}\,x_0 + {DF_DY}(y_0+h) + g_0")
        y_change = self.tex(rf"\Delta g_y = g(x_0, y_0+h) - g(x_0, y_0) = {DF_DY}\,h")
        y_pair = VGroup(y_line, y_change).arrange(DOWN, buff=0.3)
        y_pair.next_to(x_pair, DOWN, buff=0.4)
        on_equals(y_pair, tangent_plane)
        self.play(self.derive(tangent_plane, y_line, DF_DX, DF_DY, "g_0"))
        self.play(self.derive(y_line, y_change, "g(x_0, y_0+h)", DF_DY))
        self.wait()

        # M4.5 a step h in any direction (α from +x, β from +y)
        self.beat(5)
        x_result = self.tex(rf"\Delta g_x = {DF_DX}\,h")
        y_result = self.tex(rf"\Delta g_y = {DF_DY}\,h")
        results = VGroup(x_result, y_result).arrange(RIGHT, buff=1.5)
        results.next_to(tangent_plane, DOWN, buff=0.4)
        self.play(
            FadeOut(VGroup(x_line, y_line)),
            Morph(x_change, x_result),
            Morph(y_change, y_result),
        )
        any_line = self.tex(
            rf"g(x_0+h\cos\alpha , y_0+h\cos\beta) = "
            rf"{DF_DX}(x_0+h\cos\alpha) + {DF_DY}(y_0+h\cos\beta) + g_0"
        )
        any_change = self.tex(rf"\Delta g = {DF_DX}\,h\cos\alpha + {DF_DY}\,h\cos\beta")
        rate = self.tex(rf"\frac{{\Delta g}}{{h}} = {DF_DX}\cos\alpha + {DF_DY}\cos\beta")
        fit_width(any_line, FRAME_WIDTH - 1.4).next_to(results, DOWN, buff=0.45)
        any_change.next_to(any_line, DOWN, buff=0.3)
        rate.next_to(any_change, DOWN, buff=0.3)
        on_equals([any_change, rate], any_line)
        angles = self.note("direction_angles", a=r"\alpha", b=r"\beta").to_corner(UR, buff=0.75)
        self.play(self.derive(tangent_plane, any_line, DF_DX, DF_DY, "g_0"), FadeIn(angles))
        self.play(self.derive(any_line, any_change, DF_DX, DF_DY))
        self.play(self.derive(any_change, rate, DF_DX, DF_DY))
        self.wait()

        # M4.6 the same as a dot product: the gradient appears
        self.beat(6)
        # The lines above go before the rate line rises through where they were.
        self.play(FadeOut(VGroup(any_line, any_change)), run_time=0.6)
        self.play(rate.animate.next_to(results, DOWN, buff=0.6), run_time=0.8)
        vector_form = self.tex(
            r"\frac{\Delta g}{h} = "
            rf"\left({DF_DX}\,\hat{{\imath}} + {DF_DY}\,\hat{{\jmath}}\right) \cdot "
            r"\left(\cos\alpha\,\hat{\imath} + \cos\beta\,\hat{\jmath}\right)"
        ).move_to(rate)
        self.play(Morph(rate, vector_form))
        gradient_form = self.tex(r"= \nabla f \cdot \hat{e}_h", t2c={r"\nabla f": YELLOW})
        gradient_form.next_to(vector_form, DOWN, buff=0.5)
        on_equals([gradient_form], vector_form)
        self.play(FadeIn(gradient_form, shift=0.3 * DOWN))
        conclusion = caption(
            "max_when_aligned",
            grad=r"\nabla f",
            e=r"\hat{e}_h",
            ratio=r"\Delta g / h",
            color=YELLOW,
        )
        conclusion.next_to(gradient_form, DOWN, buff=0.6).set_x(0)
        self.play(Write(conclusion), run_time=2)
        self.wait(4)

    def derive(self, line, new_line, *parts):
        """`new_line` written from `line`: the named parts fly over from it, the rest of the
        new line writes in, and `line` stays where it is."""
        copy = line.copy()
        pairs = [(copy[p], new_line[p]) for p in parts]
        others = self.others(line)
        return Morph(copy, new_line, pairs=pairs, runs=False, from_copy=True, clear_of=others)

    def others(self, *mobjects):
        """What is on screen besides `mobjects`: what a term on its way must not cross."""
        return [m for m in self.mobjects if isinstance(m, VMobject) and m not in mobjects]


class M6(BeatScene):
    """M6 · The learning rate."""

    alpha_color = PURPLE_B
    label_gap = 1.0  # between α and its name

    def construct(self):
        # M6.1 the step length
        self.beat(1)
        step = Tex(r"\Delta r = \alpha \times \|\nabla f\|", font_size=72)
        self.play(Write(step), run_time=2)
        self.wait()

        # M6.2 α is the learning rate
        self.beat(2)
        alpha = step[r"\alpha"]
        name = Text(text("learning_rate"), font_size=40).set_color(self.alpha_color)
        name.next_to(alpha, DOWN, buff=self.label_gap)
        arrow = Arrow(name.get_top(), alpha.get_bottom(), buff=0.15).set_color(self.alpha_color)
        self.play(alpha.animate.set_color(self.alpha_color))
        self.play(GrowArrow(arrow), FadeIn(name, shift=0.3 * UP))
        self.wait(2)


class M9(BeatScene):
    """M9 · The gradient in n variables."""

    variables = (2, 3, 4, 5)
    font_size = 44

    def gradient(self, n):
        terms = " + ".join(
            rf"\frac{{\partial f}}{{\partial x_{i}}}\,\hat{{e}}_{i}" for i in range(1, n + 1)
        )
        args = ", ".join(f"x_{i}" for i in range(1, n + 1))
        formula = Tex(
            rf"\nabla f({args}) = {terms}", font_size=self.font_size, t2c={r"\nabla f": YELLOW}
        )
        # Centred: as a term joins on the right, the terms already there make room for it.
        return fit_width(formula, 0.86 * FRAME_WIDTH).center()

    def construct(self):
        # M9.1 the gradient grows one variable at a time
        self.beat(1)
        formula = self.gradient(self.variables[0])
        self.play(Write(formula), run_time=2)
        self.wait()
        for n in self.variables[1:]:
            bigger = self.gradient(n)
            self.play(Morph(formula, bigger), run_time=1.5)
            formula = bigger
            self.wait()
        self.wait()


class Coda(BeatScene):
    """The film's closing beat: the method in one line, held as the last frame."""

    fades_out = False  # the film ends on this frame
    rule_color = YELLOW
    alpha_color = PURPLE_B  # as in M6

    def construct(self):
        # Coda.1 the update rule, its learning rate, and when it stops
        self.beat(1)
        title = Text(text("gradient_descent"), font_size=52)
        rule = Tex(
            r"x_{k+1} = x_k - \alpha\,\nabla f(x_k)",
            font_size=80,
            t2c={r"\alpha": self.alpha_color, r"\nabla f": self.rule_color},
        )
        name = Text(text("learning_rate"), font_size=36).set_color(self.alpha_color)
        until = Text(text("repeat_until"), font_size=34).set_color(GREY_A)
        VGroup(title, rule, until).arrange(DOWN, buff=1.1).shift(0.4 * UP)
        name.next_to(rule[r"\alpha"], DOWN, buff=0.55)
        until.next_to(name, DOWN, buff=0.45).set_x(0)
        pointer = Arrow(name.get_top(), rule[r"\alpha"].get_bottom(), buff=0.1)
        pointer.set_color(self.alpha_color)
        self.play(FadeIn(title, shift=0.3 * DOWN))
        self.play(Write(rule), run_time=2)
        self.play(GrowArrow(pointer), FadeIn(name, shift=0.2 * UP))
        self.play(FadeIn(until))
        self.wait(3)


if __name__ == "__main__":
    from gdkit.tools.cli import run_file

    run_file(__file__)
