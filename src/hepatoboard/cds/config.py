"""Per-tenant CDS Hooks configuration, read from the JSON file named by the environment variable
``HEPATOBOARD_CDS_CONFIG`` (see docs/fhir.md for the format). Without it, discovery still
answers but every hook call is refused (no tenant is trusted).

Each tenant (one health system's EHR) has: ``iss`` (the exact issuer of its JWTs), ``aud_base``
(the exact base URL the EHR calls, so ``aud`` must equal ``aud_base + "/" + service id``), its
signing keys as an inline ``jwks`` and / or an allow-list ``jku`` of JWKS URLs, optionally
``fhir_servers`` (allowed ``fhirServer`` URL prefixes) and ``silent`` (compute and audit, answer
``cards: []``). ``cors_origins`` lists the browser origins allowed to call the service.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_CONFIG = "HEPATOBOARD_CDS_CONFIG"


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tenant(_Config):
    name: str = Field(min_length=1, max_length=80)
    iss: str = Field(min_length=1)
    aud_base: str = Field(min_length=1, description="exact base URL of the services as called")
    jwks: dict[str, Any] | None = Field(default=None, description="a JWK Set (public keys)")
    jku: list[str] = Field(default_factory=list, description="allow-listed JWKS URLs")
    fhir_servers: list[str] | None = Field(
        default=None, description="allowed fhirServer URL prefixes (None: any)"
    )
    silent: bool = False

    def audience(self, service_id: str) -> str:
        return f"{self.aud_base.rstrip('/')}/{service_id}"


class CdsConfig(_Config):
    tenants: list[Tenant] = Field(default_factory=list)
    cors_origins: list[str] = Field(default_factory=list)
    leeway_seconds: int = Field(default=30, ge=0, le=300)
    max_token_age_seconds: int = Field(default=300, ge=10, le=3600)

    def tenant(self, iss: str) -> Tenant | None:
        return next((t for t in self.tenants if t.iss == iss), None)


class ConfigError(ValueError):
    pass


def load_config(path: str | Path | None = None) -> CdsConfig:
    """The configuration from ``path`` (default: ``$HEPATOBOARD_CDS_CONFIG``; none: no tenants)."""
    path = path or os.environ.get(ENV_CONFIG)
    if not path:
        return CdsConfig()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return CdsConfig.model_validate(data)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{ENV_CONFIG}={path}: cannot read: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise ConfigError(f"{ENV_CONFIG}={path}: {where}: {first['msg']}") from None
