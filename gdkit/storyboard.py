"""The storyboard table (shots, files, start times, titles and beat notes) as data, with the
narration said over each beat, and the film's closing beat (the coda, not a storyboard shot).

A note or a narration line that says a value a scene is tuned by is a template: `学习率
{learning_rates[0]:g}` is filled from M7's knob `learning_rates` (str.format), so a knob
changed is every word about it changed. A scene fills them from its own class (a variant with
other knobs says its own values); everything else, from the literal class attributes of the
shot's class in its S-file, read without importing it (`knobs`)."""

from __future__ import annotations

import ast
import json
import math
import re
import string
from dataclasses import dataclass, replace
from functools import cache

from gdkit import sources
from gdkit.paths import NARRATION_FILE, STORYBOARD_FILE

# How fast a viewer reads a subtitle: Chinese characters, or English words, per second.
READING_RATE = {"zh": 4.5, "en": 2.5}
VOICE_GAP = 0.4  # seconds of quiet after a beat's voice clip before the beat may end


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
    file: str = ""  # the shot's S-file, whose knobs fill the templates
    knobs: tuple[tuple[str, object], ...] = ()  # a scene's own; the others read from its file

    @property
    def label(self) -> str:
        return f"{self.shot}.{self.number}"

    def caption(self, lang: str) -> str:
        return self.filled(self.zh if lang == "zh" else self.en, f"{self.label} note")

    def narration(self, lang: str) -> str:
        return self.filled(dict(self.said).get(lang, ""), f"{self.label} narration")

    def filled(self, template: str, what: str) -> str:
        named = fields(template)
        if not named:
            return template
        knobs = dict(self.knobs)
        if named - knobs.keys():  # what a scene does not set itself, its S-file's class does
            knobs = {**knobs_of(self.file, self.shot), **knobs}
        try:
            return WORDS.vformat(template, (), knobs)
        except (KeyError, IndexError, ValueError, TypeError) as error:
            raise DataError(
                f"{what} {template!r}: {type(error).__name__} {error} "
                f"(its fields name knobs of {self.shot} in {self.file})"
            ) from None

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

    def knob_names(self) -> set[str]:
        """The knobs the words of this shot's beats are filled from."""
        texts = [t for b in self.beats for t in (b.zh, b.en, *dict(b.said).values())]
        return {name for text in texts for name in fields(text)}

    def with_knobs(self, knobs: dict) -> Shot:
        """This shot, its words filled from `knobs` (a scene's own)."""
        given = tuple(sorted(knobs.items()))
        return replace(self, beats=tuple(replace(b, knobs=given) for b in self.beats))

    def start_frames(self) -> int:
        """The start time code in frames of the storyboard's frame rate (`fps()`)."""
        hours, minutes, seconds, frames = map(int, self.start.split(":"))
        return (3600 * hours + 60 * minutes + seconds) * fps() + frames

    def start_seconds(self) -> float:
        return self.start_frames() / fps()


class Words(string.Formatter):
    """str.format, and `!u` for a number with a minus sign (U+2212), as print sets it:
    `{stops[0]!u:g}` is −0.2 where `{stops[0]:g}` is -0.2."""

    def convert_field(self, value, conversion):
        if conversion == "u":
            return Minus(value)
        return super().convert_field(value, conversion)


class Minus:
    def __init__(self, value):
        self.value = value

    def __format__(self, spec: str) -> str:
        shown = format(self.value, spec)
        return "\u2212" + shown[1:] if shown.startswith("-") else shown


WORDS = Words()


