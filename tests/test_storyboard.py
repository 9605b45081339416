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
