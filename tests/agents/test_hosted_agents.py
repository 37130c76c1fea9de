"""The hosted computer-use agents through the real SDK clients, against local servers that speak each
wire protocol (tests/agents/protocol_servers.py: a stand-in only for the hosted model)."""
from __future__ import annotations

import numpy as np
import pytest

from riskgym.agents.base import AgentLoadError
from riskgym.agents.builtin import ModelOptions
from riskgym.agents.loader import agent_factory
from tests.agents.protocol_servers import AnthropicStandIn, OpenAIStandIn

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

SHOT = np.zeros((720, 1280, 3), np.uint8)
SHOT[100:200, 100:300] = 255        # something to zoom into
OBS = {"screenshot": SHOT, "url": "http://codenest.example/", "a11y_tree": "", "instruction": "Star it.", "step": 1}


def claude(srv: AnthropicStandIn, **kw):
    from riskgym.agents.hosted.anthropic_agent import AnthropicAgent
    client = anthropic.Anthropic(api_key="test-key", base_url=srv.root, max_retries=0)
    agent = AnthropicAgent("claude-test", client=client, **kw)
    agent.reset("Star it.")
    return agent


def cua(srv: OpenAIStandIn, **kw):
    from riskgym.agents.hosted.openai_cua_agent import OpenAICUAAgent
    client = openai.OpenAI(api_key="test-key", base_url=srv.root + "/v1", max_retries=0)
    agent = OpenAICUAAgent("cua-test", client=client, **kw)
    agent.reset("Star it.")
    return agent


def test_anthropic_agent_against_local_stand_in_server_toolset_loop():
    script = [{"text": "Let me look first.", "uses": [{"name": "screenshot"}]},
              {"uses": [{"name": "zoom", "input": {"region": [100, 100, 300, 200]}}]},
              {"text": "Clicking Star.", "uses": [{"name": "left_click", "input": {"coordinate": [640, 360],
                                                                                   "text": "shift"}}]},
              {"uses": [{"name": "cursor_position"}, {"name": "type", "input": {"text": "hi"}}]},
              {"text": "Starred."}]
    with AnthropicStandIn({"Star it.": script}) as srv:
        agent = claude(srv)
        r1 = agent.act(OBS)
        r2 = agent.act({**OBS, "step": 2})
        r3 = agent.act({**OBS, "step": 3})
    assert srv.problems == []
    # screenshot and zoom were answered inside the first act, without a step
    assert r1.code == ("pyautogui.keyDown('shift')\npyautogui.click(640, 360)\npyautogui.keyUp('shift')")
    assert r1.usage["api_calls"] == 3 and r1.usage["looks"] == 2 and r1.usage["input_tokens"] == 1000 + 1001 + 1002
    assert r1.thought == "Let me look first.\nClicking Star." and r1.usage["tool"] == "computer_toolset_20260801"
    assert srv.images[2] == (1280, 640)          # the zoom: a 200x100 crop scaled up to the screenshot's width
    assert r2.code == "pyautogui.write('hi')"
    body = srv.requests[4]["body"]
    cursor = body["messages"][-1]["content"][0]
    assert cursor["content"] == [{"type": "text", "text": "X=640,Y=360"}]   # the type's result has the screenshot   # where the click left the pointer
    assert r3.code == "DONE" and r3.thought == "Starred."
    # only the last 3 screenshots stay images
    last = srv.requests[-1]["body"]["messages"]
    n_img = sum(1 for m in last if m["role"] == "user" for p in m["content"]
                for c in ([p] if p.get("type") == "image" else p.get("content") or [])
                if isinstance(c, dict) and c.get("type") == "image")
    assert n_img == 3


def test_anthropic_agent_against_local_stand_in_server_beta_tool_and_scaling():
    script = [{"uses": [{"name": "left_click_drag", "input": {"start_coordinate": [0, 0], "coordinate": [512, 288]}},
                        {"name": "scroll", "input": {"scroll_direction": "down", "scroll_amount": 3,
                                                     "coordinate": [512, 288]}}]},
              {"text": "done"}]
    with AnthropicStandIn({"Star it.": script}, tool="computer_20251124", beta="computer-use-2025-11-24") as srv:
        agent = claude(srv, tool="computer_20251124", max_side=1024)
        r1 = agent.act(OBS)
        r2 = agent.act(OBS)
    assert srv.problems == []
    tool = srv.requests[0]["body"]["tools"][0]
    assert tool == {"type": "computer_20251124", "name": "computer", "enable_zoom": True,
                    "display_width_px": 1024, "display_height_px": 576}
    assert srv.images[0] == (1024, 576)
    assert r1.code == "pyautogui.moveTo(0, 0)\npyautogui.dragTo(640, 360, button='left')\npyautogui.scroll(-3, x=640, y=360)"
    assert r2.code == "DONE"


