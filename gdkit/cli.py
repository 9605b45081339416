"""`manim FILE.py [SCENE ...]`: render scenes to video files, headless, with beats.

Runs the same way from the shell and from each S-file's `__main__` hook (`python S1.py`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from gdkit.text import LANGUAGES, default_language

RESOLUTIONS = {"l": (854, 480), "m": (1280, 720), "hd": (1920, 1080), "uhd": (3840, 2160)}
# ManimCE's quality flags, for hands used to them.
CE_QUALITY = {"-ql": "-l", "-qm": "-m", "-qh": "--hd", "-qk": "--uhd"}
FONT = "Noto Sans CJK SC"


class UsageError(Exception):
    """Bad input: reported as one line, exit code 2."""


class RenderError(Exception):
    """The render itself failed: reported as one line, exit code 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="manim",
        description="Render scenes of an S-file to video, headless (no window, no GPU needed).",
    )
    p.add_argument("file", help="scene file, e.g. S3.py")
    p.add_argument("scenes", nargs="*", metavar="SCENE", help="scene classes (default: all)")
    q = p.add_mutually_exclusive_group()
    q.add_argument(
        "-l",
        "--low_quality",
        dest="quality",
        action="store_const",
        const="l",
        help="854x480 (also -ql)",
    )
    q.add_argument(
        "-m",
        "--medium_quality",
        dest="quality",
        action="store_const",
        const="m",
        help="1280x720 (also -qm)",
    )
    q.add_argument(
        "--hd",
        dest="quality",
        action="store_const",
        const="hd",
        help="1920x1080, the default (also -qh)",
    )
    q.add_argument(
        "--uhd", dest="quality", action="store_const", const="uhd", help="3840x2160 (also -qk)"
    )
    q.add_argument("-r", "--resolution", type=_resolution, metavar="WxH")
    p.add_argument("--fps", type=_positive_int, default=30, metavar="N", help="frame rate (30)")
    p.add_argument(
        "-s",
        "--still",
        action="store_true",
        help="write the last frame (of --beat N, if given) as PNG, not a video",
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, default=default_language(), help="on-screen language (zh)"
    )
    p.add_argument(
        "--beat",
        type=_beat,
        metavar="N",
        help="start the video at beat N (or SHOT.N, e.g. M3.9); earlier beats are "
        "fast-forwarded without rendering",
    )
    p.add_argument(
        "--media",
        type=Path,
        metavar="DIR",
        help="output folder (default: media/ beside the scene file)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    p.add_argument(
        "--traceback",
        action="store_true",
        help="on an error in a scene, show the whole Python traceback",
    )
    return p


def _resolution(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)[xX](\d+)", value)
    if not m or int(m[1]) < 16 or int(m[2]) < 16 or int(m[1]) % 2 or int(m[2]) % 2:
        raise argparse.ArgumentTypeError(f"{value!r} is not WxH with even sizes >= 16")
    return int(m[1]), int(m[2])


