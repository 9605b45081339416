"""`make voice` and `make record`: the narration's clips (see `gdkit.voice`).

`--scratch` prepares every beat's clip: its recording where there is one, else a scratch one
spoken by espeak-ng. `--beat M3.9` shows the beat's line, records it from the default input
(`arecord`) until Enter, and keeps it, trimmed and at -16 LUFS, as
`assets/voice/<lang>/M3.9.flac`; `--from take.wav` takes a file instead (headless).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gdkit import storyboard, voice
from gdkit.files import Temporary, with_usual_mode
from gdkit.paths import MEDIA
from gdkit.text import LANGUAGES
from gdkit.tools.cli import Parser, UsageError


def keep(take: Path, lang: str, label: str) -> Path:
    """`take` as beat `label`'s recording, normalised and trimmed, whole or not at all."""
    target = voice.RECORDINGS / lang / f"{label}.flac"
    target.parent.mkdir(parents=True, exist_ok=True)
    with Temporary(target.with_suffix(".wav")) as prepared:
        voice.prepare(take, prepared.path)
        normalised = voice.normalising(prepared.path)
        with Temporary(target) as flac:
            done = subprocess.run(
                ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(prepared.path),
                 "-af", normalised, "-c:a", "flac", "-f", "flac",
                 str(flac.path)],
                capture_output=True, text=True, errors="replace",
            )  # fmt: skip
            if done.returncode != 0:
                raise voice.VoiceError(f"cannot write {target}: {done.stderr.strip()[-200:]}")
            with_usual_mode(flac.path)
            os.replace(flac.path, target)
    for other in voice.RECORDED_AS:  # the new take is the beat's only recording
        if other != ".flac":
            (target.with_suffix(other)).unlink(missing_ok=True)
    return target


def capture() -> Path:
    """A take from the default input, until Enter; in a private scratch folder."""
    if not shutil.which("arecord"):
        raise voice.VoiceError(
            "arecord not found (Debian package alsa-utils): record elsewhere and give the "
            "take with FROM=take.wav"
        )
    listed = subprocess.run(["arecord", "-l"], capture_output=True, text=True)
    if "card" not in listed.stdout:
        raise voice.VoiceError(
            "no input device to record from (arecord -l lists none): give a take with FROM=take.wav"
        )
    take = Path(tempfile.mkdtemp(prefix="gd-take-")) / "take.wav"
    recorder = subprocess.Popen(
        ["arecord", "-q", "-f", "S16_LE", "-r", str(voice.RATE), "-c", "1", str(take)]
    )
    try:
        input("recording: press Enter to stop ")
    finally:
        recorder.terminate()
        recorder.wait()
    return take


def main(argv=None) -> int:
    parser = Parser(prog="python -m gdkit.tools.record", description=__doc__.split("\n")[0])
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--media", type=Path, default=MEDIA, metavar="DIR")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--scratch", action="store_true", help="prepare every beat's clip")
    what.add_argument("--beat", metavar="M3.9", help="record this beat's line")
    parser.add_argument("--from", dest="take", type=Path, metavar="FILE", help="a take to keep")
    try:
        args = parser.parse_args(argv)
        lines = voice.lines(args.lang)
        if args.scratch:
            kinds = list(voice.make(args.media.resolve(), args.lang).values())
            print(
                f"{voice.folder(args.media, args.lang)}: {kinds.count('recorded')} beats "
                f"recorded, {kinds.count('scratch')} scratch (espeak-ng)"
            )
            return 0
        if args.beat not in lines:
            raise UsageError(f"{args.beat!r} is not a beat of the film (M1.1 .. Coda.1)")
        print(f"{args.beat} ({args.lang}): {lines[args.beat]}")
        take = args.take if args.take is not None else capture()
        if not take.is_file():
            raise voice.VoiceError(f"{take}: no such file")
        print(keep(take, args.lang, args.beat))
    except UsageError as error:
        print(f"record: error: {error}", file=sys.stderr)
        return 2
    except (voice.VoiceError, storyboard.DataError) as error:
        print(f"record: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"record: error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("record: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
