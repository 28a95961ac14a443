"""The HTTP service (FastAPI): :func:`create_app` builds it; routers per resource live in
:mod:`.routers`, shared dependencies (database session, authentication, audit) in :mod:`.deps`.
"""

from hepatoboard.service.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
