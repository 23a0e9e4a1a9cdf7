"""Start real servers for tests: free loopback ports, readiness by polling."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(
    check: Callable[[], bool],
    timeout: float = 30.0,
    what: str = "condition",
    proc: subprocess.Popen[bytes] | None = None,
    interval: float = 0.2,
) -> None:
    """Poll ``check`` until it is true; raise TimeoutError after ``timeout`` seconds.

    Between polls it waits on ``proc`` (so a server that dies ends the wait at
    once, with its exit code) or on an event that nothing sets: a poll
    interval, never a guess at how long readiness takes.
    """
    deadline = time.monotonic() + timeout
    delay = 0.01
    idle = threading.Event()
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None:
            try:
                code = proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                pass
            else:
                raise RuntimeError(f"{what}: the process exited with {code}")
        else:
            idle.wait(delay)
        delay = min(delay * 2, interval)
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

    def __init__(
        self, store: Path | str, *, env: dict[str, str] | None = None, args: Sequence[str] = ()
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "KGRAPH_BASE_IRI": "http://127.0.0.1:8000/", **(env or {})}
        src = str(Path(__file__).resolve().parent.parent / "src")
        full_env["PYTHONPATH"] = src + os.pathsep + full_env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kgraph",
                "serve",
                "--store",
                str(store),
                "--port",
                str(self.port),
                *args,
            ],
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0) -> None:
        try:
            wait_until(http_ok(self.url + "/readyz"), timeout, "kgraph serve", proc=self.proc)
        except RuntimeError as exc:
            out = self.proc.stdout.read().decode() if self.proc.stdout else ""
            raise RuntimeError(f"{exc}: {out}") from None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
