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