def _positive_int(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 240:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 240")
    return int(value)


def _beat(value: str) -> tuple[str | None, int]:
    m = re.fullmatch(r"(?:(M\d+)\.)?(\d+)", value)
    if not m or int(m[2]) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a beat number like 9 or M3.9")
    return m[1], int(m[2])


@dataclass
class Options:
    file: Path
    scenes: list[str]
    resolution: tuple[int, int]
    fps: int
    still: bool
    lang: str
    start_beat: tuple[str | None, int] | None
    media: Path
    quiet: bool
    traceback: bool

    @property
    def quality_dir(self) -> str:
        return f"{self.resolution[1]}p{self.fps}"

    def video_dir(self) -> Path:
        return self.media / "videos" / self.lang / self.quality_dir

    def image_dir(self) -> Path:
        return self.media / "images" / self.lang / self.quality_dir


def parse_args(argv: list[str]) -> Options:
    args = build_parser().parse_args([CE_QUALITY.get(a, a) for a in argv])
    file = Path(args.file)
    resolution = args.resolution or RESOLUTIONS[args.quality or "hd"]
    media = args.media or file.resolve().parent / "media"
    return Options(
        file,
        args.scenes,
        resolution,
        args.fps,
        args.still,
        args.lang,
        args.beat,
        media,
        args.quiet,
        args.traceback,
    )


def resolution_from_argv(argv: list[str]) -> tuple[int, int] | None:
    """The resolution a command line asks for, or None where it is not ours to read."""
    try:
        return parse_args(argv).resolution
    except (UsageError, SystemExit):
        return None


# What the render needs from the system, and the Debian package that brings it.
def check_system(needs_movie: bool) -> None:
    if needs_movie and not shutil.which("ffmpeg"):
        raise RenderError("ffmpeg not found: install the Debian package ffmpeg")
    for program, package in (("latex", "texlive-latex-base"), ("dvisvgm", "dvisvgm")):
        if not shutil.which(program):
            raise RenderError(f"{program} not found: install the Debian package {package}")
    found = subprocess.run(["kpsewhich", "standalone.cls"], capture_output=True, text=True)
    if not found.stdout.strip():
        raise RenderError("LaTeX class standalone.cls not found: install texlive-latex-extra")
    fonts = (
        subprocess.run(["fc-list", f":family={FONT}", "family"], capture_output=True, text=True)
        if shutil.which("fc-list")
        else None
    )
    if fonts is None or not fonts.stdout.strip():
        raise RenderError(f"font {FONT!r} not found: install the Debian package fonts-noto-cjk")


def load_scene_file(path: Path):
    if path.suffix != ".py" or not path.is_file():
        raise UsageError(f"no such scene file: {path}")
    name = path.stem
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path.resolve()):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path.resolve())
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise RenderError(f"cannot load {path}: {_where(error, path)}") from error
    return module


def scene_classes(module) -> dict:
    """The beat scenes a module defines, in the order of the storyboard."""
    from gdkit import storyboard
    from gdkit.scenes import Beats

    order = list(storyboard.shots())
    found = {
        name: obj
        for name, obj in vars(module).items()
        if isinstance(obj, type)
        and issubclass(obj, Beats)
        and obj.__module__ == module.__name__
        and (obj.shot_name or name) in order  # helper base classes are not shots
    }
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[1].shot_name or kv[0])))


def choose_scenes(opts: Options, classes: dict) -> list[tuple[type, int]]:
    """(scene class, first beat) for each scene to render."""
    if not classes:
        raise UsageError(f"{opts.file} defines no scenes")
    names = opts.scenes or (
        [opts.start_beat[0]] if opts.start_beat and opts.start_beat[0] else list(classes)
    )
    unknown = [n for n in names if n not in classes]
    if unknown:
        raise UsageError(
            f"{opts.file} has no scene {unknown[0]!r}; its scenes: " + ", ".join(classes)
        )
    if not opts.start_beat:
        return [(classes[n], 1) for n in names]
    shot, beat = opts.start_beat
    if shot is None and len(names) > 1:
        raise UsageError(f"--beat {beat} needs one scene, or a shot: --beat {names[0]}.{beat}")
    shot = shot or names[0]
    if shot not in names:
        raise UsageError(f"--beat {shot}.{beat} names a shot that is not being rendered")
    from gdkit import storyboard

    count = len(storyboard.shot(shot).beats)
    if beat > count:
        raise UsageError(f"--beat {shot}.{beat}: {shot} has beats 1..{count}")
    return [(classes[n], beat if n == shot else 1) for n in names]


def is_preview(resolution: tuple[int, int]) -> bool:
    """480p and below: drawn and encoded for speed (no multisampling, x264 veryfast);
    larger sizes keep manimgl's quality settings."""
    return resolution[1] <= 480


def encoder_preset(resolution: tuple[int, int]) -> str:
    return "veryfast" if is_preview(resolution) else "medium"


