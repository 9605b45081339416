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
