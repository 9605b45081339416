"""The narration's voice: one clip per beat, recorded or scratch, that paces the film and is
its sound track.

A recording is `assets/voice/<lang>/<beat>.flac` (or `.wav`, `.ogg`; `make record` puts one
there). Where a beat has none, `make voice` speaks its narration line with espeak-ng: a
scratch voice to time the film against, as animators do, until someone records it. Each
clip is prepared once for use: its leading and trailing silence trimmed, as 48 kHz mono
16-bit WAV, `media/voice/<lang>/<beat>.recorded.wav` or `<beat>.scratch.wav` (the name says
which; a recording always wins). A voiced render (`manim --voice`, `make video VOICE=1`)
holds each beat at least as long as its clip and GAP after it, and reads the clips it is
paced by as it reads its other inputs, so a changed clip re-times its beat. The film's sound
is each clip placed at its beat's start, normalised to -16 LUFS (EBU R128, in two passes).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

from gdkit import sources, storyboard
from gdkit.files import Temporary, last_words, read_own, with_usual_mode
from gdkit.paths import ROOT

RATE = 48000  # samples a second, of every prepared clip and of the film's sound
GAP = storyboard.VOICE_GAP  # seconds of quiet after a clip before its beat may end
RECORDINGS = ROOT / "assets" / "voice"
RECORDED_AS = (".flac", ".wav", ".ogg")
KINDS = ("recorded", "scratch")  # the first found wins
ESPEAK = {"zh": ["-v", "cmn", "-s", "270"], "en": ["-v", "en-us", "-s", "170"]}
LOUDNESS = "I=-16:TP=-1.5:LRA=11"  # EBU R128 integrated loudness, true peak, range
CREST = 13.0  # dB: the film's sound peaks at most this far above its loudness
QUIET = -50.0  # dBFS: the silence trimmed off a clip's ends (per 10 ms)


class VoiceError(storyboard.DataError):
    """A clip that cannot be used (not audio, empty, unreadable): one line naming it."""


@dataclass(frozen=True)
class Clip:
    path: Path
    kind: str  # "recorded" or "scratch"
    seconds: float
    digest: str  # SHA-256 of the prepared clip's bytes
    data: bytes = field(repr=False, compare=False)  # those bytes, as the render read them

    def sidecar(self) -> dict:
        return {"kind": self.kind, "seconds": round(self.seconds, 4), "digest": self.digest}


def folder(media: Path, lang: str) -> Path:
    return media / "voice" / lang


def recording(lang: str, label: str) -> Path | None:
    """The recording of beat `label` (`M3.9`) in `lang`, if there is one."""
    for extension in RECORDED_AS:
        path = RECORDINGS / lang / f"{label}{extension}"
        if path.is_file():
            return path
    return None


def kinds(media: Path, lang: str) -> dict[str, str]:
    """Each beat's voice as a build would take it: "recorded" (a recording in assets), or
    "scratch" (a prepared scratch clip); beats with neither are left out."""
    found = {}
    for label in lines(lang):
        if recording(lang, label):
            found[label] = "recorded"
        elif (folder(media, lang) / f"{label}.scratch.wav").is_file():
            found[label] = "scratch"
    return found


def own_bytes(path: Path) -> bytes | None:
    """What `path` holds (`files.read_own`), None if it is missing."""
    try:
        return read_own(path)
    except OSError as error:
        raise VoiceError(f"{path}: {error.strerror}: not used") from None


def clip(media: Path, lang: str, label: str) -> Clip | None:
    """Beat `label`'s prepared clip, read as one of the files the render is made from (its
    absence too: a clip made later makes the render stale)."""
    for kind in KINDS:
        path = folder(media, lang) / f"{label}.{kind}.wav"
        data = own_bytes(path)
        if data is None:
            sources.record_absent(path)
            continue
        sources.record(path, data)
        return Clip(path, kind, seconds(data, path), sources.digest(data), data)
    return None


def seconds(data: bytes, path: Path) -> float:
    """The length of a prepared clip (48 kHz mono 16-bit WAV)."""
    try:
        with wave.open(io.BytesIO(data)) as w:
            if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE, 1, 2):
                raise VoiceError(f"{path} is not 48 kHz mono 16-bit: run `make voice` again")
            return w.getnframes() / RATE
    except (wave.Error, EOFError) as error:
        raise VoiceError(f"{path} is not a WAV file ({error}): run `make voice` again") from None


def samples(clip: Clip):
    """A clip's samples (int16), from the bytes its digest was taken of."""
    import numpy as np

    with wave.open(io.BytesIO(clip.data)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16)


