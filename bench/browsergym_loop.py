"""BrowserGym's step latency on a click-a-link loop, for comparison with riskgym (see bench_box.py).

Runs in its own virtualenv (.venv-bench, browsergym-core==0.14.3, which pins Playwright 1.44):

    .venv-bench/bin/python bench/browsergym_loop.py --steps 50

Two small pages, A and B, each linking to the other, are served from a stdlib HTTP server on
127.0.0.1. A minimal BrowserGym task opens page A; every step clicks the link on the current page
through BrowserGym's default high-level action set (``click('<bid>')``, the bid read from the
observation's accessibility tree), so one step is: click -> the other page loads -> BrowserGym
extracts its observation (DOM snapshot, AX tree, screenshot). ``env.step`` wall time is recorded
for BrowserGym's default ``pre_observation_delay`` (0.5 s) and for none.

The last line of stdout is one JSON object:
    {"step_default": [s...], "step_no_delay": [s...], "reset": [s...],
     "browsergym": "<version>", "playwright": "<version>", ...extra details}
Everything else goes to stderr. Exit status 0 on success, 1 on any failure.

Playwright cannot download its own browsers here, so every Chromium it launches (the env's and
the one BrowserGym's chat window starts itself) is Debian's /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version

LOG = logging.getLogger("browsergym_loop")

EXTRA_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# ---------------------------------------------------------------------------------------------
# the two pages

def _page(title: str, other_path: str, other_title: str, blurb: str) -> bytes:
    paras = "\n".join(
        f"<p>{blurb} Paragraph {i + 1}: our team answers questions about orders, delivery "
        f"times and returns. Opening hours are Monday to Friday, 9:00 to 17:00; messages sent "
        f"outside these hours are answered on the next working day.</p>"
        for i in range(6)
    )
    items = "\n".join(f"<li>Item {i + 1}: a short description of product {i + 1}, "
                      f"from {10 + 3 * i}.00 EUR</li>" for i in range(8))
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: sans-serif; margin: 0; color: #222; }}
  header {{ background: #24466b; color: #fff; padding: 12px 24px; }}
  nav a, main a {{ color: #1a5fb4; }}
  nav {{ padding: 8px 24px; background: #eef2f6; }}
  main {{ padding: 8px 24px; max-width: 60em; }}
  footer {{ padding: 12px 24px; color: #666; font-size: small; border-top: 1px solid #ddd; }}
</style>
</head>
<body>
<header><h1>{title}</h1></header>
<nav><a id="next" href="{other_path}">Go to {other_title}</a></nav>
<main>
<h2>About this page</h2>
{paras}
<h2>Catalogue</h2>
<ul>
{items}
</ul>
</main>
<footer>Example shop - a small static site used to time a click loop.</footer>
</body>
</html>
"""
    return html.encode()


