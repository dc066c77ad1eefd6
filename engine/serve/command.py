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
    from ..explain.command_words import CommandWords
    from .catalog_holder import CatalogHolder, Snapshot

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


# `frin serve`'s own lines on stderr (a locale's `words.serve` in its language; explain/command_words.py).
SERVE = {
    "started": "{command} serve: {policies} policies, {versions} version(s) ({locked} locked, {drafts} draft) from "
               "{folder} (lock {lock}); decision log {log} ({kept}); {url}",
    "cases_kept": "cases kept", "hashes_only": "case hashes only",
    "cannot_listen": "{command} serve cannot listen on {host}:{port} (the line above says why; --port picks another)",
    "reloaded": "{command} serve: reloaded the catalog (generation {generation})",
    "reload_refused": "{command} serve: reload refused, still serving generation {generation}: {error}",
}


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
    try:
        said = _words(args, snapshot, stderr)
    except BaseException:
        log.close()
        raise
    versions = [v for p in snapshot.policies for v in p["versions"]]
    locked = sum(1 for v in versions if v["locked"])
    print(said("started", command=COMMAND, policies=len(snapshot.policies), versions=len(versions), locked=locked,
               drafts=len(versions) - locked, folder=snapshot.folder, lock=snapshot.lock_file, log=log.address,
               kept=said("cases_kept" if keep_case else "hashes_only"), url=f"http://{args.host}:{args.port}/"),
          file=stderr)
    stderr.flush()
    previous = _reload_on_sighup(holder, stderr, said)
    try:
        uvicorn.run(create_app(config), host=args.host, port=args.port, log_config=_logging(),
                    access_log=not args.no_access_log, timeout_graceful_shutdown=10)
    except SystemExit as exit:              # uvicorn exits when it cannot listen (it logged why)
        if exit.code:
            error = said.report.word("error", "error") if said.report is not None else "error"
            print(f"{error}: " + said("cannot_listen", command=COMMAND, host=args.host, port=args.port), file=stderr)
            return ExitCode.INVALID_INPUT
    finally:
        log.close()
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)
    return ExitCode.OK


def _logging() -> dict:
    """uvicorn's logging with its own lines at warning (the service prints its start itself) and
    the access log, one line per request, at info on stderr. `log_level="warning"` set the access
    logger to warning too, so `--no-access-log` had nothing to turn off. The access log stays
    uvicorn's format under any `--lang`: a technical log (address, request line, status) that log
    tools parse, not prose (docs/service.md)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["uvicorn"]["level"] = config["loggers"]["uvicorn.error"]["level"] = "WARNING"
    config["loggers"]["uvicorn.access"]["level"] = "INFO"
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"     # stdout is for answers, not logs
    return config


def _check_limits(args: Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port (0 to 65535)")
    if args.max_body < 1:
        raise UsageError(f"--max-body {args.max_body} must be at least 1 byte")
    if not args.time_limit > 0:
        raise UsageError(f"--time-limit {args.time_limit:g} must be more than 0 seconds")


def _words(args: Namespace, snapshot: Snapshot, stderr: TextIO) -> CommandWords:
    """The words of `--lang` (explain/command_words.py) from the served catalog's locale files: an
    unknown language is a usage error, said before the service starts."""
    from ..explain.command_words import catalog_command_words
    return catalog_command_words("serve", SERVE, snapshot.catalog, getattr(args, "lang", None), stderr)


def _reload_on_sighup(holder: CatalogHolder, stderr: TextIO, said: CommandWords) -> Any:   # the replaced signal handler (signal's own type)
    """SIGHUP reloads the catalog (in a thread); the handler it replaces, to restore (None: no SIGHUP here)."""
    if not hasattr(signal, "SIGHUP"):
        return None

    def reload() -> None:
        try:
            fresh = holder.reload()
            print(said("reloaded", command=COMMAND, generation=fresh.generation), file=stderr)
        except FristError as err:
            print(said("reload_refused", command=COMMAND, generation=holder.current.generation, error=said.text(str(err))),
                  file=stderr)
        stderr.flush()

    return signal.signal(signal.SIGHUP, lambda signum, frame: threading.Thread(target=reload, daemon=True).start())
