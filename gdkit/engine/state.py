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


def wrapper_state(w):
    """What, besides its vertices, decides how a shader wrapper draws."""
    return (w.id, w.depth_test, tuple(uniform_value(v) for v in w.mobject_uniforms.values()))


_code_digests: dict[tuple, str] = {}


def _code_digest(code: tuple) -> str:
    """A digest of shader code (strings keep their hash: a look-up costs little)."""
    if (digest := _code_digests.get(code)) is None:
        digest = _code_digests[code] = hashlib.blake2b(repr(code).encode()).hexdigest()
    return digest


def stable_wrapper_state(w):
    """`wrapper_state` with the wrapper's code and textures in place of its id."""
    return (
        _code_digest(tuple(w.program_code.values())),
        w.render_primitive,
        tuple(w.texture_paths.items()),
        w.depth_test,
        tuple(uniform_value(v) for v in w.mobject_uniforms.values()),
    )


def drawn_state(scene, stable: bool = False) -> bytes:
    """A digest of what the frame just drawn was drawn from (the camera, and each render
    group's shader code, uniforms and vertices) and of what updaters read (every mobject's
    data and uniforms, trackers included): equal digests, equal frames and equal updates.
    `stable`: of what is drawn only, and the same digest in another process (a wrapper's id
    is a per-process hash), to tell whether a frame is that of an earlier render."""
    digest = hashlib.blake2b(digest_size=32)

    def add(thing) -> None:
        digest.update(repr(thing).encode())

    if stable:
        scene.camera.refresh_uniforms()  # as drawing would: a rehearsal leaves them behind
    add(camera_view(scene.camera))
    for group in scene.render_groups:
        for wrapper in wrappers_of(group):
            add(stable_wrapper_state(wrapper) if stable else wrapper_state(wrapper))
            digest.update(np.ascontiguousarray(wrapper.vert_data).view(np.uint8))
    if stable:  # what the frame is drawn from, and no more: the frame itself
        return digest.digest()
    for mob in scene.get_mobject_family_members():
        add((type(mob).__name__, mob.z_index, mob.depth_test, mob.data.dtype.descr))
        add([(name, uniform_value(v)) for name, v in mob.uniforms.items()])
        digest.update(np.ascontiguousarray(mob.data).view(np.uint8))
    return digest.digest()
