"""The storyboard as a web page: the original shot table, alive beside the film.

`make storyboard` writes `media/storyboard.<lang>.html` with its files in `media/storyboard/`:
each beat's end picture, and for each language whose film is built the narration (WebVTT) and
the shots as chapters. It opens from `file://`, with nothing fetched from the network: one row
per beat, grouped by shot as in the original table, with the beat's picture, narration, place
in the film and the command that renders it alone; the film plays beside it, and a row clicked
plays the film from its beat. Rendered from `templates/storyboard.html` by Jinja2.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import jinja2

from gdkit import storyboard, voice
from gdkit.files import Temporary, with_usual_mode
from gdkit.text import LANGUAGES, text
from gdkit.tools import outputs, subtitles

ASSETS = "storyboard"  # the folder beside the page, under media/
PAGE_TEXTS = (
    "page_heading", "page_shot", "page_timecode", "page_picture", "page_beat",
    "page_narration", "page_in_film", "page_file", "page_render", "page_language",
)  # fmt: skip


def newest_film(media: Path, lang: str) -> tuple[Path, dict] | None:
    """The film of `lang` built last, whatever its quality, with its timeline; None if none
    was built. A film whose sidecar cannot be read is left out (one warning if it holds what
    a film's sidecar does not)."""
    films = sorted(
        media.glob(f"gradient_descent.{lang}.*p*.mp4"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for film in films:
        try:
            timeline = outputs.read_sidecar(outputs.sidecar_path(film), film=True)
        except OSError:
            continue
        except storyboard.DataError as error:
            print(f"warning: {error}; the page leaves its film out", file=sys.stderr)
            continue
        if timeline["lang"] == lang:
            return film, timeline
    return None


def write_bytes(path: Path, content: bytes) -> None:
    """`content` as `path`, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with Temporary(path) as temporary:
        temporary.path.write_bytes(content)
        with_usual_mode(temporary.path)
        temporary.path.replace(path)


def write_text(path: Path, content: str) -> None:
    write_bytes(path, content.encode("utf-8"))


def film_data(media: Path, lang: str) -> dict | None:
    """What the page's player needs of one language's film; its tracks are written here."""
    found = newest_film(media, lang)
    if found is None:
        return None
    film, timeline = found
    folder = media / ASSETS / lang
    narration = subtitles.as_text(subtitles.beat_cues(timeline))
    chapters = subtitles.as_text(subtitles.chapter_cues(timeline))
    write_text(folder / "narration.vtt", narration)  # for other players; the page holds both
    write_text(folder / "chapters.vtt", chapters)
    beats = {
        label: [start, round(end - start, 4)]
        for label, _, start, end in subtitles.beat_spans(timeline)
    }
    return {
        "src": film.name,
        "name": film.stem,
        "fps": timeline["fps"],
        "narration": f"{ASSETS}/{lang}/narration.vtt",
        "chapters": f"{ASSETS}/{lang}/chapters.vtt",
        "narration_vtt": narration,
        "chapters_vtt": chapters,
        "beats": beats,
    }


def picture_path(lang: str, label: str) -> str:
    return f"{ASSETS}/{lang}/{label}.jpg"


def jpeg(still) -> bytes:
    """A beat's end picture (PIL) as the page shows it."""
    data = io.BytesIO()
    still.convert("RGB").save(data, format="JPEG", quality=85)
    return data.getvalue()


def save_pictures(media: Path, lang: str, stills: dict) -> None:
    """Each beat's end picture (PIL images by label), as the page shows them."""
    for label, still in stills.items():
        write_bytes(media / picture_path(lang, label), jpeg(still))


def page(media: Path, lang: str, live: bool = False) -> str:
    """The page's HTML, showing `lang` first; `live`: served by `make live`, which tells it
    what changed (gdkit/tools/live.py)."""
    films = {each: film_data(media, each) for each in LANGUAGES}
    voiced = {each: voice.kinds(media, each) for each in LANGUAGES}
    shots = []
    for shot in storyboard.shots().values():
        beats = []
        for beat in shot.beats:
            pictures = {
                each: picture_path(each, beat.label)
                for each in LANGUAGES
                if (media / picture_path(each, beat.label)).exists()
            }
            beats.append(
                {
                    "label": beat.label,
                    "number": beat.number,
                    "caption": {each: beat.caption(each) for each in LANGUAGES},
                    "narration": {each: beat.narration(each) for each in LANGUAGES},
                    # the page's own language's picture where the other has none
                    "picture": {
                        each: pictures.get(each, pictures.get(lang, picture_path(lang, beat.label)))
                        for each in LANGUAGES
                    },
                    "command": f"manim {shot.file} {shot.name} --beat {beat.number} -l",
                    # recorded, scratch or missing, in each language
                    "voice": {each: voiced[each].get(beat.label, "missing") for each in LANGUAGES},
                    "voice_text": {
                        each: text(f"page_voice_{voiced[each].get(beat.label, 'missing')}", each)
                        for each in LANGUAGES
                    },
                }
            )
        shots.append(
            {
                "name": shot.name,
                "start": shot.start,
                "title": {each: shot.title(each) for each in LANGUAGES},
                "file": shot.file,
                "beats": beats,
            }
        )
    texts = {each: {key: text(key, each) for key in PAGE_TEXTS} for each in LANGUAGES}
    for each in LANGUAGES:
        command = "make video" + ("" if each == "zh" else f" VIDEO_LANG={each}")
        texts[each]["no_film"] = text("page_no_film", each).format(command=command)
        texts[each]["film_broken"] = text("page_film_broken", each).format(command=command)
        texts[each]["no_picture"] = text("page_no_picture", each).format(
            command="make storyboard" + ("" if each == "zh" else f" VIDEO_LANG={each}")
        )
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("gdkit.tools", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("storyboard.html").render(
        lang=lang, languages=LANGUAGES, shots=shots, films=films, texts=texts, live=live
    )


def write(media: Path, lang: str, stills: dict) -> Path:
    """The page and its files, under `media`; returns the page's path."""
    save_pictures(media, lang, stills)
    path = media / f"storyboard.{lang}.html"
    write_text(path, page(media, lang))
    return path
