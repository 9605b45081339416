"""The storyboard table (shots, files, start times, titles and beat notes) as data, with the
narration said over each beat, and the film's closing beat (the coda, not a storyboard shot)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from gdkit import sources
from gdkit.paths import NARRATION_FILE, STORYBOARD_FILE

# How fast a viewer reads a subtitle: Chinese characters, or English words, per second.
READING_RATE = {"zh": 4.5, "en": 2.5}


def reading_seconds(line: str, lang: str) -> float:
    """The time a viewer needs to read `line`: Chinese counts characters (a number or a
    Latin word counts as one), English counts words."""
    if lang == "zh":
        units = len(re.findall(r"[\u4e00-\u9fff]|[A-Za-z0-9.\u2212+−]+", line))
    else:
        units = len(line.split())
    return units / READING_RATE[lang]


@dataclass(frozen=True)
class Beat:
    shot: str
    number: int
    zh: str  # the storyboard's note of what the beat shows
    en: str
    said: tuple[tuple[str, str], ...] = ()  # the narration: (lang, line) pairs

    @property
    def label(self) -> str:
        return f"{self.shot}.{self.number}"

    def caption(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def narration(self, lang: str) -> str:
        return dict(self.said).get(lang, "")

    def reading_seconds(self, lang: str) -> float:
        return reading_seconds(self.narration(lang), lang)


@dataclass(frozen=True)
class Shot:
    name: str
    file: str
    start: str | None  # hh:mm:ss:ff at the storyboard's fps (None: not in the storyboard)
    title_zh: str
    title_en: str
    beats: tuple[Beat, ...]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def start_frames(self) -> int:
        """The start time code in frames of the storyboard's frame rate (`fps()`)."""
        hours, minutes, seconds, frames = map(int, self.start.split(":"))
        return (3600 * hours + 60 * minutes + seconds) * fps() + frames

    def start_seconds(self) -> float:
        return self.start_frames() / fps()


def _shot(data: dict, lines: dict) -> Shot:
    name = data["shot"]
    return Shot(
        name=name,
        file=data["file"],
        start=data["start"],
        title_zh=data["title"]["zh"],
        title_en=data["title"]["en"],
        beats=tuple(
            Beat(
                name,
                b["beat"],
                b["zh"],
                b["en"],
                tuple(lines.get(f"{name}.{b['beat']}", {}).items()),
            )
            for b in data["beats"]
        ),
    )


@cache
def _data() -> tuple[dict, dict]:
    # Read as the files a render is made from (its sidecar names them).
    lines = json.loads(sources.read_bytes(NARRATION_FILE).decode("utf-8"))["lines"]
    return json.loads(sources.read_bytes(STORYBOARD_FILE).decode("utf-8")), lines


def fps() -> int:
    """The frame rate of the storyboard's time codes (HH:MM:SS:FF): its frame field counts
    frames of this rate."""
    return int(_data()[0]["fps"])


@cache
def shots() -> dict[str, Shot]:
    """Every shot of the storyboard by name, in storyboard order."""
    data, lines = _data()
    return {s["shot"]: _shot(s, lines) for s in data["shots"]}


@cache
def coda() -> Shot:
    """The film's closing beat: a held summary after the storyboard's last shot."""
    data, lines = _data()
    return _shot(data["coda"], lines)


def film() -> list[Shot]:
    """What the film shows, in order: the storyboard's shots, then the coda."""
    return [*shots().values(), coda()]


def shot(name: str) -> Shot:
    for candidate in film():
        if candidate.name == name:
            return candidate
    raise KeyError(f"{name} is not a shot of the storyboard")
