"""A warm spare: the next episode's box boots in the background while the agent works on this one.

A run takes one box per episode; starting one takes a second or two, so an env keeps one ready.
A spare booted for another persona is not usable (the persona is baked in at boot) and is closed.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from riskgym.box import Box, BoxConfig, BoxError, start_box


class WarmPool:
    def __init__(self, provider: str, prestart: bool = True) -> None:
        self.provider = provider
        self.prestart = prestart
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskgym-prestart")
        self._spare: Future | None = None

    def take(self, config: BoxConfig, next_config: BoxConfig) -> tuple[Box, bool]:
        """A box for `config` (the spare if it fits, else a new one) and whether it was warm; then
        boot the spare for `next_config`."""
        spare, self._spare = self._spare, None
        box = None
        if spare is not None:
            try:
                box = spare.result()
                if box.config.persona != config.persona:   # booted for another persona: not usable
                    box.close()
                    box = None
            except BoxError:
                box = None
        warm = box is not None
        if box is None:
            box = start_box(self.provider, config)
        if self.prestart:
            self._spare = self._pool.submit(start_box, self.provider, next_config)
        return box, warm

    def close(self) -> None:
        spare, self._spare = self._spare, None
        if spare is not None:
            try:
                spare.result().close()
            except BoxError:
                pass
        self._pool.shutdown(wait=True)
