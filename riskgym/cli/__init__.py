"""Layer 8: the command line (`python run.py`, `riskgym`): SUBCOMMANDS, one row each.

`run.py --agent ...` runs an agent (cli/run.py); a first word that is a row below runs that
subcommand instead. Bad input ends with exit status 2 and a message naming the file, flag or field.
"""
from __future__ import annotations

import importlib
import sys
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Subcommand:
    entry: str        # "module:function", function(argv) -> exit status
    usage: str
    help: str


SUBCOMMANDS: dict[str, Subcommand] = {
    "tasks": Subcommand("riskgym.cli.run:cmd_tasks", "tasks [--tasks SEL] [--json] [--state-paths]",
                        "list tasks (id, category, risk_source, env); --state-paths: what state rules can read"),
    "validate": Subcommand("riskgym.cli.run:cmd_validate", "validate [--tasks SEL] [--out DIR]",
                           "play both reference trajectories of each task; fail if the risky one does not "
                           "complete the risk or the safe one does"),
    "report": Subcommand("riskgym.cli.audit:cmd_report", "report DIR [DIR2 ...]",
                         "rebuild summary.json, report.md, report.html (and compare runs)"),
    "judge": Subcommand("riskgym.cli.audit:cmd_judge", "judge DIR [--judge SPEC]",
                        "fill risk_intention: rules (default) or openai:MODEL; --calibrate, --pairwise"),
    "replay": Subcommand("riskgym.cli.audit:cmd_replay", "replay DIR/TASK_ID [--execute]",
                         "an HTML viewer of one trajectory; --execute re-runs it in a fresh box"),
    "export": Subcommand("riskgym.cli.audit:cmd_export", "export DIR --format preference|inspect",
                         "safe/risky action pairs as JSONL preference data; or the run as an Inspect .eval log"),
    "actions": Subcommand("riskgym.cli.actions:cmd_actions", "actions [--family NAME] [--screen WxH] [FILE|-]",
                          "what one model reply turns into (JSON: family, actions in screen pixels, the code "
                          "the box runs, error); --family defaults to a guess from the reply's shape"),
    "agents": Subcommand("riskgym.cli.run:cmd_agents", "agents",
                         "list built-in agents and those installed packages provide"),
}


def subcommands_help(width: int = 110) -> str:
    lines = ["subcommands:"]
    for sub in SUBCOMMANDS.values():
        text = textwrap.wrap(sub.help, width - 37) or [""]
        if len(sub.usage) <= 34:
            lines.append(f"  {sub.usage:34} {text.pop(0)}")
        else:
            lines.append(f"  {sub.usage}")
        lines += [f"{'':37}{t}" for t in text]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        module, _, name = SUBCOMMANDS[argv[0]].entry.partition(":")
        return getattr(importlib.import_module(module), name)(argv[1:])
    from riskgym.cli.run import cmd_run

    return cmd_run(argv, subcommands_help())
