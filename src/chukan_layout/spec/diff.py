"""Differences between two sets of layouts and code tables (``specs diff``).

The change list an engineer reviews when a new 基本データリスト edition arrives: layouts and
items added / removed / renamed (same id, new 項目名称), type / length / required / charset /
code-table changes, record-key changes, and code values added / removed / relabelled, with
counts.  Inputs are layout files, layout folders (``*.yaml`` + ``codes/``) or workbooks read
with an import profile.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecLoadError
from . import loader
from .model import CodeTable, Item, Layout


@dataclass(frozen=True)
class Change:
    """One difference. ``scope`` is a layout id or ``codes:<table id>``."""

    kind: str
    scope: str
    item: str | None = None
    old: str | None = None
    new: str | None = None

    def line(self) -> str:
        what = self.item or ""
        if self.old is not None and self.new is not None:
            return f"{self.kind:<18} {what}: {self.old} → {self.new}".rstrip()
        return f"{self.kind:<18} {what} {self.new or self.old or ''}".rstrip()


@dataclass
class SpecSet:
    """Layouts and code tables of one side, with a label for the report."""

    label: str
    layouts: dict[str, Layout] = field(default_factory=dict)
    codes: dict[str, CodeTable] = field(default_factory=dict)


def load_spec_set(paths: Sequence[Path | str], profile: str | None = None) -> SpecSet:
    """Layout files / folders, or one workbook (xlsx, or CSV files) imported with ``profile``."""
    ps = [Path(p) for p in paths]
    label = ", ".join(p.name for p in ps)
    if any(p.suffix.lower() in (".xlsx", ".xlsm", ".csv") for p in ps):
        from .workbook.importer import import_book
        from .workbook.profile import load_profile

        r = import_book(ps, load_profile(profile or "kihon-data-list"))
        if r.problems:
            raise r.problems[0]
        return SpecSet(label, {lay.id: lay for lay in r.layouts}, {t.id: t for t in r.codes})
    out = SpecSet(label)
    for p in loader.expand_paths(ps):
        data, node = loader.read_yaml(p)
        if isinstance(data, dict) and "values" in data and "items" not in data:
            table, probs = loader.parse_code_table(str(p), data, node)
            if table is None:
                raise probs[0]
            out.codes[table.id] = table
        else:
            lay, probs = loader.parse_layout(str(p), data, node)
            if lay is None:
                raise probs[0]
            out.layouts[lay.id] = lay
    if not out.layouts and not out.codes:
        raise SpecLoadError(label, "no layouts or code tables found")
    return out


def _length(it: Item) -> str:
    ln = it.length
    if ln is None:
        return "-"
    n = str(ln.max) if ln.min is None else f"{ln.min}..{ln.max}"
    return n if ln.unit.value == "chars" else f"{n} bytes ({ln.encoding})"


_ITEM_ATTRS = (
    ("type_changed", lambda it: it.type.value),
    ("length_changed", _length),
    ("required_changed", lambda it: "required" if it.required else "optional"),
    ("charset_changed", lambda it: it.charset.value),
    ("codes_changed", lambda it: it.codes or "-"),
)


def _items(lid: str, old: Layout, new: Layout) -> list[Change]:
    out: list[Change] = []
    o = {it.id: it for it in old.items}
    n = {it.id: it for it in new.items}
    out += [Change("item_removed", lid, i, old=o[i].name) for i in o if i not in n]
    out += [Change("item_added", lid, i, new=n[i].name) for i in n if i not in o]
    for i in (i for i in o if i in n):
        a, b = o[i], n[i]
        if a.name != b.name:
            out.append(Change("item_renamed", lid, i, a.name, b.name))
        for kind, get in _ITEM_ATTRS:
            if get(a) != get(b):
                out.append(Change(kind, lid, i, get(a), get(b)))
    if old.record_key != new.record_key:
        out.append(
            Change("record_key_changed", lid, None, ", ".join(old.record_key), ", ".join(new.record_key))
        )
    return out


def _codes(tid: str, old: CodeTable, new: CodeTable) -> list[Change]:
    scope = f"codes:{tid}"
    o = {v.code: v.name for v in old.values}
    n = {v.code: v.name for v in new.values}
    out = [Change("code_removed", scope, c, old=o[c]) for c in o if c not in n]
    out += [Change("code_added", scope, c, new=n[c]) for c in n if c not in o]
    out += [Change("code_relabelled", scope, c, o[c], n[c]) for c in o if c in n and o[c] != n[c]]
    if old.name != new.name:
        out.append(Change("table_renamed", scope, None, old.name, new.name))
    return out


def diff_specs(old: SpecSet, new: SpecSet) -> list[Change]:
    """Every change from ``old`` to ``new``: layouts in id order, then code tables."""
    out: list[Change] = []
    for lid in sorted(set(old.layouts) | set(new.layouts)):
        a, b = old.layouts.get(lid), new.layouts.get(lid)
        if a is None and b is not None:
            out.append(Change("layout_added", lid, None, new=f"{b.title.ja} ({len(b.items)} items)"))
        elif b is None and a is not None:
            out.append(Change("layout_removed", lid, None, old=f"{a.title.ja} ({len(a.items)} items)"))
        elif a is not None and b is not None:
            out += _items(lid, a, b)
    for tid in sorted(set(old.codes) | set(new.codes)):
        ta, tb = old.codes.get(tid), new.codes.get(tid)
        if ta is None and tb is not None:
            out.append(
                Change("table_added", f"codes:{tid}", None, new=f"{tb.name} ({len(tb.values)} values)")
            )
        elif tb is None and ta is not None:
            out.append(
                Change("table_removed", f"codes:{tid}", None, old=f"{ta.name} ({len(ta.values)} values)")
            )
        elif ta is not None and tb is not None:
            out += _codes(tid, ta, tb)
    return out


def counts(changes: Sequence[Change]) -> dict[str, int]:
    return dict(sorted(Counter(c.kind for c in changes).items()))


def _edition(s: SpecSet) -> str:
    eds = {
        " ".join(x for x in (lay.edition.gyomu, lay.edition.edition, lay.edition.date) if x)
        for lay in s.layouts.values()
        if lay.edition
    }
    return "; ".join(sorted(e for e in eds if e))


def render_text(old: SpecSet, new: SpecSet, changes: Sequence[Change]) -> str:
    lines = [f"OLD {old.label} {_edition(old)}".rstrip(), f"NEW {new.label} {_edition(new)}".rstrip(), ""]
    scope = None
    for c in changes:
        if c.scope != scope:
            scope = c.scope
            lines.append(scope)
        lines.append("  " + c.line())
    n = counts(changes)
    lines += [
        "",
        f"{len(changes)} change(s)" + (": " + ", ".join(f"{k} {v}" for k, v in n.items()) if n else ""),
    ]
    return "\n".join(lines)


def render_json(old: SpecSet, new: SpecSet, changes: Sequence[Change]) -> dict[str, Any]:
    return {
        "old": {"label": old.label, "edition": _edition(old)},
        "new": {"label": new.label, "edition": _edition(new)},
        "counts": counts(changes),
        "changes": [asdict(c) for c in changes],
    }


def render_html(old: SpecSet, new: SpecSet, changes: Sequence[Change]) -> str:
    """A self-contained page: counts, then one table row per change."""
    e = html.escape
    rows = "".join(
        f"<tr class='{e(c.kind)}'><td>{e(c.scope)}</td><td>{e(c.kind)}</td><td>{e(c.item or '')}</td>"
        f"<td>{e(c.old or '')}</td><td>{e(c.new or '')}</td></tr>"
        for c in changes
    )
    summary = "".join(f"<li>{e(k)}: {v}</li>" for k, v in counts(changes).items())
    return (
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>仕様差分 / spec diff</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px}.item_removed,.code_removed,.layout_removed{background:#fdd}"
        ".item_added,.code_added,.layout_added{background:#dfd}</style></head><body>"
        f"<h1>仕様差分 / spec diff</h1><p>旧 OLD: {e(old.label)} {e(_edition(old))}<br>"
        f"新 NEW: {e(new.label)} {e(_edition(new))}</p><h2>件数 / counts ({len(changes)})</h2><ul>{summary}</ul>"
        "<table><tr><th>layout / table</th><th>change</th><th>item / code</th><th>old</th><th>new</th></tr>"
        f"{rows}</table></body></html>\n"
    )
