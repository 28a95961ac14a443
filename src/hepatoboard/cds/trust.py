"""Verifying the EHR's JWT on every CDS Hooks call (PyJWT).

Header: ``alg`` must be RS384, ES384, RS256 or ES256 (never ``none`` or HS*), ``kid`` is required,
``typ`` must be JWT when present. Claims: ``iss`` must be a configured tenant; the key comes from
the tenant's inline JWKS or from a ``jku`` on the tenant's allow-list (a ``jku`` not on it is
refused before anything is fetched); ``aud`` must equal the exact endpoint URL configured for the
tenant; ``exp``, ``iat`` and ``jti`` are required and ``exp``/``iat``/``nbf`` are checked with a
small leeway; a ``jti`` seen before (until its token expires) is a replay and is refused.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import jwt

from hepatoboard.cds.config import CdsConfig, Tenant

ALGORITHMS = ("RS384", "ES384", "RS256", "ES256")


class Untrusted(Exception):
    """The token is refused (the message says why; it never contains the token)."""


class ReplayCache:
    """``jti`` values seen in this process, kept until their token expires."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def check_and_add(self, key: str, expires: float) -> bool:
        """True the first time ``key`` is seen; False for a replay."""
        now = time.time()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            if key in self._seen and self._seen[key] > now:
                return False
            self._seen[key] = expires
            return True


_JWKS_CLIENTS: dict[str, jwt.PyJWKClient] = {}


def _key(header: dict[str, Any], tenant: Tenant) -> Any:
    kid = header.get("kid")
    jku = header.get("jku")
    if jku is not None:
        if jku not in tenant.jku:
            raise Untrusted("jku is not on this tenant's allow-list")
        client = _JWKS_CLIENTS.setdefault(jku, jwt.PyJWKClient(jku, cache_keys=True, timeout=5))
        try:
            return client.get_signing_key(str(kid)).key
        except jwt.PyJWKClientError as exc:
            raise Untrusted(f"no usable key at the allow-listed jku: {exc}") from None
    if not tenant.jwks:
        raise Untrusted("this tenant has no inline keys; a jku header is required")
    try:
        keys = jwt.PyJWKSet.from_dict(tenant.jwks)
    except jwt.PyJWKSetError as exc:
        raise Untrusted(f"the tenant's key set is unusable: {exc}") from None
    for k in keys.keys:
        if k.key_id == kid:
            return k.key
    raise Untrusted("no key with this kid for this tenant")


def verify(
    token: str, service_id: str, config: CdsConfig, replays: ReplayCache, endpoint: str = ""
) -> tuple[Tenant, dict[str, Any]]:
    """The tenant and the verified claims, or :class:`Untrusted`. ``endpoint`` is what follows
    the service URL (``/feedback`` for the feedback endpoint): ``aud`` is that exact URL."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise Untrusted("not a JWT") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise Untrusted(f"alg '{alg}' is not accepted (only {', '.join(ALGORITHMS)})")
    if header.get("typ") not in (None, "JWT"):
        raise Untrusted("typ must be JWT")
    if not header.get("kid"):
        raise Untrusted("kid is required")
    tenant = config.tenant(str(unverified.get("iss")))
    if tenant is None:
        raise Untrusted("unknown iss")
    key = _key(header, tenant)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=tenant.audience(service_id) + endpoint,
            issuer=tenant.iss,
            leeway=config.leeway_seconds,
            options={"require": ["iss", "aud", "exp", "iat", "jti"], "strict_aud": True},
        )
    except (jwt.PyJWTError, TypeError, ValueError) as exc:  # a key that does not fit the alg
        raise Untrusted(f"token rejected: {type(exc).__name__}: {exc}") from None
    if float(claims["iat"]) < time.time() - config.max_token_age_seconds - config.leeway_seconds:
        raise Untrusted("token issued too long ago")
    if not replays.check_and_add(f"{tenant.iss}|{claims['jti']}", float(claims["exp"])):
        raise Untrusted("jti already used (replay)")
    return tenant, claims
