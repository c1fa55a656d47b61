"""Write the JSON Schemas of the reports into docs/ (``report.schema.json``, ``reconcile.schema.json``).

    python -m tools.docs_schemas            # rewrite them (make docs)
    python -m tools.docs_schemas --check    # exit 1 if a committed schema is stale (tests run this)

The schemas themselves come from the report models (``chukan_layout.report.schema``,
``chukan_layout.report.reconcile_write``); this tool only writes the committed copies.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"

# committed file → (module, function returning the schema text)
SCHEMAS = {
    "report.schema.json": ("chukan_layout.report.schema", "schema_text"),
    "reconcile.schema.json": ("chukan_layout.report.reconcile_write", "reconcile_schema_text"),
}


def _text_of(module: str, func: str) -> Callable[[], str] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:  # a report kind this checkout does not have
        return None
    fn: Callable[[], str] = getattr(mod, func)
    return fn


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    stale = 0
    for name, (module, func) in SCHEMAS.items():
        fn = _text_of(module, func)
        if fn is None:
            continue
        path, text = DOCS / name, fn()
        if "--check" in args:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is stale: run make docs", file=sys.stderr)
                stale += 1
            continue
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
