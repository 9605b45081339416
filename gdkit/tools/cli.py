"""`manim FILE.py [SCENE ...]`: render scenes to video files, headless, with beats.

Runs the same way from the shell and from each S-file's `__main__` hook (`python S1.py`).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from gdkit import engine, sources, text
from gdkit.engine.cache import unsafe, warn_once
from gdkit.engine.frame import CE_QUALITY, add_size_options, size_of
from gdkit.files import FFmpegError
from gdkit.text import LANGUAGES, default_language
from gdkit.tools import beats, outputs
from gdkit.tools.guard import stop_with_parent

# What a transparent render is encoded as: ProRes 4444, which editors read, alpha and all.
ALPHA = dict(movie_file_extension=".mov", video_codec="prores_ks", pixel_format="yuva444p10le")
FADE_SECONDS = 0.5  # a shot rises from the background, and sinks back, over this long
# Fonts the scenes set text in, and the Debian package of each: words, and the digits of
# read-outs (Computer Modern, as the formulas).
FONTS = {"Noto Sans CJK SC": "fonts-noto-cjk", "CMU Serif": "fonts-cmu"}


class UsageError(Exception):
    """Bad input: reported as one line, exit code 2."""


class RenderError(Exception):
    """The render itself failed: reported as one line, exit code 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="manim",
        description="Render scenes of an S-file to video, headless (no window, no GPU needed).",
    )
    p.add_argument("file", help="scene file, e.g. S3.py")
    p.add_argument(
        "scenes", nargs="*", default=[], metavar="SCENE", help="scene classes (default: all)"
    )
    add_size_options(p)
    p.add_argument("--fps", type=positive_int, default=30, metavar="N", help="frame rate (30)")
    p.add_argument(
        "-s",
        "--still",
        action="store_true",
        help="write the last frame (of --beat N, if given) as PNG, not a video",
    )
    p.add_argument(
        "-t",
        "--transparent",
        action="store_true",
        help="keep an alpha channel, for a video editor: ProRes 4444 as SHOT.alpha.mov (a still:"
        " SHOT.alpha.png)",
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, help="on-screen language (zh, or GD_LANG where set)"
    )
    p.add_argument(
        "--beat",
        type=parse_beats,
        metavar="N[..M]",
        help="render from beat N (or SHOT.N, e.g. M3.9), as SHOT.from-beat-N.mp4, or beats "
        "N..M only, as SHOT.beats-N-M.mp4; earlier beats are fast-forwarded, not rendered",
    )
    p.add_argument(
        "--exact",
        action="store_true",
        help="with --beat: rehearse the earlier beats frame by frame instead of skipping them, "
        "so that every frame is the whole shot's frame, bit for bit (slower to start)",
    )
    p.add_argument(
        "--media",
        type=Path,
        metavar="DIR",
        help="output folder (default: media/ beside the scene file)",
    )
    p.add_argument(
        "--voice",
        action="store_true",
        help="each beat lasts at least its voice clip (media/voice/LANG/, made by `make voice`)"
        " and a short gap; written to media/videos/LANG-voice/",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    p.add_argument(
        "--traceback",
        action="store_true",
        help="on an error in a scene, show the whole Python traceback",
    )
    return p


def positive_int(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 240:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number from 1 to 240")
    return int(value)


@dataclass(frozen=True)
class BeatRange:
    """The beats asked for: `first`..`last` (None: to the end) of `shot` (None: the scene's)."""

    shot: str | None
    first: int
    last: int | None = None


def parse_beats(value: str) -> BeatRange:
    m = re.fullmatch(r"(?:(M\d+)\.)?(\d+)(?:\.\.(\d+))?", value)
    if not m or int(m[2]) < 1 or (m[3] is not None and int(m[3]) < int(m[2])):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a beat like 9 or M3.9, nor beats like 9..11 or M3.9..11"
        )
    return BeatRange(m[1], int(m[2]), None if m[3] is None else int(m[3]))


@dataclass
class Options:
    file: Path
    scenes: list[str]
    resolution: tuple[int, int]
    fps: int
    still: bool
    transparent: bool
    lang: str
    beats: BeatRange | None
    exact: bool
    media: Path
    quiet: bool
    traceback: bool
    voice: bool = False

    @property
    def quality_dir(self) -> str:
        return f"{self.resolution[1]}p{self.fps}"

    @property
    def settings(self) -> list:
        return outputs.render_settings(
            self.resolution, self.fps, self.lang, self.transparent, self.voice
        )

    def video_dir(self) -> Path:  # a voiced render's beats last longer: a folder of its own
        return (
            self.media
            / "videos"
            / (f"{self.lang}-voice" if self.voice else self.lang)
            / (self.quality_dir)
        )

    def image_dir(self) -> Path:
        return self.media / "images" / self.lang / self.quality_dir


def parse_args(argv: list[str]) -> Options:
    args = build_parser().parse_args([CE_QUALITY.get(a, a) for a in argv])
    file = Path(args.file)
    resolution = size_of(args)
    media = args.media or file.resolve().parent / "media"
    try:
        lang = args.lang or default_language()
    except ValueError as error:
        raise UsageError(str(error)) from None
    return Options(
        file,
        args.scenes,
        resolution,
        args.fps,
        args.still,
        args.transparent,
        lang,
        args.beat,
        args.exact,
        media,
        args.quiet,
        args.traceback,
        args.voice,
    )


# What the render needs from the system, and the Debian package that brings it.
PROGRAMS = {
    "latex": "texlive-latex-base",
    "dvisvgm": "dvisvgm",
    "kpsewhich": "texlive-binaries",
    "fc-list": "fontconfig",
}


def check_system(needs_movie: bool) -> None:
    needed = {"ffmpeg": "ffmpeg"} if needs_movie else {}
    for program, package in {**needed, **PROGRAMS}.items():
        if not shutil.which(program):
            raise RenderError(f"{program} not found: install the Debian package {package}")
    found = subprocess.run(["kpsewhich", "standalone.cls"], capture_output=True, text=True)
    if not found.stdout.strip():
        raise RenderError("LaTeX class standalone.cls not found: install texlive-latex-extra")
    for font, package in FONTS.items():
        found = subprocess.run(["fc-list", f":family={font}", "family"], capture_output=True)
        if not found.stdout.strip():
            raise RenderError(f"font {font!r} not found: install the Debian package {package}")
    try:
        warning = font_warning()
    except engine.EngineError:
        warning = None  # engine.prepare says what is wrong with the file
    if warning:
        print(f"warning: {warning}", file=sys.stderr)


def font_warning() -> str | None:
    """What is wrong with the text font custom_config.yml names, if it is not installed (Pango
    would draw another one without a word); an EngineError when the file cannot be read."""
    from gdkit.paths import CONFIG_FILE

    text_settings = engine.settings(CONFIG_FILE).get("text")
    font = text_settings.get("font") if isinstance(text_settings, dict) else None
    if not isinstance(font, str) or font in FONTS:
        return None
    found = subprocess.run(["fc-list", f":family={font}", "family"], capture_output=True)
    if found.stdout.strip():
        return None
    return (
        f"font {font!r} ({CONFIG_FILE.name}) is not installed; text is drawn in a fallback "
        f"font (fc-list :family={font!r} finds none)"
    )


def load_scene_file(path: Path):
    if path.suffix != ".py" or not path.is_file():
        raise UsageError(f"no such scene file: {path}")
    name = path.stem
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path.resolve()):
        return sys.modules[name]
    # Loaded as the project's modules are: what runs is what the sidecar will name.
    loader = sources.RecordingLoader(name, str(path.resolve()))
    spec = importlib.util.spec_from_file_location(name, path.resolve(), loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.resolve().parent))
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise RenderError(f"cannot load {path}: {_where(error, path)}") from error
    return module


