"""Formulas that change glyph by glyph: each glyph that stays glides on a way that crosses
nothing seen."""

from __future__ import annotations

import numpy as np
from manimlib import (
    AnimationGroup,
    Mobject,
    Transform,
)


class Morph(AnimationGroup):
    """One formula becomes another, glyph by glyph: the runs of glyphs the two share (in
    order, as `difflib` finds them) move, or scale, to their new places; every other glyph
    fades out, or in, where it stands. No glyph ever turns into another, so no frame shows
    glyph soup. `pairs` adds (source part, target part) matches found by name; with
    `runs=False` only those move (a line derived from another: the terms it takes from it fly
    over, the rest of the new line writes in); `from_copy` says `source` is a copy of a line
    that stays on screen. A moving glyph is unseen while its way crosses that line, anything
    in `clear_of`, or another moving glyph (the one with the longer way gives place), so text
    never slides through text."""

    def __init__(
        self,
        source,
        target,
        pairs=(),
        runs=True,
        from_copy=False,
        clear_of=(),
        run_time: float = 2,
        **kwargs,
    ):
        from difflib import SequenceMatcher

        from manimlib import FadeIn, FadeOut

        self.source, self.target = source, target
        glyphs_a = source.family_members_with_points()
        glyphs_b = target.family_members_with_points()
        matched = []
        for part_a, part_b in pairs:
            matched += zip(
                part_a.family_members_with_points(),
                part_b.family_members_with_points(),
                strict=True,
            )
        taken_a = {id(a) for a, _ in matched}
        taken_b = {id(b) for _, b in matched}
        rest_a = [g for g in glyphs_a if id(g) not in taken_a]
        rest_b = [g for g in glyphs_b if id(g) not in taken_b]
        if runs:
            shared = SequenceMatcher(
                None,
                [shape_key(g) for g in rest_a],
                [shape_key(g) for g in rest_b],
                autojunk=False,
            )
            for i, j, size in shared.get_matching_blocks():
                matched += zip(rest_a[i : i + size], rest_b[j : j + size], strict=True)
        moves = [(a, b) for a, b in matched if same_glyph(a, b)]
        moved_a, moved_b = {id(a) for a, _ in moves}, {id(b) for _, b in moves}
        staying = [g for g in glyphs_a if id(g) not in moved_a]
        obstacles = [box(g) for m in clear_of for g in m.family_members_with_points()]
        if from_copy:
            # `source` is a copy over a line that stays: what does not move is not drawn
            # twice, and what moves leaves the line as it comes into view.
            obstacles += [box(g) for g in glyphs_a]
            for glyph in staying:
                glyph.set_opacity(0)
            staying = []
        # Out, across, in: what goes has faded before the shared glyphs leave, and what is
        # new writes in once they have arrived, so nothing overlaps on the way.
        super().__init__(
            *(
                Glide(a, b, *glide, rate_func=window(0.25, 0.75))
                for (a, b), glide in zip(moves, glides(moves, obstacles), strict=True)
            ),
            *(FadeOut(g, rate_func=between(0, 0.25)) for g in staying),
            *(FadeIn(g, rate_func=between(0.75, 1)) for g in glyphs_b if id(g) not in moved_b),
            run_time=run_time,
            **kwargs,
        )

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        scene.remove(self.mobject, self.source)
        scene.add(self.target)


class Glide(Transform):
    """A glyph's move along an arc of `arc` radians, made during `timing` (a part of the
    morph's moving time), its opacity following `seen` at each moment of WAY."""

    def __init__(self, glyph, target, arc, timing, seen, **kwargs):
        self.timing, self.seen = timing, seen
        super().__init__(glyph, target, path_arc=arc, **kwargs)

    def interpolate_submobject(self, submob, start, target, t):
        alpha = progress(self.timing, t)
        super().interpolate_submobject(submob, start, target, alpha)
        # Set, not scaled: a Transform leaves data alone that its two ends share.
        opacity = (1 - alpha) * start.data["fill_rgba"][:, 3] + alpha * target.data["fill_rgba"][
            :, 3
        ]
        submob.data["fill_rgba"][:, 3] = opacity * np.interp(t, WAY, self.seen)
        submob.note_changed_data()


