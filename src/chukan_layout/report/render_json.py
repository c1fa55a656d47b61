"""``report.json``: the deterministic serialisation of :class:`~.model.Report`.

Keys follow the model's field order (``schema_version`` first), maps are sorted by the
model, text is UTF-8 without ``\\u`` escapes, two-space indent, LF line ends and a final
newline. Same report → byte-identical file.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import ReportFileError
from .model import SCHEMA_VERSION, Report


def render_json(report: Report) -> str:
    """The report as JSON text (ends with a newline)."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def load_report(path: str | Path) -> Report:
    """Read and validate a ``report.json``; only schema major version 1 is accepted."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReportFileError(f"{p}: cannot read report JSON: {e}") from None
    if not isinstance(data, dict):
        raise ReportFileError(f"{p}: not a report (top level is not an object)")
    version = str(data.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ReportFileError(
            f"{p}: unsupported report schema_version {version!r} (this tool reads {SCHEMA_VERSION})"
        )
    try:
        return Report.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ReportFileError(
            f"{p}: invalid report: {where}: {first['msg']} ({e.error_count()} problem(s))"
        ) from None
