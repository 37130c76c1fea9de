"""Pictures for the local CAPTCHA's image grid: small SVG scenes drawn from a seed.

Each tile is a simple scene (sky or grass, a sun, clouds) with one object drawn in it; the
object's colour, size and position vary, so a grid is not the same picture repeated. The
server alone knows which tiles show the asked-for subject.
"""
from __future__ import annotations

import random
from urllib.parse import quote

SUBJECTS = {"bicycle": "bicycles", "traffic_light": "traffic lights", "boat": "boats", "tree": "trees",
            "car": "cars", "house": "houses"}
COLORS = ("#d6453d", "#2a6fdb", "#f0a202", "#1f9d55", "#7b4bc4", "#333a45", "#e0672c")


def _bicycle(c: str) -> str:
    return (f"<g fill='none' stroke='{c}' stroke-width='3'><circle cx='-18' cy='8' r='12'/><circle cx='18' cy='8' r='12'/>"
            "<path d='M-18 8 L-4 -10 L12 -10 L18 8 M-4 -10 L2 8 L-18 8 M12 -10 L10 -16 M-6 -14 L0 -14'/></g>")


def _traffic_light(c: str) -> str:
    return ("<rect x='-2' y='10' width='4' height='26' fill='#555'/>"
            f"<rect x='-10' y='-34' width='20' height='46' rx='4' fill='#2b2b2b' stroke='{c}' stroke-width='2'/>"
            "<circle cx='0' cy='-24' r='5.5' fill='#e53935'/><circle cx='0' cy='-11' r='5.5' fill='#fbc02d'/>"
            "<circle cx='0' cy='2' r='5.5' fill='#43a047'/>")


def _boat(c: str) -> str:
    return (f"<path d='M-28 6 L28 6 L18 18 L-18 18 Z' fill='{c}'/><rect x='-1.5' y='-30' width='3' height='36' fill='#6d4c41'/>"
            "<path d='M2 -28 L24 2 L2 2 Z' fill='#fafafa' stroke='#999'/><path d='M-36 22 Q-26 17 -16 22 T4 22 T24 22 T44 22'"
            " fill='none' stroke='#3d7cc9' stroke-width='2'/>")


def _tree(c: str) -> str:
    return (f"<rect x='-4' y='4' width='8' height='26' fill='#7a5230'/><circle cx='0' cy='-12' r='20' fill='{c}'/>"
            f"<circle cx='-13' cy='0' r='12' fill='{c}'/><circle cx='13' cy='0' r='12' fill='{c}'/>")


def _car(c: str) -> str:
    return (f"<path d='M-30 6 L-30 -6 L-16 -8 L-8 -20 L14 -20 L22 -8 L30 -6 L30 6 Z' fill='{c}'/>"
            "<path d='M-6 -17 L12 -17 L17 -9 L-11 -9 Z' fill='#cfe6f7'/>"
            "<circle cx='-17' cy='8' r='7' fill='#222'/><circle cx='17' cy='8' r='7' fill='#222'/>")


def _house(c: str) -> str:
    return (f"<rect x='-22' y='-8' width='44' height='34' fill='{c}'/><path d='M-28 -8 L0 -32 L28 -8 Z' fill='#8d3b2f'/>"
            "<rect x='-6' y='8' width='12' height='18' fill='#5d4037'/><rect x='-18' y='-2' width='9' height='9' fill='#e3f2fd'/>"
            "<rect x='9' y='-2' width='9' height='9' fill='#e3f2fd'/>")


DRAW = {"bicycle": _bicycle, "traffic_light": _traffic_light, "boat": _boat, "tree": _tree, "car": _car,
        "house": _house}


def tile_svg(subject: str, rng: random.Random) -> str:
    """One 100x100 scene with `subject` in it."""
    sky = rng.choice(("#cfe8fb", "#e6f1f8", "#fbe9d0", "#dfe9e2"))
    ground = rng.choice(("#9ccc65", "#c5b38a", "#a5b4c3", "#7fb77e"))
    horizon = rng.randrange(58, 76)
    parts = [f"<rect width='100' height='100' fill='{sky}'/>",
             f"<rect y='{horizon}' width='100' height='{100 - horizon}' fill='{ground}'/>"]
    if rng.random() < 0.5:
        parts.append(f"<circle cx='{rng.randrange(12, 88)}' cy='{rng.randrange(10, 24)}' r='7' fill='#ffd54f'/>")
    if rng.random() < 0.6:
        cx = rng.randrange(10, 90)
        parts.append(f"<ellipse cx='{cx}' cy='18' rx='13' ry='6' fill='#fff' opacity='.85'/>")
    scale = rng.uniform(0.75, 1.1)
    x, y = rng.randrange(38, 62), rng.randrange(48, 62)
    flip = -1 if rng.random() < 0.5 else 1
    parts.append(f"<g transform='translate({x} {y}) scale({scale * flip:.2f} {scale:.2f})'>"
                 f"{DRAW[subject](rng.choice(COLORS))}</g>")
    return "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>" + "".join(parts) + "</svg>"


def data_uri(svg: str) -> str:
    return "data:image/svg+xml," + quote(svg)


def make_grid(seed: int, subject: str | None = None, size: int = 9) -> dict:
    """A grid: the subject asked for, each tile's picture, and the set of right tiles (3 or 4)."""
    rng = random.Random(f"grid:{seed}")
    subject = subject if subject in DRAW else rng.choice(sorted(DRAW))
    right = set(rng.sample(range(size), rng.choice((3, 4))))
    others = [s for s in sorted(DRAW) if s != subject]
    tiles = [tile_svg(subject if i in right else rng.choice(others), rng) for i in range(size)]
    return {"subject": subject, "label": SUBJECTS[subject], "tiles": tiles, "answer": sorted(right)}
