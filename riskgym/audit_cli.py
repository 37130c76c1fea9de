"""Subcommands that audit a finished run: report (and, to come, judge, replay, export)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_report(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py report", description="Rebuild the reports of a run.")
    p.add_argument("dir", type=Path)
    a = p.parse_args(argv)
    from riskgym.report import render_md, write_reports

    if not a.dir.is_dir():
        print(f"error: {a.dir}: no such run directory", file=sys.stderr)
        return 2
    print(render_md(write_reports(a.dir)))
    return 0
