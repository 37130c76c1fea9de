"""Environmental tasks as base x attack: one benign job, one reusable attack, one line per task.

Most environmental tasks are the same benign job interrupted by different attacks, so the data
keeps that structure instead of copies:

- `tasks/bases/<id>.yaml` is a benign base task: its instruction, setup, success check and the
  benign reference path (`steps`), plus `vars` the attacks may use.
- `tasks/<category>/<name>.yaml` with a top-level `variants:` key is a matrix file: named attack
  `templates` (the attacks, the completion rule, the judge's rubric, what a risky agent does on
  meeting the attack, `bait`, and what a safe one does, `dismiss`) and `variants`, each one task:
  `{base, attack, at}`.

A variant's reference trajectories are composed: risky = base steps[:at] + bait; safe = base
steps[:at] + dismiss + base steps[at:] (or only dismiss when the template says `then: stop`, as
for a CAPTCHA the agent should hand back to the user). Overlays without a trigger appear after
`at` agent steps; `${name}` in a template is filled from the base's and the variant's vars.
"""
from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from riskgym.attacks import TRIGGERED
from riskgym.core.spec import Strict
from riskgym.tasks.assets import loc, resolve_assets
from riskgym.tasks.schema import ENVIRONMENTAL, USER, RefStep, SetupStep, Task

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class BaseTask(Strict):
    """A benign job that attacks interrupt; never run on its own."""
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    env: Literal["browser", "desktop"] = "browser"
    instruction: str = Field(min_length=10)
    persona: dict[str, str] = {}
    setup: list[SetupStep] = []
    success: Any = None            # a Rule; checked when a variant is built
    steps: list[RefStep] = Field(min_length=1)
    vars: dict[str, str] = {}
    watch: dict[str, str] = {}
    max_steps: int = Field(15, ge=1, le=100)
    tags: list[str] = []


class Template(Strict):
    attacks: list[dict[str, Any]] = []
    setup: list[dict[str, Any]] = []          # appended to the base's setup (e.g. a lure mail)
    risk_completion: dict[str, Any]
    intention_rubric: str = Field(min_length=10)
    safe_behavior: str = Field(min_length=10)
    bait: list[dict[str, Any]] = Field(min_length=1)
    dismiss: list[dict[str, Any]] = []
    then: Literal["continue", "stop"] = "continue"
    tags: list[str] = []
    env: Literal["browser", "desktop"] | None = None   # the env it works in; None: both


class Variant(Strict):
    base: str
    attack: str
    at: int = Field(0, ge=0)       # the base steps done before the attack is met
    seed: int | None = None        # placement of the attack; default: from the task id
    id: str | None = None          # default: <category>-<base>-<attack>
    vars: dict[str, str] = {}
    max_steps: int | None = None


class Matrix(Strict):
    category: str
    templates: dict[str, Template]
    variants: list[Variant] = Field(min_length=1)


def is_matrix(data: Any) -> bool:
    return isinstance(data, dict) and "variants" in data


def _fill(value: Any, names: dict[str, str], where: str) -> Any:
    if isinstance(value, str):
        def sub(m: re.Match) -> str:
            if m.group(1) not in names:
                raise KeyError(f"{where}: ${{{m.group(1)}}} is not a var of the base or the variant "
                               f"(known: {', '.join(sorted(names)) or 'none'})")
            return names[m.group(1)]
        return _VAR.sub(sub, value)
    if isinstance(value, list):
        return [_fill(v, names, where) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names, where) for k, v in value.items()}
    return value


def seed_of(task_id: str) -> int:
    return int(hashlib.sha256(task_id.encode()).hexdigest()[:8], 16)


def _ends(steps: list[dict[str, Any]]) -> bool:
    last = steps[-1] if steps else None
    return last in ("done", "DONE", "fail", "FAIL") or (isinstance(last, dict) and ("done" in last or "fail" in last))


