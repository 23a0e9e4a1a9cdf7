"""The application factory.

>>> from kgraph.settings import load_settings
>>> app = create_app(load_settings(None), store=None)  # opens the store in its lifespan
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from kgraph import __version__, formats
from kgraph.query.executor import QueryExecutor, make_executor
from kgraph.settings import Settings, settings_from_environment
from kgraph.store import open_store
from kgraph.store.base import GraphStore
from kgraph.web import i18n, metrics
from kgraph.web.cache import ResultCache
from kgraph.web.errors import install_error_handlers
from kgraph.web.front import Front, KgraphApp
from kgraph.web.metrics import AppMetrics
from kgraph.web.routes import (
    health,
    pages,
    pictures,
    publishing,
    search,
    site,
    sparql,
    writes,
)

HERE = Path(__file__).parent
log = logging.getLogger("kgraph.web")


def create_app(settings: Settings, store: GraphStore | None = None) -> FastAPI:
    """A kgraph web app over ``store`` (or the store ``settings`` name, opened at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store if store is not None else await run_in_threadpool(open_store, settings)
        app.state.store = opened
        if store is None:
            app.state.executor = make_executor(settings, opened, app.state.metrics.timeouts.inc)
        executor: QueryExecutor = app.state.executor
        await executor.start()
        stop_queries_on_sigterm(executor)
        # What start-up made (modules, routes, templates, the app) lives as long as the
        # process: out of the collector's sight, a full collection under load stays short.
        # Only in a server's main thread: elsewhere (an app in a test's thread) the collection
        # would reach other threads' engine objects, which must die where they were made.
        if threading.current_thread() is threading.main_thread():
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await executor.close()
            if store is None:
                opened.close()

    app = KgraphApp(
        title="kgraph",
        version=__version__,
        description="SPARQL endpoint and linked data for the county administrative boards' "
        "work against men's violence against women.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.templates = make_templates(settings)
    app.state.metrics = AppMetrics(
        lambda: getattr(app.state, "store", None),
        lambda: len(app.state.executor.pids()) if hasattr(app.state, "executor") else 0,
    )
    app.state.result_cache = ResultCache(settings.limits.result_cache_bytes)
    if store is not None:
        app.state.store = store
        app.state.executor = make_executor(settings, store, app.state.metrics.timeouts.inc)
    # Before the framework: CORS, the gate, the replay, the lean path (kgraph.web.front).
    app.front = Front(
        app,
        settings,
        cache=app.state.result_cache,
        observer=app.state.metrics.observe,
        on_limited=app.state.metrics.rate_limited.inc,
    )
    install_error_handlers(app)
    if settings.paths.yasgui_dir.is_dir():  # before /static, which would answer it
        vendor = StaticFiles(directory=settings.paths.yasgui_dir)
        app.mount("/static/vendor/yasgui", vendor, name="yasgui")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(writes.router)
    app.include_router(metrics.router)
    publishing.install(app, settings)
    app.include_router(site.router)
    app.include_router(search.router)
    app.include_router(pictures.router)
    app.include_router(pages.router)  # keep LAST: its catch-all answers every other path
    return app


def stop_queries_on_sigterm(executor: QueryExecutor) -> None:
    """On SIGTERM, answer running queries 503 at once (their workers are killed), then let
    the server's own handler stop it; so a server stops within seconds, not at the end of
    its longest query. Only where the app runs in the main thread (a real server)."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)

    stopping: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    def stop() -> None:
        stopping.add(loop.create_task(executor.close()))

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        log.info("SIGTERM: stopping the running queries")
        loop.call_soon_threadsafe(stop)
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)


def app_from_environment() -> FastAPI:
    """The app factory for ``uvicorn --factory`` and ``kgraph serve --workers N``."""
    settings = settings_from_environment()
    configure_logging(settings)
    return create_app(settings)


def configure_logging(settings: Settings) -> None:
    """JSON access-log lines from kgraph's middleware on stderr (they replace uvicorn's)."""
    if not settings.server.access_log:
        return
    # The Logging HOWTO's optimisations: no caller lookup, thread or process names per record
    # (the access line carries what it needs); a fifth of the time of a replayed answer.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    access = logging.getLogger("kgraph.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["base_iri"] = settings.server.base_iri
    templates.env.globals["version"] = __version__
    templates.env.globals["formats_table"] = formats  # media types from the one table
    i18n.install(templates.env)
    return templates