def prepare(source: Path, target: Path, extra: str = "") -> None:
    """`source` (any audio ffmpeg reads: any rate, any channels) as a prepared clip, whole
    or not at all: 48 kHz mono 16-bit WAV (`extra`: ffmpeg filters first), its leading and
    trailing silence trimmed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Temporary(target) as made:
        done = subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-vn",
             *(["-af", extra] if extra else []),
             "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
            capture_output=True,
        )  # fmt: skip
        if done.returncode != 0:
            said = last_words(done.stderr.decode(errors="replace"))
            raise VoiceError(f"{source} is not audio ffmpeg can read: {said or 'no stream'}")
        sound = trimmed(done.stdout)
        if len(sound) < RATE // 20:
            raise VoiceError(f"{source} holds no sound (empty, or silence only)")
        write_wav(made.path, sound)
        with_usual_mode(made.path)
        os.replace(made.path, target)


def trimmed(data: bytes):
    """The samples (16-bit) of `data` from its first 10 ms louder than QUIET to its last
    (all of it is quiet: none)."""
    import numpy as np

    sound = np.frombuffer(data, np.int16)
    step = RATE // 100
    count = len(sound) // step
    windows = sound[: count * step].astype(np.float32).reshape(count, step) / 32768
    heard = np.flatnonzero(np.sqrt((windows**2).mean(axis=1)) > 10 ** (QUIET / 20))
    if len(heard) == 0:
        return sound[:0]
    return sound[heard[0] * step : (heard[-1] + 1) * step]


def write_wav(path: Path, sound) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(sound))


def speak(line: str, lang: str, target: Path) -> None:
    """`line` spoken by espeak-ng, prepared as a clip."""
    with Temporary(target.with_suffix(".espeak.wav")) as spoken:
        done = subprocess.run(
            ["espeak-ng", *ESPEAK[lang], "-w", str(spoken.path), "--", line],
            capture_output=True, text=True, errors="replace",
        )  # fmt: skip
        if done.returncode != 0:
            raise VoiceError(f"espeak-ng failed: {last_words(done.stderr)}")
        prepare(spoken.path, target)


def espeak_version() -> str:
    try:
        said = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True)
    except FileNotFoundError:
        raise VoiceError(
            "espeak-ng not found: install the Debian package espeak-ng (`make setup` does)"
        ) from None
    return said.stdout.strip()


def lines(lang: str) -> dict[str, str]:
    """Each beat of the film by label, with its narration line."""
    return {b.label: b.narration(lang) for s in storyboard.film() for b in s.beats}


def make(media: Path, lang: str) -> dict[str, str]:
    """Every beat's clip prepared: a recording's where there is one, else a scratch one of
    its narration line. Only what changed is made again (what each clip was made from is
    kept in `clips.json` beside them). Returns each beat's kind of clip."""
    here = folder(media, lang)
    here.mkdir(parents=True, exist_ok=True)
    index_path = here / "clips.json"
    try:
        index = json.loads(own_bytes(index_path) or b"{}")
    except (ValueError, VoiceError):
        index = {}
    made, version = {}, None
    for label, line in lines(lang).items():
        recorded = recording(lang, label)
        kind = "recorded" if recorded else "scratch"
        if recorded:
            source = sources.digest(recorded.read_bytes())
        else:
            version = version or espeak_version()
            source = sources.digest(json.dumps([version, ESPEAK[lang], line]).encode())
        target = here / f"{label}.{kind}.wav"
        data = own_bytes(target)
        entry = index.get(label, {})
        fresh = data is not None and entry.get("source") == source
        if not fresh or entry.get("clip") != sources.digest(data):
            if recorded:
                prepare(recorded, target)
            else:
                speak(line, lang, target)
            data = own_bytes(target)
        index[label] = {"kind": kind, "source": source, "clip": sources.digest(data)}
        for other in KINDS:  # a scratch clip goes once the beat is recorded
            if other != kind:
                (here / f"{label}.{other}.wav").unlink(missing_ok=True)
        made[label] = kind
    with Temporary(index_path) as written:
        written.path.write_text(json.dumps(index, indent=1) + "\n")
        with_usual_mode(written.path)
        os.replace(written.path, index_path)
    return made


