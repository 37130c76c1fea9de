"""Charts for the reports, drawn with Pillow (already a dependency; no plotting library needed).

Two kinds are enough: grouped bars with 95 % interval whiskers (rates per category, runs side by
side) and a labelled scatter (safety against success). Drawn at twice the displayed size so they
stay sharp on high-density screens; the HTML shows them at half width.
"""
from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

S = 2   # drawing scale
PALETTE = ["#c0392b", "#e67e22", "#2e86c1", "#27ae60", "#8e44ad", "#7f8c8d", "#d4ac0d", "#16a085"]
INK, GRID, MUTED = "#1d2330", "#e3e7ee", "#6b7384"


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size * S)
        except OSError:
            continue
    return ImageFont.load_default(size * S)


def _text(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int = 11, fill: str = INK,
          anchor: str = "la") -> None:
    d.text((xy[0] * S, xy[1] * S), text, font=font(size), fill=fill, anchor=anchor)


def _legend(d: ImageDraw.ImageDraw, items: list[tuple[str, str]], x: float, y: float) -> None:
    for label, color in items:
        d.rectangle([x * S, (y - 4) * S, (x + 10) * S, (y + 6) * S], fill=color)
        _text(d, (x + 14, y + 1), label, 10, anchor="lm")
        x += 24 + font(10).getlength(label) / S


def _pct_axis(d: ImageDraw.ImageDraw, left: float, top: float, right: float, bottom: float) -> None:
    for k in range(0, 101, 25):
        y = bottom - (bottom - top) * k / 100
        d.line([left * S, y * S, right * S, y * S], fill=GRID, width=S)
        _text(d, (left - 6, y), f"{k} %", 10, MUTED, anchor="rm")


def grouped_bars(groups: list[str], series: list[dict[str, Any]], title: str) -> Image.Image:
    """series: [{label, color?, values: [(rate | None, [lo, hi] | None), ...] per group}] -> bars."""
    n_series = max(1, len(series))
    bar = 12 if n_series <= 4 else 8
    slot = n_series * bar + 18
    left, top, bottom_pad = 56, 46, 92
    width = max(420, left + 20 + slot * len(groups))
    height = 330
    img = Image.new("RGB", (width * S, height * S), "white")
    d = ImageDraw.Draw(img)
    bottom, right = height - bottom_pad, width - 16
    _text(d, (left, 14), title, 13)
    _legend(d, [(s["label"], s.get("color") or PALETTE[k % len(PALETTE)]) for k, s in enumerate(series)], left, 34)
    _pct_axis(d, left, top + 8, right, bottom)
    top += 8
    for g, name in enumerate(groups):
        x0 = left + 10 + g * slot
        for k, s in enumerate(series):
            rate, ci = s["values"][g]
            x = x0 + k * bar
            color = s.get("color") or PALETTE[k % len(PALETTE)]
            if rate is None:
                _text(d, (x + bar / 2, bottom - 8), "–", 10, MUTED, anchor="mm")
                continue
            y = bottom - (bottom - top) * rate
            d.rectangle([x * S, y * S, (x + bar - 2) * S, bottom * S], fill=color)
            if ci:
                lo, hi = (bottom - (bottom - top) * v for v in ci)
                cx = (x + bar / 2 - 1) * S
                d.line([cx, lo * S, cx, hi * S], fill=INK, width=S)
                d.line([cx - 3 * S, lo * S, cx + 3 * S, lo * S], fill=INK, width=S)
                d.line([cx - 3 * S, hi * S, cx + 3 * S, hi * S], fill=INK, width=S)
        label = name if len(name) <= 22 else name[:21] + "…"
        lx, ly = x0 + n_series * bar / 2, bottom + 6
        txt = Image.new("RGBA", (int(font(10).getlength(label)) + 4 * S, 16 * S), (255, 255, 255, 0))
        ImageDraw.Draw(txt).text((0, 0), label, font=font(10), fill=INK)
        rot = txt.rotate(35, expand=True)
        img.paste(rot, (int(lx * S - rot.width + 6 * S), int(ly * S)), rot)
    d.line([left * S, bottom * S, right * S, bottom * S], fill=INK, width=S)
    return img


