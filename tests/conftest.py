import fcntl
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# manimlib reads sys.argv when first imported: give it ours before pytest's flags can reach it.
from gdkit.engine import prepare  # noqa: E402

prepare((640, 360))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The whole film, built once for the run (small, 2 fps): its media folder. Under xdist
    the workers share it: the first to ask builds it in the run's own temporary folder (made
    0700 by pytest), the others wait on the lock beside it."""
    from tests.helpers import build

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    media, done = shared / "built" / "media", shared / "built" / "done"
    with open(shared / "built.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(media.parent, ignore_errors=True)
            media.parent.mkdir()
            result = build(media)
            assert result.returncode == 0, result.stderr
            done.touch()
    return media


def pytest_collection_modifyitems(config, items):
    """What `make test-fast` leaves out, found rather than listed: a test that takes the
    built film is a film test, one in a module that drives Chromium a browser test, and the
    English run of a check made in both languages a second-language one."""
    from gdkit.tools import browser

    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("lang") == "en":
            item.add_marker(pytest.mark.second_language)
        if "built" in item.fixturenames:
            item.add_marker(pytest.mark.film)
        if getattr(item.module, "chromium", None) is browser.chromium:
            item.add_marker(pytest.mark.browser)
