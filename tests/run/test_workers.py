"""--workers auto: one worker per core, fewer where memory would not carry them."""
from __future__ import annotations

import argparse

import pytest

from riskgym.run.workers import SPARE_MB, choose_workers, workers_arg


def test_cores_decide_where_memory_is_plenty():
    assert choose_workers(cores=2, available_mb=24 * 1024) == 2
    assert choose_workers(cores=64, available_mb=1024 * 1024) == 64


def test_memory_caps_the_cores():
    # 8 GiB: 1 GiB kept for the host, then a box's limit (1536 MiB) and a spare (512 MiB) per worker
    assert choose_workers(cores=16, available_mb=8 * 1024) == 3
    assert choose_workers(cores=16, available_mb=8 * 1024, box_mb=3072) == (8 * 1024 - 1024) // (3072 + SPARE_MB)


def test_always_at_least_one():
    assert choose_workers(cores=1, available_mb=512) == 1
    assert choose_workers(cores=0, available_mb=0) == 1


def test_the_flag_takes_a_count_or_auto(capsys):
    assert workers_arg("3") == 3
    n = workers_arg("auto")       # this machine's (its free memory moves: compared with no second reading)
    assert n >= 1 and f"--workers auto: {n} (" in capsys.readouterr().err
    for bad in ("0", "-2", "many"):
        with pytest.raises(argparse.ArgumentTypeError, match="nor 'auto'"):
            workers_arg(bad)
