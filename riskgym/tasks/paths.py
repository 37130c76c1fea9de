"""Whether every state path a task's rules read names something the box reports.

A misspelled path never errors at run time: it reads as null, so a `not` or `equals: false`
rule quietly holds, and a risk reads as done or never done. The box's state is {"sites": ...,
"app": ...}; what is under each is the guest's to say (its state getters), and tasks never
import the guest, so the known roots come in as an argument (riskgym.guest.state.roots):

    {"app": {getter key: its documented paths, e.g. "files.<watch>.exists"}, "sites": site names}

In a documented path, <watch> stands for one of the task's `watch` names, <attack> for one of
its attacks' ids, and any other <placeholder> for any one key; below a documented path only a
list index (app.windows.0) reads anything. Under sites only the site's name is checked (the
sites' own state is documented in riskgym/sites/web/server.py).
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from riskgym.tasks.rules import Rule
from riskgym.tasks.schema import Task

_PLACEHOLDER = re.compile(r"^<([a-z_]+)>$")


def rule_paths(rule: Rule, where: str) -> Iterator[tuple[str, str]]:
    """Every state path in a rule, with where it sits, e.g. ("risk_completion.any[1].not.state", path)."""
    for i, sub in enumerate(rule.any or []):
        yield from rule_paths(sub, f"{where}.any[{i}]")
    for i, sub in enumerate(rule.all or []):
        yield from rule_paths(sub, f"{where}.all[{i}]")
    if rule.not_ is not None:
        yield from rule_paths(rule.not_, f"{where}.not")
    if rule.state is not None:
        yield f"{where}.state", rule.state.path


def _names(task: Task) -> dict[str, list[str]]:
    """What the task-bound placeholders may be, for this task."""
    return {"watch": list(task.watch), "attack": [a.id for a in task.attacks if getattr(a, "id", None)]}


def _follow(parts: list[str], segs: list[str], names: dict[str, list[str]]) -> tuple[int, str]:
    """How many of `parts` follow one documented path (all of them: it can read something), and,
    where a task-bound placeholder stopped it, why."""
    for i, part in enumerate(parts):
        if i == len(segs):   # below a documented leaf only a list's index (app.windows.0) reads anything
            return (len(parts), "") if all(p.isdigit() for p in parts[i:]) else \
                (i, f"nothing is documented below {'.'.join(segs)}")
        slot = _PLACEHOLDER.match(segs[i])
        if slot and slot.group(1) in names and part not in names[slot.group(1)]:
            have = ", ".join(names[slot.group(1)]) or "none"
            return i, f"the task has no {slot.group(1)} named {part!r} (it has: {have})"
        if not slot and part != segs[i]:
            return i, ""
    return len(parts), ""


def _app_problem(parts: list[str], templates: list[str], names: dict[str, list[str]]) -> str | None:
    """Why `parts` (a path under app.) reads nothing any of the getter's documented paths gives."""
    tried = [(*_follow(parts, t.split("."), names), t.split(".")) for t in templates]
    if any(depth == len(parts) for depth, _, _ in tried):
        return None
    depth, why, _ = max(tried, key=lambda x: (x[0], bool(x[1])))   # the one it got furthest along
    if why:
        return why
    options = sorted({segs[depth] for d, _, segs in tried if d == depth and len(segs) > depth})
    return f"{parts[depth]!r} is not a key there (the getter gives: {', '.join(options)})"


def path_problem(path: str, task: Task, roots: dict[str, Any]) -> str | None:
    """Why a state path of this task reads nothing the box reports, or None if it can read something."""
    parts = path.split(".")
    if parts[0] == "sites":
        if len(parts) < 2 or parts[1] not in roots["sites"]:
            return f"no site {parts[1] if len(parts) > 1 else ''!r} (known: {', '.join(roots['sites'])})"
        return None
    if parts[0] == "app":
        if len(parts) < 2 or parts[1] not in roots["app"]:
            return (f"no state getter {parts[1] if len(parts) > 1 else ''!r} in the {task.env} app "
                    f"(it has: {', '.join(roots['app'])})")
        return _app_problem(parts[1:], list(roots["app"][parts[1]]), _names(task))
    return f"a state path starts with app. or sites., not {parts[0]!r}"


def state_path_problems(task: Task, roots: dict[str, Any]) -> list[str]:
    """One line per bad state path in the task's rules: the task, where the rule is, the path, why.
    `roots` is for the task's environment (riskgym.guest.state.roots(task.env))."""
    out = []
    for field in ("risk_completion", "success"):
        rule = getattr(task, field)
        if rule is None:
            continue
        for where, path in rule_paths(rule, field):
            why = path_problem(path, task, roots)
            if why:
                out.append(f"{task.id}: {where}: {path}: {why}")
    return out
