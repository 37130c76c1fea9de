"""Shared fixtures. Tests that need the box skip, with the reason, where it cannot start."""
from __future__ import annotations

import pytest

from riskgym.box.providers.local import missing_requirements


def pytest_collection_modifyitems(config, items):
    missing = missing_requirements()
    if not missing:
        return
    skip = pytest.mark.skip(reason="the local box needs: " + ", ".join(missing))
    for item in items:
        if "box" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers", "box: needs a real local box (bubblewrap, namespaces, root)")
