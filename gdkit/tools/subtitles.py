"""The film's subtitles and chapters as cues, written by webvtt-py: SubRip for the film's
tracks and its `.srt`, WebVTT for the storyboard page's player."""

from __future__ import annotations

import io
import logging
import unicodedata
from functools import cache

import webvtt

from gdkit.voice import GAP

# Broadcast limits for a subtitle (the timed-text style guides of Netflix and the BBC): the
# characters of a line (two lines a cue; in Chinese, a Latin letter, digit or space is half
# a character wide), and the longest a cue stays on screen. The film is paced for its
# narration, so each cue's share of its beat is long enough to read.
LINE_LENGTH = {"zh": 16, "en": 42}
LONGEST = 7.0

SENTENCE_ENDS, CLAUSE_ENDS = ".?!。？！", ",:;，：；、"
OPENING, CLOSING = "(（[“‘", ")）]”’" + SENTENCE_ENDS + CLAUSE_ENDS + "°"
OPERATORS = set("=+−-×·<>≈")
# Words a line should not end with (English; Chinese characters that bind what follows)
# or start with (Chinese particles).
LEANING = set("a an the of to in on by at as and or its this that with from for into".split())
LEANING_ZH = "的与和及把"
PARTICLES = "的得地了着过"


@cache
def _segmenter():
    """jieba's segmenter of Chinese words, with its dictionary read in this process: jieba's
    own cache is a file of a fixed name in /tmp, which another user could plant."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    with segmenter.get_dict_file() as dictionary:
        segmenter.FREQ, segmenter.total = segmenter.gen_pfdict(dictionary)
    segmenter.initialized = True
    return segmenter


def breaks(line: str, lang: str) -> dict[int, int]:
    """Where `line` may break, by position: 3 after a sentence, 2 after a clause, 1 between
    words (Chinese words as jieba segments them), 0 where it reads badly (before a particle,
    after "the" or 的, at a space round a letter or number set in Chinese); never inside a
    number, a bracket or a formula (beside an operator), or before a mark that closes what
    comes before it."""
    if lang == "zh":
        places, at = set(), 0
        for word in _segmenter().cut(line):
            at += len(word)
            places.add(at)
    else:
        places = {i for i, c in enumerate(line) if c == " "} | {
            i + 1 for i, c in enumerate(line) if c == " "
        }
    depth, inside = 0, set()
    for i, c in enumerate(line):
        depth += (c in "(（[") - (c in ")）]")
        if depth > 0:
            inside.add(i + 1)
    found = {}
    for at in sorted(places - inside):
        before, after = line[:at].rstrip(), line[at:].lstrip()
        if not before or not after or before[-1] in OPENING or after[0] in CLOSING:
            continue
        if _word(line[at - 1]) and _word(line[at]) or {before[-1], after[0]} & OPERATORS:
            continue  # inside a word or a number, beside an operator (inside a formula)
        quality = 3 if before[-1] in SENTENCE_ENDS else 2 if before[-1] in CLAUSE_ENDS else 1
        if before.split()[-1].lower() in LEANING or before[-1] in LEANING_ZH:
            quality = 0  # after a word that leans on the next
        if after[0] in PARTICLES:
            quality = 0  # before a particle
        if lang == "zh" and " " in line[at - 1 : at + 1]:
            quality = 0  # a letter, a number or a formula set in a Chinese phrase ("与 x 轴")
        found[at] = quality
    return found


def width(text: str, lang: str) -> float:
    """How many characters wide `text` is: in Chinese, a half-width one (a Latin letter, a
    digit, a space, most symbols of a formula) counts as half."""
    if lang != "zh":
        return len(text)
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _word(c: str) -> bool:
    """A letter or digit of a word or number written in Latin script (not a Han character)."""
    return (c.isalnum() or c in "._′∇") and not "\u4e00" <= c <= "\u9fff"


# What a layout costs: each cue, a short cue (by the characters it is short of half a line),
# where a cue ends and where a line breaks (by the place's quality, see `breaks`; -1: inside a
# word, where nothing else fits), and each character one line of a cue is longer than the other.
CUE, SHORT_CUE = 20, 3
CUE_END = {3: 0, 2: 10, 1: 60, 0: 90, -1: 300}
LINE_BREAK = {3: 0, 2: 4, 1: 40, 0: 90, -1: 200}


def cues(line: str, lang: str) -> list[list[str]]:
    """`line` laid out as subtitles: cues of at most two lines of at most LINE_LENGTH
    characters, which end at sentences or clauses where they can, with lines that break
    where they read best and are about as long as each other (the layout of least cost)."""
    if not line.strip():
        return []
    places = breaks(line, lang)
    laid = _layout(line, lang, places)
    if laid is None:  # something unbreakable longer than a line: it breaks where it must
        anywhere = {i: -1 for i in range(1, len(line)) if line[i - 1 : i + 1].strip()}
        laid = _layout(line, lang, anywhere | places)
    return laid


def _layout(line: str, lang: str, places: dict[int, int]) -> list[list[str]] | None:
    ends = [0, *sorted(places), len(line)]
    longest = LINE_LENGTH[lang]

    def part(a: int, b: int) -> str:
        return line[a:b].strip()

    def wide(a: int, b: int) -> float:
        return width(part(a, b), lang)

    def one_cue(a: int, b: int) -> tuple[float, list[str]] | None:
        """The best lines for line[a:b] in one cue, with what they cost; None if none fit."""
        if wide(a, b) <= longest:
            return 0.0, [part(a, b)]
        fits = [
            (LINE_BREAK[places[k]] + abs(wide(a, k) - wide(k, b)), [part(a, k), part(k, b)])
            for k in ends
            if a < k < b and wide(a, k) <= longest and wide(k, b) <= longest
        ]
        return min(fits, default=None, key=lambda fit: fit[0])

    best: dict[int, tuple[float, list]] = {0: (0.0, [])}  # the best layout of line[:b]
    for b in ends[1:]:
        for a in ends:
            if a >= b or a not in best or (fit := one_cue(a, b)) is None:
                continue
            short = max(0, longest // 2 - wide(a, b))
            end = 0 if b == len(line) else CUE_END[places[b]]
            cost = best[a][0] + CUE + SHORT_CUE * short + end + fit[0]
            if b not in best or cost < best[b][0]:
                best[b] = (cost, [*best[a][1], fit[1]])
    return best[len(line)][1] if len(line) in best else None


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
    """The subtitles of each beat of the film: its narration (or the storyboard's note on
    it) in as many cues as `cues` lays it out in, each shown for its share of the beat by
    its length (a voiced beat's narration: of its clip), for at most LONGEST seconds. A
    beat's cues are named after it: `M3.9`, or `M3.9/1`, `M3.9/2`, ... when it has several."""
    lang, captions = timeline["lang"], webvtt.WebVTT()
    for label, beat, start, end in beat_spans(timeline):
        said = beat["narration"] if what == "narration" else f"{label} · {beat['note']}"
        if "voice" in beat and what == "narration":  # shown as it is said
            end = min(end, start + beat["voice"]["seconds"] + GAP)
        laid = cues(said, lang)
        total, at = sum(len(" ".join(lines)) for lines in laid), start
        for n, lines in enumerate(laid, start=1):
            share = (end - start) * len(" ".join(lines)) / total
            name = label if len(laid) == 1 else f"{label}/{n}"
            shown = min(share, LONGEST)
            captions.captions.append(
                webvtt.Caption(
                    timestamp(at), timestamp(at + shown), "\n".join(lines), identifier=name
                )
            )
            at += share
    return captions


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
