"""The storyboard table (shots, files, start times, titles and beat captions) as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORYBOARD_FILE = ROOT / "assets" / "storyboard.json"


@dataclass(frozen=True)
class Beat:
    shot: str
    number: int
    zh: str
    en: str

    @property
    def label(self) -> str:
        return f"{self.shot}.{self.number}"

    def caption(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Shot:
    name: str
    file: str
    start: str  # hh:mm:ss:ff at the storyboard's fps
    title_zh: str
    title_en: str
    beats: tuple[Beat, ...]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def start_seconds(self, fps: int = 30) -> float:
        hours, minutes, seconds, frames = map(int, self.start.split(":"))
        return 3600 * hours + 60 * minutes + seconds + frames / fps


@cache
def shots() -> dict[str, Shot]:
    """Every shot by name, in storyboard order."""
    data = json.loads(STORYBOARD_FILE.read_text(encoding="utf-8"))
    return {
        s["shot"]: Shot(
            name=s["shot"],
            file=s["file"],
            start=s["start"],
            title_zh=s["title"]["zh"],
            title_en=s["title"]["en"],
            beats=tuple(Beat(s["shot"], b["beat"], b["zh"], b["en"]) for b in s["beats"]),
        )
        for s in data["shots"]
    }


def shot(name: str) -> Shot:
    try:
        return shots()[name]
    except KeyError:
        raise KeyError(f"{name} is not a shot of the storyboard") from None
