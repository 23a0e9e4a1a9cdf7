"""The benchmark script runs end to end on tiny data (figures are not checked: no timing)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.integration
@pytest.mark.xdist_group("bench")
def test_quick_benchmark_prints_a_table(tmp_path: Path) -> None:
    servers = ["kgraph"]
    venv_bin = Path(sys.executable).parent
    if (venv_bin / "oxigraph").exists() or shutil.which("oxigraph"):
        servers.append("oxigraph")
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--servers",
            ",".join(servers),
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(out),
            "--markdown",
            str(tmp_path / "table.md"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| measure | kgraph | Oxigraph server |" in proc.stdout
    result = json.loads(out.read_text())["results"][0]
    assert result["triples"] >= 2000
    figures = result["figures"]
    for server in servers:  # every query of the mix answered, memory sampled
        assert figures["latency DESCRIBE p50 (ms)"][server] > 0
        assert figures["latency text scan p99 (ms)"][server] > 0
        assert figures["memory peak (MiB PSS)"][server] > 1
    assert figures["validation (s)"]["kgraph"] > 0
    assert not [n for n in result["notes"] if "failed" in n]
    assert (tmp_path / "table.md").read_text().startswith("kgraph benchmark")