def fields(template: str) -> set[str]:
    """The knobs a template names: `{learning_rates[0]:g}` names `learning_rates`."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise DataError(f"{template!r}: {error}") from None
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in parsed if name}


@cache
def knobs_of(file: str, shot: str) -> dict:
    """The literal class attributes of class `shot` in the S-file `file` (and of the classes
    of that file it derives from), read, not imported: `{"learning_rates": (0.05, 1.0, 0.3)}`."""
    from gdkit.paths import ROOT

    path = ROOT / file
    try:
        tree = ast.parse(sources.read_bytes(path), filename=file)
    except (OSError, SyntaxError, ValueError) as error:
        raise DataError(f"{file}: cannot be read for {shot}'s knobs: {error}") from None
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}

    def literals(name: str, seen: frozenset = frozenset()) -> dict:
        node, found = classes.get(name), {}
        if node is None or name in seen:
            return found
        for base in node.bases:
            if isinstance(base, ast.Name):
                found |= literals(base.id, seen | {name})
        for statement in node.body:
            target = statement.targets[0] if isinstance(statement, ast.Assign) else None
            if isinstance(statement, ast.AnnAssign):
                target = statement.target
            if isinstance(target, ast.Name) and statement.value is not None:
                try:
                    found[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    found.pop(target.id, None)  # not a plain value: not a knob words name
        return found

    return literals(shot)


class DataError(ValueError):
    """A data file that is not what its readers take (`file: place: what is wrong`): said in
    one line by the commands."""


def parse_json(text: str | bytes, name: str):
    """The JSON document `text` of the file `name`; a DataError naming the file, and where it
    can, the line and column, when it is not JSON, holds a number that is not finite (NaN,
    1e999) or nests deeper than Python reads."""
    try:
        return json.loads(text, parse_constant=_not_finite, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise DataError(f"{name}: line {error.lineno} column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise DataError(f"{name}: nested too deeply to be read") from None
    except ValueError as error:  # not UTF-8, a number out of range
        raise DataError(f"{name}: {error}") from None


def _not_finite(constant: str):
    raise ValueError(f"{constant} is not a number a data file may hold")


def _finite(number: str) -> float:
    if not math.isfinite(value := float(number)):
        raise ValueError(f"{number} is too large a number")
    return value


KINDS = {
    str: "a string", int: "a whole number", float: "a number", bool: "true or false",
    list: "a list", dict: "an object",
}  # fmt: skip


def checked(value, kind: type, where: str):
    """`value` if it is of `kind` (float: any number; int: not a bool), else a DataError
    naming its place (`shots[2].beats[0].zh`)."""
    if isinstance(value, bool):
        fits = kind is bool
    else:
        fits = isinstance(value, int | float) if kind is float else isinstance(value, kind)
    if not fits:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:36] + " ..."
        raise DataError(f"{where + ': ' if where else ''}{shown} is not {KINDS[kind]}")
    return value


def field(data: dict, key: str, kind: type, where: str = ""):
    """`data[key]`, checked to be of `kind`; a DataError when it is missing or is not."""
    if key not in data:
        raise DataError(f'{where + ": " if where else ""}no "{key}"')
    return checked(data[key], kind, f"{where}.{key}" if where else key)


def objects(data: dict, key: str, where: str = "") -> list[tuple[str, dict]]:
    """The objects listed under `data[key]`, each with its place (`shots[2]`)."""
    place = f"{where}.{key}" if where else key
    listed = field(data, key, list, where)
    return [
        (f"{place}[{i}]", checked(item, dict, f"{place}[{i}]")) for i, item in enumerate(listed)
    ]


TIME_CODE = re.compile(r"\d\d:[0-5]\d:[0-5]\d:(\d\d)")


def _shot(data: dict, lines: dict, rate: int, where: str, in_storyboard: bool = True) -> Shot:
    name = field(data, "shot", str, where)
    start = data.get("start")
    if in_storyboard or start is not None:
        start = field(data, "start", str, where)
        code = TIME_CODE.fullmatch(start)
        if not code or int(code[1]) >= rate:
            raise DataError(
                f"{where}.start: {start!r} is not a time code HH:MM:SS:FF at {rate} fps"
            )
    title = field(data, "title", dict, where)
    beats = []
    for number, (place, beat) in enumerate(objects(data, "beats", where), start=1):
        if field(beat, "beat", int, place) != number:
            raise DataError(f"{place}.beat: {beat['beat']}, not {number} (beats count 1, 2, ...)")
        said = tuple(lines.get(f"{name}.{number}", {}).items())
        zh, en = field(beat, "zh", str, place), field(beat, "en", str, place)
        beats.append(Beat(name, number, zh, en, said, file=field(data, "file", str, where)))
    if not beats:
        raise DataError(f"{where}.beats: none")
    return Shot(
        name=name,
        file=field(data, "file", str, where),
        start=start,
        title_zh=field(title, "zh", str, f"{where}.title"),
        title_en=field(title, "en", str, f"{where}.title"),
        beats=tuple(beats),
    )


def _storyboard(data, lines: dict) -> tuple[int, dict[str, Shot], Shot]:
    checked(data, dict, "")
    rate = field(data, "fps", int)
    if rate <= 0:
        raise DataError(f"fps: {rate} is not a frame rate")
    shots = {}
    for place, item in objects(data, "shots"):
        shot = _shot(item, lines, rate, place)
        if shot.name in shots:
            raise DataError(f"{place}.shot: {shot.name!r} again")
        shots[shot.name] = shot
    coda = _shot(field(data, "coda", dict), lines, rate, "coda", in_storyboard=False)
    if coda.name in shots:
        raise DataError(f"coda.shot: {coda.name!r} again")
    return rate, shots, coda


def _lines(data) -> dict[str, dict[str, str]]:
    """The narration by beat label (`M3.9`), each line by language."""
    checked(data, dict, "")
    lines = field(data, "lines", dict)
    for label, said in lines.items():
        place = f"lines[{json.dumps(label, ensure_ascii=False)}]"
        for lang, line in checked(said, dict, place).items():
            checked(line, str, f"{place}.{lang}")
    return lines


def _read(path, check):
    """`check(data)` of the JSON file `path`, read as a file a render is made from (its
    sidecar names it); a DataError naming the file."""
    name = sources.named(path)
    try:
        data = parse_json(sources.read_bytes(path), name)
    except OSError as error:
        raise DataError(f"{name}: cannot be read: {error.strerror}") from None
    try:
        return check(data)
    except DataError as error:
        raise DataError(f"{name}: {error}") from None


def _storyboard_part(data: bytes, shot: str) -> dict:
    """What a render of `shot` takes from the storyboard: its frame rate and the shot's
    entry (another shot's entry may change without it being rendered again)."""
    board = json.loads(data)
    entries = [*board["shots"], board["coda"]]
    return {"fps": board["fps"], "shot": [e for e in entries if e.get("shot") == shot]}


def _narration_part(data: bytes, shot: str) -> dict:
    """What a render of `shot` takes from the narration: the lines of its beats."""
    lines = json.loads(data)["lines"]
    return {label: said for label, said in lines.items() if label.split(".")[0] == shot}


sources.parts[sources.named(STORYBOARD_FILE)] = _storyboard_part
sources.parts[sources.named(NARRATION_FILE)] = _narration_part


@cache
def _data() -> tuple[int, dict[str, Shot], Shot]:
    """The storyboard's frame rate, its shots by name and the coda, read and checked once."""
    lines = _read(NARRATION_FILE, _lines)
    return _read(STORYBOARD_FILE, lambda data: _storyboard(data, lines))


def fps() -> int:
    """The frame rate of the storyboard's time codes (HH:MM:SS:FF): its frame field counts
    frames of this rate."""
    return _data()[0]


def shots() -> dict[str, Shot]:
    """Every shot of the storyboard by name, in storyboard order."""
    return _data()[1]


def coda() -> Shot:
    """The film's closing beat: a held summary after the storyboard's last shot."""
    return _data()[2]


def film() -> list[Shot]:
    """What the film shows, in order: the storyboard's shots, then the coda."""
    return [*shots().values(), coda()]


def shot(name: str) -> Shot:
    for candidate in film():
        if candidate.name == name:
            return candidate
    raise KeyError(f"{name} is not a shot of the storyboard")
