"""`make live` in a real Chromium: a saved edit of a copy of the project redraws, in the page,
the pictures of the beats it changed and only those (how soon is `make bench LIVE=1`'s to
measure, on an idle machine: a timed test only measures its neighbours); a changed
beat plays its new clip, and the page's film follows at its time; an error shows on the page
and the next good save clears it; Ctrl-C stops the server cleanly."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from gdkit import storyboard
from gdkit.paths import ROOT
from gdkit.tools import outputs
from gdkit.tools.browser import CHROMIUM, DRIVER, chromium
from tests.helpers import FPS, SIZE
from tests.test_ordinary_user import copied_checkout

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="chromium and chromium-driver (make test installs them)"
)
SHOTS = storyboard.shots()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as reply:
        return json.load(reply)


def until(test, timeout: float, step: float = 0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if found := test():
            return found
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture(scope="module")
def served(tmp_path_factory, built):
    """The live server on a copy of the project (every S-file) and of the tests' film (small,
    2 fps), its first pictures drawn and the film found up to date; stopped with Ctrl-C
    (SIGINT) at the end, which must be clean."""
    copy = copied_checkout(tmp_path_factory.mktemp("live"))
    shutil.copytree(built, copy / "media")
    port = free_port()
    log = (copy / "live.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gdkit.tools.live", "--port", str(port),
         "--media", str(copy / "media"), "-r", SIZE, "--fps", FPS],
        cwd=copy, stderr=log, stdout=log,
    )  # fmt: skip
    try:
        until(lambda: server.poll() is not None or _idle(port, film=True), 240, step=0.5)
        assert server.poll() is None, (copy / "live.log").read_text()
        yield copy, port
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=20)
        log.close()
    said = (copy / "live.log").read_text()
    assert code == 0 and said.strip().endswith("live: stopped"), said
    assert "Traceback" not in said, said


def _idle(port: int, film: bool = False) -> bool:
    """Whether the pictures are drawn (`film`: and the film built)."""
    try:
        now = status(port)
    except OSError:
        return False
    return not now["busy"] and not (film and now["building"])


@pytest.fixture(scope="module")
def page(served):
    _, port = served
    driver = chromium()
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        until(lambda: driver.execute_script("return document.readyState") == "complete", 20)
        time.sleep(0.5)  # the page's event stream is open
        yield driver
    finally:
        driver.quit()


def changed_at(page, label: str):
    return page.execute_script(f"return document.getElementById({label!r}).dataset.changedAt")


def edit(copy, name: str, old: str, new: str) -> float:
    """Save `name` with `old` replaced: the time of the save."""
    path = copy / name
    source = path.read_text()
    assert old in source
    saved = time.time()
    path.write_text(source.replace(old, new))
    return saved


@pytest.mark.parametrize(
    "file, old, new, beat",
    [
        ("S1.py", "objective_color = YELLOW", "objective_color = TEAL", "M1.1"),
        ("S3.py", "change_color = PINK", "change_color = PURPLE", "M3.9"),
    ],
)
def test_a_saved_edit_redraws_the_beats_it_changed(served, page, file, old, new, beat):
    copy, port = served
    before = {b.label: changed_at(page, b.label) for s in SHOTS.values() for b in s.beats}
    saved = edit(copy, file, old, new)
    shown = until(lambda: changed_at(page, beat) != before[beat] and changed_at(page, beat), 30)
    took = int(shown) / 1000 - saved
    print(f"{file} {old} -> {new}: {beat} in the page {took:.2f} s after the save")
    until(lambda: _idle(port), 60)
    time.sleep(0.3)
    after = {label: changed_at(page, label) for label in before}
    redrawn = sorted(label for label in before if after[label] != before[label])
    shot = next(s for s in SHOTS.values() if s.file == file and beat.startswith(s.name + "."))
    assert redrawn and all(label.split(".")[0] == shot.name for label in redrawn), redrawn


def test_a_changed_beat_plays_its_new_clip_and_the_film_follows_at_its_time(served, page):
    copy, port = served
    until(lambda: _idle(port, film=True), 120)  # the films of the edits before this one
    film = page.find_element("id", "film")
    script = page.execute_script
    until(lambda: script("return arguments[0].readyState", film) >= 1, 20)
    script("arguments[0].pause(); arguments[0].currentTime = 41.5;", film)
    src = film.get_attribute("src")
    clips = (
        "return Object.fromEntries(Array.from(document.querySelectorAll('tr.beat'))"
        ".filter((r) => r.dataset.clip).map((r) => [r.id, r.dataset.clip]))"
    )
    before, joined = script(clips), "return document.body.dataset.filmChangedAt"
    last_film = script(joined)
    edit(copy, "S4.py", "tangent_color = PURPLE_B", "tangent_color = TEAL")
    until(lambda: script(joined) != last_film, 120, step=0.2)
    assert film.get_attribute("src") != src  # the film built again ...
    assert abs(script("return arguments[0].currentTime", film) - 41.5) < 0.01  # ... at its time

    # The beats with a new clip are M5's from the tangent on: those whose frames changed.
    clips = {label: clip for label, clip in script(clips).items() if before.get(label) != clip}
    video = copy / "media" / "videos" / "zh" / f"{SIZE.split('x')[1]}p{FPS}" / "M5.mp4"
    keys = {b["beat"]: b["key"] for b in outputs.read_sidecar(outputs.sidecar_path(video))["beats"]}
    assert clips and all(label.startswith("M5.") for label in clips), clips
    for label, clip in clips.items():  # each the new encoding of its beat
        assert clip.split("?")[0].endswith(f"/M5.{keys[int(label.split('.')[1])]}.mp4"), clip

    # A click on such a row plays its clip there; the film stays where it was.
    label = sorted(clips)[-1]
    page.find_element("id", label).click()
    playing = f"document.getElementById({label!r}).querySelector('video.clip')"
    until(lambda: script(f"const c = {playing}; return c && c.currentTime > 0.2"), 20)
    assert script("return arguments[0].paused", film)
    until(lambda: _idle(port, film=True), 120)


@pytest.mark.parametrize(
    "old, new, kind",
    [
        ("class M1(", "class M1((", "SyntaxError"),  # a save half done
        ("Tex(g.latex,", "Tex(g.latexx,", "AttributeError"),  # an exception in construct
    ],
)
def test_an_error_shows_on_the_page_until_the_next_good_save(served, page, old, new, kind):
    copy, port = served
    edit(copy, "S1.py", old, new)

    def error_line():
        box = page.find_element("id", "live-error")
        return box.is_displayed() and box.text

    line = until(error_line, 30)
    assert line.startswith("S1.py:") and kind in line, line
    assert status(port)["error"] == line
    edit(copy, "S1.py", new, old)
    until(lambda: not page.find_element("id", "live-error").is_displayed(), 30)
    assert status(port)["error"] is None


def test_a_comment_in_the_library_redraws_every_shot_and_changes_no_picture(served, page):
    copy, port = served
    before = {b.label: changed_at(page, b.label) for s in SHOTS.values() for b in s.beats}
    path = copy / "gdkit" / "mobjects" / "words.py"
    path.write_text(path.read_text() + "\n# a comment\n")
    until(lambda: not _idle(port), 10, step=0.01)  # it looks at every shot again ...
    until(lambda: _idle(port), 120)
    time.sleep(0.3)
    after = {label: changed_at(page, label) for label in before}
    assert after == before  # ... and the page keeps every picture


def test_it_answers_only_to_its_own_name(served):
    """A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) gets
    nothing; the page itself, asked for by 127.0.0.1 or localhost, does."""
    _, port = served
    for host, code in (("127.0.0.1", 302), ("localhost", 302), ("evil.example", 403)):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": host})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            got = opener.open(request, timeout=5).status
        except urllib.error.HTTPError as error:
            got = error.code
        assert got == code, host


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--port", "99999"], 2, "is not a port"),
        (["--port", "abc"], 2, "is not a port"),
        (["--media", "/proc/no-such-folder"], 1, "cannot write to /proc/no-such-folder"),
    ],
)
def test_bad_input_gets_one_line(args, code, says):
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.live", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == code
    assert result.stderr.startswith("live: error: ") and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
