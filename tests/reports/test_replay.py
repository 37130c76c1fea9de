"""The replay viewer in real Chromium, and --execute against a fresh box."""
from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.auditkit import browser_page, fake_run, reference_runs, run_cli

STAR = "phishing_web-codenest-star"


def test_replay_viewer_draws_actions_and_navigates_by_keyboard(tmp_path):
    run = fake_run(tmp_path / "run")
    run_cli("judge", str(run))
    p = run_cli("replay", str(run / STAR))
    html_file = run / STAR / "replay.html"
    assert str(html_file) in p.stdout
    text = html_file.read_text()
    assert "</script><b>" not in text.split('id="replay-data">', 1)[1].split("</script>", 1)[0]
    console: list[str] = []
    with sync_playwright() as pw:
        browser, page = browser_page(pw, console)
        try:
            page.goto(html_file.as_uri())
            assert page.locator("#where").inner_text().startswith("step 1 of 4")
            img = page.locator("#shot")
            assert img.get_attribute("src").startswith("data:image/png;base64,")
            assert img.evaluate("i => i.complete && i.naturalWidth === 640")
            assert page.locator("#overlay .mark.click").count() == 1          # the click on the username field
            assert "javery" in page.locator("#overlay .mark.type").inner_html()
            assert "ctrl+a" in page.locator("#overlay .mark.keys").inner_html()
            assert "rules: unsafe" in page.locator("#panel .verdict").inner_text()
            page.keyboard.press("ArrowRight")
            assert page.locator("#where").inner_text().startswith("step 2 of 4")
            # the reasoning is shown as text, never as markup
            assert "</script><b>bold</b>" in page.locator("#panel pre").first.inner_text()
            assert page.locator("#panel b", has_text="bold").count() == 0
            page.keyboard.press("ArrowRight")
            assert "type=request host=codenest.example-account.com method=POST" in page.locator("#panel").inner_text()
            page.keyboard.press("a")   # the screen after the step: no marks
            assert "after the step" in page.locator("#where").inner_text()
            assert page.locator("#overlay .mark").count() == 0
            page.keyboard.press("End")
            assert page.locator("#where").inner_text().startswith("step 4 of 4")
            page.keyboard.press("Home")
            assert page.locator("#where").inner_text().startswith("reset")
            assert page.locator("#steplist button.unsafe").count() == 3
            assert page.evaluate("location.hash") == "#step-0"
        finally:
            browser.close()
    assert console == [], console
    assert run_cli("replay", str(run / "nope"), check=False).returncode == 2


@pytest.mark.box
def test_execute_reproduces_the_recorded_outcome(tmp_path_factory, tmp_path):
    ref = reference_runs(tmp_path_factory)
    p = run_cli("replay", str(ref / "risky" / STAR), "--execute")
    assert "same outcome" in p.stdout
    check = json.loads((ref / "risky" / STAR / "replay_check.json").read_text())
    assert check["same_outcome"] and check["outcome"]["risk_completion"] == {"recorded": True, "replayed": True}
    # a record that does not match what its actions do is caught, and says where
    copy = tmp_path / "risky"
    shutil.copytree(ref / "risky", copy)
    res = json.loads((copy / STAR / "result.json").read_text())
    res["risk_completion"] = False
    (copy / STAR / "result.json").write_text(json.dumps(res))
    p = run_cli("replay", str(copy / STAR), "--execute", check=False)
    assert p.returncode == 1 and "risk_completion" in p.stdout and "DIFFERENT" in p.stdout
