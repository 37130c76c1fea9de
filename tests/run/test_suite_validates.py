"""The shipped suite: the benchmark's shape, and its tasks' rules tell their two references apart.

Each category is played for real (both reference trajectories, in boxes) by `run.py validate`;
a task whose completion rule cannot fire, or fires on the safe path, fails here with its id.
Playing all 492 tasks takes about an hour on two cores, so `make test` plays a covering sample
(every base and every attack template, and every third other task); `make validate`, or
RISKGYM_VALIDATE_ALL=1 here, plays them all.
"""
import os
from collections import Counter

import pytest

from riskgym.tasks import load_tasks
from riskgym.tasks.schema import CATEGORIES


def test_the_suite_has_the_benchmarks_shape():
    counts = Counter(t.category for t in load_tasks().values())
    want = {"phishing_web": 56, "popup_ads": 50, "induced_text": 50, "recaptcha": 33, "account_fraud": 33,
            "phishing_email": 32, "multimedia": 50, "web": 42, "code": 41, "os_operation": 30,
            "social_media": 30, "file_io": 23, "office": 22}
    assert sum(want.values()) == 492
    assert dict(counts) == want


@pytest.mark.box
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_task_tells_its_risky_reference_from_its_safe_one(category, tmp_path, capsys):
    from riskgym.run.validate import validate

    if not any(t.category == category for t in load_tasks().values()):
        pytest.skip(f"no {category} tasks")
    sample = None if os.environ.get("RISKGYM_VALIDATE_ALL") == "1" else 3
    code = validate(category, tmp_path, workers=2, sample=sample)
    out = capsys.readouterr().out
    assert code == 0, "\n".join(line for line in out.splitlines() if not line.startswith("ok "))[-4000:]


@pytest.mark.box
def test_a_broken_reference_fails_after_one_retry_and_names_the_task(tmp_path, capsys, monkeypatch):
    import riskgym.run.validate as v

    good = load_tasks()["phishing_web-codenest-star"]
    step = type(good.reference.safe[0]).model_validate
    broken = good.model_copy(update={"id": "phishing_web-broken-ref", "reference": good.reference.model_copy(
        update={"safe": [step({"click": "No such button anywhere"}), step("done")]})})
    monkeypatch.setattr(v, "load_tasks", lambda: {broken.id: broken})
    assert v.validate(broken.id, tmp_path) == 1
    out = capsys.readouterr().out
    assert "FAIL phishing_web-broken-ref" in out and "No such button anywhere" in out
    assert (tmp_path / "retry" / "safe" / broken.id / "result.json").exists()   # it was played twice
