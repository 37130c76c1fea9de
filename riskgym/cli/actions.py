"""`run.py actions [--family NAME] [--screen WxH] [FILE|-]`: what one model reply turns into.

Prints one JSON object: the family, the actions in screen pixels (as far as they read without
running), the exact code the box will run (and the frame that maps its numbers, null for screen
pixels), DONE / FAIL / WAIT if the reply ends or pauses the episode, the code lines that run but
list no action, and the error (null, or why the reply cannot be read whole, naming the line).
Exit status 0 when the reply reads, 1 when it does not, 2 for bad input (file, flag).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_actions(argv: list[str]) -> int:
    from riskgym.agents.families import FAMILIES
    from riskgym.agents.formats import reader
    from riskgym.agents.formats.guess import guess_family

    p = argparse.ArgumentParser(prog="run.py actions", description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    p.add_argument("file", nargs="?", default="-", help="a file holding one model reply, or - for stdin (default)")
    p.add_argument("--family", choices=sorted(FAMILIES), metavar="NAME",
                   help=f"the model family whose format the reply is in: {', '.join(FAMILIES)} "
                        "(default: guessed from the reply's shape)")
    p.add_argument("--screen", default="1280x720", help="the screen's size WxH (default 1280x720)")
    a = p.parse_args(argv)
    try:
        w, h = (int(v) for v in a.screen.lower().split("x"))
        if not (1 <= w <= 10000 and 1 <= h <= 10000):
            raise ValueError
    except ValueError:
        print(f"run.py actions: --screen: {a.screen!r} is not WxH (e.g. 1920x1080)", file=sys.stderr)
        return 2
    try:
        text = sys.stdin.read() if a.file == "-" else Path(a.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"run.py actions: {a.file}: cannot read: {exc}", file=sys.stderr)
        return 2
    name = a.family or guess_family(text)
    family = FAMILIES.get(name)
    if family is None:
        print(f"run.py actions: the reply looks like the {name!r} format, which has no family here; "
              f"pass --family (one of {', '.join(FAMILIES)})", file=sys.stderr)
        return 2
    r = reader(family.reader)(text, family.frame(w, h))
    out = {"family": name, **r.to_dict()}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if r.error is None else 1