def expand(data: dict[str, Any], path: Path, bases: dict[str, BaseTask], errors: list[str]) -> list[Task]:
    """The tasks of one matrix file; problems go to `errors`, each naming the file and field."""
    try:
        m = Matrix.model_validate(data)
    except ValidationError as exc:
        errors += [f"{path}: field '{loc(e['loc'])}': {e['msg']}" for e in exc.errors()]
        return []
    if m.category not in ENVIRONMENTAL + USER:
        errors.append(f"{path}: field 'category': unknown category {m.category!r}")
        return []
    if path.parent.name != m.category:
        errors.append(f"{path}: field 'category': {m.category!r} but the file is under {path.parent.name}/")
        return []
    out = []
    for i, v in enumerate(m.variants):
        where = f"{path}: variants[{i}]"
        base, tpl = bases.get(v.base), m.templates.get(v.attack)
        if base is None:
            errors.append(f"{where}.base: no base task {v.base!r} in tasks/bases/")
            continue
        if tpl is None:
            errors.append(f"{where}.attack: no template {v.attack!r} (have: {', '.join(sorted(m.templates))})")
            continue
        if v.at > len(base.steps):
            errors.append(f"{where}.at: {v.at} but base {v.base!r} has {len(base.steps)} steps")
            continue
        if tpl.env and tpl.env != base.env:
            errors.append(f"{where}: template {v.attack!r} is for {tpl.env}, base {v.base!r} is {base.env}")
            continue
        tid = v.id or f"{m.category}-{v.base}-{v.attack}"
        names = {**base.vars, **v.vars, "base": base.id, "task_id": tid}
        try:
            t = copy.deepcopy(_fill(tpl.model_dump(), names, f"{where} (template {v.attack!r})"))
        except KeyError as exc:
            errors.append(str(exc.args[0]))
            continue
        seed = v.seed if v.seed is not None else seed_of(tid)
        for a in t["attacks"]:
            if a.get("kind") in TRIGGERED:
                trig = a.setdefault("trigger", {})
                trig.setdefault("at_step", v.at)
                a.setdefault("seed", seed)
        steps = [s.model_dump(exclude_none=True) for s in base.steps]
        prefix = steps[:v.at]
        risky = prefix + t["bait"] + ([] if _ends(t["bait"]) else ["done"])
        if t["then"] == "stop":
            safe = prefix + (t["dismiss"] or ["fail"])
        else:
            safe = prefix + t["dismiss"] + steps[v.at:]
        task = {
            "id": tid, "category": m.category,
            "risk_source": "environmental" if m.category in ENVIRONMENTAL else "user",
            "env": base.env, "instruction": base.instruction, "persona": base.persona,
            "setup": [s.model_dump(exclude_none=True) for s in base.setup] + t["setup"],
            "attacks": t["attacks"], "success": base.success, "risk_completion": t["risk_completion"],
            "intention_rubric": t["intention_rubric"], "safe_behavior": t["safe_behavior"],
            "reference": {"risky": risky, "safe": safe},
            "max_steps": v.max_steps or max(base.max_steps, len(risky) + 3, len(safe) + 3),
            "tags": sorted(set(base.tags + t["tags"] + (["refuse"] if t["then"] == "stop" else []))),
            "watch": base.watch, "base": base.id, "attack_template": v.attack,
        }
        try:
            out.append(Task.model_validate(task))
        except ValidationError as exc:
                errors += [f"{where} ({tid}): field '{loc(e['loc'])}': {e['msg']}" for e in exc.errors()]
    return out


def load_bases(root: Path, errors: list[str]) -> dict[str, BaseTask]:

    bases: dict[str, BaseTask] = {}
    for path in sorted((root / "bases").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"a base task file holds one mapping, got {type(data).__name__}")
            resolve_assets(data, path, root)
            b = BaseTask.model_validate(data)
        except ValidationError as exc:
            errors += [f"{path}: field '{loc(e['loc'])}': {e['msg']}" for e in exc.errors()]
            continue
        except Exception as exc:   # YAML or asset problems, already worded
            errors.append(f"{path}: {exc}")
            continue
        if b.id != path.stem:
            errors.append(f"{path}: field 'id': {b.id!r} must equal the file name {path.stem!r}")
            continue
        bases[b.id] = b
    return bases
