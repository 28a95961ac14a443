"""Write the calibration table and the worked examples into docs/prognosis.md (between the
``calibration`` and ``example`` markers).

Run: ``.venv/bin/python bench/calibration.py`` (``--check`` only reports whether the document is
current). The rows come from ``hepatoboard.prognosis.calibration``; tests/test_prognosis.py fails
if any target row is outside its bounds or if the document differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hepatoboard.prognosis import calibration

DOC = Path(__file__).resolve().parent.parent / "docs" / "prognosis.md"
BLOCKS = ("calibration", "example")


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}{body}{end}{tail}"


def main() -> int:
    rows = calibration.rows()
    text = DOC.read_text(encoding="utf-8")
    new = replace_block(text, "calibration", calibration.markdown(rows))
    new = replace_block(new, "example", calibration.example_markdown())
    targets = [r for r in rows if r.target]
    outside = [r for r in targets if not r.within]
    print(f"{len(rows)} rows, {len(targets)} targets, {len(outside)} target(s) outside bounds")
    for r in outside:
        print(f"  outside: {r.arm} | {r.subgroup}: model {r.model}, bounds {r.bounds}")
    if "--check" in sys.argv:
        print("docs/prognosis.md is", "current" if new == text else "STALE")
        return int(new != text or bool(outside))
    DOC.write_text(new, encoding="utf-8")
    return int(bool(outside))


if __name__ == "__main__":
    raise SystemExit(main())
