"""3D renderer of the sim engine: SimTimeline -> RGB frames (moderngl, headless EGL)."""

from reelcast.engines.sim.render.renderer import Renderer

__all__ = ["Renderer"]
