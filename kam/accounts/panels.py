"""Panels other apps add to the account's 360° page (pipeline, later tiering and service).

An app registers a template and a function that gives its context for (user, account); the account
page renders every panel in order, so the foundation does not import the apps built on it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountPanel:
    key: str
    template: str
    context: Callable  # (user, account) -> dict


_PANELS: list[AccountPanel] = []


def register_panel(panel: AccountPanel) -> None:
    if all(existing.key != panel.key for existing in _PANELS):
        _PANELS.append(panel)


def panels_for(*, user, account) -> list[dict]:
    return [{"template": p.template, **p.context(user, account)} for p in _PANELS]