def beat_scenes(module) -> dict:
    """Every beat scene a module defines, shot or not."""
    from gdkit.scenes import Beats

    return {
        name: obj
        for name, obj in vars(module).items()
        if isinstance(obj, type) and issubclass(obj, Beats) and obj.__module__ == module.__name__
    }


def scene_classes(module) -> dict:
    """The beat scenes a module defines that are storyboard shots, in the storyboard's order
    (helper base classes are not shots)."""
    from gdkit import storyboard

    order = [shot.name for shot in storyboard.film()]
    found = {
        name: obj for name, obj in beat_scenes(module).items() if (obj.shot_name or name) in order
    }
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[1].shot_name or kv[0])))


def unlisted_shots(module) -> tuple[str, ...]:
    """Beat scenes named like a shot (M11) that the storyboard does not list."""
    listed = scene_classes(module)
    return tuple(
        name
        for name, obj in beat_scenes(module).items()
        if name not in listed and re.fullmatch(r"M\d+", obj.shot_name or name)
    )


def choose_scenes(
    opts: Options, classes: dict, unlisted: tuple[str, ...] = ()
) -> list[tuple[type, int, int | None]]:
    """(scene class, first beat, last beat or None for the end) for each scene to render;
    `unlisted` names beat scenes of the file that the storyboard does not list."""
    if not classes:
        raise UsageError(f"{opts.file} defines no scenes")
    beats = opts.beats
    names = opts.scenes or ([beats.shot] if beats and beats.shot else list(classes))
    unknown = [n for n in names if n not in classes]
    if unknown and unknown[0] in unlisted:
        raise UsageError(
            f"{unknown[0]} in {opts.file} is not a storyboard shot: add it to "
            "assets/storyboard.json (and its narration to assets/narration.json)"
        )
    if unknown:
        raise UsageError(
            f"{opts.file} has no scene {unknown[0]!r}; its scenes: " + ", ".join(classes)
        )
    if not beats:
        return [(classes[n], 1, None) for n in names]
    asked = f"{beats.first}" + (f"..{beats.last}" if beats.last else "")
    if beats.shot is None and len(names) > 1:
        raise UsageError(f"--beat {asked} needs one scene, or a shot: --beat {names[0]}.{asked}")
    shot = beats.shot or names[0]
    if shot not in names:
        raise UsageError(f"--beat {shot}.{asked} names a shot that is not being rendered")
    from gdkit import storyboard

    count = len(storyboard.shot(shot).beats)
    if max(beats.first, beats.last or 0) > count:
        raise UsageError(f"--beat {shot}.{asked}: {shot} has beats 1..{count}")
    if opts.still and beats.last is not None:
        raise UsageError(f"--beat {shot}.{asked}: a still shows the end of one beat")
    last = None if beats.last == count else beats.last
    return [(classes[n], *((beats.first, last) if n == shot else (1, None))) for n in names]


