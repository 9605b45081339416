"""The project's file writer: manimgl's, changed in these ways:

- each movie is encoded into a temporary file of its own, beside its final name, and
  left there when done: the `manim` command moves it into place with its sidecar, so two
  renders of one shot never write to one file, and an interrupted or failed one leaves
  nothing under a final name (stills, too, are written whole or not at all);
- the beat is the unit: `begin_beat` says a beat starts, drawn (a new encoder, so a key
  frame) or reused (an earlier render's encoding of it, its frames only counted); every
  frame comes in through `write_frame`; and the movie is its beats' encodings joined without
  re-encoding, so a shot rendered as ranges of beats, or with beats reused, has the very
  packets of the shot rendered whole;
- x264's `preset` and constant rate factor `crf` can be chosen, its threads are fixed (the
  same video on any machine), and manimgl's no-op colour filter is dropped;
- frames are counted on their way to ffmpeg (from a second thread where the speed-up
  `frames_from_a_thread` says so, so that the next frame is drawn while the encoder takes
  in the last one);
- the first `fade_in` frames rise from the background and the last `fade_out` frames sink
  back into it, so that a shot opens from and closes to the background (the last beat's
  frames are held back for that, in a scratch file, not in memory: `HeldBack`);
- an encoder that fails is an error, not a movie cut short.
"""

from __future__ import annotations

import collections
import errno
import os
import queue
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np
from manimlib.scene.scene_file_writer import ProgressDisplay, SceneFileWriter
from PIL import Image

from gdkit import engine
from gdkit.files import EncoderError, Temporary, join_videos, last_words, with_usual_mode

CUT = object()  # in the queue of frames: the frames after it go to a new encoder


