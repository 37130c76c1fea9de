"""Spaces that say what they hold: free text (code, accessibility trees, URLs)."""
from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium.spaces import Text


class FreeText(Text):
    """Any Python string up to max_length characters (gymnasium's Text limits the charset)."""

    def __init__(self, max_length: int, seed: Any = None) -> None:
        super().__init__(max_length=max_length, min_length=0, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and len(x) <= self.max_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        # random code-like text: mostly garbage, sometimes a real action, never outside the box
        words = ["pyautogui.click(10, 10)", "DONE", "WAIT", "pyautogui.press('tab')", "x(", "import os"]
        n = int(self.np_random.integers(1, 3))
        return "\n".join(str(self.np_random.choice(words)) for _ in range(n))[: self.max_length]

    def __repr__(self) -> str:
        return f"FreeText({self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, FreeText) and other.max_length == self.max_length


def screenshot_from_bytes(rgb: bytes, width: int, height: int) -> np.ndarray:
    return np.frombuffer(rgb, dtype=np.uint8).reshape(height, width, 3).copy()
