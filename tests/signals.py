"""Starting a child that takes Ctrl-C, whatever this test process inherited."""
from __future__ import annotations

import signal
import subprocess


def popen_with_ctrl_c(cmd: list[str], **kw) -> subprocess.Popen:
    """Start `cmd` as a terminal's foreground job is started: SIGINT raises KeyboardInterrupt.
    A job that a non-interactive shell puts in the background (`make test &`, some CI runners)
    inherits SIGINT ignored, and Python keeps an ignored SIGINT ignored: Ctrl-C would be lost
    and the run would finish with exit status 0. A handler set here is reset to the default in
    the child, where Python installs its own."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(cmd, **kw)
    finally:
        signal.signal(signal.SIGINT, old)