class FileWriter(SceneFileWriter):
    """Installed by `engine.prepare` (fixes.project_writer) for every render."""

    sends_from_a_thread = False  # set by the speed-up frames_from_a_thread

    def __init__(
        self,
        *args,
        preset: str = "medium",
        crf: int = 23,
        fade_in: int = 0,
        fade_out: int = 0,
        **kwargs,
    ):
        self.preset, self.crf = preset, crf
        self.frames_sent = 0
        self.fade_in, self.fade_out = fade_in, fade_out
        self.frames_drawn = 0
        self.frames_before = 0  # frames of the shot not drawn here (their beats reused)
        self.parts: list[tuple[int | None, Path | None]] = []  # per beat: (n, reused or None)
        self.part_start = 0  # frames drawn when the current beat started
        self.reusing = False  # whether the current beat is reused (its frames only counted)
        self.keep = None  # key -> where a drawn beat's new encoding is kept (None: nowhere)
        self.tail: HeldBack | None = None  # the last frames, held back to fade them out
        self.holding = True  # whether frames go through `tail` (from the last beat on)
        super().__init__(*args, **kwargs)

    # The file name is used whole (manimgl's `with_suffix` would cut `M3.from-beat-12`).
    def init_movie_file_path(self) -> Path:
        return Path(self.get_output_file_rootname()).parent / (
            self.get_output_file_name() + self.movie_file_extension
        )

    def init_image_file_path(self) -> Path:
        return Path(self.get_output_file_rootname()).parent / (self.get_output_file_name() + ".png")

    def filters(self) -> str:
        """The frames come bottom row first; colour is adjusted only when asked."""
        if self.saturation == 1 and self.gamma == 1:
            return "vflip"
        return f"vflip,eq=saturation={self.saturation}:gamma={self.gamma}"

    def open_movie_pipe(self, file_path: str) -> None:
        self.final_file_path = file_path
        self.temporary = Temporary(Path(file_path))
        self.temp_file_path = str(self.temporary.path)
        self.segments: list[Temporary] = []  # each beat's encoding
        self.cuts: set[int] = set()  # the frames that start a segment
        self.aborted = False
        self.encoder_said = tempfile.TemporaryFile()  # what ffmpeg says, for the error line
        if self.fade_out:
            self.tail = HeldBack(self.fade_out, Path(file_path).parent)
        self.start_segment()
        self.start_sending()
        if not self.quiet:
            self.progress_display = ProgressDisplay(
                range(self.total_frames), leave=False, dynamic_ncols=True
            )
            self.set_progress_display_description()

    def start_segment(self) -> None:
        """A new encoder, from a key frame, into a temporary file of its own."""
        segment = Temporary(Path(self.final_file_path))
        self.segments.append(segment)
        width, height = self.scene.camera.get_pixel_shape()
        command = [
            self.ffmpeg_bin,
            "-y",
            "-loglevel", "error",
            "-f", "rawvideo",
            "-s", f"{width}x{height}",
            "-pix_fmt", "rgba",
            "-r", str(self.scene.camera.fps),
            "-i", "-",
            "-vf", self.filters(),
            "-an",
            "-vcodec", self.video_codec,
            *self.codec_options(),
            "-pix_fmt", self.pixel_format,
            "-f", self.movie_file_extension.lstrip("."),
            str(segment.path),
        ]  # fmt: skip
        self.writing_process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=self.encoder_said
        )

    def end_segment(self) -> None:
        """Let the encoder finish its file; one that fails is an error."""
        self.writing_process.stdin.close()
        if self.writing_process.wait() != 0:
            self.encoder_failed()

    def begin_beat(self, n: int, reuse: Path | None = None, last: bool = False) -> None:
        """Beat n starts (called by `Beats.beat`). It is drawn, from a key frame, by an
        encoder of its own; or, given the encoding of it an earlier render kept (`reuse`),
        its frames are only counted and that encoding is joined in their place. Frames are
        held back for the fade-out from the `last` beat on: none before it can be among the
        shot's last (a movie told of no beats holds back all its frames)."""
        if not self.write_to_movie:
            return
        self.drop_empty_part()
        if not self.parts and self.frames_drawn:
            self.parts.append((None, None))  # frames drawn before the first beat
        self.parts.append((n, reuse))
        self.part_start = self.frames_drawn
        self.reusing = reuse is not None
        if self.reusing:
            return
        if self.frames_drawn > 0:
            self.cuts.add(self.frames_drawn)
        if self.tail is not None and not last:
            for frame in self.tail.drain():  # in order, before the frames of this beat
                self.encode(frame)
        self.holding = last

    def drop_empty_part(self) -> None:
        """A drawn beat without a frame (a beat before a range's first, skipped) has no
        segment of its own."""
        if self.parts and self.parts[-1][1] is None and self.frames_drawn == self.part_start:
            self.parts.pop()

    def codec_options(self) -> list[str]:
        """x264's speed preset and rate factor, and its threads fixed (x264 codes a video by
        its number of threads, which otherwise follows the machine's cores: a shot would not
        be the same file on another machine); ProRes's 4444 profile, the one that keeps
        alpha."""
        if self.video_codec == "prores_ks":
            return ["-profile:v", "4444"]
        return ["-preset", self.preset, "-crf", str(self.crf), "-threads", "2"]

    @property
    def transparent(self) -> bool:
        """Whether the frame keeps its alpha: the background is cleared to transparent."""
        return self.scene.camera.background_rgba[3] == 0

    def start_sending(self) -> None:
        """The second thread, where the speed-up frames_from_a_thread says so."""
        self.sender_error = None
        self.sender = None
        if not self.sends_from_a_thread:
            return
        # Two of the C library's queues, not a `queue.Queue`: Ctrl-C raises in this
        # thread between any two of its steps, and one raised inside a Queue's Python
        # code can leave its lock taken or a wake-up lost, so that the sender never
        # sees the end. The frames, and one token for each frame they may hold more.
        self.frames, self.room = queue.SimpleQueue(), queue.SimpleQueue()
        for _ in range(4):
            self.room.put(True)
        self.sender = threading.Thread(target=self.send_frames, daemon=True)
        self.sender.start()

    def send_frames(self) -> None:
        """The second thread's loop, until it is sent None."""
        while (item := self.frames.get()) is not None:
            self.send(item)
            self.room.put(True)

    def put(self, item) -> None:
        """A frame, or CUT, on its way to the encoder."""
        if self.sender is None:
            self.send(item)
        else:
            self.room.get()  # waits while four frames are on their way
            self.frames.put(item)

    def send(self, item) -> None:
        if self.sender_error is not None:
            return  # dropped: the render stops at its next frame, never waiting on a
            # queue that no one empties (an encoder that a full disk killed)
        try:
            if item is CUT:
                self.end_segment()
                if not self.aborted:
                    self.start_segment()
            else:
                self.writing_process.stdin.write(straight_alpha(item) if self.transparent else item)
        except (OSError, ValueError, RuntimeError) as error:  # the encoder stopped
            self.sender_error = error

    def stop_sending(self) -> None:
        """Let the second thread send what it was given, and end."""
        if self.sender is not None:
            self.frames.put(None)
            self.sender.join()

    def write_frame(self, camera, frame: bytes | None = None) -> None:
        """The one way a frame comes in (manimgl's `emit_frame`, and a held wait with the
        `frame` it read once): encoded, faded where the shot starts or ends, or, in a reused
        beat, only counted."""
        if not self.write_to_movie:
            return
        if self.reusing:
            self.frames_before += 1
            return
        frame = camera.get_raw_fbo_data() if frame is None else frame
        shown = self.frames_before + self.frames_drawn  # the frame's place in the shot
        if shown < self.fade_in:  # the first frame is the background itself
            frame = self.faded(frame, shown / self.fade_in)
        self.frames_drawn += 1
        if self.tail is not None and self.holding:
            frame = self.tail.push(frame)
            if frame is None:
                return
        self.encode(frame)

    def holds_frames(self) -> bool:
        """Whether a still frame may be sent as often as a wait lasts, drawn once."""
        return self.write_to_movie and not self.subdivide_output and engine.on("held_frames")

    def encode(self, frame: bytes) -> None:
        if self.sender_error is not None:
            self.encoder_failed()
        if self.frames_sent in self.cuts:
            self.put(CUT)
        self.put(frame)
        self.frames_sent += 1
        if self.progress_display is not None:
            self.progress_display.update()

    def faded(self, frame: bytes, weight: float) -> bytes:
        """`frame` blended towards the background (weight 0: all background), a band of
        rows at a time: a whole 4K frame in floating point would be 130 MB."""
        weight = weight * weight * (3 - 2 * weight)  # eased at both ends
        background = np.array(self.scene.camera.background_rgba, np.float32) * 255
        pixels = np.frombuffer(frame, np.uint8).reshape(-1, 4)
        blended = np.empty_like(pixels)
        step = 1 << 18  # pixels a band: an eighth of a 1080p frame
        for band in range(0, len(pixels), step):
            part = pixels[band : band + step].astype(np.float32)
            blended[band : band + step] = (background + (part - background) * weight).round()
        return blended.tobytes()

    def encoder_failed(self):
        code = self.writing_process.wait()
        said = self.encoder_last_words()
        raise EncoderError(
            f"ffmpeg stopped (exit {code}) encoding {Path(self.final_file_path).name}"
            + (f": {said}" if said else "")
        )

    def encoder_last_words(self) -> str:
        """The last thing ffmpeg said."""
        if self.encoder_said.closed:
            return ""
        self.encoder_said.seek(0)
        return last_words(self.encoder_said.read().decode(errors="replace"))

    def abort(self) -> None:
        """Stop the encoder and the sending thread; what was written is deleted."""
        if self.writing_process is None:
            return
        self.aborted = True
        self.stop_encoder()
        self.stop_sending()  # what it was still given fails at once: no encoder
        self.stop_encoder()  # one the sending thread may have started meanwhile
        self.close_segments()
        self.close_tail()
        if self.progress_display is not None:
            self.progress_display.close()

    def stop_encoder(self) -> None:
        if self.writing_process.poll() is None:
            self.writing_process.kill()
            self.writing_process.wait()

    def close_tail(self) -> None:
        if self.tail is not None:
            self.tail.close()
            self.tail = None

    def close_segments(self) -> None:
        for segment in self.segments:
            segment.close()
        self.segments.clear()
        self.encoder_said.close()

    def close_movie_pipe(self) -> None:
        """Finish the movie in its temporary file, which stays there."""
        if self.ended_with_interrupt:
            self.abort()
            return
        if self.tail is not None:
            held = len(self.tail)
            for i, frame in enumerate(self.tail.drain()):  # down to the background itself
                self.encode(self.faded(frame, (held - 1 - i) / held))
            self.close_tail()
        self.stop_sending()
        if self.sender_error is not None:
            self.encoder_failed()
        self.end_segment()
        self.join_segments()
        if self.progress_display is not None:
            self.progress_display.close()
        self.movie_file_path = self.temp_file_path

    def join_segments(self) -> None:
        """The movie's beats, in order, into its temporary file, without re-encoding: the
        segments drawn here, and the kept encodings of the beats reused; each new segment of a
        beat kept where `keep` says, for later renders."""
        self.drop_empty_part()
        drawn = iter(self.segments if self.frames_drawn else [])  # every beat reused: none
        parts = []
        for n, reused in self.parts:
            if reused is None:
                reused = next(drawn).path
                if n is not None and self.keep is not None:
                    keep_copy(reused, self.keep(n))
            parts.append(reused)
        parts += [segment.path for segment in drawn]  # a movie told of no beats: its only one
        try:
            container = self.movie_file_extension.lstrip(".")
            join_videos(parts, Path(self.temp_file_path), container, self.ffmpeg_bin)
        finally:
            self.close_segments()

    def finish(self) -> None:
        if self.ended_with_interrupt:
            self.abort()  # and no still either
            return
        super().finish()

    def save_final_image(self, image) -> None:
        path = Path(self.get_image_file_path())
        if self.transparent:
            image = Image.frombytes("RGBA", image.size, straight_alpha(image.tobytes()))
        with Temporary(path) as temporary:
            image.save(temporary.path, format="PNG")
            with_usual_mode(temporary.path)
            os.replace(temporary.path, path)

    def print_file_ready_message(self, file_path: str) -> None:
        pass  # the `manim` command prints the paths it wrote, once they are in place


