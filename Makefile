# Two commands on a fresh Debian machine: `make video` renders the video, `make test` tests.
# Both first install what is missing (Debian packages, then .venv); a second run installs nothing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Options for `make video` / `make storyboard` (VIDEO_LANG, not LANG: the shell owns LANG).
VIDEO_LANG ?= zh
QUALITY ?= final

DEBIAN_PACKAGES := ffmpeg libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri libglx-mesa0 \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra dvisvgm \
	fonts-noto-cjk fonts-cmu fontconfig pkg-config libpango1.0-dev gcc make espeak-ng

# What only the tests need: the browser that opens the storyboard page.
TEST_PACKAGES := chromium chromium-driver

.PHONY: all setup system-packages test-packages video shots timeline storyboard live voice record test test-fast lint golden bench derived clean

all: video

setup: system-packages $(STAMP)

system-packages:
	@sh .ci/install-system-packages $(PYTHON) $(DEBIAN_PACKAGES)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# VOICE=1: each beat paced by its voice clip, the clips the film's sound (see `make voice`).
video: setup
	$(BIN)/python -m gdkit.tools.video --lang $(VIDEO_LANG) --quality $(QUALITY) $(if $(VOICE),--voice)

# A clip per beat in media/voice/$(VIDEO_LANG)/: each recording in assets/voice/$(VIDEO_LANG)/,
# prepared; a scratch clip (espeak-ng) for each beat not recorded.
voice: setup
	$(BIN)/python -m gdkit.tools.record --lang $(VIDEO_LANG) --scratch

# `make record BEAT=M3.9`: shows the line, records it from the default input, and keeps it as
# assets/voice/$(VIDEO_LANG)/M3.9.flac, trimmed and normalised; FROM=take.wav takes a file.
record: setup
	$(BIN)/python -m gdkit.tools.record --lang $(VIDEO_LANG) --beat $(BEAT) $(if $(FROM),--from "$(FROM)")

# Every shot rendered and checked, no film joined; TRANSPARENT=1: with an alpha channel
# (SHOT.alpha.mov, ProRes 4444), for a video editor.
shots: setup
	$(BIN)/python -m gdkit.tools.video --shots --lang $(VIDEO_LANG) --quality $(QUALITY) $(if $(TRANSPARENT),--transparent)

# The rendered shots placed at the storyboard's time codes: .otio and FCP 7 XML beside the film.
timeline: setup
	$(BIN)/python -m gdkit.tools.timeline --lang $(VIDEO_LANG) --quality $(QUALITY) $(if $(TRANSPARENT),--transparent) $(if $(VOICE),--voice)

storyboard: setup
	$(BIN)/python -m gdkit.tools.contact_sheet --lang $(VIDEO_LANG)

# The storyboard page at http://127.0.0.1:$(PORT)/ (this machine only): a saved edit redraws
# the pictures of the beats it changed, then the film (480p30 unless QUALITY is given).
# Ctrl-C stops it.
PORT ?= 8765
live: setup
	$(BIN)/python -m gdkit.tools.live --lang $(VIDEO_LANG) --port $(PORT) \
		--quality $(if $(filter command line environment,$(origin QUALITY)),$(QUALITY),preview)

test-packages:
	@sh .ci/install-system-packages $(PYTHON) $(TEST_PACKAGES)

# The whole suite, as CI runs it: one worker per core, each test module on one worker (its
# fixtures built once); the film the tests share is built once for all of them.
test: setup test-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --dist loadscope

# The tier for the edit loop: no film builds, no browser, no A/B engine renders (markers in
# pyproject.toml; tests/conftest.py finds the film and browser tests), one test per core.
test-fast: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not film and not browser and not ab and not second_language" -n auto

# `make golden SHOT=M3` (or SHOT="M3 M8") refreshes those shots' golden images only.
golden: setup
	$(BIN)/python -m tests.golden --refresh $(SHOT)

# `make bench`: every shot, one at a time, at 480p30 and 1080p30. BASELINE=REV measures git
# revision REV alongside in the same run; FILMS=final (or preview, 4k) also times film builds
# with BENCH_JOBS renders at once (default 1,2); LIVE=1 times `make live` in Chromium (save to
# picture); EDITS=final (or preview) builds the film, then again after each of four edits
# (bench.EDITS); RESOLUTIONS= (empty) skips the shot-by-shot runs.
BENCH_JOBS ?= 1,2
bench: setup $(if $(LIVE),test-packages)
	$(BIN)/python -m gdkit.tools.bench $(if $(BASELINE),--baseline $(BASELINE)) \
		$(if $(FILMS),--films $(FILMS) --jobs $(BENCH_JOBS)) $(if $(LIVE),--live) \
		$(if $(EDITS),--edits $(EDITS)) \
		$(if $(filter undefined,$(origin RESOLUTIONS)),,--resolutions "$(RESOLUTIONS)")

# After editing an objective's definition: sympy's numpy code, into gdkit/derived.py.
derived: setup
	$(BIN)/python -m gdkit.objectives

clean:
	rm -rf media bench/out tests/output
