"""外字 (gaiji): vendor private-use characters mapped to MJ / Unicode, inventories and review.

- :func:`load_table` / :func:`write_table` → :class:`MappingTable` of :class:`MappingEntry`
  (外字対応表: TSV, YAML or a reviewed CSV; ``Status`` of each mapping).
- :class:`MJIndex`: the 文字情報基盤 (MJ) list and IVD, cached (``chukan-layout gaiji index``).
- :class:`GaijiStage` (one layout) and :class:`GaijiConvertStage` (the convert pipeline's
  stage): map, degrade, replace or reject per item :class:`Policy` (:func:`parse_policies`),
  with a ``gaiji.csv`` sidecar and a :class:`GaijiSummary`.
- :class:`Inventory` (:func:`scan_standard`, :func:`load_review_csv`): every distinct 外字 for review.

Names load lazily: ``import chukan_layout.gaiji`` imports nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .convert_stage import GaijiConvertStage
    from .inventory import Inventory
    from .mj_index import MJIndex
    from .policy import Policy, parse_policies
    from .review import load_review_csv
    from .scan import scan_standard
    from .stage import GaijiStage
    from .summary import GaijiSummary
    from .table import MappingEntry, MappingTable, Status, load_table, write_table

__all__ = [
    "GaijiConvertStage",
    "GaijiStage",
    "GaijiSummary",
    "Inventory",
    "MJIndex",
    "MappingEntry",
    "MappingTable",
    "Policy",
    "Status",
    "load_review_csv",
    "load_table",
    "parse_policies",
    "scan_standard",
    "write_table",
]

_LAZY = {
    "GaijiConvertStage": "convert_stage",
    "GaijiStage": "stage",
    "GaijiSummary": "summary",
    "Inventory": "inventory",
    "MJIndex": "mj_index",
    "MappingEntry": "table",
    "MappingTable": "table",
    "Policy": "policy",
    "Status": "table",
    "load_review_csv": "review",
    "load_table": "table",
    "parse_policies": "policy",
    "scan_standard": "scan",
    "write_table": "table",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
