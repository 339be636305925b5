"""The id of the request (or CLI run) being served, so audit entries can be tied together."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("kam_request_id", default="")


def current_request_id() -> str:
    """The id of the current request; outside a request each call site gets a fresh id."""
    return _request_id.get() or uuid.uuid4().hex


@contextmanager
def request_id_scope(request_id: str | None = None):
    """Bind one id to every audit entry written inside the block (a request, a CLI command).

    Without an explicit id, an id already bound by an outer scope is kept.
    """
    token = _request_id.set(request_id or _request_id.get() or uuid.uuid4().hex)
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)