def track(timeline: dict, media: Path, target: Path) -> None:
    """The film's sound, as AAC at 48 kHz: each beat's clip (named in `timeline`) from its
    beat's start, as long as the film, normalised to -16 LUFS in two passes."""
    import numpy as np

    total = round(timeline["duration"] * RATE)
    sound = np.zeros(total, np.int16)
    for shot in timeline["shots"]:
        for beat in shot["beats"]:
            if "voice" not in beat:
                continue
            label = f"{shot['shot']}.{beat['beat']}"
            said = clip(media, timeline["lang"], label)
            if said is None or said.digest != beat["voice"]["digest"]:
                raise VoiceError(f"the clip of {label} changed since the film was timed by it")
            start = round(beat["start"] * RATE)
            part = samples(said)[: max(total - start, 0)]
            sound[start : start + len(part)] = part
    with Temporary(target.with_suffix(".wav")) as raw:
        write_wav(raw.path, sound)
        normalised = normalising(raw.path)
        done = subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(raw.path),
             "-af", normalised,
             "-c:a", "aac", "-b:a", "128k", "-f", "mp4", str(target)],
            capture_output=True, text=True, errors="replace",
        )  # fmt: skip
        if done.returncode != 0:
            raise VoiceError(f"ffmpeg could not make the film's sound: {last_words(done.stderr)}")


def normalising(path: Path) -> str:
    """The filters that bring `path` to -16 LUFS: loudnorm's second pass, from what its
    first measured. Speech peaks some 20 dB above its loudness: a limiter first takes the
    peaks down to CREST above it, so that the second pass is a plain gain (`linear`) that
    keeps the true peak under -1.5 dBTP, as it would not otherwise. Back at 48 kHz, mono."""
    peak = float(loudness(path)["input_i"]) + CREST
    limit = min(max(10 ** (peak / 20), 0.0625), 1.0)  # alimiter's range: -24 to 0 dBFS
    limited = f"alimiter=limit={limit:.4f}:level=false"
    measured = loudness(path, limited)
    second = ":".join(
        [
            LOUDNESS,
            f"measured_I={measured['input_i']}",
            f"measured_TP={measured['input_tp']}",
            f"measured_LRA={measured['input_lra']}",
            f"measured_thresh={measured['input_thresh']}",
            f"offset={measured['target_offset']}",
            "linear=true",
        ]
    )
    return f"{limited},loudnorm={second},aresample={RATE},aformat=channel_layouts=mono"


def loudness(path: Path, before: str = "") -> dict:
    """The first pass of loudnorm: what `path` measures (after the filters `before`)."""
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path),
         "-af", f"{before + ',' if before else ''}loudnorm={LOUDNESS}:print_format=json",
         "-f", "null", "-"],
        capture_output=True, text=True, errors="replace",
    )  # fmt: skip
    found = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", done.stderr)
    if done.returncode != 0 or not found:
        raise VoiceError(f"ffmpeg could not measure {path}: {last_words(done.stderr)}")
    return json.loads(found[0])
