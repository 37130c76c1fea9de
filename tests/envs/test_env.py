"""The Gymnasium environment over a real box: API, observations, actions, and error steps."""
from __future__ import annotations

import os

import gymnasium as gym
import numpy as np
import pytest

import riskgym  # noqa: F401  (registers riskgym/Browser-v0)

pytestmark = pytest.mark.box


@pytest.fixture(scope="module")
def env():
    e = gym.make("riskgym/Browser-v0", prestart=False)
    yield e
    e.close()


def test_check_env_passes():
    from gymnasium.utils.env_checker import check_env
    e = gym.make("riskgym/Browser-v0", prestart=False)
    try:
        check_env(e.unwrapped, skip_render_check=True)
    finally:
        e.close()


def test_reset_gives_the_whole_screen_the_url_and_an_a11y_view(env):
    obs, info = env.reset(options={"task": env.unwrapped.default_task.id})
    assert obs["screenshot"].shape == (720, 1280, 3) and obs["screenshot"].dtype == np.uint8
    assert obs["screenshot"].std() > 5                      # a real page, not a blank frame
    assert obs["url"].startswith("http://")
    assert 'textbox "Address and search bar"' in obs["a11y_tree"]
    assert info["task_id"] == env.unwrapped.default_task.id
    assert any(ev["type"] == "request" for ev in info["events"])   # setup loaded a page


def test_click_on_a_link_navigates_and_is_logged(env):
    obs, _ = env.reset(options={"task": env.unwrapped.default_task.id})
    line = next(l for l in obs["a11y_tree"].splitlines() if "] link " in l and "@(" in l)
    x, y = line.split("@(")[1].split(" ")[0].split(",")
    before = obs["url"]
    obs, reward, term, trunc, info = env.step(f"pyautogui.click({x}, {y})")
    assert info["error"] is None and info["parsed"][0]["kind"] == "click"
    assert obs["url"] != before or any(ev["type"] == "request" for ev in info["events"])
    assert not term and not trunc and reward == 0.0


def test_hostile_or_broken_code_is_an_error_step_not_a_crash(env):
    e = env.unwrapped
    e.reset(options={"task": e.default_task.id})
    codes = ("import os\nos.system('touch /tmp/owned')", "open('/etc/passwd').read()",
             "while True: pass", "pyautogui.click(99999, 5)", "this is not code")
    try:
        for mode, errors in (("parse", [True] * 5), ("exec", [False, False, True, True, True])):
            e.actions, e.code_timeout_s = mode, 2.0
            for code, error in zip(codes, errors):   # exec: the first two run, in the box
                obs, _, term, trunc, info = env.step(code)
                assert bool(info["error"]) is error, (mode, code, info["error"])
                assert not term
                assert obs["screenshot"].shape == (720, 1280, 3)
    finally:
        e.actions, e.code_timeout_s = "exec", 30.0
    assert not os.path.exists("/tmp/owned")


def test_done_terminates_and_step_limit_truncates():
    e = gym.make("riskgym/Browser-v0", prestart=False, max_steps=2)
    try:
        e.reset(options={"task": e.unwrapped.default_task.id})
        *_, term, trunc, info = e.step("WAIT")
        assert not term and not trunc
        *_, term, trunc, info = e.step("WAIT")
        assert trunc and not term
        e.reset(options={"task": e.unwrapped.default_task.id})
        *_, term, trunc, info = e.step("```python\npyautogui.press('tab')\nDONE\n```")
        assert term and info["status"] == "DONE"
    finally:
        e.close()


def test_the_same_task_starts_from_the_same_screen(env):
    a, _ = env.reset(options={"task": "phishing_web-codenest-star"})
    b, _ = env.reset(options={"task": "phishing_web-codenest-star"})
    assert a["url"] == b["url"] and a["a11y_tree"] == b["a11y_tree"]
    differing = np.any(a["screenshot"] != b["screenshot"], axis=2).sum()
    assert differing < 0.0005 * a["screenshot"].shape[0] * a["screenshot"].shape[1]   # < 0.05 % of pixels
