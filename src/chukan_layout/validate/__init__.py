"""The validator: layouts compiled into vectorized checks, cross-record and cross-file checks.

- :func:`compile_layout` → :class:`CompiledLayout` (``.check(batch, findings, file=…)``).
- :class:`KeyIndex` (``key.duplicate``), :class:`ReferenceIndex` (``ref.orphan``): bounded memory.
- :func:`reconcile` (``file.count_mismatch`` / ``file.total_mismatch``), :class:`TotalsAccumulator`.
- :class:`ValidationRun`: all of the above for the files of one run.
"""

from .compile import CompiledLayout, compile_layout
from .keys import KeyIndex
from .reconcile import Reconciliation, TotalsAccumulator, Trailer, compare, reconcile
from .refs import ReferenceIndex
from .session import ValidationRun, validate_batches

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


# ``chukan_layout.validate(...)`` is the library entry point (pipeline.validate), but importing this
# package sets the attribute ``chukan_layout.validate`` to the package itself. Making the package
# callable keeps both meanings working: ``chukan_layout.validate(files, ...)`` → the report.
class _CallablePackage(__import__("types").ModuleType):
    def __call__(self, *args: object, **kwargs: object) -> object:
        from ..pipeline import validate

        return validate(*args, **kwargs)  # type: ignore[arg-type]


__import__("sys").modules[__name__].__class__ = _CallablePackage
