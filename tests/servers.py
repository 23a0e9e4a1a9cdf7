"""Start real servers for tests: free loopback ports, readiness by polling."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    """Poll ``check`` until it is true; raise TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(delay)  # a poll interval, not a guess at readiness
        delay = min(delay * 2, 0.2)
    raise TimeoutError(f"{what} not reached in {timeout} s")


def http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    return check


class KgraphServer:
    """``kgraph serve`` in a subprocess on a free loopback port."""

    def __init__(self, store: Path | str, *, env: dict[str, str] | None = None,
                 args: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "KGRAPH_BASE_IRI": "http://127.0.0.1:8000/", **(env or {})}
        src = str(Path(__file__).resolve().parent.parent / "src")
        full_env["PYTHONPATH"] = src + os.pathsep + full_env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kgraph", "serve", "--store", str(store),
             "--port", str(self.port), *args],
            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0) -> None:
        def check() -> bool:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode() if self.proc.stdout else ""
                raise RuntimeError(f"kgraph serve exited {self.proc.returncode}: {out}")
            return http_ok(self.url + "/readyz")()

        wait_until(check, timeout, "kgraph serve ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