def scatter(points: list[dict[str, Any]], title: str, xlabel: str, ylabel: str,
            legend: list[tuple[str, str]] | None = None) -> Image.Image:
    """points: [{x, y (0-1), label, color?, xci?, yci?}] -> a labelled scatter on the unit square."""
    width, height = 520, 420
    left, top, right, bottom = 64, 52, width - 24, height - 52
    img = Image.new("RGB", (width * S, height * S), "white")
    d = ImageDraw.Draw(img)
    _text(d, (left, 14), title, 13)
    if legend:
        _legend(d, legend, left, 36)
    for k in range(0, 101, 25):
        x = left + (right - left) * k / 100
        y = bottom - (bottom - top) * k / 100
        d.line([x * S, top * S, x * S, bottom * S], fill=GRID, width=S)
        d.line([left * S, y * S, right * S, y * S], fill=GRID, width=S)
        _text(d, (x, bottom + 12), f"{k} %", 10, MUTED, anchor="mm")
        _text(d, (left - 6, y), f"{k} %", 10, MUTED, anchor="rm")
    d.rectangle([left * S, top * S, right * S, bottom * S], outline=INK, width=S)
    _text(d, ((left + right) / 2, bottom + 32), xlabel, 11, anchor="mm")
    ylab = Image.new("RGBA", (int(font(11).getlength(ylabel)) + 4 * S, 16 * S), (255, 255, 255, 0))
    ImageDraw.Draw(ylab).text((0, 0), ylabel, font=font(11), fill=INK)
    ylab = ylab.rotate(90, expand=True)
    img.paste(ylab, (int(8 * S), int(((top + bottom) / 2) * S - ylab.height / 2)), ylab)
    px = lambda v: (left + (right - left) * v) * S
    py = lambda v: (bottom - (bottom - top) * v) * S
    placed: list[tuple[float, float, float, float]] = []
    for k, p in enumerate(points):
        if p.get("x") is None or p.get("y") is None:
            continue
        color = p.get("color") or PALETTE[k % len(PALETTE)]
        x, y = px(p["x"]), py(p["y"])
        for ci, horizontal in ((p.get("xci"), True), (p.get("yci"), False)):
            if ci:
                if horizontal:
                    d.line([px(ci[0]), y, px(ci[1]), y], fill=color, width=S)
                else:
                    d.line([x, py(ci[0]), x, py(ci[1])], fill=color, width=S)
        r = 5 * S
        d.ellipse([x - r, y - r, x + r, y + r], fill=color, outline="white", width=S)
        _place_label(d, p.get("label", ""), x, y, placed, (0, 0, width * S, height * S))
    return img


def _place_label(d: ImageDraw.ImageDraw, label: str, x: float, y: float, placed: list, canvas: tuple) -> None:
    """Next to its point, on the first side where it overlaps no earlier label and stays on the canvas."""
    w, h = font(10).getlength(label), 12 * S
    tries = [(8, -6), (8, 8), (-8, -6), (-8, 8), (8, -20), (8, 22), (-8, -20), (-8, 22), (8, 36), (-8, 36)]
    box = None
    for dx, dy in tries:
        x0 = x + dx * S if dx > 0 else x + dx * S - w
        y0 = y + dy * S - h / 2
        cand = (x0, y0, x0 + w, y0 + h)
        inside = cand[0] >= canvas[0] and cand[2] <= canvas[2] and cand[1] >= canvas[1] and cand[3] <= canvas[3]
        if inside and not any(cand[0] < b[2] and b[0] < cand[2] and cand[1] < b[3] and b[1] < cand[3] for b in placed):
            box = cand
            break
    box = box or (x + 8 * S, y - h / 2, x + 8 * S + w, y + h / 2)
    placed.append(box)
    d.text((box[0], box[1]), label, font=font(10), fill=INK)


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def save(img: Image.Image, path: Path) -> bytes:
    data = png_bytes(img)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
