"""The frame size a command line asks for.

manimlib fixes its frame's aspect ratio when it is first imported, so the size must be known
before any scene file is read: `python S3.py -r 1080x1080` star-imports manimlib from the
S-file's first line. These are the `manim` command's size flags, which it adds from here.
"""

from __future__ import annotations

import argparse
import re

RESOLUTIONS = {"l": (854, 480), "m": (1280, 720), "hd": (1920, 1080), "uhd": (3840, 2160)}
# ManimCE's quality flags, for hands used to them.
CE_QUALITY = {"-ql": "-l", "-qm": "-m", "-qh": "--hd", "-qk": "--uhd"}


def parse_resolution(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)[xX](\d+)", value)
    if not m or int(m[1]) < 16 or int(m[2]) < 16 or int(m[1]) % 2 or int(m[2]) % 2:
        raise argparse.ArgumentTypeError(f"{value!r} is not WxH with even sizes >= 16")
    return int(m[1]), int(m[2])


def add_size_options(parser: argparse.ArgumentParser) -> None:
    """-l, -m, --hd, --uhd and -r WxH, one at most."""
    q = parser.add_mutually_exclusive_group()
    for flags, quality in ((("-l", "--low_quality"), "l"), (("-m", "--medium_quality"), "m")):
        size, ce = "x".join(map(str, RESOLUTIONS[quality])), f"-q{quality}"
        q.add_argument(
            *flags, dest="quality", action="store_const", const=quality, help=f"{size} (also {ce})"
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
    q.add_argument("-r", "--resolution", type=parse_resolution, metavar="WxH")


def size_of(args: argparse.Namespace) -> tuple[int, int]:
    return args.resolution or RESOLUTIONS[args.quality or "hd"]


class _Quiet(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def frame_size(argv: list[str]) -> tuple[int, int] | None:
    """The size `argv` asks for, or None where its flags are not ours to read (the command
    that reads them reports them)."""
    parser = _Quiet(add_help=False)
    add_size_options(parser)
    try:
        args, _ = parser.parse_known_args([CE_QUALITY.get(a, a) for a in argv])
    except (ValueError, SystemExit):
        return None
    return size_of(args)
