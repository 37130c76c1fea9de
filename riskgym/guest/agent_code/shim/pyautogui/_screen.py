"""Screenshots and exact image search for the pyautogui shim (PIL and mss, imported on use)."""
from __future__ import annotations

import pyautogui as _p


def screenshot(imageFilename=None, region=None):
    import mss
    from PIL import Image

    left, top, w, h = region or (0, 0, _p._W, _p._H)
    with mss.MSS() if hasattr(mss, "MSS") else mss.mss() as grabber:
        raw = grabber.grab({"left": int(left), "top": int(top), "width": int(w), "height": int(h)})
    img = Image.frombytes("RGB", raw.size, raw.rgb)
    if imageFilename:
        img.save(imageFilename)
    return img


def pixel(x, y):
    return screenshot(region=(x, y, 1, 1)).getpixel((0, 0))


def pixelMatchesColor(x, y, expectedRGBColor, tolerance=0):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel(x, y), expectedRGBColor))


def _image(img):
    from PIL import Image

    return (Image.open(img) if isinstance(img, str) else img).convert("RGB")


def locateAll(needleImage, haystackImage, grayscale=None, limit=None, region=None, step=1, confidence=None):
    """Exact matches only (confidence is not modelled): where every pixel of the needle equals."""
    import numpy as np

    needle, hay = np.asarray(_image(needleImage)), np.asarray(_image(haystackImage))
    nh, nw = needle.shape[:2]
    hh, hw = hay.shape[:2]
    if nh > hh or nw > hw:
        return
    found = 0
    ys, xs = np.nonzero((hay[: hh - nh + 1, : hw - nw + 1] == needle[0, 0]).all(axis=2))
    for y, x in zip(ys, xs):
        if (hay[y:y + nh, x:x + nw] == needle).all():
            yield _p.Box(int(x), int(y), nw, nh)
            found += 1
            if limit and found >= limit:
                return


def locate(needleImage, haystackImage, **kwargs):
    return next(locateAll(needleImage, haystackImage, limit=1, **kwargs), None)


def locateAllOnScreen(image, **kwargs):
    return locateAll(image, screenshot(region=kwargs.pop("region", None)), **kwargs)


def locateOnScreen(image, minSearchTime=0, **kwargs):
    box = locate(image, screenshot(region=kwargs.pop("region", None)), **kwargs)
    if box is None and _p._use_not_found:
        raise _p.ImageNotFoundException(f"could not locate the image {image!r} on the screen")
    return box


def locateCenterOnScreen(image, **kwargs):
    box = locateOnScreen(image, **kwargs)
    return None if box is None else center(box)


def center(coords):
    return _p.Point(coords[0] + int(coords[2] / 2), coords[1] + int(coords[3] / 2))
