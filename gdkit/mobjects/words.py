"""Words and numbers on screen: captions from the text tables, read-outs that keep their
baseline, panels that keep them legible, rows that keep their spacing."""

from __future__ import annotations

import re

import numpy as np
from manimlib import (
    BLACK,
    GREY_E,
    RIGHT,
    UP,
    WHITE,
    DecimalNumber,
    Mobject,
    Tex,
    Text,
    VGroup,
)

from gdkit.text import text

FONT_SIZE = 32


OPENING, CLOSING = "（【「《", "）】」》，。、；："  # full-width punctuation around a field


def caption(key: str, font_size: int = FONT_SIZE, color=WHITE, **math: str | Mobject) -> VGroup:
    """The text `key` in the current language, each `{name}` field typeset as `math[name]`
    (a LaTeX string, or a mobject such as a DecimalNumber used as it is)."""
    parts, words = VGroup(), []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", text(key))):
        if i % 2:
            value = math[piece]
            parts.add(
                value if isinstance(value, Mobject) else Tex(value, font_size=font_size * 1.15)
            )
            words.append("")
        elif piece.strip():
            parts.add(Text(piece.strip(), font_size=font_size))
            words.append(piece.strip())
    parts.set_color(color)  # manimgl 1.7.2 ignores color= on Tex and Text
    for i in range(1, len(parts)):
        # A word space between text and math, none inside full-width brackets (their glyphs
        # carry their own space)
        bracket = words[i - 1].endswith(tuple(OPENING)) or words[i].startswith(tuple(CLOSING))
        parts[i].next_to(parts[i - 1], RIGHT, buff=0.02 if bracket else 0.12)
    parts.center()
    line = baseline(parts[0])
    for part in parts[1:]:
        part.shift((line - baseline(part)) * UP)
    return parts


NUMBER_FONT = "CMU Serif"  # Computer Modern, the typeface of the formulas (Debian: fonts-cmu)


class Number(DecimalNumber):
    """A DecimalNumber set in the formulas' typeface, with a real minus sign: a read-out
    reads as one piece with the Tex beside it."""

    def __init__(self, number: float = 0, **kwargs):
        kwargs.setdefault("text_config", dict(font=NUMBER_FONT))
        super().__init__(number, **kwargs)

    def get_num_string(self, number) -> str:
        return super().get_num_string(number).replace("–", "−")

    def set_submobjects_from_number(self, number) -> None:
        super().set_submobjects_from_number(number)
        for i, char in enumerate(self.num_string[:-1]):
            if char in "−+":  # on the digits' middle, as TeX sets a sign
                self[i].set_y(self[i + 1].get_y())


class Coordinates(VGroup):
    """A live point `(x, y, z)`: Numbers between Tex brackets and commas."""

    def __init__(self, values, places: int = 3, font_size: float = 28):
        self.numbers = [Number(v, num_decimal_places=places, font_size=font_size) for v in values]
        tex = dict(font_size=font_size * 1.15)
        self.brackets = (Tex("(", **tex), Tex(")", **tex))
        self.commas = [Tex(",", **tex) for _ in values[1:]]
        super().__init__(self.brackets[0], *self.numbers, *self.commas, self.brackets[1])
        self.set_values(values)

    def set_values(self, values) -> Coordinates:
        for number, value in zip(self.numbers, values, strict=True):
            number.set_value(value)
        left = self.brackets[0].get_left()
        middle = self.numbers[0].get_center()[1]  # brackets and signs sit on the digits' middle
        bottom = self.numbers[0].get_bottom()[1]  # digits sit on the baseline
        gap = 0.12 * self.numbers[0].get_height()
        x = left[0]
        for part in (self.brackets[0], *self._between(), self.brackets[1]):
            part.move_to([x + part.get_width() / 2, part.get_center()[1], 0])
            if isinstance(part, Number):
                part.shift((bottom - part.get_bottom()[1]) * UP)
            elif part in self.commas:
                part.shift((bottom - part.get_top()[1] + 0.4 * part.get_height()) * UP)
            else:
                part.set_y(middle)
            x = part.get_right()[0] + (3.5 * gap if part in self.commas else gap)
        return self

    def _between(self):
        yield self.numbers[0]
        for comma, number in zip(self.commas, self.numbers[1:], strict=True):
            yield comma
            yield number


