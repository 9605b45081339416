"""What a scene file imports: `from gdkit.manim_imports import *`.

manimlib (set up headless by the engine, unless manimgl's own window command is running),
the project's beat scenes, objectives, descent runs, geometry and on-screen text.
"""

from gdkit import engine

engine.prepare()

from manimlib import *  # noqa: E402

from gdkit.descent import Momentum, Plain, gradient_descent, multi_start  # noqa: E402
from gdkit.geometry import (  # noqa: E402
    cane_pose,
    gradient_angle,
    plane_change,
    surface_change,
    unit,
)
from gdkit.objectives import f, g, h  # noqa: E402
from gdkit.scenes import BeatScene, BeatScene3D, step_durations  # noqa: E402
from gdkit.text import language, text  # noqa: E402
