"""`make timeline`: the rendered shots as an edit, for a video editor.

Writes `media/gradient_descent.<lang>.<height>p<fps>.otio` (OpenTimelineIO) and the same
timeline as FCP 7 XML (`.xml`, which DaVinci Resolve and Premiere import): one video track with
each shot's render placed at the storyboard's start time code, and a marker per beat holding
its narration line; with `--voice`, the voiced shots and an audio track of one clip per beat.
The storyboard's time codes are HH:MM:SS:FF at its own frame rate (30 fps, `fps` in
assets/storyboard.json). Where a shot runs past the next shot's start, the next shot's
start wins: the shot is cut there, and the overlap is reported.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from gdkit import storyboard, voice
from gdkit.engine.frame import parse_resolution
from gdkit.files import Temporary, with_usual_mode
from gdkit.paths import MEDIA
from gdkit.text import LANGUAGES
from gdkit.tools import outputs
from gdkit.tools.cli import Parser, UsageError, positive_int
from gdkit.tools.video import QUALITIES, Film

FCP_RATES = (24, 25, 30, 48, 50, 60)  # whole-frame SMPTE rates, as FCP 7 XML's time codes take


class TimelineError(Exception):
    """A shot the timeline needs is missing or stale: one line, exit 1."""


@dataclass(frozen=True)
class Placed:
    """A shot on the timeline: its render, where it starts, how much of it is used."""

    shot: storyboard.Shot
    video: Path
    part: dict  # the render's sidecar
    start: int  # frames of the storyboard's rate
    used: int  # frames of the render's rate
    overlap: float  # seconds cut off by the next shot's start


def placed_shots(film: Film) -> list[Placed]:
    """Every storyboard shot's checked render, with where it goes."""
    rate = storyboard.fps()
    shots = list(storyboard.shots().values())
    starts = [s.start_frames() for s in shots]
    placed = []
    for shot, start, end in zip(shots, starts, [*starts[1:], None], strict=True):
        why = film.problem(shot)
        if why:
            one = " ".join(["manim", shot.file, shot.name, *film.flags()])
            every = " ".join(["python -m gdkit.tools.video --shots", *film.flags()])
            raise TimelineError(
                f"{shot.name} is not in the build ({why}): render it with `{one}`, "
                f"or every shot with `{every}`"
            )
        video = film.video(shot)
        part = outputs.read_sidecar(outputs.sidecar_path(video))
        frames, fps = part["frames"], part["fps"]
        slot = None if end is None else (end - start) * fps / rate
        used = frames if slot is None else min(frames, int(slot))
        placed.append(Placed(shot, video, part, start, used, (frames - used) / fps))
    return placed


def timeline(film: Film, placed: list[Placed]):
    """The OpenTimelineIO timeline of the placed shots."""
    import opentimelineio as otio

    rate = storyboard.fps()
    frames = otio.opentime.RationalTime
    span = otio.opentime.TimeRange
    edit = otio.schema.Timeline(
        name=f"gradient_descent.{film.lang}", global_start_time=frames(0, rate)
    )
    track = otio.schema.Track(name="shots", kind=otio.schema.TrackKind.Video)
    edit.tracks.append(track)
    for p in placed:
        gap = frames(p.start, rate) - track.duration().rescaled_to(rate)
        if gap.value > 0:
            track.append(otio.schema.Gap(source_range=span(frames(0, rate), gap)))
        fps = p.part["fps"]
        reference = otio.schema.ExternalReference(
            target_url=p.video.resolve().as_uri(),
            available_range=span(frames(0, fps), frames(p.part["frames"], fps)),
        )
        clip = otio.schema.Clip(
            name=p.shot.name,
            media_reference=reference,
            source_range=span(frames(0, fps), frames(p.used, fps)),
            metadata={"gradient_descent": {"title": p.shot.title(film.lang), "file": p.shot.file}},
        )
        for beat, made in zip(p.shot.beats, p.part["beats"], strict=True):
            clip.markers.append(
                otio.schema.Marker(
                    name=beat.label,
                    marked_range=span(frames(round(made["start"] * fps), fps), frames(0, fps)),
                    color=otio.schema.MarkerColor.YELLOW,
                    comment=beat.narration(film.lang),  # today's, as the film's subtitles
                )
            )
        track.append(clip)
    if film.voice:
        edit.tracks.append(voice_track(film, placed))
    return edit


