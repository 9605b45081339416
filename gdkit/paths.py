"""Where the project's files are: the one place that knows."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: S-files, assets, media
PACKAGE = ROOT / "gdkit"
ASSETS = ROOT / "assets"
STORYBOARD_FILE = ASSETS / "storyboard.json"
NARRATION_FILE = ASSETS / "narration.json"
CONFIG_FILE = ROOT / "custom_config.yml"  # manimgl's settings for these scenes
MEDIA = ROOT / "media"  # what the commands write, unless told otherwise
