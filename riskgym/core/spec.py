"""The base of every declarative spec (task, attack, rule, reference step): a strict pydantic model.

Strict: an unknown key is an error naming it (a misspelled field must not be silently ignored),
and a spec never changes once loaded.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
