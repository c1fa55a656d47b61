"""The pipeline's structural checks of whole files (codes in :mod:`chukan_layout.validation.structure`).

Called by the merge of a convert run (vendor files) and by ``validate`` (standard CSV files);
the load-time warning about trailers that nothing reconciles goes out through :mod:`warnings`
(the CLI prints it as one ``warning:`` line).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

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
