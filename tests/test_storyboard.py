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
        assert [(b.number, b.caption("zh")) for b in s.beats] == beats[name]


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


def typed(beat, what: str) -> str:
    """A beat's note (`what` "note") or narration line in both languages, as typed."""
    if what == "note":
        return beat.zh + "\n" + beat.en
    return "\n".join(dict(beat.said).values())


def test_words_that_say_a_knob_are_filled_from_it():
    """Each note and each narration line that says a learning rate, an angle, a stop or a
    length the scene is tuned by names that knob, so it cannot fall behind it: the note and
    the line each on their own (one forgotten, the other would still say the value)."""
    from tests.craft import shot_class

    named = {}  # beat label: the knobs its words must name
    for n, _ in enumerate(shot_class("M7").learning_rates, start=1):
        named[f"M7.{n}"] = {"learning_rates"}
    m3 = shot_class("M3")
    for n in range(12, 12 + len(m3.learning_rates) - 1):
        named[f"M3.{n}"] = {"learning_rates"}
    for n, _ in enumerate(shot_class("M2").changes, start=2):
        named[f"M2.{n}"] = {"changes"}
    for n, _ in enumerate(shot_class("M5").stops, start=3):
        named[f"M5.{n}"] = {"stops"}
    beats = {b.label: b for shot in storyboard.film() for b in shot.beats}
    for label, knobs in named.items():
        for what in ("note", "narration"):
            assert knobs <= storyboard.fields(typed(beats[label], what)), (label, what)
    assert "any_angle" in storyboard.fields(typed(beats["M3.6"], "narration"))
    assert "learning_rate" in storyboard.fields(typed(beats["M8.1"], "narration"))


@pytest.mark.parametrize("name", list(storyboard.shots()))
def test_knobs_read_from_an_s_file_are_those_of_its_class(name):
    """The page, the subtitles and the film read the knobs without importing the scenes: what
    they read is what the class holds."""
    from tests.craft import shot_class

    shot, cls = storyboard.shot(name), shot_class(name)
    read = storyboard.knobs_of(shot.file, name)
    assert {k: read[k] for k in shot.knob_names()} == {
        k: getattr(cls, k) for k in shot.knob_names()
    }


def test_a_scene_with_other_knobs_says_its_own_values():
    """A variant of M5 that stops elsewhere says so in its notes and narration, and its beats
    last as long as those words take to read."""
    from gdkit.tools.contact_sheet import run_shot
    from tests.craft import shot_class

    variant = type("M5", (shot_class("M5"),), {"stops": (-0.5, 1.25)})
    scene = run_shot("M5", "en", (256, 144), scene_class=variant)
    beats = scene.shot.beats
    assert "x = −0.5" in beats[2].caption("en") and "x = −0.5" in beats[2].narration("en")
    assert "1.25" in beats[3].caption("zh") and "1.25" in beats[3].narration("zh")
    assert "0.2" not in beats[2].narration("en") + beats[2].caption("zh")
    assert [b["narration"]["en"] for b in scene.beat_timeline()][3] == beats[3].narration("en")


def test_a_template_that_names_no_knob_is_one_clear_error():
    beat = storyboard.shot("M7").beats[0]
    broken = storyboard.Beat("M7", 1, "学习率 {learning_rate[0]:g}", beat.en, beat.said, beat.file)
    with pytest.raises(storyboard.DataError, match="M7.1 note .*KeyError 'learning_rate'"):
        broken.caption("zh")


def test_numbers_worked_out_from_a_knob_say_what_the_helpers_work_out():
    """What the words say of a knob's consequences (typed: a template fills no sums) is what
    the numbers give: M2's α = 90° − the cane's inclination, M7's steps to converge."""
    from gdkit.descent import gradient_descent
    from gdkit.objectives import f
    from tests.craft import shot_class

    beats = {b.label: b for shot in storyboard.film() for b in shot.beats}
    for n, (inclination, _) in enumerate(shot_class("M2").changes[:2], start=2):
        for lang in ("zh", "en"):
            assert f"α {'变为' if lang == 'zh' else 'is'} {90 - inclination:g}°" in beats[
                f"M2.{n}"
            ].narration(lang)
    m7 = shot_class("M7")
    run = gradient_descent(
        f, m7.start_x, m7.learning_rates[2], tol=m7.tol, max_steps=m7.max_steps, domain=f.domain
    )
    assert f"{run.steps} 步收敛" in beats["M7.3"].narration("zh")
    assert f"{run.steps} steps to converge" in beats["M7.3"].narration("en")


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
