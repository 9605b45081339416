"""The speed-ups in gdkit.engine.speedups must draw exactly what manimgl draws without them."""

import numpy as np
import pytest
from manimlib import (
    BLUE,
    DOWN,
    FRAME_X_RADIUS,
    FRAME_Y_RADIUS,
    LEFT,
    OUT,
    RED,
    RIGHT,
    UP,
    YELLOW,
    Camera,
    Circle,
    Dot,
    Line3D,
    Scene,
    Square,
    Tex,
    ThreeDScene,
    VGroup,
    VMobject,
)
from manimlib.shader_wrapper import VShaderWrapper

from gdkit.engine import speedups
from gdkit.mobjects import Arrow3D, face_camera, live_row


def pixels(scene) -> np.ndarray:
    scene.update_frame(force_draw=True)
    return np.asarray(scene.camera.get_image()).astype(int)


def manimgl_pixels(scene, monkeypatch) -> np.ndarray:
    """The same frame through manimgl's own fill pass and frame capture."""
    with monkeypatch.context() as m:
        m.setattr(VShaderWrapper, "render_fill", VShaderWrapper.render_fill.__wrapped__)
        m.setattr(Camera, "capture", Camera.capture.__wrapped__)
        return pixels(scene)


def flat_scene() -> Scene:
    scene = Scene(camera_config=dict(resolution=(640, 360)))
    formula = Tex(r"\nabla g = (0.782, 1.073)").to_edge(UP)
    disk = Circle(radius=1.5).set_fill(BLUE, 0.6).shift(LEFT)
    square = Square(2).set_fill(RED, 0.5).shift(RIGHT)  # overlaps the disk
    scene.add(formula, disk, square, Dot().to_edge(DOWN))
    return scene


def test_scissored_fill_matches_the_full_frame_pass(monkeypatch):
    scene = flat_scene()
    assert np.array_equal(pixels(scene), manimgl_pixels(scene, monkeypatch))


@pytest.mark.parametrize("samples", [0, 4])
def test_scissored_fill_matches_in_3d(monkeypatch, samples):
    # Multisampled frames let the scissor through one pixel further: the canvas guard covers it.
    scene = type("Shot", (ThreeDScene,), {"samples": samples})(
        camera_config=dict(resolution=(640, 360))
    )
    # A wide fill first leaves its colour on the shared canvas, around the labels drawn next.
    disk = Circle(radius=3).set_fill(YELLOW, 0.4).deactivate_depth_test()
    labels = [Tex(name).move_to(v) for name, v in (("x", RIGHT), ("y", UP), ("h", DOWN))]
    scene.add(Line3D(-3 * RIGHT, 3 * RIGHT), disk, *labels)
    for label in labels:
        label.deactivate_depth_test()
    for theta in (-30, 10, 50):
        scene.frame.reorient(theta, 65)
        assert np.array_equal(pixels(scene), manimgl_pixels(scene, monkeypatch))


def test_screen_box_holds_every_filled_point():
    scene = flat_scene()
    scene.update_frame(force_draw=True)
    size = scene.camera.fbo.size
    for group in scene.render_groups:
        for wrapper in group.shader_wrappers:
            if not isinstance(wrapper, VShaderWrapper):
                continue
            box = speedups.screen_box(wrapper, size)
            filled = wrapper.vert_data["fill_rgba"][:, 3] > 0
            if not filled.any():
                continue
            x, y, w, h = box
            half = [FRAME_X_RADIUS, FRAME_Y_RADIUS]
            xy = (wrapper.vert_data["point"][filled, :2] / half + 1) / 2 * size
            assert (xy[:, 0] >= x).all() and (xy[:, 0] <= x + w).all()
            assert (xy[:, 1] >= y).all() and (xy[:, 1] <= y + h).all()
            assert w * h < size[0] * size[1] / 2  # and is not the whole frame


def test_a_reused_frame_prefix_draws_what_a_full_redraw_draws(monkeypatch):
    scene = flat_scene()
    moving = Dot(radius=0.3).set_color(YELLOW)
    scene.add(moving)
    pixels(scene)  # the first frame makes the render groups' shader wrappers
    for step in range(4):  # the formula, disk and square stay; the dot moves
        moving.move_to(0.4 * step * RIGHT)
        reused = pixels(scene)
        assert scene.camera.kept_count >= 3  # the formula, the disk and the square
        assert np.array_equal(reused, manimgl_pixels(scene, monkeypatch))


def test_a_changed_prefix_is_drawn_again():
    scene = flat_scene()
    first = pixels(scene)
    pixels(scene)  # the same frame: kept
    scene.mobjects[1].set_fill(YELLOW, 1)  # the disk, behind the square
    changed = pixels(scene)
    assert not np.array_equal(first, changed)


