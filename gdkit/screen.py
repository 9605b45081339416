"""Where things land on screen: the projection manimgl's shaders apply, in numpy.

Used to place labels where they can be read and, in tests, to check that labels do not
overlap, are large enough, and that arrows read as arrows."""

from __future__ import annotations

import numpy as np
from manimlib import FRAME_HEIGHT, FRAME_WIDTH


def to_screen(frame, points, resolution=(1920, 1080), fixed: bool = False) -> np.ndarray:
    """Pixel positions (x to the right, y down) of world `points` seen by `frame` (as
    `emit_gl_Position` computes them); `fixed` for mobjects fixed in the frame."""
    points = np.asarray(points, float).reshape(-1, 3)
    view = frame.get_view_matrix()
    depth = frame.get_scale() / frame.get_focal_distance()
    if fixed:
        placed = points.copy()
    else:
        placed = points @ view[:3, :3].T + view[:3, 3]
    placed *= (2 / FRAME_WIDTH, 2 / FRAME_HEIGHT, depth)
    ndc = placed[:, :2] / (1 - placed[:, 2:3])
    width, height = resolution
    return np.column_stack([(ndc[:, 0] + 1) / 2 * width, (1 - ndc[:, 1]) / 2 * height])


def orientation(frame) -> np.ndarray:
    """`frame`'s rotation matrix (its columns: right, up and out of the screen)."""
    return frame.get_orientation().as_matrix()


def screen_box(mob, frame, resolution=(1920, 1080)) -> np.ndarray | None:
    """[[x0, y0], [x1, y1]] in pixels around what `mob` draws, or None if it draws nothing."""
    parts = mob.family_members_with_points()
    if not parts:
        return None
    boxes = [
        to_screen(frame, part.get_points(), resolution, bool(part.is_fixed_in_frame()))
        for part in parts
    ]
    every = np.vstack(boxes)
    return np.array([every.min(axis=0), every.max(axis=0)])


def overlap(a, b) -> bool:
    """Whether two boxes [[x0, y0], [x1, y1]] share any area."""
    return bool(np.all(np.minimum(a[1], b[1]) > np.maximum(a[0], b[0])))


def farthest_inside(frame, start, end, box=((-0.8, 0.8), (-0.55, 0.62))) -> np.ndarray:
    """The point of the segment from `start` to `end` (world points) nearest `end` that the
    view shows inside `box` ((x0, x1), (y0, y1) of the screen from -1 to 1, y down: by
    default below a caption and above the subtitles); `end` when none of it is inside."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    (x0, x1), (y0, y1) = box

    def inside(t: float) -> bool:
        x, y = to_screen(frame, start + t * (end - start), (2, 2))[0] - 1
        return x0 < x < x1 and y0 < y < y1

    steps = np.linspace(1, 0, 41)
    lo = next((t for t in steps if inside(t)), None)
    if lo is None:
        return end
    hi = min(1.0, lo + 1 / 40)
    for _ in range(8):  # where the segment leaves the box, between lo and hi
        t = (lo + hi) / 2
        lo, hi = (t, hi) if inside(t) else (lo, t)
    return start + lo * (end - start)
