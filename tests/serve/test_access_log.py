"""`frin serve`'s access log: one line per request on stderr, uvicorn's technical format under
any `--lang` (docs/service.md). uvicorn's `log_level="warning"` used to silence it as well, so
the service never wrote one and `--no-access-log` had nothing to turn off."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from support import ROOT

pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install 'frist-inkasso[serve]'")
from support.live_service import free_port, get  # noqa: E402


def test_each_request_is_one_access_line_on_stderr_whatever_the_language(tmp_path):
    port = free_port()
    err = tmp_path / "serve.stderr"
    out = tmp_path / "serve.stdout"
    command = [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())", "serve",
               "--port", str(port), "--log", str(tmp_path / "log.sqlite"), "--lang", "nb"]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=out.open("wb"), stderr=err.open("wb"))
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, err.read_text(errors="replace")
            time.sleep(0.1)
        assert get(f"http://127.0.0.1:{port}/no-such-page")[0] == 404
    finally:
        process.terminate()
        process.wait(20)
    lines = err.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("frin serve: ") and " policyer, " in lines[0]        # the service's own line: nb
    assert any(line.endswith('"GET /healthz HTTP/1.1" 200 OK') for line in lines), lines
    assert any(line.endswith('"GET /no-such-page HTTP/1.1" 404 Not Found') for line in lines), lines
    assert out.read_text(encoding="utf-8") == ""


def _answers(url: str) -> bool:
    try:
        return get(url, timeout=1)[0] == 200
    except OSError:         # not listening yet
        return False
