"""Semantic checks of one layout: ids, references, encodings, patterns, row rules, relations."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping, Sequence

import yaml

from ..errors import SpecLoadError
from . import expr
from ._spec_problems import did_you_mean
from ._spec_yaml import node_line
from .model import CodeTable, ItemType, Layout
from .re2 import re2_problem

#: byte encodings a ``length: {unit: bytes}`` may name (after codecs normalisation)
BYTE_ENCODINGS = frozenset({"utf-8", "cp932", "shift_jis"})
_NOT_RE2 = re.compile(r"\(\?(?:=|!|<=|<!|P=|>)|\\[1-9]")


class _Problems:
    """The problems of one layout file, each with the line of the YAML node it is about."""

    def __init__(self, file: str, node: yaml.Node | None, ids: Sequence[str]) -> None:
        self.file, self.node, self.ids = file, node, ids
        self._id_set = set(ids)
        self.found: list[SpecLoadError] = []

    def add(self, problem: str, item: str | None, loc: Sequence[str | int]) -> None:
        self.found.append(SpecLoadError(self.file, problem, item=item, line=node_line(self.node, loc)))

    def unique(self, kind: str, eid: str, seen: set[str], label: str, loc: Sequence[str | int]) -> None:
        """An id of a ``kind`` (item, rule, relation) must appear once."""
        if eid in seen:
            self.add(f"duplicate {kind} id {eid!r}", label, loc)
        seen.add(eid)

    def known(self, names: Iterable[str], what: str, label: str | None, loc: Sequence[str | int]) -> None:
        """Each of ``names`` must be an item of this layout."""
        for name in names:
            if name not in self._id_set:
                self.add(
                    f"{what}{name!r} is not an item of this layout{did_you_mean(name, self.ids)}", label, loc
                )


def check_layout(
    layout: Layout,
    file: str,
    node: yaml.Node | None = None,
    codes: Mapping[str, CodeTable] | None = None,
    layouts: Mapping[str, Layout] | None = None,
) -> list[SpecLoadError]:
    """Semantic checks of one layout: ids, references, encodings, patterns, row rules.

    ``codes`` (id → table) enables the code-table check; ``layouts`` (id → layout) the
    relation-target check. Both are skipped when None."""
    probs = _Problems(file, node, layout.item_ids)
    _check_items(layout, probs, codes)
    probs.known(layout.record_key, "record_key item ", None, ("record_key",))
    _check_rules(layout, probs)
    _check_relations(layout, probs, layouts)
    return probs.found


def _check_items(layout: Layout, probs: _Problems, codes: Mapping[str, CodeTable] | None) -> None:
    add = probs.add
    by_id = {it.id: it for it in layout.items}
    seen: set[str] = set()
    names: dict[str, str] = {}
    for i, it in enumerate(layout.items):
        at = ("items", i)
        probs.unique("item", it.id, seen, it.id, at)
        if it.name in names and names[it.name] != it.id:  # 項目名称 heads the CSV column and is a model alias
            add(f"duplicate 項目名称 {it.name!r} (also item {names[it.name]!r})", it.id, (*at, "name"))
        names.setdefault(it.name, it.id)
        if it.length is not None and it.length.encoding is not None:
            enc = codecs.lookup(it.length.encoding).name
            if enc not in BYTE_ENCODINGS:
                add(
                    f"length in bytes of {it.length.encoding!r} is not supported; use utf-8 or cp932",
                    it.id,
                    (*at, "length", "encoding"),
                )
        if it.codes is not None and codes is not None and it.codes not in codes:
            known = sorted(codes)
            hint = did_you_mean(it.codes, known) or (
                f"; known: {', '.join(known)}" if len(known) <= 30 else ""
            )
            add(f"unknown code table {it.codes!r}{hint}", it.id, (*at, "codes"))
        if it.pattern is not None and _NOT_RE2.search(it.pattern):
            add(
                "pattern uses a backreference or lookaround (patterns must be RE2-compatible)",
                it.id,
                (*at, "pattern"),
            )
        elif it.pattern is not None and (bad := re2_problem(it.pattern)) is not None:
            add(f"pattern is not valid RE2: {bad}", it.id, (*at, "pattern"))
        if it.partial_date is not None:
            probs.known([it.partial_date.flag_item], "partial_date.flag_item ", it.id, (*at, "partial_date"))
        if it.era_of is not None:
            target = by_id.get(it.era_of)
            if target is None:
                probs.known([it.era_of], "era_of ", it.id, (*at, "era_of"))
            elif target.type is not ItemType.DATE:
                add(
                    f"era_of {it.era_of!r} must name a date item (it is {target.type.value})",
                    it.id,
                    (*at, "era_of"),
                )


def _check_rules(layout: Layout, probs: _Problems) -> None:
    seen: set[str] = set()
    for i, rule in enumerate(layout.rules):
        at = ("rules", i)
        label = f"rule {rule.id}"
        probs.unique("rule", rule.id, seen, label, at)
        for part in ("when", "check"):
            src = getattr(rule, part)
            if src is None:
                continue
            try:
                expr.compile_condition(src, probs.ids)
            except expr.ExprError as e:
                probs.add(f"{part}: {e} in {src!r}", label, (*at, part))
        probs.known(rule.items, "items: ", label, (*at, "items"))


def _check_relations(layout: Layout, probs: _Problems, layouts: Mapping[str, Layout] | None) -> None:
    seen: set[str] = set()
    for i, rel in enumerate(layout.relations):
        at = ("relations", i)
        label = f"relation {rel.id}"
        probs.unique("relation", rel.id, seen, label, at)
        probs.known(rel.items, "items: ", label, (*at, "items"))
        if layouts is None:
            continue
        target_layout = layouts.get(rel.layout)
        if target_layout is None:
            probs.add(
                f"relation to unknown layout {rel.layout!r}{did_you_mean(rel.layout, layouts)}",
                label,
                (*at, "layout"),
            )
            continue
        for name in rel.target_items:
            if name not in target_layout.item_ids:
                probs.add(
                    f"target item {name!r} is not an item of {rel.layout}"
                    f"{did_you_mean(name, target_layout.item_ids)}",
                    label,
                    (*at, "target_items"),
                )
