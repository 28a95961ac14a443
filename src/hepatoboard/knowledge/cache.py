"""A per-user cache of the validated knowledge base, so a one-case CLI call does not re-parse and
re-validate every YAML file.

The first :func:`hepatoboard.knowledge.load.default_knowledge` of an installation validates the
files as always and stores the result (a pickle) in the cache directory; later processes read
it instead. The file name is a SHA-256 of everything the result depends on: the bytes of every
knowledge-base file, the source of every module of the package, and the Python and pydantic
versions. Any change to one of them gives another name, so a stale result is never read.

Where: ``$HEPATOBOARD_KB_CACHE`` if set (``off`` disables the cache), else
``$XDG_CACHE_HOME/hepatoboard``, else ``~/.cache/hepatoboard``. The directory is created private
to the user (mode 0700); a cache file that is not the user's own, is writable by others, or
cannot be read back is ignored (and replaced), never trusted. Nothing is cached when the
directory cannot be written. Each write keeps the :data:`KEEP` newest files and removes the
older ones.

Known gap: the cache holds no patient data but trusts the user's own cache directory, as any
program trusts its own installation; set ``HEPATOBOARD_KB_CACHE=off`` where that is not wanted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

ENV = "HEPATOBOARD_KB_CACHE"
PACKAGE = "hepatoboard"
KEEP = 4  # cache files kept per directory (several checkouts or versions side by side)


def cache_dir() -> Path | None:
    """The cache directory in use (None when disabled by ``HEPATOBOARD_KB_CACHE=off``)."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("off", "0", "no", "") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / PACKAGE


def _package_sources() -> Iterable[tuple[str, bytes]]:
    root = Path(str(resources.files(PACKAGE)))
    for path in sorted(root.rglob("*.py")):
        yield str(path.relative_to(root)), path.read_bytes()


def cache_key(files: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 of the knowledge-base files given (name, bytes), the package's modules and the
    Python and pydantic versions."""
    import pydantic

    h = hashlib.sha256()
    h.update(f"{sys.version}|{pydantic.VERSION}|{pickle.HIGHEST_PROTOCOL}".encode())
    for name, data in [*files, *_package_sources()]:
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def _trusted(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def read(key: str) -> Any | None:
    """The cached object for ``key``, or None (absent, not trusted, or unreadable)."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"kb-{key}.pickle"
    if not (_trusted(directory) and _trusted(path)):
        return None
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except Exception:  # a truncated or foreign file: validate again and replace it
        return None


def write(key: str, obj: Any) -> None:
    """Store ``obj`` under ``key`` atomically; silently nothing when the cache cannot be
    written (read-only home, disabled)."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        if not _trusted(directory):
            return
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / f"kb-{key}.pickle")
        _prune(directory)
    except OSError:
        return


def _prune(directory: Path) -> None:
    """Remove all but the :data:`KEEP` newest cache files."""
    files = sorted(directory.glob("kb-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
