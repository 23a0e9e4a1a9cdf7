"""Typed dependencies: the store and settings the app factory opened.

``async def`` on purpose: FastAPI runs a plain ``def`` dependency on a thread (and the
bounded store needs the running loop).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from kgraph.query.bounded import BoundedStore
from kgraph.query.executor import QueryExecutor
from kgraph.query.pool import Caller
from kgraph.settings import Settings
from kgraph.store.base import GraphStore


def caller_of(request: Request) -> Caller:
    """Who sent ``request`` (its client address) and when it arrived (set by the gate)."""
    arrived = getattr(request.state, "arrived", None)
    client = request.client.host if request.client else "-"
    return Caller(client, arrived) if isinstance(arrived, float) else Caller(client)


async def get_store(request: Request) -> GraphStore:
    """The store, its queries bounded like ``/sparql``'s (:mod:`kgraph.query.bounded`)."""
    return BoundedStore(
        request.app.state.store,
        request.app.state.executor,
        caller_of(request),
        asyncio.get_running_loop(),
    )


async def get_executor(request: Request) -> QueryExecutor:
    executor: QueryExecutor = request.app.state.executor
    return executor


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


ExecutorDep = Annotated[QueryExecutor, Depends(get_executor)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
