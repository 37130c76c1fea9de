"""Inline SVG pictures for the pop-up designs (a prize wheel, a gift, an update shield)."""
from __future__ import annotations

import math

_WHEEL_LABELS = ("Laptop", "$50", "Try again", "Headphones", "$100", "Try again", "Tablet", "$20")
_WHEEL_COLORS = ("#ef4444", "#f59e0b", "#10b981", "#3b82f6", "#8b5cf6", "#ec4899", "#14b8a6", "#f97316")


def wheel(size: int = 170) -> str:
    r, c = size / 2 - 6, size / 2
    parts = []
    n = len(_WHEEL_LABELS)
    for i, (label, color) in enumerate(zip(_WHEEL_LABELS, _WHEEL_COLORS)):
        a0, a1 = 2 * math.pi * i / n, 2 * math.pi * (i + 1) / n
        x0, y0 = c + r * math.cos(a0), c + r * math.sin(a0)
        x1, y1 = c + r * math.cos(a1), c + r * math.sin(a1)
        parts.append(f"<path d='M{c},{c} L{x0:.1f},{y0:.1f} A{r},{r} 0 0 1 {x1:.1f},{y1:.1f} Z' fill='{color}'/>")
        am = (a0 + a1) / 2
        tx, ty = c + r * 0.62 * math.cos(am), c + r * 0.62 * math.sin(am)
        parts.append(f"<text x='{tx:.1f}' y='{ty:.1f}' font-size='10' fill='#fff' font-weight='700' text-anchor='middle'"
                     f" dominant-baseline='middle' transform='rotate({math.degrees(am):.0f} {tx:.1f} {ty:.1f})'>{label}</text>")
    parts.append(f"<circle cx='{c}' cy='{c}' r='{r}' fill='none' stroke='#1f2937' stroke-width='5'/>"
                 f"<circle cx='{c}' cy='{c}' r='14' fill='#fff' stroke='#1f2937' stroke-width='3'/>"
                 f"<path d='M{c - 9},2 L{c + 9},2 L{c},22 Z' fill='#1f2937'/>")
    return f"<svg width='{size}' height='{size}' viewBox='0 0 {size} {size}'>{''.join(parts)}</svg>"


GIFT = ("<svg width='96' height='90' viewBox='0 0 96 90'><rect x='10' y='34' width='76' height='52' rx='4' fill='#8a3ffc'/>"
        "<rect x='4' y='22' width='88' height='16' rx='3' fill='#a56eff'/><rect x='42' y='22' width='12' height='64' fill='#ffd43b'/>"
        "<path d='M48 22 C34 2 16 10 28 20 Z M48 22 C62 2 80 10 68 20 Z' fill='#ffd43b'/>"
        "<text x='48' y='66' font-size='15' text-anchor='middle' fill='#fff' font-weight='800'>$500</text></svg>")

SHIELD = ("<svg width='64' height='72' viewBox='0 0 64 72'><path d='M32 2 L60 12 V34 C60 52 48 64 32 70 C16 64 4 52 4 34 V12 Z'"
          " fill='#1a73e8'/><path d='M32 18 V46 M20 36 L32 48 L44 36' stroke='#fff' stroke-width='6' fill='none'"
          " stroke-linecap='round' stroke-linejoin='round'/></svg>")


def art(design: str) -> str:
    return {"wheel": wheel(), "prize": GIFT, "update": SHIELD}.get(design, "")
