"""`manim` (and `python S1.py`): the render runs in a child process that this one watches.

A render that a crash kills (a segmentation fault in Mesa's OpenGL, which a damaged entry of
its shader cache causes, since Mesa does not check what it reads there) would end with no
word but the shell's. Here it is one line: the cache is cleared and the render tried once
more without it; a second crash, or a kill, is reported in one line and a non-zero exit.
Ctrl-C and SIGTERM reach the render, which discards its unfinished files and says so itself.

Kept small (no manimlib, no numpy): it starts before every render.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys

from gdkit.engine import cache

CRASHES = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}


def command(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stop_with_parent()
    gl = cache.gl_folder()
    environment = {**os.environ, "GD_PARENT_PID": str(os.getpid())}
    if gl is not None:
        environment[cache.GL_CACHE] = str(gl)
    code = run(argv, environment)
    if -code in CRASHES:
        name = signal.Signals(-code).name
        where = f" ({gl} cleared)" if gl is not None else ""
        print(
            f"manim: the render crashed ({name}), as a damaged shader cache of Mesa's makes it "
            f"do{where}; trying once more without that cache",
            file=sys.stderr,
        )
        if gl is not None:
            shutil.rmtree(gl, ignore_errors=True)
        code = run(argv, {**environment, "MESA_SHADER_CACHE_DISABLE": "true"})
        if -code in CRASHES:
            print(
                f"manim: error: the render crashed again ({signal.Signals(-code).name}), "
                "without Mesa's shader cache: not a cache problem",
                file=sys.stderr,
            )
    elif code == -signal.SIGKILL:
        print("manim: error: the render was killed (SIGKILL): out of memory?", file=sys.stderr)
    return 128 - code if code < 0 else code


def run(argv: list[str], environment: dict) -> int:
    """The render's exit code (minus a signal's number, for one a signal ended); Ctrl-C and
    SIGTERM sent here are passed on to it. The render is this process, forked: nothing but
    this module is loaded yet, and a new interpreter would take 50 ms to start."""
    pid = os.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update(environment)
        from gdkit.tools.cli import main

        sys.exit(main(argv))  # as the command would exit: files flushed, atexit run

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, forward)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def stop_with_parent() -> None:
    """When the film build started this render, the render stops if the build dies, even
    by SIGKILL (Linux); `GD_PARENT_PID` names the build."""
    parent = os.environ.get("GD_PARENT_PID")
    if not parent or not sys.platform.startswith("linux"):
        return
    on_parent_death(signal.SIGTERM)
    if os.getppid() != int(parent):
        os.kill(os.getpid(), signal.SIGTERM)  # the build died before this line


def on_parent_death(signum: int) -> None:
    """This process gets `signum` when its parent dies, whatever killed it (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signum)


if __name__ == "__main__":
    sys.exit(command())
