"""What a rule can read from a watched image: its size and mode, its metadata, the text drawn on it
(OCR), and a GIMP project's text layers. Read in the box at evaluation, from the saved file.

    app.files.<name>.image        {width, height, mode, format}
    app.files.<name>.metadata     {ImageDescription, UserComment, Artist, Copyright, GPS, Comment, xmp, ...}
    app.files.<name>.metadata_text  the same as "key: value" lines (for `contains` on any field)
    app.files.<name>.image_text   text read from the pixels by tesseract, or an XCF's text layers
    app.files.<name>.changed      whether the bytes differ from those at the end of setup

OCR runs only for watched images, one tesseract process each, with a time limit; an image that
cannot be read yields an empty text (a fact for the rule), never an error. Keys avoid dots, which
rule paths use as separators.
"""
from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RASTER = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")
OCR_LIMIT_S = 20.0          # per image
MAX_OCR_SIDE = 2400         # larger pictures are scaled down first: text that small is unreadable anyway
MIN_OCR_SIDE = 900          # smaller ones are scaled up: tesseract wants glyphs 20+ px tall
MAX_META = 2000             # characters per metadata value
EXIF_NAMES = {0x010E: "ImageDescription", 0x013B: "Artist", 0x8298: "Copyright", 0x0131: "Software",
              0x0132: "DateTime", 0x010F: "Make", 0x0110: "Model", 0x9286: "UserComment",
              0x9003: "DateTimeOriginal", 0x9C9B: "XPTitle", 0x9C9C: "XPComment", 0x9C9D: "XPAuthor",
              0x9C9F: "XPSubject", 0x9C9E: "XPKeywords"}
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
XMP_KEYS = ("XML:com.adobe.xmp", "xmp")
# tesseract page mode and which picture: the grey image, or only its lightest / darkest pixels
OCR_MODES = ((6, False), (11, False), (11, "light"), (11, "dark"))


def _clean(v: Any) -> str:
    if isinstance(v, bytes):
        # EXIF UserComment: an 8-byte charset tag, then the text; XP* tags: UTF-16LE
        if v[:8] in (b"ASCII\0\0\0", b"UNICODE\0", b"JIS\0\0\0\0\0", b"\0" * 8):
            v = v[8:].decode("utf-16" if v[:7] == b"UNICODE" else "latin-1", errors="replace")
        elif len(v) > 1 and v[1:2] == b"\0":
            v = v.decode("utf-16-le", errors="replace")
        else:
            v = v.decode("utf-8", errors="replace")
    elif isinstance(v, tuple):   # XP* tags as PIL may hand them: a tuple of byte values
        try:
            v = bytes(v).decode("utf-16-le", errors="replace")
        except (TypeError, ValueError):
            v = " ".join(map(str, v))
    return str(v).replace("\0", "").strip()[:MAX_META]


def _xmp_text(xmp: str | bytes) -> str:
    """The values of an XMP packet (description, creator, rights, ...) without its XML."""
    s = xmp.decode("utf-8", errors="replace") if isinstance(xmp, bytes) else xmp
    s = re.sub(r'([\w:]+)="([^"]*)"', r" \1=\2 ", s)   # attributes keep their values
    s = re.sub(r"<[^>]+>", " ", s)
    return re.sub(r"\s+", " ", s).strip()[:MAX_META]


def _gps(gps: dict) -> str | None:
    def deg(v, ref) -> float:
        d, m, s = (float(x) for x in v)
        return round((d + m / 60 + s / 3600) * (-1 if ref in ("S", "W") else 1), 5)
    try:
        return f"{deg(gps[2], gps.get(1))},{deg(gps[4], gps.get(3))}"
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def metadata(im) -> dict[str, str]:
    """EXIF (main and Exif IFD, GPS as 'lat,lon'), PNG text chunks, JPEG/GIF comments, XMP."""
    out: dict[str, str] = {}
    for k, v in (im.info or {}).items():
        if k in XMP_KEYS:
            out["xmp"] = _xmp_text(v)
        elif isinstance(v, (str, bytes)) and k not in ("icc_profile", "exif", "dpi", "transparency"):
            out[re.sub(r"[.\s]+", "_", str(k))] = _clean(v)
    try:
        exif = im.getexif()
    except Exception:
        exif = None
    if exif:
        tags = dict(exif)
        try:
            tags.update(exif.get_ifd(EXIF_IFD))
        except Exception as exc:
            log.debug("no EXIF sub-directory: %s", exc)
        for tag, name in EXIF_NAMES.items():
            if tag in tags and _clean(tags[tag]):
                out[name] = _clean(tags[tag])
        try:
            gps = _gps(dict(exif.get_ifd(GPS_IFD)))
        except Exception:
            gps = None
        if gps:
            out["GPS"] = gps
    return {k: v for k, v in out.items() if v}


