"""`frin serve` as a real process on a free loopback port, for the browser, kill -9 and
PostgreSQL tests (tests/serve/test_serve_live.py, tests/serve/test_case_desk.py, tests/audit/test_serve_postgres.py)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["Service", "free_port", "post", "get"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`frin serve ARGS` started from the repository root; `stop()` ends it (SIGTERM, else SIGKILL)."""

    def __init__(self, *args: str, log: str, stderr: Path | None = None, startup_s: float = 60.0,
                 env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stderr_file = stderr or Path(log).with_suffix(".stderr")
        command = [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())", "serve", "--port", str(self.port), "--log", log,
                   "--no-access-log", *args]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                                        stderr=self.stderr_file.open("wb"))
        deadline = time.monotonic() + startup_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"frin serve exited {self.process.returncode}: {self.stderr()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"frin serve did not answer within {startup_s} s: {self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_file.read_text(errors="replace") if self.stderr_file.exists() else ""

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def post(url: str, body: bytes, content_type: str = "application/yaml", timeout: float = 30.0,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    """POST with the standard library; (status, headers with lower-case names, body) also for 4xx/5xx."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
