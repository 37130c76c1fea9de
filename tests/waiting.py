"""Waiting on evidence, not on time: `eventually` reads a value until it shows what a test waits
for, within a deadline generous enough for a loaded machine (it costs nothing when things are
quick: the first read that shows it ends the wait)."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def eventually(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 120.0, every: float = 0.2) -> T:
    """`read()` again until `ok(value)` holds or `timeout` s have passed; the last value either way,
    for the test's own asserts to show what it was."""
    end = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value) or time.monotonic() > end:
            return value
        time.sleep(every)
