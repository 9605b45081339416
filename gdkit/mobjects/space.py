"""In the 3D shots: solid arrows, and labels that face the camera and keep clear of lines."""

from __future__ import annotations

import numpy as np
from manimlib import (
    OUT,
    Group,
    Mobject,
)

from gdkit import screen
from gdkit.mobjects.layers import LABELS, RGBA


class Arrow3D(Group):
    """A solid arrow (a thin cylinder and a cone) that reads from any camera angle.

    `put(start, end)` moves it: the two meshes are built once, at unit size, and each `put`
    only scales, turns and places them, so an arrow that follows the scene every frame costs
    a matrix product rather than two new surfaces."""

    def __init__(self, start, end, color, width=0.05, tip_length=0.22, tip_radius=0.09):
        from manimlib import Cone, Cylinder

        self.width, self.tip_length, self.tip_radius = width, tip_length, tip_radius
        # A cylinder from z = -1/2 to 1/2 and a cone from z = 0 (its base) to 1, radius 1.
        shaft = Cylinder(height=1, radius=1, resolution=(12, 2))
        tip = Cone(height=1, radius=1, resolution=(24, 2))
        super().__init__(shaft, tip)
        self.unit = [
            {key: part.data[key].copy() for key in part.pointlike_data_keys}
            for part in (shaft, tip)
        ]
        self.set_color(color)
        self.put(start, end)

    def put(self, start, end) -> Arrow3D:
        from manimlib import z_to_vector

        start, end = np.asarray(start, float), np.asarray(end, float)
        length = np.linalg.norm(end - start)
        # Always a shaft and a tip, even when very short.
        direction = (end - start) / length if length > 1e-6 else OUT.astype(float)
        length = max(length, 2e-3)
        tip_length = min(self.tip_length, 0.5 * length)
        neck = start + (length - tip_length) * direction
        turn = z_to_vector(direction)
        r, t = 0.5 * self.width, self.tip_radius
        placements = (
            (turn @ np.diag([r, r, length - tip_length]), (start + neck) / 2),
            (turn @ np.diag([t, t, tip_length]), neck),
        )
        parts = zip(self.submobjects, self.unit, placements, strict=True)
        for part, unit, (matrix, offset) in parts:
            for key, points in unit.items():
                part.data[key][:] = points @ matrix.T + offset
            part.note_changed_data()
            part.refresh_bounding_box()
        return self


def face_camera(template: Mobject, frame, anchor, before=None) -> Mobject:
    """A copy of the flat `template` (centred at the origin) that faces the camera, keeps its
    size on screen whatever the zoom and however far it is, and sits at `anchor()` every
    frame; `before(template)` may refresh the template first. Frames where nothing of this
    changes cost a comparison."""
    from manimlib import FRAME_HEIGHT

    shown = template.copy().deactivate_depth_test()

    def update(mob):
        # What this mobject last showed. Animations update copies of it too, which share
        # this updater and start from its attributes: each copy keeps its own record.
        last = getattr(mob, "facing_record", None)
        if last is None or last["owner"] != id(mob):
            last = mob.facing_record = {"owner": id(mob)}
        if before is not None:
            before(template)
        if mob.depth_test:  # a 3D scene turns it on for what it adds; a label stays on top
            mob.deactivate_depth_test()
        parts = template.family_members_with_points()
        points = [part.get_points() for part in parts]
        where = np.asarray(anchor(), float)
        orientation = screen.orientation(frame)
        # Nearer the camera than the frame's centre, things look larger: undo it.
        toward_camera = (where - frame.get_center()) @ orientation[:, 2]
        perspective = max(1 - toward_camera / frame.get_focal_distance(), 0.05)
        turn = orientation * (frame.get_height() / FRAME_HEIGHT * perspective)
        targets = mob.family_members_with_points()
        if (
            "turn" in last
            and np.array_equal(turn, last["turn"])
            and np.array_equal(where, last["where"])
            and len(points) == len(last["points"])
            and all(map(np.array_equal, points, last["points"]))
            # and no animation (a fade) moved what it last placed
            and len(targets) == len(last["placed"])
            and all(map(np.array_equal, (t.get_points() for t in targets), last["placed"]))
        ):
            return
        last.update(turn=turn, where=where, points=[p.copy() for p in points])
        if [len(p) for p in points] != [len(t.get_points()) for t in targets]:
            mob.become(template)  # new glyphs: take everything, style included
            mob.deactivate_depth_test()
            targets = mob.family_members_with_points()
        placed = [p @ turn.T for p in points]
        every = np.vstack(placed)
        offset = where - (every.min(axis=0) + every.max(axis=0)) / 2
        for target, part, p in zip(targets, parts, placed, strict=True):
            # As `become` would, but for the opacity a fade in progress has given it.
            shown = {
                key: target.data[key][:, 3].copy() for key in RGBA if key in target.data.dtype.names
            }
            target.set_data(part.data)
            for key, alpha in shown.items():
                target.data[key][:, 3] = alpha
            target.data["point"][:] = p + offset
            target.refresh_bounding_box()
        last["placed"] = [t.get_points().copy() for t in targets]

    update(shown)
    return shown.add_updater(update)


