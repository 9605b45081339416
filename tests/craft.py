"""Checks of what a viewer sees, from scene state: every frame of a shot run without drawing,
and where things land on a 1920x1080 screen."""

from __future__ import annotations

import numpy as np

from gdkit import storyboard
from gdkit.paths import ROOT
from gdkit.screen import to_screen
from gdkit.tools.cli import load_scene_file, scene_classes
from gdkit.tools.contact_sheet import run_shot

SCREEN = (1920, 1080)


def scene_file(name: str):
    """The module of S-file `name` (as the `manim` command loads it)."""
    return load_scene_file(ROOT / name)


def shot_class(name: str):
    return scene_classes(scene_file(storyboard.shot(name).file))[name]


def shots_where(test) -> list[str]:
    """The film's shots (the coda too) whose scene class passes `test`, in order."""
    return [shot.name for shot in storyboard.film() if test(shot_class(shot.name))]


def every_frame(name: str, lang: str, fps: int, look) -> None:
    """Run shot `name` frame by frame at `fps`, without drawing; `look(scene)` after each
    frame's updates."""

    class Watched(shot_class(name)):
        def update_frame(self, dt=0, force_draw=False):
            self.increment_time(dt)
            self.update_mobjects(dt)
            if not self.skip_animations:
                look(self)

        def emit_frame(self):
            pass

    Watched.__name__ = name
    scene = Watched(
        camera_config=dict(resolution=(256, 144), fps=fps),
        file_writer_config=dict(write_to_movie=False, save_last_frame=False, quiet=True),
        skip_animations=False,
    )
    from gdkit import text

    text.set_language(lang)
    scene.run()


def at_beat_ends(name: str, lang: str, look) -> dict:
    """{beat: look(scene)} at the end of each beat, fast-forwarded."""
    seen = {}

    def hook(scene, n):
        if n != 1:
            scene.update_mobjects(0)
            seen[(n or scene.current_beat + 1) - 1] = look(scene)

    run_shot(name, lang, (256, 144), hooks=[hook])
    return seen


def length_on_screen(frame, start, end) -> float:
    a, b = to_screen(frame, [start, end], SCREEN)
    return float(np.linalg.norm(b - a))
