"""The application context: what `create_app` builds once, typed, for routes, jobs and hooks.

`create_app` builds one `AppContext` and installs it: on the app (routes read it with
`app_context(request)` or the `ContextDep` dependency) and on every session its session
factory makes (the commit hooks read it with `session_context(session)`). Nothing else reads
`app.state` or puts services in `session.info`.

This module sits just above `app.config`: the types of the parts built higher up (the search
indexer, the job runner, the token signer) are imported for type checking only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from app.config import Settings

if TYPE_CHECKING:
    import matching
    from app.matchruns.jobs import JobRunner
    from app.searching.indexer import Indexer
    from app.security import TokenSigner
    from search import SearchBackend

_SESSION_KEY = "app_context"


@dataclass(frozen=True)
class AppContext:
    """Everything the service is composed of, built once per process by `create_app`.

    ``encoder`` returns the sentence encoder the settings choose (loaded on the first call,
    seconds; the same object after).
    """

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    search_backend: SearchBackend
    indexer: Indexer
    jobs: JobRunner
    tokens: TokenSigner
    encoder: Callable[[], matching.Encoder]

    def install(self, app: Starlette) -> None:
        """Make this the context of `app` and of every session its session factory makes."""
        app.state.context = self
        self.session_factory.configure(info={_SESSION_KEY: self})


def context_of(app: Starlette) -> AppContext:
    """The context `create_app` installed on `app`."""
    context = getattr(app.state, "context", None)
    if not isinstance(context, AppContext):
        raise RuntimeError("no AppContext installed on this app: build it with create_app")
    return context


def app_context(conn: HTTPConnection) -> AppContext:
    """The context of the app serving this request (also a FastAPI dependency)."""
    return context_of(conn.app)


def session_context(session: Session) -> AppContext | None:
    """The context of the factory that made `session`; None for a session made elsewhere
    (a test's own session, a script's)."""
    context = session.info.get(_SESSION_KEY)
    return context if isinstance(context, AppContext) else None


ContextDep = Annotated[AppContext, Depends(app_context)]
