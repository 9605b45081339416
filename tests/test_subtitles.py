"""The film's subtitles to broadcast limits (the timed-text guides of Netflix and the BBC):
lines of at most 16 characters (zh) or 42 (en), two lines a cue, a cue on screen for 5/6 s
to 7 s at a reading speed of at most 9 (zh) or 20 (en) characters a second, lines and cues
broken at clauses where they can and never inside a number, a formula's operator or a
bracket. Checked on the real narration in both languages, timed as the built film is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from gdkit import storyboard
from gdkit.paths import ROOT

LIMITS = {"zh": (16, 9), "en": (42, 20)}  # characters a line, characters a second
LANGS = list(LIMITS)
BEATS = [beat for shot in storyboard.film() for beat in shot.beats]


def laid_out(lang: str) -> dict[str, list[list[str]]]:
    from gdkit.tools import subtitles

    return {beat.label: subtitles.cues(beat.narration(lang), lang) for beat in BEATS}


@pytest.mark.parametrize("lang", LANGS)
def test_every_line_fits_and_every_cue_has_at_most_two(lang):
    """Chinese lines count a half-width letter, digit or space as half a character."""
    from gdkit.tools import subtitles

    width, _ = LIMITS[lang]
    too_long = [
        (label, line)
        for label, cues in laid_out(lang).items()
        for cue in cues
        for line in cue
        if subtitles.width(line, lang) > width or not line or line != line.strip()
    ]
    assert too_long == []
    assert all(1 <= len(cue) <= 2 for cues in laid_out(lang).values() for cue in cues)


@pytest.mark.parametrize("lang", LANGS)
def test_the_cues_say_the_whole_narration(lang):
    for beat in BEATS:
        shown = " ".join(line for cue in laid_out(lang)[beat.label] for line in cue)
        said = beat.narration(lang)
        if lang == "zh":  # a line breaks between two characters, or at a space
            shown, said = shown.replace(" ", ""), said.replace(" ", "")
        assert shown.split() == said.split(), beat.label


# 0.3|91, 15.4|°, a formula cut beside an operator ("=|", "|+"), ∇|f
NUMBER_CUT = re.compile(r"[\d.][\n|]+[\d.°]|[=+−×][\n|]|[\n|][=+−×]|∇[\n|]")
# A Chinese line that ends on a character binding what follows (的, 与) or at a space round a
# letter or number set in the sentence ("与 x|轴", "α 变为|50°")
LATIN = "A-Za-z0-9α-ωΔ∇°₀-ₜ"
ZH_CUT = re.compile(rf"[的与和及把]\n|[{LATIN}]\n[\u4e00-\u9fff]|[\u4e00-\u9fff]\n[{LATIN}(]")


@pytest.mark.parametrize("lang", LANGS)
def test_no_line_or_cue_breaks_inside_a_number_a_bracket_or_after_an_operator(lang):
    for label, cues in laid_out(lang).items():
        lines = [line for cue in cues for line in cue]
        joined = "\n".join(lines)
        assert not NUMBER_CUT.search(joined), (label, lines)
        if lang == "zh":
            assert not ZH_CUT.search(joined), (label, lines)
        for line in lines:  # each bracket closes on the line it opens
            depth = 0
            for c in line:
                depth += (c in "(（") - (c in ")）")
                assert depth >= 0, (label, line)
            assert depth == 0, (label, line)


@pytest.mark.parametrize("lang", LANGS)
def test_cues_end_at_clauses_where_the_narration_has_them(lang):
    """A beat said in several cues: each cue but its last ends a clause or a sentence."""
    for label, cues in laid_out(lang).items():
        for cue in cues[:-1]:
            assert cue[-1][-1] in ",:;.?!，：；、。？！", (label, cues)


def timed(built, lang: str) -> list[tuple[str, float, float, str]]:
    """The film's narration cues in `lang` as the built film times its beats: (name, start,
    end, text)."""
    from gdkit.tools import subtitles

    timeline = json.loads((built / "gradient_descent.zh.72p2.beats.json").read_text())
    timeline["lang"] = lang
    for shot, made in zip(storyboard.film(), timeline["shots"], strict=True):
        for beat, said in zip(shot.beats, made["beats"], strict=True):
            said["narration"] = beat.narration(lang)

    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return 3600 * int(hours) + 60 * int(minutes) + float(rest)

    return [
        (c.identifier, seconds(c.start), seconds(c.end), c.text)
        for c in subtitles.beat_cues(timeline).captions
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_each_cue_is_shown_long_enough_to_read_and_no_longer_than_seven_seconds(built, lang):
    _, speed = LIMITS[lang]
    cues = timed(built, lang)
    assert len(cues) >= len(BEATS)
    wrong = [
        (name, round(end - start, 2), text)
        for name, start, end, text in cues
        if not 5 / 6 - 1e-3 <= end - start <= 7 + 1e-3
        or len(text.replace("\n", " ")) / (end - start) > speed
    ]
    assert wrong == []
    starts = [start for _, start, _, _ in cues]
    ends = [end for _, _, end, _ in cues]
    assert all(end <= after + 1e-3 for end, after in zip(ends[:-1], starts[1:], strict=True))


def test_the_film_srt_holds_the_cues_of_each_beat_in_order(built):
    srt = (built / "gradient_descent.zh.72p2.srt").read_text(encoding="utf-8")
    blocks = [block.split("\n") for block in srt.strip().split("\n\n")]
    assert [block[2:] for block in blocks] == [
        cue for label in laid_out("zh") for cue in laid_out("zh")[label]
    ]


def test_subtitles_are_laid_out_without_a_file_in_the_temporary_folder(tmp_path):
    """jieba keeps its dictionary in a file of a fixed name in the temporary folder, which
    another user could plant: the subtitles read its dictionary without it."""
    line = "以这一点为圆心画一个半径为 h 的圆：走一步 h 能到达的所有地方。"
    code = f"from gdkit.tools import subtitles; print(subtitles.cues({line!r}, 'zh'))"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(scratch)}, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "圆心" in result.stdout and result.stderr == ""
    assert list(scratch.iterdir()) == []
