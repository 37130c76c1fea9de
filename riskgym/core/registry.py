"""One registry mechanism for the open extension points: box providers, agents, model backends, judges.

A Registry maps names to objects or to "module:attr" strings, imported only when asked for (as
Gymnasium's env registry does), and adds what installed packages declare under the entry-point
group `riskgym.<group>` (read once). An unknown name is an error that lists the known ones and,
where the registry knows of a package that would provide it, how to install that.
Closed sets that the task schema must know statically (attack kinds, sites) are plain tables.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any


class RegistryError(LookupError):
    """An unknown name, or an entry that cannot be imported; the message says what to do."""


class Registry:
    def __init__(self, group: str, what: str, hints: dict[str, str] | None = None) -> None:
        self.group = f"riskgym.{group}"   # the entry-point group third-party packages declare under
        self.what = what                  # "box provider", "judge", ... for messages
        self.hints = dict(hints or {})    # name -> how to get it ("pip install riskgym-k8s")
        self._entries: dict[str, Any] = {}
        self._plugins: dict[str, Any] | None = None

    def register(self, name: str, obj: Any = None) -> Any:
        """register(name, obj_or_"module:attr"), or @register(name) on a class or function."""
        if obj is None:
            def deco(o: Any) -> Any:
                self._entries[name] = o
                return o
            return deco
        self._entries[name] = obj
        return obj

    def plugins(self) -> dict[str, Any]:
        """Entry points of installed packages: name -> entry point (a built-in name wins on a clash)."""
        if self._plugins is None:
            found: dict[str, Any] = {}
            for ep in entry_points(group=self.group):
                found.setdefault(ep.name, ep)
            self._plugins = found
        return self._plugins

    def names(self) -> list[str]:
        return list(self._entries) + [n for n in self.plugins() if n not in self._entries]

    def __iter__(self):
        return iter(self.names())

    def __contains__(self, name: str) -> bool:
        return name in self._entries or name in self.plugins()

    def get(self, name: str) -> Any:
        if name in self._entries:
            obj = self._entries[name]
            if isinstance(obj, str):
                obj = self._entries[name] = _import(obj, f"{self.what} {name!r}")
            return obj
        if name in self.plugins():
            ep = self.plugins()[name]
            try:
                return ep.load()
            except Exception as exc:
                raise RegistryError(f"{self.what} {name!r}: loading entry point {ep.value!r} failed: "
                                    f"{type(exc).__name__}: {exc}") from exc
        hint = f"; {self.hints[name]}" if name in self.hints else ""
        raise RegistryError(f"unknown {self.what} {name!r} (known: {', '.join(self.names()) or 'none'}){hint}")


def _import(entry: str, what: str) -> Any:
    module, _, attr = entry.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError) as exc:
        raise RegistryError(f"{what}: cannot import {entry!r}: {exc}") from exc