def render(opts: Options, scene_class, start_beat: int) -> list[Path]:
    """Render one scene; returns the paths written. Nothing is left under a final name
    unless it is complete."""
    name = scene_class.__name__
    still = opts.still
    out_dir = opts.image_dir() if still else opts.video_dir()
    scene_class = type(
        name,
        (scene_class,),
        {
            "start_beat": 1 if still else start_beat,
            "end_beat": start_beat if still and opts.start_beat else None,
            "__module__": scene_class.__module__,
            **({"samples": 0} if is_preview(opts.resolution) else {}),
        },
    )
    try:
        scene = scene_class(
            camera_config=dict(resolution=opts.resolution, fps=opts.fps),
            file_writer_config=dict(
                write_to_movie=not still,
                save_last_frame=still,
                output_directory=str(out_dir),
                file_name=name,
                quiet=opts.quiet,
                preset=encoder_preset(opts.resolution),
            ),
            skip_animations=still or start_beat > 1,
        )
    except Exception as error:
        raise RenderError(
            f"cannot open an OpenGL context through EGL ({error}): install "
            "libegl1 libegl-mesa0 libgl1-mesa-dri"
        ) from error
    writer = scene.file_writer
    try:
        scene.run()
    except BaseException as error:
        _discard_partial_movie(writer)
        if isinstance(error, Exception):
            raise RenderError(f"{name}: {_where(error, opts.file)}") from error
        raise
    if writer.ended_with_interrupt:
        _discard_partial_movie(writer)
        raise KeyboardInterrupt
    if still:
        return [Path(writer.get_image_file_path())]
    movie = Path(writer.get_movie_file_path())
    sidecar = movie.with_suffix(".beats.json")
    tmp = sidecar.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "shot": scene.shot.name,
                "lang": opts.lang,
                "fps": opts.fps,
                "resolution": list(opts.resolution),
                "duration": round(float(scene.time - scene.skip_time), 4),
                "beats": scene.beat_timeline(),
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    tmp.replace(sidecar)
    return [movie, sidecar]


def _discard_partial_movie(writer) -> None:
    if getattr(writer, "writing_process", None) is not None:
        writer.abort()  # the project's writer (`render` passes it a preset): encoder stopped
    temp = getattr(writer, "temp_file_path", None)
    if temp and os.path.exists(temp):
        os.remove(temp)


def _where(error: BaseException, scene_file: Path) -> str:
    """`ExcType: message`, with the last line of the scene file that led there."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if Path(f.filename).name == Path(scene_file).name
    ]
    where = f"{Path(scene_file).name}:{frames[-1].lineno}: " if frames else ""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{where}{type(error).__name__}{': ' + message if message else ''}"


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # so that a terminated render cleans up as an interrupted one


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _interrupt)
    opts = None
    try:
        opts = parse_args(argv)
        check_system(needs_movie=not opts.still)
        from gdkit import text
        from gdkit.headless import prepare

        text.set_language(opts.lang)
        prepare(opts.resolution)
        import logging

        logging.getLogger("manimgl").setLevel(logging.WARNING)
        module = load_scene_file(opts.file)
        written = []
        for scene_class, start_beat in choose_scenes(opts, scene_classes(module)):
            written += render(opts, scene_class, start_beat)
    except UsageError as error:
        print(f"manim: error: {error}", file=sys.stderr)
        return 2
    except RenderError as error:
        if error.__cause__ is not None and opts is not None and opts.traceback:
            traceback.print_exception(error.__cause__)
        print(f"manim: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("manim: interrupted; no partial file kept", file=sys.stderr)
        return 130
    for path in written:
        print(path)
    return 0


def shot_args(shot, flags: list[str], media: Path) -> list[str]:
    """The arguments of `manim` that render one storyboard shot quietly into `media`."""
    return [shot.file, shot.name, *flags, "-q", "--media", str(media)]


def shot_command(shot, flags: list[str], media: Path) -> list[str]:
    """The command line that renders one storyboard shot quietly into `media`."""
    return [sys.executable, "-m", "gdkit.cli", *shot_args(shot, flags, media)]


def run_file(path: str) -> None:
    """The `__main__` hook of an S-file: `python S1.py [SCENE ...] [flags]`."""
    raise SystemExit(main([path, *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())
