"""Gradient descent, shot by shot: the film library, its engine and its tools.

Layers, each using only those above it:

- `gdkit.sources`: what a render is made from (installed here, before the rest is imported).
- `gdkit.paths`, `gdkit.files`: where the project's files are; files written whole or not at all.
- `gdkit.engine`: manimgl made to render headless, right and fast (its fixes and speed-ups).
- the film library: `objectives` (and `derived`, printed by sympy), `descent`, `geometry`,
  `text`, `storyboard`, `scenes`, `mobjects`, `screen`, and `manim_imports`, what S-files import.
- `gdkit.tools`: the commands: `manim` (`cli`), the film build (`video`), the storyboard
  sheet (`contact_sheet`), `make bench` (`bench`), and the published outputs (`outputs`).
"""

from gdkit import sources

sources.install()
