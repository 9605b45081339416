"""The narration's voice (`gdkit.voice`): scratch clips spoken by espeak-ng pace a real film in
both languages and are its sound; a recording that replaces one re-times only its beat; the
page and the timeline carry the voice; a take that is no audio is one line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdkit import storyboard, voice
from gdkit.tools import outputs, record
from tests.test_ordinary_user import copied_checkout

SIZE, FPS = "128x72", 5  # a frame: 0.2 s, the onsets' tolerance
FRAME = 1 / FPS
RATE = voice.RATE
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng (make test installs it)"
)


def run(copy: Path, module: str, *args: str, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=copy, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def in_copy(copy: Path, code: str) -> str:
    """What `code` prints, run in the copy (its assets, its S-files)."""
    done = subprocess.run(
        [sys.executable, "-c", f"from pathlib import Path; {code}"], cwd=copy,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def build(copy: Path, lang: str):
    size = ["-r", SIZE, "--fps", str(FPS), "--media", str(copy / "media")]
    return run(copy, "gdkit.tools.video", "--voice", "--lang", lang, *size)


def film(copy: Path, lang: str) -> Path:
    return copy / "media" / f"gradient_descent.{lang}.{SIZE.split('x')[1]}p{FPS}.voice.mp4"


def sound(video: Path) -> np.ndarray:
    """The film's sound, 48 kHz mono, as floats."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:a", "-ac", "1", "-ar", str(RATE),
         "-f", "s16le", "-"], capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.int16).astype(np.float32) / 32768


def loud(samples: np.ndarray) -> np.ndarray:
    """Per 10 ms of `samples`, whether it is louder than -45 dBFS."""
    step = RATE // 100
    cut = samples[: len(samples) // step * step].reshape(-1, step)
    return np.sqrt((cut**2).mean(axis=1)) > 10 ** (-45 / 20)


def beats(timeline: dict) -> list[tuple[str, dict, float]]:
    """(label, beat, the next beat's start or the film's end) of each beat."""
    spans = [(f"{s['shot']}.{b['beat']}", b) for s in timeline["shots"] for b in s["beats"]]
    ends = [b["start"] for _, b in spans[1:]] + [timeline["duration"]]
    return [(label, beat, end) for (label, beat), end in zip(spans, ends, strict=True)]


def onset(heard: np.ndarray, start: float) -> float:
    """When sound starts, searching from 0.3 s before `start` (10 ms steps)."""
    first = max(round((start - 0.3) * 100), 0)
    return (first + int(np.argmax(heard[first:]))) / 100


def integrated_loudness(video: Path) -> float:
    said = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(video), "-map", "0:a",
         "-af", "ebur128", "-f", "null", "-"], capture_output=True, text=True,
    ).stderr  # fmt: skip
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", said)[-1])


def probe(video: Path, stream: str) -> dict:
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", stream, "-show_streams", "-of", "json",
         str(video)], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(found)["streams"][0]


@pytest.fixture(scope="module")
def voiced(tmp_path_factory):
    """A copy of the project with scratch-voiced films in both languages (small, 10 fps)."""
    copy = copied_checkout(tmp_path_factory.mktemp("voice"))
    shutil.rmtree(copy / "assets" / "voice", ignore_errors=True)  # scratch clips only
    for lang in ("zh", "en"):
        made = build(copy, lang)
        assert made.returncode == 0, made.stderr
        assert "39 scratch (espeak-ng)" in made.stderr, made.stderr
    return copy


@needs_espeak
@pytest.mark.film
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_clip_starts_at_its_beat_and_ends_before_the_next(voiced, lang):
    video = film(voiced, lang)
    timeline = outputs.read_sidecar(outputs.sidecar_path(video), film=True)
    heard = loud(sound(video))
    late = []
    for label, beat, end in beats(timeline):
        clip = beat["voice"]
        assert clip["kind"] == "scratch", label
        assert beat["start"] + clip["seconds"] + voice.GAP <= end + 1e-3, label  # no overlap
        if abs(onset(heard, beat["start"]) - beat["start"]) > FRAME:
            late.append((label, beat["start"], onset(heard, beat["start"])))
        quiet_before = heard[round((end - voice.GAP / 2) * 100) : round(end * 100)]
        assert not quiet_before.any(), f"{label} still sounds just before {end} s"
    assert late == []


