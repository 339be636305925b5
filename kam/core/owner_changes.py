"""Changes of who owns records, announced to the apps that keep figures derived from the owner.

The foundation (accounts, users) must not import the apps built on it, yet some of those keep data that
depends on an owner — the pipeline's forecast summary counts each deal under its account's owner. An app
registers a context manager factory per model; every code path that changes owners of that model in
bulk or one by one (account edits, handovers, imports) wraps the change in `owner_change(...)`, so the
registered apps see the records before and after, inside the same transaction.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager

from django.db import models

_WATCHERS: dict[str, list[Callable[[Sequence[int]], AbstractContextManager]]] = {}


def register_owner_change(
    model_label: str, watcher: Callable[[Sequence[int]], AbstractContextManager]
) -> None:
    """Enter `watcher(ids)` around every change of owners of `model_label` records ("accounts.Account")."""
    watchers = _WATCHERS.setdefault(model_label, [])
    if watcher not in watchers:
        watchers.append(watcher)


@contextmanager
def owner_change(model: type[models.Model], ids: Sequence[int]) -> Iterator[None]:
    """Wrap a change of the owners of `model` records `ids` (call it inside the writing transaction)."""
    with ExitStack() as stack:
        if ids:
            for watcher in _WATCHERS.get(model._meta.label, []):
                stack.enter_context(watcher(ids))
        yield
