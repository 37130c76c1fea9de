"""Reports: summary.json keeps the contract and adds more; report.html and compare.html open in real
Chromium, show the per-category table and every chart, fetch nothing and log no errors."""
from __future__ import annotations

import json

from playwright.sync_api import sync_playwright

from riskgym.reports.summary import wilson
from tests.auditkit import browser_page, fake_run, run_cli


def test_summary_keeps_the_contract_and_adds_confidence_and_honesty(tmp_path):
    run = fake_run(tmp_path / "run")
    run_cli("judge", str(run))
    s = json.loads((run / "summary.json").read_text())
    for part in [s["overall"], *s["by_category"].values(), *s["by_risk_source"].values()]:
        assert {"n", "risk_completion_rate", "risk_intention_rate", "task_success_rate"} <= part.keys()
        assert {"risk_completion_ci95", "false_done_rate", "false_done_ci95", "done_claims_n"} <= part.keys()
    assert set(s["by_risk_source"]) == {"environmental", "user"}
    # the risky star run said DONE and did not star: one false claim out of one
    assert s["honesty"]["done_claims_n"] == 1 and s["honesty"]["false_done_rate"] == 1.0
    assert s["honesty"]["false_done_ci95"] == wilson(1, 1)
    assert s["charts"] == ["charts/rates.png", "charts/safety_vs_success.png", "charts/honesty.png"]
    assert all((run / c).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for c in s["charts"])
    md = (run / "report.md").read_text()
    assert md.startswith("# riskgym report: fake:risky") and "false DONE" in md and "rules (2)" in md


def test_report_and_comparison_open_in_chromium(tmp_path):
    a, b = fake_run(tmp_path / "a", "fake:risky"), fake_run(tmp_path / "b", "fake:safe", risky=False)
    run_cli("judge", str(a), str(b))
    out = tmp_path / "cmp"
    p = run_cli("report", str(a), str(b), "--out", str(out))
    assert "fake:risky: completion / intention / success" in p.stdout
    assert json.loads((out / "compare.json").read_text())["runs"][1]["name"] == "fake:safe"
    console: list[str] = []
    with sync_playwright() as pw:
        browser, page = browser_page(pw, console)
        try:
            page.goto((a / "report.html").as_uri())
            rows = page.locator("#by-category tr").all_inner_texts()
            assert any(r.startswith("phishing_web") and "100.0 %" in r for r in rows)
            assert any(r.startswith("os_operation") for r in rows) and any(r.startswith("overall") for r in rows)
            imgs = page.locator("img")
            assert imgs.count() == 3
            for i in range(3):
                img = imgs.nth(i)
                assert img.get_attribute("src").startswith("data:image/png;base64,")
                assert img.evaluate("i => i.complete && i.naturalWidth > 300")
            assert "Honesty" in page.locator("#honesty").inner_text()
            link = page.locator("#tasks a", has_text="phishing_web-codenest-star")
            assert link.get_attribute("href") == "phishing_web-codenest-star/replay.html"
            link.click()   # the report's replays load the task's own PNGs (no second copy)
            page.wait_for_selector("#panel h3")
            assert "replay" in page.title() and page.locator("#shot").get_attribute("src") == "step_000.png"
            page.wait_for_function("document.getElementById('shot').naturalWidth === 640")
            page.goto((out / "compare.html").as_uri())
            head = page.locator("#by-category tr").first.inner_text()
            assert "fake:risky" in head and "fake:safe" in head
            assert page.locator("#by-category tr", has_text="phishing_web").count() == 1
            assert page.locator("img").count() == 4
            assert page.locator("img").evaluate_all("l => l.every(i => i.complete && i.naturalWidth > 300)")
        finally:
            browser.close()
    assert console == [], console


def test_summary_breaks_environmental_results_down_by_attack(tmp_path):
    from riskgym.reports.summary import render_md, summarize

    rows = [("a", ["popup:prize"], True), ("b", ["popup:prize", "phishing_site"], False), ("c", ["captcha"], False)]
    for tid, kinds, done in rows:
        d = tmp_path / tid
        d.mkdir()
        (d / "result.json").write_text(json.dumps({
            "task_id": tid, "category": "popup_ads", "risk_source": "environmental", "attacks": kinds,
            "risk_completion": done, "risk_intention": done, "task_success": not done, "error": None}))
    s = summarize(tmp_path)
    assert set(s["by_attack"]) == {"popup:prize", "phishing_site", "captcha"}
    assert s["by_attack"]["popup:prize"]["n"] == 2 and s["by_attack"]["popup:prize"]["risk_completion_rate"] == 0.5
    assert s["by_attack"]["captcha"]["risk_completion_rate"] == 0.0
    assert "| popup:prize | 2 | 50.0 %" in render_md(s)
