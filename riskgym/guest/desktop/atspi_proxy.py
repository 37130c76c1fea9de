"""The AT-SPI view read by a helper process that runs as the agent's user, not by the controller.

Apps answer accessibility queries over a private D-Bus connection that admits only their own
uid, and the controller is another uid (users.py). So the controller asks this helper, one
JSON line per observation, and the helper walks the tree with atspi.AtspiView. If the agent
kills the helper (kill -9 -1 ends every process of its user), the next observation starts a new
one; until it answers, the view falls back to the window lines alone.

Run as: python -m riskgym.guest.desktop.atspi_proxy WIDTH HEIGHT
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from typing import Any

from riskgym.guest import users


class AtspiProxy:
    def __init__(self, width: int, height: int, env: dict[str, str], log_path: str) -> None:
        from riskgym.guest.desktop.atspi import AtspiView

        self.width, self.height, self.log_path = width, height, log_path
        self.env = {**env, "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "PYTHONDONTWRITEBYTECODE": "1",
                    "PYTHONUNBUFFERED": "1"}
        self.local = AtspiView(width, height)   # the controller's own view: windows only (see above)
        self.local.Atspi = None
        self.proc: subprocess.Popen | None = None
        self.available = False
        self._start()

    def _start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "riskgym.guest.desktop.atspi_proxy", str(self.width), str(self.height)],
                env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
                cwd="/", **users.popen_kwargs())
        hello = self._read(15.0)
        self.available = bool(hello and hello.get("available"))

    def _read(self, timeout: float) -> Any:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else None

    def lines(self, windows: list[dict[str, Any]], max_lines: int = 300, budget_s: float = 1.5) -> list[str]:
        for attempt in range(2):
            if self.proc is None or self.proc.poll() is not None:
                if attempt:
                    break
                self._start()
            try:
                self.proc.stdin.write((json.dumps({"windows": windows, "max_lines": max_lines,
                                                   "budget_s": budget_s}) + "\n").encode())
                self.proc.stdin.flush()
                out = self._read(budget_s + 5.0)
            except (OSError, ValueError):
                out = None
            if isinstance(out, list):
                return out
            self.stop()      # hung or dead: a fresh one next time
        return self.local.lines(windows, max_lines, budget_s)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None


def main(argv: list[str]) -> int:
    from riskgym.guest.desktop.atspi import AtspiView

    view = AtspiView(int(argv[0]), int(argv[1]))
    print(json.dumps({"available": view.available}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            out = view.lines(req["windows"], req.get("max_lines", 300), req.get("budget_s", 1.5))
        except Exception as exc:   # answer something: the controller waits for a line
            out = [f"(accessibility view failed: {type(exc).__name__})"]
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
