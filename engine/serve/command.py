"""`frin serve`: check the catalog and the log, then serve until stopped.

Refuses to start (exit 2, or 1 for policy problems, as the CLI does) when the catalog does
not pass the lock, the log cannot be opened, or a non-loopback address has no token. SIGHUP
reloads the catalog (in a thread: requests keep being answered on the old one meanwhile).
"""
from __future__ import annotations

import os
import signal
import threading
from argparse import Namespace
from typing import TYPE_CHECKING, Any, TextIO

from ..core.errors import ExitCode, FristError, UsageError
from ..core.names import COMMAND, install_line

if TYPE_CHECKING:
    from .catalog_holder import CatalogHolder

__all__ = ["serve", "CASE_ENV"]

CASE_ENV = "FRIST_LOG_CASE"


def log_options(args: Namespace) -> tuple[str, bool]:
    """The log's address and whether it keeps cases, from the options or the environment."""
    from ..audit.commands import log_address
    address = log_address(getattr(args, "log", None))
    mode = getattr(args, "log_case", None) or os.environ.get(CASE_ENV) or "full"
    if mode not in ("full", "hash"):
        raise UsageError(f"{CASE_ENV} `{mode}` is not `full` or `hash`")
    return address, mode == "full"


def serve(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        import starlette  # noqa: F401 - checked first: a missing extra is one clear message
        import uvicorn
    except ModuleNotFoundError as err:
        print(f"error: `{COMMAND} serve` needs the `serve` extra ({err.name} is not installed): "
              f"{install_line('serve')}", file=stderr)
        return ExitCode.INVALID_INPUT
    from ..audit.record import engine_version
    from ..audit.store import open_log
    from .app import ServiceConfig, create_app
    from .auth import load_token
    from .catalog_holder import CatalogHolder
    _check_limits(args)
    token = load_token(args.token_file, args.host)
    address, keep_case = log_options(args)
    log = open_log(address)                 # first: a log that cannot be opened is told at once
    try:
        holder = CatalogHolder(args.policies)
    except BaseException:
        log.close()
        raise
    config = ServiceConfig(holder, log, token, keep_case, args.max_body, args.time_limit, engine_version())
    snapshot = holder.current
    versions = [v for p in snapshot.policies for v in p["versions"]]
    locked = sum(1 for v in versions if v["locked"])
    print(f"{COMMAND} serve: {len(snapshot.policies)} policies, {len(versions)} version(s) ({locked} locked, "
          f"{len(versions) - locked} draft) from {snapshot.folder} "
          f"(lock {snapshot.lock_file}); decision log {log.address} "
          f"({'cases kept' if keep_case else 'case hashes only'}); http://{args.host}:{args.port}/", file=stderr)
    stderr.flush()
    previous = _reload_on_sighup(holder, stderr)
    try:
        uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning",
                    access_log=not args.no_access_log, timeout_graceful_shutdown=10)
    except SystemExit as exit:              # uvicorn exits when it cannot listen (it logged why)
        if exit.code:
            print(f"error: {COMMAND} serve cannot listen on {args.host}:{args.port} (the line above says why; "
                  "--port picks another)", file=stderr)
            return ExitCode.INVALID_INPUT
    finally:
        log.close()
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)
    return ExitCode.OK


def _check_limits(args: Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port (0 to 65535)")
    if args.max_body < 1:
        raise UsageError(f"--max-body {args.max_body} must be at least 1 byte")
    if not args.time_limit > 0:
        raise UsageError(f"--time-limit {args.time_limit:g} must be more than 0 seconds")


def _reload_on_sighup(holder: CatalogHolder, stderr: TextIO) -> Any:   # the replaced signal handler (signal's own type)
    """SIGHUP reloads the catalog (in a thread); the handler it replaces, to restore (None: no SIGHUP here)."""
    if not hasattr(signal, "SIGHUP"):
        return None

    def reload() -> None:
        try:
            fresh = holder.reload()
            print(f"{COMMAND} serve: reloaded the catalog (generation {fresh.generation})", file=stderr)
        except FristError as err:
            print(f"{COMMAND} serve: reload refused, still serving generation {holder.current.generation}: {err}",
                  file=stderr)
        stderr.flush()

    return signal.signal(signal.SIGHUP, lambda signum, frame: threading.Thread(target=reload, daemon=True).start())
