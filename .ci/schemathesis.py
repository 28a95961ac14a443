"""Schemathesis over every operation of the OpenAPI document, on SQLite and (when
HEPATOBOARD_TEST_POSTGRES_URL is set) PostgreSQL: a real server on 127.0.0.1, an admin token,
the checks ``not_a_server_error`` and ``response_schema_conformance``. Exits non-zero on any
failure. Run by .ci/run; by hand: ``.venv/bin/python .ci/schemathesis.py [MAX_EXAMPLES]``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from service_helpers import Server, make_token  # noqa: E402

CHECKS = "not_a_server_error,response_schema_conformance"


def run(label: str, database: str, examples: int, tmp: Path) -> bool:
    token = make_token(database, f"schemathesis-{uuid.uuid4().hex[:8]}", "admin")
    server = Server(database, tmp / f"{label}.log", warm_token=token).start()
    try:
        r = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{server.url}/openapi.json",
                "-H",
                f"Authorization: Bearer {token}",
                "-c",
                CHECKS,
                "-n",
                str(examples),
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
            cwd=tmp,
        )
    finally:
        server.stop()
    summary = [
        line for line in r.stdout.splitlines() if re.search(r"generated|Selected|Tested", line)
    ]
    print(f"schemathesis ({label}, {CHECKS}, {examples} examples per operation):")
    print("\n".join("  " + line.strip() for line in summary))
    if r.returncode != 0:
        print(r.stdout[-6000:], r.stderr[-2000:], sep="\n")
    return r.returncode == 0


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ok = run("SQLite", f"sqlite:///{tmp / 'schemathesis.db'}", examples, tmp)
        pg = os.environ.get("HEPATOBOARD_TEST_POSTGRES_URL")
        if pg:
            ok = run("PostgreSQL", pg, examples, tmp) and ok
        elif os.environ.get("CI"):
            print("CI must provide PostgreSQL for schemathesis")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
