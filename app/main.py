"""create_app(settings) -> FastAPI: the composition root of the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from starlette.middleware.sessions import SessionMiddleware
from threadpoolctl import threadpool_limits
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.accounts import api as accounts_api
from app.accounts import pages as accounts_pages
from app.audit import pages as audit_pages
from app.audit.trail import install_audit_hook
from app.config import Settings, load_settings
from app.context import AppContext, ContextDep
from app.dashboards import api as dashboards_api
from app.dashboards import pages as dashboards_pages
from app.db import make_engine, make_session_factory
from app.demands import api as demands_api
from app.demands import pages as demands_pages
from app.dispatches import api as dispatches_api
from app.dispatches import pages as dispatches_pages
from app.duplicates import api as duplicates_api
from app.duplicates import pages as duplicates_pages
from app.embedding import service_encoder
from app.enterprises import api as enterprises_api
from app.enterprises import pages as enterprises_pages
from app.error_handlers import install_error_handlers
from app.home import pages as home_pages
from app.imports import api as imports_api
from app.imports import pages as imports_pages
from app.introductions import api as introductions_api
from app.introductions import pages as introductions_pages
from app.matchruns import api as matchruns_api
from app.matchruns import pages as matchruns_pages
from app.matchruns.jobs import make_job_runner
from app.middleware import BodyLimitMiddleware, LocaleMiddleware, SecurityHeadersMiddleware
from app.notifications import api as notifications_api
from app.notifications import pages as notifications_pages
from app.notifications.mail import install_mail_hook
from app.orgs import api as orgs_api
from app.orgs import pages as orgs_pages
from app.privacy import api as privacy_api
from app.privacy import pages as privacy_pages
from app.public import pages as public_pages
from app.review import api as review_api
from app.review import pages as review_pages
from app.searching import api as search_api
from app.searching import pages as search_pages
from app.searching.indexer import Indexer, install_outbox_hook, make_search_backend
from app.security import TokenSigner
from app.talents import api as talents_api
from app.talents import pages as talents_pages

STATIC_DIR = Path(__file__).parent / "static"

# Every router of the service, in the order FastAPI matches them: where two paths overlap,
# the earlier router wins (the imports' /api/v1/talents/export before the talents' /{talent_id}).
ROUTERS: tuple[APIRouter, ...] = (
    imports_api.router,
    imports_pages.router,
    duplicates_api.router,
    duplicates_pages.router,
    accounts_api.router,
    orgs_api.router,
    enterprises_api.router,
    demands_api.router,
    talents_api.router,
    home_pages.router,
    accounts_pages.router,
    audit_pages.router,
    orgs_pages.router,
    enterprises_pages.router,
    demands_pages.router,
    talents_pages.router,
    search_api.router,
    search_pages.router,
    matchruns_api.router,
    matchruns_pages.router,
    review_api.router,
    review_pages.router,
    introductions_api.router,
    introductions_pages.router,
    notifications_api.router,
    notifications_pages.router,
    privacy_api.router,
    privacy_pages.router,
    dispatches_api.router,
    dispatches_pages.router,
    dashboards_api.router,
    dashboards_pages.router,
    public_pages.router,
)
PAGE_DEPENDENCIES = [Depends(notifications_pages.inbox_badge)]


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, background: bool = True
) -> FastAPI:
    """Build the service. Nothing connects at import; bad settings fail here, at start-up.

    ``background=False`` starts no worker threads (the search outbox worker, the in-process
    job runner): for tests that run the whole request cycle inside one rolled-back session.
    """
    settings = settings or load_settings()
    # One BLAS/OpenMP thread per process: request paths (query vectors, cosine scoring) are
    # small products where more threads only contend; deployments scale with worker processes.
    threadpool_limits(1)
    owns_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    install_audit_hook()
    install_outbox_hook()
    install_mail_hook()

    session_factory = make_session_factory(engine)
    search_backend = make_search_backend(settings)
    context = AppContext(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        search_backend=search_backend,
        indexer=Indexer(search_backend, lambda: service_encoder(settings), session_factory),
        jobs=make_job_runner(settings, session_factory, autostart=background),
        tokens=TokenSigner(settings.secret_key.get_secret_value(), settings.token_max_age_s),
        encoder=lambda: service_encoder(settings),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if background:
            context.indexer.start()
            context.jobs.start()
        yield
        if background:
            context.jobs.stop()
            context.indexer.stop()
        context.search_backend.close()
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        title="人才超市 Talent Supermarket API",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        description="JSON API of the talent supermarket. Errors share one shape: "
        "`ok`, `status`, `code`, `message`, `errors[]`. `?lang=en` for English messages.",
    )
    context.install(app)

    # Outermost first: limits and headers wrap everything, the session sits next to the routes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="ts_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        LocaleMiddleware, default_locale=settings.default_locale, secure=settings.secure_cookies
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    if settings.trusted_proxies:
        # Added last, so it runs first: the client address (login throttles, sign-up limits)
        # comes from X-Forwarded-For only when the peer is one of these proxies.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    install_error_handlers(app)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(
        "/swagger-ui",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger",
    )
    _install_routes(app)
    return app


def _install_routes(app: FastAPI) -> None:
    for router in ROUTERS:
        # The pages (the routers left out of the API document) show the header's inbox badge.
        is_page = not router.include_in_schema
        app.include_router(router, dependencies=PAGE_DEPENDENCIES if is_page else None)

    @app.get("/healthz", tags=["system"])
    def healthz(context: ContextDep) -> JSONResponse:
        """Liveness and dependencies: `database` and `search` are `ok`, `degraded` or `down`."""
        checks: dict[str, Any] = {"database": "ok", "search": "ok"}
        try:
            with context.engine.connect() as conn:
                conn.execution_options(sqlite_deferred=True).execute(text("SELECT 1"))
        except Exception:
            checks["database"] = "down"
        checks["search"] = context.indexer.status()
        status = "ok" if checks["database"] == "ok" else "down"
        return JSONResponse(
            {"status": status, **checks}, status_code=200 if status == "ok" else 503
        )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI served from the installed bundle with an external init script, so the
        # strict CSP (no inline scripts, no CDN) holds here too.
        return HTMLResponse(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Talent Supermarket API</title>"
            "<link rel='stylesheet' href='/swagger-ui/swagger-ui.css'></head>"
            "<body><div id='swagger-ui'></div>"
            "<script src='/swagger-ui/swagger-ui-bundle.js'></script>"
            "<script src='/static/swagger-init.js'></script></body></html>"
        )
