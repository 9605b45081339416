"""Every on-screen string of the video, in Chinese and English, keyed by meaning."""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    # M1
    "current_point": {"zh": "当前坐标 {coords}", "en": "Current point {coords}"},
    # M2
    "ground_slope": {"zh": "地面斜率 {formula}", "en": "Ground slope {formula}"},
    "cane_where": {
        "zh": "式中 {l} 为盲杖长度，{h} 为手离地高度，",
        "en": "where {l} is the cane length, {h} the hand height,",
    },
    "cane_angle": {
        "zh": "{alpha} 为盲杖与身体的夹角",
        "en": "and {alpha} the angle between cane and body",
    },
    # M3
    "step_plus_x": {"zh": "沿 x 正方向前进", "en": "Step along +x"},
    "step_plus_y": {"zh": "沿 y 正方向前进", "en": "Step along +y"},
    "step_any": {"zh": "沿任意方向前进（{angle}）", "en": "Step at {angle}"},
    "angles": {"zh": "方向角 α 与 β", "en": "Direction angles α and β"},
    "step_gradient": {"zh": "沿梯度方向前进：Δg 最大", "en": "Along the gradient: Δg is largest"},
    "step_neg_gradient": {
        "zh": "沿负梯度方向前进：Δg 最小",
        "en": "Against the gradient: Δg is most negative",
    },
    "on_surface": {"zh": "回到曲面：学习率 {lr}", "en": "Back on the surface: learning rate {lr}"},
    "learning_rate_is": {"zh": "学习率 {lr}", "en": "Learning rate {lr}"},
    "tangent_plane": {"zh": "切平面", "en": "Tangent plane"},
    "circle_h": {"zh": "半径为 h 的圆", "en": "Circle of radius h"},
    # M4
    "plane_tangent": {"zh": "（切平面与曲面 f 相切）", "en": "(the plane is tangent to f)"},
    "surface_and_plane": {
        "zh": "{f} 为曲面，{g} 为它在该点的切平面",
        "en": "{f} is the surface, {g} its tangent plane at the point",
    },
    "direction_angles": {
        "zh": "{a} 与 {b} 为前进方向的方向角",
        "en": "{a} and {b} are the step's direction angles",
    },
    "max_when_aligned": {
        "zh": "当 {grad} 与 {e} 同向时，{ratio} 取最大值",
        "en": "{ratio} is largest when {grad} and {e} point the same way",
    },
    # M6
    "learning_rate": {"zh": "学习率", "en": "learning rate"},
    # M7, M8, M10
    "hud_learning_rate": {"zh": "学习率 {alpha}", "en": "Learning rate {alpha}"},
    "hud_iteration": {"zh": "当前迭代次数 {n}", "en": "Iteration {n}"},
    "hud_point": {"zh": "当前坐标 {xyz}", "en": "Point {xyz}"},
    "hud_iterations": {"zh": "迭代次数 {n}", "en": "Iterations {n}"},
    "lowest_run": {"zh": "最低的一条：{n} 步", "en": "The lowest run: {n} steps"},
    "converged_in": {"zh": "收敛：共 {n} 步", "en": "Converged in {n} steps"},
    # The coda
    "gradient_descent": {"zh": "梯度下降", "en": "Gradient descent"},
    "repeat_until": {
        "zh": "重复这一步，直到梯度足够小",
        "en": "repeat until the gradient is small",
    },
    # The film's tags (not on screen)
    "film_title": {"zh": "梯度下降", "en": "Gradient descent"},
    "track_narration": {"zh": "旁白", "en": "Narration"},
    "track_notes": {"zh": "分镜说明", "en": "Shot notes"},
    "track_voice": {"zh": "旁白配音", "en": "Voice"},
    "track_scratch_voice": {"zh": "临时配音（espeak-ng 合成）", "en": "Scratch voice (espeak-ng)"},
    "diverged": {"zh": "{x} 离开绘图区间：发散", "en": "{x} left the plot: diverged"},
    "shown_magnified": {"zh": "箭头放大 {k}", "en": "arrow {k}"},
    # The storyboard page (make storyboard): its headings and messages
    "page_heading": {"zh": "梯度下降 · 分镜表", "en": "Gradient descent · the storyboard"},
    "page_shot": {"zh": "镜号", "en": "Shot"},
    "page_timecode": {"zh": "时间码", "en": "Time code"},
    "page_picture": {"zh": "画面", "en": "Picture"},
    "page_beat": {"zh": "节拍", "en": "Beat"},
    "page_narration": {"zh": "旁白", "en": "Narration"},
    "page_in_film": {"zh": "片中位置", "en": "In the film"},
    "page_file": {"zh": "文件与类", "en": "File and class"},
    "page_render": {"zh": "只渲染这一拍", "en": "Render this beat"},
    "page_voice_recorded": {"zh": "配音：已录制", "en": "voice: recorded"},
    "page_voice_scratch": {"zh": "配音：临时（合成）", "en": "voice: scratch (espeak-ng)"},
    "page_voice_missing": {"zh": "配音：无", "en": "voice: none"},
    "page_language": {"zh": "English", "en": "中文"},
    "page_no_film": {
        "zh": "这一语言的影片尚未生成：运行 {command}",
        "en": "This language's film is not built yet: run {command}",
    },
    "page_no_picture": {"zh": "缩略图缺失：运行 {command}", "en": "Picture missing: run {command}"},
    "page_film_broken": {
        "zh": "影片无法播放：运行 {command} 重新生成",
        "en": "The film cannot be played: run {command} to build it again",
    },
}


def default_language() -> str:
    """The language named by `GD_LANG` (zh when unset)."""
    lang = os.environ.get("GD_LANG") or "zh"
    if lang not in LANGUAGES:
        raise ValueError(
            f"GD_LANG={lang!r} is not a language of the video: use one of " + ", ".join(LANGUAGES)
        )
    return lang


_language: str | None = None  # set by the `manim` command; else GD_LANG, read when first needed


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    _language = lang


def language() -> str:
    return _language or default_language()


def text(key: str, lang: str | None = None) -> str:
    """The on-screen string for `key` in the current (or given) language."""
    try:
        entry = TEXT[key]
    except KeyError:
        raise KeyError(f"no on-screen text named {key!r}") from None
    return entry[lang or language()]
