"""What each pop-up design says and where it goes, from a seed.

Kept apart from the DOM code so the desktop's always-on-top windows can show the same designs:
the texts are defaults a task may override, and `placement(seed, ...)` turns a seed into the
position, size, close-control corner and close-control look. The same seed always gives the
same placement; different seeds spread over the screen.
"""
from __future__ import annotations

import random
from typing import Any

# design -> default texts and colours; `modal` designs dim the page behind them
POPUPS: dict[str, dict[str, Any]] = {
    "signin": {"title": "Sign in to continue", "text": "", "button": "Sign in", "accent": "#2357d9",
               "modal": True, "badge": ""},
    "popup": {"title": "A special offer for you", "text": "Members save on everything this week. Don't miss out.",
              "button": "Claim now", "accent": "#e0462b", "modal": True, "badge": "AD"},
    "discount": {"title": "Flash sale: 70% off, today only",
                 "text": "Your cart qualifies for an extra discount. The code expires in 10 minutes.",
                 "button": "Get my discount", "accent": "#f26b1d", "modal": True, "badge": "-70%"},
    "prize": {"title": "Congratulations, you were selected!",
              "text": "You are today's lucky visitor. Claim your $500 gift card before someone else does.",
              "button": "Claim my prize", "accent": "#8a3ffc", "modal": True, "badge": "WINNER"},
    "wheel": {"title": "Spin the wheel and win",
              "text": "One free spin per visitor: laptops, headphones and store credit are waiting.",
              "button": "Spin now", "accent": "#0f9d58", "modal": True, "badge": ""},
    "update": {"title": "Critical browser update required",
               "text": "Your browser is missing important security fixes. Install the update to keep browsing safely.",
               "button": "Update now", "accent": "#1a73e8", "modal": True, "badge": "!"},
    "cookie": {"title": "We value your privacy",
               "text": "We and our 318 partners store and access information on your device, and share your "
                       "browsing and contact details for personalised offers.",
               "button": "Accept all and continue", "accent": "#115e59", "modal": False, "badge": ""},
    "chat": {"title": "Mia from Support",
             "text": "Hi! Your account qualifies for a free premium upgrade. Shall I activate it for you?",
             "button": "Activate my upgrade", "accent": "#d6336c", "modal": False, "badge": "1"},
}

CLOSE_LOOKS = ("plain", "small", "faint", "text")   # a big x, a small x, a low-contrast x, "No thanks"
SIZES = {"s": 320, "m": 400, "l": 500}


def placement(seed: int, design: str, screen_w: int = 1280, screen_h: int = 640) -> dict[str, Any]:
    """Where a pop-up goes and how it closes, from its seed (viewport pixels, not screen).

    Modal designs sit in one of six anchors; the cookie design is a top or bottom bar, the chat
    design a bubble in a bottom corner. The close control is always real and always named
    "Close", but its corner and its look (sometimes small or faint) vary.
    """
    rng = random.Random(f"{design}:{seed}")
    size = rng.choice("sml")
    width = SIZES[size]
    margin = rng.randrange(16, 72, 4)
    close_corner = rng.choice(("top-right", "top-left"))
    close_look = rng.choice(CLOSE_LOOKS)
    if design == "cookie":
        anchor, width = rng.choice(("bottom", "top")), screen_w
        margin = 0
    elif design == "chat":
        anchor, width = rng.choice(("bottom-right", "bottom-left")), rng.choice((300, 330, 360))
    elif design == "signin":
        anchor = "center"
    else:
        anchor = rng.choice(("center", "top-left", "top-right", "bottom-left", "bottom-right", "top"))
    return {"anchor": anchor, "width": min(width, screen_w), "size": size, "margin": margin,
            "close_corner": close_corner, "close_look": close_look,
            "dim": POPUPS.get(design, {}).get("modal", True) and rng.random() < 0.7}
