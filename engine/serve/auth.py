"""Who may ask: loopback without a token; anywhere else only with a bearer token.

The token comes from a file (`--token-file`, read once at start) or `FRIST_SERVE_TOKEN`, and
is compared with `hmac.compare_digest`, in constant time, so the comparison leaks nothing
about how much of a guess was right.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
from pathlib import Path

from ..core.errors import UsageError

__all__ = ["TOKEN_ENV", "load_token", "is_loopback", "authorized", "MIN_TOKEN_LENGTH"]

TOKEN_ENV = "FRIST_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_token(token_file: str | None, host: str) -> str | None:
    """The bearer token (None: no token, only allowed on loopback); a usage error when one is needed and missing."""
    token = None
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read --token-file {token_file}: {getattr(err, 'strerror', None) or err}") from None
    elif os.environ.get(TOKEN_ENV):
        token = os.environ[TOKEN_ENV].strip()
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise UsageError(f"the bearer token is {len(token)} characters; use at least {MIN_TOKEN_LENGTH} "
                         "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    if token is None and not is_loopback(host):
        raise UsageError(f"binding {host} (not loopback) needs a bearer token: --token-file FILE or {TOKEN_ENV}")
    return token


def authorized(header: str | None, token: str | None) -> bool:
    """Whether an `Authorization` header carries the token (always, when there is none)."""
    if token is None:
        return True
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))
