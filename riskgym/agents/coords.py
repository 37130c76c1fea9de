"""Old path of riskgym.actions.coords (the frame moved down so the box can map code it runs)."""
from riskgym.actions.coords import CONVENTIONS, Frame, smart_resize  # noqa: F401
