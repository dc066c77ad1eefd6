"""The Starlette application: routes, limits, the token, and the log before every answer.

Each case endpoint reads the body (refused past `max_body` bytes), takes the catalog
snapshot once, computes the answer in a worker thread under the time limit, appends the
decision to the log (in a thread, not abandoned: a record either commits or the request
fails with 503) and only then answers, naming the log record and every version that decided.
Every error is a problem document (problems.py); Starlette's own 404/405 too.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ..audit.append import log_decision
from ..audit.backend import DecisionLog
from ..core.errors import FristError
from ..core.names import COMMAND
from .answers import Options, decide, explain, read_case, timeline, why_not
from .auth import authorized
from .catalog_holder import CatalogHolder
from .problems import MEDIA_TYPE, Problem, problem_of

__all__ = ["ServiceConfig", "create_app", "DESK"]

DESK = Path(__file__).resolve().parent / "desk"
# The desk runs only its own script; inline styles are the explanation page's (shown in a sandboxed frame).
_DESK_HEADERS = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                 "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
_BODY_TYPES = ("application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


@dataclass
class ServiceConfig:
    holder: CatalogHolder
    log: DecisionLog
    token: str | None = None
    keep_case: bool = True            # False: the log keeps the case's sha256 only
    max_body: int = 1024 * 1024       # bytes
    time_limit: float = 10.0          # seconds for one answer
    version: str = "frist"


def _problem_response(problem: Problem, request: Request) -> JSONResponse:
    headers = dict(problem.headers)
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="frist"'
    return JSONResponse(problem.to_json(request.url.path), status_code=problem.status, media_type=MEDIA_TYPE,
                        headers=headers)


async def _body(request: Request, limit: int) -> bytes:
    kind = (request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()
    if kind not in _BODY_TYPES:
        raise Problem(415, "unsupported-media-type", "The body is not a case document",
                      f"content type `{kind}`; send application/json or application/yaml (with curl: "
                      "--data-binary @case.yaml -H 'Content-Type: application/yaml')")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Problem(413, "body-too-large", "The body is over the size limit",
                      f"{declared} bytes; the limit is {limit} (a case is small: split a batch into cases, "
                      f"or use `{COMMAND} batch`)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, "body-too-large", "The body is over the size limit", f"the limit is {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _guard(request: Request, config: ServiceConfig) -> None:
    if not authorized(request.headers.get("authorization"), config.token):
        raise Problem(401, "unauthorized", "A bearer token is required",
                      "send `Authorization: Bearer <token>` with the service's token")


def create_app(config: ServiceConfig) -> Starlette:
    def case_endpoint(answer: Callable, name: str, default_format: str, logged: bool
                      ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            _guard(request, config)
            options = Options.parse(request.query_params, default_format)
            try:
                with anyio.fail_after(config.time_limit):       # a body trickled in holds no worker for ever
                    body = await _body(request, config.max_body)
            except TimeoutError:
                raise Problem(408, "request-timeout", "The body took too long to arrive",
                              f"not all of it within {config.time_limit:g} s") from None
            snapshot = config.holder.current            # this request's catalog, whatever a reload does
            try:
                with anyio.fail_after(config.time_limit):
                    result = await anyio.to_thread.run_sync(
                        lambda: answer(snapshot, read_case(body), options), abandon_on_cancel=True)
            except TimeoutError:
                raise Problem(503, "time-limit", "The answer took too long",
                              f"over the limit of {config.time_limit:g} s; nothing was decided or logged") from None
            headers = {"Frist-Versions": ", ".join(result.versions), "Frist-Catalog-Generation": str(snapshot.generation)}
            if logged and result.decision is not None:
                record = await anyio.to_thread.run_sync(lambda: log_decision(
                    config.log, result.decision, body, source="serve", request=options.request_json(name),
                    keep_case=config.keep_case, catalog=snapshot.catalog))
                headers["Frist-Log-Id"] = record.id
            return Response(result.body, media_type=result.media_type, headers=headers)
        return endpoint

    async def policies(request: Request) -> Response:
        _guard(request, config)
        return JSONResponse(config.holder.current.listing())

    async def reload(request: Request) -> Response:
        _guard(request, config)
        snapshot = await anyio.to_thread.run_sync(config.holder.reload)
        return JSONResponse(snapshot.listing())

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        await anyio.to_thread.run_sync(config.log.ping)
        snapshot = config.holder.current
        return JSONResponse({"status": "ready", "generation": snapshot.generation, "loaded_at": snapshot.loaded_at,
                             "log": "ok", "last_reload_error": config.holder.last_reload_error})

    async def openapi(request: Request) -> Response:
        from .openapi import openapi_document
        return JSONResponse(openapi_document(config.version))

    def desk_file(name: str, media_type: str) -> Callable[[Request], Awaitable[Response]]:
        async def serve_file(request: Request) -> Response:
            return FileResponse(DESK / name, media_type=media_type, headers=_DESK_HEADERS)
        return serve_file

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)             # a browser asks; the desk has none (no 404 in its console)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)             # registered for HTTPException only
        kinds = {404: "not-found", 405: "method-not-allowed"}
        return _problem_response(Problem(exc.status_code, kinds.get(exc.status_code, "http-error"),
                                         str(exc.detail), f"{request.method} {request.url.path}: {exc.detail}",
                                         headers=dict(exc.headers or {})), request)

    async def any_error(request: Request, exc: Exception) -> Response:
        return _problem_response(problem_of(exc), request)

    routes = [
        Route("/v1/decide", case_endpoint(decide, "/v1/decide", "json", True), methods=["POST"]),
        Route("/v1/explain", case_endpoint(explain, "/v1/explain", "text", True), methods=["POST"]),
        Route("/v1/why-not", case_endpoint(why_not, "/v1/why-not", "json", True), methods=["POST"]),
        Route("/v1/timeline", case_endpoint(timeline, "/v1/timeline", "json", False), methods=["POST"]),
        Route("/v1/policies", policies, methods=["GET"]),
        Route("/v1/reload", reload, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/", desk_file("index.html", "text/html; charset=utf-8"), methods=["GET"]),
        Route("/desk.js", desk_file("desk.js", "text/javascript; charset=utf-8"), methods=["GET"]),
        Route("/desk.css", desk_file("desk.css", "text/css; charset=utf-8"), methods=["GET"]),
        Route("/favicon.ico", no_icon, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error, Problem: any_error,
                                                        FristError: any_error, Exception: any_error})
