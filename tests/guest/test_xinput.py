"""XInput against a real Xvfb and a real headful Chromium: the events must reach the page."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from riskgym.actions.parse import Action, parse_actions

W, H = 1280, 720
CHROMIUM = "/usr/bin/chromium"

PAGE = """<!doctype html><html><head><style>
body { margin: 0; font: 16px sans-serif; }
.a { position: absolute; left: 20px; }
</style></head><body>
<form id="f" onsubmit="window.submitted = (window.submitted || 0) + 1; return false">
  <input id="inp" class="a" autocomplete="off" style="top: 20px; width: 400px; height: 30px">
</form>
<textarea id="ta" class="a" style="top: 70px; width: 400px; height: 80px"></textarea>
<button id="btn" style="position: absolute; left: 500px; top: 20px; width: 150px; height: 60px">Press</button>
<input id="rng" type="range" min="0" max="100" value="0" class="a" style="top: 200px; width: 400px">
<p id="txt" class="a" style="top: 260px; margin: 0">select these words please</p>
<div style="height: 4000px"></div>
<script>
window.log = [];
const b = document.getElementById("btn");
for (const t of ["click", "dblclick", "auxclick", "contextmenu"])
  b.addEventListener(t, e => log.push([t, e.button, e.detail]));
document.addEventListener("contextmenu", e => e.preventDefault());  // no native menu grabbing input
</script></body></html>"""


def _free_display() -> int:
    for n in range(90, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture(scope="module")
def xvfb():
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb binary not installed")
    n = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not os.path.exists(f"/tmp/.X11-unix/X{n}"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{n} did not start")
        time.sleep(0.02)
    yield f":{n}"
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="module")
def browser_page(xvfb):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            headless=False, executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync",
                  "--window-position=0,0", f"--window-size={W},{H}"],
            ignore_default_args=["--enable-automation"], env={**os.environ, "DISPLAY": xvfb})
        page = browser.new_context(no_viewport=True).new_page()
        page.set_content(PAGE)
        page.bring_to_front()
        yield page
        browser.close()


@pytest.fixture(scope="module")
def xin(xvfb):
    from riskgym.guest.xinput import XInput
    x = XInput(xvfb, W, H)
    yield x
    x.close()


@pytest.fixture
def page(browser_page):
    # Fresh state per test without reloading Chromium: scroll home, clear fields and logs.
    browser_page.evaluate("""() => { window.scrollTo(0, 0); log.length = 0; window.submitted = 0;
        inp.value = ''; ta.value = ''; rng.value = 0; getSelection().removeAllRanges(); }""")
    return browser_page


def center(page, selector: str) -> tuple[int, int]:
    """Screen coordinates of an element's centre: the page sits below the browser toolbar."""
    dx, dy = page.evaluate("[window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]")
    box = page.locator(selector).bounding_box()
    return round(box["x"] + box["width"] / 2 + dx), round(box["y"] + box["height"] / 2 + dy)


def run(xin, code: str) -> None:
    for a in parse_actions(code):
        xin.perform(a)


def wait_for(page, js: str, expect, timeout: float = 30.0):   # evidence: returns as soon as it shows
    deadline = time.monotonic() + timeout
    while True:
        got = page.evaluate(js)
        if got == expect or time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def test_click_lands_on_button(page, xin):
    x, y = center(page, "#btn")
    run(xin, f"pyautogui.click({x}, {y})")
    assert wait_for(page, "log", [["click", 0, 1]]) == [["click", 0, 1]]
    assert xin.pointer() == (x, y)


def test_double_and_right_click(page, xin):
    x, y = center(page, "#btn")
    # A click elsewhere first, so an earlier test's click on the button does not chain.
    run(xin, f"click(1000, 600)\npyautogui.doubleClick({x}, {y})")
    want = "click1,click2,dblclick2"
    assert wait_for(page, "log.map(e => e[0] + e[2]).join()", want) == want
    page.evaluate("log.length = 0")
    run(xin, f"pyautogui.rightClick({x}, {y})")
    want = [["contextmenu", 2, 0], ["auxclick", 2, 1]]  # contextmenu comes on press, auxclick on release
    assert wait_for(page, "log", want) == want


