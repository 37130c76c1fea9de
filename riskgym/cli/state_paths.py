"""`run.py tasks --state-paths`: the state paths rules can read, and the selected tasks checked
against them (a misspelled path reads as null and quietly decides a rule)."""
from __future__ import annotations

import json
import textwrap
from typing import Any

from riskgym.guest.state import MODULES, getters, roots
from riskgym.tasks.paths import state_path_problems
from riskgym.tasks.schema import Task

LEGEND = ("<watch>: one of the task's `watch` names; <attack>: one of its attacks' ids; any other <...>: any key; "
          "a list's item by its index (app.windows.0). Under sites.<name> the site's own state: see "
          "riskgym/sites/web/server.py.")


def paths_table() -> dict[str, Any]:
    """Per app, each getter's summary and full paths (app. prefixed); the sites with where each comes from."""
    apps = {app: {g.key: {"summary": g.summary, "paths": [f"app.{p}" for p in g.paths]} for g in getters(app)}
            for app in MODULES}
    return {"app": {app: table for app, table in apps.items() if table}, "sites": roots("desktop")["sites"]}


def problems(tasks: list[Task]) -> list[str]:
    by_env = {env: roots(env) for env in {t.env for t in tasks}}
    return [line for t in tasks for line in state_path_problems(t, by_env[t.env])]


def print_state_paths(tasks: list[Task], as_json: bool) -> int:
    """Print the table, then check the tasks; exit status 1 if a task reads an unknown path."""
    table, found = paths_table(), problems(tasks)
    if as_json:
        print(json.dumps({**table, "checked": len(tasks), "problems": found}, indent=1))
        return 1 if found else 0
    for app, getters_ in table["app"].items():
        print(f"app.*  ({app} tasks)")
        for key, g in getters_.items():
            print(f"  {'app.' + key:28} {g['summary']}")
            if g["paths"] != [f"app.{key}"]:
                print("\n".join(f"      {p}" for p in g["paths"]))
    print("sites.*  (both environments)")
    for name, source in table["sites"].items():
        print(f"  {'sites.' + name:28} {source}")
    print(textwrap.fill(LEGEND, 110))
    verdict = f"{len(found)} unknown state paths" if found else "every state path known"
    print(f"{len(tasks)} tasks checked: {verdict}")
    for line in found:
        print(f"  {line}")
    return 1 if found else 0
