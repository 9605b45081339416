import re
from pathlib import Path

import pytest

from gdkit import storyboard
from gdkit.text import TEXT

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "storyboard.md"


def read_spec():
    md = SPEC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (M\d+) \| (S\d) \| ([\d:]+) \| (.+?) \| (.+?) \| (\d+) \|$", md, re.M)
    beats, shot = {}, None
    for line in md.splitlines():
        if m := re.match(r"^### (M\d+) ·", line):
            shot = m[1]
        elif shot and (m := re.match(r"^(\d+)\. (\S+) — ", line)):
            beats.setdefault(shot, []).append((int(m[1]), m[2]))
    return rows, beats


def test_ten_shots_thirty_eight_beats():
    shots = storyboard.shots()
    assert list(shots) == [f"M{i}" for i in range(1, 11)]
    assert sum(len(s.beats) for s in shots.values()) == 38
    for s in shots.values():
        assert [b.number for b in s.beats] == list(range(1, len(s.beats) + 1))
        assert all(b.zh and b.en for b in s.beats)


@pytest.mark.skipif(not SPEC.exists(), reason="the storyboard spec is not beside this checkout")
def test_data_matches_the_storyboard_spec():
    rows, beats = read_spec()
    shots = storyboard.shots()
    assert len(rows) == 10
    for name, file, start, title_zh, title_en, count in rows:
        s = shots[name]
        assert (s.file, s.start) == (f"{file}.py", start)
        assert (s.title_zh, s.title_en) == (title_zh, title_en)
        assert len(s.beats) == int(count)
        assert [(b.number, b.zh) for b in s.beats] == beats[name]


def test_start_times_order_the_shots():
    starts = [s.start_seconds() for s in storyboard.shots().values()]
    assert starts == sorted(starts)
    assert storyboard.shot("M3").start_seconds() == pytest.approx(59 + 23 / 30)


def test_unknown_shot_is_a_clear_error():
    with pytest.raises(KeyError, match="M11"):
        storyboard.shot("M11")


def test_every_text_has_both_languages():
    for key, entry in TEXT.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key


def test_every_text_has_the_same_fields_in_both_languages():
    import string

    for key, entry in TEXT.items():
        fields = {
            lang: {name for _, name, _, _ in string.Formatter().parse(value) if name}
            for lang, value in entry.items()
        }
        assert fields["zh"] == fields["en"], key


def numbers_in(line: str) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", line)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notes_and_narration_name_the_knobs_the_scenes_use(lang):
    """The storyboard's notes and the narration say the learning rates, angles and lengths
    the scene files actually use: change a knob, and this says which words to change."""
    from tests.craft import shot_class

    m7, m3, m2 = shot_class("M7"), shot_class("M3"), shot_class("M2")
    said = {
        beat.label: numbers_in(beat.caption(lang)) + numbers_in(beat.narration(lang))
        for shot in storyboard.film()
        for beat in shot.beats
    }
    for n, lr in enumerate(m7.learning_rates, start=1):
        assert lr in said[f"M7.{n}"], (f"M7.{n}", lr)
    for n, lr in enumerate(m3.learning_rates[1:], start=12):
        assert lr in said[f"M3.{n}"], (f"M3.{n}", lr)
    assert m3.any_angle in said["M3.6"]
    for n, (inclination, length) in enumerate(m2.changes, start=2):
        assert inclination in said[f"M2.{n}"] or lang == "en" and n == 4, (f"M2.{n}", inclination)
        assert length is None or length in said[f"M2.{n}"]


def test_m3_captions_are_filled_from_its_knobs():
    from gdkit.tools.contact_sheet import run_shot
    from tests.craft import shot_class

    m3 = shot_class("M3")
    variant = type("M3", (m3,), {"any_angle": 45.0, "learning_rates": (1.0, 2.0, 0.25)})
    seen = {}

    def hook(scene, n):
        if n != 1:  # at the start of beat n (None: at the end), beat n - 1 is over
            seen[(n or scene.current_beat + 1) - 1] = getattr(scene, "caption_text", "")

    run_shot("M3", "en", (256, 144), hooks=[hook], scene_class=variant)
    assert "45" in seen[6] and "2" in seen[12] and "0.25" in seen[13]
    assert "30" not in seen[6] and "1.5" not in seen[12]


@pytest.mark.parametrize("name", list(storyboard.shots()))
def test_each_shot_class_says_its_storyboard_title(name):
    from tests.craft import shot_class

    shot = storyboard.shot(name)
    first_line = (shot_class(name).__doc__ or "").strip().splitlines()[0]
    # In English: the scene files hold no Chinese literal (those live in the text tables).
    assert first_line == f"{name} · {shot.title('en')}."