def is_preview(resolution: tuple[int, int]) -> bool:
    """480p and below: drawn for speed (no multisampling); larger sizes keep manimgl's 4×
    multisampling for 3D shots."""
    return resolution[1] <= 480


def x264_settings(resolution: tuple[int, int]) -> dict:
    """x264's `veryfast` preset at every size: at 1080p it takes 39–44% less CPU than the
    default preset. Above 480p its constant rate factor is 20, not 23, which keeps the default
    preset's picture (SSIM within 0.0002 on M3 and M4) in files 20–30% larger."""
    return {"preset": "veryfast", "crf": 23 if is_preview(resolution) else 20}


def output_stem(name: str, still: bool, first: int, last: int | None) -> str:
    """`M3`, or for part of a shot `M3.from-beat-12`, `M3.beats-2-5` (videos) or `M3.beat-9`
    (the still at the end of beat 9): a part is never taken for the whole."""
    if still:
        return f"{name}.beat-{last}" if last else name
    if last is not None:
        return f"{name}.beats-{first}-{last}"
    return f"{name}.from-beat-{first}" if first > 1 else name


def writable_folder(folder: Path) -> Path:
    """`folder`, made if need be, once a file could be written in it; one warning where other
    users could change what is in it (the finished shots the film build takes)."""
    if "\n" in str(folder) or "\r" in str(folder):
        raise UsageError(f"{str(folder)!r}: a folder whose name holds a line break is not used")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileExistsError:
        path = next(p for p in (folder, *folder.parents) if p.exists() or p.is_symlink())
        why = "a symbolic link to nothing" if not path.exists() else "not a folder"
        raise RenderError(f"cannot write to {folder}: {path} is {why}") from None
    except OSError as error:
        raise RenderError(f"cannot write to {folder}: {error.strerror}") from None
    if why := unsafe(folder):
        warn_once(
            "media",
            f"{folder}: {why}, so other users can change the shots there; share a media "
            "folder only among people you trust (see README, Troubleshooting)",
        )
    return folder


