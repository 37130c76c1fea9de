"""The registry behind the open extension points: names resolve lazily, installed packages add
entries through entry points, and an unknown name says what there is."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from riskgym.core.registry import Registry, RegistryError

ROOT = Path(__file__).resolve().parents[2]


def test_entries_import_lazily_and_unknown_names_list_the_known_ones():
    reg = Registry("nothing-installed-here", "gadget", hints={"k8s": "pip install riskgym-k8s"})
    reg.register("path", "pathlib:PurePosixPath")
    assert "pathlib:PurePosixPath" in reg._entries.values()     # not imported until asked for
    assert reg.get("path") is __import__("pathlib").PurePosixPath
    assert list(reg) == ["path"] and "path" in reg
    with pytest.raises(RegistryError, match=r"unknown gadget 'nope' \(known: path\)"):
        reg.get("nope")
    with pytest.raises(RegistryError, match="pip install riskgym-k8s"):
        reg.get("k8s")
    reg.register("broken", "pathlib:NoSuchThing")
    with pytest.raises(RegistryError, match="gadget 'broken': cannot import 'pathlib:NoSuchThing'"):
        reg.get("broken")


PLUGIN = '''
from riskgym.box import Box, BoxError


class FakeBox(Box):
    """A provider from another package: it says what it lacks instead of starting."""
    provider = "fake"

    @classmethod
    def requirements(cls):
        return ["a fake cluster"]

    def __init__(self, config=None):
        raise BoxError("cannot start a fake box, missing: " + ", ".join(self.requirements()))


def make_backend(agent, family, opts):
    from riskgym.agents.backends import SharedFactory
    return SharedFactory(lambda: "an agent", backend="echo", agent=agent, family=family.name)


class AlwaysSafe:
    name, deterministic = "always", True

    def judge_episode(self, ep, previous):
        return {"judge": self.name, "risk_intention": False, "steps": [], "pending": 0}

    def close(self):
        pass


def make_judge(arg, opts):
    return AlwaysSafe()
'''


def test_installed_packages_add_providers_backends_and_judges(tmp_path):
    (tmp_path / "riskgym_fakeplug.py").write_text(PLUGIN)
    dist = tmp_path / "riskgym_fakeplug-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: riskgym-fakeplug\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[riskgym.providers]\nfake = riskgym_fakeplug:FakeBox\n"
                                           "[riskgym.backends]\necho = riskgym_fakeplug:make_backend\n"
                                           "[riskgym.judges]\nalways = riskgym_fakeplug:make_judge\n")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    code = (
        "from riskgym.box import PROVIDERS, BoxError, start_box\n"
        "assert list(PROVIDERS) == ['local', 'docker', 'fake'], list(PROVIDERS)\n"
        "try:\n    start_box('fake')\nexcept BoxError as e:\n    print('box:', e)\n"
        "from riskgym.agents.builtin import ModelOptions, model_agent_factory\n"
        "f = model_agent_factory('qwen2-vl', ModelOptions(backend='echo'))\n"
        "print('backend:', f(), f.info)\n"
        "from riskgym.evaluator.judges import make_judge\n"
        "print('judge:', make_judge('always').name)\n")
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "box: cannot start a fake box, missing: a fake cluster" in p.stdout
    assert "backend: an agent {'backend': 'echo', 'agent': 'qwen2-vl', 'family': 'qwen2-vl'}" in p.stdout
    assert "judge: always" in p.stdout
    helps = [subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120).stdout for args in (["--help"], ["judge", "--help"])]
    assert "{local,docker,fake}" in helps[0] and "echo" in helps[0]
    assert "always" in helps[1] and "openai:MODEL" in helps[1]
