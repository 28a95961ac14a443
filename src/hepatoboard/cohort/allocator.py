"""The memory allocator setting of a cohort run: keep freed memory for reuse.

Polars allocates with jemalloc and configures it with ``dirty_decay_ms:500,muzzy_decay_ms:1000``:
memory freed for about half a second is handed back to the system, so the engine's wide passes
keep touching fresh pages (page faults: system time). ``dirty_decay_ms:-1,muzzy_decay_ms:-1``
keeps freed pages in the process for reuse (docs/benchmarks.md, "Cohort", measured on the
benchmark). Polars reads the environment variable ``_RJEM_MALLOC_CONF`` when it is imported
(its own defaults first, the variable's settings after them, which win), so it must be set
before anything imports Polars; ``hepatoboard cohort`` sets it first thing (never overriding a
value the user has set). This module imports nothing that loads Polars.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

VARIABLE = "_RJEM_MALLOC_CONF"
KEEP_FREED = "dirty_decay_ms:-1,muzzy_decay_ms:-1"


def keep_freed_memory(environ: MutableMapping[str, str] | None = None) -> bool:
    """Set :data:`VARIABLE` to :data:`KEEP_FREED` in ``environ`` (default: this process's
    environment) unless it is set already. Returns whether it can still take effect in this
    process (Polars not loaded yet)."""
    env = os.environ if environ is None else environ
    env.setdefault(VARIABLE, KEEP_FREED)
    return "polars" not in sys.modules
