"""Mobjects that several shots share, by kind: words and numbers (`words`), the 1D plot
(`plots`), drawing order and translucent surfaces (`layers`), formulas that change glyph by
glyph (`morphs`), and arrows and labels in 3D (`space`). Import them from here."""

from gdkit import engine

engine.prepare()  # manimlib, headless, with the engine (nothing where it is already loaded)

from gdkit.mobjects.layers import (  # noqa: E402
    LABELS,
    LAYERS,
    OVER,
    RGBA,
    THROUGH,
    CheckerSurface,
    ParametricLayer,
    TranslucentLayer,
)
from gdkit.mobjects.morphs import (  # noqa: E402
    ROOM,
    Glide,
    Morph,
    Unwrite,
    between,
    outline,
    same_glyph,
    shape_key,
)
from gdkit.mobjects.plots import FunctionPlot  # noqa: E402
from gdkit.mobjects.space import (  # noqa: E402
    Arrow3D,
    beside,
    clear_spot,
    face_camera,
    facing_label,
    placed_label,
    screen_right,
    screen_up,
)
from gdkit.mobjects.words import (  # noqa: E402
    FONT_SIZE,
    NUMBER_FONT,
    Coordinates,
    Number,
    backed,
    baseline,
    caption,
    contrast,
    fit_width,
    legible,
    live_row,
    panel,
)

__all__ = [
    "FONT_SIZE", "LABELS", "LAYERS", "NUMBER_FONT", "OVER", "RGBA", "ROOM", "THROUGH",
    "Arrow3D", "CheckerSurface", "Coordinates", "FunctionPlot", "Glide", "Morph", "Number",
    "ParametricLayer", "TranslucentLayer", "Unwrite", "backed", "baseline", "beside",
    "between", "caption", "clear_spot", "contrast", "face_camera", "facing_label", "fit_width",
    "legible", "placed_label",
    "live_row", "outline", "panel", "same_glyph", "screen_right", "screen_up", "shape_key",
]  # fmt: skip