PAGES = {
    "/a.html": _page("Page A", "/b.html", "page B", "This is page A."),
    "/b.html": _page("Page B", "/a.html", "page A", "This is page B."),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = PAGES.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # keep stdout/stderr clean
        pass


def start_server() -> tuple[ThreadingHTTPServer, str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, name="pages", daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


# ---------------------------------------------------------------------------------------------
# Playwright: always Debian's Chromium

def patch_playwright_launch(executable: str) -> None:
    """Make every ``BrowserType.launch`` (BrowserGym's env and its Chat window) use ``executable``
    and the extra flags, unless a caller names an executable itself."""
    from playwright.sync_api._generated import BrowserType

    original = BrowserType.launch
    if getattr(original, "_bgloop_patched", False):
        return

    def launch(self, *args, **kwargs):
        if not kwargs.get("executable_path"):
            kwargs["executable_path"] = executable
        extra = [a for a in EXTRA_CHROMIUM_ARGS if a not in (kwargs.get("args") or [])]
        kwargs["args"] = list(kwargs.get("args") or []) + extra
        return original(self, *args, **kwargs)

    launch._bgloop_patched = True
    BrowserType.launch = launch


# ---------------------------------------------------------------------------------------------
# the BrowserGym task and the loop

def make_task_class():
    from browsergym.core.task import AbstractBrowserTask

    class ClickLoopTask(AbstractBrowserTask):
        """Open page A; nothing to achieve (validate never ends the episode)."""

        @classmethod
        def get_task_id(cls):
            return "riskgym-bench.click-loop"

        def __init__(self, seed: int, start_url: str, slow_mo: int = 0) -> None:
            super().__init__(seed)
            self.start_url = start_url
            # AbstractBrowserTask defaults to slow_mo=1000 ms (Playwright pauses that long around
            # every action); a benchmark of the env's own overhead sets it explicitly.
            self.slow_mo = slow_mo
            self.timeout = 10000

        def setup(self, page):
            page.goto(self.start_url, wait_until="load")
            return "Click the link to the other page.", {}

        def validate(self, page, chat_messages):
            return 0, False, "", {}

        def cheat(self, page, chat_messages):
            page.click("#next")

        def teardown(self) -> None:
            pass

    return ClickLoopTask


def find_link(obs: dict) -> tuple[str, tuple[float, float] | None]:
    """The link's bid from the AX tree, and its centre (from the DOM extra properties) if known."""
    for node in obs["axtree_object"].get("nodes", []):
        role = (node.get("role") or {}).get("value")
        bid = node.get("browsergym_id")
        if role == "link" and bid is not None:
            props = obs["extra_element_properties"].get(bid) or {}
            bbox = props.get("bbox")
            centre = (bbox[0] + bbox[2] / 2, bbox[1] + bbox[3] / 2) if bbox else None
            return bid, centre
    raise RuntimeError(f"no link with a bid in the AX tree of {obs.get('url')!r}")


def run_variant(name: str, base_url: str, delay: float, n_steps: int, warmup: int, n_resets: int,
                how: str, slow_mo: int, executable: str) -> tuple[list[float], list[float], dict]:
    from browsergym.core.action.highlevel import HighLevelActionSet
    from browsergym.core.env import BrowserEnv

    subsets = ["chat", "infeas", "bid", "nav", "tab"]   # BrowserGym's default high-level set
    if how == "coord":
        subsets.append("coord")
    action_set = HighLevelActionSet(subsets=subsets)
    env = BrowserEnv(
        task_entrypoint=make_task_class(),
        task_kwargs={"start_url": f"{base_url}/a.html", "slow_mo": slow_mo},
        headless=True,
        pw_chromium_kwargs={"executable_path": executable},
        action_mapping=action_set.to_python_code,
        pre_observation_delay=delay,
    )
    resets: list[float] = []
    steps: list[float] = []
    parts: dict[str, list[float]] = {"action": [], "wait": [], "validate": [], "observe": []}
    try:
        obs = None
        for _ in range(max(1, n_resets)):
            t = time.perf_counter()
            obs, _ = env.reset(seed=0)
            resets.append(time.perf_counter() - t)
        if not obs["url"].endswith("/a.html"):
            raise RuntimeError(f"reset landed on {obs['url']!r}, not page A")
        if "screenshot" not in obs or obs["screenshot"].ndim != 3:
            raise RuntimeError("the observation has no screenshot")

        for i in range(warmup + n_steps):
            bid, centre = find_link(obs)
            if how == "coord":
                if centre is None:
                    raise RuntimeError("the link has no bounding box in extra_element_properties")
                action = f"mouse_click({centre[0]:.1f}, {centre[1]:.1f})"
            else:
                action = f"click({bid!r})"
            before = obs["url"]
            t = time.perf_counter()
            obs, _, terminated, truncated, info = env.step(action)
            dt = time.perf_counter() - t
            if obs["last_action_error"]:
                raise RuntimeError(f"{name} step {i}: {action} failed: {obs['last_action_error']}")
            want = "/b.html" if before.endswith("/a.html") else "/a.html"
            if not obs["url"].endswith(want):
                raise RuntimeError(f"{name} step {i}: {action} on {before} led to {obs['url']}, "
                                   f"not {want}")
            if obs["screenshot"].ndim != 3 or obs["screenshot"].size == 0:
                raise RuntimeError(f"{name} step {i}: empty screenshot")
            if terminated or truncated:
                raise RuntimeError(f"{name} step {i}: the episode ended unexpectedly")
            if i < warmup:
                continue
            steps.append(dt)
            parts["action"].append(info["action_exec_stop"] - info["action_exec_start"])
            parts["wait"].append(info["wait_for_page_loading_stop"] - info["wait_for_page_loading_start"])
            parts["validate"].append(info["validation_stop"] - info["validation_start"])
            parts["observe"].append(info["get_observation_stop"] - info["get_observation_start"])
        shot = obs["screenshot"].shape
    finally:
        env.close()
    medians = {k: statistics.median(v) for k, v in parts.items() if v}
    LOG.info("%s: step median %.1f ms (action %.1f, wait %.1f, validate %.1f, observe %.1f ms), "
             "reset %s s, screenshot %s", name, 1000 * statistics.median(steps),
             *(1000 * medians[k] for k in ("action", "wait", "validate", "observe")),
             ", ".join(f"{r:.2f}" for r in resets), "x".join(map(str, shot)))
    return steps, resets, medians


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=10, help="timed steps per variant")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps first, per variant")
    ap.add_argument("--resets", type=int, default=1, help="timed env.reset() calls per variant")
    ap.add_argument("--action", choices=("bid", "coord"), default="bid",
                    help="click('<bid>') (default) or mouse_click(x, y) on the link's centre")
    ap.add_argument("--slow-mo", type=int, default=0,
                    help="the task's Playwright slow_mo in ms (AbstractBrowserTask's default is 1000)")
    ap.add_argument("--chromium", default="/usr/bin/chromium", help="browser executable")
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if a.steps < 1:
        ap.error("--steps must be at least 1")

    try:
        import browsergym.core  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as e:
        print(f"browsergym_loop: cannot import BrowserGym/Playwright ({e}); run it with the "
              f"virtualenv that has browsergym-core installed (.venv-bench)", file=sys.stderr)
        return 1

    patch_playwright_launch(a.chromium)
    srv, base_url = start_server()
    LOG.info("pages at %s; browsergym-core %s, playwright %s, chromium %s", base_url,
             version("browsergym-core"), version("playwright"), a.chromium)
    out: dict = {"step_default": [], "step_no_delay": [], "reset": []}
    try:
        for key, delay in (("step_default", 0.5), ("step_no_delay", 0.0)):
            steps, resets, medians = run_variant(key, base_url, delay, a.steps, a.warmup, a.resets,
                                                 a.action, a.slow_mo, a.chromium)
            out[key] = steps
            out["reset"].extend(resets)
            out.setdefault("step_parts_median", {})[key] = medians
    except Exception as e:  # noqa: BLE001 -- report any failure clearly and exit non-zero
        traceback.print_exc(file=sys.stderr)
        print(f"browsergym_loop: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        srv.shutdown()
        srv.server_close()
        try:
            import browsergym.core as bgc
            if bgc._PLAYWRIGHT is not None:
                bgc._PLAYWRIGHT.stop()
                bgc._set_global_playwright(None)
        except Exception:  # noqa: BLE001 -- shutting down; nothing useful to do
            pass

    out.update({
        "browsergym": version("browsergym-core"),
        "playwright": version("playwright"),
        "action": a.action,
        "slow_mo_ms": a.slow_mo,
        "warmup_steps": a.warmup,
    })
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
