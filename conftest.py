"""For the examples in the docstrings (``pytest --doctest-modules`` over ``src/kgraph``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _examples_run_from_the_repository(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples name the repository's folders as a reader at its root would
    (``Path("shapes")``), so they run there, wherever pytest was started."""
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(ROOT)
