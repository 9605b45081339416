"""Scenes that know their storyboard beats: `self.beat(n)` marks where beat n starts."""

from __future__ import annotations

import hashlib

from gdkit import engine

engine.prepare()  # manimlib, headless, with the engine (nothing where it is already loaded)

from manimlib import Scene, ThreeDScene  # noqa: E402
from manimlib.scene.scene import EndScene  # noqa: E402

from gdkit import storyboard  # noqa: E402
from gdkit.engine.fixes import forget_gl_state, gather_render_data  # noqa: E402
from gdkit.engine.state import drawn_state  # noqa: E402
from gdkit.engine.writer import FileWriter  # noqa: E402
from gdkit.text import language  # noqa: E402


def step_durations(
    steps: int, first: float, fastest: float, detailed: int = 3, speed_up: float = 0.7
) -> list[float]:
    """Run times for the steps of a descent: the first `detailed` ones slow, then each one
    `speed_up` times the one before, down to `fastest`."""
    return [
        first if k < detailed else max(fastest, first * speed_up ** (k - detailed + 1))
        for k in range(steps)
    ]


class BeatError(RuntimeError):
    """A scene marked its beats out of order, or not all of them."""


class Beats:
    """Mixin for a manimgl Scene whose class name is a storyboard shot (M1..M10).

    The runner may set `start_beat` and `end_beat` (the scene stops when that beat is over).
    The beats before `start_beat` are fast-forwarded (`skip_animations`: each animation jumps
    to its end), or, where `rehearses` is set, rehearsed: every update of every frame runs as
    in the whole shot, but nothing is drawn or encoded, so the frames from `start_beat` on are
    the whole shot's frames, bit for bit (slower to start: the updates are not skipped).

    Each beat lasts at least as long as its narration takes to read in the scene's language:
    where the animations are shorter, the beat's last frame is held for the rest.
    """

    shot_name: str | None = None  # defaults to the class name
    start_beat: int = 1
    end_beat: int | None = None
    rehearses = False  # rehearse the beats before start_beat instead of skipping them
    draws = True  # False: a rehearsal of the whole shot, every beat's updates run, none drawn
    plan = None  # of a whole shot: per beat, reuse its kept encoding or draw it (beats.Plan)
    key_seed: bytes | None = None  # where set, each beat's frames are summed up in a key
    fades_out = True  # the film's last shot holds its last frame instead
    held_for_narration = True  # each beat lasts at least its narration's reading time
    voice_clips: dict[int, dict] | None = None  # a voiced render's: per beat, its clip
    # ({"seconds", ...}), which it lasts at least, and a short gap

    def setup(self):
        super().setup()
        forget_gl_state()
        self.rehearsing = self.rehearses and self.start_beat > 1 and not self.skip_animations
        shot = storyboard.shot(self.shot_name or type(self).__name__)
        # its words filled from this class's knobs (a variant's own values)
        self.shot = shot.with_knobs(
            {name: getattr(self, name) for name in shot.knob_names() if hasattr(self, name)}
        )
        self.beat_starts: list[float] = []
        self.beat_keys: list = []  # per beat: a digest of its frames, and their count
        self.last_state = b""
        self.beat_frames: list[int] = []
        self.unkeyed_frames = False
        self.reusing = False  # whether the current beat's kept encoding is reused
        if self.plan is not None and isinstance(self.file_writer, FileWriter):
            self.file_writer.keep = lambda n: self.plan.keep_as(self.beat_keys[n - 1].hexdigest())
        if not hasattr(self, "beat_hooks"):
            self.beat_hooks = []  # hook(scene, n) when beat n starts, hook(scene, None) at the end

    @property
    def current_beat(self) -> int:
        return len(self.beat_starts)

    def beat(self, n: int) -> None:
        """Beat `n` of this shot starts here."""
        expected = self.current_beat + 1
        label = f"{self.shot.name}.{n}"
        if n != expected:
            raise BeatError(f"{label} marked where {self.shot.name}.{expected} was due")
        if n > len(self.shot.beats):
            raise BeatError(f"{label}: {self.shot.name} has only {len(self.shot.beats)} beats")
        if self.beat_starts:
            self.hold_for_reading()
        if self.end_beat is not None and n > self.end_beat:
            raise EndScene()
        for hook in self.beat_hooks:
            hook(self, n)
        if n == self.start_beat and n > 1:
            self.stop_skipping()
            self.rehearsing = False
            self.skip_time = self.time
        reuse = self.plan.reuse(n) if self.plan is not None else None
        if self.plan is not None or not self.draws:  # a reused beat is rehearsed, not drawn
            self.rehearsing = reuse is not None or not self.draws
        self.reusing = reuse is not None
        if self.key_seed is not None:
            # Where a beat is in the shot matters only to the fades: the first frames rise
            # from the background, the last beat's sink back into it.
            start, fade_in = sum(self.beat_frames), getattr(self.file_writer, "fade_in", 0)
            place = (n, start if start < fade_in else None, n == len(self.shot.beats))
            self.beat_keys.append(hashlib.sha256(self.key_seed + repr(place).encode()))
            self.beat_frames.append(0)
        if isinstance(self.file_writer, FileWriter) and (self.reusing or not self.rehearsing):
            self.file_writer.begin_beat(n, reuse, last=n == len(self.shot.beats))
        self.beat_starts.append(self.time)

    def update_frame(self, dt=0, force_draw=False):
        if self.rehearsing:  # the state moves on as in the whole shot; nothing is drawn
            self.increment_time(dt)
            self.update_mobjects(dt)
            gather_render_data(self)  # and what drawing it would leave behind
        else:
            super().update_frame(dt, force_draw)
        if self.key_seed is not None and not self.skip_animations:
            if self.beat_keys:
                self.keep_frame(drawn_state(self))
            else:
                self.unkeyed_frames = True  # drawn before the first beat: no key covers it

    def keep_frame(self, state: bytes) -> None:
        """Sum up a frame of the current beat into its key."""
        self.last_state = state
        self.beat_keys[-1].update(state)
        self.beat_frames[-1] += 1

    def emit_frame(self):
        if self.reusing or not self.rehearsing:  # a reused beat's frames: counted, not drawn
            super().emit_frame()

    def hold_for_reading(self) -> None:
        """Hold the current beat's last frame until its narration has had time to be read."""
        if not self.held_for_narration:
            return
        beat = self.shot.beats[self.current_beat - 1]
        said = (self.voice_clips or {}).get(beat.number)
        wanted = (
            said["seconds"] + storyboard.VOICE_GAP if said else beat.reading_seconds(language())
        )
        missing = wanted - (self.time - self.beat_starts[-1])
        if missing > 1e-6:
            self.wait(missing)

    def beat_caption(self, n: int | None = None) -> str:
        return self.shot.beats[(n or self.current_beat) - 1].caption(language())

    def get_time_progression(self, run_time, n_iterations=None, desc="", **kwargs):
        if self.beat_starts:
            desc = f"{self.shot.name}.{self.current_beat} {desc}"
        return super().get_time_progression(run_time, n_iterations, desc, **kwargs)

    def frame_state(self) -> bytes:
        """The digest of the frame just drawn (`drawn_state`): a keyed beat has it already."""
        return self.last_state if self.beat_keys else drawn_state(self)

    def frame_held(self, state: bytes | None) -> None:
        """A frame sent again by a held wait (`speedups.held_frames`): `state` is its digest,
        or None for the frame before once more."""
        if self.beat_keys:
            self.keep_frame(self.last_state if state is None else state)

    def check_beats(self) -> None:
        """Fail unless exactly beats 1..K were marked (or 1..end_beat for a still)."""
        wanted = self.end_beat or len(self.shot.beats)
        if self.current_beat != wanted:
            raise BeatError(
                f"{self.shot.name} marked beats 1..{self.current_beat}, "
                f"the storyboard has 1..{len(self.shot.beats)}"
            )

    def tear_down(self):
        # Checked before the movie is moved under its final name; an interrupted render
        # (manimgl's `run` catches Ctrl-C and tears down) has no beats to check.
        if not self.file_writer.ended_with_interrupt:
            if self.beat_starts and self.current_beat == len(self.shot.beats):
                self.hold_for_reading()
            self.check_beats()
            for hook in self.beat_hooks:
                hook(self, None)
        super().tear_down()

    def beat_timeline(self) -> list[dict]:
        """Beats that are in the output, their start in seconds of the output (and the clip
        of a voiced one)."""
        voiced = self.voice_clips or {}
        return [
            {
                "beat": beat.number,
                "start": round(max(float(t - self.skip_time), 0.0), 4),
                "zh": beat.zh,
                "en": beat.en,
                "narration": {lang: beat.narration(lang) for lang in ("zh", "en")},
                "reading_s": round(beat.reading_seconds(language()), 2),
                **({"voice": self.voice_clips[beat.number]} if beat.number in voiced else {}),
            }
            for beat, t in zip(self.shot.beats, self.beat_starts, strict=False)
            if beat.number >= self.start_beat
        ]


class BeatScene(Beats, Scene):
    pass


class BeatScene3D(Beats, ThreeDScene):
    pass