def voice_track(film: Film, placed: list[Placed]):
    """An audio track of the voiced shots' clips, each at its beat's time code (those of a
    shot cut by the next one's start cut there too)."""
    import opentimelineio as otio

    rate = storyboard.fps()
    frames = otio.opentime.RationalTime
    span = otio.opentime.TimeRange
    track = otio.schema.Track(name="voice", kind=otio.schema.TrackKind.Audio)
    for p in placed:
        cut = p.start + round(p.used / p.part["fps"] * rate)  # where the shot is cut
        for beat, made in zip(p.shot.beats, p.part["beats"], strict=True):
            said = made.get("voice")
            start = p.start + round(made["start"] * rate)
            if said is None or start >= cut:
                continue
            at = frames(start, rate)
            gap = at - track.duration().rescaled_to(rate)
            if gap.value > 0:
                track.append(otio.schema.Gap(source_range=span(frames(0, rate), gap)))
            length = frames(min(round(said["seconds"] * rate), cut - start), rate)
            path = voice.folder(film.media, film.lang) / f"{beat.label}.{said['kind']}.wav"
            track.append(
                otio.schema.Clip(
                    name=f"{beat.label} ({said['kind']})",
                    media_reference=otio.schema.ExternalReference(
                        target_url=path.resolve().as_uri(),
                        available_range=span(frames(0, rate), length),
                    ),
                    source_range=span(frames(0, rate), length),
                    metadata={"gradient_descent": {"voice": said}},
                )
            )
    return track


def write(film: Film) -> list[Path]:
    """The timeline as .otio and as FCP 7 XML beside the film; the paths written."""
    import opentimelineio as otio

    placed = placed_shots(film)
    if film.fps not in FCP_RATES:
        rates = ", ".join(map(str, FCP_RATES))
        raise TimelineError(f"FCP XML takes shots at {rates} fps, not {film.fps}")
    for p in placed:
        if p.overlap > 0:
            print(
                f"{p.shot.name} runs {p.overlap:.1f} s past the next shot's start: cut there",
                file=sys.stderr,
            )
    edit = timeline(film, placed)
    written = []
    for suffix, adapter in ((".otio", "otio_json"), (".xml", "fcp_xml")):
        path = film.path.with_suffix(suffix)
        with Temporary(path) as temporary:
            otio.adapters.write_to_file(edit, str(temporary.path), adapter_name=adapter)
            with_usual_mode(temporary.path)
            temporary.path.replace(path)
        written.append(path)
    return written


def parse_args(argv) -> Film:
    parser = Parser(
        prog="python -m gdkit.tools.timeline",
        description="Write the rendered shots as an edit: OpenTimelineIO and FCP 7 XML.",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--quality", choices=QUALITIES, default="final")
    parser.add_argument(
        "-r", "--resolution", type=parse_resolution, metavar="WxH", help="instead of --quality"
    )
    parser.add_argument("--fps", type=positive_int, default=30, metavar="N")
    parser.add_argument("--media", type=Path, default=MEDIA, metavar="DIR")
    parser.add_argument(
        "-t", "--transparent", action="store_true", help="the shots with an alpha channel"
    )
    parser.add_argument(
        "--voice", action="store_true", help="the voiced shots, and their clips as audio"
    )
    args = parser.parse_args(argv)
    resolution = args.resolution or QUALITIES[args.quality]
    return Film(args.lang, resolution, args.fps, args.media.resolve(), args.transparent, args.voice)


def main(argv=None) -> int:
    try:
        film = parse_args(argv)
        for path in write(film):
            print(path)
    except UsageError as error:
        print(f"timeline: error: {error}", file=sys.stderr)
        return 2
    except (TimelineError, storyboard.DataError, OSError) as error:
        print(f"timeline: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
