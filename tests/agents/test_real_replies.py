"""Every reply in tests/data/real-actions/replies.jsonl (what computer-use models actually emitted;
a copy of ../shared/data/real-actions/), read by its family's reader, item by item, against
tests/data/real-actions/expected.txt (written by hand: what each reply means)."""
from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from pathlib import Path

import pytest

from riskgym.actions.coords import Frame
from riskgym.actions.parse import parse_actions
from riskgym.actions.types import Action
from riskgym.agents.families import FAMILIES
from riskgym.agents.formats import read
from riskgym.agents.formats.guess import guess_family

DATA = Path(__file__).resolve().parents[1] / "data" / "real-actions"
REPLIES = {r["id"]: r for r in map(json.loads, (DATA / "replies.jsonl").read_text().splitlines())}
OTHER_READERS = {"anthropic", "openai-cua"}     # read by formats/anthropic.py and openai_cua.py
NOT_HERE = {"r217"}       # an SDK's console line of a computer action: read in test_hosted_formats.py
CODE_READERS = {"pyautogui", "opencua", "qwen2vl"}


def action(spec: str) -> Action:
    w = shlex.split(spec)
    k, nums = w[0], [float(v) for v in w[1:] if re.fullmatch(r"-?\d+(\.\d+)?", v)]
    if k == "type":
        return Action("type", text=w[1])
    if k in ("key", "hotkey"):
        return Action(k, keys=tuple(w[1:]))
    if k == "wait":
        return Action("wait", seconds=nums[0])
    if k == "drag":
        return Action("drag", *map(int, nums[:2]), to_x=int(nums[2]), to_y=int(nums[3]))
    if k == "scroll":
        return Action("scroll", *map(int, nums[:2]), amount=int(nums[-1])) if len(nums) == 3 else \
            Action("scroll", amount=int(nums[0]))
    return Action(k, *map(int, nums))


def expectations() -> dict[str, tuple[str, str, str]]:
    out = {}
    for line in (DATA / "expected.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            head, acts, status = (p.strip() for p in line.split("|"))
            rid, family = head.split()
            out[rid] = (family, acts, status)
    return out


EXPECTED = expectations()


def reading(rid: str):
    family = FAMILIES[EXPECTED[rid][0]]
    return family, read(family.reader, REPLIES[rid]["reply"], Frame.screen(1920, 1080, family.fractions))


def test_every_item_has_an_expectation():
    mine = {rid for rid, r in REPLIES.items() if r["format"] not in OTHER_READERS} - NOT_HERE
    assert set(EXPECTED) == mine
    assert len(REPLIES) == 152


@pytest.mark.parametrize("rid", sorted(EXPECTED))
def test_real_reply(rid):
    family, r = reading(rid)
    _, acts, status = EXPECTED[rid]
    if acts.startswith("!"):
        assert r.error and acts[1:].strip() in r.error, (rid, r.error)
        assert r.code == "" and r.actions == []                    # nothing runs
        return
    assert r.error is None, (rid, r.error)
    unread = 0
    if "+unread" in acts:
        acts, _, n = acts.partition("+unread")
        unread = int(n)
    want = [action(a.strip()) for a in acts.split(";") if a.strip()]
    if status != "-" and not want:
        assert (r.code, r.status, r.actions) == (status, status, [Action(status.lower())])
        return
    assert r.actions == want, rid
    assert len(r.unread) == unread, (rid, r.unread)
    assert r.status == (None if status == "-" else status)
    if family.reader in CODE_READERS:
        # the model's own code, whole: nothing dropped, nothing added; the frame maps its numbers
        assert r.code.strip() in REPLIES[rid]["reply"] and r.frame == Frame.screen(1920, 1080, family.fractions).to_dict()
        if REPLIES[rid].get("layer") == "harness-code":
            assert r.code.strip() == REPLIES[rid]["reply"].strip()
    else:
        # structured: code generated in screen pixels, which reads back as the same actions
        assert r.frame is None
        back = parse_actions(r.code)
        assert [a for a in back if a.kind != "move"] == [a for a in want if a.kind != "move"] + \
            ([Action(status.lower())] if status != "-" else [])


def test_pyperclip_is_run_not_dropped():
    # the example: the clipboard is set, then pasted; the box runs both lines
    _, r = reading("r047")
    assert r.code == "pyperclip.copy('cd ~/projects/binder')\npyautogui.hotkey('ctrl', 'v')"
    assert "pyperclip.copy('cd ~/projects/binder')" in r.unread[0]


def test_guess_family_per_item():
    wrong = {rid: guess_family(REPLIES[rid]["reply"]) for rid, (family, _, _) in EXPECTED.items()
             if guess_family(REPLIES[rid]["reply"]) != family}
    assert wrong == {}


def test_figures():
    """Per source format: read as meant (actions or an answer word) / refused with a named error / total."""
    counts: Counter = Counter()
    for rid, (_, acts, _) in EXPECTED.items():
        counts[(REPLIES[rid]["format"], "error" if acts.startswith("!") else "read")] += 1
    totals = Counter(r["format"] for r in REPLIES.values())
    assert counts[("pyautogui", "read")] + counts[("pyautogui", "error")] == totals["pyautogui"] == 95
    assert counts[("uitars", "read")] + counts[("uitars", "error")] == totals["uitars"] == 35
