"""`make live`: the storyboard page, live, while you edit the scenes.

`python -m gdkit.tools.live --lang zh --port 8765` serves the storyboard page on 127.0.0.1
only, and watches the S-files, `gdkit/` and `assets/`. On a save the page marks the beats
being redrawn, then replaces the pictures of those whose end frame changed (only those), the
shot of the row in view first. Then it builds the film (480p30 by default: `--quality`,
`-r`, `--fps`, as `make video` takes them), drawing again only the beats whose frames changed:
a changed beat's row gets its new clip, played when the row is clicked, and the page's film
follows at the same time position. A save while the film builds stops that build. A syntax
error or an exception in a scene shows on the page (file:line and message) until the next
good save; Ctrl-C stops it.

Two processes. This one serves the page and the pictures, and watches the files (standard
library only). A warm worker (`--worker`) has manimlib, numpy and sympy imported once; for
each change it forks a child that imports the project's modules afresh (what was edited is
what runs), draws the beats' end pictures and says what it found, one JSON line each; then
a child, in a process group of its own so that it can be stopped with its renders, that
builds the film. An edit to the engine itself (the modules the worker holds) starts a new
worker.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from pathlib import Path

from gdkit.paths import ASSETS, MEDIA, PACKAGE, ROOT

POLL = 0.05  # seconds between looks at the watched files
TYPES = {".html": "text/html; charset=utf-8", ".jpg": "image/jpeg", ".mp4": "video/mp4",
         ".vtt": "text/vtt; charset=utf-8", ".png": "image/png"}  # fmt: skip


# The worker: warm imports, a fresh child per change
def worker(lang: str, media: Path) -> None:
    from gdkit.engine import prepare

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server; it ends this

    prepare((480, 270))
    import jinja2  # noqa: F401  (imported once, for every child)
    import manimlib  # noqa: F401
    import numpy  # noqa: F401
    import PIL.Image  # noqa: F401
    import sympy  # noqa: F401

    held = {name for name in sys.modules if name.split(".")[0] == "gdkit"}
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what the scenes print goes to stderr
    engine = [sys.modules[n].__file__ for n in held if getattr(sys.modules[n], "__file__", None)]
    say(events, {"event": "ready", "engine": engine})
    drawing = []  # the child drawing now, which a stopped worker takes with it

    def end(signum, frame):
        for child in drawing:
            os.killpg(child, signal.SIGKILL)  # the child and the renders it started
        os._exit(0)

    signal.signal(signal.SIGTERM, end)
    for line in sys.stdin:
        job = json.loads(line)
        child = os.fork()
        if child == 0:
            os.setpgid(0, 0)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                for name in [n for n in sys.modules if n not in held]:
                    if n_is_project(name):
                        del sys.modules[name]
                (build_film if job["kind"] == "film" else draw)(job, lang, media, events)
            except BaseException:  # noqa: BLE001  (the child says what went wrong, and ends)
                code = 1
            finally:
                events.flush()
                os._exit(code)
        os.setpgid(child, child)  # as the child does: whichever runs first
        drawing.append(child)
        say(events, {"event": "started", "pid": child})
        os.waitpid(child, 0)
        drawing.clear()
        say(events, {"event": "done"})


def n_is_project(name: str) -> bool:
    module = sys.modules.get(name)
    where = getattr(module, "__file__", None) or ""
    return name.split(".")[0] == "gdkit" or (bool(where) and Path(where).parent == ROOT)


def say(events, event: dict) -> None:
    events.write(json.dumps(event) + "\n")
    events.flush()


def draw(job: dict, lang: str, media: Path, events) -> None:
    """The end picture of each beat of the job's shots, in its order; a picture is written
    and announced only where it differs from the one the page has."""
    from gdkit import storyboard
    from gdkit.tools import page
    from gdkit.tools.contact_sheet import beat_stills

    known = job["known"]
    try:
        for name in job["shots"]:
            shot = storyboard.shot(name)
            _, stills = beat_stills(name, lang)
            for beat, still in zip(shot.beats, stills, strict=True):
                picture = page.jpeg(still)
                digest = hashlib.sha256(picture).hexdigest()[:16]
                if known.get(beat.label) == digest:
                    say(events, {"event": "same", "beat": beat.label})
                    continue
                src = page.picture_path(lang, beat.label)
                page.write_bytes(media / src, picture)
                say(events, {"event": "picture", "beat": beat.label, "src": src, "digest": digest})
        if job.get("page"):  # the storyboard or the narration: the page's own text
            page.write_text(media / f"storyboard.{lang}.html", page.page(media, lang, live=True))
            say(events, {"event": "reload"})
    except BaseException as error:
        say(events, {"event": "error", "message": where(error)})
        raise
    say(events, {"event": "clear"})


def build_film(job: dict, lang: str, media: Path, events) -> None:
    """Build the film as `make video` does (only the beats whose frames changed are drawn),
    then name the new clip of each beat that changed, and the film."""
    from gdkit import storyboard
    from gdkit.engine import EngineError
    from gdkit.tools import page, video
    from gdkit.tools.cli import RenderError, raise_interrupt

    signal.signal(signal.SIGTERM, raise_interrupt)  # stopped: its renders stop, and clean up
    film = video.Film(lang, tuple(job["resolution"]), job["fps"], media)
    before = beat_clips(film)
    try:
        video.build(film, jobs=os.cpu_count() or 1)
    except (video.BuildError, RenderError, storyboard.DataError, EngineError, OSError) as error:
        say(events, {"event": "error", "message": f"the film: {error}"})
        raise
    for beat, clip in beat_clips(film).items():
        if beat.split(".")[0] in {b.split(".")[0] for b in before} and before.get(beat) != clip:
            say(events, {"event": "clip", "beat": beat, "src": clip.relative_to(media).as_posix()})
    say(events, {"event": "film", **page.film_data(media, lang), "lang": lang})


def beat_clips(film) -> dict[str, Path]:
    """The kept encoding of each beat of the film's shots as last rendered, by beat label."""
    from gdkit import storyboard
    from gdkit.tools import outputs
    from gdkit.tools.beats import Kept

    clips = {}
    for shot in film.shots:
        kept = Kept(film.video(shot))
        try:
            sidecar = outputs.read_sidecar(outputs.sidecar_path(kept.video))
        except (OSError, storyboard.DataError):
            continue
        for beat in sidecar["beats"]:
            if "key" in beat:
                clips[f"{shot.name}.{beat['beat']}"] = kept.path(beat["key"])
    return clips


