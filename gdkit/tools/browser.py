"""Debian's headless Chromium, driven by Selenium with the system's chromedriver (nothing is
downloaded), for the page's tests and `make bench LIVE=1` (selenium comes with the test extras).
`python -m gdkit.tools.browser PAGE.html OUT.png [ROW]` takes the README's screenshot of the
storyboard page, the beat ROW (e.g. M3.9) clicked."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def chromium(size=(1600, 1000)):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 f"--window-size={size[0]},{size[1]}", "--hide-scrollbars",
                 "--autoplay-policy=no-user-gesture-required", "--mute-audio"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(DRIVER))


def screenshot(page: Path, out: Path, row: str | None = None) -> None:
    driver = chromium((1600, 900))
    try:
        driver.get(page.resolve().as_uri())
        time.sleep(2)
        if row:
            driver.find_element("id", row).click()
            time.sleep(1.5)
            driver.execute_script("document.getElementById('film').pause()")
        driver.save_screenshot(str(out))
    finally:
        driver.quit()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