def render(opts: Options, scene_class, first: int = 1, last: int | None = None) -> list[Path]:
    """Render beats `first`..`last` (None: to the end) of one scene (a still: the end of beat
    `last`, or of the scene); returns the paths written. Nothing is left under a final name
    unless it is complete, and a video is moved into place together with its sidecar.

    A whole shot is drawn beat by beat as far as need be: each beat's frames are summed up
    in a key (what each frame is drawn from), and a beat whose key is that of the last
    render's (its encoding kept beside the shot) is not drawn again: the shot is rehearsed
    first to find out, and the kept encodings are joined with the new ones."""
    name = scene_class.__name__
    still = opts.still
    if still and opts.beats:
        first, last = 1, first  # the still at the end of the beat asked for
    stem = output_stem(name, still, first, last) + (".alpha" if opts.transparent else "")
    out_dir = writable_folder(opts.image_dir() if still else opts.video_dir())
    outputs.remove_orphans(out_dir)  # what renders killed on the way left behind
    setup = Setup(opts, scene_class, first, last, stem, out_dir)
    if still or first > 1 or last is not None:
        scene = setup.scene()
        run_scene(scene, opts, name)
        return [Path(scene.file_writer.get_image_file_path())] if still else setup.publish(scene)
    kept = beats.Kept(setup.movie)
    every = range(1, len(scene_class_beats(scene_class)) + 1)
    if kept.any() and beats.lookahead_wanted():
        return render_with_rehearsal_ahead(setup, kept)
    plan = beats.Plan(kept)  # nothing kept: every beat drawn
    if kept.any():  # rehearse the shot, to find the beats whose frames are those kept
        rehearsal = setup.scene(draws=False, movie=False)
        run_scene(rehearsal, opts, name)
        plan = beats.Plan(kept, beats.keys(rehearsal).get)
        if all(plan.reuse(n) for n in every):
            say_reuse(name, rehearsal, plan.reused)
            try:
                return setup.publish(rehearsal, kept.joined(plan.reused))
            finally:
                kept.close()
    scene = setup.scene(plan)
    try:
        run_scene(scene, opts, name)
        paths = setup.publish(scene)
    except BaseException:
        kept.forget(scene, plan.reused)  # what this render kept, no sidecar names
        raise
    if plan.reused:
        say_reuse(name, scene, plan.reused)
    kept.prune(scene)
    return paths


def render_with_rehearsal_ahead(setup: Setup, kept: beats.Kept) -> list[Path]:
    """A whole shot drawn as `render` draws it, its rehearsal run beside it, a beat ahead
    (`beats.Ahead`): each beat is drawn or reused as soon as its key is known."""
    opts, name = setup.opts, setup.scene_class.__name__

    def rehearse(say) -> None:
        rehearsal = setup.scene(draws=False, movie=False)

        def ended(scene, n) -> None:  # at beat n's start (None: at the end), n - 1 ended
            if n != 1 and not scene.unkeyed_frames:
                done = (n or scene.current_beat + 1) - 1
                say(done, scene.beat_keys[done - 1].hexdigest())

        rehearsal.beat_hooks = [ended]
        rehearsal.run()

    ahead = beats.Ahead(rehearse)
    try:
        plan = beats.Plan(kept, ahead.key)
        scene = setup.scene(plan)
        try:
            run_scene(scene, opts, name)
            keys = {n: k.hexdigest() for n, k in enumerate(scene.beat_keys, start=1)}
            if any(keys[n] != ahead.keys.get(n) for n in plan.reused):
                raise RenderError(f"{name}: its rehearsal and its render disagree: render again")
            paths = setup.publish(scene)
        except BaseException:
            kept.forget(scene, plan.reused)
            raise
    finally:
        failed = ahead.close()
    if failed:
        print(f"warning: {name}: the rehearsal beside the render failed; every beat was drawn",
              file=sys.stderr)  # fmt: skip
    if plan.reused:
        say_reuse(name, scene, plan.reused)
    kept.prune(scene)
    return paths


