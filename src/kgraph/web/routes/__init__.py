"""Route registration shared by the routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter

F = TypeVar("F", bound=Callable[..., Any])


def get_and_head(router: APIRouter, path: str, **kwargs: Any) -> Callable[[F], F]:
    """Register ``fn`` for GET (documented in OpenAPI) and HEAD (not documented).

    One route with both methods would give OpenAPI two operations with one id.
    Starlette answers HEAD with the GET response's headers and no body.
    """

    def register(fn: F) -> F:
        router.add_api_route(path, fn, methods=["GET"], **kwargs)
        router.add_api_route(path, fn, methods=["HEAD"], include_in_schema=False)
        return fn

    return register
