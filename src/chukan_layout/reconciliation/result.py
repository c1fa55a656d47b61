"""What a reconcile run returns: the report, the files written, the exit code, a pandas view."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..report.reconcile_model import ReconcileReport


@dataclass
class ReconcileResult:
    """The :class:`ReconcileReport` and the paths of ``reconcile.json`` / ``.html`` / ``differences.csv``."""

    report: ReconcileReport
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0: everything matches within the declared equivalences; 1: it does not."""
        return 0 if self.report.verdict.status == "match" else 1

    def to_pandas(self) -> Any:
        """``differences.csv`` as a ``pandas.DataFrame`` of strings (the formula guard removed).

        One row per differing record × item: ``layout, kind, key, item, item_name, old_value,
        new_value, old_file, old_record, new_file, new_record``. Needs a run with ``out_dir``.
        """
        import pandas as pd

        path = self.paths.get("csv")
        if path is None:
            raise ValueError("no differences.csv: run reconcile with an output folder")
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        guarded = r"^'[=+\-@\t\r]"
        for c in df.columns:
            col = df[c]
            mask = col.str.match(guarded)
            if mask.any():
                df.loc[mask, c] = col[mask].str.slice(1)
        return df
