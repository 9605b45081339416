"""Golden thumbnails of every beat's end state, and the comparison that checks them.

`make golden` (python -m tests.golden --refresh) renders them anew on purpose; the test suite
compares against the committed ones.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
OUTPUT_DIR = Path(__file__).resolve().parent / "output"
RENDER = (384, 216)  # scenes render at this size,
COMPARE = (128, 72)  # and are compared at this one: anti-aliasing averages out
PIXEL_TOLERANCE = 40  # a pixel differs when a channel moves more than this (of 255)
AREA_TOLERANCE = 0.002  # a still differs when more than this share of its pixels differ


def golden_path(lang: str, label: str) -> Path:
    return GOLDEN_DIR / lang / f"{label}.png"


def thumbnail(image: Image.Image) -> Image.Image:
    return image.convert("RGB").resize(COMPARE, Image.Resampling.BOX)


def difference(actual: Image.Image, expected: Image.Image) -> tuple[float, np.ndarray]:
    """Share of pixels that differ, and the per-pixel difference (0..255)."""
    a = np.asarray(thumbnail(actual), dtype=int)
    b = np.asarray(thumbnail(expected), dtype=int)
    diff = np.abs(a - b).max(axis=2)
    return float((diff > PIXEL_TOLERANCE).mean()), diff


def check(actual: Image.Image, lang: str, label: str) -> str | None:
    """None when `actual` matches the golden still; otherwise what differs, with the actual
    and diff images written under tests/output/."""
    expected_path = golden_path(lang, label)
    if not expected_path.exists():
        return f"{lang} {label}: no golden image (run `make golden`)"
    share, diff = difference(actual, Image.open(expected_path))
    if share <= AREA_TOLERANCE:
        return None
    out = OUTPUT_DIR / lang
    out.mkdir(parents=True, exist_ok=True)
    thumbnail(actual).save(out / f"{label}.actual.png")
    Image.fromarray(np.clip(diff * 3, 0, 255).astype(np.uint8)).save(out / f"{label}.diff.png")
    return f"{lang} {label}: {share:.1%} of pixels differ; see {out / label}.diff.png"


def fresh_stills(name: str, lang: str, **attributes) -> list[Image.Image]:
    """The beat stills of one shot (with class attributes changed, if given), rendered in a
    process of their own: several scenes in one process share OpenGL state in manimgl, which
    can change a pixel here and there."""
    settings = [f"{k}={v!r}" for k, v in attributes.items()]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "tests.golden", "--stills", name, lang, tmp, *settings],
            cwd=GOLDEN_DIR.parent.parent,
            check=True,
            capture_output=True,
        )
        return [Image.open(p).copy() for p in sorted(Path(tmp).glob("*.png"))]


def write_stills(name: str, lang: str, out: Path, settings=()) -> None:
    from ast import literal_eval

    from gdkit import storyboard
    from gdkit.engine import prepare
    from gdkit.paths import ROOT
    from gdkit.tools.cli import load_scene_file, scene_classes
    from gdkit.tools.contact_sheet import beat_stills

    prepare((640, 360))
    shot = scene_classes(load_scene_file(ROOT / storyboard.shot(name).file))[name]
    attributes = {k: literal_eval(v) for k, v in (s.split("=", 1) for s in settings)}
    variant = type(name, (shot,), {**attributes, "__module__": shot.__module__})
    _, stills = beat_stills(name, lang, RENDER, scene_class=variant)
    for n, still in enumerate(stills, start=1):
        thumbnail(still).save(out / f"{n:02}.png")


def refresh(shots=(), langs=("zh", "en")) -> None:
    from gdkit import storyboard

    for lang in langs:
        (GOLDEN_DIR / lang).mkdir(parents=True, exist_ok=True)
        for name in shots or storyboard.shots():
            stills = fresh_stills(name, lang)
            for beat, still in zip(storyboard.shot(name).beats, stills, strict=True):
                still.save(golden_path(lang, beat.label), optimize=True)
                print(golden_path(lang, beat.label))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden")
    parser.add_argument(
        "--refresh",
        nargs="*",
        metavar="SHOT",
        help="render the golden images anew (of these shots only, if given)",
    )
    parser.add_argument(
        "--stills",
        nargs="+",
        metavar="SHOT LANG DIR [ATTR=VALUE]",
        help="write one shot's beat stills (as compared) into DIR",
    )
    args = parser.parse_args(argv)
    from gdkit import storyboard

    unknown = [name for name in args.refresh or () if name not in storyboard.shots()]
    if unknown:
        shots = ", ".join(storyboard.shots())
        print(f"golden: no shot {unknown[0]!r}; the shots: {shots}", file=sys.stderr)
        return 2
    if args.stills:
        name, lang, out, *settings = args.stills
        write_stills(name, lang, Path(out), settings)
    if args.refresh is not None:
        refresh(args.refresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