def where(error: BaseException) -> str:
    """`file:line: ExcType: message`, at the last line of the project's own code that led
    there (the syntax error's own place for one)."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, SyntaxError) and error.filename:
        place = f"{relative(error.filename)}:{error.lineno}: "
        message = error.msg
    else:
        ours = [
            f for f in traceback.extract_tb(error.__traceback__)
            if Path(f.filename).is_relative_to(ROOT) and ".venv" not in Path(f.filename).parts
        ]  # fmt: skip
        place = f"{relative(ours[-1].filename)}:{ours[-1].lineno}: " if ours else ""
    cause = error.__cause__
    if isinstance(cause, SyntaxError) or (not place and cause is not None):
        return where(cause)
    return f"{place}{type(error).__name__}{': ' + message if message else ''}"


def relative(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


# The server: the page, its pictures, and what changes, as server-sent events
class Live:
    def __init__(self, lang: str, media: Path, film: dict):
        self.lang, self.media, self.film = lang, media, film
        self.clients: list[queue.Queue] = []
        self.lock = threading.Lock()
        self.focus: str | None = None  # the shot of the row the user looks at
        self.busy = True
        self.building = False  # the film
        self.error: str | None = None
        self.known = {}  # beat: digest of the picture the page has
        self.worker = None
        self.replies: queue.Queue = queue.Queue()  # what the worker says
        self.child: int | None = None  # the process group of the worker's job
        self.engine: set[Path] = set()

    def send(self, event: dict) -> None:
        if event["event"] == "error":
            self.error = event["message"]
        elif event["event"] == "clear":
            self.error = None
        with self.lock:
            for client in self.clients:
                client.put(event)

    def start_worker(self) -> None:
        self.stop_worker()
        command = [sys.executable, "-m", "gdkit.tools.live", "--worker", "--lang", self.lang,
                   "--media", str(self.media)]  # fmt: skip
        self.worker = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        ready = self.worker.stdout.readline()
        if not ready:
            raise RuntimeError("the worker did not start (its error is above)")
        self.engine = {Path(name) for name in json.loads(ready)["engine"]}
        self.replies = queue.Queue()
        threading.Thread(target=listen, args=(self.worker, self.replies), daemon=True).start()

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.terminate()  # it ends the child drawing too
            try:
                self.worker.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        self.building, self.child = False, None

    def ask(self, job: dict) -> None:
        self.worker.stdin.write(json.dumps(job) + "\n")
        self.worker.stdin.flush()

    def answer(self, event: dict | None, beats: list[str] = ()) -> bool:
        """Pass on one thing the worker said; False once its job is done."""
        if event is None:  # it died (killed, out of memory): say so, and start another
            self.send({"event": "error", "message": "the drawing process stopped; restarted"})
            self.start_worker()
            return False
        if event["event"] == "started":
            self.child = event["pid"]
            return True
        if event["event"] == "done":
            self.child = None
            return False
        if event["event"] == "picture":
            self.known[event["beat"]] = event["digest"]
        self.send(event)
        return True

    def redraw(self, shots: list[str], page: bool) -> None:
        """Draw `shots` again (the one in view first), and pass on what the worker finds."""
        from gdkit import storyboard

        if self.focus in shots:
            shots = [self.focus] + [s for s in shots if s != self.focus]
        beats = [b.label for s in shots for b in storyboard.shot(s).beats]
        self.send({"event": "redrawing", "beats": beats})
        self.ask({"kind": "stills", "shots": shots, "known": self.known, "page": page})
        while self.answer(self.replies.get()):
            pass
        self.send({"event": "idle", "beats": beats})

    def build(self) -> None:
        """Start building the film; `follow` passes on what the build says."""
        self.ask({"kind": "film", **self.film})
        self.building = True

    def follow(self) -> None:
        while self.building:
            try:
                event = self.replies.get_nowait()
            except queue.Empty:
                return
            self.building = self.answer(event)

    def stop_build(self) -> None:
        """Stop the film's build (a save came): its renders stop and clean up."""
        stopped = None
        while self.building:
            if self.child is not None and self.child != stopped:
                stopped = self.child
                try:
                    os.killpg(stopped, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            self.building = self.answer(self.replies.get())


def listen(worker: subprocess.Popen, replies: queue.Queue) -> None:
    for line in worker.stdout:
        replies.put(json.loads(line))
    replies.put(None)


def shots_of(changed: set[Path]) -> list[str]:
    """The shots an edit of `changed` can change: those of an edited S-file, or every shot
    for anything else."""
    from gdkit import storyboard

    shots = storyboard.shots()
    if all(p.parent == ROOT and p.suffix == ".py" for p in changed):
        return [name for name, shot in shots.items() if ROOT / shot.file in changed]
    return list(shots)


def watched() -> dict[Path, tuple]:
    files = [*ROOT.glob("S*.py"), *PACKAGE.rglob("*.py"), *ASSETS.rglob("*")]
    seen = {}
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file() and "__pycache__" not in path.parts:
            seen[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return seen


def handler(live: Live):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            host = self.headers.get("Host", "").rsplit(":", 1)[0]
            if host not in ("127.0.0.1", "localhost"):  # a page elsewhere, renamed to here
                self.reply(403, b"this page is served to 127.0.0.1 only", "text/plain")
            elif url.path == "/":
                self.send_response(302)
                self.send_header("Location", f"/storyboard.{live.lang}.html")
                self.end_headers()
            elif url.path == "/events":
                self.events()
            elif url.path == "/focus":
                beat = urllib.parse.parse_qs(url.query).get("beat", [""])[0]
                live.focus = beat.split(".")[0] or None
                self.reply(204, b"", "text/plain")
            elif url.path == "/status":
                status = {"busy": live.busy, "building": live.building, "error": live.error}
                self.reply(200, json.dumps(status).encode(), "application/json")
            else:
                self.file(urllib.parse.unquote(url.path))

        def reply(self, code: int, body: bytes, kind: str, headers=None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def file(self, name: str) -> None:
            """A file under the media folder, never through a link (nor `..`)."""
            parts = [p for p in name.split("/") if p]
            path = live.media.joinpath(*parts) if parts else live.media
            ok = parts and ".." not in parts and path.suffix in TYPES
            ok = ok and not any(live.media.joinpath(*parts[: i + 1]).is_symlink()
                                for i in range(len(parts)))  # fmt: skip
            try:
                if not ok:
                    raise FileNotFoundError
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                with os.fdopen(fd, "rb") as f:
                    body = f.read()
            except OSError:
                self.reply(404, b"not found", "text/plain")
                return
            kind = TYPES[path.suffix]
            asked = byte_range(self.headers.get("Range", ""), len(body))
            ranges = {"Accept-Ranges": "bytes"}  # a video is seeked by ranges
            if asked is None:
                self.reply(200, body, kind, ranges)
            elif asked == ():
                self.reply(416, b"", kind, {"Content-Range": f"bytes */{len(body)}"})
            else:
                first, last = asked
                ranges["Content-Range"] = f"bytes {first}-{last}/{len(body)}"
                self.reply(206, body[first : last + 1], kind, ranges)

        def events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            mine: queue.Queue = queue.Queue()
            with live.lock:
                live.clients.append(mine)
            if live.error:
                mine.put({"event": "error", "message": live.error})
            try:
                while True:
                    try:
                        event = mine.get(timeout=15)
                    except queue.Empty:
                        self.wfile.write(b": still here\n\n")  # keeps the connection open
                    else:
                        data = json.dumps(event)
                        self.wfile.write(f"event: {event['event']}\ndata: {data}\n\n".encode())
                    self.wfile.flush()
            except OSError:
                pass
            finally:
                with live.lock:
                    live.clients.remove(mine)

    return Handler


def byte_range(header: str, size: int) -> tuple | None:
    """The bytes a `Range: bytes=A-B` header asks for, as (first, last); None for the whole
    file (no header, or one not understood), () for none (past the end)."""
    unit, _, spans = header.partition("=")
    first, dash, last = spans.strip().partition("-")
    if unit.strip() != "bytes" or not dash or "," in spans:
        return None
    if not first.strip():  # the last N bytes
        if not last.strip().isdigit():
            return None
        return (max(size - int(last), 0), size - 1) if size and int(last) else ()
    if not first.strip().isdigit() or (last.strip() and not last.strip().isdigit()):
        return None
    start = int(first)
    end = min(int(last), size - 1) if last.strip() else size - 1
    return (start, end) if start <= end else ()


def serve(lang: str, port: int, media: Path, film: dict) -> int:
    from gdkit import storyboard
    from gdkit.tools import page

    page.write_text(media / f"storyboard.{lang}.html", page.page(media, lang, live=True))
    live = Live(lang, media, film)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler(live))
    except OSError as error:
        print(f"live: error: cannot serve on 127.0.0.1:{port}: {error.strerror}", file=sys.stderr)
        return 1
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"live: http://127.0.0.1:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even started in the background
    signal.signal(signal.SIGTERM, stop)
    try:
        live.start_worker()
        seen, changed = watched(), set(ROOT.glob("S*.py"))  # first, the pictures of this tree
        while True:
            if changed:
                live.busy = True
                live.stop_build()
                if changed & live.engine:
                    live.start_worker()
                try:
                    shots = shots_of(changed)
                except storyboard.DataError as error:
                    live.send({"event": "error", "message": str(error)})
                else:
                    live.redraw(shots, page=any(p.suffix != ".py" for p in changed))
                    live.build()
                live.busy = False
            time.sleep(POLL)
            live.follow()
            now = watched()
            changed = {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
    except KeyboardInterrupt:
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean-up
        print("live: stopped", file=sys.stderr)
        return 0
    finally:
        server.shutdown()
        live.stop_worker()


def stop(signum, frame):
    raise KeyboardInterrupt


def port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (a whole number to 65535)")
    return int(value)


def main(argv=None) -> int:
    from gdkit.engine.frame import parse_resolution
    from gdkit.text import LANGUAGES
    from gdkit.tools.cli import Parser, RenderError, UsageError, positive_int, writable_folder
    from gdkit.tools.video import QUALITIES

    parser = Parser(prog="python -m gdkit.tools.live")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh")
    parser.add_argument("--port", type=port, default=8765)
    parser.add_argument("--media", type=Path, default=MEDIA, metavar="DIR")
    parser.add_argument("--quality", choices=QUALITIES, default="preview", help="of the film")
    parser.add_argument(
        "-r", "--resolution", type=parse_resolution, metavar="WxH", help="instead of --quality"
    )
    parser.add_argument("--fps", type=positive_int, default=30, metavar="N")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    try:
        args = parser.parse_args(argv)
        media = writable_folder(args.media.resolve())
    except UsageError as error:
        print(f"live: error: {error}", file=sys.stderr)
        return 2
    except RenderError as error:
        print(f"live: error: {error}", file=sys.stderr)
        return 1
    if args.worker:
        worker(args.lang, media)
        return 0
    film = {"resolution": args.resolution or QUALITIES[args.quality], "fps": args.fps}
    return serve(args.lang, args.port, media, film)


if __name__ == "__main__":
    sys.exit(main())