def facing_label(frame, template: Mobject, place, before=None) -> Mobject:
    """A label that faces the camera, drawn over everything: `place(size)` says where its
    centre goes, for its size (width, height) on screen; `before(template)` refreshes it."""
    template.center()

    def anchor():
        return place((template.get_width(), template.get_height()))

    return face_camera(template, frame, anchor, before).set_z_index(LABELS)


def placed_label(frame, template, spots, lines, now, margin: float = 0.06, before=None):
    """A `facing_label` at the first of `spots(size)` (world points, in order of preference)
    where it crosses none of `lines()`, keeping its spot and gliding to a new one as
    `clear_spot` says; `now()` is the scene's time."""
    memory = {}

    def place(size):
        return clear_spot(frame, spots(size), size, lines(), margin, memory=memory, now=now())

    return facing_label(frame, template, place, before)


def screen_right(frame) -> np.ndarray:
    """The world direction that points right on screen, one screen unit long."""
    return screen.orientation(frame)[:, 0] * frame.get_height() / 8.0


def screen_up(frame) -> np.ndarray:
    """The world direction that points up on screen, one screen unit long."""
    return screen.orientation(frame)[:, 1] * frame.get_height() / 8.0


def beside(frame, point, away_from, size, gap: float = 0.15) -> np.ndarray:
    """Where the centre of a label `size` = (width, height) screen units big goes, so that it
    sits beside `point` on the side facing away from `away_from` as seen on screen, `gap`
    screen units clear of it (world coordinates, for `face_camera`)."""
    right, up = screen_right(frame), screen_up(frame)
    unit_length = np.linalg.norm(right)  # world length of one screen unit
    offset = np.asarray(point, float) - np.asarray(away_from, float)
    direction = np.array([offset @ right, offset @ up]) / unit_length**2
    norm = np.linalg.norm(direction)
    direction = direction / norm if norm > 1e-9 else np.array([1.0, 0.0])
    half_width, half_height = 0.5 * np.asarray(size, float)
    # From the label's centre to its edge along `direction`.
    reach = min(
        half_width / abs(direction[0]) if abs(direction[0]) > 1e-9 else np.inf,
        half_height / abs(direction[1]) if abs(direction[1]) > 1e-9 else np.inf,
    )
    return np.asarray(point, float) + (gap + reach) * (direction[0] * right + direction[1] * up)


def clear_spot(
    frame, candidates, size, segments, margin: float = 0.06, memory=None, now=None,
    patience: float = 1.0, glide: float = 0.8,
):  # fmt: skip
    """The first of `candidates` (world points, each a label's centre) where a label `size`
    = (width, height) screen units big crosses none of `segments` (pairs of world points:
    axes, arrows) on screen; the first candidate when none is clear.

    With a `memory` dict a label keeps its spot: the candidate chosen last stays while it is
    clear, and for `patience` seconds once it is not (a line passing by moves nothing); then
    it takes the clear one nearest on screen and glides there over `glide` seconds (`now`:
    the scene's time, in seconds; without it, it moves at once)."""
    from manimlib import FRAME_HEIGHT, FRAME_WIDTH, smooth

    from gdkit.screen import to_screen

    candidates = np.asarray(candidates, float)
    units = (FRAME_WIDTH, FRAME_HEIGHT)  # screen units, y down
    half = np.asarray(size, float) / 2 + margin
    ends = to_screen(frame, np.asarray(segments, float), units).reshape(-1, 2, 1, 2)
    along = np.linspace(0, 1, 40)[:, None]
    samples = (ends[:, 0] + along * (ends[:, 1] - ends[:, 0])).reshape(-1, 2)
    centres = to_screen(frame, candidates, units)
    # clear[i]: no sample of any line falls inside the label's box around candidate i
    near = (np.abs(samples[None] - centres[:, None]) < half).all(axis=2)
    clear = ~near.any(axis=1)
    first = next((i for i in range(len(candidates)) if clear[i]), 0)
    if memory is None:
        return candidates[first]

    def offset() -> np.ndarray:  # of the label from its spot, while it glides there
        if now is None or "since" not in memory:
            return np.zeros(3)
        left = 1 - smooth(min(1.0, (now - memory["since"]) / glide))
        return left * memory["offset"]

    chosen = memory.get("chosen")
    if chosen is None or chosen >= len(candidates):
        memory.clear()
        memory["chosen"] = chosen = first
    if clear[chosen]:
        memory.pop("blocked", None)
    else:
        blocked = memory.setdefault("blocked", now)
        if (now is None or now - blocked >= patience) and clear.any():
            # The clear spot nearest on screen to where the label is: it keeps its side if
            # it can.
            shown = candidates[chosen] + offset()
            at = to_screen(frame, [shown], units)[0]
            chosen = min(np.flatnonzero(clear), key=lambda i: np.linalg.norm(centres[i] - at))
            memory.update(chosen=chosen, offset=shown - candidates[chosen], since=now)
            memory.pop("blocked")
    return candidates[chosen] + offset()
