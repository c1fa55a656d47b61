"""Crosswalks: which item of a source layout feeds which item of a target layout.

The bridge between editions and standards — e.g. 中間標準レイアウト V2.7 (what legacy systems
export) → a 基本データリスト layout (what the new system loads).  YAML form::

    crosswalk: v27_to_kihon_juki
    source: juki.jumin               # source layout id
    target: juki.kihon               # target layout id
    code_maps:                       # source code → target code, per name
      seibetsu: {"1": "1", "2": "2"}
    pairs:
      - {source: atena_no, target: atena_no}
      - {source: seibetsu, target: seibetsu, code_map: seibetsu, note: 値は同じ}
      - {target: kyuuji, waived: V2.7 has no 旧氏; entered after migration}

CSV form: a header ``source,target,code_map,note,waived`` and two label rows before it,
``source_layout,<id>`` and ``target_layout,<id>``; a ``code_map`` cell names a CSV file
(beside the crosswalk) of ``source code,target code`` rows.
:func:`check_crosswalk` reports every referenced item that does not exist, every code-map
code outside its code table, and every required target item neither covered nor waived.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import SpecLoadError
from .model import CodeTable, Layout

_LAYOUT_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pair(_Strict):
    source: str | None = None
    target: Annotated[str, Field(min_length=1)]
    code_map: str | None = None
    note: str | None = None
    waived: str | None = None  # the reason the target item has no source

    @model_validator(mode="after")
    def _one(self) -> Pair:
        if (self.source is None) == (self.waived is None):
            raise ValueError(f"target {self.target}: give a source, or waived: <reason> (not both)")
        if self.waived is not None and not self.waived.strip():
            raise ValueError(f"target {self.target}: waived needs a reason")
        return self


class Crosswalk(_Strict):
    crosswalk: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(pattern=_LAYOUT_ID)]
    target: Annotated[str, Field(pattern=_LAYOUT_ID)]
    description: str | None = None
    code_maps: dict[str, dict[str, str]] = {}
    pairs: Annotated[list[Pair], Field(min_length=1)]


def _read_csv(path: Path) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    meta = {
        r[0].strip(): r[1].strip()
        for r in rows
        if len(r) >= 2 and r[0].strip() in ("source_layout", "target_layout")
    }
    start = next((i for i, r in enumerate(rows) if r and r[0].strip() == "source" and "target" in r), None)
    if start is None or "source_layout" not in meta or "target_layout" not in meta:
        raise SpecLoadError(
            str(path),
            "a crosswalk CSV needs source_layout,<id> and target_layout,<id> rows, then a source,target,… header",
        )
    header = [h.strip() for h in rows[start]]
    pairs, maps = [], {}
    for r in rows[start + 1 :]:
        if not any(c.strip() for c in r):
            continue
        d = {h: c.strip() for h, c in zip(header, r, strict=False) if c.strip()}
        pairs.append(d)
        if d.get("code_map") and d["code_map"] not in maps:
            mp = path.parent / d["code_map"]
            if not mp.is_file():
                raise SpecLoadError(
                    str(path), f"code map file {d['code_map']!r} not found beside the crosswalk"
                )
            body = csv.reader(io.StringIO(mp.read_text(encoding="utf-8-sig"), newline=""))
            maps[d["code_map"]] = {a.strip(): b.strip() for a, b, *_ in (x for x in body if len(x) >= 2)}
    return {
        "crosswalk": path.stem,
        "source": meta["source_layout"],
        "target": meta["target_layout"],
        "code_maps": maps,
        "pairs": pairs,
    }


def load_crosswalk(path: Path | str) -> Crosswalk:
    """A crosswalk from YAML or CSV; format errors name the file (and the pair)."""
    from .loader import read_yaml

    p = Path(path)
    if not p.is_file():
        raise SpecLoadError(str(p), "no such crosswalk file")
    data = _read_csv(p) if p.suffix.lower() == ".csv" else read_yaml(p)[0]
    try:
        return Crosswalk.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise SpecLoadError(str(p), f"{loc}: {str(err['msg']).removeprefix('Value error, ')}") from None


def check_crosswalk(
    cw: Crosswalk, file: str, layouts: Callable[[str], Layout], codes: Mapping[str, CodeTable]
) -> list[SpecLoadError]:
    """Every problem: unknown layouts or items, code-map codes outside their tables, required
    target items neither covered nor waived, a target item mapped twice."""
    out: list[SpecLoadError] = []
    try:
        src, tgt = layouts(cw.source), layouts(cw.target)
    except (KeyError, LookupError) as e:
        return [SpecLoadError(file, str(e.args[0]) if e.args else str(e))]
    s_items = {it.id: it for it in src.items}
    t_items = {it.id: it for it in tgt.items}
    seen: set[str] = set()
    for i, p in enumerate(cw.pairs):
        where = f"pairs[{i}]"
        if p.target not in t_items:
            out.append(SpecLoadError(file, f"target item {p.target!r} is not in {tgt.id}", item=where))
        elif p.target in seen:
            out.append(SpecLoadError(file, f"target item {p.target!r} is mapped twice", item=where))
        seen.add(p.target)
        if p.source is not None and p.source not in s_items:
            out.append(SpecLoadError(file, f"source item {p.source!r} is not in {src.id}", item=where))
        if p.code_map is None:
            continue
        if p.code_map not in cw.code_maps:
            out.append(
                SpecLoadError(
                    file,
                    f"unknown code map {p.code_map!r}; code maps: {', '.join(cw.code_maps) or 'none'}",
                    item=where,
                )
            )
            continue
        cmap = cw.code_maps[p.code_map]
        for side, item, values in (
            ("source", s_items.get(p.source or ""), cmap.keys()),
            ("target", t_items.get(p.target), cmap.values()),
        ):
            table = codes.get(item.codes) if item is not None and item.codes else None
            if table is None:
                continue
            bad = sorted(set(values) - set(table.codes))
            if bad:
                out.append(
                    SpecLoadError(
                        file,
                        f"code map {p.code_map!r}: {side} codes {bad} are not in table {table.id}",
                        item=where,
                    )
                )
    missing = [it.id for it in tgt.items if it.required and it.id not in seen]
    if missing:
        out.append(
            SpecLoadError(file, f"required target items neither covered nor waived: {', '.join(missing)}")
        )
    return out
