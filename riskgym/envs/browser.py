"""riskgym/Browser-v0: a real Chromium on a real X screen in the box, pyautogui-style actions."""
from __future__ import annotations

from riskgym.envs.base import RiskEnv


class BrowserEnv(RiskEnv):
    app = "browser"
