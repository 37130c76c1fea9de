"""Load and validate tasks/ (one YAML file per task, or base x attack matrix files), and select tasks.

A broken file fails with the file, the field and the reason; a whole directory is checked
at once so an author sees every broken file in one go.
"""
from __future__ import annotations

import base64
import fnmatch
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from riskgym.tasks.assets import TaskError, loc, resolve_assets
from riskgym.tasks.matrix import expand, is_matrix, load_bases
from riskgym.tasks.schema import CATEGORIES, ENVIRONMENTAL, Attachment, Task

REPO_TASKS = Path(__file__).resolve().parents[2] / "tasks"


def load_task_file(path: Path, root: Path | None = None) -> Task:
    root = root or path.parent.parent
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaskError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise TaskError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise TaskError(f"{path}: a task file holds one mapping, got {type(data).__name__}")
    resolve_assets(data, path, root)
    try:
        task = Task.model_validate(data)
    except ValidationError as exc:
        msgs = [f"{path}: field '{loc(e['loc'])}': {e['msg']}" for e in exc.errors()]
        raise TaskError("\n".join(msgs)) from None
    if task.id != path.stem:
        raise TaskError(f"{path}: field 'id': {task.id!r} must equal the file name {path.stem!r}")
    if path.parent.name in CATEGORIES and path.parent.name != task.category:
        raise TaskError(f"{path}: field 'category': {task.category!r} but the file is under {path.parent.name}/")
    return task


def load_tasks(root: Path | str | None = None) -> dict[str, Task]:
    root = Path(root) if root else REPO_TASKS
    return dict(_load_cached(root.resolve()))


@lru_cache(maxsize=8)
def _load_cached(root: Path) -> tuple[tuple[str, Task], ...]:
    if not root.is_dir():
        raise TaskError(f"{root}: no such task directory")
    tasks: dict[str, Task] = {}
    errors: list[str] = []
    bases = load_bases(root, errors)
    for path in sorted(root.glob("*/*.yaml")):
        if path.parent.name in ("assets", "bases"):
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError) as exc:
            errors.append(f"{path}: not readable YAML: {exc}")
            continue
        if is_matrix(data):
            try:
                for tpl in (data.get("templates") or {}).values():
                    if isinstance(tpl, dict):
                        resolve_assets(tpl, path, root)
            except TaskError as exc:
                errors.append(str(exc))
                continue
            found = expand(data, path, bases, errors)
        else:
            try:
                found = [load_task_file(path, root)]
            except TaskError as exc:
                errors.append(str(exc))
                continue
        for task in found:
            if task.id in tasks:
                errors.append(f"{path}: field 'id': {task.id!r} is used by another task")
                continue
            tasks[task.id] = task
    if errors:
        raise TaskError("\n".join(errors))
    return tuple(tasks.items())


def select(tasks: dict[str, Task], selector: str | None) -> list[Task]:
    """SEL: comma-separated categories, risk sources, env kinds, task ids or globs; 'all'."""
    if not selector or selector == "all":
        return list(tasks.values())
    picked: dict[str, Task] = {}
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        hits = [t for t in tasks.values() if (
            term == t.category or term == t.risk_source or term == t.env or term == t.id
            or fnmatch.fnmatchcase(t.id, term))]
        if not hits:
            known = ", ".join(CATEGORIES)
            raise TaskError(f"--tasks: {term!r} matches no task (categories: {known}; or an id or glob)")
        for t in hits:
            picked[t.id] = t
    return list(picked.values())


def find_task(task_id: str) -> Task | None:
    """The suite's task of that id, or None when this checkout no longer has it (or tasks/ is
    broken): audits of finished runs degrade, they do not fail."""
    try:
        return load_tasks().get(task_id)
    except TaskError:
        return None


def attachment_bytes(att: Attachment) -> bytes:
    return base64.b64decode(att.data_b64 or "")


__all__ = ["Task", "TaskError", "find_task", "load_tasks", "load_task_file", "select", "ENVIRONMENTAL"]
