"""What the translucent layers draw with, below manimlib's API: a shader wrapper that draws
with depth testing but without writing depth (raw OpenGL around manimgl's own render)."""

from __future__ import annotations

from manimlib.shader_wrapper import ShaderWrapper
from OpenGL import GL


class LayerShaderWrapper(ShaderWrapper):
    """Draws with depth testing but without writing depth."""

    def refresh_id(self):
        super().refresh_id()
        self.id = hash((self.id, "layer"))  # never batched with depth-writing surfaces

    def render(self):
        GL.glDepthMask(GL.GL_FALSE)
        try:
            super().render()
        finally:
            GL.glDepthMask(GL.GL_TRUE)
