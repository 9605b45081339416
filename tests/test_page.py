"""The storyboard page, in a real browser: Debian's headless Chromium, driven by Selenium, on
the page `make storyboard` writes beside a built film, opened from file://."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdkit import storyboard
from gdkit.paths import ROOT
from gdkit.tools.browser import CHROMIUM, DRIVER, chromium

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="chromium and chromium-driver (make test installs them)"
)
BEATS = [beat for shot in storyboard.shots().values() for beat in shot.beats]


def storyboard_page(media: Path, lang: str = "zh") -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "gdkit.tools.contact_sheet", "--lang", lang, "--media", str(media)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = Path(result.stdout.split()[-1])
    assert page == media / f"storyboard.{lang}.html"
    return page


@pytest.fixture(scope="module")
def page(built, tmp_path_factory) -> Path:
    media = tmp_path_factory.mktemp("page") / "media"
    shutil.copytree(built, media)
    return storyboard_page(media)


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def open_page(browser, page: Path, ready: str = "return document.readyState === 'complete'"):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")  # what an earlier page logged
    browser.get(page.as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(ready))


FILM_READY = (
    "const v = document.getElementById('film');"
    "return v.readyState >= 1 && v.textTracks.length > 0 && v.textTracks[0].cues"
    " && v.textTracks[0].cues.length > 0"
)


def test_the_page_loads_from_file_with_every_beat_and_no_console_error(browser, page):
    open_page(browser, page, FILM_READY)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    groups = browser.execute_script(
        "return Array.from(document.querySelectorAll('tbody.shot'), g => "
        "[g.id, Array.from(g.querySelectorAll('tr.beat'), r => r.id)])"
    )
    assert [name for name, _ in groups] == list(storyboard.shots())
    assert [label for _, rows in groups for label in rows] == [b.label for b in BEATS]
    # Every picture loaded; the film's narration is a track with the cues of each beat of the film
    # (the storyboard's 38 and the closing beat).
    assert browser.execute_script(
        "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    )
    cues = browser.execute_script(
        "return Array.from(document.getElementById('film').textTracks[0].cues, c => c.id)"
    )
    beats = [cue.split("/")[0] for cue in cues]  # M3.9, or M3.9/1, M3.9/2 for several
    assert list(dict.fromkeys(beats)) == [b.label for shot in storyboard.film() for b in shot.beats]


def test_clicking_a_beat_plays_the_film_from_it_and_highlights_its_row(browser, page, built):
    import json

    open_page(browser, page, FILM_READY)
    timeline = json.loads((built / "gradient_descent.zh.72p2.beats.json").read_text())
    start = next(b["start"] for s in timeline["shots"] if s["shot"] == "M3" for b in s["beats"]
                 if b["beat"] == 9)  # fmt: skip
    browser.find_element("id", "M3.9").click()
    t = browser.execute_script("return document.getElementById('film').currentTime")
    assert t == pytest.approx(start, abs=1 / timeline["fps"])  # within one frame
    assert browser.execute_script("return document.querySelector('tr.current').id") == "M3.9"
    # While the film plays, the row of the beat on screen is highlighted and kept in view.
    browser.execute_script(
        "const v = document.getElementById('film'); v.pause(); v.currentTime = arguments[0];",
        next(b["start"] for s in timeline["shots"] if s["shot"] == "M8" for b in s["beats"]) + 0.6,
    )
    browser.execute_script("document.getElementById('film').dispatchEvent(new Event('timeupdate'))")
    row = browser.execute_script("return document.querySelector('tr.current').id")
    assert row == "M8.1"
    assert browser.execute_script(
        "const r = document.getElementById('M8.1').getBoundingClientRect(),"
        " t = document.getElementById('table').getBoundingClientRect();"
        "return r.top >= t.top && r.bottom <= t.bottom"
    )


def test_the_language_switch_swaps_the_texts_and_says_how_to_build_the_other_film(browser, page):
    open_page(browser, page, FILM_READY)
    m3 = storyboard.shot("M3").beats[8]
    cells = "return Array.from(document.getElementById('M3.9').cells, c => c.innerText)"
    voice = "return document.querySelector('#M3\\\\.9 .voice').innerText"
    assert m3.narration("zh") in browser.execute_script(cells)[3]
    assert browser.execute_script(voice) == "配音：无"  # no clip made for this page
    browser.find_element("id", "language").click()
    texts = browser.execute_script(cells)
    assert m3.narration("en") in texts[3] and m3.caption("en") in texts
    assert browser.execute_script(voice) == "voice: none"
    assert browser.execute_script("return document.documentElement.lang") == "en"
    message = browser.find_element("id", "no-film")
    assert message.is_displayed() and "make video VIDEO_LANG=en" in message.text
    browser.find_element("id", "language").click()
    assert m3.narration("zh") in browser.execute_script(cells)[3]
    assert not browser.find_element("id", "no-film").is_displayed()


def test_a_missing_picture_and_a_missing_film_show_a_message(browser, page, tmp_path):
    media = tmp_path / "media"
    shutil.copytree(page.parent, media)
    for film in media.glob("gradient_descent.*"):
        film.unlink()
    page = storyboard_page(media)
    (media / "storyboard" / "zh" / "M5.1.jpg").unlink()  # broken after the page was made
    open_page(browser, page)
    boxes = browser.execute_script(
        "return Array.from(document.querySelectorAll('.missing'), b => b.closest('tr').id)"
    )
    assert boxes == ["M5.1"]
    missing = browser.find_element("css selector", "#M5\\.1 .missing")
    assert missing.is_displayed() and "make storyboard" in missing.text
    message = browser.find_element("id", "no-film")
    assert message.is_displayed() and "make video" in message.text
    assert not browser.find_element("id", "film").is_displayed()
