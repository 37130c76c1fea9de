"""--base-url with several servers of one model: the least loaded live one answers, a failing one is
left out then tried again, every step records which answered. Real HTTP servers (FakeOpenAI)."""
from __future__ import annotations

import pickle
import threading
import time

import pytest

from riskgym.agents.backends.endpoints import Endpoints
from riskgym.agents.builtin import ModelOptions, model_agent_factory
from riskgym.agents.loader import AgentLoadError
from tests.agents.test_agents_openai import SCREEN, FakeOpenAI


def _acts(factory, n: int) -> list[dict]:
    """n agents act at once (n workers), each once: their usage records."""
    usages: list[dict] = []
    agents = [factory() for _ in range(n)]
    for a in agents:
        a.reset("x")
    threads = [threading.Thread(target=lambda a=a: usages.append(a.act(SCREEN).usage)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return usages


def test_requests_at_once_spread_over_the_servers_and_each_step_names_its_server():
    with FakeOpenAI([{"text": "DONE", "delay": 0.5}]) as a, FakeOpenAI([{"text": "DONE", "delay": 0.5}]) as b:
        factory = model_agent_factory("qwen2-vl", ModelOptions(base_url=f"{a.url}, {b.url}"))
        usages = _acts(factory, 4)
    assert sorted(u["endpoint"] for u in usages) == sorted([a.url, a.url, b.url, b.url])
    assert len(a.requests) == 2 and len(b.requests) == 2


def test_a_server_that_fails_is_left_out_and_its_request_goes_to_the_other():
    with FakeOpenAI([{"status": 503}]) as down, FakeOpenAI([{"text": "DONE"}]) as up:
        factory = model_agent_factory("qwen2-vl", ModelOptions(base_url=f"{down.url},{up.url}"))
        usages = [u for _ in range(3) for u in _acts(factory, 1)]
    assert [u["endpoint"] for u in usages] == [up.url] * 3
    assert len(down.requests) <= 1 and len(up.requests) == 3      # tried at most once, then out of the rotation


def test_a_server_out_of_the_rotation_is_tried_again_after_its_cooldown():
    ep = Endpoints(["http://a/v1", "http://b/v1"], cooldown_s=0.3)
    first = ep.acquire()
    ep.release(first, ok=False)
    other = ep.acquire()
    assert other != first
    ep.release(other, ok=True)
    deadline = time.monotonic() + 10
    seen = set()
    while first not in seen and time.monotonic() < deadline:   # back once its cooldown is over
        u = ep.acquire()
        seen.add(u)
        ep.release(u, ok=True)
        time.sleep(0.05)
    assert first in seen


def test_one_unreachable_server_is_left_out_at_start_and_none_reachable_is_an_error():
    with FakeOpenAI([{"text": "DONE"}]) as gone:
        dead = gone.url
    with FakeOpenAI([{"text": "DONE"}]) as up:
        factory = model_agent_factory("qwen2-vl", ModelOptions(base_url=f"{dead},{up.url}"))
        assert _acts(factory, 1)[0]["endpoint"] == up.url
    with pytest.raises(AgentLoadError, match=r"cannot reach .*ConnectError.*; .*ConnectError"):
        model_agent_factory("qwen2-vl", ModelOptions(base_url=f"{dead},{up.url}"))


def test_the_factory_ships_to_another_process_without_its_counts_or_server():
    cloudpickle = pytest.importorskip("ray.cloudpickle")
    with FakeOpenAI([{"text": "DONE"}]) as a:
        factory = model_agent_factory("qwen2-vl", ModelOptions(base_url=a.url))
        copy = pickle.loads(cloudpickle.dumps(factory))    # what Ray does to send it to a node
        agent = copy()
        agent.reset("x")
        assert agent.act(SCREEN).code == "DONE"
    copy.close()   # not the run's server to stop


@pytest.mark.parametrize("agent, var", [("anthropic:some-model", "ANTHROPIC_API_KEY"),
                                        ("openai-cua:some-model", "OPENAI_API_KEY")])
def test_a_hosted_api_takes_one_url_and_says_so(monkeypatch, agent, var):
    pytest.importorskip(agent.split("-")[0].split(":")[0])
    monkeypatch.setenv(var, "sk-test")
    with pytest.raises(AgentLoadError, match="takes one URL for a hosted API"):
        model_agent_factory(agent, ModelOptions(base_url="http://a/v1,http://b/v1"))