def scene_class_beats(scene_class) -> tuple:
    from gdkit import storyboard

    return storyboard.shot(scene_class.shot_name or scene_class.__name__).beats


def say_reuse(name: str, scene, reused: dict) -> None:
    every = range(1, len(scene.shot.beats) + 1)
    drawn = [n for n in every if n not in reused]

    def named(numbers: list[int]) -> str:  # "beat 2", "beats 12–13"
        return f"beat{'s' if len(numbers) > 1 else ''} {beats.span(numbers)}"

    changed = f"{named(drawn)} changed" if drawn else "no beat changed"
    print(f"{name}: {changed}, {beats.span(sorted(reused))} reused", file=sys.stderr)


@dataclass
class Setup:
    """How the scenes of one render are made, and its video published."""

    opts: Options
    scene_class: type
    first: int
    last: int | None
    stem: str
    out_dir: Path

    def fades(self) -> tuple[int, int]:
        """A whole shot opens from the background and closes to it, half a second each."""
        if self.opts.still:
            return 0, 0
        frames = round(FADE_SECONDS * self.opts.fps)
        fade_out = 0 if self.last or not self.scene_class.fades_out else frames
        return (0 if self.first > 1 else frames), fade_out

    def voice_clips(self) -> dict[int, dict] | None:
        """With `--voice`: each beat's clip that paces it (those without one are paced by
        their narration's reading time)."""
        if not self.opts.voice:
            return None
        from gdkit import voice  # a silent render is not made from it

        name = self.scene_class.shot_name or self.scene_class.__name__
        clips = {}
        for beat in scene_class_beats(self.scene_class):
            said = voice.clip(self.opts.media, self.opts.lang, beat.label)
            if said is not None:
                clips[beat.number] = said.sidecar()
        if not clips:
            warn_once(f"{name}: no voice clips in {voice.folder(self.opts.media, self.opts.lang)}:"
                      " paced by reading time (`make voice` makes scratch clips)")  # fmt: skip
        return clips

    def seed(self) -> bytes:
        """What a beat's frames are encoded by, besides what they are drawn from: the
        settings, the encoder's and the fades, and the engine that draws and writes them."""
        opts = self.opts
        engine_files = {
            file: kept for file, kept in outputs.made_from(self.scene_class.__name__).items()
            if file.startswith("gdkit/engine/")
        }  # fmt: skip
        return repr(
            (
                opts.settings,
                x264_settings(opts.resolution),
                self.fades(),
                is_preview(opts.resolution),
                sorted(engine_files.items()),
            )
        ).encode()

    @property
    def movie(self) -> Path:
        """The video's final name (`M3.mp4`; `M3.alpha.mov` with alpha)."""
        extension = ALPHA["movie_file_extension"] if self.opts.transparent else ".mp4"
        return (self.out_dir / f"{self.stem}{extension}").absolute()  # as manimgl's writer has it

    def scene(self, plan: beats.Plan | None = None, draws: bool = True, movie: bool = True):
        """The scene, ready to run: a whole shot's sums up each beat's frames in a key, and
        reuses or draws each beat as its `plan` says (None: draws them all; `draws=False`:
        a rehearsal, none drawn)."""
        opts, first, last = self.opts, self.first, self.last
        still = opts.still
        whole = not still and first == 1 and last is None
        fade_in, fade_out = self.fades()
        scene_class = type(
            self.scene_class.__name__,
            (self.scene_class,),
            {
                "start_beat": first,
                "end_beat": last,
                "rehearses": opts.exact,
                "draws": draws,
                "plan": plan,
                "voice_clips": self.voice_clips(),
                "key_seed": self.seed() if whole else None,
                "__module__": self.scene_class.__module__,
                **({"samples": 0} if is_preview(opts.resolution) else {}),
            },
        )
        try:
            scene = scene_class(
                camera_config=dict(
                    resolution=opts.resolution,
                    fps=opts.fps,
                    # Drawn over transparent black: the writer divides the colour back out.
                    **(
                        {"background_color": "#000000", "background_opacity": 0.0}
                        if opts.transparent
                        else {}
                    ),
                ),
                file_writer_config=dict(
                    **(ALPHA if opts.transparent else {}),
                    write_to_movie=movie and not still,
                    save_last_frame=still,
                    output_directory=str(self.out_dir),
                    file_name=self.stem,
                    quiet=opts.quiet,
                    **x264_settings(opts.resolution),
                    fade_in=fade_in,
                    fade_out=fade_out,
                ),
                skip_animations=still or (first > 1 and not opts.exact),
            )
        except Exception as error:
            raise RenderError(gl_problem(opts.resolution, error)) from error
        too_large = frame_too_large(scene.camera.ctx, opts.resolution)
        if too_large:
            raise RenderError(too_large)
        return scene

    def publish(self, scene, joined: Path | None = None) -> list[Path]:
        """Move the video (the scene's, or `joined`) into place with its sidecar, once
        nothing it was made from changed while it was made."""
        opts, name = self.opts, self.scene_class.__name__
        writer = scene.file_writer
        made_from = outputs.made_from(scene.shot.name)
        held = outputs.today(made_from)
        if edited := [file for file, kept in made_from.items() if held[file] != kept]:
            if joined is None:
                _discard_partial_movie(writer)
            files = ", ".join(file.partition(sources.PART)[0] for file in edited)
            raise RenderError(f"{files} changed while {name} rendered: render again")
        frames = sum(scene.beat_frames) if scene.beat_keys else writer.frames_sent
        sidecar = {
            "shot": scene.shot.name,
            "lang": opts.lang,
            "fps": opts.fps,
            "resolution": list(opts.resolution),
            "duration": round(frames / opts.fps, 4),
            "frames": frames,
            "first_beat": self.first,
            "beats": scene.beat_timeline(),
            "transparent": opts.transparent,
            "sources": made_from,
            "inputs": outputs.inputs_digest(
                opts.settings,
                made_from,
            ),
        }
        if scene.beat_keys and not scene.unkeyed_frames:
            kept = beats.Kept(self.movie)
            for beat, key in zip(sidecar["beats"], scene.beat_keys, strict=True):
                beat["key"] = key.hexdigest()
                if encoding := beats.own_digest(kept.path(beat["key"])):
                    beat["encoding"] = encoding
        movie = self.movie if joined is not None else Path(writer.final_file_path)
        try:
            outputs.publish(joined or Path(writer.temp_file_path), movie, sidecar)
        finally:
            if joined is None:
                writer.temporary.close()
        return [movie, outputs.sidecar_path(movie)]


