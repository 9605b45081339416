"""The commands: `manim` (cli), `make video` (video), `make storyboard` (contact_sheet),
`make bench` (bench), and the shots they publish and check (outputs)."""
