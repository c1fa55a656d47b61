"""The validator: layouts compiled into vectorized checks, cross-record and cross-file checks.

- :func:`compile_layout` → :class:`CompiledLayout` (``.check(batch, findings, file=…)``).
- :class:`KeyIndex` (``key.duplicate``), :class:`ReferenceIndex` (``ref.orphan``): bounded memory.
- :func:`reconcile` (``file.count_mismatch`` / ``file.total_mismatch``), :class:`TotalsAccumulator`.
- :class:`ValidationRun`: all of the above for the files of one run.
"""

from . import control_records as _control_records  # noqa: F401  (registers file.data_after_trailer …)
from .compile import CompiledLayout, compile_layout
from .keys import KeyIndex
from .refs import ReferenceIndex
from .session import ValidationRun, validate_batches
from .trailers import Reconciliation, TotalsAccumulator, Trailer, compare, reconcile

__all__ = [
    "CompiledLayout",
    "KeyIndex",
    "Reconciliation",
    "ReferenceIndex",
    "TotalsAccumulator",
    "Trailer",
    "ValidationRun",
    "compare",
    "compile_layout",
    "reconcile",
    "validate_batches",
]
