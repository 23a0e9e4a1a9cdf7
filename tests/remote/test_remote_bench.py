"""The publish benchmark runs (on tiny data; the figures come from running it by hand)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .servers import ROOT, oxigraph_binary

pytestmark = [pytest.mark.integration]


def test_publish_bench_runs_on_tiny_data() -> None:
    if oxigraph_binary() is None:
        pytest.skip("oxigraph server not installed")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "publish_bench.py"), "--triples", "1000"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.strip().splitlines()
    assert header.split()[0] == "triples"
    assert int(row.split()[0]) >= 1000 and float(row.split()[3]) > 0
