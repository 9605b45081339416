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
    """The whole film, built once for the session (small, 2 fps): its media folder."""
    from tests.helpers import build

    media = tmp_path_factory.mktemp("built") / "media"
    result = build(media)
    assert result.returncode == 0, result.stderr
    return media


def pytest_collection_modifyitems(config, items):
    """What `make test-fast` leaves out, found rather than listed: a test that takes the
    built film is a film test, and one in a module that drives Chromium a browser test."""
    from gdkit.tools import browser

    for item in items:
        if "built" in item.fixturenames:
            item.add_marker(pytest.mark.film)
        if getattr(item.module, "chromium", None) is browser.chromium:
            item.add_marker(pytest.mark.browser)