WAY = np.linspace(0, 1, 41)  # the moments of a morph's moving time at which ways are judged
ARCS = np.pi * np.array([0, -0.5, 0.5, -1, 1])  # the ways a glyph may take, straight first
TIMINGS = ((0, 1), (0, 0.5), (0.5, 1))  # a part moves all the while, or in one half of it
ENDS = 0.1  # of the way at each end, where moving glyphs may touch as their formulas do
RAMP = 0.1  # of the time, over which a glyph fades in or out beside what it must not cover
MARGIN = 0.04  # scene units kept between a seen glyph and what it passes
NEAR = 0.15  # scene units: glyphs this near that move alike are one part
ROOM = 0.5  # scene units round the formulas' box that an arc may pass through


def progress(timing, t):
    """How far along its way a part moving during `timing` is at moment `t` (0 to 1)."""
    from manimlib import smooth

    start, end = timing
    return smooth(np.clip((np.asarray(t) - start) / (end - start), 0, 1))


def window(start: float, end: float):
    """A rate that runs evenly from `start` to `end` of an animation's time."""
    return lambda t: min(1.0, max(0.0, (t - start) / (end - start)))


def box(glyph: Mobject) -> np.ndarray:
    """A glyph's box in the plane: [[left, bottom], [right, top]]."""
    points = glyph.get_points()[:, :2]
    return np.array([points.min(axis=0), points.max(axis=0)])


def way(a: np.ndarray, b: np.ndarray, arc: float, alphas=WAY) -> np.ndarray:
    """The boxes of a box moving from `a` to `b` along an arc, at each of `alphas`."""
    from manimlib.utils.paths import path_along_arc

    def corners(box):
        (x0, y0), (x1, y1) = box
        return np.array([[x0, y0, 0], [x1, y0, 0], [x0, y1, 0], [x1, y1, 0]])

    path = path_along_arc(arc)
    points = np.array([path(corners(a), corners(b), t)[:, :2] for t in alphas])
    return np.stack([points.min(axis=1), points.max(axis=1)], axis=1)


