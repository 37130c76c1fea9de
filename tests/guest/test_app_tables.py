"""The task schema and the box's apps name the same things: the setup steps each app takes and the
desktop apps a task may launch. The schema (tasks/) and the apps (guest/) are sibling layers that
cannot import each other, so this test is what keeps the two lists one."""
from __future__ import annotations

from typing import get_args

from riskgym.guest.browser.app import BrowserApp
from riskgym.guest.desktop.app import APPS, DesktopApp
from riskgym.tasks import schema


def _setup_kinds(env: str) -> set[str]:
    kinds = {k for step in get_args(get_args(schema.SetupStep)[0]) for k in get_args(step.model_fields["kind"].annotation)}
    other = schema.BROWSER_ONLY if env == "desktop" else schema.DESKTOP_ONLY
    return kinds - other - {"deliver_mail"}    # mail is the controller's, in either app


def test_each_apps_setup_table_takes_exactly_the_schemas_steps():
    assert set(BrowserApp.SETUP) == _setup_kinds("browser")
    assert set(DesktopApp.SETUP) - {"watch"} == _setup_kinds("desktop")   # watch: the env's, from task.watch


def test_the_schemas_desktop_apps_are_the_ones_the_desktop_can_launch():
    assert set(schema.DESKTOP_APPS) == set(APPS) | {"chromium"}   # chromium: the browser app's flags, see launch()


def test_attack_kinds_and_setup_steps_do_not_share_a_name():
    """The box routes a setup step by its `kind`: an attack kind named like a setup step would go astray."""
    from riskgym.attacks import KINDS

    steps = {k for step in get_args(get_args(schema.SetupStep)[0]) for k in get_args(step.model_fields["kind"].annotation)}
    assert not (set(KINDS) & (steps | {"attack", "watch"} | set(BrowserApp.SETUP) | set(DesktopApp.SETUP)))