@needs_espeak
@pytest.mark.film
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sound_is_aac_at_48_khz_minus_16_lufs_tagged_and_as_long_as_the_picture(voiced, lang):
    video = film(voiced, lang)
    audio, picture = probe(video, "a"), probe(video, "v")
    assert (audio["codec_name"], audio["sample_rate"], audio["channels"]) == ("aac", "48000", 1)
    assert audio["tags"]["language"] == {"zh": "chi", "en": "eng"}[lang]
    assert "espeak-ng" in audio["tags"]["handler_name"]  # a scratch voice is named as such
    assert abs(float(audio["duration"]) - float(picture["duration"])) <= FRAME
    assert abs(integrated_loudness(video) + 16) <= 1.0
    # The subtitles follow the voice: each beat's narration is shown while it is said.
    timeline = outputs.read_sidecar(outputs.sidecar_path(video), film=True)
    srt = video.with_suffix(".srt").read_text()
    first = timeline["shots"][0]["beats"][0]
    shown = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)", srt)
    h, m, s, ms = map(int, shown[0][4:])
    assert h * 3600 + m * 60 + s + ms / 1000 <= first["voice"]["seconds"] + voice.GAP + 1e-3


@needs_espeak
@pytest.mark.film
def test_a_recording_re_times_only_its_beat_and_the_page_and_timeline_carry_the_voice(voiced):
    video = film(voiced, "zh")
    before = outputs.read_sidecar(outputs.sidecar_path(video), film=True)
    shots = voiced / "media" / "videos" / "zh-voice" / f"{SIZE.split('x')[1]}p{FPS}"
    others = {p.name: p.read_bytes() for p in shots.glob("M*.mp4") if p.name != "M7.mp4"}
    # A take twice the scratch clip's length, at another rate, in stereo: converted.
    take = voiced / "take.wav"
    scratch = voice.folder(voiced / "media", "zh") / "M7.2.scratch.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(scratch), "-i", str(scratch),
         "-filter_complex", "[0][1]concat=n=2:v=0:a=1", "-ar", "44100", "-ac", "2", str(take)],
        check=True,
    )  # fmt: skip
    kept = run(voiced, "gdkit.tools.record", "--lang", "zh", "--beat", "M7.2", "--from", str(take))
    assert kept.returncode == 0, kept.stderr
    assert (voiced / "assets" / "voice" / "zh" / "M7.2.flac").is_file()
    made = build(voiced, "zh")
    assert made.returncode == 0, made.stderr
    assert "1 beats recorded, 38 scratch" in made.stderr
    assert re.search(r"M7: beat 2 changed, 1, 3 reused", made.stderr), made.stderr
    said = [line.removeprefix("video: ") for line in made.stderr.splitlines()]
    rendered = {line.split(":")[0] for line in said if " reused" in line}
    assert rendered == {"M7"}
    assert {p.name: p.read_bytes() for p in shots.glob("M*.mp4") if p.name != "M7.mp4"} == others

    after = outputs.read_sidecar(outputs.sidecar_path(video), film=True)
    old, new = (dict((label, (b, end)) for label, b, end in beats(t)) for t in (before, after))
    beat, end = new["M7.2"]
    assert beat["voice"]["kind"] == "recorded"
    assert beat["voice"]["seconds"] > 1.8 * old["M7.2"][0]["voice"]["seconds"]
    assert end - beat["start"] >= beat["voice"]["seconds"] + voice.GAP - 1e-3
    assert abs(onset(loud(sound(video)), beat["start"]) - beat["start"]) <= FRAME
    longer = (end - beat["start"]) - (old["M7.2"][1] - old["M7.2"][0]["start"])
    assert new["M7.3"][0]["start"] - old["M7.3"][0]["start"] == pytest.approx(longer, abs=1e-3)

    media = str(voiced / "media")
    html = in_copy(voiced, f"from gdkit.tools import page; print(page.page(Path({media!r}), 'zh'))")
    kinds = dict(re.findall(r'data-beat="([^"]+)"[\s\S]*?data-voice="(\w+)"', html))
    assert kinds["M7.2"] == "recorded" and kinds["M7.1"] == "scratch"
    assert json.dumps(video.name) in html  # the page plays the voiced film, the one built last

    # The timeline's audio track: a clip per beat, at the storyboard's time code of its beat
    # (a shot that runs past the next one's start is cut there, its later beats with it).
    flags = ["--voice", "-r", SIZE, "--fps", str(FPS), "--media", media]
    edit = json.loads(
        in_copy(
            voiced,
            "import opentimelineio as otio; from gdkit.tools import timeline as t; "
            f"film = t.parse_args({flags!r}); "
            "print(otio.adapters.write_to_string(t.timeline(film, t.placed_shots(film))))",
        )
    )
    audio = [t for t in edit["tracks"]["children"] if t["kind"] == "Audio"]
    assert len(audio) == 1
    rate, at, placed = storyboard.fps(), 0, {}
    for item in audio[0]["children"]:
        length = item["source_range"]["duration"]["value"]
        if item["OTIO_SCHEMA"].startswith("Clip"):
            placed[item["name"]] = at
        at += length
    shots_by_name = storyboard.shots()
    wanted = {}
    for shot in after["shots"]:
        if shot["shot"] in shots_by_name:
            start = shots_by_name[shot["shot"]].start_frames()
            for b in shot["beats"]:
                label = f"{shot['shot']}.{b['beat']}"
                kind = b["voice"]["kind"]
                wanted[f"{label} ({kind})"] = start + round((b["start"] - shot["start"]) * rate)
    assert placed.items() <= wanted.items()  # each clip at its beat's time code
    assert {"M1.1 (scratch)", "M2.1 (scratch)", "M7.2 (recorded)"} <= placed.keys()


