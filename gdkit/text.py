"""Every on-screen string of the video, in Chinese and English, keyed by meaning."""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    # M1
    "current_point": {"zh": "当前坐标", "en": "Current point"},
    # M2
    "ground_slope": {"zh": "地面斜率", "en": "Ground slope"},
    "cane_where": {
        "zh": "式中 l 为盲杖长度，h 为手离地高度",
        "en": "where l is the cane length and h the hand height",
    },
    # M3
    "step_plus_x": {"zh": "沿 x 正方向前进", "en": "Step along +x"},
    "step_plus_y": {"zh": "沿 y 正方向前进", "en": "Step along +y"},
    "step_any": {"zh": "沿任意方向前进（30°）", "en": "Step at 30°"},
    "angles": {"zh": "方向角 α 与 β", "en": "Direction angles α and β"},
    "step_gradient": {"zh": "沿梯度方向前进：Δg 最大", "en": "Along the gradient: Δg is largest"},
    "step_neg_gradient": {
        "zh": "沿负梯度方向前进：Δg 最小",
        "en": "Against the gradient: Δg is most negative",
    },
    "on_surface": {"zh": "回到曲面：学习率 1", "en": "Back on the surface: learning rate 1"},
    "lr_1_5": {"zh": "学习率 1.5", "en": "Learning rate 1.5"},
    "lr_0_5": {"zh": "学习率 0.5", "en": "Learning rate 0.5"},
    "tangent_plane": {"zh": "切平面", "en": "Tangent plane"},
    "circle_h": {"zh": "半径为 h 的圆", "en": "Circle of radius h"},
    # M4
    "plane_tangent": {"zh": "切平面与曲面相切", "en": "the plane is tangent to f"},
    "max_when_aligned": {
        "zh": "当 ∇f 与 ê_h 同向时，Δg/h 取最大值",
        "en": "Δg/h is largest when ∇f and ê_h point the same way",
    },
    # M6
    "learning_rate": {"zh": "学习率", "en": "learning rate"},
    # M7, M8, M10
    "iteration": {"zh": "当前迭代次数", "en": "iteration"},
    "iterations": {"zh": "迭代次数", "en": "iterations"},
    "diverged": {"zh": "发散", "en": "diverged"},
    "converged": {"zh": "收敛", "en": "converged"},
    "current_coords": {"zh": "当前坐标", "en": "point"},
}


def default_language() -> str:
    lang = os.environ.get("GD_LANG", "zh")
    return lang if lang in LANGUAGES else "zh"


_language = default_language()


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    _language = lang


def language() -> str:
    return _language


def text(key: str, lang: str | None = None) -> str:
    """The on-screen string for `key` in the current (or given) language."""
    try:
        entry = TEXT[key]
    except KeyError:
        raise KeyError(f"no on-screen text named {key!r}") from None
    return entry[lang or _language]