def panel(
    mob: Mobject, opacity: float = 0.9, buff: float = 0.15, color=GREY_E, follow: bool = False
) -> VGroup:
    """`mob` on a dark backing, to be read over whatever lies behind it: a shade lighter than
    the background, so that it is seen whole, over a surface or not. With `follow`, the
    backing keeps round `mob` as it changes size (a count gaining a digit)."""
    from manimlib import BackgroundRectangle

    backing = BackgroundRectangle(mob, color=color, fill_opacity=opacity, buff=buff)
    if follow:

        def keep_round(backing):
            if not np.allclose(backing.get_width(), mob.get_width() + 2 * buff):
                backing.surround(mob, buff)

        backing.add_updater(keep_round)
    return VGroup(backing, mob)


def contrast(a, b) -> float:
    """The contrast ratio of colours `a` and `b` as WCAG 2 defines it: 1 (none) to 21."""
    from manimlib.utils.color import color_to_rgb

    def luminance(color) -> float:
        c = np.asarray(color_to_rgb(color), float)
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(linear @ (0.2126, 0.7152, 0.0722))

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def backed(behind, backing=BLACK, opacity: float = 0.8):
    """The colour a backing of `opacity` shows over `behind`: blended as OpenGL draws it, on
    the sRGB values (manimlib's `interpolate_color` blends their squares)."""
    from manimlib.utils.color import color_to_rgb, rgb_to_hex

    rgb = (1 - opacity) * np.asarray(color_to_rgb(behind)) + opacity * np.asarray(
        color_to_rgb(backing)
    )
    return rgb_to_hex(rgb)


def legible(color, backing=BLACK, opacity: float = 0.8, behind=WHITE, ratio: float = 4.5):
    """`color`, made lighter (its hue and saturation kept) no more than it takes to read at
    `ratio` (WCAG's 4.5:1 for text) on a backing of `opacity` over the brightest thing
    behind it (`behind`)."""
    import colorsys

    from manimlib.utils.color import color_to_rgb, rgb_to_hex

    under = backed(behind, backing, opacity)
    hue, lightness, saturation = colorsys.rgb_to_hls(*color_to_rgb(color))
    for light in np.linspace(lightness, 1, 101):
        lighter = rgb_to_hex(colorsys.hls_to_rgb(hue, light, saturation))
        if contrast(lighter, under) >= ratio:
            return lighter
    return WHITE


def baseline(mob: Mobject) -> float:
    """Where the glyphs of `mob` sit: most glyphs rest on the baseline, so the (upper) median
    of their bottoms finds it, whatever descends or is raised."""
    bottoms = sorted(sm.get_bottom()[1] for sm in mob.family_members_with_points())
    return bottoms[len(bottoms) // 2]


def fit_width(mob: Mobject, width: float) -> Mobject:
    """Scale `mob` down (never up) to at most `width`."""
    if mob.get_width() > width:
        mob.set_width(width)
    return mob


def live_row(*parts: Mobject, buff: float = 0.15) -> VGroup:
    """A row of Tex and DecimalNumbers that keeps its spacing as the numbers change width;
    the first part stays where it is."""
    row = VGroup(*parts).arrange(RIGHT, buff=buff)
    spaced = []  # the parts' boxes when last spaced: unchanged boxes need no respacing

    def boxes():
        return np.array([part.get_bounding_box() for part in row])

    def respace(row):
        if spaced and np.array_equal(boxes(), spaced[0]):
            return
        anchor = row[0].get_left()
        row.arrange(RIGHT, buff=buff)
        row.shift(anchor - row[0].get_left())
        spaced[:] = [boxes()]

    return row.add_updater(respace)