def test_arrow_put_matches_a_new_arrow():
    arrow = Arrow3D(0 * OUT, OUT, RED)
    start, end = np.array([1.0, 2.0, 0.5]), np.array([-1.0, 0.5, 2.0])
    arrow.put(start, end)
    again = Arrow3D(start, end, RED)
    for a, b in zip(arrow, again, strict=True):
        assert np.allclose(a.get_points(), b.get_points())
    shaft, tip = arrow
    assert np.isclose(np.linalg.norm(tip.get_points() - end, axis=1).min(), 0, atol=1e-6)
    direction = (end - start) / np.linalg.norm(end - start)
    along = (shaft.get_points() - start) @ direction
    assert along.min() == pytest.approx(0, abs=1e-6)
    assert along.max() == pytest.approx(np.linalg.norm(end - start) - arrow.tip_length, abs=1e-6)


def test_a_kept_camera_view_follows_every_move_of_the_frame():
    """kept_camera_views: the rotation and view matrix it keeps are manimgl's, worked out
    afresh, after each kind of move."""
    from manimlib.camera.camera_frame import CameraFrame

    frame = ThreeDScene(camera_config=dict(resolution=(64, 36))).frame
    moves = [
        lambda: None,
        lambda: frame.reorient(40, 60),
        lambda: frame.shift(RIGHT + OUT),
        lambda: frame.scale(2),
        lambda: frame.increment_theta(0.3),
    ]
    for move in moves:
        move()
        kept = frame.get_view_matrix().copy(), frame.get_orientation().as_matrix()
        frame._data_has_changed = True  # manimgl's own code works them out anew
        fresh = CameraFrame.get_view_matrix.__wrapped__(frame)
        assert np.array_equal(kept[0], fresh)
        assert np.array_equal(kept[1], CameraFrame.get_orientation.__wrapped__(frame).as_matrix())


def test_a_camera_facing_label_follows_changes_and_skips_still_frames():
    scene = ThreeDScene(camera_config=dict(resolution=(640, 360)))
    template = Tex("x").center()
    where = [np.array([1.0, 0.0, 0.0])]
    label = face_camera(template, scene.frame, lambda: where[0])
    assert np.allclose(label.get_center(), where[0])
    label.apply_depth_test()  # as a 3D scene does to what it adds
    label.update()
    assert not label.depth_test  # the label stays on top
    label._data_has_changed = False
    label.update()
    assert not label._data_has_changed  # nothing moved: nothing redone
    where[0] = np.array([0.0, 2.0, 1.0])
    label.update()
    assert np.allclose(label.get_center(), where[0])
    scene.frame.reorient(40, 60)
    label.update()
    assert np.allclose(label.get_center(), where[0])
    # Flat and facing the camera: every point lies in the plane of the screen through its centre.
    facing = scene.frame.get_orientation().as_matrix()[:, 2]
    assert np.allclose((label.get_all_points() - where[0]) @ facing, 0, atol=1e-3)


def test_a_live_row_respaces_only_when_a_part_changes():
    number = Tex("1")
    row = live_row(Tex("k ="), number)
    gap = number.get_left()[0] - row[0].get_right()[0]
    number.become(Tex("12345"))
    row.update()
    assert number.get_left()[0] - row[0].get_right()[0] == pytest.approx(gap)
    before = row.get_all_points().copy()
    row.update()
    assert np.array_equal(before, row.get_all_points())


def test_groups_with_updaters_are_batched_apart():
    scene = flat_scene()
    still = VGroup(Square(), Circle())
    moving = Circle().add_updater(lambda m: None)
    scene.add(still, moving, Square())
    groups = [set(map(id, g.submobjects)) for g in scene.render_groups]
    assert {id(moving)} in groups


@pytest.mark.parametrize("long_lines", [False, True])
def test_corners_added_at_once_are_the_points_added_one_by_one(long_lines):
    add_at_once = VMobject.add_points_as_corners
    rng = np.random.default_rng(3)
    for points in (rng.normal(size=(40, 3)) * 3, [np.array([-1 / 3, 0.1, 0.0])], np.zeros((0, 3))):
        curves = []
        for add in (add_at_once.__wrapped__, add_at_once):
            curve = VMobject(long_lines=long_lines)
            curve.start_new_path(np.array([0.1, 0.7, 0.0]))
            curves.append(add(curve, points))
        assert np.array_equal(curves[0].data, curves[1].data)


@pytest.mark.parametrize("away", [RIGHT * 20, UP * 12, (RIGHT + UP) * 20, LEFT * 20 + DOWN * 12])
def test_a_fill_wholly_off_screen_is_skipped(monkeypatch, away):
    """A filled shape past the frame's right or top edge had a box of negative size, which
    OpenGL refuses (GL_INVALID_VALUE, raised at manimgl's next call): M7's beat 3 on its own."""
    scene = flat_scene()
    scene.add(Square(1).set_fill(RED, 0.8).shift(away))
    assert np.array_equal(pixels(scene), manimgl_pixels(scene, monkeypatch))
    for group in scene.render_groups:
        for wrapper in group.shader_wrappers:
            if isinstance(wrapper, VShaderWrapper) and wrapper.vert_data is not None:
                box = speedups.screen_box(wrapper, scene.camera.fbo.size)
                if box is not None:
                    for each in (box, speedups.widened(box, 2, scene.camera.fbo.size)):
                        assert min(each) >= 0, each