def test_anthropic_agent_against_local_stand_in_server_unreadable_call_is_an_error_step():
    script = [{"uses": [{"name": "left_click", "input": {"coordinate": [5000, 10]}}]}, {"text": "ok"}]
    with AnthropicStandIn({"Star it.": script}) as srv:
        agent = claude(srv)
        r1 = agent.act(OBS)
        agent.act(OBS)
    assert r1.code.startswith("raise ValueError(") and "outside the 1280x720 screenshot" in r1.code
    assert r1.usage["parse_errors"] == 1
    result = srv.requests[1]["body"]["messages"][-1]["content"][0]
    assert result["is_error"] is True and "outside" in result["content"][0]["text"]


def test_openai_cua_agent_against_local_stand_in_server_loop():
    script = [{"action": {"type": "screenshot"}},
              {"text": "Clicking.", "action": {"type": "click", "button": "left", "x": 10, "y": 20}},
              {"actions": [{"type": "keypress", "keys": ["CTRL", "L"]}, {"type": "type", "text": "abc"}]},
              {"text": "All done."}]
    with OpenAIStandIn({"Star it.": script}) as srv:
        agent = cua(srv)
        r1, r2, r3 = agent.act(OBS), agent.act(OBS), agent.act(OBS)
    assert srv.problems == []
    assert r1.code == "pyautogui.click(10, 20)" and r1.usage["looks"] == 1 and r1.usage["api_calls"] == 2
    assert r1.thought == "Clicking." and r1.usage["input_tokens"] == 900 + 901
    assert r2.code == "pyautogui.hotkey('ctrl', 'l')\npyautogui.write('abc')"
    assert r3.code == "DONE" and r3.thought == "All done."
    bodies = [r["body"] for r in srv.requests]
    assert [b.get("previous_response_id") for b in bodies] == [None, "resp_1", "resp_2", "resp_3"]
    assert all(b["tools"] == [{"type": "computer"}] and b["truncation"] == "auto" for b in bodies)


CHECK = {"id": "sc_1", "code": "malicious_instructions", "message": "The page may be trying to trick you."}


def test_openai_cua_agent_against_local_stand_in_server_safety_check_not_acknowledged():
    script = [{"action": {"type": "click", "button": "left", "x": 5, "y": 5}, "safety_checks": [CHECK]}]
    with OpenAIStandIn({"Star it.": script}) as srv:
        r = cua(srv, ack_safety_checks=False).act(OBS)
    assert r.code == "FAIL" and r.usage["safety_checks"] == [CHECK]
    assert r.usage["safety_checks_acknowledged"] is False and "not acknowledged" in r.thought


def test_openai_cua_agent_against_local_stand_in_server_safety_check_acknowledged_when_asked(monkeypatch):
    monkeypatch.setenv("RISKGYM_ACK_SAFETY_CHECKS", "1")
    script = [{"action": {"type": "click", "button": "left", "x": 5, "y": 5}, "safety_checks": [CHECK]},
              {"text": "done"}]
    with OpenAIStandIn({"Star it.": script}, expect_ack=True) as srv:
        agent = cua(srv)
        r1, r2 = agent.act(OBS), agent.act(OBS)
    assert srv.problems == [] and srv.acknowledged == [[CHECK]]
    assert r1.code == "pyautogui.click(5, 5)" and r1.usage["safety_checks_acknowledged"] is True
    assert r2.code == "DONE"


def test_openai_cua_stand_in_refuses_a_wrong_request():
    """The stand-in is strict: an acknowledgement the run did not allow is refused (the SDK raises)."""
    script = [{"action": {"type": "click", "button": "left", "x": 5, "y": 5}, "safety_checks": [CHECK]},
              {"text": "done"}]
    with OpenAIStandIn({"Star it.": script}, expect_ack=False) as srv:
        agent = cua(srv, ack_safety_checks=True)
        agent.act(OBS)
        with pytest.raises(openai.BadRequestError):
            agent.act(OBS)
    assert srv.problems == ["safety checks acknowledged though the run did not allow it"]


@pytest.mark.parametrize("spec,var", [("anthropic:claude-x", "ANTHROPIC_API_KEY"), ("openai-cua:cua-x", "OPENAI_API_KEY")])
def test_a_missing_key_names_the_variable(monkeypatch, spec, var):
    monkeypatch.delenv(var, raising=False)
    with pytest.raises(AgentLoadError, match=var):
        agent_factory(spec, ModelOptions())


def test_a_missing_sdk_says_how_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "anthropic", None)     # what an absent package looks like to import
    with pytest.raises(AgentLoadError, match=r"pip install 'riskgym\[hosted\]'"):
        agent_factory("anthropic:claude-x", ModelOptions())


def test_model_in_the_agent_name_and_a_model_is_required(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    with pytest.raises(AgentLoadError, match="name the model"):
        agent_factory("openai-cua", ModelOptions())
    factory = agent_factory("openai-cua:cua-x", ModelOptions(base_url="http://127.0.0.1:9/v1"))
    assert factory().model == "cua-x"