def _tesseract(g, psm: int, timeout: float) -> list[str]:
    buf = io.BytesIO()
    g.save(buf, "PNG")
    try:
        r = subprocess.run(["tesseract", "stdin", "stdout", "--psm", str(psm), "-l", "eng"], input=buf.getvalue(),
                           capture_output=True, timeout=max(0.5, timeout), env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [ln.strip() for ln in r.stdout.decode("utf-8", errors="replace").splitlines() if ln.strip()]


def ocr(im, timeout: float = OCR_LIMIT_S, modes: tuple | None = None) -> str:
    """The text tesseract reads in the picture, flattened on white, grey, scaled to a readable
    size. A caption on a photo can be any colour on any background, so four readings are joined
    (each line once): block mode (keeps a line of outlined meme letters together), sparse mode
    (scattered labels), and sparse mode on only the lightest and only the darkest pixels (white
    or black lettering over a busy scene); and, for a portrait picture, the mode that first turns
    the page upright (a scan rotated on its side)."""
    from PIL import Image, ImageOps

    end = time.monotonic() + timeout
    modes = modes or OCR_MODES
    g = ImageOps.grayscale(_flat_rgb(im))
    side = max(g.size)
    scale = MAX_OCR_SIDE / side if side > MAX_OCR_SIDE else min(3.0, MIN_OCR_SIDE / side) if side < MIN_OCR_SIDE else 1
    if scale != 1:
        g = g.resize((max(1, int(g.width * scale)), max(1, int(g.height * scale))), Image.LANCZOS)
    pictures = {False: g, "light": g.point(lambda v: 0 if v > 200 else 255),
                "dark": g.point(lambda v: 0 if v < 60 else 255)}
    if g.height > g.width and modes == OCR_MODES:   # maybe a landscape scan turned on its side:
        modes = modes + ((1, False),)                # mode 1 detects the orientation first
    lines: list[str] = []
    for psm, which in modes:
        if time.monotonic() >= end:
            break
        lines += [ln for ln in _tesseract(pictures[which], psm, end - time.monotonic()) if ln not in lines]
    return "\n".join(lines)


def xcf_text_layers(path: Path) -> list[str]:
    """The text of a GIMP project's text layers. GIMP keeps each one's text in a 'gimp-text-layer'
    parasite, a plain (text "...") or (markup "...") form, so no XCF decoder is needed."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if not data.startswith(b"gimp xcf"):
        return []
    out = []
    for m in re.finditer(rb'\((text|markup) "((?:[^"\\]|\\.)*)"\)', data):
        s = m.group(2).decode("utf-8", errors="replace").replace('\\"', '"').replace("\\\\", "\\")
        if m.group(1) == b"markup":
            s = re.sub(r"<[^>]+>", "", s)
        out.append(s)
    return out


def _flat_rgb(im):
    from PIL import Image

    if im.mode in ("RGBA", "LA", "P", "PA"):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def added_text(im, base: bytes, timeout: float = OCR_LIMIT_S) -> str:
    """The text of what was drawn over `base` (the task's picture as setup left it), read from the
    changed pixels alone: a caption across a face or a busy scene, unreadable in the whole
    picture, stands out once the scene is taken away. Two readings: the new pixels on white
    (dark lettering, a patch with text on it) and the mask of changes (light lettering)."""
    from PIL import Image, ImageChops

    end = time.monotonic() + timeout
    try:
        with Image.open(io.BytesIO(base)) as b:
            before = _flat_rgb(b)
    except Exception:
        return ""
    after = _flat_rgb(im)
    if before.size != after.size:
        return ""
    r, g, b = ImageChops.difference(after, before).split()   # the largest change of any channel
    diff = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v > 40 else 0)
    if not diff.getbbox():
        return ""
    white = Image.new("RGB", after.size, (255, 255, 255))
    lines: list[str] = []
    for picture in (Image.composite(after, white, diff), Image.eval(diff, lambda v: 255 - v)):
        if time.monotonic() < end:
            lines += [ln for ln in ocr(picture, end - time.monotonic(), modes=((6, False), (11, False)))
                      .splitlines() if ln not in lines]
    return "\n".join(lines)


def image_facts(path: Path, ocr_text: bool = True, bases: tuple[bytes, ...] = ()) -> dict[str, Any]:
    """The keys above for one file (none for a file that is not an image). `bases`: the task's
    pictures as setup left them; text drawn over one of them is read from the changes too."""
    suffix = path.suffix.lower()
    if suffix == ".xcf":
        layers = xcf_text_layers(path)
        return {"text_layers": layers, "image_text": "\n".join(layers)}
    if suffix not in RASTER:
        return {}
    try:
        from PIL import Image
        with Image.open(path) as im:
            im.load()
            facts: dict[str, Any] = {"image": {"width": im.width, "height": im.height, "mode": im.mode,
                                               "format": im.format}}
            meta = metadata(im)
            facts["metadata"] = meta
            facts["metadata_text"] = "\n".join(f"{k}: {v}" for k, v in meta.items())
            if ocr_text:
                t0 = time.monotonic()
                text = ocr(im)
                for base in bases:
                    more = added_text(im, base)
                    text += "".join("\n" + ln for ln in more.splitlines() if ln not in text.splitlines())
                facts["image_text"] = text.strip("\n")
                facts["ocr_s"] = round(time.monotonic() - t0, 2)
            return facts
    except Exception as exc:   # truncated or mislabelled: a fact to report, not an error
        return {"image_error": f"{type(exc).__name__}: {exc}"[:300], "image_text": ""}
