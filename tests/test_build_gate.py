"""The gate as a user meets it: a bad build is refused and the server keeps serving."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .servers import KgraphServer

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("server")]


def kgraph(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGRAPH_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-m", "kgraph", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ready(server: KgraphServer) -> dict[str, object]:
    data: dict[str, object] = httpx.get(server.url + "/readyz").json()
    return data


def test_invalid_build_is_refused_and_served_data_stays(tmp_path: Path) -> None:
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / name, tmp_path / name)
    first = kgraph(tmp_path, "build")
    assert first.returncode == 0, first.stderr
    assert "0 violations" in first.stderr

    server = KgraphServer(tmp_path / ".kgraph" / "store")
    try:
        server.wait_ready()
        before = ready(server)

        bad = tmp_path / "data" / "zz-bad.ttl"
        bad.write_text(
            "@prefix schema: <https://schema.org/> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix kg: <def/> .\n"
            "\n"
            "<id/county/atlantis> a kg:County, schema:AdministrativeArea ;\n"
            '    rdfs:label "Atlantis län"@sv ;\n'
            '    skos:notation "999" .\n',
            encoding="utf-8",
        )
        refused = kgraph(tmp_path, "build")
        assert refused.returncode == 3
        assert "data/zz-bad.ttl:6" in refused.stderr
        assert "id/county/atlantis" in refused.stderr
        assert "skos:notation" in refused.stderr
        assert refused.stderr.strip().splitlines()[-1].startswith("kgraph: error:")

        bad.write_text('<id/a> <p> "unterminated .\n', encoding="utf-8")
        syntax = kgraph(tmp_path, "build")
        assert syntax.returncode == 1
        assert "data/zz-bad.ttl:1:" in syntax.stderr

        after = ready(server)
        assert after["version"] == before["version"]
        assert after["triples"] == before["triples"]
        q = httpx.get(
            server.url + "/sparql",
            params={"query": 'ASK { ?c <http://www.w3.org/2004/02/skos/core#notation> "999" }'},
        )
        assert q.json()["boolean"] is False

        bad.unlink()
        again = kgraph(tmp_path, "build")
        assert again.returncode == 0
        assert ready(server)["version"] != before["version"]  # the server follows the swap
    finally:
        server.stop()
