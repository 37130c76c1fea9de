"""The box's X screen: an Xvfb of the agent's screen size (both apps draw on display :0)."""
from __future__ import annotations

import os
import subprocess
import time


def start_xvfb(display: int, width: int, height: int) -> subprocess.Popen:
    os.makedirs("/tmp/.X11-unix", mode=0o1777, exist_ok=True)
    proc = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = f"/tmp/.X11-unix/X{display}"
    for _ in range(250):
        if os.path.exists(sock):
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    raise RuntimeError(f"Xvfb :{display} did not start")