def test_type_ascii_and_unicode(page, xin):
    x, y = center(page, "#inp")
    text = "Hello, World! @#$ 123"
    run(xin, f"click({x}, {y})\nwrite({text!r})")
    assert wait_for(page, "inp.value", text) == text
    run(xin, "hotkey('ctrl', 'a')\npress('backspace')")
    assert wait_for(page, "inp.value", "") == ""
    run(xin, "typewrite('naïve café ü')")
    assert wait_for(page, "inp.value", "naïve café ü") == "naïve café ü"
    # The keymap is restored after the temporary remaps.
    assert not xin._temp


def test_type_beyond_the_keymap_and_newlines(page, xin):
    x, y = center(page, "#ta")
    text = "日本語 ½ € 😀\nline2 end ÆØÅ"  # (a tab would move focus out of a textarea)
    run(xin, f"click({x}, {y})")
    xin.perform(Action("type", text=text))
    assert wait_for(page, "ta.value", text) == text


def test_enter_submits_form(page, xin):
    x, y = center(page, "#inp")
    run(xin, f"click({x}, {y})\nwrite('query')\npress('enter')")
    assert wait_for(page, "window.submitted", 1) == 1


def settled_scroll(page) -> float:
    """scrollY once smooth scrolling has finished animating."""
    last = None
    for _ in range(100):
        cur = page.evaluate("window.scrollY")
        if cur == last:
            return cur
        last = cur
        time.sleep(0.05)
    return last


def test_scroll_changes_scroll_position(page, xin):
    x, y = center(page, "#txt")
    run(xin, f"pyautogui.scroll(-5, x={x}, y={y})")
    assert wait_for(page, "window.scrollY > 0", True) is True
    before = settled_scroll(page)
    run(xin, "pyautogui.scroll(2)")
    assert wait_for(page, f"window.scrollY < {before}", True) is True


def test_drag_moves_slider_and_selects_text(page, xin):
    x, y = center(page, "#rng")
    box = page.locator("#rng").bounding_box()
    left = x - round(box["width"] / 2) + 3   # the thumb sits at the left end (value 0)
    run(xin, f"moveTo({left}, {y})\ndragTo({x + 150}, {y}, duration=0.2)")
    assert int(wait_for(page, "rng.value > 50", True) and page.evaluate("rng.value")) > 50
    tx, ty = center(page, "#txt")
    tbox = page.locator("#txt").bounding_box()
    start = tx - round(tbox["width"] / 2) + 1
    run(xin, f"pyautogui.moveTo({start}, {ty})\npyautogui.dragRel({round(tbox['width']) - 2}, 0)")
    sel = wait_for(page, "getSelection().toString()", "select these words please")
    assert sel == "select these words please"


def test_out_of_screen_coordinates_raise(xin):
    for x, y in [(W, 10), (10, H), (-1, 5)]:
        with pytest.raises(ValueError, match=rf"\({x}, {y}\)"):
            xin.perform(Action("click", x, y))
    with pytest.raises(ValueError):
        xin.perform(Action("drag", 10, 10, to_x=5000, to_y=10))


def test_held_modifier_and_triple_click(page, xin):
    x, y = center(page, "#inp")
    run(xin, f"click({x}, {y})\nkeyDown('shift')\npress(['a', 'b'])\nkeyUp('shift')\npress('c')")
    assert wait_for(page, "inp.value", "ABc") == "ABc"
    assert not xin._held_keys
    run(xin, f"click(1000, 600)\ntripleClick({x}, {y})\npress('delete')")
    assert wait_for(page, "inp.value", "") == ""
