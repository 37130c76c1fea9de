"""Where a model's coordinates point on the screen.

Model families answer in different frames: some in screen pixels, Qwen2-VL on a 0-1000 grid
over the image, Qwen2.5-VL in pixels of the image after its processor resized it (sides that are
multiples of 28, area within min/max pixels). The agent sends the screenshot already resized to
that size, so the frame the model sees is known exactly and every point maps back with one scale.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from riskgym.actions.types import Action

CONVENTIONS = ("screen", "rel1000", "resized")


def smart_resize(height: int, width: int, factor: int = 28, min_pixels: int = 56 * 56,
                 max_pixels: int = 28 * 28 * 1280) -> tuple[int, int]:
    """The size Qwen2-VL's image processor gives an image: each side the nearest multiple of
    `factor`, then the whole scaled (keeping the aspect ratio) into [min_pixels, max_pixels]."""
    if min(height, width) <= 0 or max(height, width) / min(height, width) > 200:
        raise ValueError(f"cannot resize a {width}x{height} image (empty, or aspect ratio over 200)")
    h = max(factor, round(height / factor) * factor)
    w = max(factor, round(width / factor) * factor)
    if h * w > max_pixels:          # shrink: round down so the area stays under the cap
        scale = math.sqrt(height * width / max_pixels)
        h = max(factor, math.floor(height / scale / factor) * factor)
        w = max(factor, math.floor(width / scale / factor) * factor)
    elif h * w < min_pixels:        # grow: round up so the area reaches the floor
        scale = math.sqrt(min_pixels / (height * width))
        h = math.ceil(height * scale / factor) * factor
        w = math.ceil(width * scale / factor) * factor
    return h, w


@dataclass(frozen=True)
class Frame:
    """The screen, the image the model saw, and the convention of its coordinates."""
    convention: str
    screen_w: int
    screen_h: int
    image_w: int
    image_h: int
    # OpenCUA & co answer pyautogui.click(x=0.43, y=0.26): a point with both coordinates in [0, 1]
    # and one of them fractional is a fraction of the screen, whatever the convention.
    fractions: bool = False

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ValueError(f"coordinate convention {self.convention!r}: expected one of {CONVENTIONS}")

    @classmethod
    def screen(cls, width: int, height: int, fractions: bool = False) -> "Frame":
        return cls("screen", width, height, width, height, fractions)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict) -> "Frame":
        """Validating: the dict may come from the other side of a socket."""
        try:
            f = cls(str(d["convention"]), *(int(d[k]) for k in ("screen_w", "screen_h", "image_w", "image_h")),
                    bool(d.get("fractions", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a coordinate frame: {d!r:.200} ({exc})") from None
        if min(f.screen_w, f.screen_h, f.image_w, f.image_h) <= 0:
            raise ValueError(f"not a coordinate frame: {d!r:.200} (sizes must be positive)")
        return f

    def is_fraction(self, x: float, y: float) -> bool:
        return (self.fractions and 0 <= x <= 1 and 0 <= y <= 1
                and not (float(x).is_integer() and float(y).is_integer()))

    def to_screen(self, x: float, y: float) -> tuple[int, int]:
        if self.is_fraction(x, y):
            sx, sy = x * self.screen_w, y * self.screen_h
            return (min(max(_round(sx), 0), self.screen_w - 1), min(max(_round(sy), 0), self.screen_h - 1))
        if self.convention == "screen":
            return _round(x), _round(y)
        if self.convention == "rel1000":
            sx, sy = x * self.screen_w / 1000, y * self.screen_h / 1000
        else:
            sx, sy = x * self.screen_w / self.image_w, y * self.screen_h / self.image_h
        # A mapped point at the grid's far edge (1000) would land one pixel off screen.
        return (min(max(_round(sx), 0), self.screen_w - 1), min(max(_round(sy), 0), self.screen_h - 1))

    def describe(self) -> str:
        """The sentence the prompt uses to tell the model its frame."""
        if self.convention == "rel1000":
            return ("Coordinates are on a 0-1000 grid over the screenshot: (0, 0) is the top-left corner and "
                    "(1000, 1000) the bottom-right corner, whatever the image size.")
        return (f"Coordinates are pixels of the {self.image_w}x{self.image_h} screenshot you see, "
                "(0, 0) at the top-left corner.")

    def map_action(self, a: Action) -> Action:
        changes = {}
        if a.x is not None and a.y is not None:
            changes["x"], changes["y"] = self.to_screen(a.x, a.y)
        if a.to_x is not None and a.to_y is not None:
            changes["to_x"], changes["to_y"] = self.to_screen(a.to_x, a.to_y)
        return replace(a, **changes) if changes else a


def _round(v: float) -> int:
    return int(math.floor(v + 0.5))   # half up, as riskgym's action parser rounds
