"""Panels other apps add to the opportunity page (the buying center, later competition …), and warnings
they raise when a deal moves forward through the stage gate.

An app registers a template and a function that gives its context for (user, opportunity); the opportunity
page renders every panel in order, so the pipeline does not import the apps built on it. A gate warning is
a function (opportunity, to_stage) → messages; a forward move with warnings needs a written reason, like a
move with unmet exit criteria.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OpportunityPanel:
    key: str
    template: str
    context: Callable  # (user, opportunity) -> dict


_PANELS: list[OpportunityPanel] = []
_GATE_WARNINGS: dict[str, Callable] = {}  # key -> (opportunity, to_stage) -> list[str]


def register_panel(panel: OpportunityPanel) -> None:
    if all(existing.key != panel.key for existing in _PANELS):
        _PANELS.append(panel)


def panels_for(*, user, opportunity) -> list[dict]:
    return [{"template": p.template, **p.context(user, opportunity)} for p in _PANELS]


def register_gate_warning(key: str, warnings: Callable) -> None:
    _GATE_WARNINGS.setdefault(key, warnings)


def gate_warnings(*, opportunity, to_stage) -> list[str]:
    """Every registered app's warnings about moving `opportunity` to `to_stage`, in registration order."""
    return [message for warn in _GATE_WARNINGS.values() for message in warn(opportunity, to_stage)]