def run_scene(scene, opts: Options, name: str) -> None:
    """Run `scene`; what stopped it, in one line."""
    writer = scene.file_writer
    try:
        scene.run()
    except BaseException as error:
        _discard_partial_movie(writer)
        if isinstance(error, FFmpegError):
            raise RenderError(f"{name}: {error}") from error
        if isinstance(error, OSError) and error.strerror:
            raise RenderError(f"{name}: {written_how(error)}") from error
        # A scene's own SystemExit or KeyboardInterrupt is its error, not a signal's.
        if isinstance(error, Exception | SystemExit) or type(error) is KeyboardInterrupt:
            raise RenderError(f"{name}: {_where(error, opts.file)}") from error
        raise
    if writer.ended_with_interrupt:  # manimgl takes in a KeyboardInterrupt, whoever raised it
        _discard_partial_movie(writer)
        if not Interrupted.received:
            raise RenderError(f"{name}: the scene raised KeyboardInterrupt")
        raise KeyboardInterrupt


def gl_problem(resolution: tuple[int, int], error: Exception) -> str:
    """What stopped manimgl from setting up its OpenGL frame, in words."""
    import moderngl

    try:
        ctx = moderngl.create_standalone_context()
    except Exception as no_context:
        return (
            f"cannot open an OpenGL context through EGL ({no_context}): install "
            "libegl1 libegl-mesa0 libgl1-mesa-dri"
        )
    try:
        return frame_too_large(ctx, resolution) or f"cannot set up the OpenGL frame: {error}"
    finally:
        ctx.release()


