"""What a frame is drawn from, summed up: equal digests, equal frames.

`drawn_state` is how a render knows a beat's frames without keeping them (the keys the
incremental build compares) and how a wait knows nothing changed (`speedups.held_frames`).
It reads manimgl 1.7.2's render groups, shader wrappers and camera uniforms, so it lives in
the engine; it is no speed-up, and stays when `speedups.py` goes.
"""

from __future__ import annotations

import hashlib

import numpy as np


def uniform_value(v):
    """A uniform's value, hashable, and told apart wherever manimgl's printed id tells it
    apart: 1 and 1.0 are one value to OpenGL but two render groups to manimgl."""
    if isinstance(v, (np.ndarray, list, tuple)):
        return (type(v).__name__, np.asarray(v).dtype.kind, tuple(np.ravel(v).tolist()))
    return (type(v).__name__, v)


def camera_view(camera):
    """The camera's uniforms, as `uniform_value`s."""
    return tuple((name, uniform_value(v)) for name, v in camera.uniforms.items())


def wrappers_of(mob):
    return getattr(mob, "shader_wrappers", None) or ()


_code_digests: dict[tuple, str] = {}


def _code_digest(code: tuple) -> str:
    """A digest of shader code (strings keep their hash: a look-up costs little)."""
    if (digest := _code_digests.get(code)) is None:
        digest = _code_digests[code] = hashlib.blake2b(repr(code).encode()).hexdigest()
    return digest


def stable_wrapper_state(w):
    """What, besides its vertices, decides how a shader wrapper draws, the same in any
    process: its code and textures, not its id."""
    return (
        _code_digest(tuple(w.program_code.values())),
        w.render_primitive,
        tuple(w.texture_paths.items()),
        w.depth_test,
        tuple(uniform_value(v) for v in w.mobject_uniforms.values()),
    )


def drawn_state(scene) -> bytes:
    """A digest of what the frame just drawn was drawn from: the camera, and each render
    group's shader code, textures, uniforms and vertices. Equal digests, equal frames; the
    same in another process (a wrapper's code stands for its id, a per-process hash), to
    tell whether a frame is that of an earlier render."""
    digest = hashlib.blake2b(digest_size=32)
    scene.camera.refresh_uniforms()  # as drawing would: a rehearsal leaves them behind
    digest.update(repr(camera_view(scene.camera)).encode())
    for group in scene.render_groups:
        for wrapper in wrappers_of(group):
            digest.update(repr(stable_wrapper_state(wrapper)).encode())
            digest.update(np.ascontiguousarray(wrapper.vert_data).view(np.uint8))
    return digest.digest()
