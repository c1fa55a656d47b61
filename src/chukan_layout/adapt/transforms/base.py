"""What a transform is: a named, argument-checked, vectorized function over Arrow arrays.

A transform takes one or more ``pa.StringArray`` inputs (the source fields, or the output of
the previous step) and returns one ``pa.StringArray`` of the same length.  It never loops over
records in Python except on the few rows that need it (e.g. the rows that *have* a finding).

Problems in the data are never silently blanked: a transform reports them through
:meth:`Context.finding` (counted per code and item, with record numbers) and may set a
*side item* (e.g. the 不詳 flag next to a partial date) through :meth:`Context.set_side`.

Writing a transform (also how plugins do it)::

    from chukan_layout.adapt.transforms.base import Transform, TransformArgs, register_transform

    @register_transform
    class Upper(Transform):
        '''Upper-case ASCII letters.

        Example: ``upper`` — ``"abc"`` → ``"ABC"``
        '''
        name = "upper"
        value_wise = True
        class Args(TransformArgs): ...
        args: Args  # the checked arguments, typed for mypy
        def apply(self, inputs, ctx):
            return pc.utf8_upper(inputs[0])
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from ...findings import FindingSet, Sensitivity


class NoArgs(BaseModel):
    """A transform without arguments."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Args(BaseModel):
    """Base of transform argument models: unknown arguments are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


#: The same base under a name a transform's nested ``class Args(TransformArgs)`` does not shadow.
TransformArgs = Args


@dataclass
class Context:
    """Where a transform runs: the file, layout and target item, record numbers, findings."""

    file: str
    layout: str
    item: str
    records: pa.Array  # int64 `_record` of the batch
    findings: FindingSet
    sensitivity: Sensitivity | str | None = None
    side: dict[str, pa.Array] = field(default_factory=dict)

    def finding(
        self,
        code: str,
        mask: np.ndarray | pa.Array,
        values: pa.Array | None = None,
        *,
        item: str | None = None,
        details: list[str | None] | None = None,
    ) -> int:
        """Report ``code`` on the rows where ``mask`` is true; returns how many."""
        return self.report(code, np.flatnonzero(as_mask(mask)), values, item=item, details=details)

    def report(
        self,
        code: str,
        idx: np.ndarray,
        values: pa.Array | None = None,
        *,
        positions: np.ndarray | None = None,
        item: str | None = None,
        details: list[str | None] | None = None,
    ) -> int:
        """Report ``code`` on rows ``idx``; their values are ``values[positions]`` (default: ``idx``).

        Only the values of the rows the FindingSet can keep as samples (the lowest record numbers)
        are taken out of Arrow: a check that flags most of a million rows stays cheap.
        """
        if idx.size == 0:
            return 0
        recs = self.records.to_numpy()[idx]
        keep = np.arange(idx.size)
        limit = self.findings.max_samples
        if limit is not None and idx.size > limit:
            keep = np.argsort(recs, kind="stable")[:limit]  # what FindingSet.add would keep
        at = (idx if positions is None else positions)[keep]
        vals = None if values is None else values.take(pa.array(at)).to_pylist()
        self.findings.add(
            code,
            file=self.file,
            item=item or self.item,
            records=recs[keep],
            values=vals,
            details=None if details is None else [details[i] for i in keep.tolist()],
            count=int(idx.size),
            sensitivity=self.sensitivity,
        )
        return int(idx.size)

    def set_side(self, item: str, values: pa.Array) -> None:
        """Set another target item from this step (e.g. a 不詳 flag)."""
        self.side[item] = values


class Transform:
    """Base class of every transform. Subclasses set ``name``, ``Args`` and ``apply``.

    ``arity`` is the number of inputs (``None``: one or more, ``0``: none).  ``primary`` names
    the argument a scalar shorthand sets (``- zfill: 6`` means ``- zfill: {width: 6}``).

    ``value_wise``: the output for a value, and the findings it raises, depend on that value alone
    (no record numbers, no side items, no other rows), so the engine may run the step once per
    distinct value (:mod:`..distinct`); ``cost`` is a rough relative price per value that tells
    when that pays.  Both stay False / 1 unless a transform is known to qualify (plugins too).
    """

    name: ClassVar[str]
    Args: ClassVar[type[BaseModel]] = NoArgs
    arity: ClassVar[int | None] = 1
    primary: ClassVar[str | None] = None
    value_wise: ClassVar[bool] = False
    cost: ClassVar[int] = 1

    def __init__(self, args: BaseModel) -> None:
        self.args = args

    def side_items(self) -> list[str]:
        """Target items this step also sets (checked at load time)."""
        return []

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        """First line of the docstring."""
        return (inspect.getdoc(cls) or "").strip().splitlines()[0] if cls.__doc__ else ""


_BUILTINS: dict[str, type[Transform]] = {}


def register_transform(cls: type[Transform]) -> type[Transform]:
    """Class decorator: add a built-in transform to the registry (by ``cls.name``)."""
    if cls.name in _BUILTINS and _BUILTINS[cls.name] is not cls:
        raise ValueError(f"transform {cls.name!r} registered twice")
    _BUILTINS[cls.name] = cls
    return cls


def builtin_transforms() -> dict[str, type[Transform]]:
    """The built-in transforms by name (importing the transform modules registers them)."""
    from . import _all  # noqa: F401  (import side effect: registration)

    return dict(_BUILTINS)


def as_mask(mask: np.ndarray | pa.Array) -> np.ndarray:
    """A numpy bool array from a numpy or Arrow boolean mask."""
    return np.asarray(mask.to_numpy(zero_copy_only=False) if isinstance(mask, pa.Array) else mask, bool)


def as_str(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A non-null ``pa.string()`` array (blank = "")."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return arr.fill_null("") if arr.null_count else arr


def const_array(value: str, n: int) -> pa.Array:
    """``n`` copies of ``value`` (dictionary-free plain strings)."""
    if value == "":
        return blank_array(n)
    return pa.repeat(pa.scalar(value, pa.string()), n)


def blank_array(n: int) -> pa.Array:
    """``n`` empty strings: offsets all 0 (a calloc'd buffer: no pass over it), no data bytes —
    ``pa.repeat`` of ``""`` costs ≈ 0.2 ms per 13,000 rows, this a few µs."""
    return pa.StringArray.from_buffers(n, pa.py_buffer(np.zeros(n + 1, np.int32)), pa.py_buffer(b""))