def frame_too_large(ctx, resolution: tuple[int, int]) -> str | None:
    """Why this OpenGL renderer cannot draw frames of `resolution` (manimgl fills shapes in a
    canvas twice the frame's size), or None."""
    info = ctx.info
    largest = min(
        info["GL_MAX_TEXTURE_SIZE"] // 2,
        info["GL_MAX_RENDERBUFFER_SIZE"],
        *info["GL_MAX_VIEWPORT_DIMS"],
    )
    if max(resolution) <= largest:
        return None
    return (
        f"resolution {resolution[0]}x{resolution[1]} is larger than this OpenGL renderer "
        f"({info['GL_RENDERER']}) can draw: at most {largest}x{largest}"
    )


def _discard_partial_movie(writer) -> None:
    """Stop the encoder and delete what was written. A signal that comes meanwhile (a
    render that failed because Ctrl-C stopped its encoder first gets its own Ctrl-C now)
    waits until that is done, then interrupts."""
    Interrupted.holding = True
    try:
        writer.abort()
        if getattr(writer, "temporary", None) is not None:
            writer.temporary.close()
    finally:
        Interrupted.holding = False
    if Interrupted.held:
        raise Interrupted


def written_how(error: OSError) -> str:
    """A file that could not be written, and why, in words."""
    where = f"cannot write {error.filename}: " if error.filename else ""
    return where + (error.strerror or str(error))


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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the exit code says which (128 + the signal's number)."""

    signal = signal.SIGINT
    holding = False  # while a partial movie is discarded: a signal is held, not raised
    held = False
    received = False  # whether Ctrl-C or SIGTERM came (a scene may raise KeyboardInterrupt)


def raise_interrupt(signum, frame):
    Interrupted.signal, Interrupted.received = signum, True
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, signal.SIG_IGN)  # cleaning up is not interrupted again
    if Interrupted.holding:
        Interrupted.held = True
        return
    raise Interrupted


def main(argv: list[str] | None = None) -> int:
    from gdkit.storyboard import DataError

    argv = sys.argv[1:] if argv is None else argv
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, raise_interrupt)
    opts = None
    try:
        stop_with_parent()
        opts = parse_args(argv)
        check_system(needs_movie=not opts.still)
        text.set_language(opts.lang)
        try:
            engine.prepare(opts.resolution, messages=not opts.quiet)
        except engine.EngineError as error:
            raise UsageError(str(error)) from None
        import logging

        logging.getLogger("manimgl").setLevel(logging.WARNING)
        module = load_scene_file(opts.file)
        written = []
        chosen = choose_scenes(opts, scene_classes(module), unlisted_shots(module))
        for scene_class, first, last in chosen:
            written += render(opts, scene_class, first, last)
    except UsageError as error:
        print(f"manim: error: {error}", file=sys.stderr)
        return 2
    except RenderError as error:
        if error.__cause__ is not None and opts is not None and opts.traceback:
            traceback.print_exception(error.__cause__)
        print(f"manim: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # writing the finished files: a full disk, a planted link
        print(f"manim: error: {written_how(error)}", file=sys.stderr)
        return 1
    except DataError as error:  # the storyboard, the narration or a voice clip
        if opts is not None and opts.traceback:
            traceback.print_exception(error)
        print(f"manim: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        signum = Interrupted.signal
        print(
            f"manim: interrupted ({signal.Signals(signum).name}); no partial file kept",
            file=sys.stderr,
        )
        return 128 + signum
    for path in written:
        print(path)
    return 0


def shot_args(shot, flags: list[str], media: Path) -> list[str]:
    """The arguments of `manim` that render one storyboard shot quietly into `media`."""
    return [shot.file, shot.name, *flags, "-q", "--media", str(media)]


def shot_command(shot, flags: list[str], media: Path) -> list[str]:
    """The command line that renders one storyboard shot quietly into `media`."""
    return [sys.executable, "-m", "gdkit.tools.cli", *shot_args(shot, flags, media)]


def run_file(path: str) -> None:
    """The `__main__` hook of an S-file: `python S1.py [SCENE ...] [flags]`."""
    from gdkit.tools.guard import command

    raise SystemExit(command([path, *sys.argv[1:]]))


if __name__ == "__main__":
    from gdkit.tools.guard import command

    sys.exit(command())
