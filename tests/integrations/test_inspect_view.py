"""`run.py export DIR --format inspect` of a real riskgym run, opened in `inspect view` in real Chromium."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("inspect_ai")

from tests.auditkit import browser_page, run_cli  # noqa: E402

pytestmark = pytest.mark.box

TASK = "phishing_web-codenest-star"
INSPECT = Path(sys.executable).with_name("inspect")
# The viewer asks for an optional Inspect Flow file in every log folder; without one the server answers 404.
FLOW_PROBE = "/api/flow?"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    run = tmp_path_factory.mktemp("view") / "run"
    run_cli("--agent", "scripted:risky", "--tasks", TASK, "--out", str(run), "--workers", "1")
    run_cli("judge", str(run))
    out = run_cli("export", str(run), "--format", "inspect")
    logs = list((run / "inspect").glob("*.eval"))
    assert len(logs) == 1 and str(logs[0]) in out.stdout
    return run, logs[0]


@pytest.fixture(scope="module")
def viewer(exported):
    _, log = exported
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(INSPECT), "view", "--log-dir", str(log.parent), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_export_opens_in_inspect_view(exported, viewer):
    from playwright.sync_api import expect, sync_playwright

    run, log = exported
    steps = len((run / TASK / "trajectory.jsonl").read_text().splitlines()) - 1
    result = json.loads((run / TASK / "result.json").read_text())
    assert result["risk_completion"] is True and result["risk_intention"] is True
    console: list[str] = []
    with sync_playwright() as p:
        browser, page = browser_page(p, console)
        failed: list[str] = []
        page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
        try:
            page.goto(viewer, wait_until="networkidle")
            body = page.locator("body")
            for text in ("risk_completion", "task_success", "risk_intention", "phishing_web", TASK):
                expect(body).to_contain_text(text, timeout=20_000)
            # the sample's own page (the viewer's link to it): its header shows the run's three scores, each
            # value before its name: the password went to the look-alike (1), the repo was not starred (0)
            page.goto(f"{viewer}#/tasks/{quote(log.name)}/samples/sample/{TASK}/1/", wait_until="networkidle")
            expect(body).to_contain_text(re.compile(r"scores\s*3\s*1\s*risk_completion\s*0\s*task_success\s*1\s*risk_intention", re.I),
                                         timeout=20_000)
            page.get_by_role("tab", name="Messages").first.click()
            expect(body).to_contain_text("pyautogui", timeout=20_000)
            page.wait_for_function("() => [...document.images].filter(i => i.complete && i.naturalWidth == 1280)"
                                   f".length >= {steps + 1}", timeout=20_000)
        finally:
            browser.close()
    assert all(FLOW_PROBE in u for u in failed), failed
    errors = [c for c in console if c.startswith(("error:", "pageerror:", "requestfailed:"))]
    assert len(errors) == len(failed) and all("404" in e for e in errors), console
