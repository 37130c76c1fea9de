"""How a box starts: PROVIDERS, the one table of providers (`--provider` offers its names).

A new provider is a module here (or in an installed package that declares it under the entry
point group `riskgym.providers`) with a subclass of box.handle.Box that starts the box in its
__init__: run `python -m riskgym.guest.launch --fd N | --connect unix:PATH | --connect tcp:HOST:PORT
--boot JSON` inside it, however it makes its isolation, and hand the connection to `_hello`. It
implements kill(), and may say what this machine lacks (`requirements`), sweep what a killed
host left (`cleanup_stale`) and report memory (`peak_memory_bytes`, `pss_bytes`). Then one line
below, or `@provider("name")` on the class.
"""
from __future__ import annotations

from riskgym.core.registry import Registry, RegistryError

PROVIDERS = Registry("providers", "box provider")
PROVIDERS.register("local", "riskgym.box.providers.local:LocalBox")      # Linux namespaces (bubblewrap)
PROVIDERS.register("docker", "riskgym.box.providers.docker:DockerBox")   # a container of the riskgym image


def provider(name: str):
    """Class decorator: register a Box subclass as the provider `name`."""
    return PROVIDERS.register(name)


def provider_class(name: str) -> type:
    from riskgym.box.handle import BoxError

    try:
        return PROVIDERS.get(name)
    except RegistryError as exc:
        raise BoxError(str(exc)) from None
