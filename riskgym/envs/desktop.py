"""riskgym/Desktop-v0: a Linux desktop (openbox, terminal, editor, file manager, LibreOffice) on
a real X screen in the box, pyautogui-style actions performed as X input.

The observation adds `window_title` (the active window's title) to the browser's keys; `url`
is the address of the active Chromium window, empty otherwise.
"""
from __future__ import annotations

from typing import Any

from gymnasium import spaces

from riskgym.envs.base import RiskEnv
from riskgym.envs.spaces import FreeText


class DesktopEnv(RiskEnv):
    app = "desktop"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observation_space = spaces.Dict({**self.observation_space.spaces, "window_title": FreeText(4096)})

    def _observe(self, stable: bool = False) -> dict[str, Any]:
        obs = super()._observe(stable=stable)
        obs["window_title"] = str(self.last_meta.get("title") or "")[:4096]
        return obs
