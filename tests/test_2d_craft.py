"""What a viewer of the whole film sees, measured: every frame composed inside the title-safe
area with the bottom strip left to subtitles, no two texts on top of each other, formulas that
change part by part without glyph soup, a narration line for every beat, read in full."""

from __future__ import annotations

import numpy as np
import pytest
from manimlib import StringMobject, ThreeDScene, VMobject

from gdkit import storyboard
from gdkit.mobjects import LABELS, ROOM, Morph, Number, outline, same_glyph
from gdkit.screen import overlap, screen_box
from tests.craft import SCREEN, at_beat_ends, every_frame, shots_where

FLAT = shots_where(lambda scene: not issubclass(scene, ThreeDScene))  # drawn on the screen's plane
FORMULAS = [shot.name for shot in storyboard.film() if shot.file == "S1.py"]  # S1's shots
SAFE = 0.9  # the title-safe share of the frame
SUBTITLES = 0.12  # the bottom strip kept for subtitles


def inside_the_safe_area(box) -> bool:
    (x0, y0), (x1, y1) = box
    width, height = SCREEN
    margin_x, margin_y = (1 - SAFE) / 2 * width, (1 - SAFE) / 2 * height
    return (
        x0 >= margin_x
        and x1 <= width - margin_x
        and y0 >= margin_y
        and y1 <= (1 - SUBTITLES) * height
    )


def on_screen(box) -> bool:
    (x0, y0), (x1, y1) = box
    return x1 > 0 and x0 < SCREEN[0] and y1 > 0 and y0 < SCREEN[1]


def texts_of(scene) -> list:
    """Every text on screen, as a unit: formulas, words, numbers."""
    found = []

    def walk(mob):
        if isinstance(mob, StringMobject | Number):
            if mob.family_members_with_points() and mob.get_fill_opacity() > 0.01:
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in scene.mobjects:
        walk(mob)
    return found


def composition_problems(scene) -> list[str]:
    frame, problems = scene.frame, []
    drawn = [
        m for m in scene.mobjects
        if m is not frame and any(
            isinstance(p, VMobject) for p in m.family_members_with_points()
        ) or m.z_index >= LABELS
    ]  # fmt: skip
    flat = scene.shot.name in FLAT
    # In the 3D shots, surfaces run off the frame by design: their labels must not.
    checked = drawn if flat else [
        part
        for m in drawn
        if m.z_index >= LABELS
        for part in (m.submobjects if type(m).__name__ == "Group" else [m])
    ]  # fmt: skip
    for mob in checked:
        box = screen_box(mob, frame, SCREEN)
        if box is None or not flat and not on_screen(box):
            continue  # a label the camera has left behind is not seen at all
        if not inside_the_safe_area(box):
            problems.append(f"{type(mob).__name__} leaves the safe area: {box.round().tolist()}")
    texts = [(t, screen_box(t, frame, SCREEN)) for t in texts_of(scene)]
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1 :]:
            if overlap(box_a, box_b) and not (a in b.get_family() or b in a.get_family()):
                problems.append(f"{describe(a)} overlaps {describe(b)}")
    return problems


def describe(mob) -> str:
    text = getattr(mob, "string", None) or getattr(mob, "num_string", "")
    return f"{type(mob).__name__} {text[:24]!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", [shot.name for shot in storyboard.film()])
def test_every_beat_ends_composed(name, lang):
    problems = at_beat_ends(name, lang, composition_problems)
    assert {beat: p for beat, p in problems.items() if p} == {}


