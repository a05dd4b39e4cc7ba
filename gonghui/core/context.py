"""Request context carried in contextvars (not thread-locals), as NetBox does.

The change log reads the acting user and request id from here, so services do
not have to thread them through every call. Management commands and jobs set
it with ``actor(user)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestContext:
    user: Any = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    request: Any = None

    @property
    def acting_user(self) -> Any:
        user = getattr(self.request, "user", None) if self.request is not None else self.user
        if user is None:
            user = self.user
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None


_current: ContextVar[RequestContext | None] = ContextVar("gonghui_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


@contextmanager
def bind(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def actor(user: Any, request_id: str | None = None) -> Iterator[RequestContext]:
    """Act as ``user`` outside a request (commands, jobs, tests)."""
    ctx = RequestContext(user=user)
    if request_id:
        ctx.request_id = request_id
    with bind(ctx):
        yield ctx