def test_a_take_that_is_no_audio_or_empty_is_one_line_and_nothing_is_kept(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(voice, "RECORDINGS", tmp_path / "recordings")
    text = tmp_path / "take.wav"
    text.write_text("not a sound\n")
    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")
    for take in (text, empty, tmp_path / "missing.wav"):
        assert record.main(["--beat", "M3.9", "--from", str(take)]) == 1
        said = capsys.readouterr().err.strip().splitlines()
        assert len(said) == 1 and said[0].startswith("record: error:") and take.name in said[0]
    assert list((tmp_path / "recordings").rglob("*.flac")) == []
    assert record.main(["--beat", "M99.1", "--from", str(text)]) == 2
    assert "not a beat of the film" in capsys.readouterr().err


def test_a_take_is_trimmed_converted_and_kept_at_minus_16_lufs(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "RECORDINGS", tmp_path / "recordings")
    take = tmp_path / "take.wav"  # 0.5 s of silence, 3 s of a tone, 0.5 s of silence
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
         "sine=frequency=330:sample_rate=44100:duration=3,volume=0.5,"
         "adelay=500,apad=pad_dur=0.5", "-ac", "2", str(take)],
        check=True,
    )  # fmt: skip
    assert record.main(["--beat", "M3.9", "--lang", "en", "--from", str(take)]) == 0
    kept = tmp_path / "recordings" / "en" / "M3.9.flac"
    prepared = tmp_path / "M3.9.recorded.wav"
    voice.prepare(kept, prepared)
    assert voice.seconds(prepared.read_bytes(), prepared) == pytest.approx(3.0, abs=0.05)
    assert abs(float(voice.loudness(kept)["input_i"]) + 16) <= 1.0


def test_without_an_input_device_recording_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(voice, "RECORDINGS", tmp_path / "recordings")
    monkeypatch.setenv("PATH", str(tmp_path))  # no arecord
    assert record.main(["--beat", "M3.9"]) == 1
    said = capsys.readouterr()
    assert said.err.count("\n") == 1 and "FROM=take.wav" in said.err
    assert "M3.9 (zh):" in said.out  # the line to say was shown first
