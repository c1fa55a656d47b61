"""Export: standard-layout files → a vendor's import format (取込), the way back of ``convert``.

- :mod:`.format` — the export profile YAML (the adapter's sibling: same loader, same steps).
- :mod:`.derive` — a reversible adapter read backwards (``export --profile vendor_a``).
- :mod:`.profile` — resolve, load and check a profile into an :class:`~.profile.ExportPlan`.
- :mod:`.engine` — one output file: fields, 外字 back to vendor codes, encodability, rendering
  (per batch: ``_batch``, ``_compute``; what a file got: ``_outcome``).
- :mod:`.encodable` — unencodable characters (never ``?``) and over-long values.
- :mod:`.gaiji_reverse` — the 外字 table backwards (UCS+IVS → the vendor's user-area code).
- :mod:`.run` — :func:`export` (``chukan-layout export``): accounting, sidecars, report.
"""

from __future__ import annotations

from .run import ExportResult, export

__all__ = ["ExportResult", "export"]
