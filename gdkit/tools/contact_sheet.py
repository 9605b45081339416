"""Stills of every beat's end state, and the storyboard contact sheet built from them.

`python -m gdkit.tools.contact_sheet --lang zh` (`make storyboard`) writes
media/storyboard.zh.png: the 38 beats as thumbnails, grouped by shot; and the storyboard page,
media/storyboard.zh.html (gdkit/tools/page.py). Scenes run fast-forwarded: no video frames,
one still per beat.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from gdkit import storyboard, text
from gdkit.engine import EngineError, prepare
from gdkit.files import Temporary, with_usual_mode
from gdkit.paths import MEDIA, ROOT
from gdkit.tools import page
from gdkit.tools.cli import (
    Parser,
    RenderError,
    UsageError,
    load_scene_file,
    scene_classes,
    writable_folder,
)

THUMB = (480, 270)
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def run_shot(name: str, lang: str, resolution=THUMB, hooks=(), scene_class=None):
    """Run shot `name` (or a variant `scene_class` of it) fast-forwarded: no frames are
    rendered but those the hooks ask for."""
    text.set_language(lang)
    prepare(resolution)
    if scene_class is None:
        scene_class = scene_classes(load_scene_file(ROOT / storyboard.shot(name).file))[name]
    scene = scene_class(
        camera_config=dict(resolution=resolution, fps=30),
        file_writer_config=dict(write_to_movie=False, save_last_frame=False, quiet=True),
        skip_animations=True,
    )
    scene.beat_hooks = list(hooks)
    scene.run()
    return scene


def beat_stills(name: str, lang: str, resolution=THUMB, scene_class=None):
    """The scene, and a picture (PIL) of the end of each of its beats."""
    stills = []

    def capture(scene, n):
        if n == 1:
            return
        scene.update_frame(force_draw=True)
        stills.append(scene.camera.get_image().convert("RGB"))

    scene = run_shot(name, lang, resolution, hooks=[capture], scene_class=scene_class)
    return scene, stills


def font(size: int):
    try:
        return ImageFont.truetype(CJK_FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def all_stills(lang: str, thumb=THUMB) -> list:
    """(shot, the picture at the end of each of its beats) for every storyboard shot."""
    return [(shot, beat_stills(shot.name, lang, thumb)[1]) for shot in storyboard.shots().values()]


def contact_sheet(lang: str, columns: int = 4, thumb=THUMB, rows=None) -> Image.Image:
    pad, caption_h, header_h = 16, 34, 52
    rows = rows or all_stills(lang, thumb)
    height = pad
    for _, stills in rows:
        height += header_h + -(-len(stills) // columns) * (thumb[1] + caption_h + pad)
    width = pad + columns * (thumb[0] + pad)
    sheet = Image.new("RGB", (width, height), "#05070A")
    draw = ImageDraw.Draw(sheet)
    y = pad
    for shot, stills in rows:
        start = shot.start_seconds()
        title = f"{shot.name} · {shot.title(lang)} · {int(start // 60)}:{start % 60:05.2f}"
        draw.text((pad, y + 10), title, fill="#FFFFFF", font=font(28))
        y += header_h
        for i, (beat, still) in enumerate(zip(shot.beats, stills, strict=True)):
            col, row = i % columns, i // columns
            x0 = pad + col * (thumb[0] + pad)
            y0 = y + row * (thumb[1] + caption_h + pad)
            sheet.paste(still.resize(thumb), (x0, y0))
            label = f"{beat.label} · {beat.caption(lang)}"
            draw.text((x0, y0 + thumb[1] + 6), label, fill="#C8CDD4", font=font(18))
        y += -(-len(stills) // columns) * (thumb[1] + caption_h + pad)
    return sheet


def main(argv=None) -> int:
    parser = Parser(prog="python -m gdkit.tools.contact_sheet")
    parser.add_argument("--lang", choices=text.LANGUAGES, default="zh")
    parser.add_argument("--out", type=Path, help="the PNG (default: MEDIA/storyboard.LANG.png)")
    parser.add_argument("--media", type=Path, default=MEDIA, metavar="DIR", help="beside the films")
    try:
        args = parser.parse_args(argv)
        media = args.media.resolve()
        out = (args.out or media / f"storyboard.{args.lang}.png").resolve()
        writable_folder(out.parent)
        writable_folder(media)
        rows = all_stills(args.lang)
        sheet = contact_sheet(args.lang, rows=rows)
        with Temporary(out) as temporary:
            sheet.save(temporary.path, format="PNG")
            with_usual_mode(temporary.path)
            temporary.path.replace(out)
        stills = {
            b.label: still for shot, s in rows for b, still in zip(shot.beats, s, strict=True)
        }
        html = page.write(media, args.lang, stills)
    except UsageError as error:
        print(f"contact_sheet: error: {error}", file=sys.stderr)
        return 2
    except (RenderError, storyboard.DataError, EngineError) as error:
        print(f"contact_sheet: error: {error}", file=sys.stderr)
        return 1
    print(out)
    print(html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
