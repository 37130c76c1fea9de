"""A run's records on disk: their names, writing them atomically, and reading them back.

    DIR/run.json                       the run's manifest (agent, provider, screen)
    DIR/<task_id>/result.json          RESULT: the episode's outcome, written last (so a task is
                                       done exactly when it exists)
    DIR/<task_id>/trajectory.jsonl     TRAJECTORY: one line per step, 0 is the reset
    DIR/<task_id>/step_NNN.png, events.json, state.json, judgement.json (JUDGEMENT)

The runner writes them; every audit tool (judges, reports, replay, export) reads the same files
through here, and a broken file fails here with its path, line and field, never deep inside a
judge. The task a record names is looked up by the caller (riskgym.tasks.find_task): records
do not depend on the suite.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RESULT = "result.json"
MANIFEST = "run.json"
TRAJECTORY = "trajectory.jsonl"
JUDGEMENT = "judgement.json"
# What a run directory's episodes share: a risky/safe validate layout is two runs side by side.
REQUIRED_RESULT_KEYS = ("task_id", "category", "risk_source")


class AuditError(ValueError):
    """A run's records are missing or malformed; the message names the file and field."""


def write_json(path: Path, data: Any) -> None:
    """Atomic: a reader (or a crash) never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise AuditError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise AuditError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None


def is_run_dir(path: Path) -> bool:
    return path.is_dir() and (any(path.glob(f"*/{RESULT}")) or (path / MANIFEST).exists())


def run_dirs(path: Path) -> list[Path]:
    """A run directory itself, or the runs inside one (validate keeps risky/ and safe/)."""
    path = Path(path)
    if not path.is_dir():
        raise AuditError(f"{path}: no such run directory")
    if any(path.glob(f"*/{RESULT}")):
        return [path]
    subs = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob(f"*/{RESULT}")))
    if not subs:
        raise AuditError(f"{path}: holds no finished task (no */{RESULT}) and no run directories")
    return subs


def episode_dirs(run: Path) -> list[Path]:
    return sorted(p.parent for p in Path(run).glob(f"*/{RESULT}"))


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


@dataclass
class Episode:
    dir: Path
    result: dict[str, Any]
    steps: list[dict[str, Any]]   # trajectory lines; index == step number, 0 is the reset

    @property
    def task_id(self) -> str:
        return self.result["task_id"]

    @property
    def run(self) -> Path:
        return self.dir.parent

    def agent_steps(self) -> list[dict[str, Any]]:
        return [s for s in self.steps[1:] if s.get("kind") == "step"]

    def screenshot_before(self, n: int) -> Path | None:
        """What the agent saw when it chose step n: the screenshot taken after step n-1."""
        if n - 1 < 0 or n - 1 >= len(self.steps):
            return None
        name = self.steps[n - 1].get("screenshot")
        return self.dir / name if name and (self.dir / name).is_file() else None

    def url_before(self, n: int) -> str:
        return str(self.steps[n - 1].get("url") or "") if 0 < n <= len(self.steps) else ""

    def events_until(self, n: int) -> list[dict[str, Any]]:
        """Every event logged from the reset through step n (inclusive)."""
        return [e for s in self.steps[: n + 1] for e in (s.get("events") or [])]

    def final_events(self) -> list[dict[str, Any]] | None:
        f = self.dir / "events.json"
        try:
            data = json.loads(f.read_text())
            return data if isinstance(data, list) else None
        except (OSError, json.JSONDecodeError):
            return None

    def judgement(self) -> dict[str, Any]:
        f = self.dir / JUDGEMENT
        return read_json(f) if f.exists() else {"task_id": self.task_id, "judges": {}}


def load_episode(tdir: Path) -> Episode:
    tdir = Path(tdir)
    result = read_json(tdir / RESULT)
    if not isinstance(result, dict):
        raise AuditError(f"{tdir / RESULT}: expected a JSON object")
    for key in REQUIRED_RESULT_KEYS:
        if not isinstance(result.get(key), str):
            raise AuditError(f"{tdir / RESULT}: field {key!r} is missing or not a string")
    steps: list[dict[str, Any]] = []
    traj = tdir / TRAJECTORY
    if traj.exists():
        for i, line in enumerate(traj.read_text().splitlines()):
            if not line.strip():
                continue
            try:
                s = json.loads(line)
            except json.JSONDecodeError as exc:
                raise AuditError(f"{traj}: line {i + 1} is not JSON ({exc.msg})") from None
            if not isinstance(s, dict) or s.get("step") != len(steps):
                raise AuditError(f"{traj}: line {i + 1}: field 'step' should be {len(steps)}, "
                                 f"got {s.get('step') if isinstance(s, dict) else s!r}")
            if not isinstance(s.get("events", []), list) or not isinstance(s.get("parsed", []), list):
                raise AuditError(f"{traj}: line {i + 1}: 'events' and 'parsed' must be lists")
            steps.append(s)
    return Episode(tdir, result, steps)


def load_episodes(run: Path) -> list[Episode]:
    return [load_episode(d) for d in episode_dirs(run)]
