"""Regenerate every generated document under docs/ (``make docs``), or check them (``--check``).

    python -m tools.docs            # write them all
    python -m tools.docs --check    # exit 1 if any is stale (tests/test_docs_tools.py runs each)

Generators (each also runs alone: ``python -m tools.<name> [--check]``):
"""

from __future__ import annotations

import importlib
import sys

GENERATORS = ["tools.docs_adapters", "tools.docs_findings", "tools.docs_schemas"]

__doc__ = (__doc__ or "") + "".join(f"\n- ``{g}``" for g in GENERATORS) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = ["--check"] if "--check" in args else []
    failed = [g for g in GENERATORS if importlib.import_module(g).main(check) != 0]
    for g in failed:
        print(f"{g}: stale", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