def meets(boxes: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Where along a way (boxes at each moment of WAY) it meets `other`: a box, or a way."""
    return np.all(
        (boxes[:, 0] - MARGIN < other[..., 1, :]) & (other[..., 0, :] < boxes[:, 1] + MARGIN),
        axis=-1,
    )


def union(boxes) -> np.ndarray:
    """The box round `boxes`."""
    return np.array([np.min([b[0] for b in boxes], 0), np.max([b[1] for b in boxes], 0)])


def parts_of(starts, ends) -> list[list[int]]:
    """The moves (given by their start and end boxes) in parts: glyphs near each other that
    move alike (a fraction, a word) are one part."""
    part = list(range(len(starts)))

    def root(i):
        while part[i] != i:
            i = part[i]
        return i

    def together(i, j):
        p, q = starts[i], starts[j]
        near = np.all((p[0] - NEAR < q[1]) & (q[0] < p[1] + NEAR))
        shift = (ends[i] - starts[i]) - (ends[j] - starts[j])
        return near and np.abs(shift).max() < NEAR

    for i in range(len(starts)):
        for j in range(i):
            if together(i, j):
                part[root(i)] = root(j)
    groups = {}
    for i in range(len(starts)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def glides(moves, obstacles) -> list[tuple[float, tuple, np.ndarray]]:
    """For each (glyph, target) move: its arc, its timing and its opacity factor at each
    moment of WAY, chosen part by part (see `parts_of`). The longest part chooses first: a
    straight way all the while if it is clear of the others and of the obstacles, else a
    straight way in one half of the time (parts take turns), else an arc, within ROOM of
    the formulas' box. A part for which nothing is clear is unseen where it meets them,
    fading out and in over RAMP beside them. Parts may touch near their ENDS, as their
    formulas do."""
    starts = [box(a) for a, _ in moves]
    ends = [box(b) for _, b in moves]
    parts = parts_of(starts, ends)
    spans = [(union([starts[i] for i in p]), union([ends[i] for i in p])) for p in parts]
    lengths = [np.linalg.norm(b.mean(0) - a.mean(0)) for a, b in spans]
    chosen = [(0.0, TIMINGS[0])] * len(parts)

    def along(k, arc, timing):
        return way(*spans[k], arc, progress(timing, WAY))

    def moving(timing):
        alpha = progress(timing, WAY)
        return (ENDS < alpha) & (alpha < 1 - ENDS)

    ways = [along(k, *chosen[k]) for k in range(len(parts))]

    def blocked(k, boxes, timing, by):
        hit = np.zeros(len(WAY), bool)
        for obstacle in obstacles:
            hit |= meets(boxes, obstacle)
        for j in by:
            if j != k:
                hit |= meets(boxes, ways[j]) & (moving(timing) | moving(chosen[j][1]))
        return hit

    order = sorted(range(len(parts)), key=lambda k: -lengths[k])
    low, high = union(starts + ends) + [[-ROOM, -ROOM], [ROOM, ROOM]]

    def ways_for(k):  # straight first, all the while first
        for arc in ARCS:
            for timing in TIMINGS:
                boxes = along(k, arc, timing)
                if np.all(boxes[:, 0] >= low - MARGIN) and np.all(boxes[:, 1] <= high + MARGIN):
                    yield (arc, timing), boxes

    def clear(k, choice, boxes, besides=()):
        return not blocked(k, boxes, choice[1], [j for j in order if j not in besides]).any()

    def choose(k):  # the first way clear of the others as they now go
        for choice, boxes in ways_for(k):
            if clear(k, choice, boxes):
                chosen[k], ways[k] = choice, boxes
                return True
        return False

    def take_turns(k, j):  # another way for j, clear of all but k, and then one for k
        was = chosen[j], ways[j]
        for choice, boxes in ways_for(j):
            if clear(j, choice, boxes, besides=[k]):
                chosen[j], ways[j] = choice, boxes
                if choose(k):
                    return True
        chosen[j], ways[j] = was
        return False

    # The longest first, clear of the shorter (as they would go straight) and of those
    # placed; a part for which none is clear tries again with one it meets changing its way.
    for k in [k for k in order if not choose(k)]:
        if not choose(k):
            crossing = [j for j in order if j != k and meets(ways[k], ways[j]).any()]
            any(take_turns(k, j) for j in crossing)
    result = [None] * len(moves)
    for k, p in enumerate(parts):
        arc, timing = chosen[k]
        hidden = blocked(k, ways[k], timing, order[order.index(k) + 1 :])  # the longer gives place
        gap = np.abs(WAY[:, None] - WAY[hidden][None, :]).min(axis=1) if hidden.any() else 1
        seen = np.clip(gap / RAMP, 0, 1) * np.ones(len(WAY))
        for i in p:
            result[i] = (arc, timing, seen)
    return result


def between(start: float, end: float):
    """A smooth rate that runs only from `start` to `end` of an animation's time."""
    from manimlib import smooth

    return lambda t: smooth(min(1.0, max(0.0, (t - start) / (end - start))))


def outline(glyph: Mobject) -> np.ndarray:
    """A glyph's outline, whatever its place and size: moved to the origin, unit size."""
    points = glyph.get_points()[:, :2]
    return (points - points.min(axis=0)) / (np.ptp(points, axis=0).max() or 1.0)


def shape_key(glyph: Mobject) -> tuple:
    """A coarse key of a glyph's shape (point count and proportions), to line glyphs up."""
    width, height = np.ptp(glyph.get_points()[:, :2], axis=0)
    return (len(glyph.get_points()), round(float(width / (height or 1.0)), 1))


def same_glyph(a: Mobject, b: Mobject, tolerance: float = 0.3) -> bool:
    """Whether two glyphs have one shape (TeX places the same glyph a little differently
    from one formula to the next, by up to a quarter of its size in its outline's points)."""
    pa, pb = outline(a), outline(b)
    return pa.shape == pb.shape and bool(np.abs(pa - pb).max() < tolerance)


def Unwrite(mob: Mobject, **kwargs):
    """Write played backwards, removing `mob` at the end (manimgl 1.7 has no Unwrite)."""
    from manimlib import Write, smooth

    return Write(mob, rate_func=lambda t: smooth(1 - t), remover=True, **kwargs)