def test_every_beat_has_a_narration_line_in_both_languages():
    for shot in storyboard.film():
        for beat in shot.beats:
            for lang in ("zh", "en"):
                line = beat.narration(lang)
                assert line.strip() and line != beat.caption(lang), (beat.label, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", FORMULAS)
def test_each_beat_lasts_at_least_its_reading_time(name, lang):
    starts = {}

    def look(scene):
        starts.setdefault("beats", scene.beat_starts)
        starts["end"] = scene.time

    every_frame(name, lang, 10, look)
    beats, end = starts["beats"], starts["end"]
    lengths = np.diff([*beats, end])
    needed = [b.reading_seconds(lang) for b in storyboard.shot(name).beats]
    assert all(length >= need - 0.1 for length, need in zip(lengths, needed, strict=True))


def during_morphs(name, look, lang="en") -> None:
    """Run shot `name` frame by frame (10 fps), calling `look(morph, done)` for each Morph
    running, `done` the part of its time gone; each morph's `ends` are copies of its start
    and end formulas."""
    from tests.craft import shot_class

    base = shot_class(name)

    class Watched(base):
        def play(self, *animations, **kwargs):
            self.morphs_running = [(a, self.time) for a in animations if isinstance(a, Morph)]
            for m, _ in self.morphs_running:
                m.ends = (
                    [g.copy() for g in m.source.family_members_with_points()],
                    [g.copy() for g in m.target.family_members_with_points()],
                )
            super().play(*animations, **kwargs)
            self.morphs_running = []

    def each(scene):
        for morph, start in getattr(scene, "morphs_running", []):
            look(morph, (scene.time - start) / morph.get_run_time())

    import tests.craft as craft

    original = craft.shot_class
    craft.shot_class = lambda n: Watched if n == name else original(n)
    try:
        every_frame(name, lang, 10, each)
    finally:
        craft.shot_class = original


def watch_morphs(name, lang="en"):
    """For each frame in the middle of a Morph of shot `name`: the glyphs on screen, and the
    morph's start and end formulas."""
    seen = []

    def look(morph, done):
        seen.append((morph, [g.copy() for g in morph.mobject.family_members_with_points()]))

    during_morphs(name, look, lang)
    return seen


def glyph_soup(seen) -> list[str]:
    problems = []
    for morph, glyphs in seen:
        start, end = morph.ends
        ends = start + end
        every = np.vstack([g.get_points() for g in ends])
        # A term taking an arc round another may pass within ROOM of them.
        room = np.array([ROOM, ROOM, 0]) + 0.05
        low, high = every.min(axis=0) - room, every.max(axis=0) + room
        for glyph in glyphs:
            if glyph.get_fill_opacity() < 0.05:
                continue
            if not any(same_glyph(glyph, other) for other in ends):
                problems.append(f"a glyph of {len(outline(glyph))} points is no glyph of either")
            points = glyph.get_points()
            if (points < low).any() or (points > high).any():
                problems.append("a glyph leaves the two formulas' box")
    return problems


@pytest.mark.parametrize("name, beat_of", [("M9", None), ("M4", 5)])
def test_formulas_change_without_glyph_soup(name, beat_of):
    seen = watch_morphs(name)
    assert len(seen) > 20  # frames in the middle of morphs were looked at
    assert glyph_soup(seen) == []


def test_the_soup_check_catches_a_melting_transform():
    """manimgl's TransformMatchingTex, as M9 used it, turned fractions into blobs."""
    from manimlib import TransformMatchingTex

    from tests.craft import shot_class

    m9 = shot_class("M9")
    a, b = m9.gradient(m9, 2), m9.gradient(m9, 3)
    ends = ([g.copy() for g in a.family_members_with_points()], b.family_members_with_points())
    melt = TransformMatchingTex(a, b)
    melt.begin()
    melt.interpolate(0.5)
    melt.ends = ends
    frames = [(melt, [g.copy() for g in melt.mobject.family_members_with_points()])]
    assert glyph_soup(frames) != []


def test_a_term_hidden_on_its_way_is_seen_again_once_clear():
    """A term a Morph hides while it crosses other text comes back: once every term has
    arrived (the last fifth of the morph), each glyph that moved is as opaque as the glyph it
    lands on. (Glides once scaled a glyph's opacity frame after frame, and a term hidden on
    its way stayed hidden until the morph ended.)"""
    from gdkit.mobjects import Glide

    faint = set()

    def look(morph, done):
        if done < 0.8:
            return
        for glide in morph.animations:
            if isinstance(glide, Glide):
                shown = glide.mobject.data["fill_rgba"][:, 3].max()
                if shown < 0.9 * glide.target_mobject.data["fill_rgba"][:, 3].max():
                    faint.add(glide.target_mobject.get_center().round(1).tobytes())

    during_morphs("M4", look)
    assert not faint, f"{len(faint)} glyphs still hidden where they land"


def stacked_glyphs(name: str) -> list[float]:
    """The times (10 fps) of frames of shot `name` where a glyph is drawn over a copy of
    itself: two glyphs of one shape, both seen (opacity over 5%), their boxes nearly one."""
    from gdkit.mobjects import same_glyph

    times = []

    def look(scene):
        glyphs = [
            m for m in scene.get_mobject_family_members()
            if hasattr(m, "get_fill_opacity") and m.has_points() and not m.submobjects
            and m.get_fill_opacity() > 0.05 and "Rectangle" not in type(m).__name__
        ]  # fmt: skip
        lo, hi = boxes(glyphs)
        inter = overlaps(lo, hi)
        area = np.prod(hi - lo, axis=1)
        union = area[:, None] + area[None] - inter
        for i, j in pairs((union > 1e-6) & (inter > 0.8 * union)):
            if same_glyph(glyphs[i], glyphs[j]):
                times.append(round(scene.time, 1))
                return

    every_frame(name, "en", 10, look)
    return times


def test_a_derived_line_never_draws_a_copy_over_its_source():
    """M4 writes each line from the one above: the terms it takes fly over from it, and
    nothing of the line that stays is drawn twice (a copy over it reads as a bold flash)."""
    assert stacked_glyphs("M4") == []


def boxes(glyphs) -> tuple[np.ndarray, np.ndarray]:
    """The corners of each glyph's box on the frame's plane: (lows, highs), one row each."""
    if not glyphs:
        return np.zeros((0, 2)), np.zeros((0, 2))
    points = [g.get_points()[:, :2] for g in glyphs]
    return np.array([p.min(axis=0) for p in points]), np.array([p.max(axis=0) for p in points])


def overlaps(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The area of each two boxes' intersection, every pair at once."""
    sides = np.minimum(hi[:, None], hi[None]) - np.maximum(lo[:, None], lo[None])
    return np.prod(np.clip(sides, 0, None), axis=2)


def pairs(hit: np.ndarray):
    """The pairs (i, j), i < j, where `hit` holds, in the order of two nested loops."""
    return map(tuple, np.argwhere(np.triu(hit, 1)))


def formula_of(glyph):
    """The formula (Tex or Text) a glyph belongs to, found up its parents."""
    while glyph is not None and not isinstance(glyph, StringMobject):
        glyph = glyph.parents[0] if glyph.parents else None
    return glyph


def text_through_text(name: str, lang: str) -> list[tuple]:
    """The frames (10 fps) of shot `name` where a glyph of one formula covers a fifth or more
    of a glyph of another, both seen (opacity over 30%): (time, the two formulas)."""
    found = []

    def look(scene):
        glyphs, formulas = [], []
        for m in scene.get_mobject_family_members():
            formula = formula_of(m)
            if formula is None or m.submobjects or not m.has_points():
                continue
            if m.data["fill_rgba"][:, 3].max() > 0.3:
                glyphs.append(m)
                formulas.append(id(formula))
        lo, hi = boxes(glyphs)
        inter = overlaps(lo, hi)
        area = np.prod(hi - lo, axis=1)
        smaller = np.minimum(area[:, None], area[None])
        other = np.asarray(formulas)[:, None] != np.asarray(formulas)[None]
        for i, j in pairs(other & (smaller > 1e-6) & (inter > 0.2 * smaller)):
            fa, fb = formula_of(glyphs[i]), formula_of(glyphs[j])
            found.append((round(scene.time, 1), fa.get_string()[:20], fb.get_string()[:20]))
            return

    every_frame(name, lang, 10, look)
    return found


@pytest.mark.parametrize("name", FLAT)
def test_no_text_slides_through_text(name):
    """In no frame does one text cover another: M4's terms flying from a line to the one it
    makes are unseen where they cross the lines between, and take an arc round each other;
    M7's panel for a run comes in once the last run's panel has gone."""
    assert text_through_text(name, "zh") == []


def test_m4_derivation_reads_down_its_equals_signs():
    """Each line M4 derives stands with its first "=" under the first "=" of the line it
    came from: at the ends of M4.3 and M4.4 the tangent plane and the four lines below it,
    at the end of M4.5 the three lines of the step in any direction."""
    from manimlib import Tex

    def equals(scene):
        lines = [m for m in scene.mobjects if isinstance(m, Tex) and "=" in m.get_string()]
        lines.sort(key=lambda m: -m.get_y())
        return [round(float(m["="][0].get_x()), 2) for m in lines]

    at = at_beat_ends("M4", "en", equals)
    assert len(at[3]) == 3 and len(set(at[3])) == 1, at[3]
    assert len(at[4]) == 5 and len(set(at[4])) == 1, at[4]
    assert len(at[5]) == 6 and len(set(at[5][-3:])) == 1, at[5]


def test_m9_formula_is_centred_as_it_grows():
    """The gradient gains a term at a time: in every frame (10 fps) once the first is
    written, what is on screen sits about the middle, not at its left with the right half
    empty."""
    off_centre = []

    def look(scene):
        if scene.num_plays == 0:
            return  # written from left to right
        glyphs = [
            m.get_points()[:, 0]
            for m in scene.get_mobject_family_members()
            if hasattr(m, "get_fill_opacity") and m.has_points() and m.get_fill_opacity() > 0.5
        ]
        if glyphs:
            every = np.concatenate(glyphs)
            middle = (every.min() + every.max()) / 2
            if abs(middle) > 1.2:  # of a screen 14.2 units wide (a term joining moves it a little)
                off_centre.append((round(scene.time, 1), round(float(middle), 2)))

    every_frame("M9", "en", 10, look)
    assert off_centre == []


def test_a_field_sits_close_inside_full_width_brackets():
    """The caption 沿任意方向前进（30°）: a full-width bracket's glyph carries its own space,
    so the field it holds sits against it, not a word space away ("（ 30° ）")."""
    from gdkit import text
    from gdkit.mobjects import caption

    text.set_language("zh")
    words, angle, closing = caption("step_any", angle=r"30^\circ")
    assert angle.get_left()[0] - words.get_right()[0] < 0.05
    assert closing.get_left()[0] - angle.get_right()[0] < 0.05
    text.set_language("en")
    word, angle = caption("step_any", angle=r"30^\circ")
    assert angle.get_left()[0] - word.get_right()[0] > 0.1  # a word space in English


def test_tick_digits_are_set_in_the_read_outs_typeface():
    """M5 and M7's axis numbers use the digits of the formulas and read-outs beside them (one
    typeface for digits on screen), not the default sans."""
    from gdkit.mobjects import FunctionPlot
    from gdkit.objectives import f

    ticks = FunctionPlot(f).axes.x_axis.numbers
    one = next(n for n in ticks if n.get_value() == 1)
    (tick,) = one.family_members_with_points()
    (read_out,) = Number(1, num_decimal_places=0).family_members_with_points()
    assert same_glyph(tick, read_out, tolerance=0.05)


def test_m5_tangent_grows_from_its_point():
    """M5.2 draws the tangent: it grows out from the point over several frames (a line that
    redraws itself every frame would appear whole at once), and the point stays over it."""
    from S4 import M5

    lengths = []

    def look(scene):
        if scene.current_beat != 2:
            return
        lines = [
            m
            for m in scene.mobjects
            if type(m).__name__ == "Line" and m.get_color().lower() == str(M5.tangent_color).lower()
        ]
        if lines:
            lengths.append(round(float(np.linalg.norm(lines[0].get_vector())), 3))
            order = [type(m).__name__ for m in scene.mobjects]
            assert order.index("Dot") > scene.mobjects.index(lines[0]), order

    every_frame("M5", "zh", 15, look)
    growing = sorted(set(lengths))
    assert len(growing) >= 5 and growing[0] < 0.2 * growing[-1], growing


def test_m2_brace_of_h_never_crosses_the_ground():
    """h's brace stands on the level behind the walker, past the end of the ground, at every
    frame (5 fps) whatever the slope (beside the body, a sloping ground ran through it)."""
    from manimlib import Brace

    from S2 import M2

    crossing = []

    def look(scene):
        family = scene.get_mobject_family_members()
        braces = [m for m in family if isinstance(m, Brace)]
        ground = [
            m
            for m in family
            if type(m).__name__ == "Line" and m.get_color().lower() == M2.ground_color.lower()
        ]
        assert ground
        for brace in braces:
            for line in ground:
                if brace.get_right()[0] >= line.get_points()[:, 0].min():
                    crossing.append(round(scene.time, 1))

    every_frame("M2", "zh", 5, look)
    assert crossing == []
