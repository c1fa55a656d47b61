"""Peer pipelines for the end-to-end benchmark, each given the same standard-layout CSV
and the same checks, derived from the chukan-layout layout so the comparison is fair:

required (non-blank), maximum length in characters, code membership, the item's type
format / pattern as a regular expression, calendar dates, and uniqueness of the record
key. Check digits and row rules are *not* given to the peers (chukan-layout does that
extra work in its own figures).

- ``frictionless_validate``: frictionless-py ``Resource.validate()`` with a Table Schema.
- ``pandera_stream``: ``pyarrow.csv.open_csv`` batches → pandas → a pandera
  ``DataFrameSchema`` per batch (the pipeline pandera users build; writes no output and
  cannot check uniqueness across batches — it is checked per batch only).
- ``pydantic_rows``: pandas ``read_csv(dtype=str, chunksize=…)`` then one Pydantic model validation
  per row. The model uses pydantic's native constraints (``max_length``, ``pattern``, checked in
  its Rust core) and one Python validator only for calendar dates: the fastest idiomatic form.
  The key is checked with a Python set of tuples across the whole file.

Differences the figures must be read with: frictionless checks dates by pattern only (its
``date`` type rejects the ``-00`` partial dates of the layout), pandera and pydantic also check
calendar validity; pandera checks uniqueness per batch only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent

_TYPE_RE = {
    "digits": r"[0-9]+",
    "integer": r"-?[0-9]+",
    "flag": r"[01]",
    "year": r"[0-9]{4}",
    "year_month": r"[0-9]{4}-(0[1-9]|1[0-2])",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "wareki_year": r"[0-9]{2}",
}


def _layout(layout_id: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / "layout_specs" / f"{layout_id}.yaml").read_text("utf-8"))


def _codes(table: str) -> list[str]:
    data = yaml.safe_load((REPO / "layout_specs" / "codes" / f"{table}.yaml").read_text("utf-8"))
    return [str(v["code"]) for v in data["values"]]


def _item_rules(layout: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for it in layout["items"]:
        length = it.get("length") or {}
        out.append(
            {
                "id": it["id"],
                "name": it["name"],
                "required": bool(it.get("required")),
                "max": length.get("max") if length.get("unit", "chars") == "chars" else None,
                "codes": _codes(it["codes"]) if it.get("codes") else None,
                "regex": it.get("pattern") or _TYPE_RE.get(it["type"]),
                "date": it["type"] == "date",
            }
        )
    return out


def frictionless_validate(csv_path: str, layout_id: str, encoding: str = "utf-8") -> dict[str, Any]:
    from frictionless import Dialect, Resource, Schema, fields
    from frictionless.formats import CsvControl

    layout = _layout(layout_id)
    schema = Schema()
    for r in _item_rules(layout):
        c: dict[str, Any] = {}
        if r["required"]:
            c["required"] = True
        if r["max"]:
            c["maxLength"] = r["max"]
        if r["codes"]:
            c["enum"] = r["codes"]
        if r["regex"]:
            c["pattern"] = r["regex"]
        schema.add_field(fields.StringField(name=r["name"], constraints=c))
    key_names = [next(i["name"] for i in layout["items"] if i["id"] == k) for k in layout["record_key"]]
    schema.primary_key = key_names
    # frictionless 5 refuses absolute paths as "not safe": give it a base path instead
    p = Path(csv_path)
    res = Resource(
        path=p.name,
        basepath=str(p.parent),
        schema=schema,
        encoding=encoding,
        dialect=Dialect(controls=[CsvControl(delimiter=",")]),
    )
    report = res.validate(limit_errors=10**9)
    task = report.tasks[0]
    if task.stats.get("rows") is None:  # the resource could not be opened at all
        raise RuntimeError(f"frictionless could not read {csv_path}: {report.flatten(['type', 'note'])[:3]}")
    return {"rows": task.stats.get("rows"), "errors": len(task.errors)}


def pandera_stream(
    csv_path: str, layout_id: str, encoding: str = "utf-8", block_mib: int = 16
) -> dict[str, Any]:
    import pandas as pd
    import pandera.pandas as pa_
    import pyarrow as pa
    import pyarrow.csv as pacsv

    layout = _layout(layout_id)
    rules = _item_rules(layout)
    cols: dict[str, Any] = {}
    for r in rules:
        checks = []
        if r["required"]:
            checks.append(pa_.Check.str_length(min_value=1))
        if r["max"]:
            checks.append(pa_.Check(lambda s, m=r["max"]: (s == "") | (s.str.len() <= m)))
        if r["codes"]:
            checks.append(pa_.Check(lambda s, c=frozenset(r["codes"]): (s == "") | s.isin(c)))
        if r["regex"]:
            rx = "^(?:" + r["regex"] + ")$"
            checks.append(pa_.Check(lambda s, rx=rx: (s == "") | s.str.match(rx)))
        if r["date"]:
            checks.append(
                pa_.Check(
                    lambda s: (
                        (s == "")
                        | s.str.endswith("-00")
                        | pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()
                    )
                )
            )
        cols[r["name"]] = pa_.Column(str, checks=checks, nullable=False)
    key = [next(i["name"] for i in layout["items"] if i["id"] == k) for k in layout["record_key"]]
    schema = pa_.DataFrameSchema(cols, unique=key)
    names = [r["name"] for r in rules]
    reader = pacsv.open_csv(
        csv_path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=block_mib << 20),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False
        ),
    )
    rows = failures = 0
    for batch in reader:
        df = batch.to_pandas()
        rows += len(df)
        try:
            schema.validate(df, lazy=True)
        except pa_.errors.SchemaErrors as e:
            failures += len(e.failure_cases)
    return {"rows": rows, "failure_cases": failures}


def pydantic_rows(
    csv_path: str, layout_id: str, encoding: str = "utf-8", chunk_rows: int = 65536, check_key: bool = True
) -> dict[str, Any]:
    from datetime import date
    from typing import Annotated

    import pandas as pd
    from pydantic import AfterValidator, Field, ValidationError, create_model

    layout = _layout(layout_id)
    rules = _item_rules(layout)

    def _calendar(v: str) -> str:
        if v and not v.endswith("-00"):
            date.fromisoformat(v)  # ValueError → a validation error
        return v

    fields: dict[str, Any] = {}
    for r in rules:
        rx = "|".join(re.escape(c) for c in r["codes"]) if r["codes"] else r["regex"]
        kw: dict[str, Any] = {}
        if rx:
            kw["pattern"] = f"^(?:{rx})$" if r["required"] else f"^(?:|{rx})$"
        elif r["required"]:
            kw["min_length"] = 1
        if r["max"]:
            kw["max_length"] = r["max"]
        t: Any = Annotated[str, Field(**kw)]
        if r["date"]:
            t = Annotated[t, AfterValidator(_calendar)]
        fields[r["id"]] = (t, "")
    model = create_model("Rec", **fields)
    ids = [r["id"] for r in rules]
    key = layout["record_key"]
    seen: set[tuple[str, ...]] = set()
    rows = bad = dups = 0
    with pd.read_csv(
        csv_path, dtype=str, encoding=encoding, keep_default_na=False, chunksize=chunk_rows
    ) as chunks:
        for df in chunks:
            df.columns = ids
            rows += len(df)
            for rec in df.to_dict("records"):
                try:
                    model.model_validate(rec)
                except ValidationError:
                    bad += 1
                if check_key:
                    k = tuple(rec[c] for c in key)
                    if k in seen:
                        dups += 1
                    seen.add(k)
    return {"rows": rows, "bad": bad, "duplicates": dups}
