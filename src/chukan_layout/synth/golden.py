"""Golden records: the municipality written in the standard layouts (what a perfect
conversion must produce), one builder per layout, a chunk at a time.

A builder returns ``{item_id: pa.Array of str}`` for the items it knows; :func:`build`
completes the layout (unknown optional items blank, unknown required items filled from
the spec so records stay valid) and returns a ``RecordBatch`` in layout order. Each row
also has an *owner* (the person or household it belongs to) so faults and the manifest
can point from a vendor record to its golden record.

This module holds the registry (:func:`builder`, ``BUILDERS``, ``GAIJI_ITEMS``), :func:`build`
and the helpers builders share; the builders live in the ``golden_*`` modules, one per
業務 family (:mod:`.golden_juki` 住民基本台帳, :mod:`.golden_zei` 住民税・固定資産税・軽自動車税,
:mod:`.golden_hoken` 国保・介護・後期高齢・国民年金, :mod:`.golden_inkan` 印鑑登録, and
:mod:`.golden_gyomu`, :mod:`.golden_fukushi`, :mod:`.golden_jido`, :mod:`.golden_kodomo`,
:mod:`.golden_koseki`). A builder is registered when its module is imported
(:mod:`.generate` imports them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..spec.model import ItemType, Layout
from .arrow_util import blank, const
from .population import REF_DAY, Chunk
from .world import World, load_codes

Columns = dict[str, pa.Array]


@dataclass
class Rows:
    """A layout's rows for one chunk: the columns plus who each row belongs to."""

    columns: Columns
    person: np.ndarray | None  # chunk-local person index per row (or None)
    household: np.ndarray | None  # chunk-local household index per row (or None)
    n: int


Builder = Callable[[World, Chunk, str], Rows]
BUILDERS: dict[str, Builder] = {}

# text items that can carry a 外字 (differ between the golden and a vendor form)
GAIJI_ITEMS: dict[str, tuple[str, ...]] = {}


def builder(layout_id: str, gaiji_items: tuple[str, ...] = ()) -> Callable[[Builder], Builder]:
    def deco(f: Builder) -> Builder:
        BUILDERS[layout_id] = f
        GAIJI_ITEMS[layout_id] = gaiji_items
        return f

    return deco


def _fill_value(layout: Layout, item_id: str, n: int) -> pa.Array:
    """A valid value for a required item no builder sets (keeps records valid, documents the gap)."""
    it = layout.item(item_id)
    if it.type is ItemType.CODE and it.codes:
        return const(load_codes()[it.codes].values[0].code, n)
    if it.type is ItemType.DATE:
        return const(str(np.datetime64(int(REF_DAY), "D")), n)
    if it.type is ItemType.FLAG:
        return const("0", n)
    if it.type in (ItemType.YEAR,):
        return const("2025", n)
    if it.check_digit is not None:
        from ..spec.checkdigits import make_valid

        width = it.length.max if it.length else 10
        return const(make_valid(it.check_digit, "1" * (width - 1)), n)
    if it.type in (ItemType.DIGITS, ItemType.INTEGER):
        width = it.length.min if it.length and it.length.min else 1
        return const("0" * width, n)
    return const("-", n)


def build(world: World, layout_id: str, c: Chunk, form: str = "golden") -> tuple[pa.RecordBatch, Rows]:
    """The layout's rows for chunk ``c`` as a RecordBatch of strings in layout order."""
    layout = world.layouts[layout_id]
    rows = BUILDERS[layout_id](world, c, form)
    cols = []
    for it in layout.items:
        col = rows.columns.get(it.id)
        if col is None:
            col = _fill_value(layout, it.id, rows.n) if it.required else blank(rows.n)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, names=layout.item_ids), rows


def chunk_rng(w: World, c: Chunk, salt: int) -> np.random.Generator:
    """A builder's own random stream in chunk ``c`` (``salt`` tells builders apart): one builder's draws
    never shift another's."""
    return np.random.default_rng([w.seed, c.number, salt])


def todokede_day(event: np.ndarray, key: np.ndarray, days: int = 14) -> np.ndarray:
    """A 届出日 a few days after the event (deterministic from the key), never after 基準日."""
    return np.minimum(event + key % days, REF_DAY)
