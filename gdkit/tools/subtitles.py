"""The film's subtitles and chapters as cues, written by webvtt-py: SubRip for the film's
tracks and its `.srt`, WebVTT for the storyboard page's player."""

from __future__ import annotations

import io

import webvtt

# The longest subtitle line a viewer takes in at a glance: characters (zh) or letters (en).
LINE_LENGTH = {"zh": 22, "en": 46}


def wrapped(line: str, lang: str) -> str:
    """A subtitle in at most two balanced lines: broken at the space (en) or punctuation
    (zh) nearest its middle."""
    if len(line) <= LINE_LENGTH[lang]:
        return line
    if lang == "en":
        # After a comma, colon or semicolon if one is near the middle, else at a space.
        spaces = [i for i, c in enumerate(line) if c == " "]
        clauses = [i for i in spaces if line[i - 1] in ",:;"]
        near = [i for i in clauses if abs(i - len(line) / 2) < len(line) / 4] or spaces
        cut = min(near, key=lambda i: abs(i - len(line) / 2), default=len(line) // 2)
        return line[:cut] + "\n" + line[cut + 1 :]
    stops = [i + 1 for i, c in enumerate(line) if c in "，、：；？。"] or [len(line) // 2]
    cut = min(stops, key=lambda i: abs(i - len(line) / 2))
    return line[:cut] + "\n" + line[cut:]


def timestamp(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02}.{ms % 1000:03}"


def beat_spans(timeline: dict):
    """(label, beat, start, end) of each beat of a film's timeline, in order: a beat lasts
    until the next one starts, the last of a shot until the shot ends."""
    for shot in timeline["shots"]:
        ends = [b["start"] for b in shot["beats"][1:]] + [shot["start"] + shot["duration"]]
        for beat, end in zip(shot["beats"], ends, strict=True):
            yield f"{shot['shot']}.{beat['beat']}", beat, beat["start"], end


def beat_cues(timeline: dict, what: str = "narration") -> webvtt.WebVTT:
    """One cue per beat of the film, named after it (`M3.9`): the narration, or the
    storyboard's shot notes."""
    cues = webvtt.WebVTT()
    for label, beat, start, end in beat_spans(timeline):
        line = (
            wrapped(beat["narration"], timeline["lang"])
            if what == "narration"
            else f"{label} · {beat['note']}"
        )
        caption = webvtt.Caption(timestamp(start), timestamp(end), line, identifier=label)
        cues.captions.append(caption)
    return cues


def chapter_cues(timeline: dict) -> webvtt.WebVTT:
    """One cue per shot: its name and title, for a player's chapters track."""
    cues = webvtt.WebVTT()
    for shot in timeline["shots"]:
        start, end = shot["start"], shot["start"] + shot["duration"]
        cues.captions.append(
            webvtt.Caption(
                timestamp(start), timestamp(end), f"{shot['shot']} · {shot['title']}",
                identifier=shot["shot"],
            )
        )  # fmt: skip
    return cues


def as_text(cues: webvtt.WebVTT, format: str = "vtt") -> str:
    out = io.StringIO()
    cues.write(out, format=format)
    return out.getvalue().rstrip("\n") + "\n"


def srt(timeline: dict, what: str = "narration") -> str:
    return as_text(beat_cues(timeline, what), "srt")
