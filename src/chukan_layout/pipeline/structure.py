"""The pipeline's structural checks of whole files (codes in :mod:`chukan_layout.validation.structure`).

Called by the merge of a convert run (vendor files) and by ``validate`` (standard CSV files);
the load-time warning about trailers that nothing reconciles goes out through :mod:`warnings`
(the CLI prints it as one ``warning:`` line).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import OptionsError
from ..findings import FindingSet
from ..validation.structure import check_data_present, check_trailers, unchecked_trailers


def check_structure(file: str, definition: Any, trailers: Iterable[dict[str, Any]], data_records: int,
                    findings: FindingSet, *, limited: bool = False) -> None:  # fmt: skip
    """``file.no_data``, ``file.trailer_missing`` / ``file.trailer_not_checked`` of one vendor file."""
    check_data_present(file, data_records, findings)
    if not limited:  # --limit stops before the trailer on purpose
        check_trailers(file, definition, trailers, findings)


def warn_unchecked_trailers(adapter: Any) -> None:
    """Warn once per source whose trailer is declared without ``control:`` (not reconciled)."""
    for src in adapter.sources.values():
        names = unchecked_trailers(src.definition)
        if names:
            warnings.warn(
                f"adapter {adapter.name}: source {src.id}: trailer {', '.join(names)} has no control: settings; "
                "its record count and totals will not be reconciled (reported as file.trailer_not_checked)",
                UserWarning,
                stacklevel=2,
            )


def refuse_duplicate_names(inputs: Iterable[str | Path]) -> None:
    """Stop when two inputs share a file name: accounting, findings and rejects are per file name.

    The same file given twice, or ``a/JUMIN.DAT`` and ``b/JUMIN.DAT``, used to merge into one
    accounting row that added up. Refused (exit 2) naming both, until files get ids of their own.
    """
    seen: dict[str, Path] = {}
    for p in map(Path, inputs):
        if p.name in seen:
            same = "the same file given twice" if _same(seen[p.name], p) else "two files with the same name"
            raise OptionsError(f"{same}: {seen[p.name]} and {p}; accounting is per file name — give each file once "
                               "and rename one of two different files")  # fmt: skip
        seen[p.name] = p


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()
