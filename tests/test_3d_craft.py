"""What a viewer of the 3D shots sees, measured: labels that can be read and never collide,
a step that reads as an arrow in every frame, a plane never seen edge-on, and fades that
blend without dark occluders."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from manimlib import Group, Tex

from gdkit.mobjects import LABELS, Arrow3D
from gdkit.objectives import g
from gdkit.paths import ROOT
from gdkit.screen import overlap, screen_box, to_screen
from tests.craft import SCREEN, at_beat_ends, every_frame, length_on_screen, scene_file, shots_where
from tests.helpers import MANIM, decoded

MIN_LABEL_PX = 20  # height of a label on a 1080p screen
MIN_SHAFT_PX = 60  # length of the step arrow's shaft on a 1080p screen
CLEARANCE_PX = 6  # between a label and an arrowhead, on a 1080p screen

# The descents on the surface, each with its HUD and a z label per ball (S5's shots).
SURFACE_DESCENT = scene_file("S5.py").SurfaceDescent
DESCENTS = shots_where(lambda scene: issubclass(scene, SURFACE_DESCENT))


def labels_of(scene) -> list:
    """Every label and caption on screen: top-level mobjects drawn in the labels pass (a
    plain Group of them counts as its parts)."""
    found = []
    for mob in scene.mobjects:
        if mob.z_index != LABELS:
            continue
        parts = mob.submobjects if type(mob) is Group else [mob]
        found += [p for p in parts if p.family_members_with_points()]
    return found


def marks_of(scene) -> list:
    """What a label must not cover: arrowheads, and the points the shot is about (the
    scene's dot, ball or balls)."""
    marks = [
        part[1]  # the tip
        for mob in scene.mobjects
        for part in mob.get_family()
        if isinstance(part, Arrow3D)
    ]
    for name in ("dot", "ball"):
        if getattr(scene, name, None) is not None:
            marks.append(getattr(scene, name))
    marks += list(getattr(scene, "balls", []))
    return [m for m in marks if m in scene.get_mobject_family_members()]


def layout_problems(scene) -> list[str]:
    frame, problems = scene.frame, []
    labels = [(label, screen_box(label, frame, SCREEN)) for label in labels_of(scene)]
    on_screen = [
        (label, box)
        for label, box in labels
        if box is not None and box[1][0] > 0 and box[0][0] < SCREEN[0] and box[1][1] > 0
        and box[0][1] < SCREEN[1]
    ]  # fmt: skip
    for label, box in on_screen:
        height = box[1][1] - box[0][1]
        if height < MIN_LABEL_PX:
            problems.append(f"{describe(label)} is {height:.0f} px high")
    for i, (a, box_a) in enumerate(on_screen):
        for b, box_b in on_screen[i + 1 :]:
            if overlap(box_a, box_b):
                problems.append(f"{describe(a)} overlaps {describe(b)}")
        for mark in marks_of(scene):
            mark_box = screen_box(mark, frame, SCREEN)
            clearance = CLEARANCE_PX if type(mark).__name__ == "Cone" else 0  # an arrowhead
            kept_off = box_a + [[-clearance], [clearance]]  # not even touching it
            if mark_box is not None and overlap(kept_off, mark_box):
                problems.append(f"{describe(a)} covers a {type(mark).__name__}")
    return problems


def describe(label) -> str:
    return f"label at {np.round(label.get_center(), 2).tolist()} ({type(label).__name__})"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_m3_labels_are_legible_and_apart_at_every_beat_end(lang):
    problems = at_beat_ends("M3", lang, layout_problems)
    assert {beat: p for beat, p in problems.items() if p} == {}


@pytest.fixture(scope="module")
def m3_frames():
    """Per frame of M3 (10 fps): beat, the step arrow's shaft as drawn (px at 1080p) once
    the step has grown to its length, and how square-on the camera sees the tangent plane."""
    _, (gx, gy) = g.tangent_plane((5, 12))
    normal = np.array([-gx, -gy, 1.0]) / np.linalg.norm([-gx, -gy, 1.0])
    rows = []

    def look(scene):
        arrow = getattr(scene, "step_arrow", None)
        shaft = None
        step = getattr(scene, "step", None)
        grown = step is not None and step.get_value() >= scene.h
        if grown and arrow in scene.get_mobject_family_members():
            end = scene.step_end()
            tip_at = arrow[1].get_points()
            drawn_end = tip_at[np.argmax(tip_at @ end)] if np.any(end) else None
            if drawn_end is not None and np.linalg.norm(drawn_end - end) < 1e-3:
                shaft_points = arrow[0].get_points()
                along = shaft_points @ (end / np.linalg.norm(end))
                start = shaft_points[np.argmin(along)]
                neck = shaft_points[np.argmax(along)]
                shaft = length_on_screen(scene.frame, start, neck)
        eye = scene.frame.get_implied_camera_location()
        facing = abs(normal @ (eye - scene.frame.get_center()) / np.linalg.norm(eye))
        rows.append((scene.current_beat, shaft, facing))

    every_frame("M3", "zh", 10, look)
    return rows


def test_m3_step_reads_as_an_arrow_in_every_frame(m3_frames):
    shafts = [(beat, s) for beat, s, _ in m3_frames if 4 <= beat <= 10 and s is not None]
    assert len(shafts) > 300  # the arrow is drawn as the step through beats 4 to 10
    short = [(beat, round(s)) for beat, s in shafts if s < MIN_SHAFT_PX]
    assert short == []


def test_m3_plane_is_never_seen_edge_on(m3_frames):
    facing = [(beat, f) for beat, _, f in m3_frames if 3 <= beat <= 10]
    assert min(f for _, f in facing) > 0.4


def test_m3_plane_is_whole_on_screen_where_it_is_introduced():
    def plane_box(scene):
        layers = [m for m in scene.mobjects if type(m).__name__ == "ParametricLayer"]
        return screen_box(layers[0], scene.frame, SCREEN) if layers else None

    boxes = at_beat_ends("M3", "zh", plane_box)
    # M3.2 shows the plane; M3.9 and M3.10 pull back to it (M3.3 comes in to the circle).
    for beat in (2, 9, 10):
        (x0, y0), (x1, y1) = boxes[beat]
        # Inside the frame, below the caption and above the subtitles' strip.
        assert 0 <= x0 and x1 <= SCREEN[0], beat
        assert 0.08 * SCREEN[1] <= y0 and y1 <= 0.88 * SCREEN[1], beat


@pytest.mark.parametrize("order", ["front layer first", "back layer first"])
def test_a_fading_layer_hides_nothing_behind_it_in_either_order(order):
    """A layer in front, faded almost away, over a yellow layer behind it: the yellow shows
    through whichever is drawn first (a layer writing depth would hide it, drawn first)."""
    from manimlib import BLUE, YELLOW, ThreeDScene

    from gdkit.mobjects import ParametricLayer

    def square(z, color, opacity):
        return (
            ParametricLayer(
                lambda u, v: (u, v, z), u_range=(-2, 2), v_range=(-2, 2), resolution=(2, 2)
            )
            .set_color(color)
            .set_opacity(opacity)
        )

    scene = ThreeDScene(camera_config=dict(resolution=(320, 180)))
    scene.frame.reorient(0, 0)  # looking straight down: the front layer covers the back one
    front, back = square(1, BLUE, 0.05), square(0, YELLOW, 0.6)
    scene.add(*((front, back) if order == "front layer first" else (back, front)))
    scene.update_frame(force_draw=True)
    red, green, blue = np.asarray(scene.camera.get_image())[90, 160, :3].astype(int)
    assert red > 90 and green > 90 and blue < 90  # yellow, not the dark background


def frames_of(video, times, size=(320, 180)) -> list[np.ndarray]:
    """Grey levels of the frames at `times` (seconds)."""
    return [decoded(video, "gray", at=t, size=size)[0].astype(int) for t in times]


def darker_than_both(start, middle, end, by: int = 24) -> float:
    """Share of pixels darker in the middle of a fade than at both of its ends."""
    return float((middle < np.minimum(start, end) - by).mean())


@pytest.mark.parametrize(
    "beat, fade",
    [(2, (0.0, 1.0, 2.0)), (11, (0.5, 2.0, 3.5))],
    ids=["M3.2 surface to plane", "M3.11 plane to surface"],
)
def test_m3_fades_blend_without_dark_occluders(tmp_path, beat, fade):
    result = subprocess.run(
        [MANIM, "S3.py", "M3", "--beat", f"{beat}..{beat}", "-r", "320x180", "--fps", "10",
         "-q", "--media", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    video = tmp_path / f"videos/zh/180p10/M3.beats-{beat}-{beat}.mp4"
    start, middle, end = frames_of(video, fade)
    assert darker_than_both(start, middle, end) < 0.002


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", DESCENTS)
def test_descent_labels_are_legible_and_apart_at_every_beat_end(name, lang):
    problems = at_beat_ends(name, lang, layout_problems)
    assert {beat: p for beat, p in problems.items() if p} == {}


def test_m10_labels_never_collide_while_the_balls_move():
    seen = []

    def look(scene):
        labels = [label for label in scene.labels if label in scene.get_mobject_family_members()]
        boxes = [screen_box(label, scene.frame, SCREEN) for label in labels]
        clashes = sum(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        seen.append((round(scene.time, 1), clashes))

    every_frame("M10", "zh", 10, look)
    assert len(seen) > 150
    assert [(t, n) for t, n in seen if n] == []


def test_m10_z_labels_sit_close_beside_their_balls():
    """A z label's nearest corner is within 30 px (1080p) of its ball's edge at every frame
    (5 fps) once the labels are in: as the camera comes in and the ball grows on screen the
    label keeps beside it (it sat ~50 px off at the end of M10.2)."""
    far = []

    def look(scene):
        on_screen = scene.get_mobject_family_members()
        for label, ball in zip(scene.labels, scene.balls, strict=True):
            if label not in on_screen or label[0].get_fill_opacity() < 0.5:
                continue
            (x0, y0), (x1, y1) = screen_box(label, scene.frame, SCREEN)
            ball_box = screen_box(ball, scene.frame, SCREEN)
            centre, radius = ball_box.mean(axis=0), np.ptp(ball_box, axis=0).max() / 2
            nearest = np.clip(centre, [x0, y0], [x1, y1])
            if np.linalg.norm(nearest - centre) - radius > 30:
                far.append(round(scene.time, 1))

    every_frame("M10", "zh", 5, look)
    assert far == []


def test_m10_ends_on_a_composed_frame_that_counts_the_kept_run():
    def last_frame(scene):
        surface = next(m for m in scene.mobjects if type(m).__name__ == "CheckerSurface")
        (x0, _), (x1, _) = screen_box(surface, scene.frame, SCREEN)
        best = scene.result.best_index
        ball = to_screen(scene.frame, scene.balls[best].get_center(), SCREEN)[0]
        label = screen_box(scene.labels[best], scene.frame, SCREEN)
        return ball, min(x1, SCREEN[0]) - max(x0, 0), label, scene.iteration.get_value()

    ball, surface_width, label, count = at_beat_ends("M10", "zh", last_frame)[2]
    # The kept run near the middle of the frame, on a surface that fills it, its label seen.
    assert 0.2 < ball[0] / SCREEN[0] < 0.8 and 0.2 < ball[1] / SCREEN[1] < 0.8
    assert surface_width > 0.5 * SCREEN[0]
    assert label[0][0] > 0 and label[1][0] < SCREEN[0] and label[1][1] < 0.88 * SCREEN[1]
    from gdkit.descent import multi_start
    from gdkit.objectives import h
    from tests.craft import shot_class

    m10 = shot_class("M10")
    runs = multi_start(h, [(s, lr) for s, lr, _ in m10.runs], tol=m10.tol, max_steps=m10.max_steps)
    assert count == runs.best.steps == 33


def test_m3_captions_say_what_each_beat_shows():
    keys = at_beat_ends("M3", "en", lambda scene: getattr(scene, "caption_key", None))
    assert keys == {
        1: None,
        2: "tangent_plane",
        3: "circle_h",
        4: "step_plus_x",
        5: "step_plus_y",
        6: "step_any",
        7: "angles",
        8: "step_any",  # the angles are hidden again: the caption no longer names them
        9: "step_gradient",
        10: "step_neg_gradient",
        11: "on_surface",
        12: "learning_rate_is",
        13: "learning_rate_is",
    }


def test_m8_ends_with_no_axis_across_the_ball():
    def clearance(scene):
        frame, ball = scene.frame, scene.ball
        centre = to_screen(frame, ball.get_center(), SCREEN)[0]
        radius = screen_box(ball, frame, SCREEN)[1][0] - centre[0]
        gaps = []
        axes = next(m for m in scene.mobjects if type(m).__name__ == "ThreeDAxes")
        for axis in (axes.x_axis, axes.y_axis, axes.z_axis):
            a, b = to_screen(frame, [axis.get_start(), axis.get_end()], SCREEN)
            t = np.clip((centre - a) @ (b - a) / ((b - a) @ (b - a)), 0, 1)
            gaps.append(np.linalg.norm(a + t * (b - a) - centre) - radius)
        return min(gaps)

    assert at_beat_ends("M8", "zh", clearance)[1] > 10  # px at 1080p


def test_m10_runs_have_colours_told_apart():
    from manimlib.utils.color import color_to_rgb

    from tests.craft import shot_class

    colours = [np.array(color_to_rgb(c)) * 255 for *_, c in shot_class("M10").runs]
    closest = min(np.linalg.norm(a - b) for i, a in enumerate(colours) for b in colours[i + 1 :])
    assert closest > 80  # red #FC6255 and the old maroon #C55F73 were 60 apart


def test_m10_holds_its_last_frame():
    views = []

    def look(scene):
        frame = scene.frame
        views.append((scene.time, tuple(np.round(frame.get_center(), 6)), frame.get_height()))

    every_frame("M10", "zh", 10, look)
    end = views[-1][0]
    moves = zip(views[:-1], views[1:], strict=True)
    last_move = max(before[0] for before, after in moves if before[1:] != after[1:])
    assert end - last_move >= 2.9


def test_layers_are_drawn_far_to_near():
    from gdkit.mobjects import ParametricLayer

    layer = ParametricLayer(lambda u, v: (u, v, u * v), u_range=(-2, 2), v_range=(-2, 2))
    eye = np.array([3.0, -4.0, 5.0])
    layer.sort_faces_from(eye)
    faces = layer.get_points()[layer.triangle_indices.reshape(-1, 3)].mean(axis=1)
    distance = np.linalg.norm(faces - eye, axis=1)
    assert np.all(np.diff(distance) <= 1e-9)  # each face no nearer than the next
    assert sorted(layer.triangle_indices.reshape(-1, 3).tolist()) == sorted(layer.faces.tolist())


def test_m10_z_labels_read_at_least_4_5_to_1_on_their_backing_and_are_20_px_high():
    """Each ball's "z = ..." read-out, the punchline's included: its glyphs against its
    backing where the backing lies over the brightest surface (WCAG 2's 4.5:1 for text),
    and its glyphs at least 20 px high at 1080p, at every beat end."""
    from manimlib import WHITE
    from manimlib.utils.color import rgb_to_hex

    from gdkit.mobjects import backed, contrast

    def fill(mob):  # as drawn (manimlib's get_fill_color names some greys "white")
        *rgb, opacity = mob.data["fill_rgba"][0]
        return rgb_to_hex(rgb), opacity

    def read_outs(scene):
        seen = []
        for label in scene.labels:
            if label not in scene.get_mobject_family_members():
                continue
            backing, text = label
            under = backed(WHITE, *fill(backing))
            glyphs = text.family_members_with_points()
            ratio = min(contrast(fill(glyph)[0], under) for glyph in glyphs)
            (_, y0), (_, y1) = screen_box(text, scene.frame, SCREEN)
            seen.append((round(ratio, 2), round(float(y1 - y0), 1)))
        return seen

    seen = at_beat_ends("M10", "zh", read_outs)
    assert [len(labels) for labels in seen.values()] == [4, 1]
    low = [
        (beat, ratio, high)
        for beat, labels in seen.items()
        for ratio, high in labels
        if ratio < 4.5 or high < 20
    ]
    assert low == [], seen


def m3_label_moves(lang: str, fps: int = 30) -> dict[str, list[tuple[float, float]]]:
    """Every frame of M3 at `fps`: for each label on screen, how far (px at 1080p) it moved
    between two frames beyond what it names, with the scene's time."""
    from manimlib import OUT, RIGHT, UP

    def named(scene) -> dict:
        a = np.radians(scene.angle.get_value())
        end = scene.step_end()
        arc = scene.arc_radius * np.array([np.cos(a / 2), np.sin(a / 2), 0.0])
        labels = {
            "x": (scene.axis_labels[0], scene.axis_end(RIGHT)),
            "y": (scene.axis_labels[1], scene.axis_end(UP)),
            "h": (getattr(scene, "h_label", None), scene.opposite_step()),
            "Δg": (getattr(scene, "change_label", None), end + 0.5 * scene.change() * OUT),
            "angle": (getattr(scene, "direction_label", None), arc),
        }
        for name, label in zip("αβ", getattr(scene, "angle_labels", ()), strict=False):
            labels[name] = (label, np.zeros(3))
        shown = scene.get_mobject_family_members()
        return {  # the centre of what the label draws, and of what it names
            name: np.array(
                [
                    screen_box(label, scene.frame, SCREEN).mean(axis=0),
                    *to_screen(scene.frame, [point], SCREEN),
                ]
            )
            for name, (label, point) in labels.items()
            if label is not None and label in shown
        }

    last, moves = {}, {}

    def look(scene):
        nonlocal last
        now = named(scene)
        for name, (label, point) in now.items():
            if name in last:
                before_label, before_point = last[name]
                moved = (label - before_label) - (point - before_point)
                moves.setdefault(name, []).append((scene.time, float(np.linalg.norm(moved))))
        last = now

    every_frame("M3", lang, fps, look)
    return moves


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_m3_labels_glide_and_never_jump_between_two_frames(lang):
    """A label keeps its side; when it must change it glides there: between two frames at
    30 fps none moves more than 40 px (at 1080p) beyond what it names moves."""
    moves = m3_label_moves(lang)
    assert set(moves) >= {"x", "y", "h", "Δg", "angle", "α", "β"}
    jumps = {
        name: [(round(t, 2), round(d)) for t, d in seen if d > 40] for name, seen in moves.items()
    }
    assert {name: j for name, j in jumps.items() if j} == {}


def test_m3_change_grows_with_its_arrow():
    """M3.4: the read-out Δg comes in at +0.000 and counts up as its arrow rises, rather than
    showing its full value before the arrow is there."""
    shown = []

    def look(scene):
        label = getattr(scene, "change_label", None)
        if scene.current_beat == 4 and label is not None and label in scene.mobjects:
            shown.append(scene.change())

    every_frame("M3", "en", 10, look)
    full = shown[-1]
    assert full > 0.3  # Δg = +0.391 in the storyboard
    assert abs(shown[0]) < 0.01 * full
    assert sum(0 < v < 0.9 * full for v in shown) >= 3  # seen on the way up
    assert all(b >= a - 1e-9 for a, b in zip(shown, shown[1:], strict=False))


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
def test_m3_axes_are_seen_whole_at_every_size(tmp_path, size):
    """The axes at the end of M3.3 (the view furthest out with the plane): along each, where
    it lies on screen, a line at least 1.5 px wide stands out from what is around it (a mesh
    thinner than a pixel aliased away to a stub or dashes at 480p)."""
    from manimlib import RIGHT, UP
    from PIL import Image

    ends = at_beat_ends("M3", "zh", lambda scene: [
        to_screen(scene.frame, [-3 * v, 3 * v], SCREEN) for v in (RIGHT, UP)
    ])[3]  # fmt: skip
    result = subprocess.run(
        [MANIM, "S3.py", "M3", "-s", "--beat", "3", "-r", "x".join(map(str, size)),
         "--media", str(tmp_path), "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (still,) = tmp_path.rglob("M3.beat-3.png")
    image = np.asarray(Image.open(still).convert("L"), float)
    scale = size[1] / SCREEN[1]
    for name, (a, b) in zip("xy", ends, strict=True):
        a, b = a * scale, b * scale
        across = np.array([-(b - a)[1], (b - a)[0]]) / np.linalg.norm(b - a)
        seen = []
        for t in np.linspace(0.05, 0.95, 60):
            x, y = a + t * (b - a)
            if not (8 <= x < size[0] - 8 and 8 <= y < size[1] - 8):
                continue  # off screen
            profile = [image[int(round(y + k * across[1])), int(round(x + k * across[0]))]
                       for k in range(-7, 8)]  # fmt: skip
            around = np.median(profile)
            seen.append(sum(max(0.0, p - around) for p in profile) / (200 - around))
        assert len(seen) > 20, (name, len(seen))
        thin = [round(w, 2) for w in seen if w < 1.5]
        assert len(thin) <= 0.15 * len(seen), (name, thin)  # the dot, a label, the circle


def test_m8_hud_backing_is_seen_whole_over_the_background():
    """M8's HUD: its backing is a shade lighter than the background, so that it reads as one
    panel over the dark sky as over the surface (a black backing showed only over the
    surface)."""
    import yaml
    from manimlib.utils.color import color_to_rgb, rgb_to_hex

    from gdkit.mobjects import backed, contrast

    config = yaml.safe_load((ROOT / "custom_config.yml").read_text())
    sky = config["camera"]["background_color"]
    rgba = at_beat_ends("M8", "zh", lambda scene: scene.hud[0].data["fill_rgba"][0].copy())[1]
    shown = backed(sky, rgb_to_hex(rgba[:3]), rgba[3])
    assert sum(color_to_rgb(shown)) > sum(color_to_rgb(sky))  # lighter, not darker
    assert contrast(shown, sky) >= 1.15


def test_m8_axes_come_back_once_the_camera_is_still():
    """At the end of M8 the camera swings to its last view and the axes come back: they grow
    back in once it has settled, not sweeping across the surface and the ball as it turns.
    They go and come by their width, never by their opacity: a see-through axis, drawn
    before the surface and writing depth, shows as a black pole through it and through the
    HUD's backing."""
    seen = []

    def look(scene):
        axes = next(m for m in scene.mobjects if type(m).__name__ == "ThreeDAxes")
        width = float(np.max(axes.z_axis.get_stroke_widths()))
        opacity = float(np.min(axes.z_axis.get_stroke_opacities()))
        seen.append((tuple(np.round(scene.frame.get_euler_angles(), 5)), width, opacity))

    every_frame("M8", "zh", 15, look)
    coming_back = [
        (view_a != view_b)
        for (view_a, a, _), (view_b, b, _) in zip(seen, seen[1:], strict=False)
        if b > a + 1e-6
    ]
    assert coming_back  # the axes do come back
    assert not any(coming_back)  # ... but never while the camera turns
    assert min(opacity for *_, opacity in seen) == 1


def test_m3_circle_is_seen_when_drawn():
    """M3.3 draws the circle of radius h: the camera comes in as it does, so that at the
    beat's end it spans at least a tenth of the screen's width, not a speck in the plane."""
    from manimlib import Circle

    def width(scene):
        circles = [m for m in scene.get_mobject_family_members() if isinstance(m, Circle)]
        if circles:
            (x0, _), (x1, _) = screen_box(circles[0], scene.frame, SCREEN)
            return (x1 - x0) / SCREEN[0]

    assert at_beat_ends("M3", "zh", width)[3] >= 0.1


@pytest.mark.parametrize("name", DESCENTS)
def test_a_hud_backing_keeps_round_its_text_as_the_count_grows(name):
    """A HUD's count gains digits (M10's steps: 0 to 38): in every frame (5 fps) its backing
    still holds the whole text (once, the "8" of 38 stuck out of a backing sized for "0")."""
    from manimlib import BackgroundRectangle

    out = []

    def look(scene):
        for m in scene.get_mobject_family_members():
            if isinstance(m, BackgroundRectangle) and m.get_fill_opacity() > 0.1:
                group = next(p for p in m.parents if m in p.submobjects)
                text = group.submobjects[1]
                left, right = text.get_left()[0], text.get_right()[0]
                if left < m.get_left()[0] or right > m.get_right()[0]:
                    out.append(round(scene.time, 1))

    every_frame(name, "zh", 5, look)
    assert out == []


def test_a_momentum_shot_is_a_three_line_subclass_of_m8():
    """M8 with the heavy ball's rule: its HUD says β under α, and the ball takes the heavy
    ball's path (another number of steps than the plain one's)."""
    from gdkit.descent import Momentum
    from gdkit.tools.contact_sheet import run_shot
    from tests.craft import shot_class

    m8 = shot_class("M8")

    class WithMomentum(m8):
        rule = Momentum(0.5)

        def hud_rows(self, run):
            return [Tex(rf"\beta = {self.rule.beta:g}", font_size=self.font_size * 1.15)]

    WithMomentum.__name__ = "M8"
    plain = run_shot("M8", "en", (256, 144))
    heavy = run_shot("M8", "en", (256, 144), scene_class=WithMomentum)

    def hud(scene) -> list[str]:
        return [m.get_string() for m in scene.hud.get_family() if hasattr(m, "get_string")]

    assert r"\beta = 0.5" in hud(heavy) and r"\beta = 0.5" not in hud(plain)
    assert heavy.run.steps != plain.run.steps
