"""突合: prove the new system holds what the old one held (``chukan-layout reconcile``).

- :mod:`.sources` — OLD / NEW as standard CSV files or vendor exports through an adapter.
- :mod:`.spill` — each side hash-partitioned on the record key into spill buckets; totals on the way.
- :mod:`.compare` — one bucket: duplicates, only-in-OLD / only-in-NEW, changed items.
- :mod:`.equivalence` — declared equivalences (trailing blanks, kana width, date notation,
  code map, recorded 外字 degradations): counted, never silent.
- :mod:`.totals` — the 照合表 declared in the layouts' ``reconcile:`` sections.
- :mod:`.assemble` — the :class:`~chukan_layout.report.reconcile_model.ReconcileReport`.
- :mod:`.engine` — :func:`reconcile`.
"""

from __future__ import annotations

from .engine import reconcile
from .result import ReconcileResult

__all__ = ["ReconcileResult", "reconcile"]