def keep_copy(path: Path, kept: Path) -> None:
    """A copy of `path` as `kept`, written whole or not at all."""
    with Temporary(kept) as copy:
        with open(path, "rb") as source, open(copy.path, "wb") as target:
            target.write(source.read())
        with_usual_mode(copy.path)
        os.replace(copy.path, kept)


class HeldBack:
    """The last `count` frames sent, held back until the movie ends (only then is it known
    which frames are the last, to fade them out).

    They wait in a scratch file beside the movie, not in memory: 15 frames are 124 MB at
    1080p and half a gigabyte at 4K. The file has no name from the start (nothing is left
    behind, whatever happens, and no one else can open it); a frame sent again, as a held
    frame is, is written and read once.
    """

    def __init__(self, count: int, folder: Path):
        self.count = count
        self.file, self.folder = tempfile.TemporaryFile(dir=folder), folder
        self.slots: collections.deque[int] = collections.deque()  # oldest first
        self.newest = None  # the frame last written, and its slot
        self.last_read = None  # the frame last read, and its slot
        self.size = 0

    def push(self, frame: bytes) -> bytes | None:
        """Hold `frame`; the oldest frame, once more than `count` are held."""
        oldest = self.read(self.slots.popleft()) if len(self.slots) == self.count else None
        if self.newest is None or frame is not self.newest[0]:
            slot = min(set(range(self.count + 1)).difference(self.slots))
            self.size = self.size or len(frame)
            if len(frame) != self.size:
                raise ValueError("held-back frames must all be of one size")
            self.write(frame, slot * self.size)
            self.newest = (frame, slot)
            if self.last_read is not None and self.last_read[1] == slot:
                self.last_read = None
        self.slots.append(self.newest[1])
        return oldest

    def write(self, frame: bytes, at: int) -> None:
        done = 0
        try:
            while done < len(frame):  # a short write, then the error that stopped it
                written = os.pwrite(self.file.fileno(), frame[done:], at + done)
                if written == 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += written
        except OSError as error:
            where = f"the scratch file of held-back frames in {self.folder}"
            raise OSError(error.errno, error.strerror, where) from None

    def read(self, slot: int) -> bytes:
        if self.last_read is None or self.last_read[1] != slot:
            frame = os.pread(self.file.fileno(), self.size, slot * self.size)
            if len(frame) != self.size:
                raise OSError("a held-back frame could not be read whole from its scratch file")
            self.last_read = (frame, slot)
        return self.last_read[0]

    def __len__(self) -> int:
        return len(self.slots)

    def drain(self):
        """The frames held, oldest first, one at a time (the movie has ended)."""
        while self.slots:
            yield self.read(self.slots.popleft())

    def close(self) -> None:
        self.file.close()


def straight_alpha(frame: bytes) -> bytes:
    """RGBA pixels drawn over transparent black (colour multiplied by alpha, as OpenGL blends
    them) with their colour divided back out, as editors read ProRes 4444 and PNG: a glyph's
    anti-aliased edge keeps the glyph's colour, not a dark fringe."""
    pixels = np.frombuffer(frame, np.uint8).reshape(-1, 4)
    alpha = pixels[:, 3:].astype(np.float32)
    colour = pixels[:, :3] * (255 / np.maximum(alpha, 1))
    colour[alpha[:, 0] == 0] = 0
    return np.hstack([np.minimum(colour.round(), 255).astype(np.uint8), pixels[:, 3:]]).tobytes()
