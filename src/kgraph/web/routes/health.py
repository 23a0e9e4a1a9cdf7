"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from kgraph.errors import StoreError
from kgraph.web.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> JSONResponse:
    # A response class, not a dict: FastAPI would validate and serialise a dict through a
    # pydantic response model on every probe.
    return JSONResponse({"status": "ok"})


@router.get("/readyz", summary="Readiness: the store is open; its triple count")
def readyz(store: StoreDep) -> JSONResponse:
    try:
        info = store.info()
    except StoreError as exc:
        return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
    return JSONResponse(
        {
            "status": "ready",
            "triples": info.triples,
            "version": info.version,
            "modified": info.modified,
            "backend": info.backend,
        }
    )
